import { callsTo } from '../graph/calls.js';
import { atLeast, clusterFacts } from '../graph/mesh/facts.js';
import { dataPlaneOf } from '../graph/mesh/injection.js';
import { brokenPercentDefault, gatewayApiChannel } from '../graph/mesh/retries.js';
import { gatewayRouteParents } from '../graph/mesh/routes.js';
import { serviceView } from '../graph/services.js';
import { getIn, isObject, type JsonValue, type Resource } from '../load/types.js';
import { because, named, RETRY_READS } from './_retries.js';
import { defineRule } from './types.js';

const arr = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);

export default defineRule<'standardChannel' | 'grpcRoute' | 'linkerdRetry' | 'linkerdBackendRequest' | 'noAttempts' | 'backendPolicyChannel' | 'istioBudgetVersion' | 'istioBudgetInterval' | 'istioBudgetPercent' | 'istioBudgetSubset'>({
  meta: {
    id: 'retry-field-unsupported',
    description: 'Retry settings that the data plane will ignore: Gateway API retry on standard-channel CRDs, on GRPCRoute or under Linkerd, and DestinationRule retry budgets the declared Istio version does not know.',
    level: 'note',
    family: 'retries',
    reads: [...RETRY_READS, 'GRPCRoute.gateway.networking.k8s.io'],
    messages: {
      standardChannel: '{object} sets rules[].retry, but {channel}: the standard-channel HTTPRoute CRD has no retry field (GEP-1731 is experimental), so the API server drops it and the mesh defaults apply [G-GEP1731]',
      grpcRoute: '{object} sets {field}, but GRPCRoute has no such field in any channel, so it is dropped or rejected [G-GRPCROUTE]',
      linkerdRetry: '{object} sets rules[].retry for {service}, whose traffic goes through Linkerd ({why}); Linkerd ignores the Gateway API retry field and reads only retry.linkerd.io annotations [L-HTTPRS]',
      linkerdBackendRequest: '{object} sets timeouts.backendRequest for {service}, whose traffic goes through Linkerd ({why}); Linkerd honours only timeouts.request [L-HTTPRS]',
      noAttempts: '{object} sets retry without attempts: the number of retries is left to the implementation (Istio uses 2) [G-HTTPROUTE HTTPRouteRetry]; write it down',
      backendPolicyChannel: '{object} needs the experimental-channel XBackendTrafficPolicy CRD, but {channel}, so the retry budget does not exist in the cluster [G-XBTP]',
      istioBudgetVersion: '{object} sets trafficPolicy.retryBudget, which Istio added in 1.27; the declared version {version} rejects or ignores it, so no budget bounds the retries [I-RN-RB]',
      istioBudgetInterval: '{object} sets retryBudget.budgetInterval, which Istio added in 1.31; the declared version {version} does not know it [I-RN-RB-INTERVAL]',
      istioBudgetPercent: '{object} sets retryBudget without percent; Istio {version} reads the missing percent as 0.2 % instead of 20 % (fixed in 1.28.6, 1.29.2, 1.30.0), so the budget allows almost no retries beyond minRetryConcurrency [I-RN-RB-PERCENT]',
      istioBudgetSubset: '{object} sets a top-level retryBudget and subsets with their own trafficPolicy; before Istio 1.30 the budget is dropped for those subsets (declared version {version}) [I-RN-RB-SUBSET]',
    },
    precision: 'high',
    tags: ['reliability'],
  },
  check({ graph, report }) {
    const channel = gatewayApiChannel(graph);
    const channelWords = because(channel.setBy);
    for (const route of graph.ofKind('gateway.networking.k8s.io', 'HTTPRoute')) {
      const parents = gatewayRouteParents(graph).filter((p) => p.route.id === route.id && p.kind === 'Service' && p.status === 'ok' && p.target);
      const linkerd = parents.map((p) => ({ svc: p.target!, why: linkerdReason(graph, p.target!) })).find((x) => x.why);
      arr(getIn(route.obj, ['spec', 'rules'])).forEach((r, i) => {
        if (!isObject(r)) return;
        if (isObject(r.retry)) {
          if (channel.channel === 'standard') {
            report({ messageId: 'standardChannel', data: { object: `${named(graph, route)} rules[${i}]`, channel: channelWords }, resource: route, path: ['spec', 'rules', i, 'retry'] });
          } else if (linkerd) {
            report({ messageId: 'linkerdRetry', data: { object: `${named(graph, route)} rules[${i}]`, service: `${linkerd.svc.namespace}/${linkerd.svc.name}`, why: linkerd.why! }, resource: route, path: ['spec', 'rules', i, 'retry'] });
          } else if (r.retry.attempts === undefined) {
            report({ messageId: 'noAttempts', data: { object: `${named(graph, route)} rules[${i}]` }, resource: route, path: ['spec', 'rules', i, 'retry'] });
          }
        }
        if (linkerd && isObject(r.timeouts) && r.timeouts.backendRequest !== undefined) {
          report({ messageId: 'linkerdBackendRequest', data: { object: `${named(graph, route)} rules[${i}]`, service: `${linkerd.svc.namespace}/${linkerd.svc.name}`, why: linkerd.why! }, resource: route, path: ['spec', 'rules', i, 'timeouts', 'backendRequest'] });
        }
      });
    }
    for (const route of graph.ofKind('gateway.networking.k8s.io', 'GRPCRoute')) {
      arr(getIn(route.obj, ['spec', 'rules'])).forEach((r, i) => {
        if (!isObject(r)) return;
        for (const field of ['retry', 'timeouts'] as const) {
          if (r[field] !== undefined) report({ messageId: 'grpcRoute', data: { object: `${named(graph, route)} rules[${i}]`, field: `rules[].${field}` }, resource: route, path: ['spec', 'rules', i, field] });
        }
      });
    }
    if (channel.channel === 'standard') {
      for (const p of graph.ofKind('gateway.networking.x-k8s.io', 'XBackendTrafficPolicy')) {
        report({ messageId: 'backendPolicyChannel', data: { object: named(graph, p), channel: channelWords }, resource: p, path: ['spec'] });
      }
    }
    const v = clusterFacts(graph).istio.version;
    if (v) {
      for (const dr of graph.ofKind('networking.istio.io', 'DestinationRule')) {
        const rb = getIn(dr.obj, ['spec', 'trafficPolicy', 'retryBudget']);
        if (!isObject(rb)) continue;
        const path = ['spec', 'trafficPolicy', 'retryBudget'];
        if (atLeast(v, 1, 27) === false) {
          report({ messageId: 'istioBudgetVersion', data: { object: named(graph, dr), version: v.raw }, resource: dr, path });
          continue;
        }
        if (rb.budgetInterval !== undefined && atLeast(v, 1, 31) === false) {
          report({ messageId: 'istioBudgetInterval', data: { object: named(graph, dr), version: v.raw }, resource: dr, path: [...path, 'budgetInterval'] });
        }
        if (rb.percent === undefined && brokenPercentDefault(v.major, v.minor, v.raw)) {
          report({ messageId: 'istioBudgetPercent', data: { object: named(graph, dr), version: v.raw }, resource: dr, path });
        }
        const subsetPolicy = arr(getIn(dr.obj, ['spec', 'subsets'])).some((s) => isObject(s) && isObject(s.trafficPolicy));
        if (subsetPolicy && atLeast(v, 1, 30) === false) {
          report({ messageId: 'istioBudgetSubset', data: { object: named(graph, dr), version: v.raw }, resource: dr, path });
        }
      }
    }
  },
});

/** Why a Service's traffic is Linkerd's: its callers or its pods run the Linkerd proxy. */
function linkerdReason(graph: Parameters<typeof callsTo>[0], svc: Resource): string | undefined {
  const caller = callsTo(graph, svc).find((e) => dataPlaneOf(graph, e.from).mesh === 'linkerd');
  if (caller) return `its caller ${caller.from.owner.name} runs the Linkerd proxy`;
  const pod = serviceView(graph, svc).pods.find((t) => dataPlaneOf(graph, t).mesh === 'linkerd');
  if (pod) return `its pods (${pod.owner.kind} ${pod.owner.name}) run the Linkerd proxy`;
  return undefined;
}
