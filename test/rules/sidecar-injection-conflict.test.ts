import rule from '../../src/rules/sidecar-injection-conflict.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const namespace = (labels: string, annotations = '{}') => yaml`
  apiVersion: v1
  kind: Namespace
  metadata:
    name: shop
    labels: ${labels}
    annotations: ${annotations}
  ---
`;

const web = (labels: string, annotations = '{}') => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata:
        labels: ${labels}
        annotations: ${annotations}
      spec:
        containers: [{name: web, image: nginx}]
`;

ruleTable(rule, {
  valid: [
    { name: 'istio: one namespace label, pods follow it', yaml: namespace('{istio-injection: enabled}') + web('{app: web}') },
    { name: 'istio: a pod opting out of an enabled namespace is not a contradiction', yaml: namespace('{istio-injection: enabled}') + web('{app: web, sidecar.istio.io/inject: "false"}') },
    { name: 'istio: revision label alone', yaml: namespace('{istio.io/rev: canary}') + web('{app: web}') },
    { name: 'istio ambient: a pod opting out with dataplane-mode none', yaml: namespace('{istio.io/dataplane-mode: ambient}') + web('{app: web, istio.io/dataplane-mode: none}') },
    { name: 'linkerd: pod opts in where the namespace says nothing', yaml: namespace('{}') + web('{app: web}', '{linkerd.io/inject: enabled}') },
    { name: 'kuma: pod label in an enabled namespace', yaml: namespace('{kuma.io/sidecar-injection: enabled}') + web('{app: web, kuma.io/sidecar-injection: enabled}') },
  ],
  invalid: [
    {
      name: 'istio: istio-injection and istio.io/rev on one namespace (IST0123)',
      yaml: namespace('{istio-injection: enabled, istio.io/rev: canary}') + web('{app: web}'),
      errors: [{ messageId: 'nsLegacyAndRevision', object: 'Namespace/shop', path: 'metadata.labels["istio.io/rev"]', line: 5, message: 'pods get the default revision, not canary' }],
    },
    {
      name: 'istio: sidecar and ambient on one namespace',
      yaml: namespace('{istio-injection: enabled, istio.io/dataplane-mode: ambient}') + web('{app: web}'),
      errors: [{ messageId: 'nsSidecarAndAmbient', object: 'Namespace/shop', path: 'metadata.labels["istio.io/dataplane-mode"]', line: 5 }],
    },
    {
      name: 'istio: namespace disabled, pod label true',
      yaml: namespace('{istio-injection: disabled}') + web('{app: web, sidecar.istio.io/inject: "true"}'),
      errors: [
        {
          messageId: 'podOverridden',
          object: 'shop/Deployment/web',
          path: 'spec.template.metadata.labels["sidecar.istio.io/inject"]',
          line: 15,
          message: ['cannot opt in while the namespace has istio-injection=disabled', 'label istio-injection=disabled on Namespace shop decides', 'the pod gets no proxy'],
        },
      ],
    },
    {
      name: 'istio: pod revision label under a namespace revision',
      yaml: namespace('{istio.io/rev: stable}') + web('{app: web, istio.io/rev: canary}'),
      errors: [{ messageId: 'podOverridden', object: 'shop/Deployment/web', path: 'spec.template.metadata.labels["istio.io/rev"]', line: 15, message: 'ignored because the namespace selects revision stable' }],
    },
    {
      name: 'istio: label and annotation disagree',
      yaml: namespace('{istio-injection: enabled}') + web('{app: web, sidecar.istio.io/inject: "false"}', '{sidecar.istio.io/inject: "true"}'),
      errors: [{ messageId: 'podOverridden', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["sidecar.istio.io/inject"]', line: 16, message: 'ignored because the label says false' }],
    },
    {
      name: 'istio: pod asks for ambient in a sidecar namespace',
      yaml: namespace('{istio-injection: enabled}') + web('{app: web, istio.io/dataplane-mode: ambient}'),
      errors: [{ messageId: 'podOverridden', object: 'shop/Deployment/web', path: 'spec.template.metadata.labels["istio.io/dataplane-mode"]', line: 15, message: 'sidecar injection takes precedence' }],
    },
    {
      name: 'linkerd: namespace disabled, pod enabled (the pod wins)',
      yaml: namespace('{}', '{linkerd.io/inject: disabled}') + web('{app: web}', '{linkerd.io/inject: enabled}'),
      errors: [{ messageId: 'podOverridesNamespace', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["linkerd.io/inject"]', line: 16, level: 'note' }],
    },
    {
      name: 'kuma: namespace disabled, pod enabled (the pod wins)',
      yaml: namespace('{kuma.io/sidecar-injection: disabled}') + web('{app: web, kuma.io/sidecar-injection: enabled}'),
      errors: [{ messageId: 'podOverridesNamespace', object: 'shop/Deployment/web', path: 'spec.template.metadata.labels["kuma.io/sidecar-injection"]', line: 15, level: 'note', message: 'Kuma lets the pod win' }],
    },
    {
      name: 'two meshes on one namespace',
      yaml: namespace('{kuma.io/sidecar-injection: enabled}', '{linkerd.io/inject: enabled}') + web('{app: web}'),
      errors: [
        { messageId: 'nsSeveralMeshes', object: 'Namespace/shop', path: 'metadata.labels["kuma.io/sidecar-injection"]', line: 5, message: 'Linkerd linkerd.io/inject=enabled, Kuma kuma.io/sidecar-injection=enabled' },
        { messageId: 'severalMeshes', object: 'shop/Deployment/web', path: 'spec.template.metadata', line: 14, message: 'injected by Linkerd' },
      ],
    },
    {
      name: 'two meshes on one workload',
      yaml: namespace('{istio-injection: enabled}') + web('{app: web}', '{consul.hashicorp.com/connect-inject: "true"}'),
      errors: [{ messageId: 'severalMeshes', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["consul.hashicorp.com/connect-inject"]', line: 16, message: ['injected by Istio (label istio-injection=enabled on Namespace shop)', 'and by Consul'] }],
    },
  ],
});
