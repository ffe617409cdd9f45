import rule from '../../src/rules/retry-without-budget.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';
import { app, join, ns, svc, vsRetries } from './retries-fixtures.js';

const istio = (...extra: string[]) => join(ns('shop', 'istio'), app('web', 'shop', { API_URL: 'http://api:8080' }), app('api', 'shop'), ...extra);

ruleTable(rule, {
  valid: [
    { name: 'Istio defaults on an HTTP port retry connection failures only', yaml: istio(svc('api', 'shop', 8080)) },
    {
      name: 'Istio retries bounded by a DestinationRule retry budget',
      yaml: istio(svc('api', 'shop', 8080), vsRetries('api', 'shop', 3), yaml`
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: api, namespace: shop}
        spec: {host: api.shop.svc.cluster.local, trafficPolicy: {retryBudget: {percent: {value: 10}}}}
      `),
    },
    {
      name: 'Istio retries bounded by connectionPool.http.maxRetries',
      yaml: istio(svc('api', 'shop', 8080), vsRetries('api', 'shop', 3), yaml`
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: api, namespace: shop}
        spec: {host: api, trafficPolicy: {connectionPool: {http: {maxRetries: 10}}}}
      `),
    },
    {
      name: 'Istio retries bounded by a Gateway API XBackendTrafficPolicy retry constraint',
      yaml: istio(svc('api', 'shop', 8080), vsRetries('api', 'shop', 3), yaml`
        apiVersion: gateway.networking.x-k8s.io/v1alpha1
        kind: XBackendTrafficPolicy
        metadata: {name: api, namespace: shop}
        spec:
          targetRefs: [{group: '', kind: Service, name: api}]
          retryConstraint: {budget: {percent: 20, interval: 10s}, minRetryRate: {count: 10, interval: 1s}}
      `),
    },
    { name: 'VirtualService attempts 0 disables retries', yaml: istio(svc('api', 'shop', 8080), vsRetries('api', 'shop', 0)) },
    { name: 'Istio gRPC default retries are not reported without includeMeshDefaults', yaml: istio(svc('api', 'shop', 8080, 'grpc')), options: { includeMeshDefaults: false } },
    {
      name: 'Linkerd ServiceProfile retries come with the default budget',
      yaml: join(ns('shop', 'linkerd'), app('web', 'shop', { API_URL: 'http://api:8080' }), app('api', 'shop'), svc('api', 'shop', 8080), yaml`
        apiVersion: linkerd.io/v1alpha2
        kind: ServiceProfile
        metadata: {name: api.shop.svc.cluster.local, namespace: shop}
        spec: {routes: [{name: all, condition: {pathRegex: '.*'}, isRetryable: true}]}
      `),
    },
    {
      name: "Kuma's default retries stay under the default circuit breaker",
      yaml: join(ns('shop', 'kuma'), app('web', 'shop', { API_URL: 'http://api:8080' }), app('api', 'shop'), svc('api', 'shop', 8080, 'http', { appProtocol: 'http' })),
    },
  ],
  invalid: [
    {
      name: 'Istio: VirtualService retries with no DestinationRule budget',
      yaml: istio(svc('api', 'shop', 8080), vsRetries('api', 'shop', 3)),
      errors: [{ messageId: 'noBudget', object: 'shop/VirtualService/api', path: 'spec.http[0].retries.attempts', line: 64, message: ['up to 4 attempts', 'no DestinationRule for shop/api sets trafficPolicy.retryBudget', 'callers: web'] }],
    },
    {
      name: 'Istio: default retries of gRPC UNAVAILABLE, reported on the Service port',
      yaml: istio(svc('api', 'shop', 8080, 'grpc')),
      errors: [{ messageId: 'noBudget', object: 'shop/Service/api', path: 'spec.ports[0]', line: 50, message: ['Istio default: 2 retries', 'up to 3 attempts'] }],
    },
    {
      name: 'Istio before 1.27 has no budget: the message suggests maxRetries',
      yaml: istio(svc('api', 'shop', 8080), vsRetries('api', 'shop', 2)),
      cluster: { istio: { version: '1.25.2' } },
      errors: [{ messageId: 'noBudget', object: 'shop/VirtualService/api', path: 'spec.http[0].retries.attempts', line: 64, message: 'Istio 1.25.2 has no retryBudget (1.27+), so set connectionPool.http.maxRetries' }],
    },
    {
      name: 'Linkerd: retry annotations have no budget',
      yaml: join(ns('shop', 'linkerd'), app('web', 'shop', { API_URL: 'http://api:8080' }), app('api', 'shop'), svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '2' } })),
      errors: [{ messageId: 'noBudget', object: 'shop/Service/api', path: 'metadata.annotations["retry.linkerd.io/limit"]', line: 49, message: ['Linkerd retries', 'annotations have no budget'] }],
    },
    {
      name: 'Kuma: a MeshCircuitBreaker raising maxRetries above the bound',
      yaml: join(ns('shop', 'kuma'), app('web', 'shop', { API_URL: 'http://api:8080' }), app('api', 'shop'), svc('api', 'shop', 8080, 'http', { appProtocol: 'http' }), yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshCircuitBreaker
        metadata: {name: api, namespace: kuma-system}
        spec:
          targetRef: {kind: Mesh}
          to: [{targetRef: {kind: MeshService, name: api, namespace: shop}, default: {connectionLimits: {maxRetries: 500}}}]
      `),
      errors: [{ messageId: 'noBudget', object: 'shop/Service/api', path: 'spec.ports[0]', line: 50, message: ['at most 500 concurrent retries', 'is above 100'] }],
    },
    {
      name: 'Gateway API HTTPRoute retry under Istio, without XBackendTrafficPolicy',
      yaml: istio(svc('api', 'shop', 8080), yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: api, namespace: shop}
        spec:
          parentRefs: [{group: '', kind: Service, name: api}]
          rules: [{backendRefs: [{name: api, port: 8080}], retry: {attempts: 2, codes: [502, 503]}}]
      `),
      errors: [{ messageId: 'noBudget', object: 'shop/HTTPRoute/api', path: 'spec.rules[0].retry.attempts', line: 58, message: 'up to 3 attempts' }],
    },
  ],
});
