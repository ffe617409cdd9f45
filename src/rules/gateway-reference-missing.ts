import type { Graph } from '../graph/graph.js';
import { describeSelector } from '../graph/labels.js';
import {
  GATEWAY_ROUTE_READS,
  ISTIO_ROUTE_READS,
  KUMA_ROUTE_READS,
  crossNamespaceCertificateRefs,
  gatewayRouteEdges,
  gatewayRouteParents,
  istioRouteParents,
  kumaRouteParents,
  type RouteParent,
} from '../graph/mesh/routes.js';
import { TARGET_READS, templatesWithLabelKey, workloadsSelectedBy } from '../graph/mesh/targets.js';
import { describe, didYouMean, explainSelection } from './_mesh-refs.js';
import { defineRule } from './types.js';

const EFFECT: Readonly<Record<RouteParent['api'], string>> = {
  istio: 'the VirtualService does not apply at that gateway',
  'gateway-api': 'the route is not attached there, so it carries no traffic',
  linkerd: 'the route is not attached there, so it carries no traffic',
  smi: 'the split never applies',
  consul: 'the route is not attached',
  kuma: 'the route applies to nothing',
};

export default defineRule({
  meta: {
    id: 'gateway-reference-missing',
    description: 'A route bound to a gateway or parent that does not exist or does not accept it, a cross-namespace reference without a ReferenceGrant, or an Istio Gateway whose selector matches no gateway pods.',
    level: 'error',
    family: 'references',
    reads: [...new Set<string>([...ISTIO_ROUTE_READS, ...GATEWAY_ROUTE_READS, ...KUMA_ROUTE_READS, ...TARGET_READS, 'Gateway.networking.istio.io'])],
    messages: {
      missingParent: '{route} {how} {kind} {name}{where}, which does not exist{hint}; {effect}',
      wrongGroup: '{route} parentRef {name}: {reason}; the route is not attached to the Service',
      noListener: '{route} parentRef to {kind} {namespace}/{name}: {reason}; the route is not attached (NoMatchingParent)',
      notAllowed: '{route} parentRef to {kind} {namespace}/{name}: {reason}; the route is not attached (NotAllowedByListeners)',
      noGrant: '{source} refers to {kind} {name} in namespace {namespace}, but no ReferenceGrant there lets {fromKind} objects from namespace {fromNamespace} do so{grants}; the reference is refused (RefNotPermitted)',
      noGatewayPods: '{gateway} selects no gateway pods with {selector}: {why}; no proxy serves its servers',
    },
    sources: [{ tool: 'istioctl analyze', id: 'IST0101' }],
    precision: 'high',
  },
  check({ graph, report }) {
    for (const p of [...istioRouteParents(graph), ...gatewayRouteParents(graph), ...kumaRouteParents(graph)]) {
      // most references resolve: build the message data only for the ones reported
      if (p.status !== 'missing' && p.status !== 'wrong-group' && p.status !== 'no-listener' && p.status !== 'not-allowed') continue;
      const route = describe(p.route);
      const data = { route, kind: p.kind, name: p.name, namespace: p.namespace, reason: p.reason ?? '' };
      switch (p.status) {
        case 'missing':
          report({
            messageId: 'missingParent',
            data: { ...data, how: p.api === 'istio' ? 'is bound to' : p.api === 'kuma' ? 'targets' : 'attaches to', where: p.kind === 'MeshGateway' ? '' : ` in namespace ${p.namespace}`, hint: hint(graph, p), effect: EFFECT[p.api] },
            resource: p.route,
            path: p.detailPath ?? p.path,
            level: p.partial ? 'note' : undefined,
          });
          break;
        case 'wrong-group':
          report({ messageId: 'wrongGroup', data, resource: p.route, path: p.detailPath ?? p.path });
          break;
        case 'no-listener':
          report({ messageId: 'noListener', data, resource: p.route, path: p.detailPath ?? p.path, related: p.target ? [{ resource: p.target, path: ['spec'], message: `${describe(p.target)}` }] : [] });
          break;
        case 'not-allowed':
          report({ messageId: 'notAllowed', data, resource: p.route, path: p.detailPath ?? p.path, related: p.target ? [{ resource: p.target, path: ['spec', 'listeners'], message: `listeners of ${describe(p.target)}` }] : [] });
          break;
        default:
          break;
      }
    }
    for (const e of gatewayRouteEdges(graph)) {
      if (e.to.status !== 'not-permitted') continue;
      const ns = e.route.namespace ?? graph.defaultNamespace;
      report({
        messageId: 'noGrant',
        data: { source: `${describe(e.route)} backendRef`, kind: e.to.kind, name: e.to.name, namespace: e.to.namespace, fromKind: e.route.kind, fromNamespace: ns, grants: grantList(graph, e.to.namespace) },
        resource: e.route,
        path: e.to.paths.namespace ?? e.to.paths.name,
      });
    }
    for (const c of crossNamespaceCertificateRefs(graph)) {
      if (c.permitted) continue;
      report({
        messageId: 'noGrant',
        data: { source: `${describe(c.gateway)} certificateRef`, kind: c.kind, name: c.name, namespace: c.namespace, fromKind: 'Gateway', fromNamespace: c.gateway.namespace ?? graph.defaultNamespace, grants: grantList(graph, c.namespace) },
        resource: c.gateway,
        path: c.path,
      });
    }
    for (const gw of graph.ofKind('networking.istio.io', 'Gateway')) {
      const sel = workloadsSelectedBy(graph, gw);
      if (!sel || sel.templates.length > 0 || !sel.selector || sel.selector.kind !== 'requirements') continue;
      // Gateway deployments are usually installed with the mesh, outside the application's manifests: only a
      // template carrying one of the selector's keys shows that the input holds the gateway and misses it.
      if (!sel.selector.requirements.some((r) => templatesWithLabelKey(graph, r.key).length > 0)) continue;
      const why = explainSelection(graph, sel.selector, 'all');
      const failed = why.failedPath ?? [];
      report({
        messageId: 'noGatewayPods',
        data: { gateway: describe(gw), selector: describeSelector(sel.selector), why: why.why },
        resource: gw,
        path: [...sel.path, ...failed.slice(-1)],
        level: 'warning',
        related: why.related,
      });
    }
  },
});

function hint(graph: Graph, p: RouteParent): string {
  const group = p.kind === 'Service' ? '' : p.api === 'istio' ? 'networking.istio.io' : p.group;
  const names = (p.kind === 'MeshGateway' ? graph.ofKind(group, p.kind) : graph.inNamespace(p.namespace, group, p.kind)).map((r) => r.name);
  return didYouMean(p.name, names);
}

function grantList(graph: Graph, namespace: string): string {
  const grants = graph.inNamespace(namespace, 'gateway.networking.k8s.io', 'ReferenceGrant');
  return grants.length ? ` (ReferenceGrants in ${namespace}: ${grants.map((g) => g.name).join(', ')}; none matches both from and to)` : '';
}
