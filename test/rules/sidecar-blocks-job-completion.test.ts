import rule from '../../src/rules/sidecar-blocks-job-completion.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const job = (meta: string, command = '["sh", "-c", "run-report"]') => yaml`
  apiVersion: batch/v1
  kind: Job
  metadata: {name: report, namespace: batch}
  spec:
    template:
      metadata: ${meta}
      spec:
        restartPolicy: Never
        containers:
          - name: report
            image: example/report:1
            command: ${command}
`;

const istioNs = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: batch, labels: {istio-injection: enabled}}\n---\n';

ruleTable(rule, {
  valid: [
    { name: 'istio: the job calls quitquitquit', yaml: istioNs + job('{labels: {app: report}}', '["sh", "-c", "run-report; curl -fsS -X POST localhost:15020/quitquitquit"]'), cluster: { kubernetesVersion: '1.30' } },
    { name: 'istio: native sidecar by annotation', yaml: istioNs + job('{annotations: {sidecar.istio.io/nativeSidecar: "true"}}') },
    { name: 'istio: native sidecars on kubelet 1.33 (auto)', yaml: istioNs + job('{labels: {app: report}}'), cluster: { kubernetesVersion: '1.33' } },
    { name: 'istio: the job opts out of injection', yaml: istioNs + job('{labels: {sidecar.istio.io/inject: "false"}}') },
    { name: 'no mesh', yaml: job('{labels: {app: report}}') },
    { name: 'linkerd: linkerd-await --shutdown', yaml: job('{annotations: {linkerd.io/inject: enabled}}', '["linkerd-await", "--shutdown", "--", "run-report"]'), cluster: { linkerd: { version: '2.18' } } },
    { name: 'linkerd: 2.20 uses native sidecars by default', yaml: job('{annotations: {linkerd.io/inject: enabled}}'), cluster: { linkerd: { version: '2.20.1' } } },
    { name: 'consul: graceful_shutdown', yaml: job('{annotations: {consul.hashicorp.com/connect-inject: "true"}}', '["sh", "-c", "run-report; curl -X POST http://127.0.0.1:20600/graceful_shutdown"]') },
    { name: 'kuma: native sidecars declared', yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: batch, labels: {kuma.io/sidecar-injection: enabled}}\n---\n' + job('{labels: {app: report}}'), cluster: { kuma: { nativeSidecar: true } } },
    {
      name: 'a Deployment is not a Job',
      yaml: istioNs + yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: batch}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
      `,
      cluster: { kubernetesVersion: '1.30' },
    },
  ],
  invalid: [
    {
      name: 'istio: classic sidecar on kubelet 1.30',
      yaml: istioNs + job('{labels: {app: report}}'),
      cluster: { kubernetesVersion: '1.30' },
      errors: [{ messageId: 'blocks', object: 'batch/Job/report', path: 'spec.template.spec.containers[0]', line: 14, level: 'warning', message: ['label istio-injection=enabled on Namespace batch', 'cluster.kubernetesVersion is 1.30', 'when report exits'] }],
    },
    {
      name: 'istio: kubelet version unknown (note)',
      yaml: istioNs + job('{labels: {app: report}}'),
      errors: [{ messageId: 'mayBlock', object: 'batch/Job/report', path: 'spec.template.spec.containers[0]', line: 14, level: 'note', message: 'cluster.kubernetesVersion does not declare' }],
    },
    {
      name: 'istio: a CronJob with native sidecars turned off by annotation',
      yaml: istioNs + yaml`
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly, namespace: batch}
        spec:
          schedule: "0 2 * * *"
          jobTemplate:
            spec:
              template:
                metadata: {annotations: {sidecar.istio.io/nativeSidecar: "false"}}
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: nightly, image: example/nightly:1}]
      `,
      errors: [{ messageId: 'blocks', object: 'batch/CronJob/nightly', path: 'spec.jobTemplate.spec.template.spec.containers[0]', line: 16, message: 'pod annotation sidecar.istio.io/nativeSidecar=false' }],
    },
    {
      name: 'linkerd: 2.18 without native sidecars',
      yaml: job('{annotations: {linkerd.io/inject: enabled}}'),
      cluster: { linkerd: { version: 'stable-2.18.2' } },
      errors: [{ messageId: 'blocks', object: 'batch/Job/report', path: 'spec.template.spec.containers[0]', line: 10, message: 'Linkerd stable-2.18.2 does not enable native sidecars' }],
    },
    {
      name: 'consul: consul-dataplane is a regular container',
      yaml: job('{annotations: {consul.hashicorp.com/connect-inject: "true"}}'),
      errors: [{ messageId: 'blocks', object: 'batch/Job/report', path: 'spec.template.spec.containers[0]', line: 10, level: 'warning', message: 'consul-k8s injects consul-dataplane as a regular container' }],
    },
    {
      name: 'kuma: native sidecars not declared (note)',
      yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: batch, labels: {kuma.io/sidecar-injection: enabled}}\n---\n' + job('{labels: {app: report}}'),
      errors: [{ messageId: 'blocks', object: 'batch/Job/report', path: 'spec.template.spec.containers[0]', line: 14, level: 'note', message: 'cluster.kuma.nativeSidecar not declared' }],
    },
  ],
});
