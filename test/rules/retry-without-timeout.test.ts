import rule from '../../src/rules/retry-without-timeout.js';
import { ruleTable } from '../helpers/rule-tester.js';
import { app, join, ns, svc, vsRetries } from './retries-fixtures.js';

const shop = (mesh: Parameters<typeof ns>[1], ...extra: string[]) => join(ns('shop', mesh), app('web', 'shop', { API_URL: 'http://api:8080' }), app('api', 'shop'), ...extra);

ruleTable(rule, {
  valid: [
    { name: 'Istio: retries with a route timeout', yaml: shop('istio', svc('api', 'shop', 8080), vsRetries('api', 'shop', 2, { timeout: '3s' })) },
    { name: 'Istio: retries with a per-try timeout', yaml: shop('istio', svc('api', 'shop', 8080), vsRetries('api', 'shop', 2, { perTryTimeout: '1s' })) },
    { name: 'Istio defaults are not reported by default', yaml: shop('istio', svc('api', 'shop', 8080, 'grpc')) },
    { name: "Kuma's default policies come with a 15s request timeout", yaml: shop('kuma', svc('api', 'shop', 8080, 'http', { appProtocol: 'http' })) },
    { name: 'Istio: retries disabled', yaml: shop('istio', svc('api', 'shop', 8080), vsRetries('api', 'shop', 0)) },
    { name: 'TCP ports have no request timeout to set', yaml: shop('istio', svc('api', 'shop', 8080, 'tcp')) },
  ],
  invalid: [
    {
      name: 'Istio: VirtualService retries and no timeout at all',
      yaml: shop('istio', svc('api', 'shop', 8080), vsRetries('api', 'shop', 3)),
      errors: [{ messageId: 'noTimeout', object: 'shop/VirtualService/api', path: 'spec.http[0].retries.attempts', line: 64, message: ['Istio retries calls from web to shop/api:8080', 'Istio sets no route timeout'] }],
    },
    {
      name: 'Linkerd: Service retry annotations without a timeout',
      yaml: shop('linkerd', svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx' } })),
      errors: [{ messageId: 'noTimeout', object: 'shop/Service/api', path: 'metadata.annotations["retry.linkerd.io/http"]', line: 48, message: "without retry.linkerd.io/limit, so Linkerd allows 1 retry" }],
    },
    {
      name: 'Istio gRPC defaults with includeMeshDefaults',
      yaml: shop('istio', svc('api', 'shop', 8080, 'grpc')),
      options: { includeMeshDefaults: true },
      errors: [{ messageId: 'noTimeout', object: 'shop/Service/api', path: 'spec.ports[0]', line: 50, message: 'Istio default: 2 retries' }],
    },
  ],
});
