import { describe, expect, it } from 'vitest';
import rule, { addressIn } from '../../src/rules/service-external-ips.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

ruleTable(rule, {
  valid: [
    {
      name: 'no externalIPs',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
      `,
    },
    {
      name: 'addresses the administrator hands out on purpose',
      options: { allowedExternalIPs: ['192.0.2.0/24', '2001:db8::10'] },
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: dns}
        spec: {externalIPs: [192.0.2.53, '2001:db8::10'], selector: {app: dns}, ports: [{port: 53, protocol: UDP}]}
      `,
    },
    {
      name: 'ExternalName Services carry no traffic',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: ext}
        spec: {type: ExternalName, externalName: example.com, externalIPs: [192.0.2.1]}
      `,
    },
  ],
  invalid: [
    {
      name: 'externalIPs on a ClusterIP Service',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          selector: {app: web}
          externalIPs:
            - 198.51.100.32
          ports: [{port: 80, targetPort: 8080}]
      `,
      errors: [
        {
          messageId: 'externalIPs',
          object: 'shop/Service/web',
          path: 'spec.externalIPs[0]',
          line: 7,
          level: 'warning',
          message: ['Service shop/web claims externalIPs 198.51.100.32', 'port 80', 'CVE-2020-8554'],
        },
      ],
    },
    {
      name: 'only the addresses outside the allowed blocks are named, and meshed pods are mentioned',
      options: { allowedExternalIPs: ['192.0.2.0/24'] },
      yaml: yaml`
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {istio-injection: enabled}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: web}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          type: NodePort
          selector: {app: web}
          externalIPs: [192.0.2.10, 203.0.113.5]
          ports: [{port: 80}, {port: 443}]
      `,
      errors: [{ messageId: 'externalIPs', object: 'shop/Service/web', path: 'spec.externalIPs[1]', line: 20, message: ['claims externalIPs 203.0.113.5:', 'port 80, 443', 'reaches the meshed pods directly, around the ingress gateway'] }],
    },
  ],
});

describe('addressIn', () => {
  it('matches addresses and IPv4 blocks', () => {
    expect(addressIn('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(addressIn('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(addressIn('10.1.2.3', '0.0.0.0/0')).toBe(true);
    expect(addressIn('10.1.2.3', '10.1.2.3/32')).toBe(true);
    expect(addressIn('2001:db8::1', '2001:db8::1')).toBe(true);
    expect(addressIn('2001:db8::1', '2001:db8::/32')).toBe(false);
    expect(addressIn('10.1.2.3', 'bogus/8')).toBe(false);
  });
});
