import rule from '../../src/rules/retry-without-outlier-detection.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';
import { app, join, ns, svc, vsRetries } from './retries-fixtures.js';

const shop = (mesh: Parameters<typeof ns>[1], replicas: number | undefined, ...extra: string[]) =>
  join(ns('shop', mesh), app('web', 'shop', { API_URL: 'http://api:8080' }), app('api', 'shop', {}, { replicas }), ...extra);

ruleTable(rule, {
  valid: [
    {
      name: 'Istio: retries and a DestinationRule with outlier detection',
      yaml: shop('istio', 3, svc('api', 'shop', 8080), vsRetries('api', 'shop', 2), yaml`
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: api, namespace: shop}
        spec: {host: api, trafficPolicy: {outlierDetection: {consecutive5xxErrors: 5}}}
      `),
    },
    { name: 'Linkerd: retries and failure accrual', yaml: shop('linkerd', 3, svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'balancer.linkerd.io/failure-accrual': 'consecutive' } })) },
    { name: 'a single replica has no other endpoint to eject to', yaml: shop('istio', 1, svc('api', 'shop', 8080), vsRetries('api', 'shop', 2)) },
    { name: 'mesh default retries are not reported by default', yaml: shop('istio', 3, svc('api', 'shop', 8080, 'grpc')) },
  ],
  invalid: [
    {
      name: 'Istio: VirtualService retries without outlier detection',
      yaml: shop('istio', 3, svc('api', 'shop', 8080), vsRetries('api', 'shop', 2)),
      errors: [{ messageId: 'noOutlier', object: 'shop/VirtualService/api', path: 'spec.http[0].retries.attempts', line: 65, message: 'Add a DestinationRule with trafficPolicy.outlierDetection' }],
    },
    {
      name: 'Istio: outlier detection at the top level is lost under portLevelSettings for the port',
      yaml: shop('istio', 3, svc('api', 'shop', 8080), vsRetries('api', 'shop', 2), yaml`
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: api, namespace: shop}
        spec:
          host: api
          trafficPolicy:
            outlierDetection: {consecutive5xxErrors: 5}
            portLevelSettings: [{port: {number: 8080}, loadBalancer: {simple: LEAST_REQUEST}}]
      `),
      errors: [{ messageId: 'noOutlier', object: 'shop/VirtualService/api', path: 'spec.http[0].retries.attempts', line: 65, message: 'portLevelSettings for port 8080 replace the top-level settings' }],
    },
    {
      name: 'Linkerd: annotation retries without failure accrual',
      yaml: shop('linkerd', undefined, svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '2' } })),
      errors: [{ messageId: 'noOutlier', object: 'shop/Service/api', path: 'metadata.annotations["retry.linkerd.io/limit"]', line: 49, message: 'balancer.linkerd.io/failure-accrual' }],
    },
    {
      name: 'Kuma: explicit MeshRetry without MeshCircuitBreaker outlier detection',
      yaml: shop('kuma', 2, svc('api', 'shop', 8080, 'http', { appProtocol: 'http' }), yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshRetry
        metadata: {name: api, namespace: kuma-system}
        spec:
          targetRef: {kind: Mesh}
          to: [{targetRef: {kind: Mesh}, default: {http: {numRetries: 3}}}]
      `),
      errors: [{ messageId: 'noOutlier', object: 'kuma-system/MeshRetry/api', path: 'spec.to[0].default.http.numRetries', line: 60, message: 'a MeshCircuitBreaker with outlierDetection' }],
    },
  ],
});
