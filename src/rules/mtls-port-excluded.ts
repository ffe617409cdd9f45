/**
 * Ports taken out of the proxy's traffic capture (semantics.md §2.9, §3.4, §8 C26) while a Service sends traffic
 * to them or a policy is meant to protect them. Traffic on such a port never meets the proxy: no mTLS, no
 * PeerAuthentication, no AuthorizationPolicy or Server policy [I-DOC-SECBP "traffic capture limitations";
 * L-DOC-PROTO "skip ports"]. Istio's automatic mTLS also does not know about the exclusion, so meshed clients
 * keep sending mTLS to an excluded inbound port unless a DestinationRule disables it (istio/istio#30311; Istio FAQ
 * "Does Auto mTLS work with excludeInboundPorts?").
 *
 * Inbound: the mesh model says which container ports bypass the proxy (`inboundMtlsOf` with a port). Outbound:
 * the exclusion annotations are read here and matched against the Service ports of meshed backends.
 */
import type { Graph, PodTemplate } from '../graph/graph.js';
import { policiesApplyingTo } from '../graph/mesh/applies.js';
import { dataPlaneOf, sidecarTemplates } from '../graph/mesh/injection.js';
import { clusterFacts } from '../graph/mesh/facts.js';
import { ISTIO_EXCLUDE_INBOUND, ISTIO_EXCLUDE_OUTBOUND, ISTIO_INCLUDE_INBOUND, LINKERD_SKIP_INBOUND, LINKERD_SKIP_OUTBOUND } from '../graph/mesh/markers.js';
import { inboundMtlsOf, linkerdServersFor, portList } from '../graph/mesh/mtls.js';
import { containerPorts, serviceView } from '../graph/services.js';
import { pathKey, type Path, type Resource } from '../load/types.js';
import { listNames, meshLabel, MODEL_READS, objectName, servicePortsOf, workloadName } from './_mtls.js';
import { defineRule, type Report } from './types.js';

const EXCLUSION_KEYS: readonly string[] = [ISTIO_EXCLUDE_INBOUND, ISTIO_INCLUDE_INBOUND, LINKERD_SKIP_INBOUND];

interface Options {
  readonly ignorePorts: readonly number[];
}

type MessageId = 'inboundExcluded' | 'outboundExcluded';

export default defineRule<MessageId, Options>({
  meta: {
    id: 'mtls-port-excluded',
    description: 'A port excluded from the mesh proxy (Istio exclude/include port annotations, Linkerd skip ports) that a Service exposes or a mesh policy is meant to protect.',
    level: 'warning',
    family: 'mtls',
    reads: [...MODEL_READS],
    messages: {
      inboundExcluded: '{workload} takes port(s) {ports} out of its {mesh} proxy ({annotation}), yet {why}; connections to these ports bypass the proxy: no mTLS, no caller identity, no authorization policy{istioNote}',
      outboundExcluded: '{workload} sends traffic to port(s) {ports} around its {mesh} proxy ({annotation}), yet {why}; these calls leave without mTLS, so servers that require it refuse them and the others receive plaintext',
    },
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: { ignorePorts: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 65535 }, description: 'Ports deliberately kept out of the proxy (metrics, health checks).' } },
      },
      defaults: { ignorePorts: [] },
    },
    precision: 'high',
    securitySeverity: 6.0,
  },
  check({ graph, report, options }) {
    const ignored = new Set(options.ignorePorts);
    for (const t of sidecarTemplates(graph)) {
      const dp = dataPlaneOf(graph, t);
      // Ambient pods have no sidecar and ignore these annotations.
      if (dp.mode !== 'sidecar' || (dp.mesh !== 'istio' && dp.mesh !== 'linkerd')) continue;
      inbound(graph, t, dp.mesh, ignored, report);
      outbound(graph, t, dp.mesh, ignored, report);
    }
  },
});

type Reporter = (r: Report<MessageId>) => void;

/**
 * Whether a capture-exclusion annotation applies to the template: the only way a port of a sidecar can be decided
 * DISABLE by one of EXCLUSION_KEYS (Istio reads the pod's annotations; Linkerd the pod's, else the namespace's).
 * Without one, no port can be reported, so the per-port questions are not asked.
 */
function hasExclusion(graph: Graph, t: PodTemplate, mesh: 'istio' | 'linkerd'): boolean {
  if (mesh === 'istio') return t.annotations[ISTIO_EXCLUDE_INBOUND] !== undefined || t.annotations[ISTIO_INCLUDE_INBOUND] !== undefined;
  return (t.annotations[LINKERD_SKIP_INBOUND] ?? clusterFacts(graph).namespace(t.namespace).annotations[LINKERD_SKIP_INBOUND]) !== undefined;
}

