import rule from '../../src/rules/manifest-duplicate.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const configMap = (name: string, namespace?: string) => yaml`
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: ${name}${namespace ? `\n    namespace: ${namespace}` : ''}
  data: {k: v}
`;

ruleTable(rule, {
  valid: [
    {
      name: 'same name, different kinds',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}
      `,
    },
    {
      name: 'same kind and name in different namespaces',
      yaml: configMap('settings') + '---\n' + configMap('settings', 'shop'),
    },
    {
      name: 'Gateway of Istio and Gateway of Gateway API are different kinds',
      yaml: yaml`
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: public}
        spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: public}
        spec: {gatewayClassName: istio, listeners: [{name: http, port: 80, protocol: HTTP}]}
      `,
    },
    {
      name: 'objects named by generateName get fresh names on creation',
      yaml: yaml`
        apiVersion: batch/v1
        kind: Job
        metadata: {generateName: migrate-}
        spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: example/migrate}]}}}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {generateName: migrate-}
        spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: example/migrate}]}}}
      `,
    },
    {
      name: 'nameless objects are manifest-invalid findings, not duplicates',
      yaml: yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata: {labels: {a: b}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {labels: {a: c}}
      `,
    },
    {
      name: 'a configured default namespace keeps unset apart from an explicit other namespace',
      namespace: 'team-a',
      yaml: configMap('settings') + '---\n' + configMap('settings', 'default'),
    },
  ],
  invalid: [
    {
      name: 'declared in two files: the second is reported and names the first',
      files: {
        'base/settings.yaml': configMap('settings', 'shop'),
        'overlay/settings.yaml': configMap('settings', 'shop'),
      },
      errors: [
        {
          messageId: 'duplicate',
          object: 'shop/ConfigMap/settings',
          path: 'metadata.name',
          line: 4,
          column: 3,
          file: 'overlay/settings.yaml',
          level: 'warning',
          message: 'ConfigMap shop/settings is declared again; it was first declared in base/settings.yaml and applying both keeps only the last one',
        },
      ],
    },
    {
      name: 'unset namespace is the default namespace, so it collides with explicit default',
      yaml: configMap('settings') + '---\n' + configMap('settings', 'default'),
      errors: [{ messageId: 'duplicate', object: 'default/ConfigMap/settings', path: 'metadata.name', line: 10, column: 3 }],
    },
    {
      name: 'two API versions of one group are the same object',
      yaml: yaml`
        apiVersion: autoscaling/v1
        kind: HorizontalPodAutoscaler
        metadata: {name: web}
        spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, maxReplicas: 3}
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: web}
        spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, maxReplicas: 5}
      `,
      errors: [{ messageId: 'duplicate', object: 'default/HorizontalPodAutoscaler/web', path: 'metadata.name', line: 8, column: 12 }],
    },
    {
      name: 'cluster-scoped kinds ignore metadata.namespace',
      yaml: yaml`
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: reader, namespace: a}
        rules: []
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: reader, namespace: b}
        rules: []
      `,
      errors: [{ messageId: 'duplicate', object: 'ClusterRole/reader', path: 'metadata.name', line: 8, column: 12, message: 'ClusterRole reader is declared again' }],
    },
    {
      name: 'three declarations: two findings, each naming the first',
      files: {
        'a.yaml': configMap('settings'),
        'b.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } }, null, 2),
        'c.yaml': yaml`
          apiVersion: v1
          kind: List
          items:
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: settings}
        `,
      },
      errors: [
        { messageId: 'duplicate', object: 'default/ConfigMap/settings', path: 'metadata.name', line: 5, column: 5, file: 'b.json', message: 'first declared in a.yaml' },
        { messageId: 'duplicate', object: 'default/ConfigMap/settings', path: 'metadata.name', line: 6, column: 16, file: 'c.yaml', message: 'first declared in a.yaml' },
      ],
    },
  ],
});
