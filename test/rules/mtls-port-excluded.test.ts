import rule from '../../src/rules/mtls-port-excluded.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const istioNs = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {istio-injection: enabled}\n---\n';
const ambientNs = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {istio.io/dataplane-mode: ambient}\n---\n';
const linkerdNs = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations: {linkerd.io/inject: enabled}\n---\n';

const web = (annotations: string) => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata:
        labels: {app: web}
        annotations:
          ${annotations}
      spec:
        containers: [{name: web, image: web, ports: [{containerPort: 8080, name: http}, {containerPort: 9090, name: metrics}]}]
  ---
`;

const svc = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec:
    selector: {app: web}
    ports: [{name: http, port: 80, targetPort: http}]
  ---
`;

const db = yaml`
  apiVersion: apps/v1
  kind: StatefulSet
  metadata: {name: db, namespace: shop}
  spec:
    serviceName: db
    selector: {matchLabels: {app: db}}
    template:
      metadata: {labels: {app: db}}
      spec:
        containers: [{name: db, image: postgres, ports: [{containerPort: 5432}]}]
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: db, namespace: shop}
  spec:
    selector: {app: db}
    ports: [{port: 5432}]
  ---
`;

const authz = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  rules: [{from: [{source: {principals: [cluster.local/ns/shop/sa/front]}}]}]\n---\n';
const server = 'apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: web-http, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  port: http\n---\n';

ruleTable(rule, {
  valid: [
    { name: 'istio: excluded metrics port that no Service exposes and no policy protects', yaml: istioNs + web('traffic.sidecar.istio.io/excludeInboundPorts: "9090"') + svc },
    { name: 'istio: excluded port listed in ignorePorts', yaml: istioNs + web('traffic.sidecar.istio.io/excludeInboundPorts: "8080"') + svc, options: { ignorePorts: [8080] } },
    { name: 'istio: no exclusions', yaml: istioNs + web('team: a') + svc + authz },
    { name: 'istio ambient: the sidecar annotations do not apply', yaml: ambientNs + web('traffic.sidecar.istio.io/excludeInboundPorts: "8080"') + svc },
    { name: 'istio: the annotation on a pod without a proxy does nothing', yaml: web('traffic.sidecar.istio.io/excludeInboundPorts: "8080"') + svc },
    { name: 'istio: outbound exclusion of a port only unmeshed services use', yaml: istioNs + web('traffic.sidecar.istio.io/excludeOutboundPorts: "5432"') + db.replace('labels: {app: db}}', 'labels: {app: db, sidecar.istio.io/inject: "false"}}') },
    { name: 'linkerd: skipped port nobody exposes', yaml: linkerdNs + web('config.linkerd.io/skip-inbound-ports: "9090"') + svc },
  ],
  invalid: [
    {
      name: 'istio: excluded port that a Service exposes',
      yaml: istioNs + web('traffic.sidecar.istio.io/excludeInboundPorts: "8080,9090"') + svc,
      errors: [
        {
          messageId: 'inboundExcluded',
          object: 'shop/Deployment/web',
          path: 'spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeInboundPorts"]',
          line: 16,
          level: 'warning',
          message: ['takes port(s) 8080 out of its Istio proxy (traffic.sidecar.istio.io/excludeInboundPorts=8080,9090)', 'for 8080: Service shop/web sends its port 80 to it', 'unless a DestinationRule disables TLS'],
        },
      ],
    },
    {
      name: 'istio: includeInboundPorts leaves the Service port out',
      yaml: istioNs + web('traffic.sidecar.istio.io/includeInboundPorts: "9090"') + svc,
      errors: [{ messageId: 'inboundExcluded', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["traffic.sidecar.istio.io/includeInboundPorts"]', line: 16, message: 'port(s) 8080 out of its Istio proxy (traffic.sidecar.istio.io/includeInboundPorts=9090)' }],
    },
    {
      name: 'istio: excluded port of a workload an AuthorizationPolicy protects',
      yaml: istioNs + web('traffic.sidecar.istio.io/excludeInboundPorts: "9090"') + authz,
      errors: [{ messageId: 'inboundExcluded', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeInboundPorts"]', line: 16, message: 'for 9090: AuthorizationPolicy shop/web is meant to authorize its callers' }],
    },
    {
      name: 'linkerd: skipped port that a Service exposes and a Server covers',
      yaml: linkerdNs + web('config.linkerd.io/skip-inbound-ports: "8080"') + svc + server,
      errors: [
        {
          messageId: 'inboundExcluded',
          object: 'shop/Deployment/web',
          path: 'spec.template.metadata.annotations["config.linkerd.io/skip-inbound-ports"]',
          line: 16,
          message: ['out of its Linkerd proxy', 'Service shop/web sends its port 80 to it and Server shop/web-http is meant to govern it'],
        },
      ],
    },
    {
      name: 'istio: outbound exclusion of a meshed database port',
      yaml: istioNs + web('traffic.sidecar.istio.io/excludeOutboundPorts: "5432"') + db,
      errors: [{ messageId: 'outboundExcluded', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeOutboundPorts"]', line: 16, message: 'Service shop/db serve(s) meshed pods on port 5432' }],
    },
    {
      name: 'linkerd: skip-outbound-ports of a meshed database port',
      yaml: linkerdNs + web('config.linkerd.io/skip-outbound-ports: "5432"') + db,
      errors: [{ messageId: 'outboundExcluded', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["config.linkerd.io/skip-outbound-ports"]', line: 16, message: 'around its Linkerd proxy' }],
    },
  ],
});
