import rule from '../../src/rules/route-destination-missing.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

// Six lines: a Service `reviews` in namespace shop with ports 9080 (http) and 9090, selecting app=reviews.
const reviews = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: reviews, namespace: shop}
  spec:
    selector: {app: reviews}
    ports: [{name: http, port: 9080, targetPort: 8080}, {port: 9090}]
  ---
`;

// Gateway API Gateway in namespace shop (for routes that attach to it).
const gateway = yaml`
  apiVersion: gateway.networking.k8s.io/v1
  kind: Gateway
  metadata: {name: edge, namespace: shop}
  spec:
    gatewayClassName: example
    listeners: [{name: http, port: 80, protocol: HTTP}]
  ---
`;

ruleTable(rule, {
  valid: [
    {
      name: 'istio: short host expands in the VirtualService namespace, port exists',
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: shop}
        spec:
          hosts: [reviews]
          http:
            - route:
                - destination: {host: reviews, port: {number: 9080}}
      `,
    },
    {
      name: 'istio: full name from another namespace, and a ServiceEntry host (wildcard)',
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: apis, namespace: egress}
        spec:
          hosts: ["*.googleapis.com"]
          ports: [{number: 443, name: https, protocol: HTTPS}]
          location: MESH_EXTERNAL
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: front, namespace: web}
        spec:
          hosts: [front]
          http:
            - route:
                - destination: {host: reviews.shop.svc.cluster.local}
          tls:
            - match: [{sniHosts: [storage.googleapis.com]}]
              route:
                - destination: {host: storage.googleapis.com, port: {number: 443}}
      `,
    },
    {
      name: 'istio: custom cluster domain from the cluster facts',
      cluster: { clusterDomain: 'corp.internal' },
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: front, namespace: web}
        spec:
          hosts: [front]
          http:
            - route:
                - destination: {host: reviews.shop.svc.corp.internal}
      `,
    },
    {
      name: 'istio: a short name that exists only in another namespace is left to host-shortname-wrong-namespace',
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: front, namespace: web}
        spec:
          hosts: [front]
          http:
            - route:
                - destination: {host: reviews}
      `,
    },
    {
      name: 'gateway-api: Service backend with its Service port',
      yaml: reviews + gateway + yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: reviews, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - backendRefs: [{name: reviews, port: 9080}]
      `,
    },
    {
      name: 'gateway-api: implementation-specific backend kinds are not resolved',
      yaml: gateway + yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: ext, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - backendRefs: [{group: networking.istio.io, kind: Hostname, name: example.com, port: 443}]
      `,
    },
    {
      name: 'linkerd: policy.linkerd.io HTTPRoute with a Service parent spelt group core',
      yaml: reviews + yaml`
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: reviews-split, namespace: shop}
        spec:
          parentRefs: [{name: reviews, kind: Service, group: core, port: 9080}]
          rules:
            - backendRefs: [{name: reviews, port: 9080}]
      `,
    },
    {
      name: 'smi: root service and backends exist',
      yaml: reviews + yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: reviews-v2, namespace: shop}
        spec: {selector: {app: reviews, version: v2}, ports: [{port: 9080}]}
        ---
        apiVersion: split.smi-spec.io/v1alpha1
        kind: TrafficSplit
        metadata: {name: reviews, namespace: shop}
        spec:
          service: reviews
          backends: [{service: reviews, weight: 900m}, {service: reviews-v2, weight: 100m}]
      `,
    },
    {
      name: 'consul: router destination registered by a Service or renamed by the connect-service annotation',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: api}
        spec: {selector: {app: api}, ports: [{port: 8080}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: admin}
        spec:
          selector: {matchLabels: {app: admin}}
          template:
            metadata:
              labels: {app: admin}
              annotations: {consul.hashicorp.com/connect-inject: "true", consul.hashicorp.com/connect-service: admin-api}
            spec: {containers: [{name: admin, image: admin}]}
        ---
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceRouter
        metadata: {name: api}
        spec:
          routes:
            - match: {http: {pathPrefix: /admin}}
              destination: {service: admin-api}
            - destination: {service: billing, datacenter: dc2}
      `,
    },
    {
      name: 'kuma: MeshHTTPRoute to a MeshService generated from a Kubernetes Service',
      yaml: reviews + yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshHTTPRoute
        metadata: {name: reviews, namespace: shop}
        spec:
          targetRef: {kind: Mesh}
          to:
            - targetRef: {kind: MeshService, name: reviews}
              rules:
                - matches: [{path: {type: PathPrefix, value: /}}]
                  default:
                    backendRefs: [{kind: MeshService, name: reviews, port: 9080}, {kind: MeshService, name: reviews_shop_svc_9090}]
      `,
    },
  ],
  invalid: [
    {
      name: 'istio: destination host with no Service, nearest name suggested',
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: shop}
        spec:
          hosts: [reviews]
          http:
            - route:
                - destination: {host: reveiws}
      `,
      errors: [{ messageId: 'noTarget', object: 'shop/VirtualService/reviews', path: 'spec.http[0].route[0].destination.host', line: 15, level: 'error', message: ['host reveiws', 'no Service reveiws in namespace shop', 'did you mean reviews?'] }],
    },
    {
      name: 'istio: name.namespace is taken literally by Istio',
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: front, namespace: web}
        spec:
          hosts: [front]
          http:
            - route:
                - destination: {host: reviews.shop}
      `,
      errors: [{ messageId: 'noTarget', object: 'web/VirtualService/front', path: 'spec.http[0].route[0].destination.host', line: 15, message: ['Istio expands only names without a dot', 'reviews.shop.svc.cluster.local'] }],
    },
    {
      name: 'istio: destination port the Service does not have',
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: shop}
        spec:
          hosts: [reviews]
          http:
            - route:
                - destination: {host: reviews, port: {number: 8080}}
      `,
      errors: [{ messageId: 'noPort', object: 'shop/VirtualService/reviews', path: 'spec.http[0].route[0].destination.port.number', line: 15, message: 'has no port 8080 (it has 9080, 9090)' }],
    },
    {
      name: 'istio: external host without a ServiceEntry is a note (one may exist elsewhere)',
      yaml: yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: payments, namespace: shop}
        spec:
          hosts: [payments]
          http:
            - route:
                - destination: {host: api.stripe.com}
      `,
      errors: [{ messageId: 'externalHost', object: 'shop/VirtualService/payments', path: 'spec.http[0].route[0].destination.host', line: 8, level: 'note', message: 'no ServiceEntry in the input declares api.stripe.com' }],
    },
    {
      name: 'istio: namespace with no Services in the input lowers to note',
      yaml: yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: acme, namespace: istio-system}
        spec:
          hosts: [acme]
          http:
            - route:
                - destination: {host: cert-manager-resolver}
      `,
      errors: [{ messageId: 'noTarget', object: 'istio-system/VirtualService/acme', path: 'spec.http[0].route[0].destination.host', line: 8, level: 'note', message: 'the input has no Services in namespace istio-system' }],
    },
    {
      name: 'gateway-api: missing Service, Service port given as the targetPort, missing port, unknown kind',
      yaml: reviews + gateway + yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: reviews, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - backendRefs:
                - {name: ratings, port: 9080}
                - {name: reviews, port: 8080}
                - {name: reviews}
                - {group: unknown.example.com, kind: Thing, name: reviews, port: 80}
      `,
      errors: [
        { messageId: 'noTarget', object: 'shop/HTTPRoute/reviews', path: 'spec.rules[0].backendRefs[0].name', line: 22, message: 'no Service ratings in namespace shop' },
        { messageId: 'noPort', object: 'shop/HTTPRoute/reviews', path: 'spec.rules[0].backendRefs[1].port', line: 23, message: '8080 is the targetPort of port 9080, and backendRef ports are Service ports' },
        { messageId: 'portRequired', object: 'shop/HTTPRoute/reviews', path: 'spec.rules[0].backendRefs[2].port', line: 24, message: 'it has http=9080, 9090' },
        { messageId: 'unknownKind', object: 'shop/HTTPRoute/reviews', path: 'spec.rules[0].backendRefs[3].kind', line: 25, level: 'warning', message: 'kind Thing in group unknown.example.com' },
      ],
    },
    {
      name: 'gateway-api: a weight-0 backend that does not exist is a note',
      yaml: reviews + gateway + yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: canary, namespace: shop}
        spec:
          parentRefs: [{name: edge}]
          rules:
            - backendRefs: [{name: reviews, port: 9080, weight: 100}, {name: reviews-v3, port: 9080, weight: 0}]
      `,
      errors: [{ messageId: 'noTarget', object: 'shop/HTTPRoute/canary', path: 'spec.rules[0].backendRefs[1].name', line: 21, level: 'note', message: 'it has weight 0' }],
    },
    {
      name: 'linkerd: policy.linkerd.io HTTPRoute backend missing',
      yaml: reviews + yaml`
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: reviews-split, namespace: shop}
        spec:
          parentRefs: [{name: reviews, kind: Service, group: core, port: 9080}]
          rules:
            - backendRefs: [{name: reviews-v2, port: 9080}]
      `,
      errors: [{ messageId: 'noTarget', object: 'shop/HTTPRoute/reviews-split', path: 'spec.rules[0].backendRefs[0].name', line: 14, message: 'did you mean reviews?' }],
    },
    {
      name: 'smi: root service and one backend missing',
      yaml: reviews + yaml`
        apiVersion: split.smi-spec.io/v1alpha1
        kind: TrafficSplit
        metadata: {name: reviews, namespace: shop}
        spec:
          service: reviews-apex
          backends: [{service: reviews, weight: 900m}, {service: reviews-v3, weight: 100m}]
      `,
      errors: [
        { messageId: 'noRoot', object: 'shop/TrafficSplit/reviews', path: 'spec.service', line: 12, message: 'root service reviews-apex' },
        { messageId: 'noTarget', object: 'shop/TrafficSplit/reviews', path: 'spec.backends[1].service', line: 13, message: 'no Service reviews-v3 in namespace shop' },
      ],
    },
    {
      name: 'consul: a misspelt destination is an error, an unknown name a note',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: payments}
        spec: {selector: {app: payments}, ports: [{port: 8080}]}
        ---
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceSplitter
        metadata: {name: payments}
        spec:
          splits:
            - {weight: 90, service: paymnets}
            - {weight: 10, service: ledger}
      `,
      errors: [
        { messageId: 'noTarget', object: 'default/ServiceSplitter/payments', path: 'spec.splits[0].service', line: 11, level: 'error', message: 'did you mean payments?' },
        { messageId: 'noTarget', object: 'default/ServiceSplitter/payments', path: 'spec.splits[1].service', line: 12, level: 'note', message: 'no Kubernetes Service named ledger' },
      ],
    },
    {
      name: 'kuma: MeshService backend missing and a legacy kuma.io/service name with a wrong port',
      yaml: reviews + yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshHTTPRoute
        metadata: {name: reviews, namespace: shop}
        spec:
          targetRef: {kind: Mesh}
          to:
            - targetRef: {kind: MeshService, name: reviews}
              rules:
                - matches: [{path: {type: PathPrefix, value: /}}]
                  default:
                    backendRefs:
                      - {kind: MeshService, name: reviews-v2, port: 9080}
                      - {kind: MeshService, name: reviews_shop_svc_8080}
      `,
      errors: [
        { messageId: 'noTarget', object: 'shop/MeshHTTPRoute/reviews', path: 'spec.to[0].rules[0].default.backendRefs[0].name', line: 19, message: 'no Service (and no MeshService) reviews-v2 in namespace shop' },
        { messageId: 'noTarget', object: 'shop/MeshHTTPRoute/reviews', path: 'spec.to[0].rules[0].default.backendRefs[1].name', line: 20, message: 'Service shop/reviews has no port 8080' },
      ],
    },
  ],
});
