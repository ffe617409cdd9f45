import rule from '../../src/rules/manifest-invalid.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

ruleTable(rule, {
  valid: [
    {
      name: 'a well-formed Deployment and Service (int-or-string ports, quantities, null creationTimestamp)',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, creationTimestamp: null}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
                - name: web
                  image: nginx:1.27
                  ports: [{name: http, containerPort: 8080}]
                  resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 0.5, memory: 1.5Gi}}
        status: {}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}, {name: alt, port: 81, targetPort: 8081}]}
      `,
    },
    {
      name: 'fields added after the schema release are known (Service trafficDistribution)',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {trafficDistribution: PreferClose, ports: [{port: 80}]}
      `,
    },
    {
      name: 'custom resources and tool files are not validated against a schema',
      files: {
        'widget.yaml': yaml`
          apiVersion: example.com/v1
          kind: Widget
          metadata: {name: w}
          spec: {anything: [1, 2, {deep: true}]}
        `,
        'kustomization.yaml': yaml`
          apiVersion: kustomize.config.k8s.io/v1beta1
          kind: Kustomization
          resources: [widget.yaml]
        `,
        'values.yaml': 'replicaCount: 2\nimage: {repository: nginx}\n',
      },
    },
    {
      name: 'a List of valid objects',
      yaml: yaml`
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            data: {k: v}
      `,
    },
  ],
  invalid: [
    {
      name: 'wrong types, a missing required field and an unknown field, each at its own key',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replica: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web, version: 1}}
            spec:
              containers:
                - image: nginx
                  env: [{name: PORT, value: 8080}]
      `,
      errors: [
        {
          messageId: 'schema',
          object: 'default/Deployment/web',
          path: 'spec.replica',
          line: 5,
          column: 3,
          level: 'error',
          message: 'unknown field "spec.replica" (schema of apps/v1 Deployment)',
        },
        { messageId: 'schema', object: 'default/Deployment/web', path: 'spec.template.metadata.labels.version', line: 8, column: 35, message: 'must be string, got number 1' },
        { messageId: 'schema', object: 'default/Deployment/web', path: 'spec.template.spec.containers[0]', line: 11, column: 11, message: 'is missing required field "name"' },
        { messageId: 'schema', object: 'default/Deployment/web', path: 'spec.template.spec.containers[0].env[0].value', line: 12, column: 30, message: 'must be string, got number 8080' },
      ],
    },
    {
      name: 'enum value outside the allowed set',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: Nodeport
          ports: [{port: 80}]
      `,
      errors: [{ messageId: 'schema', object: 'default/Service/web', path: 'spec.type', line: 5, column: 3, message: 'must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort", got string "Nodeport"' }],
    },
    {
      name: 'documents that are not objects, and objects that cannot be identified, across files; the run continues',
      files: {
        'a-scalar.yaml': 'just a sentence\n',
        'b-list.yaml': '- apiVersion: v1\n  kind: ConfigMap\n',
        'c-no-kind.yaml': yaml`
          apiVersion: v1
          metadata: {name: c}
          data: {k: v}
        `,
        'd-no-apiversion.json': '{\n  "kind": "ConfigMap",\n  "metadata": {"name": "d"}\n}\n',
        'e-no-name.yaml': yaml`
          apiVersion: v1
          kind: ConfigMap
          metadata: {labels: {app: e}}
        `,
        'f-bad-type.yaml': yaml`
          apiVersion: v1
          kind: Service
          metadata: {name: f}
          spec: {ports: [{port: "eighty"}]}
        `,
      },
      errors: [
        { messageId: 'problem', object: null, path: '', line: 1, column: 1, file: 'a-scalar.yaml', message: 'document is a string, not a Kubernetes object' },
        { messageId: 'problem', object: null, path: '', line: 1, column: 1, file: 'b-list.yaml', message: 'document is a list, not a Kubernetes object' },
        { messageId: 'problem', object: null, path: 'apiVersion', line: 1, column: 1, file: 'c-no-kind.yaml', message: 'object has no kind (it has apiVersion); it cannot be identified' },
        { messageId: 'problem', object: null, path: 'kind', line: 2, column: 3, file: 'd-no-apiversion.json', message: 'object has no apiVersion (it has kind); it cannot be identified' },
        { messageId: 'problem', object: 'ConfigMap/', path: 'metadata', line: 3, column: 1, file: 'e-no-name.yaml', message: 'ConfigMap has no metadata.name' },
        { messageId: 'schema', object: 'default/Service/f', path: 'spec.ports[0].port', line: 4, column: 17, file: 'f-bad-type.yaml', message: 'must be integer, got string "eighty"' },
      ],
    },
    {
      name: 'a List item that is not an object, and a schema error inside a List item',
      yaml: yaml`
        apiVersion: v1
        kind: List
        items:
          - hello
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            data: {count: 3}
      `,
      errors: [
        { messageId: 'problem', object: null, path: '', line: 4, column: 5, message: 'item 0 of the List is not an object' },
        { messageId: 'schema', object: 'default/ConfigMap/a', path: 'data.count', line: 8, column: 12, message: 'data.count must be string, got number 3' },
      ],
    },
  ],
});
