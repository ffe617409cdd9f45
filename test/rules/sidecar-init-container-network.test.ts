import rule from '../../src/rules/sidecar-init-container-network.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const app = (meta: string, init: string) => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: api, namespace: shop}
  spec:
    selector: {matchLabels: {app: api}}
    template:
      metadata: ${meta}
      spec:
        initContainers:
          - ${init}
        containers: [{name: api, image: example/api:1}]
`;

const istioNs = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}\n---\n';
const kumaNs = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {kuma.io/sidecar-injection: enabled}}\n---\n';
const migrate = '{name: migrate, image: example/api:1, command: ["sh", "-c", "until pg_isready -h db; do sleep 1; done; ./migrate"]}';

ruleTable(rule, {
  valid: [
    { name: 'istio: init container without network use', yaml: istioNs + app('{labels: {app: api}}', '{name: perms, image: busybox, command: ["chown", "-R", "1000", "/data"]}') },
    { name: 'istio: native sidecar (annotation)', yaml: istioNs + app('{labels: {app: api}, annotations: {sidecar.istio.io/nativeSidecar: "true"}}', migrate) },
    { name: 'istio: the init container runs as the proxy UID 1337', yaml: istioNs + app('{labels: {app: api}}', '{name: migrate, image: example/api:1, command: ["./migrate", "--url", "http://db"], securityContext: {runAsUser: 1337}}') },
    { name: 'istio: outbound ports excluded from capture', yaml: istioNs + app('{labels: {app: api}, annotations: {traffic.sidecar.istio.io/excludeOutboundPorts: "5432"}}', migrate) },
    { name: 'not meshed', yaml: app('{labels: {app: api}}', migrate) },
    { name: 'linkerd: native sidecars (2.20)', yaml: app('{labels: {app: api}, annotations: {linkerd.io/inject: enabled}}', migrate), cluster: { linkerd: { version: '2.20' } } },
    { name: 'kuma: the init container runs as the sidecar UID 5678', yaml: kumaNs + app('{labels: {app: api}}', '{name: migrate, image: example/api:1, command: ["./migrate", "--url", "http://db"], securityContext: {runAsUser: 5678}}') },
    { name: 'linkerd: skip-outbound-ports', yaml: app('{labels: {app: api}, annotations: {linkerd.io/inject: enabled, config.linkerd.io/skip-outbound-ports: "5432"}}', migrate) },
  ],
  invalid: [
    {
      name: 'istio: a migration init container waits for the database',
      yaml: istioNs + app('{labels: {app: api}}', migrate),
      cluster: { kubernetesVersion: '1.31' },
      errors: [{ messageId: 'noNetwork', object: 'shop/Deployment/api', path: 'spec.template.spec.initContainers[0].command', line: 14, level: 'note', message: ['it runs "pg_isready"', 'Istio proxy', 'cluster.kubernetesVersion is 1.31'] }],
    },
    {
      name: 'istio: a curl image, native mode unknown',
      yaml: istioNs + app('{labels: {app: api}}', '{name: fetch, image: curlimages/curl:8.5.0, args: ["-fsSLo", "/data/seed.json", "https://example.com/seed.json"]}'),
      errors: [{ messageId: 'noNetwork', object: 'shop/Deployment/api', path: 'spec.template.spec.initContainers[0].args', line: 14, message: ['https://', 'kubelet version'] }],
    },
    {
      name: 'linkerd: before 2.20 the proxy is a regular container',
      yaml: app('{labels: {app: api}, annotations: {linkerd.io/inject: enabled}}', migrate),
      cluster: { linkerd: { version: '2.19' } },
      errors: [{ messageId: 'noNetwork', object: 'shop/Deployment/api', path: 'spec.template.spec.initContainers[0].command', line: 10, message: 'Linkerd 2.19 does not enable native sidecars' }],
    },
    {
      name: 'kuma: a regular sidecar container (note)',
      yaml: kumaNs + app('{labels: {app: api}}', migrate),
      errors: [{ messageId: 'noNetwork', object: 'shop/Deployment/api', path: 'spec.template.spec.initContainers[0].command', line: 14, message: 'Kuma proxy' }],
    },
  ],
});
