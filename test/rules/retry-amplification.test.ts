import rule from '../../src/rules/retry-amplification.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';
import { app, join, ns, svc, vsRetries } from './retries-fixtures.js';

// web → api → db in one namespace, through env vars
const chain = (mesh: Parameters<typeof ns>[1], namespace = 'shop', extra: { consul?: boolean } = {}) => [
  ns(namespace, mesh),
  app('web', namespace, { API_URL: `http://api.${namespace}:8080/v1` }, extra),
  app('api', namespace, { DB_ADDR: 'db:9090', OTEL_SERVICE_NAME: 'api' }, extra),
  app('db', namespace, {}, extra),
];

const istioChain = join(...chain('istio'), svc('api', 'shop', 8080), svc('db', 'shop', 9090), vsRetries('api', 'shop', 3), vsRetries('db', 'shop', 3));

ruleTable(rule, {
  valid: [
    {
      name: 'Istio defaults on plain HTTP retry only connection failures: nothing multiplies',
      yaml: join(...chain('istio'), svc('api', 'shop', 8080), svc('db', 'shop', 9090)),
    },
    {
      name: 'no proxy: whatever the clients do is not in the manifests',
      yaml: join(...chain('none'), svc('api', 'shop', 8080), svc('db', 'shop', 9090)),
    },
    {
      name: 'Istio retry budgets on both hops bound the load to 1.2 × 1.2',
      yaml: join(
        istioChain,
        yaml`
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: api, namespace: shop}
          spec:
            host: api
            trafficPolicy: {retryBudget: {percent: {value: 20}}}
          ---
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: db, namespace: shop}
          spec:
            host: db
            trafficPolicy: {connectionPool: {http: {maxRetries: 5}}}
        `,
      ),
    },
    {
      name: 'Linkerd ServiceProfiles bound isRetryable routes by their (default) budget',
      yaml: join(
        ...chain('linkerd'),
        svc('api', 'shop', 8080),
        svc('db', 'shop', 9090),
        yaml`
          apiVersion: linkerd.io/v1alpha2
          kind: ServiceProfile
          metadata: {name: api.shop.svc.cluster.local, namespace: shop}
          spec:
            routes:
              - {name: all, condition: {pathRegex: '.*'}, isRetryable: true}
          ---
          apiVersion: linkerd.io/v1alpha2
          kind: ServiceProfile
          metadata: {name: db.shop.svc.cluster.local, namespace: shop}
          spec:
            routes:
              - {name: all, condition: {pathRegex: '.*'}, isRetryable: true}
            retryBudget: {retryRatio: 0.1, minRetriesPerSecond: 5, ttl: 10s}
        `,
      ),
    },
    {
      name: 'Kuma default retries (6 attempts) are held back by the default circuit breaker (3 concurrent retries)',
      yaml: join(...chain('kuma'), svc('api', 'shop', 8080, 'http', { appProtocol: 'http' }), svc('db', 'shop', 9090, 'http', { appProtocol: 'http' })),
    },
    {
      name: "Consul ServiceRouter retries stay under Envoy's default retry circuit breaker",
      yaml: join(
        ...chain('none', 'shop', { consul: true }),
        svc('api', 'shop', 8080),
        svc('db', 'shop', 9090),
        yaml`
          apiVersion: consul.hashicorp.com/v1alpha1
          kind: ServiceDefaults
          metadata: {name: api, namespace: shop}
          spec: {protocol: http}
          ---
          apiVersion: consul.hashicorp.com/v1alpha1
          kind: ServiceDefaults
          metadata: {name: db, namespace: shop}
          spec: {protocol: http}
          ---
          apiVersion: consul.hashicorp.com/v1alpha1
          kind: ServiceRouter
          metadata: {name: api, namespace: shop}
          spec:
            routes:
              - destination: {numRetries: 5, retryOn: [gateway-error]}
          ---
          apiVersion: consul.hashicorp.com/v1alpha1
          kind: ServiceRouter
          metadata: {name: db, namespace: shop}
          spec:
            routes:
              - destination: {numRetries: 5, retryOn: [gateway-error]}
        `,
      ),
    },
    {
      name: 'a two-service cycle is walked once: 4 attempts, not 4 × 4 × ...',
      yaml: join(
        ns('shop', 'istio'),
        app('ping', 'shop', { PONG_ADDR: 'pong:8080' }),
        app('pong', 'shop', { PING_ADDR: 'ping:8080' }),
        svc('ping', 'shop', 8080),
        svc('pong', 'shop', 8080),
        vsRetries('ping', 'shop', 3),
        vsRetries('pong', 'shop', 3),
      ),
    },
    {
      name: 'a value that merely equals a Service name is not a call',
      yaml: join(
        ns('shop', 'istio'),
        app('web', 'shop', { SERVICE_NAME: 'api', APP_NAME: 'db' }),
        app('api', 'shop', { DB_ADDR: 'db:9090' }),
        app('db', 'shop'),
        svc('api', 'shop', 8080),
        svc('db', 'shop', 9090),
        vsRetries('api', 'shop', 3),
        vsRetries('db', 'shop', 3),
      ),
    },
    {
      name: 'a higher threshold accepts 16 attempts',
      yaml: istioChain,
      options: { threshold: 20 },
    },
  ],
  invalid: [
    {
      name: 'Istio: two VirtualServices with 3 retries each multiply to 16 attempts',
      yaml: istioChain,
      errors: [
        {
          messageId: 'amplified',
          object: 'shop/Deployment/web',
          path: 'spec.template.spec.containers[0].env[0].value',
          line: 24,
          level: 'warning',
          message: ['4 × 4 = 16 attempts at shop/db', 'web → api → db', 'VirtualService shop/api http[0] retries.attempts=3', 'no retry budget'],
        },
      ],
    },
    {
      name: 'Istio: three hops of 4 attempts make 64, an error',
      yaml: join(
        ns('shop', 'istio'),
        app('web', 'shop', { API_URL: 'http://api:8080' }),
        app('api', 'shop', { DB_ADDR: 'db.shop.svc.cluster.local:9090' }),
        app('db', 'shop', { CACHE_ADDR: 'cache:6000' }),
        app('cache', 'shop'),
        svc('api', 'shop', 8080),
        svc('db', 'shop', 9090),
        svc('cache', 'shop', 6000),
        vsRetries('api', 'shop', 3),
        vsRetries('db', 'shop', 3),
        vsRetries('cache', 'shop', 3),
      ),
      errors: [{ messageId: 'amplified', object: 'shop/Deployment/web', path: 'spec.template.spec.containers[0].env[0].value', line: 24, level: 'error', message: '4 × 4 × 4 = 64 attempts at shop/cache' }],
    },
    {
      name: 'Istio default retries on gRPC ports amplify overload (UNAVAILABLE is retried twice per hop)',
      yaml: join(...chain('istio'), svc('api', 'shop', 8080, 'grpc'), svc('db', 'shop', 9090, 'grpc-db')),
      errors: [{ messageId: 'amplified', object: 'shop/Deployment/web', path: 'spec.template.spec.containers[0].env[0].value', line: 24, message: ['3 × 3 = 9', 'Istio default: 2 retries'] }],
    },
    {
      name: 'a budget on one hop bounds only that hop: 4 × 1.2 × 4',
      yaml: join(
        ns('shop', 'istio'),
        app('web', 'shop', { API_URL: 'http://api:8080' }),
        app('api', 'shop', { DB_ADDR: 'db:9090' }),
        app('db', 'shop', { CACHE_ADDR: 'cache:6000' }),
        app('cache', 'shop'),
        svc('api', 'shop', 8080),
        svc('db', 'shop', 9090),
        svc('cache', 'shop', 6000),
        vsRetries('api', 'shop', 3),
        vsRetries('db', 'shop', 3),
        vsRetries('cache', 'shop', 3),
        yaml`
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: db, namespace: shop}
          spec: {host: db, trafficPolicy: {retryBudget: {percent: {value: 20}, minRetryConcurrency: 3}}}
        `,
      ),
      cluster: { istio: { version: '1.30.1' } },
      errors: [{ messageId: 'amplified', object: 'shop/Deployment/web', path: 'spec.template.spec.containers[0].env[0].value', line: 24, level: 'warning', message: ['4 × 1.2 × 4 = 19.2', 'only db (retry budget 20 %'] }],
    },
    {
      name: 'Linkerd: retry annotations have no budget, 4 × 4',
      yaml: join(
        ...chain('linkerd'),
        svc('api', 'shop', 8080, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '3' } }),
        svc('db', 'shop', 9090, 'http', { annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '3' } }),
      ),
      errors: [{ messageId: 'amplified', object: 'shop/Deployment/web', path: 'spec.template.spec.containers[0].env[0].value', line: 24, message: ['4 × 4 = 16', 'retry.linkerd.io/limit=3'] }],
    },
    {
      name: "Kuma: a MeshCircuitBreaker that lifts maxRetries leaves the default 6 attempts per hop unbounded",
      yaml: join(
        ...chain('kuma'),
        svc('api', 'shop', 8080, 'http', { appProtocol: 'http' }),
        svc('db', 'shop', 9090, 'http', { appProtocol: 'http' }),
        yaml`
          apiVersion: kuma.io/v1alpha1
          kind: MeshCircuitBreaker
          metadata: {name: lift, namespace: kuma-system}
          spec:
            targetRef: {kind: Mesh}
            to:
              - targetRef: {kind: Mesh}
                default: {connectionLimits: {maxRetries: 100000}}
        `,
      ),
      errors: [{ messageId: 'amplified', object: 'shop/Deployment/web', path: 'spec.template.spec.containers[0].env[0].value', line: 24, level: 'error', message: ['6 × 6 = 36', "Kuma's default MeshRetry mesh-retry-all-default"] }],
    },
    {
      name: "Consul: with maxConcurrentRetries 2, Envoy's default circuit breaker of 3 no longer counts",
      yaml: join(
        ...chain('none', 'shop', { consul: true }),
        svc('api', 'shop', 8080),
        svc('db', 'shop', 9090),
        yaml`
          apiVersion: consul.hashicorp.com/v1alpha1
          kind: ProxyDefaults
          metadata: {name: global, namespace: shop}
          spec: {config: {protocol: http}}
          ---
          apiVersion: consul.hashicorp.com/v1alpha1
          kind: ServiceRouter
          metadata: {name: api, namespace: shop}
          spec:
            routes:
              - destination: {numRetries: 4, retryOn: [5xx]}
          ---
          apiVersion: consul.hashicorp.com/v1alpha1
          kind: ServiceRouter
          metadata: {name: db, namespace: shop}
          spec:
            routes:
              - match: {http: {pathPrefix: /}}
                destination: {numRetries: 4, retryOnStatusCodes: [503]}
        `,
      ),
      options: { maxConcurrentRetries: 2 },
      errors: [{ messageId: 'amplified', object: 'shop/Deployment/web', path: 'spec.template.spec.containers[0].env[0].value', line: 25, message: ['5 × 5 = 25', 'ServiceRouter api routes[0] numRetries=4'] }],
    },
    {
      name: 'Gateway API (GAMMA) HTTPRoute retries under Istio count like a VirtualService',
      yaml: join(
        ...chain('istio'),
        svc('api', 'shop', 8080),
        svc('db', 'shop', 9090),
        vsRetries('db', 'shop', 3),
        yaml`
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: api, namespace: shop}
          spec:
            parentRefs: [{group: '', kind: Service, name: api, port: 8080}]
            rules:
              - backendRefs: [{name: api, port: 8080}]
                retry: {attempts: 3, codes: [503]}
        `,
      ),
      errors: [{ messageId: 'amplified', object: 'shop/Deployment/web', path: 'spec.template.spec.containers[0].env[0].value', line: 24, message: ['4 × 4 = 16', 'HTTPRoute shop/api rules[0] retry.attempts=3'] }],
    },
    {
      name: 'a cycle with no outside caller: the worst simple path through it is reported once',
      yaml: join(
        ns('shop', 'istio'),
        app('a', 'shop', { B_ADDR: 'b:8080' }),
        app('b', 'shop', { C_ADDR: 'c:8080' }),
        app('c', 'shop', { A_ADDR: 'a:8080' }),
        svc('a', 'shop', 8080),
        svc('b', 'shop', 8080),
        svc('c', 'shop', 8080),
        vsRetries('a', 'shop', 3),
        vsRetries('b', 'shop', 3),
        vsRetries('c', 'shop', 3),
      ),
      errors: [{ messageId: 'amplified', object: 'shop/Deployment/c', path: 'spec.template.spec.containers[0].env[0].value', line: 62, message: ['4 × 4 = 16', 'c → a → b'] }],
    },
    {
      name: 'calls found in a mounted ConfigMap (YAML file) count, evidence points at the ConfigMap key',
      yaml: join(
        ns('shop', 'istio'),
        yaml`
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: web-config, namespace: shop}
          data:
            app.yaml: |
              upstreams:
                api:
                  url: http://api.shop.svc.cluster.local:8080
        `,
        yaml`
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: shop}
          spec:
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec:
                containers: [{name: web, image: web, volumeMounts: [{name: cfg, mountPath: /etc/web}]}]
                volumes: [{name: cfg, configMap: {name: web-config}}]
        `,
        app('api', 'shop', { DB_ADDR: 'db:9090' }),
        app('db', 'shop'),
        svc('api', 'shop', 8080),
        svc('db', 'shop', 9090),
        vsRetries('api', 'shop', 3),
        vsRetries('db', 'shop', 3),
      ),
      errors: [{ messageId: 'amplified', object: 'shop/ConfigMap/web-config', path: 'data["app.yaml"]', line: 11, message: '4 × 4 = 16' }],
    },
  ],
});
