import rule from '../../src/rules/retry-non-idempotent.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';
import { app, join, ns, svc } from './retries-fixtures.js';

const vs = (http: string) => yaml`
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata: {name: orders, namespace: shop}
  spec:
    hosts: [orders]
    http:
${http}`;

const kumaShop = (...extra: string[]) => join(ns('shop', 'kuma'), app('web', 'shop', { ORDERS_URL: 'http://orders:8080' }), app('orders', 'shop'), svc('orders', 'shop', 8080, 'http', { appProtocol: 'http' }), ...extra);

ruleTable(rule, {
  valid: [
    { name: 'Istio: connection-level conditions only', yaml: vs('      - route: [{destination: {host: orders}}]\n        retries: {attempts: 3, retryOn: "connect-failure,refused-stream"}\n') },
    { name: 'Istio: 5xx on a route limited to GET', yaml: vs('      - match: [{method: {exact: GET}}]\n        route: [{destination: {host: orders}}]\n        retries: {attempts: 3, retryOn: "5xx"}\n') },
    {
      name: 'Istio: marked idempotent by annotation',
      yaml: yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: orders, namespace: shop, annotations: {meshlint.io/idempotent: "true"}}
        spec: {hosts: [orders], http: [{route: [{destination: {host: orders}}], retries: {attempts: 3, retryOn: 5xx}}]}
      `,
    },
    {
      name: 'Gateway API: retry codes on a GET-only rule',
      yaml: yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: orders, namespace: shop}
        spec:
          parentRefs: [{group: '', kind: Service, name: orders}]
          rules: [{matches: [{method: GET}], backendRefs: [{name: orders, port: 8080}], retry: {attempts: 2, codes: [503]}}]
      `,
    },
    {
      name: 'Linkerd: ServiceProfile retries only GET routes',
      yaml: yaml`
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata: {name: orders.shop.svc.cluster.local, namespace: shop}
        spec:
          routes:
            - {name: list, condition: {method: GET, pathRegex: /orders}, isRetryable: true}
            - {name: create, condition: {method: POST, pathRegex: /orders}}
      `,
    },
    {
      name: 'Consul: retries on 5xx limited to GET',
      yaml: yaml`
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceRouter
        metadata: {name: orders}
        spec:
          routes:
            - match: {http: {methods: [GET, HEAD]}}
              destination: {numRetries: 3, retryOn: [5xx]}
      `,
    },
    { name: "Kuma default conditions are not reported without includeMeshDefaults", yaml: kumaShop(), options: { includeMeshDefaults: false } },
    {
      name: 'Kuma: a MeshRetry with safe conditions replaces the default ones',
      yaml: kumaShop(yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshRetry
        metadata: {name: orders, namespace: kuma-system}
        spec:
          targetRef: {kind: Mesh}
          to: [{targetRef: {kind: MeshService, name: orders, namespace: shop}, default: {http: {numRetries: 2, retryOn: [ConnectFailure, RefusedStream]}}}]
      `),
    },
  ],
  invalid: [
    {
      name: 'Istio: 5xx retries for any method',
      yaml: vs('      - route: [{destination: {host: orders}}]\n        retries: {attempts: 3, retryOn: "5xx,connect-failure"}\n'),
      errors: [{ messageId: 'route', object: 'shop/VirtualService/orders', path: 'spec.http[0].retries.retryOn', line: 8, message: ['retries on 5xx for requests of any method'] }],
    },
    {
      name: 'Istio: gateway errors and a 503 code on a POST route',
      yaml: vs('      - match: [{method: {exact: POST}}]\n        route: [{destination: {host: orders}}]\n        retries: {attempts: 2, retryOn: "gateway-error,503"}\n'),
      errors: [{ messageId: 'route', object: 'shop/VirtualService/orders', path: 'spec.http[0].retries.retryOn', line: 9, message: 'gateway-error, 503 for POST requests' }],
    },
    {
      name: 'Gateway API: retry codes with no method match',
      yaml: yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: orders, namespace: shop}
        spec:
          parentRefs: [{group: '', kind: Service, name: orders}]
          rules:
            - backendRefs: [{name: orders, port: 8080}]
              retry: {attempts: 2, codes: [500, 503]}
      `,
      errors: [{ messageId: 'route', object: 'shop/HTTPRoute/orders', path: 'spec.rules[0].retry.codes', line: 8, message: '500, 503' }],
    },
    {
      name: 'Linkerd: retry.linkerd.io/http 5xx on a Service',
      yaml: svc('orders', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx' } }),
      errors: [{ messageId: 'route', object: 'shop/Service/orders', path: 'metadata.annotations["retry.linkerd.io/http"]', line: 7, message: 'Service shop/orders retries on 5xx' }],
    },
    {
      name: 'Linkerd: ServiceProfile marks POST routes retryable (one finding per profile)',
      yaml: yaml`
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata: {name: voting.shop.svc.cluster.local, namespace: shop}
        spec:
          routes:
            - {name: VoteA, condition: {method: POST, pathRegex: /vote/a}, isRetryable: true}
            - {name: VoteB, condition: {method: POST, pathRegex: /vote/b}, isRetryable: true}
            - {name: Results, condition: {method: GET, pathRegex: /results}, isRetryable: true}
      `,
      errors: [{ messageId: 'serviceProfile', object: 'shop/ServiceProfile/voting.shop.svc.cluster.local', path: 'spec.routes[0].isRetryable', line: 6, data: { count: 2 }, message: 'VoteA and VoteB' }],
    },
    {
      name: 'Consul: retryOn 5xx on a route of any method',
      yaml: yaml`
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceRouter
        metadata: {name: orders}
        spec:
          routes:
            - match: {http: {pathPrefix: /orders}}
              destination: {numRetries: 3, retryOn: [5xx]}
      `,
      errors: [{ messageId: 'route', object: 'default/ServiceRouter/orders', path: 'spec.routes[0].destination.retryOn', line: 7, message: 'retries on 5xx' }],
    },
    {
      name: 'Kuma: an explicit MeshRetry with 5XX',
      yaml: yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshRetry
        metadata: {name: orders, namespace: kuma-system}
        spec:
          targetRef: {kind: Mesh}
          to:
            - targetRef: {kind: Mesh}
              default: {http: {numRetries: 2, retryOn: [5XX, ConnectFailure]}}
      `,
      errors: [{ messageId: 'route', object: 'kuma-system/MeshRetry/orders', path: 'spec.to[0].default.http.retryOn', line: 8, message: 'retries on 5xx' }],
    },
    {
      name: "Kuma: the default policy's conditions include gateway-error for every method",
      yaml: kumaShop(),
      errors: [{ messageId: 'meshDefault', object: 'shop/Service/orders', path: 'spec.ports[0]', line: 50, message: ['Kuma retries HTTP calls to shop/orders:8080 on gateway-error', 'callers web'] }],
    },
  ],
});
