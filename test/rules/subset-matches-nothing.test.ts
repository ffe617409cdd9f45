import rule from '../../src/rules/subset-matches-nothing.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

// Twenty lines: Service reviews (shop) with two Deployments, version v1 and v2.
const app = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: reviews, namespace: shop}
  spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: reviews-v1, namespace: shop}
  spec:
    selector: {matchLabels: {app: reviews, version: v1}}
    template: {metadata: {labels: {app: reviews, version: v1}}, spec: {containers: [{name: r, image: r}]}}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: reviews-v2, namespace: shop}
  spec:
    selector: {matchLabels: {app: reviews, version: v2}}
    template: {metadata: {labels: {app: reviews, version: v2}}, spec: {containers: [{name: r, image: r}]}}
  ---
`;

const dr = (subsets: string) => yaml`
  apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: {name: reviews, namespace: shop}
  spec:
    host: reviews
    subsets:
${subsets}
`;

ruleTable(rule, {
  valid: [
    {
      name: 'every subset selects a deployed version',
      yaml: app + dr('      - {name: v1, labels: {version: v1}}\n      - {name: v2, labels: {version: v2}}'),
    },
    {
      name: 'topology labels are added to endpoints at run time and are not checked',
      yaml: app + dr('      - {name: east, labels: {topology.kubernetes.io/zone: us-east-1a}}'),
    },
    {
      name: 'a ServiceEntry host has no pods behind it',
      yaml: yaml`
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: db, namespace: shop}
        spec: {hosts: [db.example.com], ports: [{number: 5432, name: tcp, protocol: TCP}], resolution: DNS}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: db, namespace: shop}
        spec:
          host: db.example.com
          subsets: [{name: primary, labels: {role: primary}}]
      `,
    },
    {
      name: 'the Service has no pods in the input at all (service-selector-matches-nothing covers it)',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: shop}
        spec: {selector: {app: reviews}, ports: [{port: 9080}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: shop}
        spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}
      `,
    },
  ],
  invalid: [
    {
      name: 'routed subset with a label no pod carries',
      yaml: app + dr('      - {name: v1, labels: {version: v1}}\n      - {name: v3, labels: {version: v3}}') + yaml`
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: shop}
        spec:
          hosts: [reviews]
          http:
            - route:
                - {destination: {host: reviews, subset: v1}, weight: 80}
                - {destination: {host: reviews, subset: v3}, weight: 20}
      `,
      errors: [
        {
          messageId: 'routed',
          object: 'shop/DestinationRule/reviews',
          path: 'spec.subsets[1].labels.version',
          line: 27,
          level: 'warning',
          message: ['subset v3 selects none of the 2 pod template(s) behind Service shop/reviews', 'wants version=v3 but has version=', 'VirtualService shop/reviews'],
        },
      ],
    },
    {
      name: 'a subset no route uses yet (canary not deployed) is a note',
      yaml: app + dr('      - {name: v1, labels: {version: v1}}\n      - {name: v3, labels: {version: v3}}'),
      errors: [{ messageId: 'unrouted', object: 'shop/DestinationRule/reviews', path: 'spec.subsets[1].labels.version', line: 27, level: 'note', message: 'no route sends traffic to it now' }],
    },
    {
      name: 'a subset routed only with weight 0 is also a note',
      yaml: app + dr('      - {name: v3, labels: {version: v3, track: canary}}') + yaml`
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: shop}
        spec:
          hosts: [reviews]
          http:
            - route:
                - {destination: {host: reviews}, weight: 100}
                - {destination: {host: reviews, subset: v3}, weight: 0}
      `,
      errors: [{ messageId: 'unrouted', object: 'shop/DestinationRule/reviews', path: 'spec.subsets[0].labels.version', line: 26, level: 'note' }],
    },
  ],
});
