import rule from '../../src/rules/port-protocol-undeclared.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const ns = (labels: string, annotations = '{}') => `apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: ${labels}, annotations: ${annotations}}\n---\n`;
const istioNs = ns('{istio-injection: enabled}');
const linkerdNs = ns('{}', '{linkerd.io/inject: enabled}');

const db = (annotations = '{}') => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: db, namespace: shop}
  spec:
    selector: {matchLabels: {app: db}}
    template:
      metadata: {labels: {app: db}, annotations: ${annotations}}
      spec: {containers: [{name: db, image: mysql:8, ports: [{containerPort: 3306, name: mysql}, {containerPort: 8080, name: web}]}]}
  ---
`;

const svc = (ports: string, name = 'db') => yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: ${name}, namespace: shop}
  spec:
    selector: {app: db}
    ports:
      - ${ports}
`;

ruleTable(rule, {
  valid: [
    { name: 'istio: http- name prefix', yaml: istioNs + db() + svc('{name: http-web, port: 80, targetPort: 8080}') },
    { name: 'istio: appProtocol grpc', yaml: istioNs + db() + svc('{name: api, port: 80, targetPort: 8080, appProtocol: grpc}') },
    { name: 'istio: kubernetes.io/h2c', yaml: istioNs + db() + svc('{name: api, port: 80, targetPort: 8080, appProtocol: kubernetes.io/h2c}') },
    { name: 'istio: unnamed port 3306 defaults to TCP', yaml: istioNs + db() + svc('{port: 3306}') },
    { name: 'unmeshed pods: nothing to guess', yaml: ns('{}') + db() + svc('{name: web, port: 80, targetPort: 8080}') },
    { name: 'istio ambient without a waypoint: ztunnel is L4 only', yaml: ns('{istio.io/dataplane-mode: ambient}') + db() + svc('{name: web, port: 80, targetPort: 8080}') },
    { name: 'linkerd: appProtocol http', yaml: linkerdNs + db() + svc('{name: web, port: 80, targetPort: 8080, appProtocol: http}') },
    { name: 'linkerd: MySQL on 3306 is opaque by default', yaml: linkerdNs + db() + svc('{name: mysql, port: 3306}') },
    { name: 'linkerd: appProtocol grpc ignored before 2.18', yaml: linkerdNs + db() + svc('{name: grpc, port: 80, targetPort: 8080, appProtocol: grpc}'), cluster: { linkerd: { version: '2.17' } } },
    { name: 'linkerd: the opaque-ports annotation lists the MySQL port', yaml: linkerdNs + db('{config.linkerd.io/opaque-ports: "3306,5432"}') + svc('{name: mysql, port: 3306}') },
  ],
  invalid: [
    {
      name: 'istio: a port name without a protocol prefix',
      yaml: istioNs + db() + svc('{name: web, port: 80, targetPort: 8080}'),
      errors: [{ messageId: 'istioUndeclared', object: 'shop/Service/db', path: 'spec.ports[0].name', line: 20, message: ['port 80 of Service shop/db', 'name web'] }],
    },
    {
      name: 'istio: an unnamed port',
      yaml: istioNs + db() + svc('{port: 8080}'),
      errors: [{ messageId: 'istioUndeclared', object: 'shop/Service/db', path: 'spec.ports[0].port', line: 20, message: '(unnamed)' }],
    },
    {
      name: 'istio: appProtocol overrides a good port name',
      yaml: istioNs + db() + svc('{name: http-api, port: 80, targetPort: 8080, appProtocol: mycorp.io/api}'),
      errors: [{ messageId: 'istioAppProtocolUnknown', object: 'shop/Service/db', path: 'spec.ports[0].appProtocol', line: 20, message: 'which would have meant http' }],
    },
    {
      name: 'istio: two Services give one pod port two protocols (IST0116)',
      yaml: istioNs + db() + svc('{name: http-web, port: 80, targetPort: 8080}') + '---\n' + svc('{name: tcp-web, port: 8080}', 'db-raw'),
      errors: [{ messageId: 'istioConflict', object: 'shop/Service/db-raw', path: 'spec.ports[0].name', line: 28, message: 'as tcp through this Service but as http through Service shop/db' }],
    },
    {
      name: 'istio ambient with a waypoint',
      yaml: ns('{istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}') + db() + svc('{name: web, port: 80, targetPort: 8080}'),
      errors: [{ messageId: 'istioUndeclared', object: 'shop/Service/db', path: 'spec.ports[0].name', line: 20 }],
    },
    {
      name: 'linkerd: appProtocol grpc turns the port opaque',
      yaml: linkerdNs + db() + svc('{name: grpc, port: 80, targetPort: 8080, appProtocol: grpc}'),
      errors: [{ messageId: 'linkerdOpaqueAppProtocol', object: 'shop/Service/db', path: 'spec.ports[0].appProtocol', line: 20 }],
    },
    {
      name: 'linkerd: an opaque-ports annotation that drops MySQL',
      yaml: linkerdNs + db('{config.linkerd.io/opaque-ports: "5432"}') + svc('{name: mysql, port: 3306}'),
      errors: [{ messageId: 'linkerdServerFirst', object: 'shop/Service/db', path: 'spec.ports[0].name', line: 20, message: ['MYSQL', 'replaces the default list'] }],
    },
    {
      name: 'linkerd: SSH on a port not in the opaque list',
      yaml: linkerdNs + db() + svc('{name: ssh, port: 22, targetPort: 8080}'),
      errors: [{ messageId: 'linkerdServerFirst', object: 'shop/Service/db', path: 'spec.ports[0].name', line: 20, message: 'not in the default opaque ports' }],
    },
  ],
});
