import type { PodTemplate } from '../graph/graph.js';
import { clusterFacts } from '../graph/mesh/facts.js';
import { dataPlaneOf, meshTitle, sidecarTemplates } from '../graph/mesh/injection.js';
import { ISTIO_PROXY_UID, ISTIO_RESERVED_PORTS, KUMA_SIDECAR_UID } from '../graph/mesh/markers.js';
import type { MeshName } from '../graph/mesh/model.js';
import { containerPorts, serviceView } from '../graph/services.js';
import { isObject, type Path } from '../load/types.js';
import { INJECTION_READS, said } from './_sidecar.js';
import { defineRule } from './types.js';

/** The proxy containers themselves may use the reserved numbers. */
const PROXY_CONTAINERS = new Set(['istio-proxy', 'linkerd-proxy', 'kuma-sidecar', 'consul-dataplane']);

export default defineRule({
  meta: {
    id: 'sidecar-reserved-conflict',
    description: "An application container that uses the mesh proxy's reserved user ID or ports.",
    level: 'error',
    family: 'sidecar',
    reads: [...INJECTION_READS, 'Service'],
    messages: {
      uid: 'container {container} runs as UID {uid}, which {mesh} reserves for its proxy ({effect}); the pod gets the proxy because {why}',
      port: 'container {container} declares port {port}, which the {mesh} proxy uses ({use}); the pod gets the proxy because {why}',
      servicePort: 'targetPort {port} sends traffic to the {mesh} proxy\'s own port ({use}) on {workload}, not to the application',
    },
    sources: [{ tool: 'istioctl analyze', id: 'IST0144' }],
    precision: 'very-high',
  },
  check({ graph, report }) {
    const facts = clusterFacts(graph);
    const linkerdPorts = new Map<number, string>([
      [facts.linkerd.proxyPorts.outbound, 'proxy outbound'],
      [facts.linkerd.proxyPorts.inbound, 'proxy inbound'],
      [facts.linkerd.proxyPorts.control, 'proxy control'],
      [facts.linkerd.proxyPorts.admin, 'proxy admin'],
    ]);
    const reservedPorts = (mesh: MeshName): ReadonlyMap<number, string> | undefined => (mesh === 'istio' ? ISTIO_RESERVED_PORTS : mesh === 'linkerd' ? linkerdPorts : undefined);

    for (const t of sidecarTemplates(graph)) {
      const dp = dataPlaneOf(graph, t);
      if (dp.mode !== 'sidecar' || !dp.mesh) continue;
      const level = dp.decidedBy.assumed ? 'note' : undefined;
      const uid = dp.mesh === 'istio' ? ISTIO_PROXY_UID : dp.mesh === 'kuma' ? KUMA_SIDECAR_UID : undefined;
      if (uid !== undefined) {
        for (const hit of containersRunningAs(t, uid)) {
          const effect = dp.mesh === 'istio' ? 'its traffic is not captured, so it bypasses the mesh' : 'the Kuma injector rejects the pod';
          report({ messageId: 'uid', data: { container: hit.container, uid, mesh: meshTitle(dp.mesh), effect, why: said(dp.decidedBy) }, resource: t.owner, path: hit.path, level });
        }
      }
      const reserved = reservedPorts(dp.mesh);
      if (!reserved) continue;
      for (const cp of containerPorts(t)) {
        const use = reserved.get(cp.port);
        if (!use || PROXY_CONTAINERS.has(cp.container)) continue;
        report({ messageId: 'port', data: { container: cp.container, port: cp.port, mesh: meshTitle(dp.mesh), use, why: said(dp.decidedBy) }, resource: t.owner, path: [...cp.path, 'containerPort'], level });
      }
    }

    // A Service whose numeric targetPort lands on a proxy port of meshed pods (and no app container declares it).
    for (const svc of graph.ofKind('', 'Service')) {
      for (const p of serviceView(graph, svc).ports) {
        // an endpoint of a numeric targetPort is that very port: only a reserved number can match
        if (typeof p.targetPort !== 'number' || (!ISTIO_RESERVED_PORTS.has(p.targetPort) && !linkerdPorts.has(p.targetPort))) continue;
        const ep = p.endpoints.find((e) => {
          const dp = dataPlaneOf(graph, e.template);
          const reserved = dp.mode === 'sidecar' && dp.mesh ? reservedPorts(dp.mesh) : undefined;
          return reserved?.has(e.port) && !containerPorts(e.template).some((cp) => cp.port === e.port);
        });
        if (!ep) continue;
        const dp = dataPlaneOf(graph, ep.template);
        report({
          messageId: 'servicePort',
          data: { port: ep.port, mesh: meshTitle(dp.mesh!), use: reservedPorts(dp.mesh!)!.get(ep.port)!, workload: `${ep.template.owner.kind} ${ep.template.namespace}/${ep.template.owner.name}` },
          resource: svc,
          path: [...p.path, p.targetPortSet ? 'targetPort' : 'port'],
          level: dp.decidedBy.assumed ? 'note' : undefined,
        });
      }
    }
  },
});

/** App containers whose effective runAsUser (own, else the pod's) is `uid`, with the path that sets it. */
function containersRunningAs(t: PodTemplate, uid: number): { container: string; path: Path }[] {
  const podUid = isObject(t.spec.securityContext) ? t.spec.securityContext.runAsUser : undefined;
  const out: { container: string; path: Path }[] = [];
  const list = t.spec.containers;
  if (!Array.isArray(list)) return out;
  list.forEach((c, i) => {
    if (!isObject(c) || PROXY_CONTAINERS.has(String(c.name))) return;
    const own = isObject(c.securityContext) ? c.securityContext.runAsUser : undefined;
    if (own === uid) out.push({ container: String(c.name ?? `#${i}`), path: [...t.path, 'spec', 'containers', i, 'securityContext', 'runAsUser'] });
    else if (own === undefined && podUid === uid) {
      const inherited = out.find((o) => o.path.length === t.path.length + 3);
      if (inherited) inherited.container += `, ${String(c.name ?? `#${i}`)}`;
      else out.push({ container: String(c.name ?? `#${i}`), path: [...t.path, 'spec', 'securityContext', 'runAsUser'] });
    }
  });
  return out;
}
