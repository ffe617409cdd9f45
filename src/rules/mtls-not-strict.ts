/**
 * Istio workloads whose effective PeerAuthentication mode is not STRICT (semantics.md §2.3, §8 C22). The mode comes
 * from the mesh model (mesh → namespace → workload → port, nothing ⇒ PERMISSIVE); findings are grouped by the
 * policy that decided, so a namespace-wide PERMISSIVE policy is reported once, on its `mode`.
 */
import type { PodTemplate } from '../graph/graph.js';
import { dataPlaneOf, templatesOfMesh } from '../graph/mesh/injection.js';
import { inboundMtlsOf, peerAuthenticationsFor } from '../graph/mesh/mtls.js';
import type { Decision, MtlsMode } from '../graph/mesh/model.js';
import { isObject, pathKey, type Resource } from '../load/types.js';
import { because, listNames, MODEL_READS, objectName, workloadName, workloadPath } from './_mtls.js';
import { defineRule } from './types.js';

/** What a non-STRICT mode lets in, for one workload or for several. */
function consequence(mode: MtlsMode, several: boolean): string {
  const proxies = several ? 'their proxies accept' : 'its proxy accepts';
  if (mode === 'DISABLE') return `${proxies} plaintext only: callers are never authenticated and traffic is not encrypted by the mesh`;
  return `${proxies} plaintext as well as mTLS, so a caller without a mesh identity gets in unauthenticated and unencrypted`;
}

interface Group {
  readonly decision: Decision & { readonly resource: Resource };
  readonly mode: MtlsMode;
  readonly port?: string;
  readonly workloads: PodTemplate[];
}

export default defineRule({
  meta: {
    id: 'mtls-not-strict',
    description: 'A meshed Istio workload whose effective PeerAuthentication mode (mesh, namespace, workload or port) is not STRICT, so it accepts plaintext.',
    level: 'warning',
    family: 'mtls',
    reads: [...MODEL_READS],
    messages: {
      policyNotStrict: '{policy} sets mTLS {mode} for {count} meshed workload(s) ({workloads}): {consequence}',
      defaultNotStrict: '{workload} runs an Istio proxy whose inbound mTLS mode is {mode}: {reason}; {consequence}',
      portHole: '{policy} sets port {port} to {mode} in portLevelMtls while the rest of {workloads} is STRICT: plaintext to container port {port} is accepted without a caller identity',
    },
    precision: 'high',
    securitySeverity: 5.0,
  },
  check({ graph, report }) {
    const groups = new Map<string, Group>();
    const add = (decision: Decision, mode: MtlsMode, t: PodTemplate, port?: string) => {
      if (!decision.resource) return false;
      const key = `${decision.resource.id}|${pathKey(decision.path)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { decision: { ...decision, resource: decision.resource }, mode, port, workloads: [] }));
      g.workloads.push(t);
      return true;
    };
    for (const t of templatesOfMesh(graph, 'istio')) {
      const dp = dataPlaneOf(graph, t);
      if (dp.mesh !== 'istio' || dp.mode === 'none') continue;
      const m = inboundMtlsOf(graph, t);
      if (m.mode !== 'STRICT') {
        if (!add(m.decidedBy, m.mode, t)) {
          report({
            messageId: 'defaultNotStrict',
            data: { workload: workloadName(t), mode: m.mode, reason: because(m.decidedBy), consequence: consequence(m.mode, false) },
            resource: t.owner,
            path: workloadPath(t),
            level: m.decidedBy.assumed ? 'note' : undefined,
          });
        }
        continue;
      }
      // STRICT overall: look for port-level holes in the workload policy that decided.
      const wl = peerAuthenticationsFor(graph, t).workload[0];
      const plm = wl && isObject(wl.obj.spec) ? wl.obj.spec.portLevelMtls : undefined;
      if (!wl || !isObject(plm)) continue;
      for (const key of Object.keys(plm)) {
        const port = Number(key);
        if (!Number.isInteger(port)) continue;
        const pm = inboundMtlsOf(graph, t, port);
        if (pm.mode !== 'STRICT' && pm.decidedBy.resource === wl) add(pm.decidedBy, pm.mode, t, key);
      }
    }
    for (const g of groups.values()) {
      const names = g.workloads.map(workloadName);
      if (g.port !== undefined) {
        report({
          messageId: 'portHole',
          data: { policy: objectName(g.decision.resource), port: g.port, mode: g.mode, workloads: listNames(names) },
          resource: g.decision.resource,
          path: g.decision.path,
        });
        continue;
      }
      const extra = g.decision.assumed ? ` (${g.decision.reason})` : '';
      report({
        messageId: 'policyNotStrict',
        data: { policy: objectName(g.decision.resource), mode: g.mode, count: names.length, workloads: listNames(names), consequence: consequence(g.mode, true) + extra },
        resource: g.decision.resource,
        path: g.decision.path,
        related: g.workloads.slice(0, 5).map((t) => ({ resource: t.owner, path: workloadPath(t), message: `${workloadName(t)} is ${g.mode}` })),
      });
    }
  },
});
