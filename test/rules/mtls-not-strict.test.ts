import rule from '../../src/rules/mtls-not-strict.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const ns = (labels: string) => yaml`
  apiVersion: v1
  kind: Namespace
  metadata:
    name: shop
    labels: {${labels}}
  ---
`;

const web = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers:
          - name: web
            image: nginx
            ports: [{containerPort: 8080}, {containerPort: 9090}]
  ---
`;

const api = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: api
    namespace: shop
  spec:
    selector: {matchLabels: {app: api}}
    template:
      metadata:
        labels: {app: api}
      spec:
        containers: [{name: api, image: api}]
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

const istio = ns('istio-injection: enabled');

ruleTable(rule, {
  valid: [
    { name: 'istio: namespace-wide STRICT policy', yaml: istio + web + pa('default', 'shop', 'mtls: {mode: STRICT}') },
    { name: 'istio: mesh-wide STRICT declared in cluster facts', yaml: istio + web, cluster: { istio: { meshMtls: 'STRICT' } } },
    { name: 'istio: mesh-wide STRICT policy in the root namespace', yaml: istio + web + pa('default', 'istio-system', 'mtls: {mode: STRICT}') },
    {
      name: 'istio: workload policy STRICT overrides a PERMISSIVE namespace policy',
      yaml: istio + web + pa('ns', 'shop', 'mtls: {mode: PERMISSIVE}') + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nmtls: {mode: STRICT}'),
    },
    { name: 'istio: workload without a proxy is not this rule’s business', yaml: ns('team: a') + web },
    {
      name: 'istio: port-level STRICT on a STRICT workload is no hole',
      yaml: istio + web + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nmtls: {mode: STRICT}\nportLevelMtls:\n  9090: {mode: STRICT}'),
    },
    { name: 'linkerd: meshed workloads are out of scope (no PeerAuthentication)', yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, annotations: {linkerd.io/inject: enabled}}\n---\n' + web },
  ],
  invalid: [
    {
      name: 'istio: no policy anywhere: the PERMISSIVE default is assumed and reported as a note',
      yaml: istio + web,
      errors: [
        {
          messageId: 'defaultNotStrict',
          object: 'shop/Deployment/web',
          path: 'metadata.name',
          line: 10,
          level: 'note',
          message: ['Deployment shop/web runs an Istio proxy whose inbound mTLS mode is PERMISSIVE', "Istio's default PERMISSIVE applies", '[assumed'],
        },
      ],
    },
    {
      name: 'istio: mesh-wide PERMISSIVE declared in cluster facts is a warning',
      yaml: istio + web,
      cluster: { istio: { meshMtls: 'PERMISSIVE' } },
      errors: [{ messageId: 'defaultNotStrict', object: 'shop/Deployment/web', path: 'metadata.name', line: 10, level: 'warning', message: 'cluster.istio.meshMtls sets PERMISSIVE' }],
    },
    {
      name: 'istio: one finding for a namespace-wide PERMISSIVE policy covering two workloads',
      yaml: istio + web + api + pa('default', 'shop', 'mtls:\n  mode: PERMISSIVE'),
      errors: [
        {
          messageId: 'policyNotStrict',
          object: 'shop/PeerAuthentication/default',
          path: 'spec.mtls.mode',
          line: 43,
          level: 'warning',
          data: { count: 2 },
          message: ['PeerAuthentication shop/default sets mTLS PERMISSIVE for 2 meshed workload(s) (Deployment shop/web, Deployment shop/api)'],
        },
      ],
    },
    {
      name: 'istio: mesh-wide DISABLE in the root namespace',
      yaml: istio + web + pa('default', 'istio-system', 'mtls: {mode: DISABLE}'),
      errors: [{ messageId: 'policyNotStrict', object: 'istio-system/PeerAuthentication/default', path: 'spec.mtls.mode', line: 29, message: 'accept plaintext only' }],
    },
    {
      name: 'istio: portLevelMtls hole in a STRICT workload policy',
      yaml: istio + web + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nmtls: {mode: STRICT}\nportLevelMtls:\n  9090:\n    mode: PERMISSIVE'),
      errors: [
        {
          messageId: 'portHole',
          object: 'shop/PeerAuthentication/web',
          path: 'spec.portLevelMtls["9090"].mode',
          line: 33,
          message: 'sets port 9090 to PERMISSIVE in portLevelMtls while the rest of Deployment shop/web is STRICT',
        },
      ],
    },
    {
      name: 'istio ambient: DISABLE is ignored, so the assumed PERMISSIVE default applies',
      yaml: ns('istio.io/dataplane-mode: ambient') + web + pa('default', 'shop', 'mtls: {mode: DISABLE}'),
      errors: [{ messageId: 'defaultNotStrict', object: 'shop/Deployment/web', path: 'metadata.name', line: 10, level: 'note', message: 'sets DISABLE, which ambient ignores' }],
    },
  ],
});
