import rule from '../../src/rules/sidecar-not-injected.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const web = (meta: string, spec = '') => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: ${meta}
      spec:${spec}
        containers: [{name: web, image: nginx}]
`;

const plainNs = yaml`
  apiVersion: v1
  kind: Namespace
  metadata: {name: shop}
  ---
`;

const istioNs = yaml`
  apiVersion: v1
  kind: Namespace
  metadata: {name: shop, labels: {istio-injection: enabled}}
  ---
`;

const linkerdNs = yaml`
  apiVersion: v1
  kind: Namespace
  metadata: {name: shop, annotations: {linkerd.io/inject: enabled}}
  ---
`;

const twoVersions = (v2labels: string) => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web-v1, namespace: shop}
  spec:
    selector: {matchLabels: {app: web, version: v1}}
    template:
      metadata: {labels: {app: web, version: v1}}
      spec: {containers: [{name: web, image: nginx}]}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web-v2, namespace: shop}
  spec:
    selector: {matchLabels: {app: web, version: v2}}
    template:
      metadata: {labels: ${v2labels}}
      spec: {containers: [{name: web, image: nginx}]}
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec: {selector: {app: web}, ports: [{port: 80}]}
`;

ruleTable(rule, {
  valid: [
    { name: 'istio: injected by the namespace label', yaml: istioNs + web('{labels: {app: web}}') },
    { name: 'istio: a deliberate opt-out with nothing else expecting a proxy', yaml: istioNs + web('{labels: {app: web, sidecar.istio.io/inject: "false"}}') },
    { name: 'no mesh marker anywhere', yaml: plainNs + web('{labels: {app: web}}', '\n        hostNetwork: true') },
    { name: 'linkerd: a deliberate opt-out', yaml: linkerdNs + web('{labels: {app: web}, annotations: {linkerd.io/inject: disabled}}') },
    { name: 'kuma: namespace disabled', yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {kuma.io/sidecar-injection: disabled}}\n---\n' + web('{labels: {app: web}}') },
    { name: 'consul: pods opt in and this one does not, and nothing expects it', yaml: web('{labels: {app: web}}') + '---\napiVersion: consul.hashicorp.com/v1alpha1\nkind: ServiceDefaults\nmetadata: {name: other, namespace: shop}\nspec: {protocol: http}\n' },
    { name: 'istio: both versions behind the Service are meshed', yaml: istioNs + twoVersions('{app: web, version: v2}') },
    {
      name: 'another definition of the same workload (a DaemonSet variant of Deployment web) is not a sibling',
      yaml: istioNs + web('{labels: {app: web}}') + yaml`
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web, sidecar.istio.io/inject: "false"}}
            spec: {containers: [{name: web, image: nginx}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {selector: {app: web}, ports: [{port: 80}]}
      `,
    },
    {
      name: 'istio: an Istio Gateway selecting its own (proxy) pods',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ingress, namespace: shop}
        spec:
          selector: {matchLabels: {istio: ingressgateway}}
          template:
            metadata: {labels: {istio: ingressgateway}}
            spec: {containers: [{name: istio-proxy, image: docker.io/istio/proxyv2}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: shop}
        spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}]}
      `,
    },
  ],
  invalid: [
    {
      name: 'istio: an annotation cannot opt a pod in where the namespace has no label',
      yaml: plainNs + web('{labels: {app: web}, annotations: {sidecar.istio.io/inject: "true"}}'),
      errors: [
        {
          messageId: 'markerDefeated',
          object: 'shop/Deployment/web',
          path: 'spec.template.metadata.annotations["sidecar.istio.io/inject"]',
          line: 11,
          level: 'warning',
          message: ["the webhook's object selector reads labels only", 'namespace shop has no istio-injection or istio.io/rev label'],
        },
      ],
    },
    {
      name: 'istio: the same, in a namespace the input does not describe (note, says what was assumed)',
      yaml: web('{labels: {app: web}, annotations: {sidecar.istio.io/inject: "true"}}'),
      errors: [
        { messageId: 'markerDefeated', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["sidecar.istio.io/inject"]', line: 7, level: 'note', message: 'is assumed to have no istio-injection' },
      ],
    },
    {
      name: 'istio: namespace labels declared in cluster facts make it certain',
      yaml: web('{labels: {app: web}, annotations: {sidecar.istio.io/inject: "true"}}'),
      cluster: { namespaces: { shop: { labels: { team: 'a' } } } },
      errors: [{ messageId: 'markerDefeated', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["sidecar.istio.io/inject"]', line: 7, level: 'warning' }],
    },
    {
      name: 'istio: hostNetwork in an injected namespace',
      yaml: istioNs + web('{labels: {app: web}}', '\n        hostNetwork: true'),
      errors: [{ messageId: 'markerDefeated', object: 'shop/Deployment/web', path: 'spec.template.spec.hostNetwork', line: 13, message: 'Istio never injects host-network pods' }],
    },
    {
      name: 'istio: istio-injection=true matches no webhook',
      yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: "true"}}\n---\n' + web('{labels: {app: web}}'),
      errors: [{ messageId: 'markerDefeated', object: 'shop/Deployment/web', path: 'spec.template.metadata', line: 11, message: 'only "enabled" does' }],
    },
    {
      name: 'istio: one version behind the Service opts out',
      yaml: istioNs + twoVersions('{app: web, version: v2, sidecar.istio.io/inject: "false"}'),
      errors: [
        {
          messageId: 'bySiblings',
          object: 'shop/Deployment/web-v2',
          path: 'spec.template.metadata.labels["sidecar.istio.io/inject"]',
          line: 20,
          message: ['Service shop/web also sends traffic to Istio-meshed pods of Deployment shop/web-v1', 'pod label sidecar.istio.io/inject=false'],
        },
      ],
    },
    {
      name: 'istio: an AuthorizationPolicy selects an opted-out workload',
      yaml: istioNs + web('{labels: {app: web, sidecar.istio.io/inject: "false"}}') + yaml`
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: web-allow, namespace: shop}
        spec: {selector: {matchLabels: {app: web}}, rules: [{from: [{source: {namespaces: [shop]}}]}]}
      `,
      errors: [{ messageId: 'byPolicy', object: 'shop/Deployment/web', path: 'spec.template.metadata.labels["sidecar.istio.io/inject"]', line: 11, message: 'AuthorizationPolicy shop/web-allow selects it' }],
    },
    {
      name: 'linkerd: an invalid annotation value',
      yaml: linkerdNs + web('{labels: {app: web}, annotations: {linkerd.io/inject: "true"}}'),
      errors: [{ messageId: 'markerDefeated', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["linkerd.io/inject"]', line: 11, message: 'is not a valid value' }],
    },
    {
      name: 'linkerd: a Server selects pods that opted out',
      yaml: linkerdNs + web('{labels: {app: web}, annotations: {linkerd.io/inject: disabled}}') + yaml`
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web-http, namespace: shop}
        spec: {podSelector: {matchLabels: {app: web}}, port: 4191}
      `,
      errors: [{ messageId: 'byPolicy', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["linkerd.io/inject"]', line: 11, message: 'Server shop/web-http selects it' }],
    },
    {
      name: 'kuma: a pod label without the namespace label',
      yaml: plainNs + web('{labels: {app: web, kuma.io/sidecar-injection: enabled}}'),
      errors: [{ messageId: 'markerDefeated', object: 'shop/Deployment/web', path: 'spec.template.metadata.labels["kuma.io/sidecar-injection"]', line: 11, message: 'which the pod webhook requires' }],
    },
    {
      name: 'consul: a value that is not a boolean makes the webhook reject the pod',
      yaml: web('{labels: {app: web}, annotations: {consul.hashicorp.com/connect-inject: enabled}}'),
      errors: [{ messageId: 'rejected', object: 'shop/Deployment/web', path: 'spec.template.metadata.annotations["consul.hashicorp.com/connect-inject"]', line: 7 }],
    },
    {
      name: 'consul: ServiceIntentions for a service whose pods are not injected',
      yaml: web('{labels: {app: web}}') + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {selector: {app: web}, ports: [{port: 80}]}
        ---
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceIntentions
        metadata: {name: web, namespace: shop}
        spec: {destination: {name: web}, sources: [{name: frontend, action: allow}]}
      `,
      errors: [{ messageId: 'byPolicy', object: 'shop/Deployment/web', path: 'spec.template.metadata', line: 7, level: 'note', message: ['ServiceIntentions shop/web selects it', 'Consul proxy'] }],
    },
  ],
});
