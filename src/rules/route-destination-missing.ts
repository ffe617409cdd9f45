import type { Graph } from '../graph/graph.js';
import { ROUTE_READS, routeEdges, routeParents, type RouteEdge } from '../graph/mesh/routes.js';
import { consulServices } from '../graph/mesh/targets.js';
import { serviceView } from '../graph/services.js';
import type { Resource } from '../load/types.js';
import { closeSpelling, describe, serviceHint } from './_mesh-refs.js';
import { defineRule, type Level } from './types.js';

const EFFECT: Readonly<Record<RouteEdge['api'], string>> = {
  istio: 'requests routed to it fail (503, no cluster for the host)',
  'gateway-api': 'requests matched by this rule fail (HTTP routes answer 500; TCP and TLS connections are refused)',
  linkerd: 'requests matched by this rule fail',
  smi: 'the share of traffic sent to it fails',
  consul: 'the discovery chain cannot resolve it, so requests routed there fail',
  kuma: 'requests routed to it fail',
};

export default defineRule({
  meta: {
    id: 'route-destination-missing',
    description: 'A route that sends traffic to a Service, host, port or backend that does not exist.',
    level: 'error',
    family: 'references',
    reads: ROUTE_READS,
    messages: {
      noTarget: '{route} routes to {target}, which does not resolve: {reason}{hint}; {effect}',
      noPort: '{route} routes to port {port} of {target}: {reason}; {effect}',
      portRequired: '{route} has a backendRef to Service {target} without a port: the port is required for Service backends and is the Service port (it has {ports})',
      unknownKind: '{route} has a backendRef of kind {kind} in group {group}: {reason}; implementations reject a kind they do not support (ResolvedRefs=False, InvalidKind)',
      externalHost: '{route} routes to {target}: {reason}; Istio knows hosts outside the cluster only through a ServiceEntry, so this route fails unless one is defined outside the input',
      noRoot: '{route} splits the root service {target}, which does not exist in namespace {namespace}{hint}; clients address the root service, so the split never applies',
    },
    sources: [{ tool: 'istioctl analyze', id: 'IST0101' }],
    precision: 'high',
  },
  check({ graph, report }) {
    for (const e of routeEdges(graph)) {
      const t = e.to;
      const route = describe(e.route);
      const target = t.kind === 'Service' || t.group === '' ? `${t.name} (namespace ${t.namespace})` : `${t.kind} ${t.name} (namespace ${t.namespace})`;
      // A backend with weight 0 receives no traffic now (a canary not rolled out yet): worth a note, not an error.
      const level: Level | undefined = t.partial || e.weight === 0 ? 'note' : undefined;
      const effect = e.weight === 0 ? 'it has weight 0, so no traffic reaches it yet, but once it gets a share that share fails' : EFFECT[e.api];
      switch (t.status) {
        case 'missing': {
          // A short Istio host that names a Service in another namespace: host-shortname-wrong-namespace says it better.
          if (t.host?.form === 'short' && t.elsewhere?.length) break;
          const hint = hintFor(graph, e);
          report({
            messageId: 'noTarget',
            data: { route, target: t.host ? `host ${t.host.host}` : target, reason: t.reason ?? 'not found', hint, effect },
            resource: e.route,
            path: t.paths.name,
            // Consul also registers services from outside Kubernetes: only a near spelling makes it an error.
            level: e.api === 'consul' ? (hint && e.weight !== 0 ? undefined : 'note') : level,
          });
          break;
        }
        case 'port-missing':
          report({ messageId: 'noPort', data: { route, port: String(t.port), target, reason: t.reason ?? '', effect }, resource: e.route, path: t.paths.port ?? t.paths.ref, level });
          break;
        case 'port-required': {
          const ports = t.service ? portList(graph, t.service) : 'none';
          report({ messageId: 'portRequired', data: { route, target, ports }, resource: e.route, path: [...t.paths.ref, 'port'] });
          break;
        }
        case 'unknown-kind':
          report({ messageId: 'unknownKind', data: { route, kind: t.kind, group: t.group || '(core)', reason: t.reason ?? '' }, resource: e.route, path: [...t.paths.ref, 'kind'], level: 'warning' });
          break;
        case 'external':
          if (e.api === 'istio') report({ messageId: 'externalHost', data: { route, target: `host ${t.host?.host ?? t.name}`, reason: t.reason ?? '' }, resource: e.route, path: t.paths.name, level: 'note' });
          break;
        default:
          break;
      }
    }
    for (const p of routeParents(graph)) {
      if (p.api !== 'smi' || p.status !== 'missing') continue;
      report({
        messageId: 'noRoot',
        data: { route: describe(p.route), target: p.name, namespace: p.namespace, hint: serviceHint(graph, p.namespace, p.name) },
        resource: p.route,
        path: p.path,
        level: p.partial ? 'note' : undefined,
      });
    }
  },
});

function portList(graph: Graph, svc: Resource): string {
  return serviceView(graph, svc).ports.map((p) => (p.name ? `${p.name}=${p.port}` : String(p.port))).join(', ') || 'no ports';
}

function hintFor(graph: Graph, e: RouteEdge): string {
  const t = e.to;
  if (e.api === 'consul') {
    const near = closeSpelling(t.name, consulServices(graph).keys());
    return near ? `; did you mean ${near}?` : '';
  }
  if (t.kind === 'Service' || t.kind === 'MeshService' || t.kind === 'MeshServiceSubset') {
    if (t.host && t.host.form !== 'short' && t.host.form !== 'cluster') return '';
    if (t.name.includes('_')) return '';
    return serviceHint(graph, t.namespace, t.name);
  }
  return '';
}
