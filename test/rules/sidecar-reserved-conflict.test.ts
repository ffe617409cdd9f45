import rule from '../../src/rules/sidecar-reserved-conflict.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const ns = (labels: string, annotations = '{}') => `apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: ${labels}, annotations: ${annotations}}\n---\n`;

const app = (spec: string) => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: api, namespace: shop}
  spec:
    selector: {matchLabels: {app: api}}
    template:
      metadata: {labels: {app: api}}
      spec:
        ${spec}
`;

ruleTable(rule, {
  valid: [
    { name: 'istio: ordinary UID and ports', yaml: ns('{istio-injection: enabled}') + app('containers: [{name: api, image: example/api:1, ports: [{containerPort: 8080}], securityContext: {runAsUser: 1000}}]') },
    { name: 'UID 1337 without any mesh', yaml: ns('{}') + app('containers: [{name: api, image: example/api:1, securityContext: {runAsUser: 1337}, ports: [{containerPort: 15020}]}]') },
    { name: 'istio: the gateway proxy container declares its own ports', yaml: ns('{}') + app('containers: [{name: istio-proxy, image: docker.io/istio/proxyv2, ports: [{containerPort: 15090, name: http-envoy-prom}, {containerPort: 15021}]}]') },
    { name: 'istio: an init container running as 1337 to bypass capture is allowed', yaml: ns('{istio-injection: enabled}') + app('initContainers: [{name: setup, image: busybox, securityContext: {runAsUser: 1337}}]\n        containers: [{name: api, image: example/api:1}]') },
    { name: 'linkerd: ordinary port', yaml: ns('{}', '{linkerd.io/inject: enabled}') + app('containers: [{name: api, image: example/api:1, ports: [{containerPort: 8080}]}]') },
    { name: 'kuma: ordinary UID', yaml: ns('{kuma.io/sidecar-injection: enabled}') + app('containers: [{name: api, image: example/api:1, securityContext: {runAsUser: 1000}}]') },
  ],
  invalid: [
    {
      name: 'istio: a container runs as 1337 (IST0144)',
      yaml: ns('{istio-injection: enabled}') + app('containers: [{name: api, image: example/api:1, securityContext: {runAsUser: 1337}}]'),
      errors: [{ messageId: 'uid', object: 'shop/Deployment/api', path: 'spec.template.spec.containers[0].securityContext.runAsUser', line: 13, message: ['UID 1337', 'bypasses the mesh', 'label istio-injection=enabled on Namespace shop'] }],
    },
    {
      name: 'istio: the pod security context sets 1337 for every container',
      yaml: ns('{istio-injection: enabled}') + app('securityContext: {runAsUser: 1337}\n        containers: [{name: api, image: example/api:1}, {name: worker, image: example/worker:1}]'),
      errors: [{ messageId: 'uid', object: 'shop/Deployment/api', path: 'spec.template.spec.securityContext.runAsUser', line: 13, message: 'container api, worker runs as UID 1337' }],
    },
    {
      name: 'istio: an application port in the proxy range',
      yaml: ns('{istio-injection: enabled}') + app('containers: [{name: api, image: example/api:1, ports: [{containerPort: 15020, name: http-metrics}]}]'),
      errors: [{ messageId: 'port', object: 'shop/Deployment/api', path: 'spec.template.spec.containers[0].ports[0].containerPort', line: 13, message: 'merged Prometheus telemetry' }],
    },
    {
      name: 'istio: a Service targetPort aimed at the proxy health port',
      yaml: ns('{istio-injection: enabled}') + app('containers: [{name: api, image: example/api:1, ports: [{containerPort: 8080}]}]') + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api-health, namespace: shop}
        spec:
          selector: {app: api}
          ports: [{port: 80, targetPort: 15021}]
      `,
      errors: [{ messageId: 'servicePort', object: 'shop/Service/api-health', path: 'spec.ports[0].targetPort', line: 20, message: 'health checks' }],
    },
    {
      name: 'linkerd: an application port equal to the proxy admin port',
      yaml: ns('{}', '{linkerd.io/inject: enabled}') + app('containers: [{name: api, image: example/api:1, ports: [{containerPort: 4191}]}]'),
      errors: [{ messageId: 'port', object: 'shop/Deployment/api', path: 'spec.template.spec.containers[0].ports[0].containerPort', line: 13, message: 'Linkerd proxy uses (proxy admin)' }],
    },
    {
      name: 'linkerd: proxy ports from the cluster facts',
      yaml: ns('{}', '{linkerd.io/inject: enabled}') + app('containers: [{name: api, image: example/api:1, ports: [{containerPort: 5143}]}]'),
      cluster: { linkerd: { proxyPorts: { inbound: 5143 } } },
      errors: [{ messageId: 'port', object: 'shop/Deployment/api', path: 'spec.template.spec.containers[0].ports[0].containerPort', line: 13, message: 'proxy inbound' }],
    },
    {
      name: 'kuma: a container runs as the sidecar UID 5678',
      yaml: ns('{kuma.io/sidecar-injection: enabled}') + app('containers: [{name: api, image: example/api:1, securityContext: {runAsUser: 5678}}]'),
      errors: [{ messageId: 'uid', object: 'shop/Deployment/api', path: 'spec.template.spec.containers[0].securityContext.runAsUser', line: 13, message: 'the Kuma injector rejects the pod' }],
    },
  ],
});
