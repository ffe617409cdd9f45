import { describe, expect, it } from 'vitest';
import { gatewayMarkOf, hostEntries, ingressAdmission, nodePortClaims, serviceExposure } from '../../src/graph/exposure.js';
import { graphOf, templateNamed } from '../helpers/mesh-graph.js';
import { yaml } from '../helpers/rule-tester.js';

describe('serviceExposure', () => {
  it('LoadBalancer nests NodePort unless allocation is off; explicit node ports stay held', async () => {
    const g = await graphOf(yaml`
      apiVersion: v1
      kind: Service
      metadata: {name: lb}
      spec: {type: LoadBalancer, ports: [{port: 80}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: lb-off}
      spec: {type: LoadBalancer, allocateLoadBalancerNodePorts: false, ports: [{port: 80}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: lb-off-explicit}
      spec: {type: LoadBalancer, allocateLoadBalancerNodePorts: false, ports: [{port: 80, nodePort: 30080}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: ips}
      spec: {externalIPs: [192.0.2.1], externalTrafficPolicy: Local, ports: [{port: 80}]}
    `);
    const e = (name: string) => serviceExposure(g, g.find('', 'Service', 'default', name)!);
    expect([e('lb').nodePorts, e('lb-off').nodePorts, e('lb-off-explicit').nodePorts]).toEqual([true, false, true]);
    expect(e('ips').exposed).toBe(true);
    expect(e('ips').nodePorts).toBe(false);
    expect(e('ips').externalTrafficPolicy).toBe('Local');
    expect(e('lb').externalTrafficPolicy).toBe('Cluster');
    expect(e('lb').externalTrafficPolicySet).toBe(false);
    expect([...nodePortClaims(g).keys()]).toEqual([30080]);
  });
});

describe('ingressAdmission', () => {
  const base = yaml`
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 8053, protocol: UDP}]}]}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: ranges}
    spec:
      podSelector: {}
      ingress:
        - ports: [{port: 8000, endPort: 8100}]
        - from: [{podSelector: {}}]
          ports: [{port: dns, protocol: UDP}]
  `;

  it('a rule without from opens the ports it lists (endPort ranges included), others stay restricted', async () => {
    const g = await graphOf(base);
    const t = templateNamed(g, 'default/Deployment/web');
    const open = ingressAdmission(g, t, 8080, 'TCP');
    expect(open.verdict).toBe('open');
    expect(open.open?.why).toContain('spec.ingress[0] has no from');
    expect(ingressAdmission(g, t, 8053, 'UDP').verdict).toBe('restricted');
    expect(ingressAdmission(g, t, 9090, 'TCP').verdict).toBe('restricted');
  });

  it('an Egress-only policy does not isolate ingress', async () => {
    const g = await graphOf(yaml`
      apiVersion: v1
      kind: Pod
      metadata: {name: p, labels: {app: p}}
      spec: {containers: [{name: c, image: c}]}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: egress-only}
      spec: {podSelector: {}, policyTypes: [Egress]}
    `);
    expect(ingressAdmission(g, templateNamed(g, 'default/Pod/p'), 80, 'TCP').verdict).toBe('unisolated');
  });
});

describe('gatewayMarkOf and hostEntries', () => {
  it('matches key, key=value and key=prefix* markers, and lists host-network ports once per port', async () => {
    const g = await graphOf(yaml`
      apiVersion: v1
      kind: Pod
      metadata: {name: gw, labels: {istio: eastwestgateway}}
      spec: {containers: [{name: c, image: c}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: agent}
      spec: {hostNetwork: true, containers: [{name: c, image: c, ports: [{containerPort: 9100}, {containerPort: 9101, hostPort: 9101}]}]}
    `);
    const gw = templateNamed(g, 'default/Pod/gw');
    expect(gatewayMarkOf(g, gw, { labels: ['istio=*gateway'], annotations: [] })?.reason).toBe('pod label istio=eastwestgateway marks a gateway');
    expect(gatewayMarkOf(g, gw, { labels: ['istio=ingress*'], annotations: [] })).toBeUndefined();
    expect(gatewayMarkOf(g, gw, { labels: ['istio'], annotations: [] })).toBeDefined();
    expect(hostEntries(g).map((h) => `${h.hostPort}:${h.hostNetwork}:${h.path.at(-1)}`)).toEqual(['9100:true:containerPort', '9101:true:hostPort']);
  });
});
