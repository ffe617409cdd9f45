import rule from '../../src/rules/mtls-unmeshed-peer.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

/** Namespace `shop` with the given metadata lines, and `legacy` without any mesh marker. */
const namespaces = (shop: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  ${shop}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: legacy}\n---\n`;
const istio = namespaces('labels: {istio-injection: enabled}');
const linkerd = namespaces('annotations: {linkerd.io/inject: enabled}');
const kuma = namespaces('labels: {kuma.io/sidecar-injection: enabled}');
const plain = namespaces('labels: {team: a}');

const server = (podAnnotations = '{}') => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: cart, namespace: shop}
  spec:
    selector: {matchLabels: {app: cart}}
    template:
      metadata:
        labels: {app: cart}
        annotations: ${podAnnotations}
      spec:
        containers: [{name: cart, image: cart, ports: [{containerPort: 7070, name: grpc}]}]
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: cart, namespace: shop}
  spec:
    selector: {app: cart}
    ports: [{name: grpc, port: 7070, targetPort: grpc}]
  ---
`;

const client = (ns: string, calls = 'cart.shop:7070', podAnnotations = '') => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: frontend, namespace: ${ns}}
  spec:
    selector: {matchLabels: {app: frontend}}
    template:
      metadata:
        labels: {app: frontend}
        annotations:
          meshlint.io/calls: "${calls}"${podAnnotations}
      spec:
        containers: [{name: frontend, image: frontend}]
  ---
