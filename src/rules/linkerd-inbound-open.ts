/**
 * Linkerd-meshed workloads whose exposed ports fall back to an unauthenticated default inbound policy (semantics.md
 * §3.3, §8 C28). Meshed pods always talk mTLS to each other, but what a plaintext caller gets is decided by policy:
 * without a `Server` for the port, the default inbound policy applies, and Linkerd's install default
 * `all-unauthenticated` lets anyone in, with or without mTLS [L-DOC-AUTHZ "Default policies"; L-VALUES].
 */
import { clusterFacts } from '../graph/mesh/facts.js';
import { dataPlaneOf, templatesOfMesh } from '../graph/mesh/injection.js';
import { LINKERD_DEFAULT_INBOUND_POLICY, LINKERD_INJECT, LINKERD_SKIP_INBOUND, type LinkerdInboundPolicy } from '../graph/mesh/markers.js';
import { linkerdDefaultPolicyOf, linkerdServersFor, portList } from '../graph/mesh/mtls.js';
import { containerPorts } from '../graph/services.js';
import type { Path } from '../load/types.js';
import { because, decisionRelated, MODEL_READS, servicePortsOf, workloadName, workloadPath } from './_mtls.js';
import { defineRule } from './types.js';

const OPEN: Partial<Record<LinkerdInboundPolicy, string>> = {
  'all-unauthenticated': 'any client, meshed or not and from anywhere, may connect, and plaintext is accepted',
  'cluster-unauthenticated': 'any client from the cluster networks may connect, and plaintext is accepted',
  audit: 'nothing is denied: policy violations are only logged',
};

export default defineRule({
  meta: {
    id: 'linkerd-inbound-open',
    description: 'A Linkerd-meshed workload whose exposed ports have no Server, so an unauthenticated default inbound policy (all-unauthenticated by default) lets plaintext callers in.',
    level: 'warning',
    family: 'mtls',
    reads: [...MODEL_READS],
    messages: {
      openPorts: '{workload} is meshed by Linkerd, but port(s) {ports} have no Server, so the default inbound policy {policy} applies ({reason}): {consequence}',
    },
    precision: 'medium',
    securitySeverity: 5.0,
  },
  check({ graph, report }) {
    const proxy = clusterFacts(graph).linkerd.proxyPorts;
    for (const t of templatesOfMesh(graph, 'linkerd')) {
      const dp = dataPlaneOf(graph, t);
      if (dp.mesh !== 'linkerd' || dp.mode !== 'sidecar') continue;
      // Ingress-mode proxies front ingress controllers, which take outside traffic by design [L-DOC-PROXYCFG "Ingress Mode"].
      const ns = clusterFacts(graph).namespace(t.namespace);
      if ((t.annotations[LINKERD_INJECT] ?? ns.annotations[LINKERD_INJECT]) === 'ingress') continue;
      const def = linkerdDefaultPolicyOf(graph, t);
      const consequence = OPEN[def.policy];
      if (!consequence) continue;
      const skip = new Set(portList(t.annotations[LINKERD_SKIP_INBOUND] ?? ns.annotations[LINKERD_SKIP_INBOUND] ?? ''));
      const ports = new Set<number>([...containerPorts(t).map((c) => c.port), ...servicePortsOf(graph, t).map((e) => e.targetPort)]);
      const open = [...ports]
        .filter((p) => p !== proxy.inbound && p !== proxy.admin && p !== proxy.outbound && p !== proxy.control && !skip.has(p))
        .filter((p) => linkerdServersFor(graph, t, p).length === 0)
        .sort((a, b) => a - b);
      if (!open.length) continue;
      const onPod = t.annotations[LINKERD_DEFAULT_INBOUND_POLICY] !== undefined;
      const path: Path = onPod ? [...t.path, 'metadata', 'annotations', LINKERD_DEFAULT_INBOUND_POLICY] : workloadPath(t);
      report({
        messageId: 'openPorts',
        data: { workload: workloadName(t), ports: open.join(', '), policy: def.policy, reason: because(def.decidedBy), consequence },
        resource: t.owner,
        path,
        related: onPod ? [] : decisionRelated(def.decidedBy, `default inbound policy ${def.policy}`),
        level: def.decidedBy.assumed ? 'note' : undefined,
      });
    }
  },
});
