import type { PodTemplate } from '../graph/graph.js';
import { exposedServices, gatewayMarkOf, hostEntries, ingressAdmission, type GatewayMark, type IngressAdmission } from '../graph/exposure.js';
import {
  EXPOSURE_READS,
  GATEWAY_OPTION_DEFAULTS,
  GATEWAY_OPTION_PROPERTIES,
  hostEntryLabel,
  listOf,
  markersOf,
  objectLabel,
  reachedVia,
  serviceLabel,
  workloadLabel,
  type GatewayOptions,
} from './_exposure.js';
import { defineRule, type Level } from './types.js';

interface Options extends GatewayOptions {
  readonly reportHostNetwork: boolean;
}

type Messages = 'noPolicy' | 'openPolicy' | 'lbOpen' | 'rangesBypassed' | 'hostPortOpen' | 'hostNetwork';

export default defineRule<Messages, Options>({
  meta: {
    id: 'nodeport-unrestricted',
    description: 'A NodePort or LoadBalancer Service (or a host port) that nothing restricts: no NetworkPolicy limits its pods, no loadBalancerSourceRanges limit the load balancer, or the ranges are bypassed through node ports.',
    level: 'warning',
    family: 'exposure',
    reads: EXPOSURE_READS,
    messages: {
      noPolicy: '{service} is reachable through {via}, and no NetworkPolicy restricts ingress to {workloads}: any client that can reach a node can connect{gateway}',
      openPolicy: '{service} is reachable through {via}; NetworkPolicy {policy} selects {workload} but {why} on port {port}, so any client that can reach a node can connect{gateway}',
      lbOpen: '{service} sets no loadBalancerSourceRanges, so its load balancer accepts connections from any address on the internet{gateway}',
      rangesBypassed:
        'loadBalancerSourceRanges ({ranges}) only limit the cloud load balancer: {service} still holds {nodePorts} on every node, and a client that reaches a node there is not checked against the ranges',
      hostPortOpen: '{entry} opens port {port} on its node to any address, and no NetworkPolicy restricts ingress to the pod{gateway}',
      hostNetwork: '{entry} listens on the addresses of its node; NetworkPolicy does not reliably apply to host-network pods, so nothing in the input limits who connects{gateway}',
    },
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: { ...GATEWAY_OPTION_PROPERTIES, reportHostNetwork: { type: 'boolean' } },
      },
      defaults: { ...GATEWAY_OPTION_DEFAULTS, reportHostNetwork: true },
    },
    sources: [{ tool: 'kube-linter', id: 'exposed-services' }],
    precision: 'medium',
    securitySeverity: 5.0,
  },
  check({ graph, options, report }) {
    const markers = markersOf(options);
    const gatewayNote = (mark: GatewayMark | undefined): { gateway: string; level?: Level } =>
      mark ? { gateway: `; it is a gateway (${mark.reason}) and meant to be reachable, so restrict sources only if just some clients should connect`, level: 'note' } : { gateway: '' };

    for (const e of exposedServices(graph)) {
      if (e.view.type !== 'NodePort' && e.view.type !== 'LoadBalancer') continue;
      const svcName = serviceLabel(e);
      const marks = e.view.pods.map((t) => gatewayMarkOf(graph, t, markers));
      const allGateways = e.view.pods.length > 0 && marks.every(Boolean);
      const gw = gatewayNote(allGateways ? marks[0] : undefined);

      // Pods behind the Service: isolated by NetworkPolicy on every exposed port?
      const unisolated: PodTemplate[] = [];
      let open: { template: PodTemplate; port: number; admission: IngressAdmission } | undefined;
      for (const p of e.view.ports) {
        for (const ep of p.endpoints) {
          const a = ingressAdmission(graph, ep.template, ep.port, p.protocol);
          if (a.verdict === 'unisolated' && !unisolated.includes(ep.template)) unisolated.push(ep.template);
          else if (a.verdict === 'open' && !open) open = { template: ep.template, port: ep.port, admission: a };
        }
      }
      if (unisolated.length) {
        report({
          messageId: 'noPolicy',
          data: { service: svcName, via: reachedVia(e), workloads: listOf(unisolated.map(workloadLabel)), gateway: gw.gateway },
          resource: e.service,
          path: ['spec', 'selector'],
          level: gw.level,
        });
      } else if (open?.admission.open) {
        const o = open.admission.open;
        report({
          messageId: 'openPolicy',
          data: { service: svcName, via: reachedVia(e), policy: `${o.policy.namespace}/${o.policy.name}`, workload: workloadLabel(open.template), why: o.why, port: open.port, gateway: gw.gateway },
          resource: e.service,
          path: ['spec', 'selector'],
          level: gw.level,
          related: [{ resource: o.policy, path: o.path, message: `${objectLabel(o.policy)} admits every source here` }],
        });
      }

      if (!e.loadBalancer) continue;
      if (!e.sourceRanges.length) {
        if (!e.internalAnnotation) {
          report({ messageId: 'lbOpen', data: { service: svcName, gateway: gw.gateway }, resource: e.service, path: ['spec', 'type'], level: gw.level });
        }
      } else if (e.nodePorts) {
        const explicit = e.view.ports.map((p) => p.nodePort).filter((n): n is number => n !== undefined);
        const nodePorts = explicit.length === e.view.ports.length && explicit.length ? `node port${explicit.length > 1 ? 's' : ''} ${explicit.join(', ')}` : 'its node ports';
        report({
          messageId: 'rangesBypassed',
          data: { ranges: listOf(e.sourceRanges), service: svcName, nodePorts },
          resource: e.service,
          path: e.sourceRangesPath ?? ['spec', 'type'],
        });
      }
    }

    const noted = new Set<PodTemplate>();
    for (const h of hostEntries(graph)) {
      const gw = gatewayNote(gatewayMarkOf(graph, h.template, markers));
      if (h.port.hostPort !== undefined && !h.hostNetwork) {
        if (ingressAdmission(graph, h.template, h.port.port, h.port.protocol).verdict === 'restricted') continue;
        report({ messageId: 'hostPortOpen', data: { entry: hostEntryLabel(h), port: h.hostPort, gateway: gw.gateway }, resource: h.template.owner, path: h.path, level: gw.level });
      } else if (h.hostNetwork && options.reportHostNetwork) {
        // One note per workload.
        if (noted.has(h.template)) continue;
        noted.add(h.template);
        report({ messageId: 'hostNetwork', data: { entry: workloadLabel(h.template), gateway: gw.gateway }, resource: h.template.owner, path: [...h.template.path, 'spec', 'hostNetwork'], level: 'note' });
      }
    }
  },
});
