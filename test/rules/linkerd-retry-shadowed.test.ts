import rule from '../../src/rules/linkerd-retry-shadowed.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';
import { join, svc } from './retries-fixtures.js';

const profile = (name: string, namespace: string, budget?: string) => yaml`
  apiVersion: linkerd.io/v1alpha2
  kind: ServiceProfile
  metadata: {name: ${name}, namespace: ${namespace}}
  spec:
    routes: [{name: all, condition: {pathRegex: '.*'}, isRetryable: true}]
${budget ? `    retryBudget: ${budget}\n` : ''}`;

ruleTable(rule, {
  valid: [
    { name: 'retry annotations and no ServiceProfile', yaml: svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '2' } }) },
    { name: 'a ServiceProfile with a complete budget and no annotations', yaml: join(svc('api', 'shop', 8080), profile('api.shop.svc.cluster.local', 'shop', '{retryRatio: 0.2, minRetriesPerSecond: 10, ttl: 10s}')) },
    { name: 'a ServiceProfile for another Service does not shadow', yaml: join(svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx' } }), profile('web.shop.svc.cluster.local', 'shop')) },
    { name: 'a GRPCRoute with gRPC conditions', yaml: yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: api, namespace: shop, annotations: {retry.linkerd.io/grpc: unavailable, retry.linkerd.io/limit: "2"}}
        spec: {parentRefs: [{group: '', kind: Service, name: api}]}
      ` },
  ],
  invalid: [
    {
      name: 'retry annotations on a Service that has a ServiceProfile',
      yaml: join(svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'timeout.linkerd.io/request': '2s' } }), profile('api.shop.svc.cluster.local', 'shop')),
      errors: [{ messageId: 'profileWins', object: 'shop/Service/api', path: 'metadata.annotations["retry.linkerd.io/http"]', line: 7, message: 'retry.linkerd.io/http, timeout.linkerd.io/request, but ServiceProfile shop/api.shop.svc.cluster.local exists' }],
    },
    {
      name: "a profile in a client's namespace shadows annotations for clients there",
      yaml: join(svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx' } }), profile('api.shop.svc.cluster.local', 'web')),
      errors: [{ messageId: 'profileWins', object: 'shop/Service/api', path: 'metadata.annotations["retry.linkerd.io/http"]', line: 7, message: 'the profile is in namespace web' }],
    },
    {
      name: 'retryBudget without ttl makes Linkerd reject the profile',
      yaml: profile('api.shop.svc.cluster.local', 'shop', '{retryRatio: 0.2, minRetriesPerSecond: 10}'),
      errors: [{ messageId: 'budgetTtl', object: 'shop/ServiceProfile/api.shop.svc.cluster.local', path: 'spec.retryBudget', line: 6 }],
    },
    {
      name: 'retryBudget without retryRatio: the ratio becomes 0',
      yaml: profile('api.shop.svc.cluster.local', 'shop', '{minRetriesPerSecond: 10, ttl: 10s}'),
      errors: [{ messageId: 'budgetFields', object: 'shop/ServiceProfile/api.shop.svc.cluster.local', path: 'spec.retryBudget', line: 6, message: 'without retryRatio' }],
    },
    {
      name: 'limit without retry.linkerd.io/http retries no 5xx',
      yaml: svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/limit': '3' } }),
      errors: [{ messageId: 'limitOnly', object: 'shop/Service/api', path: 'metadata.annotations["retry.linkerd.io/limit"]', line: 7 }],
    },
    {
      name: 'limit "0" means one retry, not none',
      yaml: svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '0' } }),
      errors: [{ messageId: 'limitZero', object: 'shop/Service/api', path: 'metadata.annotations["retry.linkerd.io/limit"]', line: 8 }],
    },
    {
      name: 'retry.linkerd.io/http on a GRPCRoute',
      yaml: yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: api, namespace: shop, annotations: {retry.linkerd.io/http: 5xx, retry.linkerd.io/grpc: unavailable}}
        spec: {parentRefs: [{group: '', kind: Service, name: api}]}
      `,
      errors: [{ messageId: 'wrongKind', object: 'shop/GRPCRoute/api', path: 'metadata.annotations["retry.linkerd.io/http"]', line: 3, message: 'retry.linkerd.io/grpc instead' }],
    },
    {
      name: "an HTTPRoute's retry annotations replace the Service's",
      yaml: join(
        svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '3' } }),
        yaml`
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: api-slow, namespace: shop, annotations: {retry.linkerd.io/http: "504"}}
          spec:
            parentRefs: [{group: '', kind: Service, name: api}]
            rules: [{matches: [{path: {value: /slow}}], backendRefs: [{name: api, port: 8080}]}]
        `,
      ),
      errors: [{ messageId: 'routeReplaces', object: 'shop/Service/api', path: 'metadata.annotations["retry.linkerd.io/http"]', line: 7, message: 'HTTPRoute shop/api-slow' }],
    },
  ],
});
