import { CALL_READS, callsFrom } from '../graph/calls.js';
import type { Graph, PodTemplate } from '../graph/graph.js';
import { labelSelector, selectorMatches } from '../graph/labels.js';
import { egressCovers, EGRESS_READS, egressHostsOf, outboundPolicyOf, sidecarResourceFor } from '../graph/mesh/egress.js';
import { clusterFacts } from '../graph/mesh/facts.js';
import { resolveHost } from '../graph/mesh/hosts.js';
import { dataPlaneOf, templatesOfMesh } from '../graph/mesh/injection.js';
import { ISTIO_ROUTE_READS, istioRouteEdges } from '../graph/mesh/routes.js';
import { TARGET_READS } from '../graph/mesh/targets.js';
import { getIn, isObject, type Path, type Resource } from '../load/types.js';
import { INJECTION_READS, nameOf } from './_sidecar.js';
import { defineRule, type RelatedLocation } from './types.js';

/** A Service the workload needs to see, and why meshlint thinks so. */
interface Need {
  readonly service: Resource;
  readonly port: number | undefined;
  readonly why: string;
  readonly at: RelatedLocation;
}

export default defineRule({
  meta: {
    id: 'sidecar-egress-missing-host',
    description: "An Istio Sidecar resource whose egress hosts leave out a service that its workloads call.",
    level: 'warning',
    family: 'sidecar',
    reads: [...new Set([...INJECTION_READS, ...EGRESS_READS, ...TARGET_READS, ...CALL_READS, ...ISTIO_ROUTE_READS])],
    messages: {
      missing: '{workload} calls {host} ({why}), but no egress host of this Sidecar covers it (it lists {hosts}): {consequence}',
    },
    sources: [{ tool: 'Istio docs', id: 'Sidecar egress hosts' }],
    precision: 'high',
  },
  check({ graph, report }) {
    const domain = clusterFacts(graph).clusterDomain;
    const reported = new Set<string>();
    for (const t of templatesOfMesh(graph, 'istio')) {
      const dp = dataPlaneOf(graph, t);
      if (dp.mesh !== 'istio' || dp.mode !== 'sidecar') continue;
      const sc = sidecarResourceFor(graph, t);
      if (!sc) continue;
      const hosts = egressHostsOf(sc);
      if (!hosts) continue;
      for (const need of needsOf(graph, t)) {
        const ns = need.service.namespace ?? graph.defaultNamespace;
        const fqdn = `${need.service.name}.${ns}.svc.${domain}`;
        if (egressCovers(sc, fqdn, ns, need.port)) continue;
        const key = `${sc.id}|${need.service.id}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const policy = outboundPolicyOf(graph, sc);
        report({
          messageId: 'missing',
          data: {
            workload: nameOf(t.owner),
            host: `${fqdn}${need.port !== undefined ? `:${need.port}` : ''}`,
            why: need.why,
            hosts: hosts.length ? hosts.map((h) => h.raw + (h.port !== undefined ? ` (port ${h.port})` : '')).join(', ') : 'nothing',
            consequence:
              policy.mode === 'REGISTRY_ONLY'
                ? `with ${policy.how}, those calls fail (502, BlackHoleCluster)`
                : `with ${policy.how}, those calls leave through the passthrough cluster: no mTLS, and no VirtualService routing, retries or timeouts`,
          },
          resource: sc,
          path: hostsPath(sc),
          related: [need.at],
        });
      }
    }
  },
});

function hostsPath(sc: Resource): Path {
  const egress = getIn(sc.obj, ['spec', 'egress']);
  return Array.isArray(egress) && egress.length ? ['spec', 'egress', 0, 'hosts'] : ['spec', 'egress'];
}

/** Services the workload calls (call graph + VirtualService sourceLabels), and the destinations VirtualServices route those to. */
function needsOf(graph: Graph, t: PodTemplate): Need[] {
  const direct: Need[] = [];
  for (const e of callsFrom(graph, t)) {
    if (e.self) continue;
    const ev = e.evidence[0];
    direct.push({
      service: e.to,
      port: e.port?.port,
      why: ev ? ev.text : 'call graph',
      at: ev ? { resource: ev.resource, path: ev.path, message: 'the call' } : { resource: t.owner, path: [...t.path, 'spec'], message: 'caller' },
    });
  }
  for (const m of sourceLabelRoutes(graph)) {
    if (m.sourceNamespace !== undefined && m.sourceNamespace !== t.namespace) continue;
    if (m.sourceNamespace === undefined && m.vs.namespace !== t.namespace) continue;
    if (!selectorMatches(m.selector, t.labels)) continue;
    for (const svc of m.services) direct.push({ service: svc, port: undefined, why: `VirtualService ${m.vs.namespace}/${m.vs.name} routes its requests by sourceLabels`, at: { resource: m.vs, path: m.path, message: 'sourceLabels match' } });
  }
  const out = [...direct];
  for (const n of direct) {
    for (const d of vsDestinations(graph).get(n.service.id) ?? []) {
      if (d.service === n.service) continue;
      out.push({ service: d.service, port: d.port, why: `${n.why}, and VirtualService ${d.vs.namespace}/${d.vs.name} routes ${n.service.name} to it`, at: { resource: d.vs, path: d.path, message: 'route destination' } });
    }
  }
  return out;
}

interface SourceLabelRoute {
  readonly vs: Resource;
  readonly path: Path;
  readonly selector: ReturnType<typeof labelSelector>;
  readonly sourceNamespace: string | undefined;
  readonly services: readonly Resource[];
}

/** VirtualService http matches with `sourceLabels`, indexed once per graph. */
function sourceLabelRoutes(graph: Graph): readonly SourceLabelRoute[] {
  return graph.memo('sidecar-egress:sourceLabels', () => {
    const out: SourceLabelRoute[] = [];
    for (const vs of graph.ofKind('networking.istio.io', 'VirtualService')) {
      const http = getIn(vs.obj, ['spec', 'http']);
      if (!Array.isArray(http)) continue;
      const hosts = getIn(vs.obj, ['spec', 'hosts']);
      const ns = vs.namespace ?? graph.defaultNamespace;
      const services = (Array.isArray(hosts) ? hosts : []).flatMap((h) => (typeof h === 'string' ? resolveHost(graph, h, ns).services : []));
      http.forEach((r, i) => {
        const matches = getIn(r, ['match']);
        if (!Array.isArray(matches)) return;
        matches.forEach((m, j) => {
          if (!isObject(m) || !isObject(m.sourceLabels)) return;
          out.push({
            vs,
            path: ['spec', 'http', i, 'match', j, 'sourceLabels'],
            selector: labelSelector({ matchLabels: m.sourceLabels }, 'nothing'),
            sourceNamespace: typeof m.sourceNamespace === 'string' ? m.sourceNamespace : undefined,
            services,
          });
        });
      });
    }
    return out;
  });
}

/** Service id → the Services that mesh-bound VirtualServices for it route to. */
function vsDestinations(graph: Graph): ReadonlyMap<number, readonly { service: Resource; port: number | undefined; vs: Resource; path: Path }[]> {
  return graph.memo('sidecar-egress:vsDestinations', () => {
    const m = new Map<number, { service: Resource; port: number | undefined; vs: Resource; path: Path }[]>();
    for (const e of istioRouteEdges(graph)) {
      if (!e.to.service || e.route.kind !== 'VirtualService') continue;
      if (e.parents.length && !e.parents.some((p) => p.status === 'mesh')) continue;
      const ns = e.route.namespace ?? graph.defaultNamespace;
      for (const h of e.callerHosts) {
        for (const called of resolveHost(graph, h, ns).services) {
          const l = m.get(called.id) ?? [];
          l.push({ service: e.to.service, port: typeof e.to.port === 'number' ? e.to.port : undefined, vs: e.route, path: e.path });
          m.set(called.id, l);
        }
      }
    }
    return m;
  });
}
