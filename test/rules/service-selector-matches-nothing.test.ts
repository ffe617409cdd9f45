import rule from '../../src/rules/service-selector-matches-nothing.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const deployment = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    selector:
      matchLabels:
        app: web
    template:
      metadata:
        labels:
          app: web
          tier: front
      spec:
        containers:
          - name: web
            image: nginx
`;

ruleTable(rule, {
  valid: [
    {
      name: 'selector matches a Deployment template in the same (defaulted) namespace',
      yaml: deployment + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: default
        spec:
          selector:
            app: web
          ports:
            - port: 80
      `,
    },
    {
      name: 'Service and Deployment in sibling folders form one graph',
      files: {
        'apps/web/deploy.yaml': deployment,
        'services/web.yaml': yaml`
          apiVersion: v1
          kind: Service
          metadata: {name: web}
          spec: {selector: {app: web, tier: front}, ports: [{port: 80}]}
        `,
      },
    },
    {
      name: 'ExternalName Service has no selector to check',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: ext}
        spec: {type: ExternalName, externalName: example.com, selector: {app: nothing}}
      `,
    },
    {
      name: 'runtime label statefulset.kubernetes.io/pod-name is matched at run time',
      yaml: yaml`
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: db, image: postgres}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db-0}
        spec:
          selector: {app: db, statefulset.kubernetes.io/pod-name: db-0}
          ports: [{port: 5432}]
      `,
    },
    {
      name: 'pods made by an operator custom resource named in the selector',
      yaml: yaml`
        apiVersion: monitoring.coreos.com/v1
        kind: Prometheus
        metadata: {name: k8s, namespace: monitoring}
        spec: {replicas: 2}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: prometheus-k8s, namespace: monitoring}
        spec:
          selector: {app.kubernetes.io/name: prometheus, prometheus: k8s}
          ports: [{port: 9090}]
      `,
    },
    {
      name: 'selector-less Service is the business of service-without-endpoints',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: manual}
        spec: {ports: [{port: 80}]}
      `,
    },
  ],
  invalid: [
    {
      name: 'typo in the selector value, nearest candidate named',
      yaml: deployment + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            app: webb
          ports:
            - port: 80
      `,
      errors: [
        {
          messageId: 'noPods',
          object: 'default/Service/web',
          path: 'spec.selector.app',
          line: 25,
          column: 5,
          level: 'warning',
          message: ['selector app=webb', 'Deployment web, wants app=webb but has app=web', 'searched namespace default'],
        },
      ],
    },
    {
      name: 'namespace differs: unset namespace is the default one, Deployment is in shop',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80}]}
      `,
      errors: [
        {
          messageId: 'noPods',
          object: 'default/Service/web',
          path: 'spec.selector',
          line: 13,
          level: 'note',
          message: 'the input has no workloads in namespace default (only in other namespaces)',
        },
      ],
    },
    {
      name: 'label missing on the template',
      yaml: deployment + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web, version: v2}
          ports: [{port: 80}]
      `,
      errors: [
        {
          messageId: 'noPods',
          object: 'default/Service/web',
          path: 'spec.selector.version',
          line: 23,
          message: 'no pod template has version=v2; no pod template there has the label version',
        },
      ],
    },
    {
      name: 'no near miss: the values the key has in the namespace are listed',
      yaml: deployment + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api}
        spec:
          selector: {app: payments}
          ports: [{port: 80}]
      `,
      errors: [
        {
          messageId: 'noPods',
          object: 'default/Service/api',
          path: 'spec.selector.app',
          line: 23,
          column: 14,
          message: 'searched namespace default: no pod template has app=payments; values of app there: web',
        },
      ],
    },
  ],
});
