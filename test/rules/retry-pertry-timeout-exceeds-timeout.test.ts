import rule from '../../src/rules/retry-pertry-timeout-exceeds-timeout.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';
import { app, join, ns, svc, vsRetries } from './retries-fixtures.js';

const kumaShop = (...extra: string[]) => join(ns('shop', 'kuma'), app('web', 'shop', { API_URL: 'http://api:8080' }), app('api', 'shop'), svc('api', 'shop', 8080, 'http', { appProtocol: 'http' }), ...extra);
const route = (timeouts: string) => yaml`
  apiVersion: gateway.networking.k8s.io/v1
  kind: HTTPRoute
  metadata: {name: api, namespace: shop}
  spec:
    parentRefs: [{group: '', kind: Service, name: api}]
    rules:
      - backendRefs: [{name: api, port: 8080}]
        timeouts: ${timeouts}
`;

ruleTable(rule, {
  valid: [
    { name: 'Istio: per-try 1s inside a 5s timeout', yaml: vsRetries('api', 'shop', 2, { perTryTimeout: '1s', timeout: '5s' }) },
    { name: 'Istio: per-try without a route timeout', yaml: vsRetries('api', 'shop', 2, { perTryTimeout: '3s' }) },
    { name: 'Gateway API: backendRequest below request', yaml: route('{request: 5s, backendRequest: 1s}') },
    { name: 'Gateway API: request 0s disables the overall timeout', yaml: route('{request: 0s, backendRequest: 10s}') },
    { name: 'Linkerd: retry timeout below the request timeout', yaml: svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/timeout': '1s', 'timeout.linkerd.io/request': '5s' } }) },
    {
      name: 'Kuma: a MeshRetry with a 2s per-try timeout replaces the 16s default',
      yaml: kumaShop(yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshRetry
        metadata: {name: api, namespace: kuma-system}
        spec:
          targetRef: {kind: Mesh}
          to: [{targetRef: {kind: Mesh}, default: {http: {perTryTimeout: 2s}}}]
      `),
    },
    { name: "Kuma's default trap is not reported without includeMeshDefaults", yaml: kumaShop(), options: { includeMeshDefaults: false } },
    { name: 'Kuma without default policies (declared): no per-try timeout at all', yaml: kumaShop(), cluster: { kuma: { defaultPolicies: false } } },
  ],
  invalid: [
    {
      name: 'Istio: per-try timeout equal to the route timeout',
      yaml: vsRetries('api', 'shop', 2, { perTryTimeout: '5s', timeout: '5s' }),
      errors: [{ messageId: 'route', object: 'shop/VirtualService/api', path: 'spec.http[0].retries.perTryTimeout', line: 15, message: 'gives each attempt 5s but the whole request only 5s' }],
    },
    {
      name: 'Gateway API: backendRequest above request (rejected by the CRD)',
      yaml: route('{request: 5s, backendRequest: 10s}'),
      errors: [{ messageId: 'backendRequest', object: 'shop/HTTPRoute/api', path: 'spec.rules[0].timeouts.backendRequest', line: 8, message: 'backendRequest 10s above timeouts.request 5s' }],
    },
    {
      name: 'Gateway API: backendRequest equal to request',
      yaml: route('{request: 3s, backendRequest: 3000ms}'),
      errors: [{ messageId: 'route', object: 'shop/HTTPRoute/api', path: 'spec.rules[0].timeouts.backendRequest', line: 8 }],
    },
    {
      name: 'Linkerd: retry timeout above the request timeout on one Service',
      yaml: svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/timeout': '5s', 'timeout.linkerd.io/request': '2s' } }),
      errors: [{ messageId: 'annotations', object: 'shop/Service/api', path: 'metadata.annotations["retry.linkerd.io/timeout"]', line: 8, message: 'retry.linkerd.io/timeout 5s and timeout.linkerd.io/request 2s' }],
    },
    {
      name: "Kuma's own defaults: 16s per try inside a 15s request timeout",
      yaml: kumaShop(),
      errors: [{ messageId: 'edge', object: 'shop/Service/api', path: 'spec.ports[0]', line: 50, message: ['allow 16s per attempt', 'within a 15s request timeout', 'mesh-retry-all-default'] }],
    },
    {
      name: 'Kuma: a MeshTimeout shorter than the default per-try timeout, reported on the MeshTimeout',
      yaml: kumaShop(yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshTimeout
        metadata: {name: api, namespace: shop}
        spec:
          targetRef: {kind: Mesh}
          to:
            - targetRef: {kind: MeshService, name: api}
              default: {http: {requestTimeout: 10s}}
      `),
      errors: [{ messageId: 'edge', object: 'shop/MeshTimeout/api', path: 'spec.to[0].default.http.requestTimeout', line: 61, message: ['16s per attempt', '10s request timeout (MeshTimeout shop/api to[0] http.requestTimeout=10s)'] }],
    },
  ],
});
