import type { PodTemplate } from '../graph/graph.js';
import { exposedServices, gatewayMarkOf, ipPoliciesOn, type IpPolicy } from '../graph/exposure.js';
import {
  EXPOSURE_READS,
  GATEWAY_OPTION_DEFAULTS,
  GATEWAY_OPTION_PROPERTIES,
  IP_POLICY_READS,
  listOf,
  markersOf,
  MESH_MODEL_READS,
  objectLabel,
  reachedVia,
  serviceLabel,
  uniqueReads,
  workloadLabel,
  type GatewayOptions,
} from './_exposure.js';
import { defineRule } from './types.js';

interface Options extends GatewayOptions {
  readonly reportGateways: boolean;
}

export default defineRule<'ipPolicy' | 'gateway', Options>({
  meta: {
    id: 'source-ip-lost',
    description: 'externalTrafficPolicy: Cluster in front of pods whose NetworkPolicy, AuthorizationPolicy or ingress allowlist matches on the client IP, which node-level source NAT replaces with a node address.',
    level: 'warning',
    family: 'exposure',
    reads: uniqueReads(EXPOSURE_READS, IP_POLICY_READS, MESH_MODEL_READS),
    messages: {
      ipPolicy:
        '{service} keeps externalTrafficPolicy: Cluster{byDefault}, so traffic through {via} may be forwarded by another node and source-NATed to that node\'s address before it reaches {workloads}; {policy} decides by client IP{more} and will see node addresses instead of clients: it refuses real clients or admits anyone who comes through a node',
      gateway:
        '{service} keeps externalTrafficPolicy: Cluster{byDefault}, so {workloads}, a gateway ({reason}), sees node addresses instead of client addresses for traffic through {via}: its access logs, rate limits, IP allowlists and the X-Forwarded-For it passes to the mesh carry node IPs',
    },
    options: {
      schema: { type: 'object', additionalProperties: false, properties: { ...GATEWAY_OPTION_PROPERTIES, reportGateways: { type: 'boolean' } } },
      defaults: { ...GATEWAY_OPTION_DEFAULTS, reportGateways: true },
    },
    precision: 'medium',
    securitySeverity: 5.0,
  },
  check({ graph, options, report }) {
    const markers = markersOf(options);
    for (const e of exposedServices(graph)) {
      if (e.externalTrafficPolicy !== 'Cluster' || !e.view.pods.length) continue;
      const path = e.externalTrafficPolicySet ? ['spec', 'externalTrafficPolicy'] : ['spec', 'type'];
      const byDefault = e.externalTrafficPolicySet ? '' : ' (the default)';
      const guarded: PodTemplate[] = [];
      const policies: IpPolicy[] = [];
      for (const t of e.view.pods) {
        const found = ipPoliciesOn(graph, t);
        if (!found.length) continue;
        guarded.push(t);
        for (const p of found) if (!policies.some((x) => x.resource === p.resource && x.what === p.what)) policies.push(p);
      }
      if (policies.length) {
        report({
          messageId: 'ipPolicy',
          data: {
            service: serviceLabel(e),
            byDefault,
            via: reachedVia(e),
            workloads: listOf(guarded.map(workloadLabel)),
            policy: policies[0]!.what,
            more: policies.length > 1 ? ` (and ${policies.length - 1} more polic${policies.length > 2 ? 'ies' : 'y'})` : '',
          },
          resource: e.service,
          path,
          related: policies.map((p) => ({ resource: p.resource, path: p.path, message: `${objectLabel(p.resource)} matches on the client address here` })),
        });
        continue;
      }
      if (!options.reportGateways) continue;
      const mark = gatewayMarkOf(graph, e.view.pods[0]!, markers);
      if (!mark || !e.view.pods.every((t) => gatewayMarkOf(graph, t, markers))) continue;
      report({
        messageId: 'gateway',
        data: { service: serviceLabel(e), byDefault, workloads: listOf(e.view.pods.map(workloadLabel)), reason: mark.reason, via: reachedVia(e) },
        resource: e.service,
        path,
        level: 'note',
      });
    }
  },
});
