/**
 * The route model: every route → destination edge of every mesh, with its object and path, rule, parents,
 * caller hosts, weight and resolved target (semantics.md §2.4, §2.5, §3, §4, §5, §6).
 */
import { describe, expect, it } from 'vitest';
import {
  consulResolversFor,
  destinationRulesFor,
  istioGatewayName,
  referenceGrant,
  routeEdges,
  routeEdgesOf,
  routeParents,
  routesTo,
  type RouteEdge,
} from '../../src/graph/mesh/routes.js';
import { formatPath } from '../../src/load/types.js';
import { graphOf, refOf } from '../helpers/mesh-graph.js';

function row(e: RouteEdge): string {
  const t = e.to;
  return `${e.api}:${e.kind} ${refOf(e.route)} ${formatPath(e.path)} -> ${t.namespace}/${t.name}${t.port !== undefined ? `:${t.port}` : ''}${t.subset ? `#${t.subset}` : ''} ${t.status}${e.weight !== undefined ? ` w=${e.weight}` : ''}`;
}

const services = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: shop}
spec: {selector: {app: ratings}, ports: [{name: http, port: 9080}]}
---
`;

describe('routeEdges', () => {
  it('collects Istio destinations, mirrors, tcp and tls routes with their rule and gateways', async () => {
    const g = await graphOf(services + `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: shop}
spec: {selector: {istio: ingressgateway}, servers: []}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  gateways: [mesh, edge]
  http:
    - name: canary
      route:
        - {destination: {host: reviews, subset: v2}, weight: 10}
        - {destination: {host: reviews, subset: v1}, weight: 90}
      mirror: {host: ratings}
  tcp:
    - route: [{destination: {host: ratings.shop.svc.cluster.local, port: {number: 9080}}}]
`);
    const edges = routeEdges(g);
    expect(edges.map(row)).toEqual([
      'istio:istio-destination shop/VirtualService/reviews spec.http[0].route[0].destination -> shop/reviews#v2 ok w=10',
      'istio:istio-destination shop/VirtualService/reviews spec.http[0].route[1].destination -> shop/reviews#v1 ok w=90',
      'istio:istio-mirror shop/VirtualService/reviews spec.http[0].mirror -> shop/ratings ok',
      'istio:istio-destination shop/VirtualService/reviews spec.tcp[0].route[0].destination -> shop/ratings:9080 ok',
    ]);
    const first = edges[0]!;
    expect(first.rule).toEqual({ protocol: 'http', index: 0, path: ['spec', 'http', 0], name: 'canary' });
    expect(first.callerHosts).toEqual(['reviews']);
    expect(first.parents.map((p) => `${p.kind}:${p.name}:${p.status}`)).toEqual(['mesh:mesh:mesh', 'Gateway:edge:ok']);
    expect(edges[3]!.rule?.protocol).toBe('tcp');
    const reviews = g.find('', 'Service', 'shop', 'reviews')!;
    expect(routesTo(g, reviews).map((e) => e.to.subset)).toEqual(['v2', 'v1']);
    expect(routeEdgesOf(g, first.route)).toHaveLength(4);
  });

  it('resolves Gateway API backends: defaults, ports, grants, mirrors; mesh routes need no grant', async () => {
    const g = await graphOf(services + `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: infra}
spec: {gatewayClassName: x, listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: north, namespace: infra}
spec:
  parentRefs: [{name: edge}]
  hostnames: [shop.example.com]
  rules:
    - backendRefs:
        - {name: reviews, namespace: shop, port: 9080, weight: 3}
        - {name: ratings, namespace: shop, port: 9080}
      filters: [{type: RequestMirror, requestMirror: {backendRef: {name: reviews, namespace: shop, port: 9080}}}]
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: infra-to-reviews, namespace: shop}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}]
  to: [{group: "", kind: Service, name: reviews}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: east, namespace: clients}
spec:
  parentRefs: [{group: "", kind: Service, name: reviews, namespace: shop}]
  rules: [{backendRefs: [{name: ratings, namespace: shop, port: 9080}, {name: reviews, namespace: shop}]}]
`);
    expect(routeEdges(g).map(row)).toEqual([
      'gateway-api:backend-ref infra/HTTPRoute/north spec.rules[0].backendRefs[0] -> shop/reviews:9080 ok w=3',
      'gateway-api:backend-ref infra/HTTPRoute/north spec.rules[0].backendRefs[1] -> shop/ratings:9080 not-permitted',
      'gateway-api:mirror-ref infra/HTTPRoute/north spec.rules[0].filters[0].requestMirror.backendRef -> shop/reviews:9080 ok',
      'gateway-api:backend-ref clients/HTTPRoute/east spec.rules[0].backendRefs[0] -> shop/ratings:9080 ok',
      'gateway-api:backend-ref clients/HTTPRoute/east spec.rules[0].backendRefs[1] -> shop/reviews port-required',
    ]);
    const north = routeEdges(g)[0]!;
    expect(north.callerHosts).toEqual(['shop.example.com']);
    expect(refOf(north.to.grant)).toBe('shop/ReferenceGrant/infra-to-reviews');
    expect(north.rule).toMatchObject({ protocol: 'http', index: 0 });
    expect(referenceGrant(g, { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'infra' }, { group: '', kind: 'Service', namespace: 'shop', name: 'ratings' })).toBeUndefined();
  });

  it('covers SMI, Consul and Kuma, each edge kind kept distinct', async () => {
    const g = await graphOf(services + `
