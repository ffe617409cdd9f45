import rule from '../../src/rules/kuma-mtls-disabled.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kuma-demo\n  labels: {kuma.io/sidecar-injection: enabled}\n---\n';

const app = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: demo-app, namespace: kuma-demo}
  spec:
    selector: {matchLabels: {app: demo-app}}
    template:
      metadata: {labels: {app: demo-app}}
      spec:
        containers: [{name: app, image: demo, ports: [{containerPort: 5050}]}]
  ---
`;

const mesh = (spec: string, name = 'default') => `apiVersion: kuma.io/v1alpha1
kind: Mesh
metadata:
  name: ${name}
spec:
${spec.split('\n').map((l) => `  ${l}`).join('\n')}
---
`;

const mtls = (mode = '') => `mtls:\n  enabledBackend: ca-1\n  backends:\n  - name: ca-1\n    type: builtin${mode ? `\n    mode: ${mode}` : ''}`;
const mtp = 'apiVersion: kuma.io/v1alpha1\nkind: MeshTrafficPermission\nmetadata: {name: kv, namespace: kuma-demo, labels: {kuma.io/mesh: default}}\nspec:\n  targetRef: {kind: Dataplane, labels: {app: kv}}\n  from: [{targetRef: {kind: Mesh}, default: {action: Allow}}]\n---\n';

ruleTable(rule, {
  valid: [
    { name: 'kuma: mTLS enabled with a builtin backend', yaml: ns + app + mesh(mtls()) + mtp },
    { name: 'kuma: STRICT backend', yaml: ns + app + mesh(mtls('STRICT')) },
    { name: 'kuma: a mesh outside the input declared STRICT', yaml: ns + app, cluster: { kuma: { meshes: { default: { mtls: 'STRICT' } } } } },
    { name: 'kuma: MeshTLS in Strict mode', yaml: mesh(mtls()) + 'apiVersion: kuma.io/v1alpha1\nkind: MeshTLS\nmetadata: {name: strict, namespace: kuma-system}\nspec:\n  targetRef: {kind: Mesh}\n  from: [{targetRef: {kind: Mesh}, default: {mode: Strict}}]\n' },
    {
      name: 'kuma 3: identities from MeshIdentity',
      yaml: mesh('meshServices: {mode: Exclusive}') + 'apiVersion: kuma.io/v1alpha1\nkind: MeshIdentity\nmetadata: {name: identity, namespace: kuma-system, labels: {kuma.io/mesh: default}}\nspec: {selector: {dataplane: {matchLabels: {}}}}\n',
      cluster: { kuma: { version: '3.0' } },
    },
  ],
  invalid: [
    {
      name: 'kuma: a Mesh without mTLS, its traffic permissions inert',
      yaml: ns + app + mesh('meshServices:\n  mode: Exclusive') + mtp,
      errors: [
        {
          messageId: 'disabled',
          object: 'Mesh/default',
          path: 'spec.mtls.enabledBackend',
          line: 22,
          level: 'warning',
          message: ['Mesh default enables no mTLS backend', 'its workloads (Deployment kuma-demo/demo-app)', 'these traffic permissions have no effect without mTLS: MeshTrafficPermission kuma-demo/kv'],
        },
      ],
    },
    {
      name: 'kuma: PERMISSIVE backend',
      yaml: ns + app + mesh(mtls('PERMISSIVE')),
      errors: [{ messageId: 'permissive', object: 'Mesh/default', path: 'spec.mtls.backends[0].mode', line: 27, message: 'in PERMISSIVE mode: its workloads (Deployment kuma-demo/demo-app) also accept plaintext' }],
    },
    {
      name: 'kuma: enabledBackend names no backend',
      yaml: mesh('mtls:\n  enabledBackend: ca-2\n  backends: [{name: ca-1, type: builtin}]'),
      errors: [{ messageId: 'unknownBackend', object: 'Mesh/default', path: 'spec.mtls.enabledBackend', line: 7, message: 'which spec.mtls.backends does not define (it has ca-1)' }],
    },
    {
      name: 'kuma: MeshTLS in Permissive mode',
      yaml: mesh(mtls()) + 'apiVersion: kuma.io/v1alpha1\nkind: MeshTLS\nmetadata: {name: migrate, namespace: kuma-system}\nspec:\n  targetRef: {kind: Mesh}\n  from:\n  - targetRef: {kind: Mesh}\n    default:\n      mode: Permissive\n',
      errors: [{ messageId: 'meshTlsPermissive', object: 'kuma-system/MeshTLS/migrate', path: 'spec.from[0].default.mode', line: 20, message: 'MeshTLS kuma-system/migrate sets mode Permissive' }],
    },
    {
      name: 'kuma: workloads of a mesh outside the input, mTLS assumed off (note)',
      yaml: ns + app,
      errors: [{ messageId: 'outsideInput', object: 'kuma-demo/Deployment/demo-app', path: 'metadata.name', line: 9, level: 'note', message: ['joins Kuma mesh default, which is not in the input', 'assumed off'] }],
    },
    {
      name: 'kuma: workloads of a mesh declared off in cluster facts',
      yaml: ns + app,
      cluster: { kuma: { meshes: { default: { mtls: 'off' } } } },
      errors: [{ messageId: 'outsideInput', object: 'kuma-demo/Deployment/demo-app', path: 'metadata.name', line: 9, level: 'warning', message: 'cluster.kuma.meshes.default.mtls is off' }],
    },
    {
      name: 'kuma 3: Mesh.mtls is ignored and no MeshIdentity exists',
      yaml: mesh(mtls()),
      cluster: { kuma: { version: '3.0' } },
      errors: [
        { messageId: 'noIdentity', object: 'Mesh/default', path: 'metadata.name', line: 4, message: 'has no MeshIdentity' },
        { messageId: 'mtlsRemoved', object: 'Mesh/default', path: 'spec.mtls', line: 6, level: 'note', message: 'Kuma 3.0 no longer reads' },
      ],
    },
  ],
});
