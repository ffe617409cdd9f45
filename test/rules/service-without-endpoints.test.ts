import rule from '../../src/rules/service-without-endpoints.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

/** Selector-less Service `db` (the finding's `spec` is on line 4) and an EndpointSlice with the given metadata. */
function withSlice(metadata: string): string {
  return yaml`
    apiVersion: v1
    kind: Service
    metadata: {name: db}
    spec: {ports: [{port: 5432}]}
    ---
    apiVersion: discovery.k8s.io/v1
    kind: EndpointSlice
    metadata: ${metadata}
    addressType: IPv4
    endpoints: [{addresses: [10.0.0.12]}]
  `;
}

ruleTable(rule, {
  valid: [
    {
      name: 'selector-less Service with a manual Endpoints object of the same name',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: db}
        spec: {ports: [{port: 5432}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: db}
        subsets:
          - addresses: [{ip: 10.0.0.12}]
            ports: [{port: 5432}]
      `,
    },
    {
      name: 'EndpointSlice linked by kubernetes.io/service-name, whatever its own name',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: data}
        spec: {ports: [{name: pg, port: 5432}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-external-1
          namespace: data
          labels:
            kubernetes.io/service-name: db
            endpointslice.kubernetes.io/managed-by: ops.example.com
        addressType: IPv4
        ports: [{name: pg, port: 5432}]
        endpoints: [{addresses: [10.0.0.12]}]
      `,
    },
    {
      name: 'unset namespace on the Service and explicit default on the Endpoints are the same namespace',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: legacy}
        spec: {ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: legacy, namespace: default}
        subsets: [{addresses: [{ip: 192.168.1.5}], ports: [{port: 80}]}]
      `,
    },
    {
      name: 'ExternalName Service needs no endpoints',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: payments}
        spec: {type: ExternalName, externalName: payments.example.com}
      `,
    },
    {
      name: 'Service with a selector is the business of service-selector-matches-nothing',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80}]}
      `,
    },
    {
      name: 'headless selector-less Service with a manual EndpointSlice in a List',
      yaml: yaml`
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Service
            metadata: {name: peers, namespace: cluster}
            spec: {clusterIP: None, ports: [{port: 7000, targetPort: 7000}]}
          - apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: peers-abc
              namespace: cluster
              labels: {kubernetes.io/service-name: peers}
            addressType: IPv4
            endpoints: [{addresses: [10.1.0.4]}]
      `,
    },
    {
      name: 'Service and its Endpoints in different files of one run',
      files: {
        'svc.yaml': yaml`
          apiVersion: v1
          kind: Service
          metadata: {name: db, namespace: data}
          spec: {ports: [{port: 5432}]}
        `,
        'endpoints/db.json': '{"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "db", "namespace": "data"}, "subsets": []}\n',
      },
    },
  ],
  invalid: [
    {
      name: 'no selector and nothing in the input gives endpoints',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          ports:
            - port: 5432
      `,
      errors: [
        {
          messageId: 'noEndpoints',
          object: 'default/Service/db',
          path: 'spec',
          line: 5,
          column: 1,
          level: 'note',
          message: ['Service has no selector', 'no Endpoints named db', 'kubernetes.io/service-name=db'],
        },
      ],
    },
    {
      name: 'empty selector {} is no selector for a Service (not "all pods")',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {}
          ports: [{port: 80}]
      `,
      errors: [
        {
          messageId: 'noEndpoints',
          object: 'default/Service/web',
          path: 'spec.selector',
          line: 14,
          column: 3,
          level: 'note',
          message: 'an empty selector (which selects nothing, unlike a NetworkPolicy selector)',
        },
      ],
    },
    {
      name: 'null selector is treated like an absent one',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: db}
        spec:
          selector: null
          ports: [{port: 5432}]
      `,
      errors: [{ messageId: 'noEndpoints', object: 'default/Service/db', path: 'spec', line: 4, column: 1, message: 'Service has no selector' }],
    },
    {
      name: 'Endpoints of the same name in another namespace do not count',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec: {ports: [{port: 5432}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: db}
        subsets: [{addresses: [{ip: 10.0.0.12}], ports: [{port: 5432}]}]
      `,
      errors: [{ messageId: 'noEndpoints', object: 'shop/Service/db', path: 'spec', line: 4, column: 1 }],
    },
    {
      name: 'EndpointSlice named like the Service but without the service-name label is not linked',
      yaml: withSlice('{name: db, labels: {app: db}}'),
      errors: [{ messageId: 'noEndpoints', object: 'default/Service/db', path: 'spec', line: 4, column: 1 }],
    },
    {
      name: 'EndpointSlice labelled for another Service',
      yaml: withSlice('{name: db-1, labels: {kubernetes.io/service-name: db-replica}}'),
      errors: [{ messageId: 'noEndpoints', object: 'default/Service/db', path: 'spec', line: 4, column: 1 }],
    },
    {
      name: 'headless selector-less Service inside a List: path is relative to the item, line is absolute',
      yaml: yaml`
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Service
            metadata: {name: peers}
            spec: {clusterIP: None, ports: [{port: 7000}]}
      `,
      errors: [{ messageId: 'noEndpoints', object: 'default/Service/peers', path: 'spec', line: 7, column: 5 }],
    },
    {
      name: 'default namespace from the configuration applies to unset namespaces',
      namespace: 'team-a',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: db}
        spec: {ports: [{port: 5432}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: db, namespace: default}
        subsets: []
      `,
      errors: [{ messageId: 'noEndpoints', object: 'team-a/Service/db', path: 'spec', line: 4, column: 1 }],
    },
  ],
});
