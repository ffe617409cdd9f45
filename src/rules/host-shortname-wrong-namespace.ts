import type { Graph } from '../graph/graph.js';
import { clusterDomainOf, resolveHost, servicesNamed } from '../graph/mesh/hosts.js';
import { DESTINATION_RULE_READS, ISTIO_ROUTE_READS, istioRouteEdges } from '../graph/mesh/routes.js';
import { getIn, str, type Path, type Resource } from '../load/types.js';
import { defineRule, type Report } from './types.js';

type MessageId = 'wrongNamespace';

export default defineRule({
  meta: {
    id: 'host-shortname-wrong-namespace',
    description: 'A VirtualService or DestinationRule short host name that Istio expands in the rule\'s own namespace, where no such Service exists, while a Service of that name exists in another namespace.',
    level: 'error',
    family: 'references',
    reads: [...new Set<string>([...ISTIO_ROUTE_READS, ...DESTINATION_RULE_READS])],
    messages: {
      wrongNamespace:
        '{field} {host} is a short name, so Istio reads it as {fqdn} (the namespace of this {kind}), where no Service {host} exists; Service {host} is in namespace {namespaces}. Write the full name, e.g. {suggestion}; {effect}',
    },
    precision: 'very-high',
  },
  check({ graph, report }) {
    for (const vs of graph.ofKind('networking.istio.io', 'VirtualService')) {
      const hosts = getIn(vs.obj, ['spec', 'hosts']);
      if (!Array.isArray(hosts)) continue;
      hosts.forEach((h, i) => {
        if (typeof h === 'string') check(graph, vs, h, ['spec', 'hosts', i], 'host', 'the routing rules never apply to calls to that Service', report);
      });
    }
    for (const e of istioRouteEdges(graph)) {
      if (e.to.status !== 'missing' || e.to.host?.form !== 'short') continue;
      check(graph, e.route, e.to.host.host, e.to.paths.name, 'destination host', 'requests routed to it fail (503, no cluster for the host)', report);
    }
    for (const dr of graph.ofKind('networking.istio.io', 'DestinationRule')) {
      const h = str(getIn(dr.obj, ['spec', 'host']));
      if (h) check(graph, dr, h, ['spec', 'host'], 'host', 'its traffic policy and subsets apply to nothing', report);
    }
  },
});

function check(graph: Graph, r: Resource, host: string, path: Path, field: string, effect: string, report: (x: Report<MessageId>) => void): void {
  const ns = r.namespace ?? graph.defaultNamespace;
  const res = resolveHost(graph, host, ns);
  if (res.form !== 'short' || res.found || !res.designates) return;
  const elsewhere = servicesNamed(graph, res.designates.name).filter((s) => (s.namespace ?? graph.defaultNamespace) !== ns);
  if (elsewhere.length === 0) return;
  const namespaces = [...new Set(elsewhere.map((s) => s.namespace ?? graph.defaultNamespace))].sort();
  report({
    messageId: 'wrongNamespace',
    data: { field: field[0]!.toUpperCase() + field.slice(1), host, fqdn: res.fqdn, kind: r.kind, namespaces: namespaces.join(', '), suggestion: `${res.designates.name}.${namespaces[0]}.svc.${clusterDomainOf(graph).value}`, effect },
    resource: r,
    path,
    related: elsewhere.map((s) => ({ resource: s, path: ['metadata', 'name'], message: `Service ${s.name} in namespace ${s.namespace ?? graph.defaultNamespace}` })),
  });
}
