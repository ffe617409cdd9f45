import rule from '../../src/rules/workload-selector-mismatch.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

/** apps/v1 `kind` named `name` with a flow selector and flow template labels; 8 lines, optional namespace. */
function workload(kind: string, name: string, selector: string, labels: string, namespace?: string): string {
  return yaml`
    apiVersion: apps/v1
    kind: ${kind}
    metadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ''}}
    spec:
      selector: ${selector}
      template:
        metadata: {labels: ${labels}}
        spec: {containers: [{name: main, image: example/app}]}
  `;
}

ruleTable(rule, {
  valid: [
    {
      name: 'matchLabels is a subset of the template labels',
      yaml: workload('Deployment', 'web', '{matchLabels: {app: web}}', '{app: web, version: v1}'),
    },
    {
      name: 'NotIn also matches a template without the key; Exists and In hold',
      yaml: workload(
        'StatefulSet',
        'db',
        '{matchExpressions: [{key: tier, operator: NotIn, values: [cache]}, {key: app, operator: Exists}, {key: role, operator: In, values: [primary, replica]}]}',
        '{app: db, role: primary}',
      ),
    },
    {
      name: 'DoesNotExist holds when the template lacks the key',
      yaml: workload('DaemonSet', 'agent', '{matchLabels: {app: agent}, matchExpressions: [{key: canary, operator: DoesNotExist}]}', '{app: agent}'),
    },
    {
      name: 'extensions/v1beta1 Deployment without a selector defaults it from the template',
      yaml: yaml`
        apiVersion: extensions/v1beta1
        kind: Deployment
        metadata: {name: old}
        spec:
          template:
            metadata: {labels: {app: old}}
            spec: {containers: [{name: main, image: example/app}]}
      `,
    },
    {
      name: 'ReplicationController without a selector defaults it from the template',
      yaml: yaml`
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: rc}
        spec:
          template:
            metadata: {labels: {app: rc}}
            spec: {containers: [{name: main, image: example/app}]}
      `,
    },
    {
      name: 'Job selector is generated unless manualSelector is true',
      yaml: yaml`
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate}
        spec:
          selector: {matchLabels: {app: something-else}}
          template:
            metadata: {labels: {app: migrate}}
            spec: {restartPolicy: Never, containers: [{name: main, image: example/app}]}
      `,
    },
    {
      name: 'same selector in different namespaces is no overlap',
      yaml: workload('Deployment', 'web', '{matchLabels: {app: web}}', '{app: web}') + '---\n' + workload('Deployment', 'web', '{matchLabels: {app: web}}', '{app: web}', 'staging'),
    },
    {
      name: 'a Deployment and the ReplicaSet it owns (cluster dump with ownerReferences)',
      yaml: workload('Deployment', 'web', '{matchLabels: {app: web}}', '{app: web}') + yaml`
        ---
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: web-5d8f7c
          ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: 1, controller: true}]
        spec:
          selector: {matchLabels: {app: web, pod-template-hash: 5d8f7c}}
          template:
            metadata: {labels: {app: web, pod-template-hash: 5d8f7c}}
            spec: {containers: [{name: main, image: example/app}]}
      `,
    },
    {
      name: 'two ReplicaSets differing only in pod-template-hash do not overlap',
      yaml:
        workload('ReplicaSet', 'web-aaa', '{matchLabels: {app: web, pod-template-hash: aaa}}', '{app: web, pod-template-hash: aaa}') +
        '---\n' +
        workload('ReplicaSet', 'web-bbb', '{matchLabels: {app: web, pod-template-hash: bbb}}', '{app: web, pod-template-hash: bbb}'),
    },
    {
      name: 'the same Deployment declared twice is manifest-duplicate business, not an overlap',
      files: {
        'base/web.yaml': workload('Deployment', 'web', '{matchLabels: {app: web}}', '{app: web}'),
        'overlay/web.yaml': workload('Deployment', 'web', '{matchLabels: {app: web}}', '{app: web, tracing: on}'),
      },
    },
    {
      name: 'a Job or CronJob whose pods carry the same labels is not a competing controller',
      yaml: workload('Deployment', 'web', '{matchLabels: {app: web}}', '{app: web}') + yaml`
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: web-cleanup}
        spec:
          schedule: '@hourly'
          jobTemplate:
            spec:
              template:
                metadata: {labels: {app: web}}
                spec: {restartPolicy: Never, containers: [{name: main, image: example/app}]}
      `,
    },
    {
      name: 'a bare Pod with matching labels is not adopted by a Deployment (its ReplicaSets add pod-template-hash)',
      yaml: workload('Deployment', 'web', '{matchLabels: {app: web}}', '{app: web}') + yaml`
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: debug, labels: {app: web}}
        spec: {containers: [{name: main, image: busybox}]}
      `,
    },
  ],
  invalid: [
    {
      name: 'apps/v1 Deployment without a selector',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 2
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: main, image: example/app}]}
      `,
      errors: [
        { messageId: 'missing', object: 'default/Deployment/web', path: 'spec', line: 4, column: 1, level: 'error', message: 'Deployment has no spec.selector' },
      ],
    },
    {
      name: 'empty selector on an apps/v1 kind is rejected (it would select every pod)',
      yaml: workload('StatefulSet', 'db', '{}', '{app: db}'),
      errors: [{ messageId: 'empty', object: 'default/StatefulSet/db', path: 'spec.selector', line: 5, column: 3, level: 'error', data: { kind: 'StatefulSet' } }],
    },
    {
      name: 'matchLabels value differs from the template label',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: checkout
        spec:
          selector:
            matchLabels:
              app: checkout
          template:
            metadata:
              labels:
                app: check-out
            spec:
              containers:
                - name: checkout
                  image: example/checkout
      `,
      errors: [
        {
          messageId: 'mismatch',
          object: 'default/Deployment/checkout',
          path: 'spec.selector.matchLabels.app',
          line: 8,
          column: 7,
          level: 'error',
          message: 'it wants app=checkout but the template has app=check-out; the API server rejects this Deployment',
        },
      ],
    },
    {
      name: 'matchExpressions In not satisfied: path is the expression',
      yaml: workload('DaemonSet', 'agent', '{matchExpressions: [{key: app, operator: In, values: [agent]}, {key: tier, operator: In, values: [node]}]}', '{app: agent}'),
      errors: [
        {
          messageId: 'mismatch',
          object: 'default/DaemonSet/agent',
          path: 'spec.selector.matchExpressions[1]',
          line: 5,
          column: 76,
          message: 'wants tier=node but the template has no label tier',
        },
      ],
    },
    {
      name: 'DoesNotExist fails when the template has the key',
      yaml: workload('Deployment', 'web', '{matchLabels: {app: web}, matchExpressions: [{key: canary, operator: DoesNotExist}]}', '{app: web, canary: "true"}'),
      errors: [{ messageId: 'mismatch', object: 'default/Deployment/web', path: 'spec.selector.matchExpressions[0]', line: 5, column: 58, message: 'wants !canary but the template has canary=true' }],
    },
    {
      name: 'ReplicationController equality selector that misses its template',
      yaml: yaml`
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: rc}
        spec:
          selector: {app: rc, tier: web}
          template:
            metadata: {labels: {app: rc}}
            spec: {containers: [{name: main, image: example/app}]}
      `,
      errors: [{ messageId: 'mismatch', object: 'default/ReplicationController/rc', path: 'spec.selector.tier', line: 5, column: 23, message: 'wants tier=web' }],
    },
    {
      name: 'Job with manualSelector whose selector misses the template',
      yaml: yaml`
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate, namespace: ops}
        spec:
          manualSelector: true
          selector: {matchLabels: {job: migrate-v2}}
          template:
            metadata: {labels: {job: migrate}}
            spec: {restartPolicy: Never, containers: [{name: main, image: example/app}]}
      `,
      errors: [{ messageId: 'mismatch', object: 'ops/Job/migrate', path: 'spec.selector.matchLabels.job', line: 6, column: 28, message: 'wants job=migrate-v2 but the template has job=migrate' }],
    },
    {
      name: 'two Deployments with the same selector: one warning, on the first; unset namespace equals explicit default',
      yaml:
        workload('Deployment', 'web', '{matchLabels: {app: web}}', '{app: web, version: v1}') +
        '---\n' +
        workload('Deployment', 'web-canary', '{matchLabels: {app: web, version: v2}}', '{app: web, version: v2}', 'default'),
      errors: [
        {
          messageId: 'overlap',
          object: 'default/Deployment/web',
          path: 'spec.selector',
          line: 5,
          column: 3,
          level: 'warning',
          message: 'selector app=web also selects the pods of Deployment web-canary',
        },
      ],
    },
    {
      name: 'a StatefulSet adopts a bare Pod that matches its selector',
      yaml: workload('StatefulSet', 'db', '{matchLabels: {app: db}}', '{app: db}') + yaml`
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: db-debug, labels: {app: db, debug: "true"}}
        spec: {containers: [{name: main, image: busybox}]}
      `,
      errors: [
        {
          messageId: 'adopts',
          object: 'default/StatefulSet/db',
          path: 'spec.selector',
          line: 5,
          column: 3,
          level: 'warning',
          message: 'also selects Pod db-debug, which no controller owns; this StatefulSet will adopt it',
        },
      ],
    },
    {
      name: 'mismatch inside a kind: List (path relative to the item, absolute line)',
      yaml: yaml`
        apiVersion: v1
        kind: List
        items:
          - apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: frontend}}
                spec: {containers: [{name: main, image: example/app}]}
      `,
      errors: [{ messageId: 'mismatch', object: 'shop/Deployment/web', path: 'spec.selector.matchLabels.app', line: 8, column: 32 }],
    },
  ],
});
