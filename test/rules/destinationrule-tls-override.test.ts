import rule from '../../src/rules/destinationrule-tls-override.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const ns = (labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {${labels}}\n---\n`;
const istio = ns('istio-injection: enabled');
const strict = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec: {mtls: {mode: STRICT}}\n---\n';

const backend = (opts: { version?: string; annotations?: string } = {}) => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: reviews${opts.version ? `-${opts.version}` : ''}, namespace: shop}
  spec:
    selector: {matchLabels: {app: reviews, version: ${opts.version ?? 'v1'}}}
    template:
      metadata:
        labels: {app: reviews, version: ${opts.version ?? 'v1'}}
        annotations: {${opts.annotations ?? ''}}
      spec:
        containers: [{name: reviews, image: reviews, ports: [{containerPort: 9080}, {containerPort: 9443}]}]
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: reviews${opts.version ? `-${opts.version}` : ''}, namespace: shop}
  spec:
    selector: {app: reviews${opts.version ? `, version: ${opts.version}` : ''}}
    ports: [{name: http, port: 80, targetPort: 9080}, {name: https, port: 443, targetPort: 9443}]
  ---
`;

const dr = (spec: string, host = 'reviews') => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
spec:
  host: ${host}
${spec.split('\n').map((l) => `  ${l}`).join('\n')}
`;

const v2 = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: reviews-v2, namespace: shop}
  spec:
    selector: {matchLabels: {app: reviews, version: v2}}
    template:
      metadata:
        labels: {app: reviews, version: v2, sidecar.istio.io/inject: "false"}
      spec:
        containers: [{name: reviews, image: reviews}]
  ---
