/**
 * Istio `Sidecar` resources and their egress scope (semantics.md §2.6): which Sidecar governs a workload (one
 * whose `workloadSelector` picks it, else the selector-less one of its namespace, else the selector-less one of
 * the root namespace) and whether an egress host entry `namespace/dnsName` covers a destination.
 *
 * Host entries [I-API-SC hosts]: namespace `*` = any, `.` = the Sidecar's own namespace, `~` = none (the
 * documented `~/*` form trims all egress config; newer docs also describe `~ns/host` exclusions, which are not
 * modelled: such entries match nothing); dnsName is an FQDN, `*` or `*.<suffix>`.
 */
import { getIn, isObject, str, type Path, type Resource } from '../../load/types.js';
import type { Graph, PodTemplate } from '../graph.js';
import { clusterFacts } from './facts.js';
import { workloadsSelectedBy } from './targets.js';

export const EGRESS_READS: readonly string[] = ['Sidecar.networking.istio.io', 'workloads'];

export interface EgressHost {
  readonly raw: string;
  readonly namespace: string;
  readonly dns: string;
  readonly path: Path;
  /** The listener's port number, when the listener names one. */
  readonly port?: number;
}

function hasSelector(sc: Resource): boolean {
  const labels = getIn(sc.obj, ['spec', 'workloadSelector', 'labels']);
  return isObject(labels) && Object.keys(labels).length > 0;
}

/** The Sidecar resource that configures this workload's proxy, if any. */
export function sidecarResourceFor(graph: Graph, t: PodTemplate): Resource | undefined {
  return graph.memo('mesh:sidecarFor', t.owner.id, () => {
    const own = graph.inNamespace(t.namespace, 'networking.istio.io', 'Sidecar');
    const selecting = own.find((sc) => hasSelector(sc) && workloadsSelectedBy(graph, sc)?.templates.includes(t));
    if (selecting) return selecting;
    const nsWide = own.find((sc) => !hasSelector(sc));
    if (nsWide) return nsWide;
    const root = clusterFacts(graph).istio.rootNamespace;
    return graph.inNamespace(root, 'networking.istio.io', 'Sidecar').find((sc) => !hasSelector(sc));
  });
}

/** Egress host entries of a Sidecar; undefined when it has no `egress` section (the default: everything). */
export function egressHostsOf(sc: Resource): EgressHost[] | undefined {
  const egress = getIn(sc.obj, ['spec', 'egress']);
  if (!Array.isArray(egress)) return undefined;
  const out: EgressHost[] = [];
  egress.forEach((l, i) => {
    if (!isObject(l) || !Array.isArray(l.hosts)) return;
    const port = getIn(l, ['port', 'number']);
    l.hosts.forEach((h, j) => {
      if (typeof h !== 'string') return;
      const slash = h.indexOf('/');
      out.push({
        raw: h,
        namespace: slash < 0 ? '*' : h.slice(0, slash),
        dns: (slash < 0 ? h : h.slice(slash + 1)).toLowerCase(),
        path: ['spec', 'egress', i, 'hosts', j],
        port: typeof port === 'number' ? port : undefined,
      });
    });
  });
  return out;
}

/**
 * The entry of `sc` that makes `fqdn` (a host declared by configuration in namespace `hostNs`) visible, for a
 * call on `port` (undefined = port unknown, any listener counts).
 */
export function egressCovers(sc: Resource, fqdn: string, hostNs: string, port?: number): EgressHost | undefined {
  const hosts = egressHostsOf(sc);
  if (!hosts) return { raw: '(no egress section)', namespace: '*', dns: '*', path: ['spec'] };
  const own = sc.namespace;
  const name = fqdn.toLowerCase();
  return hosts.find((h) => {
    if (h.port !== undefined && port !== undefined && h.port !== port) return false;
    const nsOk = h.namespace === '*' || (h.namespace === '.' && hostNs === own) || h.namespace === hostNs;
    if (!nsOk) return false;
    if (h.dns === '*') return true;
    if (h.dns.startsWith('*.')) return name.endsWith(h.dns.slice(1));
    return h.dns === name;
  });
}

/** `meshConfig.outboundTrafficPolicy` as the Sidecar overrides it. */
export function outboundPolicyOf(graph: Graph, sc: Resource): { mode: 'ALLOW_ANY' | 'REGISTRY_ONLY'; how: string } {
  const m = str(getIn(sc.obj, ['spec', 'outboundTrafficPolicy', 'mode']));
  if (m === 'REGISTRY_ONLY' || m === 'ALLOW_ANY') return { mode: m, how: `the Sidecar sets outboundTrafficPolicy ${m}` };
  const facts = clusterFacts(graph);
  const declared = isObject(graph.cluster.istio) && typeof graph.cluster.istio.outboundTrafficPolicy === 'string';
  return { mode: facts.istio.outboundTrafficPolicy, how: declared ? `cluster.istio.outboundTrafficPolicy is ${facts.istio.outboundTrafficPolicy}` : "the mesh default ALLOW_ANY (cluster.istio.outboundTrafficPolicy not declared)" };
}
