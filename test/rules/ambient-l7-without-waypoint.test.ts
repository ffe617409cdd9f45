import rule from '../../src/rules/ambient-l7-without-waypoint.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const ns = (labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: ${labels}}\n---\n`;
const ambientNs = ns('{istio.io/dataplane-mode: ambient}');

const reviews = (svcLabels = '{}') => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: reviews, namespace: shop}
  spec:
    selector: {matchLabels: {app: reviews}}
    template:
      metadata: {labels: {app: reviews}}
      spec: {containers: [{name: reviews, image: example/reviews:1, ports: [{containerPort: 9080}]}]}
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: reviews, namespace: shop, labels: ${svcLabels}}
  spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
  ---
`;

const l7Policy = yaml`
  apiVersion: security.istio.io/v1
  kind: AuthorizationPolicy
  metadata: {name: reviews-get, namespace: shop}
  spec:
    selector: {matchLabels: {app: reviews}}
    action: ALLOW
    rules:
      - to:
          - operation: {methods: [GET]}
`;

const retries = yaml`
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata: {name: reviews, namespace: shop}
  spec:
    hosts: [reviews]
    http:
      - retries: {attempts: 3, perTryTimeout: 2s}
        route: [{destination: {host: reviews}}]
`;

ruleTable(rule, {
  valid: [
    { name: 'L7 policy with a namespace waypoint', yaml: ns('{istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}') + reviews() + l7Policy },
    {
      name: 'L4-only policy in ambient (principals, ports)',
      yaml: ambientNs + reviews() + yaml`
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: reviews-l4, namespace: shop}
        spec:
          selector: {matchLabels: {app: reviews}}
          rules: [{from: [{source: {principals: [cluster.local/ns/shop/sa/productpage]}}], to: [{operation: {ports: ["9080"]}}]}]
      `,
    },
    { name: 'L7 policy on sidecar pods', yaml: ns('{istio-injection: enabled}') + reviews() + l7Policy },
    { name: 'retries for an ambient Service that has a waypoint', yaml: ambientNs + reviews('{istio.io/use-waypoint: reviews-wp}') + retries },
    { name: 'a VirtualService bound only to an ingress gateway', yaml: ambientNs + reviews() + retries.replace('hosts: [reviews]', 'hosts: [reviews]\n  gateways: [shop/ingress]') },
    {
      name: 'targetRefs policy on a Service with a waypoint',
      yaml: ambientNs + reviews('{istio.io/use-waypoint: reviews-wp}') + yaml`
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: reviews-get, namespace: shop}
        spec:
          targetRefs: [{kind: Service, group: "", name: reviews}]
          rules: [{to: [{operation: {methods: [GET]}}]}]
      `,
    },
  ],
  invalid: [
    {
      name: 'an L7 AuthorizationPolicy on ambient pods without a waypoint',
      yaml: ambientNs + reviews() + l7Policy,
      errors: [
        {
          messageId: 'authzDenies',
          object: 'shop/AuthorizationPolicy/reviews-get',
          path: 'spec.rules[0].to[0].operation.methods',
          line: 27,
          level: 'error',
          message: ['to.operation.methods', 'Deployment shop/reviews', 'label istio.io/dataplane-mode=ambient on Namespace shop', 'denies all traffic'],
        },
      ],
    },
    {
      name: 'a namespace-wide policy on request headers',
      yaml: ambientNs + reviews() + yaml`
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: require-header, namespace: shop}
        spec:
          rules: [{when: [{key: "request.headers[x-token]", values: ["*"]}]}]
      `,
      errors: [{ messageId: 'authzDenies', object: 'shop/AuthorizationPolicy/require-header', path: 'spec.rules[0].when[0].key', line: 23, message: 'when request.headers[x-token]' }],
    },
    {
      name: 'a targetRefs policy on a Service without a waypoint is not enforced',
      yaml: ambientNs + reviews() + yaml`
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: reviews-get, namespace: shop}
        spec:
          targetRefs: [{kind: Service, group: "", name: reviews}]
          rules: [{to: [{operation: {methods: [GET]}}]}]
      `,
      errors: [{ messageId: 'authzNotEnforced', object: 'shop/AuthorizationPolicy/reviews-get', path: 'spec.targetRefs[0]', line: 23, message: 'only a waypoint enforces targetRefs policies' }],
    },
    {
      name: 'VirtualService retries for an ambient Service',
      yaml: ambientNs + reviews() + retries,
      errors: [{ messageId: 'routeIgnored', object: 'shop/VirtualService/reviews', path: 'spec.http[0].retries', line: 25, message: ['http[0].retries for reviews', 'Service shop/reviews'] }],
    },
    {
      name: 'a waypoint that only takes workload traffic does not serve the Service',
      yaml: ambientNs + reviews('{istio.io/use-waypoint: wl-only}') + retries + yaml`
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: wl-only, namespace: shop, labels: {istio.io/waypoint-for: workload}}
        spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}
      `,
      errors: [{ messageId: 'routeIgnored', object: 'shop/VirtualService/reviews', path: 'spec.http[0].retries', line: 25, message: 'does not take service-addressed traffic' }],
    },
    {
      name: 'a GAMMA HTTPRoute on an ambient Service',
      yaml: ambientNs + reviews() + yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: reviews, namespace: shop}
        spec:
          parentRefs: [{group: "", kind: Service, name: reviews, port: 9080}]
          rules: [{timeouts: {request: 5s}, backendRefs: [{name: reviews, port: 9080}]}]
      `,
      errors: [{ messageId: 'routeIgnored', object: 'shop/HTTPRoute/reviews', path: 'spec.parentRefs[0]', line: 23, message: 'HTTPRoute rules' }],
    },
  ],
});