`;

ruleTable(rule, {
  valid: [
    { name: 'istio: ISTIO_MUTUAL towards sidecars', yaml: istio + strict + backend() + dr('trafficPolicy:\n  tls: {mode: ISTIO_MUTUAL}') },
    { name: 'istio: DISABLE towards a backend without a proxy', yaml: ns('team: a') + backend() + dr('trafficPolicy:\n  tls: {mode: DISABLE}') },
    {
      name: 'istio: DISABLE towards a port excluded from capture (the documented workaround)',
      yaml: istio + strict + backend({ annotations: 'traffic.sidecar.istio.io/excludeInboundPorts: "9080"' }) + dr('trafficPolicy:\n  portLevelSettings:\n  - port: {number: 80}\n    tls: {mode: DISABLE}'),
    },
    { name: 'istio: SIMPLE towards a PERMISSIVE sidecar (the app terminates TLS)', yaml: istio + backend() + dr('trafficPolicy:\n  tls: {mode: SIMPLE}') },
    { name: 'istio ambient: DISABLE still travels through HBONE', yaml: ns('istio.io/dataplane-mode: ambient') + strict + backend() + dr('trafficPolicy:\n  tls: {mode: DISABLE}') },
    { name: 'istio: host outside the cluster is not checked', yaml: istio + strict + backend() + dr('trafficPolicy:\n  tls: {mode: DISABLE}', 'api.example.com') },
    { name: 'istio: no tls block at all: auto mTLS', yaml: istio + strict + backend() + dr('trafficPolicy:\n  connectionPool: {tcp: {maxConnections: 10}}') },
    {
      name: 'istio: port-level block without tls under a top-level ISTIO_MUTUAL changes nothing',
      yaml: istio + strict + backend() + dr('trafficPolicy:\n  tls: {mode: ISTIO_MUTUAL}\n  portLevelSettings:\n  - port: {number: 80}\n    loadBalancer: {simple: ROUND_ROBIN}'),
    },
  ],
  invalid: [
    {
      name: 'istio: DISABLE towards STRICT sidecars breaks the traffic',
      yaml: istio + strict + backend() + dr('trafficPolicy:\n  tls:\n    mode: DISABLE'),
      errors: [
        {
          messageId: 'breaksStrict',
          object: 'shop/DestinationRule/reviews',
          path: 'spec.trafficPolicy.tls.mode',
          line: 40,
          level: 'error',
          message: ['tls.mode DISABLE applies to reviews, but Deployment shop/reviews require(s) mTLS (namespace-wide PeerAuthentication shop/default sets STRICT)', 'server proxies reject it'],
        },
      ],
    },
    {
      name: 'istio: DISABLE towards PERMISSIVE sidecars sends plaintext',
      yaml: istio + backend() + dr('trafficPolicy:\n  tls: {mode: DISABLE}'),
      errors: [{ messageId: 'plaintext', object: 'shop/DestinationRule/reviews', path: 'spec.trafficPolicy.tls.mode', line: 34, level: 'warning', message: ["Istio's default PERMISSIVE applies", 'would use mTLS automatically'] }],
    },
    {
      name: 'istio: SIMPLE towards STRICT sidecars',
      yaml: istio + strict + backend() + dr('trafficPolicy:\n  tls: {mode: SIMPLE}'),
      errors: [{ messageId: 'breaksStrict', object: 'shop/DestinationRule/reviews', path: 'spec.trafficPolicy.tls.mode', line: 39, message: 'without an Istio client certificate' }],
    },
    {
      name: 'istio: ISTIO_MUTUAL towards a backend without a sidecar',
      yaml: ns('team: a') + backend() + dr('trafficPolicy:\n  tls: {mode: ISTIO_MUTUAL}', 'reviews.shop.svc.cluster.local'),
      errors: [{ messageId: 'mutualToUnmeshed', object: 'shop/DestinationRule/reviews', path: 'spec.trafficPolicy.tls.mode', line: 34, level: 'error', message: ['no sidecar: namespace shop has no istio-injection or istio.io/rev label', 'handshakes fail'] }],
    },
    {
      name: 'istio: ISTIO_MUTUAL towards pods whose namespace the input does not describe is a note',
      yaml: backend() + dr('trafficPolicy:\n  tls: {mode: ISTIO_MUTUAL}'),
      errors: [{ messageId: 'mutualToUnmeshed', object: 'shop/DestinationRule/reviews', path: 'spec.trafficPolicy.tls.mode', line: 28, level: 'note', message: 'assumed to have no istio-injection or istio.io/rev label' }],
    },
    {
      name: 'istio: ISTIO_MUTUAL towards a port excluded from capture',
      yaml: istio + backend({ annotations: 'traffic.sidecar.istio.io/excludeInboundPorts: "9080"' }) + dr('trafficPolicy:\n  tls: {mode: ISTIO_MUTUAL}'),
      errors: [{ messageId: 'mutualToUnmeshed', object: 'shop/DestinationRule/reviews', path: 'spec.trafficPolicy.tls.mode', line: 34, message: 'port 9080 is listed in traffic.sidecar.istio.io/excludeInboundPorts' }],
    },
    {
      name: 'istio: ISTIO_MUTUAL in a subset whose pods opt out of injection',
      yaml: istio + backend() + v2 + dr('subsets:\n- name: v1\n  labels: {version: v1}\n- name: v2\n  labels: {version: v2}\n  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}'),
      errors: [{ messageId: 'mutualToUnmeshed', object: 'shop/DestinationRule/reviews', path: 'spec.subsets[1].trafficPolicy.tls.mode', line: 50, message: ['In the trafficPolicy of subset v2', 'Deployment shop/reviews-v2', 'sidecar.istio.io/inject=false'] }],
    },
    {
      name: 'istio: port-level DISABLE towards a STRICT port',
      yaml: istio + strict + backend() + dr('trafficPolicy:\n  portLevelSettings:\n  - port: {number: 443}\n    tls: {mode: DISABLE}'),
      errors: [{ messageId: 'breaksStrict', object: 'shop/DestinationRule/reviews', path: 'spec.trafficPolicy.portLevelSettings[0].tls.mode', line: 41, message: 'In the port 443 settings of the trafficPolicy of' }],
    },
    {
      name: 'istio: a port-level block without tls drops the top-level SIMPLE',
      yaml: ns('team: a') + backend() + dr('trafficPolicy:\n  tls: {mode: SIMPLE}\n  portLevelSettings:\n  - port: {number: 443}\n    connectionPool: {tcp: {maxConnections: 5}}'),
      errors: [{ messageId: 'portLevelDropsTls', object: 'shop/DestinationRule/reviews', path: 'spec.trafficPolicy.portLevelSettings[0]', line: 36, level: 'warning', message: 'top-level tls.mode SIMPLE does not apply to port 443' }],
    },
    {
      name: 'istio: a wildcard host covers the STRICT service',
      yaml: istio + strict + backend() + dr('trafficPolicy:\n  tls: {mode: DISABLE}', '"*.shop.svc.cluster.local"'),
      errors: [{ messageId: 'breaksStrict', object: 'shop/DestinationRule/reviews', path: 'spec.trafficPolicy.tls.mode', line: 39, message: 'applies to *.shop.svc.cluster.local' }],
    },
  ],
});
