import {
  CONSUL_RESOLVER_READS,
  CONSUL_ROUTE_READS,
  DESTINATION_RULE_READS,
  ISTIO_ROUTE_READS,
  consulResolversFor,
  consulRouteEdges,
  destinationRulesFor,
  istioRouteEdges,
} from '../graph/mesh/routes.js';
import { describe, didYouMean } from './_mesh-refs.js';
import { defineRule } from './types.js';

export default defineRule({
  meta: {
    id: 'route-subset-undefined',
    description: 'A route to a named subset that no DestinationRule (Istio) or ServiceResolver (Consul) for that service defines.',
    level: 'error',
    family: 'references',
    reads: [...new Set([...ISTIO_ROUTE_READS, ...DESTINATION_RULE_READS, ...CONSUL_ROUTE_READS, ...CONSUL_RESOLVER_READS])],
    messages: {
      noSubset: '{route} routes to subset {subset} of {host}, but {rules} for that host define only {defined}{hint}; requests routed to it fail with 503 (no cluster for the subset)',
      noRuleForHost: '{route} routes to subset {subset} of {host}, but no DestinationRule in the input defines subsets for that host{others}; requests routed to it fail with 503 unless a DestinationRule outside the input defines it',
      noResolverSubset: '{route} routes to service subset {subset} of Consul service {service}, but ServiceResolver {resolver} defines only {defined}{hint}; the discovery chain cannot resolve it',
      noResolver: '{route} routes to service subset {subset} of Consul service {service}, but the input has no ServiceResolver {service} to define it; the discovery chain cannot resolve it unless the resolver is written to Consul another way',
    },
    sources: [
      { tool: 'istioctl analyze', id: 'IST0101' },
      { tool: 'Kiali', id: 'KIA1107' },
    ],
    precision: 'high',
  },
  check({ graph, report }) {
    const anyRules = graph.ofKind('networking.istio.io', 'DestinationRule').length > 0;
    for (const e of istioRouteEdges(graph)) {
      const t = e.to;
      if (t.subset === undefined || !t.host?.found || !t.paths.subset) continue;
      const vsNs = e.route.namespace ?? graph.defaultNamespace;
      const rules = destinationRulesFor(graph, t.host.fqdn, vsNs);
      const defined = rules.flatMap((r) => r.subsets.map((s) => s.name));
      if (defined.includes(t.subset)) continue;
      const route = describe(e.route);
      if (rules.length === 0 || defined.length === 0) {
        report({
          messageId: 'noRuleForHost',
          data: { route, subset: t.subset, host: t.host.fqdn, others: rules.length ? ` (${rules.map((r) => describe(r.rule)).join(', ')} define no subsets)` : '' },
          resource: e.route,
          path: t.paths.subset,
          level: anyRules ? undefined : 'note',
          related: rules.map((r) => ({ resource: r.rule, path: ['spec', 'host'], message: `DestinationRule for ${r.host}` })),
        });
        continue;
      }
      report({
        messageId: 'noSubset',
        data: { route, subset: t.subset, host: t.host.fqdn, rules: rules.map((r) => describe(r.rule)).join(', '), defined: [...new Set(defined)].join(', '), hint: didYouMean(t.subset, defined) },
        resource: e.route,
        path: t.paths.subset,
        related: rules.map((r) => ({ resource: r.rule, path: ['spec', 'subsets'], message: `subsets of ${describe(r.rule)}` })),
      });
    }
    for (const e of consulRouteEdges(graph)) {
      const t = e.to;
      if (t.subset === undefined || t.subset === '' || t.status !== 'ok' || !t.paths.subset) continue;
      const resolvers = consulResolversFor(graph, t.name);
      const defined = resolvers.flatMap((r) => r.subsets);
      if (defined.includes(t.subset)) continue;
      const route = describe(e.route);
      if (resolvers.length === 0) {
        report({ messageId: 'noResolver', data: { route, subset: t.subset, service: t.name }, resource: e.route, path: t.paths.subset, level: 'note' });
        continue;
      }
      report({
        messageId: 'noResolverSubset',
        data: { route, subset: t.subset, service: t.name, resolver: resolvers.map((r) => describe(r.resolver)).join(', '), defined: defined.join(', ') || 'no subsets', hint: didYouMean(t.subset, defined) },
        resource: e.route,
        path: t.paths.subset,
        related: resolvers.map((r) => ({ resource: r.resolver, path: ['spec', 'subsets'], message: `subsets of ${describe(r.resolver)}` })),
      });
    }
  },
});
