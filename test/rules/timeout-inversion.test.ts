import rule from '../../src/rules/timeout-inversion.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';
import { app, join, ns, svc, vsRetries } from './retries-fixtures.js';

// web → api → db
const base = (mesh: Parameters<typeof ns>[1]) => [ns('shop', mesh), app('web', 'shop', { API_URL: 'http://api:8080' }), app('api', 'shop', { DB_URL: 'http://db:9090' }), app('db', 'shop')];
const vs = (host: string, timeout: string, extra = '') => yaml`
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata: {name: ${host}, namespace: shop}
  spec:
    hosts: [${host}]
    http:
      - route: [{destination: {host: ${host}}}]
        timeout: ${timeout}
${extra}`;

ruleTable(rule, {
  valid: [
    { name: 'Istio: the caller waits 10s, the callee gives up on its own call after 2s', yaml: join(...base('istio'), svc('api', 'shop', 8080), svc('db', 'shop', 9090), vs('api', '10s'), vs('db', '2s')) },
    { name: 'Istio: no timeouts anywhere', yaml: join(...base('istio'), svc('api', 'shop', 8080), svc('db', 'shop', 9090)) },
    { name: 'Istio: downstream has no timeout but only retries connection failures', yaml: join(...base('istio'), svc('api', 'shop', 8080), svc('db', 'shop', 9090), vs('api', '3s')) },
    {
      name: 'unboundedDownstream off: retried downstream calls without a timeout are accepted',
      yaml: join(...base('istio'), svc('api', 'shop', 8080), svc('db', 'shop', 9090), vs('api', '3s'), vsRetries('db', 'shop', 2)),
      options: { unboundedDownstream: false },
    },
    { name: 'no mesh: nothing is known about either timeout', yaml: join(...base('none'), svc('api', 'shop', 8080), svc('db', 'shop', 9090)) },
  ],
  invalid: [
    {
      name: 'Istio: web gives up on api after 2s while api may wait 10s on db',
      yaml: join(...base('istio'), svc('api', 'shop', 8080), svc('db', 'shop', 9090), vs('api', '2s'), vs('db', '10s')),
      errors: [{ messageId: 'inverted', object: 'shop/VirtualService/api', path: 'spec.http[0].timeout', line: 90, message: ['web gives up on shop/api:8080 after 2s', 'may spend up to 10s on shop/db:9090'] }],
    },
    {
      name: "Istio: the caller's per-try timeout (1s) is shorter than the callee's 3 attempts of 1s",
      yaml: join(
        ...base('istio'),
        svc('api', 'shop', 8080),
        svc('db', 'shop', 9090),
        vsRetries('api', 'shop', 2, { perTryTimeout: '1s', timeout: '10s' }),
        vsRetries('db', 'shop', 2, { perTryTimeout: '1s', retryOn: 'gateway-error' }),
      ),
      errors: [{ messageId: 'inverted', object: 'shop/VirtualService/api', path: 'spec.http[0].retries.perTryTimeout', line: 97, message: ['after 1s', "the caller's own retries (3 attempts)"] }],
    },
    {
      name: "Consul caller (Envoy's 15s default) in front of an Istio callee retrying db with no timeout",
      yaml: join(
        ns('shop', 'istio'),
        ns('edge', 'none'),
        app('web', 'edge', { API_URL: 'http://api.shop:8080' }, { consul: true }),
        app('api', 'shop', { DB_URL: 'http://db:9090' }),
        app('db', 'shop'),
        svc('api', 'shop', 8080),
        svc('db', 'shop', 9090),
        vsRetries('db', 'shop', 3),
        yaml`
          apiVersion: consul.hashicorp.com/v1alpha1
          kind: ServiceDefaults
          metadata: {name: api, namespace: shop}
          spec: {protocol: http}
        `,
      ),
      errors: [{ messageId: 'unbounded', object: 'edge/Deployment/web', path: 'spec.template.spec.containers[0].env[0].value', line: 31, message: ["Envoy's default route timeout of 15 s", 'have no timeout at all and are retried'] }],
    },
    {
      name: "Kuma: the default 15s request timeout in front of a 30s MeshTimeout downstream",
      yaml: join(
        ...base('kuma'),
        svc('api', 'shop', 8080, 'http', { appProtocol: 'http' }),
        svc('db', 'shop', 9090, 'http', { appProtocol: 'http' }),
        yaml`
          apiVersion: kuma.io/v1alpha1
          kind: MeshTimeout
          metadata: {name: db, namespace: shop}
          spec:
            targetRef: {kind: Mesh}
            to: [{targetRef: {kind: MeshService, name: db}, default: {http: {requestTimeout: 30s}}}]
        `,
      ),
      errors: [{ messageId: 'inverted', object: 'shop/Deployment/web', path: 'spec.template.spec.containers[0].env[0].value', line: 24, message: ['after 15s', 'up to 30s on shop/db:9090'] }],
    },
    {
      name: 'Linkerd: ServiceProfile route timeouts inverted',
      yaml: join(
        ...base('linkerd'),
        svc('api', 'shop', 8080),
        svc('db', 'shop', 9090),
        yaml`
          apiVersion: linkerd.io/v1alpha2
          kind: ServiceProfile
          metadata: {name: api.shop.svc.cluster.local, namespace: shop}
          spec: {routes: [{name: all, condition: {pathRegex: '.*'}, timeout: 1s}]}
          ---
          apiVersion: linkerd.io/v1alpha2
          kind: ServiceProfile
          metadata: {name: db.shop.svc.cluster.local, namespace: shop}
          spec: {routes: [{name: all, condition: {pathRegex: '.*'}, timeout: 5s}]}
        `,
      ),
      errors: [{ messageId: 'inverted', object: 'shop/ServiceProfile/api.shop.svc.cluster.local', path: 'spec.routes[0].timeout', line: 86, message: ['after 1s', 'up to 5s'] }],
    },
  ],
});
