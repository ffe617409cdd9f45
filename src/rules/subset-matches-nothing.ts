import { describeMiss, describeRequirement, labelSelector, nearestMiss, selectorMatches } from '../graph/labels.js';
import { resolveHost } from '../graph/mesh/hosts.js';
import { DESTINATION_RULE_READS, ISTIO_ROUTE_READS, destinationRuleSubsetsOf, istioRoutesToSubset } from '../graph/mesh/routes.js';
import { serviceView } from '../graph/services.js';
import { describe } from './_mesh-refs.js';
import { defineRule } from './types.js';

/**
 * Endpoint labels that Istio adds from the node or the cluster at run time, so no pod template carries them
 * (istio/istio pkg/config/analysis/analyzers/destinationrule/subset.go `augmentPodLabelsWithNodeTopology`;
 * pilot label constants for network and cluster).
 */
const ENDPOINT_LABELS: ReadonlySet<string> = new Set([
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.istio.io/subzone',
  'kubernetes.io/hostname',
  'topology.istio.io/network',
  'topology.istio.io/cluster',
]);

export default defineRule({
  meta: {
    id: 'subset-matches-nothing',
    description: 'A DestinationRule subset whose labels select none of the pods behind its host.',
    level: 'warning',
    family: 'references',
    reads: [...new Set([...ISTIO_ROUTE_READS, ...DESTINATION_RULE_READS])],
    messages: {
      routed: 'subset {subset} selects none of the {count} pod template(s) behind Service {service}: {why}; {routes} send traffic to it, and it gets 503 (no healthy upstream)',
      unrouted: 'subset {subset} selects none of the {count} pod template(s) behind Service {service}: {why}; no route sends traffic to it now (a version not deployed yet?), but a route that does will get 503',
    },
    sources: [
      { tool: 'istioctl analyze', id: 'IST0173' },
      { tool: 'Kiali', id: 'KIA0203' },
    ],
    precision: 'high',
  },
  check({ graph, report }) {
    for (const dr of graph.ofKind('networking.istio.io', 'DestinationRule')) {
      const { host, subsets } = destinationRuleSubsetsOf(graph, dr);
      if (!host || subsets.length === 0) continue;
      const res = resolveHost(graph, host, dr.namespace ?? graph.defaultNamespace);
      // ServiceEntry hosts have no pods behind them (their endpoints are addresses or WorkloadEntries).
      const service = res.services[0];
      if (!service) continue;
      const view = serviceView(graph, service);
      if (view.pods.length === 0) continue;
      for (const s of subsets) {
        const checked = Object.fromEntries(Object.entries(s.labels).filter(([k]) => !ENDPOINT_LABELS.has(k)));
        if (Object.keys(checked).length === 0) continue;
        const sel = labelSelector({ matchLabels: checked }, 'nothing');
        if (view.pods.some((t) => selectorMatches(sel, t.labels))) continue;
        const near = nearestMiss(sel, view.pods, (t) => t.labels);
        const why = near
          ? `the nearest, ${near.candidate.owner.kind} ${near.candidate.owner.name}, ${near.failed.map((r) => `wants ${describeRequirement(r)} but ${describeMiss(r, near.candidate.labels)}`).join('; ')}`
          : 'no pod template matches';
        const key = near?.failed[0]?.path[1];
        const routes = istioRoutesToSubset(graph, service, s.name).filter((e) => e.weight === undefined || e.weight > 0);
        const data = { subset: s.name, count: view.pods.length, service: `${service.namespace ?? graph.defaultNamespace}/${service.name}`, why };
        report({
          messageId: routes.length ? 'routed' : 'unrouted',
          data: routes.length ? { ...data, routes: [...new Set(routes.map((e) => describe(e.route)))].join(', ') } : data,
          resource: dr,
          path: [...s.path, 'labels', ...(typeof key === 'string' ? [key] : [])],
          level: routes.length ? undefined : 'note',
          related: [
            ...(near ? [{ resource: near.candidate.owner, path: [...near.candidate.path, 'metadata', 'labels'], message: `nearest pod template: ${near.candidate.owner.kind} ${near.candidate.owner.name}` }] : []),
            ...routes.map((e) => ({ resource: e.route, path: e.to.paths.subset ?? e.path, message: `route to subset ${s.name}` })),
          ],
        });
      }
    }
  },
});