apiVersion: split.smi-spec.io/v1alpha1
kind: TrafficSplit
metadata: {name: reviews, namespace: shop}
spec: {service: reviews, backends: [{service: reviews, weight: 900m}, {service: ratings, weight: 100m}]}
---
apiVersion: consul.hashicorp.com/v1alpha1
kind: ServiceRouter
metadata: {name: reviews}
spec: {routes: [{match: {http: {pathPrefix: /r}}, destination: {service: ratings}}]}
---
apiVersion: consul.hashicorp.com/v1alpha1
kind: ServiceResolver
metadata: {name: reviews}
spec:
  subsets: {v1: {filter: "Service.Meta.version == v1"}}
  redirect: {service: reviews, datacenter: dc2}
  failover: {"*": {targets: [{service: ratings}]}}
---
apiVersion: kuma.io/v1alpha1
kind: MeshTCPRoute
metadata: {name: reviews, namespace: shop}
spec:
  targetRef: {kind: Mesh}
  to:
    - targetRef: {kind: MeshService, name: reviews}
      rules: [{default: {backendRefs: [{kind: MeshService, name: ratings, port: 9080, weight: 1}]}}]
`);
    expect(routeEdges(g).map(row)).toEqual([
      'smi:smi-backend shop/TrafficSplit/reviews spec.backends[0] -> shop/reviews ok w=0.9',
      'smi:smi-backend shop/TrafficSplit/reviews spec.backends[1] -> shop/ratings ok w=0.1',
      'consul:consul-route default/ServiceRouter/reviews spec.routes[0].destination -> default/ratings ok',
      'consul:consul-redirect default/ServiceResolver/reviews spec.redirect -> default/reviews external',
      'consul:consul-failover default/ServiceResolver/reviews spec.failover["*"].targets[0] -> default/ratings ok',
      'kuma:kuma-to shop/MeshTCPRoute/reviews spec.to[0].targetRef -> shop/reviews ok',
      'kuma:kuma-backend shop/MeshTCPRoute/reviews spec.to[0].rules[0].default.backendRefs[0] -> shop/ratings:9080 ok w=1',
    ]);
    expect(consulResolversFor(g, 'reviews').map((r) => r.subsets)).toEqual([['v1']]);
    expect(routeParents(g).map((p) => `${p.api}:${p.kind}:${p.name}:${p.status}`)).toEqual(['smi:Service:reviews:ok', 'kuma:Mesh::mesh']);
  });
});

describe('parents', () => {
  it('checks Gateway listeners, Service parents and the group default', async () => {
    const g = await graphOf(services + `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: infra}
spec: {gatewayClassName: x, listeners: [{name: http, port: 80, protocol: HTTP}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: shop}
spec:
  parentRefs:
    - {name: edge, namespace: infra}
    - {name: edge, namespace: infra, sectionName: https}
    - {kind: Service, name: reviews}
    - {group: "", kind: Service, name: reviews, sectionName: grpc}
    - {group: core, kind: Service, name: reviews, port: 9080}
`);
    expect(routeParents(g).map((p) => `${p.kind}:${p.status}${p.detailPath ? ` @${formatPath(p.detailPath)}` : ''}`)).toEqual([
      'Gateway:not-allowed',
      'Gateway:no-listener @spec.parentRefs[1].sectionName',
      'Service:wrong-group @spec.parentRefs[2].kind',
      'Service:no-listener @spec.parentRefs[3].sectionName',
      'Service:ok',
    ]);
  });

  it('reads VirtualService gateway names as Istio does', () => {
    expect(istioGatewayName('edge', 'shop')).toEqual({ namespace: 'shop', name: 'edge' });
    expect(istioGatewayName('./edge', 'shop')).toEqual({ namespace: 'shop', name: 'edge' });
    expect(istioGatewayName('istio-system/edge', 'shop')).toEqual({ namespace: 'istio-system', name: 'edge' });
    expect(istioGatewayName('edge.istio-system.svc.cluster.local', 'shop')).toEqual({ namespace: 'istio-system', name: 'edge' });
  });
});

describe('destinationRulesFor', () => {
  it('expands each rule host in its own namespace and honours wildcards and exportTo', async () => {
    const g = await graphOf(services + `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: web}
spec: {host: reviews, subsets: [{name: v9, labels: {version: v9}}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: all, namespace: istio-system}
spec: {host: "*.shop.svc.cluster.local", exportTo: ["."]}
`);
    const fq = 'reviews.shop.svc.cluster.local';
    expect(destinationRulesFor(g, fq, 'shop').map((r) => refOf(r.rule))).toEqual(['shop/DestinationRule/reviews']);
    expect(destinationRulesFor(g, fq, 'istio-system').map((r) => refOf(r.rule))).toEqual(['shop/DestinationRule/reviews', 'istio-system/DestinationRule/all']);
    expect(destinationRulesFor(g, 'reviews.web.svc.cluster.local', 'web').map((r) => r.subsets.map((s) => s.name))).toEqual([['v9']]);
  });
});
