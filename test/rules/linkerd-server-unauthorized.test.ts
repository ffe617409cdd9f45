import rule from '../../src/rules/linkerd-server-unauthorized.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const linkerd = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations: {linkerd.io/inject: enabled}\n---\n';

const web = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        containers:
          - name: web
            image: web
            ports: [{containerPort: 8080, name: http}]
            readinessProbe: {httpGet: {path: /ready, port: http}}
  ---
`;

const server = (extra = '', name = 'web-http') => `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata:
  name: ${name}
  namespace: shop
  labels: {api: public}
spec:
  podSelector: {matchLabels: {app: web}}
  port: http
${extra}---
`;

const meshAuthn = 'apiVersion: policy.linkerd.io/v1alpha1\nkind: MeshTLSAuthentication\nmetadata: {name: front, namespace: shop}\nspec: {identities: ["front.shop.serviceaccount.identity.linkerd.cluster.local"]}\n---\n';
const netAuthn = 'apiVersion: policy.linkerd.io/v1alpha1\nkind: NetworkAuthentication\nmetadata: {name: kubelet, namespace: shop}\nspec: {networks: [{cidr: 0.0.0.0/0}]}\n---\n';
const authz = (target: string, authn: string, name = 'web-authz') => `apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  targetRef: ${target}\n  requiredAuthenticationRefs: [${authn}]\n---\n`;
const route = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: web-api, namespace: shop}\nspec:\n  parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http}]\n  rules: [{matches: [{path: {value: /api}}]}]\n---\n';

ruleTable(rule, {
  valid: [
    { name: 'linkerd: an AuthorizationPolicy targets the Server', yaml: linkerd + web + server() + meshAuthn + authz('{group: policy.linkerd.io, kind: Server, name: web-http}', '{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: front}') },
    { name: 'linkerd: a ServerAuthorization selects the Server by label', yaml: linkerd + web + server() + 'apiVersion: policy.linkerd.io/v1beta1\nkind: ServerAuthorization\nmetadata: {name: public, namespace: shop}\nspec:\n  server: {selector: {matchLabels: {api: public}}}\n  client: {unauthenticated: true}\n---\n' },
    { name: 'linkerd: an accessPolicy that admits clients', yaml: linkerd + web + server('  accessPolicy: all-authenticated\n') },
    { name: 'linkerd: a Server that selects nothing denies nothing', yaml: linkerd + web + server().replace('app: web}}\n  port', 'app: nobody}}\n  port') },
    { name: 'linkerd: a namespace-wide AuthorizationPolicy', yaml: linkerd + web + server() + authz('{kind: Namespace, name: shop}', '{kind: ServiceAccount, name: front}') },
    {
      name: 'linkerd: with a route attached, the probes are admitted by a NetworkAuthentication',
      yaml: linkerd + web + server() + route + netAuthn + authz('{group: gateway.networking.k8s.io, kind: HTTPRoute, name: web-api}', '{group: policy.linkerd.io, kind: NetworkAuthentication, name: kubelet}'),
    },
  ],
  invalid: [
    {
      name: 'linkerd: a Server with no authorization refuses everything',
      yaml: linkerd + web + server(),
      errors: [
        {
          messageId: 'denyAll',
          object: 'shop/Server/web-http',
          path: 'spec.port',
          line: 29,
          level: 'error',
          message: ['Server shop/web-http covers port http of Deployment shop/web with access policy deny (the default)', 'every request to that port is refused'],
        },
      ],
    },
    {
      name: 'linkerd: an explicit deny and an AuthorizationPolicy for another Server',
      yaml: linkerd + web + server('  accessPolicy: deny\n') + meshAuthn + authz('{group: policy.linkerd.io, kind: Server, name: web-grpc}', '{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: front}'),
      errors: [{ messageId: 'denyAll', object: 'shop/Server/web-http', path: 'spec.accessPolicy', line: 30, message: 'with access policy deny' }],
    },
    {
      name: 'linkerd: a route attached, only meshed clients authorized: the readiness probe is refused',
      yaml: linkerd + web + server() + route + meshAuthn + authz('{group: gateway.networking.k8s.io, kind: HTTPRoute, name: web-api}', '{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: front}'),
      errors: [{ messageId: 'probesDenied', object: 'shop/Server/web-http', path: 'spec.port', line: 29, level: 'warning', message: ['HTTPRoute shop/web-api attached', 'Deployment shop/web container web readinessProbe'] }],
    },
  ],
});
