import { callEdges, type CallEdge } from '../graph/calls.js';
import { edgePolicies, formatMs, parseDuration, type SetBy } from '../graph/mesh/retries.js';
import { getIn, isObject, str, type JsonValue, type Path, type Resource } from '../load/types.js';
import { because, INCLUDE_DEFAULTS_SCHEMA, listNames, named, RETRY_READS, setterKey, target } from './_retries.js';
import { defineRule } from './types.js';

interface Options {
  includeMeshDefaults: boolean;
}

const arr = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);

export default defineRule<'route' | 'backendRequest' | 'annotations' | 'edge', Options>({
  meta: {
    id: 'retry-pertry-timeout-exceeds-timeout',
    description: 'A per-try timeout at least as long as the overall timeout on the same route, so an attempt that times out is never retried.',
    level: 'warning',
    family: 'retries',
    reads: RETRY_READS,
    messages: {
      route: '{object} gives each attempt {perTry} but the whole request only {timeout}: the overall timeout includes all retries, so an attempt that hangs uses up the request and is never retried; only fast failures are retried. Make perTryTimeout a fraction of timeout',
      backendRequest: '{object} sets timeouts.backendRequest {perTry} above timeouts.request {timeout}; the Gateway API CRD rejects this (backendRequest must not exceed request)',
      annotations: '{object} sets retry.linkerd.io/timeout {perTry} and timeout.linkerd.io/request {timeout}: the request timeout covers every retry, so a timed-out attempt is never retried',
      edge: 'Calls from {callers} to {target} ({mesh}) allow {perTry} per attempt ({perTryWhy}) within a {timeout} request timeout ({timeoutWhy}): a hung attempt is never retried, only fast failures are',
    },
    options: { schema: { type: 'object', additionalProperties: false, properties: { ...INCLUDE_DEFAULTS_SCHEMA } }, defaults: { includeMeshDefaults: true } },
    precision: 'high',
    tags: ['reliability'],
  },
  check({ graph, options, report }) {
    // Istio VirtualService routes
    for (const vs of graph.ofKind('networking.istio.io', 'VirtualService')) {
      arr(getIn(vs.obj, ['spec', 'http'])).forEach((r, i) => {
        if (!isObject(r) || !isObject(r.retries)) return;
        if (!(typeof r.retries.attempts === 'number' && r.retries.attempts > 0)) return;
        const pt = parseDuration(r.retries.perTryTimeout);
        const to = parseDuration(r.timeout);
        if (pt === undefined || to === undefined || to <= 0 || pt < to) return;
        report({ messageId: 'route', data: { object: `${named(graph, vs)} http[${i}]`, perTry: formatMs(pt), timeout: formatMs(to) }, resource: vs, path: ['spec', 'http', i, 'retries', 'perTryTimeout'] });
      });
    }
    // Gateway API: backendRequest vs request
    for (const route of graph.ofKind('gateway.networking.k8s.io', 'HTTPRoute')) {
      arr(getIn(route.obj, ['spec', 'rules'])).forEach((r, i) => {
        const t = isObject(r) && isObject(r.timeouts) ? r.timeouts : undefined;
        if (!t) return;
        const be = parseDuration(t.backendRequest);
        const rq = parseDuration(t.request);
        if (be === undefined || rq === undefined || rq === 0 || be < rq) return;
        const over = be > rq;
        report({
          messageId: over ? 'backendRequest' : 'route',
          data: { object: `${named(graph, route)} rules[${i}]`, perTry: formatMs(be), timeout: formatMs(rq) },
          resource: route,
          path: ['spec', 'rules', i, 'timeouts', 'backendRequest'],
        });
      });
    }
    // Linkerd annotations on one object
    for (const r of [...graph.ofKind('', 'Service'), ...graph.ofKind('gateway.networking.k8s.io', 'HTTPRoute'), ...graph.ofKind('gateway.networking.k8s.io', 'GRPCRoute'), ...graph.ofKind('policy.linkerd.io', 'HTTPRoute')]) {
      const ann = isObject(r.obj.metadata) && isObject(r.obj.metadata.annotations) ? r.obj.metadata.annotations : {};
      const pt = parseDuration(str(ann['retry.linkerd.io/timeout']));
      const rq = parseDuration(str(ann['timeout.linkerd.io/request']));
      if (pt === undefined || rq === undefined || rq <= 0 || pt < rq) continue;
      report({ messageId: 'annotations', data: { object: named(graph, r), perTry: formatMs(pt), timeout: formatMs(rq) }, resource: r, path: ['metadata', 'annotations', 'retry.linkerd.io/timeout'] });
    }
    // Kuma: per-try and request timeout come from different policies (and from the defaults: 16 s vs 15 s)
    const groups = new Map<string, { edge: CallEdge; callers: string[]; perTry: { ms: number; setBy: SetBy }; timeout: { ms: number; setBy: SetBy } }>();
    const policies = edgePolicies(graph);
    for (const edge of callEdges(graph)) {
      const p = policies[edge.id]!;
      if (p.mesh !== 'kuma') continue;
      const pt = p.perTryTimeoutMs.value;
      const to = p.timeoutMs.value;
      if (pt === undefined || to === undefined || pt < to || (p.attempts.value ?? 1) <= 1) continue;
      const bothDefault = !p.perTryTimeoutMs.setBy.resource && !p.timeoutMs.setBy.resource;
      if (bothDefault && !options.includeMeshDefaults) continue;
      const key = `${setterKey(p.perTryTimeoutMs.setBy)}|${setterKey(p.timeoutMs.setBy)}|${bothDefault ? edge.to.id : ''}`;
      const g = groups.get(key);
      if (g) g.callers.push(edge.from.owner.name);
      else groups.set(key, { edge, callers: [edge.from.owner.name], perTry: { ms: pt, setBy: p.perTryTimeoutMs.setBy }, timeout: { ms: to, setBy: p.timeoutMs.setBy } });
    }
    for (const g of groups.values()) {
      const loc: { resource: Resource; path: Path } = g.perTry.setBy.resource
        ? { resource: g.perTry.setBy.resource, path: g.perTry.setBy.path }
        : g.timeout.setBy.resource
          ? { resource: g.timeout.setBy.resource, path: g.timeout.setBy.path }
          : { resource: g.edge.to, path: g.edge.port ? [...g.edge.port.path] : ['spec', 'ports'] };
      report({
        messageId: 'edge',
        data: {
          callers: listNames(g.callers),
          target: target(graph, g.edge),
          mesh: 'Kuma',
          perTry: formatMs(g.perTry.ms),
          perTryWhy: because(g.perTry.setBy),
          timeout: formatMs(g.timeout.ms),
          timeoutWhy: because(g.timeout.setBy),
        },
        ...loc,
      });
    }
  },
});
