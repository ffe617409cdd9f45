import rule from '../../src/rules/pdb-selector-matches-nothing.js';
import { deployment } from '../helpers/fixtures.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const web = deployment('web', '{app: web, tier: front}');

ruleTable(rule, {
  valid: [
    {
      name: 'matchLabels select the Deployment pods; unset namespace equals explicit default',
      yaml: web + yaml`
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web, namespace: default}
        spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
      `,
    },
    {
      name: 'policy/v1 empty selector {} selects every pod in the namespace',
      yaml: yaml`
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: all}
        spec: {maxUnavailable: 1, selector: {}}
      `,
    },
    {
      name: 'NotIn matches pods without the key; In with several values',
      yaml: web + yaml`
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: front}
        spec:
          maxUnavailable: 1
          selector:
            matchExpressions:
              - {key: track, operator: NotIn, values: [canary]}
              - {key: tier, operator: In, values: [front, edge]}
      `,
    },
    {
      name: 'StatefulSet pods with a runtime pod-name label',
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
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: db-0}
        spec: {maxUnavailable: 0, selector: {matchLabels: {app: db, statefulset.kubernetes.io/pod-name: db-0}}}
      `,
    },
    {
      name: 'pods created by an operator custom resource whose labels satisfy the selector',
      yaml: yaml`
        apiVersion: monitoring.coreos.com/v1
        kind: Alertmanager
        metadata:
          name: main
          namespace: monitoring
          labels: {app.kubernetes.io/name: alertmanager}
        spec: {replicas: 3}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: alertmanager-main, namespace: monitoring}
        spec: {maxUnavailable: 1, selector: {matchLabels: {app.kubernetes.io/name: alertmanager}}}
      `,
    },
    {
      name: 'policy/v1beta1 with a selector that matches',
      yaml: web + yaml`
        ---
        apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata: {name: web}
        spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
      `,
    },
  ],
  invalid: [
    {
      name: 'label value differs from every template',
      yaml: web + yaml`
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web}
        spec:
          minAvailable: 1
          selector:
            matchLabels:
              app: frontend
      `,
      errors: [
        {
          messageId: 'noPods',
          object: 'default/PodDisruptionBudget/web',
          path: 'spec.selector.matchLabels.app',
          line: 18,
          column: 7,
          level: 'warning',
          message: ['selector app=frontend selects no pods, so this budget protects nothing', 'searched namespace default', 'values of app there: web'],
        },
      ],
    },
    {
      name: 'the nearest candidate and the failing label are named',
      yaml: web + yaml`
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web}
        spec:
          minAvailable: 1
          selector:
            matchLabels: {app: web, tier: frnt}
      `,
      errors: [
        {
          messageId: 'noPods',
          object: 'default/PodDisruptionBudget/web',
          path: 'spec.selector.matchLabels.tier',
          line: 17,
          column: 29,
          message: 'the nearest candidate, Deployment web, wants tier=frnt but has tier=front',
        },
      ],
    },
    {
      name: 'policy/v1 without a selector: null selects no pods',
      yaml: web + yaml`
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web}
        spec:
          maxUnavailable: 1
      `,
      errors: [{ messageId: 'noSelector', object: 'default/PodDisruptionBudget/web', path: 'spec', line: 14, column: 1, level: 'warning' }],
    },
    {
      name: 'policy/v1beta1 empty selector {} selects no pods (unlike policy/v1)',
      yaml: web + yaml`
        ---
        apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata: {name: all}
        spec:
          maxUnavailable: 1
          selector: {}
      `,
      errors: [{ messageId: 'emptyBeta', object: 'default/PodDisruptionBudget/all', path: 'spec.selector', line: 16, column: 3, data: { how: 'empty' } }],
    },
    {
      name: 'policy/v1beta1 without a selector',
      yaml: yaml`
        apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata: {name: all}
        spec: {maxUnavailable: 1}
      `,
      errors: [{ messageId: 'emptyBeta', object: 'default/PodDisruptionBudget/all', path: 'spec', line: 4, column: 1, data: { how: 'absent' } }],
    },
    {
      name: 'PDB in a namespace without workloads in the input: lowered to note',
      yaml: deployment('web', '{app: web}', 'shop') + yaml`
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web, namespace: checkout}
        spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
      `,
      errors: [
        {
          messageId: 'noPods',
          object: 'checkout/PodDisruptionBudget/web',
          path: 'spec.selector',
          line: 15,
          column: 25,
          level: 'note',
          message: 'the input has no workloads in namespace checkout (only in other namespaces), so the pods may be defined elsewhere',
        },
      ],
    },
    {
      name: 'PDB inside a kind: List',
      yaml: yaml`
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Pod
            metadata: {name: web, labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
          - apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: api}
            spec:
              maxUnavailable: 1
              selector:
                matchExpressions: [{key: app, operator: In, values: [api]}]
      `,
      errors: [{ messageId: 'noPods', object: 'default/PodDisruptionBudget/api', path: 'spec.selector.matchExpressions[0]', line: 14, column: 28 }],
    },
  ],
});
