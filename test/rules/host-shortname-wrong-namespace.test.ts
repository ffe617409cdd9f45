import rule from '../../src/rules/host-shortname-wrong-namespace.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

// Five lines: Service reviews in namespace shop.
const reviews = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: reviews, namespace: shop}
  spec: {selector: {app: reviews}, ports: [{port: 9080}]}
  ---
`;

ruleTable(rule, {
  valid: [
    {
      name: 'short names in the Service namespace, full names elsewhere',
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: shop}
        spec:
          hosts: [reviews]
          http: [{route: [{destination: {host: reviews}}]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: istio-system}
        spec: {host: reviews.shop.svc.cluster.local}
      `,
    },
    {
      name: 'a short name that a ServiceEntry declares in the rule namespace',
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews-vm, namespace: web}
        spec: {hosts: [reviews.web.svc.cluster.local], ports: [{number: 9080, name: http, protocol: HTTP}], location: MESH_INTERNAL, resolution: STATIC}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: web}
        spec: {host: reviews}
      `,
    },
    {
      name: 'no Service of that name anywhere (route-destination-missing reports destinations)',
      yaml: yaml`
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings, namespace: web}
        spec: {host: ratings}
      `,
    },
  ],
  invalid: [
    {
      name: 'VirtualService host and destination written as short names in another namespace',
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: web}
        spec:
          hosts:
            - reviews
          http:
            - route:
                - destination: {host: reviews}
      `,
      errors: [
        { messageId: 'wrongNamespace', object: 'web/VirtualService/reviews', path: 'spec.hosts[0]', line: 11, level: 'error', message: ['Istio reads it as reviews.web.svc.cluster.local', 'Service reviews is in namespace shop', 'reviews.shop.svc.cluster.local', 'routing rules never apply'] },
        { messageId: 'wrongNamespace', object: 'web/VirtualService/reviews', path: 'spec.http[0].route[0].destination.host', line: 14, message: ['Destination host reviews', '503'] },
      ],
    },
    {
      name: 'DestinationRule short host in the root namespace, with a custom cluster domain',
      cluster: { clusterDomain: 'corp.internal' },
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: istio-system}
        spec:
          host: reviews
          trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
      `,
      errors: [{ messageId: 'wrongNamespace', object: 'istio-system/DestinationRule/reviews', path: 'spec.host', line: 10, message: ['reviews.istio-system.svc.corp.internal', 'reviews.shop.svc.corp.internal', 'apply to nothing'] }],
    },
  ],
});