`;

const strictPa = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec: {mtls: {mode: STRICT}}\n---\n';
const l5dServer = 'apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: cart, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: cart}}\n  port: grpc\n---\napiVersion: policy.linkerd.io/v1alpha1\nkind: MeshTLSAuthentication\nmetadata: {name: meshed, namespace: shop}\nspec: {identities: ["*"]}\n---\napiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: cart, namespace: shop}\nspec:\n  targetRef: {group: policy.linkerd.io, kind: Server, name: cart}\n  requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: meshed}]\n---\n';
const kumaMesh = 'apiVersion: kuma.io/v1alpha1\nkind: Mesh\nmetadata: {name: default}\nspec:\n  mtls:\n    enabledBackend: ca-1\n    backends: [{name: ca-1, type: builtin}]\n---\n';
const consulStrict = 'apiVersion: consul.hashicorp.com/v1alpha1\nkind: ServiceDefaults\nmetadata: {name: cart, namespace: shop}\nspec: {mutualTLSMode: strict}\n---\n';
const consulPod = '{consul.hashicorp.com/connect-inject: "true"}';

ruleTable(rule, {
  valid: [
    { name: 'istio: both ends meshed', yaml: istio + strictPa + server() + client('shop') },
    { name: 'istio: both ends outside any mesh', yaml: plain + server() + client('legacy') },
    { name: 'istio: the server port bypasses the proxy (mtls-port-excluded reports it)', yaml: istio + strictPa + server('{traffic.sidecar.istio.io/excludeInboundPorts: "7070"}') + client('legacy') },
    { name: 'linkerd: both ends meshed', yaml: linkerd + server() + l5dServer + client('shop') },
    { name: 'consul: both ends injected', yaml: plain + consulStrict + server(consulPod) + client('legacy', 'cart.shop:7070', '\n          consul.hashicorp.com/connect-inject: "true"') },
    { name: 'kuma: both ends in the mesh', yaml: kuma + kumaMesh + server() + client('shop') },
    { name: 'kuma: a mesh without mTLS is kuma-mtls-disabled’s business', yaml: kuma + 'apiVersion: kuma.io/v1alpha1\nkind: Mesh\nmetadata: {name: default}\nspec: {}\n---\n' + server() + client('legacy') },
  ],
  invalid: [
    {
      name: 'istio: an unmeshed caller is refused by a STRICT server',
      yaml: istio + strictPa + server() + client('legacy'),
      errors: [
        {
          messageId: 'rejected',
          object: 'legacy/Deployment/frontend',
          path: 'spec.template.metadata.annotations["meshlint.io/calls"]',
          line: 44,
          level: 'warning',
          message: [
            'Deployment legacy/frontend calls Service shop/cart port 7070 (meshlint.io/calls: cart.shop:7070) without an Istio proxy (namespace legacy has no istio-injection or istio.io/rev label)',
            'Deployment shop/cart require(s) mTLS (namespace-wide PeerAuthentication shop/default sets STRICT); the connection is refused',
          ],
        },
      ],
    },
    {
      name: 'istio: an unmeshed caller talks plaintext to a server on the assumed PERMISSIVE default',
      yaml: istio + server() + client('legacy'),
      errors: [{ messageId: 'plaintextIn', object: 'legacy/Deployment/frontend', path: 'spec.template.metadata.annotations["meshlint.io/calls"]', line: 39, level: 'note', message: 'accept(s) it as plaintext' }],
    },
    {
      name: 'istio: a meshed caller calls a server without a proxy',
      yaml: istio + server('{sidecar.istio.io/inject: "false"}').replace('labels: {app: cart}', 'labels: {app: cart, sidecar.istio.io/inject: "false"}') + client('shop'),
      errors: [{ messageId: 'plaintextOut', object: 'shop/Deployment/frontend', path: 'spec.template.metadata.annotations["meshlint.io/calls"]', line: 39, level: 'warning', message: ['runs the Istio proxy', 'pod label sidecar.istio.io/inject=false', 'travels as plaintext'] }],
    },
    {
      name: 'linkerd: an unmeshed caller is refused by a Server that requires an identity',
      yaml: linkerd + server() + l5dServer + client('legacy'),
      errors: [{ messageId: 'rejected', object: 'legacy/Deployment/frontend', path: 'spec.template.metadata.annotations["meshlint.io/calls"]', line: 58, message: ['without a Linkerd proxy', 'every authorization of Server shop/cart (port 7070) requires a mesh identity'] }],
    },
    {
      name: 'linkerd: an unmeshed caller reaches a server on the declared all-unauthenticated default',
      yaml: linkerd + server() + client('legacy'),
      cluster: { linkerd: { defaultInboundPolicy: 'all-unauthenticated' } },
      errors: [{ messageId: 'plaintextIn', object: 'legacy/Deployment/frontend', path: 'spec.template.metadata.annotations["meshlint.io/calls"]', line: 39, level: 'warning', message: 'default inbound policy all-unauthenticated' }],
    },
    {
      name: 'consul: a caller without connect injection is refused by a strict service',
      yaml: plain + consulStrict + server(consulPod) + client('legacy'),
      cluster: { consul: { connectInjectDefault: false } },
      errors: [{ messageId: 'rejected', object: 'legacy/Deployment/frontend', path: 'spec.template.metadata.annotations["meshlint.io/calls"]', line: 44, level: 'warning', message: ['without a Consul proxy', 'cluster.consul.connectInjectDefault is false', 'ServiceDefaults cart sets mutualTLSMode strict'] }],
    },
    {
      name: 'kuma: a caller outside the mesh is refused when mTLS is on',
      yaml: kuma + kumaMesh + server() + client('legacy'),
      errors: [{ messageId: 'rejected', object: 'legacy/Deployment/frontend', path: 'spec.template.metadata.annotations["meshlint.io/calls"]', line: 47, message: ['without a Kuma proxy', 'Mesh default enables mTLS backend ca-1'] }],
    },
    {
      name: 'istio and linkerd: a caller in another mesh is refused by a STRICT server',
      yaml: istio + strictPa + server() + client('legacy', 'cart.shop:7070', '\n          linkerd.io/inject: enabled'),
      errors: [{ messageId: 'rejected', object: 'legacy/Deployment/frontend', path: 'spec.template.metadata.annotations["meshlint.io/calls"]', line: 44, message: 'it runs the Linkerd proxy, a different mesh' }],
    },
  ],
});