function inbound(graph: Graph, t: PodTemplate, mesh: 'istio' | 'linkerd', ignored: ReadonlySet<number>, report: Reporter): void {
  if (!hasExclusion(graph, t, mesh)) return;
  const candidates = new Set<number>([...containerPorts(t).map((c) => c.port), ...servicePortsOf(graph, t).map((e) => e.targetPort)]);
  const byAnnotation = new Map<string, { path: Path; resource: Resource; annotation: string; ports: number[]; why: string[] }>();
  const policies = mesh === 'istio' ? policiesApplyingTo(graph, t).filter((p) => p.resource.group === 'security.istio.io' && p.resource.kind === 'AuthorizationPolicy') : [];
  const strict = mesh === 'istio' ? inboundMtlsOf(graph, t).mode === 'STRICT' : false;
  for (const port of [...candidates].sort((a, b) => a - b)) {
    if (ignored.has(port)) continue;
    const m = inboundMtlsOf(graph, t, port);
    const key = m.decidedBy.path[m.decidedBy.path.length - 1];
    if (m.mode !== 'DISABLE' || !m.decidedBy.resource || typeof key !== 'string' || !EXCLUSION_KEYS.includes(key)) continue;
    const why: string[] = [];
    const exposed = servicePortsOf(graph, t).filter((e) => e.targetPort === port);
    if (exposed.length) why.push(`${objectName(exposed[0]!.service)} sends its port ${exposed[0]!.servicePort ?? port} to it`);
    if (mesh === 'istio') {
      if (policies.length) why.push(`${objectName(policies[0]!.resource)} is meant to authorize its callers`);
      if (strict) why.push('the workload is otherwise STRICT');
    } else {
      const server = linkerdServersFor(graph, t, port)[0];
      if (server) why.push(`${objectName(server)} is meant to govern it`);
    }
    if (!why.length) continue;
    const k = pathKey(m.decidedBy.path);
    let g = byAnnotation.get(k);
    const ns = clusterFacts(graph).namespace(t.namespace);
    const annotation = `${key}=${t.annotations[key] ?? ns.annotations[key] ?? ''}`;
    if (!g) byAnnotation.set(k, (g = { path: m.decidedBy.path, resource: m.decidedBy.resource, annotation, ports: [], why: [] }));
    g.ports.push(port);
    g.why.push(`for ${port}: ${why.join(' and ')}`);
  }
  for (const g of byAnnotation.values()) {
    report({
      messageId: 'inboundExcluded',
      data: {
        workload: workloadName(t),
        ports: g.ports.join(', '),
        mesh: meshLabel(mesh),
        annotation: g.annotation,
        why: listNames(g.why, 4),
        istioNote: mesh === 'istio' ? "; meshed clients still send Istio mTLS to these ports (automatic mTLS does not see the exclusion), which the application cannot read, unless a DestinationRule disables TLS for them" : '',
      },
      resource: g.resource,
      path: g.path,
    });
  }
}

/** Service port → Services with that port whose backends run a proxy (memoised per graph). */
function meshedServicePorts(graph: Graph): ReadonlyMap<number, readonly Resource[]> {
  return graph.memo('mtls:meshedServicePorts', () => {
    const m = new Map<number, Resource[]>();
    for (const svc of graph.ofKind('', 'Service')) {
      const view = serviceView(graph, svc);
      if (!view.pods.some((p) => dataPlaneOf(graph, p).mode !== 'none')) continue;
      for (const p of view.ports) {
        if (p.port === undefined) continue;
        const l = m.get(p.port);
        if (l) l.push(svc);
        else m.set(p.port, [svc]);
      }
    }
    return m;
  });
}

function outbound(graph: Graph, t: PodTemplate, mesh: 'istio' | 'linkerd', ignored: ReadonlySet<number>, report: Reporter): void {
  const key = mesh === 'istio' ? ISTIO_EXCLUDE_OUTBOUND : LINKERD_SKIP_OUTBOUND;
  const value = t.annotations[key];
  if (value === undefined) return;
  const index = meshedServicePorts(graph);
  const ports: number[] = [];
  const why: string[] = [];
  for (const port of portList(value)) {
    if (ignored.has(port)) continue;
    const services = index.get(port);
    if (!services?.length) continue;
    ports.push(port);
    why.push(`${listNames(services.map(objectName), 2)} serve(s) meshed pods on port ${port}`);
  }
  if (!ports.length) return;
  report({
    messageId: 'outboundExcluded',
    data: { workload: workloadName(t), ports: ports.join(', '), mesh: meshLabel(mesh), annotation: `${key}=${value}`, why: listNames(why, 3) },
    resource: t.owner,
    path: [...t.path, 'metadata', 'annotations', key],
  });
}
