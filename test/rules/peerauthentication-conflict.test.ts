import rule from '../../src/rules/peerauthentication-conflict.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const ns = (labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {${labels}}\n---\n`;
const istio = ns('istio-injection: enabled');

const deploy = (name: string, ports = '[{containerPort: 8080}]') => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: ${name}, namespace: shop}
  spec:
    selector: {matchLabels: {app: ${name}}}
    template:
      metadata: {labels: {app: ${name}, tier: back}}
      spec:
        containers: [{name: main, image: img, ports: ${ports}}]
  ---
`;

const pa = (name: string, namespace: string, spec: string) => `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${spec.split('\n').map((l) => `  ${l}`).join('\n')}
---
`;

const svc = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec:
    selector: {app: web}
    ports: [{name: http, port: 80, targetPort: 8080}]
  ---
`;

ruleTable(rule, {
  valid: [
    {
      name: 'istio: one namespace-wide and one workload policy in a namespace',
      yaml: istio + deploy('web') + pa('default', 'shop', 'mtls: {mode: STRICT}') + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nmtls: {mode: PERMISSIVE}'),
    },
    {
      name: 'istio: workload policies selecting different workloads',
      yaml: istio + deploy('web') + deploy('api') + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nmtls: {mode: STRICT}') + pa('api', 'shop', 'selector: {matchLabels: {app: api}}\nmtls: {mode: STRICT}'),
    },
    {
      name: 'istio: portLevelMtls keyed by the container port',
      yaml: istio + deploy('web') + svc + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nportLevelMtls:\n  8080: {mode: PERMISSIVE}'),
    },
    {
      name: 'istio: portLevelMtls keyed by a numeric target port the container does not declare',
      yaml: istio + deploy('web', '[]') + svc + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nportLevelMtls:\n  8080: {mode: DISABLE}'),
    },
    {
      name: 'istio: nothing known about the workload ports, nothing said',
      yaml: istio + deploy('web', '[]') + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nportLevelMtls:\n  7000: {mode: DISABLE}'),
    },
    { name: 'istio: DISABLE on sidecar workloads is honoured', yaml: istio + deploy('web') + pa('default', 'shop', 'mtls: {mode: DISABLE}') },
    {
      name: 'istio: the same policy name in two namespaces does not compete',
      yaml: istio + deploy('web') + pa('default', 'shop', 'mtls: {mode: STRICT}') + pa('default', 'other', 'mtls: {mode: STRICT}'),
    },
  ],
  invalid: [
    {
      name: 'istio: two namespace-wide policies in one namespace',
      yaml: istio + deploy('web') + pa('default', 'shop', 'mtls: {mode: STRICT}') + pa('permissive', 'shop', 'mtls: {mode: PERMISSIVE}'),
      errors: [
        { messageId: 'competingScope', object: 'shop/PeerAuthentication/default', path: 'metadata.name', line: 20, level: 'error', message: ['one of 2 namespace-wide (namespace shop) PeerAuthentications (PeerAuthentication shop/permissive)', 'only the oldest'] },
        { messageId: 'competingScope', object: 'shop/PeerAuthentication/permissive', path: 'metadata.name', line: 28, message: 'PeerAuthentication shop/default' },
      ],
    },
    {
      name: 'istio: two mesh-wide policies in a configured root namespace',
      cluster: { istio: { rootNamespace: 'mesh-root' } },
      yaml: pa('a', 'mesh-root', 'mtls: {mode: STRICT}') + pa('b', 'mesh-root', 'selector: {}\nmtls: {mode: STRICT}'),
      errors: [
        { messageId: 'competingScope', object: 'mesh-root/PeerAuthentication/a', path: 'metadata.name', line: 4, message: 'mesh-wide (root namespace)' },
        { messageId: 'competingScope', object: 'mesh-root/PeerAuthentication/b', path: 'metadata.name', line: 12 },
      ],
    },
    {
      name: 'istio: two workload policies select the same workload',
      yaml: istio + deploy('web') + pa('by-app', 'shop', 'selector: {matchLabels: {app: web}}\nmtls: {mode: STRICT}') + pa('by-tier', 'shop', 'selector:\n  matchLabels: {tier: back}\nmtls: {mode: PERMISSIVE}'),
      errors: [
        { messageId: 'competingWorkload', object: 'shop/PeerAuthentication/by-app', path: 'spec.selector.matchLabels', line: 23, message: ['selects Deployment shop/web, which PeerAuthentication shop/by-tier also select(s)'] },
        { messageId: 'competingWorkload', object: 'shop/PeerAuthentication/by-tier', path: 'spec.selector.matchLabels', line: 33 },
      ],
    },
    {
      name: 'istio: a selector in the root namespace is ignored',
      yaml: istio + deploy('web') + pa('web', 'istio-system', 'selector:\n  matchLabels: {app: web}\nmtls: {mode: STRICT}'),
      errors: [{ messageId: 'rootSelector', object: 'istio-system/PeerAuthentication/web', path: 'spec.selector', line: 23, message: 'lives in the root namespace istio-system' }],
    },
    {
      name: 'istio: portLevelMtls without a selector is rejected',
      yaml: istio + deploy('web') + pa('default', 'shop', 'mtls: {mode: STRICT}\nportLevelMtls:\n  8080: {mode: DISABLE}'),
      errors: [{ messageId: 'portLevelWithoutSelector', object: 'shop/PeerAuthentication/default', path: 'spec.portLevelMtls', line: 24 }],
    },
    {
      name: 'istio: portLevelMtls keyed by the Service port instead of the container port',
      yaml: istio + deploy('web') + svc + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nportLevelMtls:\n  80:\n    mode: DISABLE'),
      errors: [
        {
          messageId: 'portNotOnWorkload',
          object: 'shop/PeerAuthentication/web',
          path: 'spec.portLevelMtls["80"]',
          line: 32,
          message: 'names port 80, which none of the selected workloads (Deployment shop/web) listens on (Service shop/web port 80 targets container port 8080: portLevelMtls is keyed by the container port',
        },
      ],
    },
    {
      name: 'istio: portLevelMtls on a port nobody listens on',
      yaml: istio + deploy('web') + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nportLevelMtls:\n  9999: {mode: DISABLE}'),
      errors: [{ messageId: 'portNotOnWorkload', object: 'shop/PeerAuthentication/web', path: 'spec.portLevelMtls["9999"]', line: 25, message: '(they listen on 8080)' }],
    },
    {
      name: 'istio ambient: DISABLE is ignored',
      yaml: ns('istio.io/dataplane-mode: ambient') + deploy('web') + pa('default', 'shop', 'mtls:\n  mode: DISABLE'),
      errors: [{ messageId: 'disableOnAmbient', object: 'shop/PeerAuthentication/default', path: 'spec.mtls.mode', line: 24, level: 'warning', message: 'sets DISABLE for 1 ambient workload(s) (Deployment shop/web)' }],
    },
  ],
});
