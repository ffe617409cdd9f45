import rule from '../../src/rules/retry-attempts-exceed-timeout.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';
import { app, join, ns, svc, vsRetries } from './retries-fixtures.js';

const kumaShop = (...extra: string[]) => join(ns('shop', 'kuma'), app('web', 'shop', { API_URL: 'http://api:8080' }), app('api', 'shop'), svc('api', 'shop', 8080, 'http', { appProtocol: 'http' }), ...extra);

ruleTable(rule, {
  valid: [
    { name: 'Istio: 3 attempts of 1s fit in 5s', yaml: vsRetries('api', 'shop', 2, { perTryTimeout: '1s', timeout: '5s' }) },
    { name: 'Istio: per-try equal to the timeout is the other rule', yaml: vsRetries('api', 'shop', 4, { perTryTimeout: '5s', timeout: '5s' }) },
    { name: 'Istio: no route timeout, nothing to exceed', yaml: vsRetries('api', 'shop', 9, { perTryTimeout: '5s' }) },
    { name: 'Linkerd: 2 attempts of 1s in 5s', yaml: svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/timeout': '1s', 'timeout.linkerd.io/request': '5s' } }) },
    { name: "Kuma's defaults (16s per try in 15s) belong to retry-pertry-timeout-exceeds-timeout", yaml: kumaShop() },
  ],
  invalid: [
    {
      name: 'Istio: 6 attempts of 2s in a 5s timeout',
      yaml: vsRetries('api', 'shop', 5, { perTryTimeout: '2s', timeout: '5s' }),
      errors: [{ messageId: 'exceeds', object: 'shop/VirtualService/api', path: 'spec.http[0].retries.attempts', line: 13, data: { attempts: 6, fit: 2 }, message: '6 attempts × 2s per try (plus backoff) need up to 12s' }],
    },
    {
      name: 'Gateway API: 5 attempts of 2s in a 5s request timeout',
      yaml: yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: api, namespace: shop}
        spec:
          parentRefs: [{group: '', kind: Service, name: api}]
          rules:
            - backendRefs: [{name: api, port: 8080}]
              timeouts: {request: 5s, backendRequest: 2s}
              retry: {attempts: 4, codes: [503]}
      `,
      errors: [{ messageId: 'exceeds', object: 'shop/HTTPRoute/api', path: 'spec.rules[0].retry.attempts', line: 9, data: { attempts: 5, fit: 2 } }],
    },
    {
      name: 'Linkerd: limit 3 with 2s per try inside a 5s request timeout',
      yaml: svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '3', 'retry.linkerd.io/timeout': '2s', 'timeout.linkerd.io/request': '5s' } }),
      errors: [{ messageId: 'exceeds', object: 'shop/Service/api', path: 'metadata.annotations["retry.linkerd.io/limit"]', line: 8, data: { attempts: 4, fit: 2 } }],
    },
    {
      name: "Kuma: MeshRetry 4 retries of 5s inside the default 15s request timeout",
      yaml: kumaShop(yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshRetry
        metadata: {name: api, namespace: kuma-system}
        spec:
          targetRef: {kind: Mesh}
          to: [{targetRef: {kind: MeshService, name: api, namespace: shop}, default: {http: {numRetries: 4, perTryTimeout: 5s}}}]
      `),
      errors: [{ messageId: 'exceeds', object: 'kuma-system/MeshRetry/api', path: 'spec.to[0].default.http.numRetries', line: 59, data: { attempts: 5, fit: 2 }, message: ['calls from web to shop/api:8080', "Kuma's default MeshTimeout"] }],
    },
  ],
});
