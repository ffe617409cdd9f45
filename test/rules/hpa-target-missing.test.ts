import rule from '../../src/rules/hpa-target-missing.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

/** An apps/v1 `kind` called `name`, optionally in a namespace; 8 lines. */
function workload(kind: string, name: string, namespace?: string): string {
  return yaml`
    apiVersion: apps/v1
    kind: ${kind}
    metadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ''}}
    spec:
      selector: {matchLabels: {app: ${name}}}
      template:
        metadata: {labels: {app: ${name}}}
        spec: {containers: [{name: main, image: example/app}]}
  `;
}

/** An HPA named `name` whose scaleTargetRef is the flow map `ref`; 7 lines. */
function hpa(name: string, ref: string, namespace?: string, apiVersion = 'autoscaling/v2'): string {
  return yaml`
    apiVersion: ${apiVersion}
    kind: HorizontalPodAutoscaler
    metadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ''}}
    spec:
      scaleTargetRef: ${ref}
      minReplicas: 2
      maxReplicas: 10
  `;
}

const rollout = yaml`
  apiVersion: argoproj.io/v1alpha1
  kind: Rollout
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec: {containers: [{name: main, image: example/app}]}
`;

ruleTable(rule, {
  valid: [
    {
      name: 'autoscaling/v2 targets an existing Deployment; unset namespace equals explicit default',
      yaml: workload('Deployment', 'web', 'default') + '---\n' + hpa('web', '{apiVersion: apps/v1, kind: Deployment, name: web}'),
    },
    {
      name: 'autoscaling/v1 targets a StatefulSet',
      yaml: workload('StatefulSet', 'db') + '---\n' + hpa('db', '{apiVersion: apps/v1, kind: StatefulSet, name: db}', undefined, 'autoscaling/v1'),
    },
    {
      name: 'the old extensions/v1beta1 group names the same Deployment',
      yaml: workload('Deployment', 'web') + '---\n' + hpa('web', '{apiVersion: extensions/v1beta1, kind: Deployment, name: web}'),
    },
    {
      name: 'a custom scalable kind the input does not hold may live elsewhere',
      yaml: hpa('web', '{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web}'),
    },
    {
      name: 'a custom scalable kind that the input holds',
      yaml: rollout + '---\n' + hpa('web', '{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web}'),
    },
    {
      name: 'target and autoscaler in separate files, inside a kind: List',
      files: {
        'deploy.yaml': workload('Deployment', 'api', 'shop'),
        'hpa.yaml': yaml`
          apiVersion: v1
          kind: List
          items:
            - apiVersion: autoscaling/v2
              kind: HorizontalPodAutoscaler
              metadata: {name: api, namespace: shop}
              spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}, maxReplicas: 3}
        `,
      },
    },
  ],
  invalid: [
    {
      name: 'Deployment name with a typo: did-you-mean hint (sock-shop cart vs carts)',
      yaml: workload('Deployment', 'carts', 'sock-shop') + '---\n' + hpa('cart', '{apiVersion: apps/v1, kind: Deployment, name: cart}', 'sock-shop'),
      errors: [
        {
          messageId: 'missing',
          object: 'sock-shop/HorizontalPodAutoscaler/cart',
          path: 'spec.scaleTargetRef.name',
          line: 14,
          column: 59,
          level: 'error',
          message: 'scaleTargetRef Deployment cart does not exist in namespace sock-shop; did you mean carts?; the autoscaler cannot scale anything',
        },
      ],
    },
    {
      name: 'a workload of that name exists with another kind',
      yaml: workload('StatefulSet', 'db') + '---\n' + hpa('db', '{apiVersion: apps/v1, kind: Deployment, name: db}'),
      errors: [{ messageId: 'missing', object: 'default/HorizontalPodAutoscaler/db', path: 'spec.scaleTargetRef.name', line: 14, column: 59, message: 'a StatefulSet of that name exists' }],
    },
    {
      name: 'apiVersion that does not serve the kind',
      yaml: workload('Deployment', 'web') + '---\n' + hpa('web', '{apiVersion: v1, kind: Deployment, name: web}'),
      errors: [
        {
          messageId: 'wrongGroup',
          object: 'default/HorizontalPodAutoscaler/web',
          path: 'spec.scaleTargetRef.apiVersion',
          line: 14,
          column: 20,
          message: 'scaleTargetRef apiVersion v1 does not serve Deployment; use apps/v1',
        },
      ],
    },
    {
      name: 'the target is in another namespace (scaleTargetRef is always in the autoscaler namespace)',
      yaml: workload('Deployment', 'web', 'shop') + '---\n' + workload('Deployment', 'worker') + '---\n' + hpa('web', '{apiVersion: apps/v1, kind: Deployment, name: web}'),
      errors: [{ messageId: 'missing', object: 'default/HorizontalPodAutoscaler/web', path: 'spec.scaleTargetRef.name', line: 23, column: 59 }],
    },
    {
      name: 'a custom kind the input holds, but not under that name',
      yaml: rollout + '---\n' + hpa('api', '{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: api}'),
      errors: [{ messageId: 'missing', object: 'default/HorizontalPodAutoscaler/api', path: 'spec.scaleTargetRef.name', line: 14, column: 69, message: 'scaleTargetRef Rollout api does not exist' }],
    },
    {
      name: 'no workloads in the namespace: lowered to note and the message says the input may be partial',
      yaml: hpa('web', '{apiVersion: apps/v1, kind: Deployment, name: web}', 'shop'),
      errors: [
        {
          messageId: 'missing',
          object: 'shop/HorizontalPodAutoscaler/web',
          path: 'spec.scaleTargetRef.name',
          line: 5,
          column: 59,
          level: 'note',
          message: 'the input has no workloads in namespace shop, so the target may be defined elsewhere',
        },
      ],
    },
  ],
});
