/** Small manifests shared by the rule tables. Each states how many lines it produces, for line expectations. */
import { yaml } from './rule-tester.js';

/**
 * An apps/v1 Deployment whose selector and template labels are both `labels` (a flow map such as `{app: web}`),
 * with one container. 9 lines; 10 when `namespace` is given.
 */
export function deployment(name: string, labels: string, namespace?: string): string {
  return yaml`
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: ${name}${namespace ? `\n      namespace: ${namespace}` : ''}
    spec:
      selector: {matchLabels: ${labels}}
      template:
        metadata: {labels: ${labels}}
        spec: {containers: [{name: main, image: example/app}]}
  `;
}
