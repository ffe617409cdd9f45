import rule from '../../src/rules/retry-field-unsupported.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';
import { app, join, ns, svc } from './retries-fixtures.js';

const route = (retry: string) => yaml`
  apiVersion: gateway.networking.k8s.io/v1
  kind: HTTPRoute
  metadata: {name: api, namespace: shop}
  spec:
    parentRefs: [{group: '', kind: Service, name: api}]
    rules:
      - backendRefs: [{name: api, port: 8080}]
        retry: ${retry}
`;
const dr = (budget: string) => yaml`
  apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: {name: api, namespace: shop}
  spec:
    host: api
    trafficPolicy:
      retryBudget: ${budget}
`;

ruleTable(rule, {
  valid: [
    { name: 'experimental channel with attempts', yaml: route('{attempts: 2, codes: [503]}'), cluster: { gatewayApi: { channel: 'experimental' } } },
    { name: 'channel unknown and attempts written', yaml: route('{attempts: 2}') },
    { name: 'retryBudget on Istio 1.30', yaml: dr('{percent: {value: 20}}'), cluster: { istio: { version: '1.30.1' } } },
    { name: 'retryBudget without a declared Istio version', yaml: dr('{minRetryConcurrency: 5}') },
    { name: 'retryBudget without percent on a fixed patch (1.28.6)', yaml: dr('{minRetryConcurrency: 5}'), cluster: { istio: { version: '1.28.6' } } },
  ],
  invalid: [
    {
      name: 'retry on a standard-channel cluster (declared)',
      yaml: route('{attempts: 2}'),
      cluster: { gatewayApi: { channel: 'standard' } },
      errors: [{ messageId: 'standardChannel', object: 'shop/HTTPRoute/api', path: 'spec.rules[0].retry', line: 8, message: 'cluster.gatewayApi.channel=standard' }],
    },
    {
      name: 'retry with the standard-channel CRD in the input',
      yaml: join(
        route('{attempts: 2}'),
        yaml`
          apiVersion: apiextensions.k8s.io/v1
          kind: CustomResourceDefinition
          metadata:
            name: httproutes.gateway.networking.k8s.io
            annotations: {gateway.networking.k8s.io/channel: standard}
          spec: {group: gateway.networking.k8s.io, names: {kind: HTTPRoute, plural: httproutes}, scope: Namespaced, versions: []}
        `,
      ),
      errors: [{ messageId: 'standardChannel', object: 'shop/HTTPRoute/api', path: 'spec.rules[0].retry', line: 8, message: 'the HTTPRoute CRD in the input is the standard channel' }],
    },
    {
      name: 'retry without attempts is implementation-specific',
      yaml: route('{codes: [503]}'),
      errors: [{ messageId: 'noAttempts', object: 'shop/HTTPRoute/api', path: 'spec.rules[0].retry', line: 8 }],
    },
    {
      name: 'GRPCRoute has neither retry nor timeouts',
      yaml: yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: api, namespace: shop}
        spec:
          rules:
            - backendRefs: [{name: api, port: 9090}]
              timeouts: {request: 2s}
      `,
      errors: [{ messageId: 'grpcRoute', object: 'shop/GRPCRoute/api', path: 'spec.rules[0].timeouts', line: 7 }],
    },
    {
      name: 'HTTPRoute retry for a Service that Linkerd clients call',
      yaml: join(ns('shop', 'linkerd'), app('web', 'shop', { API_URL: 'http://api:8080' }), app('api', 'shop'), svc('api', 'shop', 8080), route('{attempts: 2}')),
      errors: [{ messageId: 'linkerdRetry', object: 'shop/HTTPRoute/api', path: 'spec.rules[0].retry', line: 60, message: 'its caller web runs the Linkerd proxy' }],
    },
    {
      name: 'retryBudget on Istio 1.26',
      yaml: dr('{percent: {value: 20}}'),
      cluster: { istio: { version: '1.26.3' } },
      errors: [{ messageId: 'istioBudgetVersion', object: 'shop/DestinationRule/api', path: 'spec.trafficPolicy.retryBudget', line: 7 }],
    },
    {
      name: 'retryBudget without percent on Istio 1.28.2 (0.2 % default)',
      yaml: dr('{minRetryConcurrency: 5}'),
      cluster: { istio: { version: '1.28.2' } },
      errors: [{ messageId: 'istioBudgetPercent', object: 'shop/DestinationRule/api', path: 'spec.trafficPolicy.retryBudget', line: 7 }],
    },
    {
      name: 'budgetInterval before Istio 1.31',
      yaml: dr('{percent: {value: 20}, budgetInterval: 10s}'),
      cluster: { istio: { version: '1.30.0' } },
      errors: [{ messageId: 'istioBudgetInterval', object: 'shop/DestinationRule/api', path: 'spec.trafficPolicy.retryBudget.budgetInterval', line: 7 }],
    },
    {
      name: 'XBackendTrafficPolicy on a standard-channel cluster',
      yaml: yaml`
        apiVersion: gateway.networking.x-k8s.io/v1alpha1
        kind: XBackendTrafficPolicy
        metadata: {name: api, namespace: shop}
        spec: {targetRefs: [{group: '', kind: Service, name: api}], retryConstraint: {budget: {percent: 20}}}
      `,
      cluster: { gatewayApi: { channel: 'standard' } },
      errors: [{ messageId: 'backendPolicyChannel', object: 'shop/XBackendTrafficPolicy/api', path: 'spec', line: 4 }],
    },
  ],
});
