import { describe, expect, it } from 'vitest';
import rule, { staticBandSize } from '../../src/rules/nodeport-conflict.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

ruleTable(rule, {
  valid: [
    {
      name: 'two Services with their own ports in the static band',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: a}
        spec: {type: NodePort, ports: [{port: 80, nodePort: 30001}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: b}
        spec: {type: NodePort, ports: [{port: 80, nodePort: 30002}]}
      `,
    },
    {
      name: 'one Service may use the same node port for TCP and UDP',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: dns}
        spec:
          type: NodePort
          ports:
            - {name: dns, port: 53, protocol: UDP, nodePort: 30053}
            - {name: dns-tcp, port: 53, protocol: TCP, nodePort: 30053}
      `,
    },
    {
      name: 'the same Service written twice is a duplicate object, not a node port conflict',
      files: {
        'base/svc.yaml': yaml`
          apiVersion: v1
          kind: Service
          metadata: {name: web}
          spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}
        `,
        'overlay/svc.yaml': yaml`
          apiVersion: v1
          kind: Service
          metadata: {name: web}
          spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}
        `,
      },
    },
    {
      name: 'a configured node port range',
      options: { nodePortRange: '20000-22767' },
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: a}
        spec: {type: NodePort, ports: [{port: 80, nodePort: 20001}]}
      `,
    },
    {
      name: 'upper-band ports when reportDynamicBand is off; LoadBalancer without node port allocation keeps an explicit one',
      options: { reportDynamicBand: false },
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: a}
        spec: {type: NodePort, ports: [{port: 80, nodePort: 31000}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: b}
        spec: {type: LoadBalancer, allocateLoadBalancerNodePorts: false, ports: [{port: 80, nodePort: 30010}]}
      `,
    },
    {
      name: 'healthCheckNodePort on a LoadBalancer with externalTrafficPolicy Local',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: lb}
        spec: {type: LoadBalancer, externalTrafficPolicy: Local, healthCheckNodePort: 30020, ports: [{port: 80, nodePort: 30021}]}
      `,
    },
  ],
  invalid: [
    {
      name: 'two Services claim one node port, whatever the protocol and namespace',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: front-end, namespace: sock-shop}
        spec:
          type: NodePort
          ports:
            - port: 80
              nodePort: 30001
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: syslog, namespace: logging}
        spec:
          type: NodePort
          ports:
            - port: 514
              protocol: UDP
              nodePort: 30001
      `,
      errors: [
        { messageId: 'duplicate', object: 'sock-shop/Service/front-end', path: 'spec.ports[0].nodePort', line: 8, level: 'error', message: 'nodePort 30001 is also claimed by Service logging/syslog: node ports are one pool for the whole cluster' },
        { messageId: 'duplicate', object: 'logging/Service/syslog', path: 'spec.ports[0].nodePort', line: 18, message: 'also claimed by Service sock-shop/front-end' },
      ],
    },
    {
      name: 'outside the default range',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: NodePort
          ports:
            - port: 80
              nodePort: 8080
      `,
      errors: [{ messageId: 'outOfRange', object: 'default/Service/web', path: 'spec.ports[0].nodePort', line: 8, message: ['nodePort 8080 is outside the node port range 30000-32767', 'the Kubernetes default'] }],
    },
    {
      name: 'outside a configured range',
      options: { nodePortRange: '20000-22767' },
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {type: NodePort, ports: [{port: 80, nodePort: 30001}]}
      `,
      errors: [{ messageId: 'outOfRange', object: 'default/Service/web', path: 'spec.ports[0].nodePort', line: 4, message: 'range 20000-22767 (from the nodePortRange option)' }],
    },
    {
      name: 'the same node port and protocol twice in one Service',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: NodePort
          ports:
            - {name: http, port: 80, nodePort: 30080}
            - {name: alt, port: 8080, nodePort: 30080}
      `,
      errors: [{ messageId: 'duplicateInService', object: 'default/Service/web', path: 'spec.ports[1].nodePort', line: 8, message: 'node port 30080/TCP is used twice in Service default/web' }],
    },
    {
      name: 'a nodePort on a ClusterIP Service, and healthCheckNodePort without Local',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: internal}
        spec: {ports: [{port: 80, nodePort: 30081}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: lb}
        spec: {type: LoadBalancer, healthCheckNodePort: 30082, ports: [{port: 80}]}
      `,
      errors: [
        { messageId: 'notAllowed', object: 'default/Service/internal', path: 'spec.ports[0].nodePort', line: 4, message: 'Service default/internal is type ClusterIP, which takes no node ports, so the API server rejects nodePort 30081' },
        { messageId: 'notAllowed', object: 'default/Service/lb', path: 'spec.healthCheckNodePort', line: 9, message: 'only a LoadBalancer Service with externalTrafficPolicy: Local may have' },
      ],
    },
    {
      name: 'a fixed node port in the upper band, where automatic allocation starts',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: prometheus, namespace: monitoring}
        spec:
          type: NodePort
          ports:
            - port: 9090
              nodePort: 31090
      `,
      errors: [{ messageId: 'dynamicBand', object: 'monitoring/Service/prometheus', path: 'spec.ports[0].nodePort', line: 8, level: 'note', message: ['(30086-32767)', 'safest in 30000-30085'] }],
    },
  ],
});

describe('staticBandSize (KEP-3668)', () => {
  it('matches the worked examples of the Kubernetes blog', () => {
    expect(staticBandSize(2768)).toBe(86); // 30000-32767
    expect(staticBandSize(16)).toBe(0); // 30000-30015
    expect(staticBandSize(128)).toBe(16); // 30000-30127
    expect(staticBandSize(4096)).toBe(128); // 30000-34095
    expect(staticBandSize(8192)).toBe(128); // 30000-38191
  });
});
