import rule from '../../src/rules/consul-mtls-permissive.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const server = (annotations = '') => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: static-server}
  spec:
    selector: {matchLabels: {app: static-server}}
    template:
      metadata:
        labels: {app: static-server}
        annotations: {consul.hashicorp.com/connect-inject: "true"${annotations}}
      spec:
        containers: [{name: server, image: server, ports: [{containerPort: 8080}]}]
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: static-server}
  spec:
    selector: {app: static-server}
    ports: [{port: 80, targetPort: 8080}]
  ---
`;

const defaults = (kind: string, name: string, mode: string) => `apiVersion: consul.hashicorp.com/v1alpha1
kind: ${kind}
metadata:
  name: ${name}
spec:
  mutualTLSMode: ${mode}
---
`;

const mesh = (allow: boolean) => `apiVersion: consul.hashicorp.com/v1alpha1\nkind: Mesh\nmetadata: {name: mesh}\nspec:\n  allowEnablingPermissiveMutualTLS: ${allow}\n---\n`;

ruleTable(rule, {
  valid: [
    { name: 'consul: strict mode', yaml: server() + defaults('ServiceDefaults', 'static-server', 'strict') + mesh(true) },
    { name: 'consul: no mode set (strict by default)', yaml: server() + 'apiVersion: consul.hashicorp.com/v1alpha1\nkind: ServiceDefaults\nmetadata: {name: static-server}\nspec: {protocol: http}\n' },
    { name: 'consul: the Mesh opt-in alone changes nothing', yaml: server() + mesh(true) },
  ],
  invalid: [
    {
      name: 'consul: permissive service allowed by the Mesh entry',
      yaml: server() + defaults('ServiceDefaults', 'static-server', '"permissive"') + mesh(true),
      errors: [
        {
          messageId: 'permissive',
          object: 'default/ServiceDefaults/static-server',
          path: 'spec.mutualTLSMode',
          line: 25,
          level: 'warning',
          message: ['ServiceDefaults default/static-server sets mutualTLSMode permissive for service static-server (Deployment default/static-server)', 'intentions are not enforced', 'allowed by Mesh default/mesh'],
        },
      ],
    },
    {
      name: 'consul: permissive without the Mesh opt-in is rejected',
      yaml: server() + defaults('ServiceDefaults', 'static-server', 'permissive') + mesh(false),
      errors: [{ messageId: 'rejected', object: 'default/ServiceDefaults/static-server', path: 'spec.mutualTLSMode', line: 25, message: 'Mesh default/mesh does not set allowEnablingPermissiveMutualTLS: true' }],
    },
    {
      name: 'consul: rejected per cluster facts when the Mesh entry is elsewhere',
      yaml: defaults('ServiceDefaults', 'static-server', 'permissive'),
      cluster: { consul: { allowEnablingPermissiveMutualTLS: false } },
      errors: [{ messageId: 'rejected', object: 'default/ServiceDefaults/static-server', path: 'spec.mutualTLSMode', line: 6, message: 'cluster.consul.allowEnablingPermissiveMutualTLS is false' }],
    },
    {
      name: 'consul: the Mesh entry is not in the input, the opt-in is assumed',
      yaml: defaults('ProxyDefaults', 'global', 'permissive'),
      errors: [{ messageId: 'permissive', object: 'default/ProxyDefaults/global', path: 'spec.mutualTLSMode', line: 6, message: ['for every service in the mesh', 'assumed to allow permissive mode'] }],
    },
    {
      name: 'consul: permissive without transparent proxy has no effect',
      yaml: server(', consul.hashicorp.com/transparent-proxy: "false"') + defaults('ServiceDefaults', 'static-server', 'permissive') + mesh(true),
      errors: [{ messageId: 'noEffect', object: 'default/ServiceDefaults/static-server', path: 'spec.mutualTLSMode', line: 25, level: 'note', message: 'pod annotation consul.hashicorp.com/transparent-proxy=false' }],
    },
  ],
});
