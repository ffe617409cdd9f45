/**
 * Calls between a workload in a mesh and one outside it (semantics.md §2.1, §3.2, §4, §5, §8 C25), read from the
 * call graph (src/graph/calls.ts: env vars, arguments, ConfigMaps, Consul upstreams, `meshlint.io/calls`):
 *
 * - caller without the server's proxy → server that requires mTLS (Istio STRICT, Linkerd Server or policy that
 *   requires an identity, Consul strict, Kuma mTLS): the connection is refused;
 * - the same towards a server that also accepts plaintext: the call works, unencrypted and unauthenticated;
 * - meshed caller → server without a proxy: the mesh cannot originate mTLS, so the call is plaintext.
 *
 * A caller running another mesh's proxy counts as outside the server's mesh. Servers whose mode is DISABLE (port
 * excluded, Kuma mesh without mTLS) are left to mtls-port-excluded and kuma-mtls-disabled.
 */
import { CALL_READS, callEdges, type CallEdge } from '../graph/calls.js';
import type { Graph, PodTemplate } from '../graph/graph.js';
import { dataPlaneOf, meshTitle } from '../graph/mesh/injection.js';
import { inboundMtlsOf } from '../graph/mesh/mtls.js';
import type { Decision, InboundMtls, MeshName } from '../graph/mesh/model.js';
import { serviceView } from '../graph/services.js';
import type { Path } from '../load/types.js';
import { because, listNames, MODEL_READS, objectName, workloadName } from './_mtls.js';
import { defineRule, type FlowStep, type RelatedLocation } from './types.js';

type Outcome = 'rejected' | 'plaintextIn' | 'plaintextOut';
const RANK: Readonly<Record<Outcome, number>> = { rejected: 3, plaintextIn: 2, plaintextOut: 1 };

interface Hit {
  readonly t: PodTemplate;
  readonly outcome: Outcome;
  readonly server: Decision;
  readonly mesh: MeshName | undefined;
}

function meshOfWorkload(graph: Graph, t: PodTemplate): { mesh: MeshName | undefined; decision: Decision } {
  const dp = dataPlaneOf(graph, t);
  return { mesh: dp.mode === 'none' ? undefined : dp.mesh, decision: dp.decidedBy };
}

function target(e: CallEdge): string {
  const svc = objectName(e.to);
  return e.port?.port !== undefined ? `${svc} port ${e.port.port}` : svc;
}

export default defineRule({
  meta: {
    id: 'mtls-unmeshed-peer',
    description: 'A call between a meshed and an unmeshed workload: refused by servers that require mTLS, plaintext otherwise.',
    level: 'warning',
    family: 'mtls',
    reads: [...new Set<string>([...MODEL_READS, ...CALL_READS])],
    messages: {
      rejected: '{caller} calls {target} ({evidence}) without {mesh} proxy ({callerReason}), but {backends} require(s) mTLS ({serverReason}); the connection is refused',
      plaintextIn: '{caller} calls {target} ({evidence}) without {mesh} proxy ({callerReason}); {backends} accept(s) it as plaintext ({serverReason}), so the call is neither encrypted nor authenticated by the mesh',
      plaintextOut: '{caller} runs the {callerMesh} proxy and calls {target} ({evidence}), but {backends} run(s) no proxy of that mesh ({serverReason}); the mesh cannot use mTLS for this call, so it travels as plaintext',
    },
    precision: 'medium',
    securitySeverity: 5.0,
  },
  check({ graph, report }) {
    // owner id → the edge whose backends last included it: each backend counts once per edge
    const seenFor = new Map<number, number>();
    for (const e of callEdges(graph)) {
      if (e.self) continue;
      const view = serviceView(graph, e.to);
      if (view.type === 'ExternalName') continue;
      const caller = meshOfWorkload(graph, e.from);
      const ports = e.port ? [e.port] : view.ports;
      const hits: Hit[] = [];
      for (const p of ports) {
        for (const ep of p.endpoints) {
          const t = ep.template;
          if (seenFor.get(t.owner.id) === e.id || t === e.from) continue;
          seenFor.set(t.owner.id, e.id);
          const server = meshOfWorkload(graph, t);
          if (caller.mesh === server.mesh) continue;
          if (server.mesh) {
            const m: InboundMtls = inboundMtlsOf(graph, t, ep.port);
            if (m.mode === 'STRICT') hits.push({ t, outcome: 'rejected', server: m.decidedBy, mesh: server.mesh });
            else if (m.mode === 'PERMISSIVE') hits.push({ t, outcome: 'plaintextIn', server: m.decidedBy, mesh: server.mesh });
          } else if (caller.mesh) {
            hits.push({ t, outcome: 'plaintextOut', server: server.decision, mesh: undefined });
          }
        }
      }
      if (!hits.length) continue;
      const worst = hits.reduce((a, b) => (RANK[b.outcome] > RANK[a.outcome] ? b : a));
      const same = hits.filter((h) => h.outcome === worst.outcome);
      const ev = e.evidence[0]!;
      const callerReason =
        caller.mesh && worst.mesh
          ? `it runs the ${meshTitle(caller.mesh)} proxy, a different mesh`
          : because(caller.decision);
      // Lowered to a note when the verdict rests on assumptions: the caller's namespace labels or the servers' mode.
      const assumed = caller.decision.assumed || same.every((h) => h.server.assumed);
      const related: RelatedLocation[] = [
        { resource: e.from.owner, path: ['metadata', 'name'], message: `caller ${workloadName(e.from)}` },
        ...same.slice(0, 5).map((h) => ({ resource: h.t.owner, path: ['metadata', 'name'] as Path, message: `backend ${workloadName(h.t)}` })),
        ...(worst.server.resource ? [{ resource: worst.server.resource, path: worst.server.path, message: worst.server.reason }] : []),
      ];
      const flow: FlowStep[] = [
        { resource: ev.resource, path: ev.path, message: `${workloadName(e.from)} calls ${target(e)}` },
        { resource: e.to, path: e.port ? e.port.path : ['spec', 'ports'], message: `${objectName(e.to)} forwards to ${listNames(same.map((h) => workloadName(h.t)))}` },
        { resource: worst.t.owner, path: ['metadata', 'name'], message: `${workloadName(worst.t)}: ${worst.outcome === 'plaintextOut' ? 'no proxy' : `${worst.mesh ? meshTitle(worst.mesh) : ''} server`}` },
      ];
      report({
        messageId: worst.outcome,
        data: {
          caller: workloadName(e.from),
          target: target(e),
          evidence: ev.text,
          mesh: worst.mesh ? `${worst.mesh === 'istio' ? 'an' : 'a'} ${meshTitle(worst.mesh)}` : '',
          callerMesh: caller.mesh ? meshTitle(caller.mesh) : '',
          callerReason,
          backends: listNames(same.map((h) => workloadName(h.t))),
          serverReason: because(worst.server),
        },
        resource: ev.resource,
        path: ev.path,
        related,
        flow,
        level: assumed ? 'note' : undefined,
      });
    }
  },
});
