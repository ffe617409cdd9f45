import rule from '../../src/rules/route-subset-undefined.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

// Seven lines: Service reviews in namespace shop, then a document separator.
const reviews = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: reviews, namespace: shop}
  spec:
    selector: {app: reviews}
    ports: [{name: http, port: 9080}]
  ---
`;

// Seven lines: DestinationRule for reviews with subsets v1 and v2.
const rule12 = yaml`
  apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: {name: reviews, namespace: shop}
  spec:
    host: reviews
    subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
  ---
`;

const vsTo = (subset: string, ns = 'shop', host = 'reviews') => yaml`
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata: {name: reviews, namespace: ${ns}}
  spec:
    hosts: [${host}]
    http:
      - route:
          - destination: {host: ${host}, subset: ${subset}}
`;

ruleTable(rule, {
  valid: [
    { name: 'istio: subset defined by the DestinationRule for the host', yaml: reviews + rule12 + vsTo('v2') },
    {
      name: 'istio: DestinationRule written with the full host name in another namespace',
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: istio-system}
        spec:
          host: reviews.shop.svc.cluster.local
          subsets: [{name: v3, labels: {version: v3}}]
        ---
      ` + vsTo('v3'),
    },
    {
      name: 'istio: a destination that does not resolve is left to route-destination-missing',
      yaml: rule12 + vsTo('v9', 'shop', 'ratings'),
    },
    {
      name: 'consul: serviceSubset defined by the ServiceResolver of the service',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: api}
        spec: {selector: {app: api}, ports: [{port: 8080}]}
        ---
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceResolver
        metadata: {name: api}
        spec:
          defaultSubset: v1
          subsets: {v1: {filter: 'Service.Meta.version == v1'}, v2: {filter: 'Service.Meta.version == v2'}}
        ---
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceSplitter
        metadata: {name: api}
        spec:
          splits: [{weight: 50, serviceSubset: v1}, {weight: 50, serviceSubset: v2}]
      `,
    },
  ],
  invalid: [
    {
      name: 'istio: subset not among those the DestinationRule defines',
      yaml: reviews + rule12 + vsTo('v3'),
      errors: [{ messageId: 'noSubset', object: 'shop/VirtualService/reviews', path: 'spec.http[0].route[0].destination.subset', line: 22, level: 'error', message: ['DestinationRule shop/reviews', 'define only v1, v2'] }],
    },
    {
      name: 'istio: misspelt subset gets a suggestion',
      yaml: reviews + rule12 + vsTo('V2'),
      errors: [{ messageId: 'noSubset', object: 'shop/VirtualService/reviews', path: 'spec.http[0].route[0].destination.subset', line: 22, message: 'did you mean v2?' }],
    },
    {
      name: 'istio: DestinationRules exist, none for this host',
      yaml: reviews + yaml`
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings, namespace: shop}
        spec: {host: ratings, subsets: [{name: v1, labels: {version: v1}}]}
        ---
      ` + vsTo('v1'),
      errors: [{ messageId: 'noRuleForHost', object: 'shop/VirtualService/reviews', path: 'spec.http[0].route[0].destination.subset', line: 20, level: 'error' }],
    },
    {
      name: 'istio: no DestinationRule in the input at all is a note',
      yaml: reviews + vsTo('v1'),
      errors: [{ messageId: 'noRuleForHost', object: 'shop/VirtualService/reviews', path: 'spec.http[0].route[0].destination.subset', line: 15, level: 'note', message: 'unless a DestinationRule outside the input defines it' }],
    },
    {
      name: 'consul: serviceSubset missing from the resolver, and a service without resolver',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: api}
        spec: {selector: {app: api}, ports: [{port: 8080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: billing}
        spec: {selector: {app: billing}, ports: [{port: 8080}]}
        ---
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceResolver
        metadata: {name: api}
        spec:
          subsets: {v1: {filter: 'Service.Meta.version == v1'}}
        ---
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceRouter
        metadata: {name: api}
        spec:
          routes:
            - match: {http: {pathPrefix: /v2}}
              destination: {serviceSubset: v2}
            - match: {http: {pathPrefix: /bill}}
              destination: {service: billing, serviceSubset: canary}
      `,
      errors: [
        { messageId: 'noResolverSubset', object: 'default/ServiceRouter/api', path: 'spec.routes[0].destination.serviceSubset', line: 23, level: 'error', message: 'defines only v1' },
        { messageId: 'noResolver', object: 'default/ServiceRouter/api', path: 'spec.routes[1].destination.serviceSubset', line: 25, level: 'note' },
      ],
    },
  ],
});
