import rule from '../../src/rules/sidecar-egress-missing-host.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const namespaces = yaml`
  apiVersion: v1
  kind: Namespace
  metadata: {name: shop, labels: {istio-injection: enabled}}
  ---
  apiVersion: v1
  kind: Namespace
  metadata: {name: billing, labels: {istio-injection: enabled}}
  ---
`;

const checkout = (extra: string) => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: checkout, namespace: shop}
  spec:
    selector: {matchLabels: {app: checkout}}
    template:
      metadata: {labels: {app: checkout}}
      spec:
        containers:
          - name: checkout
            image: example/checkout:1
            env:
              - {name: PAYMENTS_URL, value: "${extra}"}
  ---
`;

const payments = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: payments, namespace: billing}
  spec: {selector: {app: payments}, ports: [{name: http, port: 8080}]}
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: cart, namespace: shop}
  spec: {selector: {app: cart}, ports: [{name: http, port: 8080}]}
  ---
`;

const sidecar = (hosts: string, extra = '') => yaml`
  apiVersion: networking.istio.io/v1
  kind: Sidecar
  metadata: {name: default, namespace: shop}
  spec:
    egress:
      - hosts: ${hosts}${extra}
`;

ruleTable(rule, {
  valid: [
    { name: 'the egress list covers the other namespace', yaml: namespaces + checkout('http://payments.billing:8080/pay') + payments + sidecar('["./*", "billing/*"]') },
    { name: 'wildcard namespace', yaml: namespaces + checkout('http://payments.billing:8080/pay') + payments + sidecar('["*/*"]') },
    { name: 'exact FQDN entry', yaml: namespaces + checkout('http://payments.billing:8080/pay') + payments + sidecar('["billing/payments.billing.svc.cluster.local"]') },
    { name: 'calls within the namespace under ./*', yaml: namespaces + checkout('http://cart:8080/items') + payments + sidecar('["./*"]') },
    { name: 'a Sidecar without egress keeps everything', yaml: namespaces + checkout('http://payments.billing:8080/pay') + payments + 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: shop}\nspec: {ingress: []}\n' },
    { name: 'a workload without a proxy is not scoped by a Sidecar', yaml: checkout('http://payments.billing:8080/pay') + payments + sidecar('["./*"]') },
  ],
  invalid: [
    {
      name: 'a call to another namespace outside the egress scope',
      yaml: namespaces + checkout('http://payments.billing:8080/pay') + payments + sidecar('["./*", "istio-system/*"]'),
      errors: [
        {
          messageId: 'missing',
          object: 'shop/Sidecar/default',
          path: 'spec.egress[0].hosts',
          line: 38,
          message: ['Deployment shop/checkout calls payments.billing.svc.cluster.local:8080', 'PAYMENTS_URL=http://payments.billing:8080/pay', 'it lists ./*, istio-system/*', 'passthrough cluster'],
        },
      ],
    },
    {
      name: 'REGISTRY_ONLY makes the calls fail',
      yaml: namespaces + checkout('http://payments.billing:8080/pay') + payments + sidecar('["./*"]', '\n    outboundTrafficPolicy: {mode: REGISTRY_ONLY}'),
      errors: [{ messageId: 'missing', object: 'shop/Sidecar/default', path: 'spec.egress[0].hosts', line: 38, message: '502, BlackHoleCluster' }],
    },
    {
      name: '~/* trims everything',
      yaml: namespaces + checkout('http://cart:8080/items') + payments + sidecar('["~/*"]'),
      errors: [{ messageId: 'missing', object: 'shop/Sidecar/default', path: 'spec.egress[0].hosts', line: 38, message: 'cart.shop.svc.cluster.local:8080' }],
    },
    {
      name: 'a VirtualService routes a covered host to an uncovered one',
      yaml: namespaces + checkout('http://cart:8080/items') + payments + yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: cart, namespace: shop}
        spec:
          hosts: [cart]
          http:
            - route: [{destination: {host: payments.billing.svc.cluster.local, port: {number: 8080}}}]
        ---
      ` + sidecar('["./*"]'),
      errors: [{ messageId: 'missing', object: 'shop/Sidecar/default', path: 'spec.egress[0].hosts', line: 46, message: 'VirtualService shop/cart routes cart to it' }],
    },
    {
      name: 'a root-namespace default Sidecar applies to namespaces without their own',
      yaml: namespaces + checkout('http://payments.billing:8080/pay') + payments + 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: istio-system}\nspec:\n  egress:\n    - hosts: ["./*", "istio-system/*"]\n',
      errors: [{ messageId: 'missing', object: 'istio-system/Sidecar/default', path: 'spec.egress[0].hosts', line: 38 }],
    },
  ],
});
