import rule from '../../src/rules/linkerd-inbound-open.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const ns = (annotations: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    ${annotations}\n---\n`;
const linkerd = ns('linkerd.io/inject: enabled');

const web = (annotations = '{}', ports = '[{containerPort: 8080, name: http}, {containerPort: 9090, name: metrics}]') => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata:
        labels: {app: web}
        annotations: ${annotations}
      spec:
        containers: [{name: web, image: web, ports: ${ports}}]
  ---
`;

const server = (name: string, port: string) => `apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  port: ${port}\n---\n`;

ruleTable(rule, {
  valid: [
    { name: 'linkerd: every port has a Server', yaml: linkerd + web() + server('http', 'http') + server('metrics', '9090') },
    { name: 'linkerd: the namespace requires authentication by default', yaml: ns('linkerd.io/inject: enabled\n    config.linkerd.io/default-inbound-policy: all-authenticated') + web() },
    { name: 'linkerd: the cluster default is deny', yaml: linkerd + web(), cluster: { linkerd: { defaultInboundPolicy: 'deny' } } },
    { name: 'linkerd: a client without ports', yaml: linkerd + web('{}', '[]') },
    { name: 'linkerd: a workload without a proxy', yaml: ns('team: a') + web() },
    { name: 'linkerd: an ingress-mode proxy fronts an ingress controller', yaml: linkerd + web('{linkerd.io/inject: ingress}') },
    { name: 'linkerd: only skipped ports left (mtls-port-excluded covers them)', yaml: linkerd + web('{config.linkerd.io/skip-inbound-ports: "8080,9090"}') },
  ],
  invalid: [
    {
      name: 'linkerd: install default assumed, reported as a note',
      yaml: linkerd + web(),
      errors: [
        {
          messageId: 'openPorts',
          object: 'shop/Deployment/web',
          path: 'metadata.name',
          line: 10,
          level: 'note',
          message: ['Deployment shop/web is meshed by Linkerd, but port(s) 8080, 9090 have no Server', 'all-unauthenticated', 'plaintext is accepted', '[assumed'],
        },
      ],
    },
    {
      name: 'linkerd: cluster default declared all-unauthenticated is a warning',
      yaml: linkerd + web(),
      cluster: { linkerd: { defaultInboundPolicy: 'all-unauthenticated' } },
      errors: [{ messageId: 'openPorts', object: 'shop/Deployment/web', path: 'metadata.name', line: 10, level: 'warning', message: 'cluster.linkerd.defaultInboundPolicy' }],
    },
    {
      name: 'linkerd: pod annotation cluster-unauthenticated, one port without a Server',
      yaml: linkerd + web('{config.linkerd.io/default-inbound-policy: cluster-unauthenticated}') + server('http', 'http'),
      errors: [{ messageId: 'openPorts', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["config.linkerd.io/default-inbound-policy"]', line: 16, level: 'warning', message: ['port(s) 9090 have no Server', 'from the cluster networks'] }],
    },
    {
      name: 'linkerd: audit set on the Namespace object',
      yaml: ns('linkerd.io/inject: enabled\n    config.linkerd.io/default-inbound-policy: audit') + web() + server('metrics', 'metrics'),
      errors: [{ messageId: 'openPorts', object: 'shop/Deployment/web', path: 'metadata.name', line: 11, level: 'warning', message: ['port(s) 8080', 'annotation config.linkerd.io/default-inbound-policy=audit on Namespace shop', 'only logged'] }],
    },
  ],
});
