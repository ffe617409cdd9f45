/**
 * Istio host names → Kubernetes Services and ServiceEntries (semantics.md §2.4–§2.6).
 *
 * How Istio reads a host string (istio/istio pkg/config/model.go `ResolveShortnameToFQDN`): a name without
 * a dot is a short name and becomes `<name>.<namespace of the object that wrote it>.svc.<cluster domain>`;
 * anything with a dot (`reviews.default`, `reviews.default.svc`) is taken literally, so only the full
 * `<name>.<ns>.svc.<domain>` form reaches a Service; `*` and `*.suffix` are wildcards; IP addresses stay as
 * they are. Services are published under their FQDN and may narrow their visibility with the annotation
 * `networking.istio.io/exportTo`; ServiceEntries declare hosts (exact or `*.suffix`) visible per `exportTo`.
 *
 * Every lookup is O(1) per host (plus one map probe per DNS label for wildcard ServiceEntries) through indexes
 * built once per graph.
 */
import { isObject, str, type JsonValue, type Resource } from '../../load/types.js';
import type { Graph } from '../graph.js';
import { clusterFacts } from './facts.js';
import { tableOf } from './tables.js';
import { pushTo as push } from '../../load/types.js';

export const HOST_READS = ['Service', 'ServiceEntry.networking.istio.io'] as const;

export interface ClusterDomain {
  readonly value: string;
  /** True when the configuration does not declare `cluster.clusterDomain` and the default was used. */
  readonly assumed: boolean;
}

/** The cluster DNS domain (cluster facts `clusterDomain`, default `cluster.local`), and whether it was assumed. */
export function clusterDomainOf(graph: Graph): ClusterDomain {
  return graph.memo('mesh/hosts:domain', () => {
    const declared = typeof graph.cluster.clusterDomain === 'string' && graph.cluster.clusterDomain !== '';
    return { value: clusterFacts(graph).clusterDomain.replace(/\.$/, ''), assumed: !declared };
  });
}

export type HostForm =
  /** No dot: expanded in the namespace of the object that wrote it. */
  | 'short'
  /** `<name>.<ns>.svc.<cluster domain>`. */
  | 'cluster'
  /** `<name>.<ns>` or `<name>.<ns>.svc`: Istio takes it literally, so it matches no Service. */
  | 'partial'
  | 'wildcard'
  | 'ip'
  /** Any other DNS name: outside the cluster unless a ServiceEntry declares it. */
  | 'external';

export interface HostResolution {
  /** As written. */
  readonly host: string;
  /** After short-name expansion (lower case). */
  readonly fqdn: string;
  readonly form: HostForm;
  /** The Service name and namespace the host designates (short, cluster and partial forms). */
  readonly designates?: { readonly name: string; readonly namespace: string };
  /** Kubernetes Services published under this host and visible from the referring namespace. */
  readonly services: readonly Resource[];
  /** ServiceEntries declaring this host (exactly, or by a wildcard covering it) visible from the referring namespace. */
  readonly serviceEntries: readonly Resource[];
  /** True when a Service or a ServiceEntry answers for the host. */
  readonly found: boolean;
  /** Why nothing answers (or what hides the match), in words a message can quote. */
  readonly reason?: string;
}

interface HostIndex {
  readonly serviceByFqdn: Map<string, Resource[]>;
  readonly servicesByName: Map<string, Resource[]>;
  readonly entryExact: Map<string, Resource[]>;
  /** `*.example.com` is stored under `.example.com`; `*` under the empty string. */
  readonly entryWildcard: Map<string, Resource[]>;
}

function hostIndex(graph: Graph): HostIndex {
  return graph.memo('mesh/hosts:index', () => {
    const domain = clusterDomainOf(graph).value;
    const serviceByFqdn = new Map<string, Resource[]>();
    const servicesByName = new Map<string, Resource[]>();
    for (const s of graph.ofKind('', 'Service')) {
      const ns = s.namespace ?? graph.defaultNamespace;
      push(serviceByFqdn, `${s.name}.${ns}.svc.${domain}`.toLowerCase(), s);
      push(servicesByName, s.name, s);
    }
    const entryExact = new Map<string, Resource[]>();
    const entryWildcard = new Map<string, Resource[]>();
    for (const se of graph.ofKind('networking.istio.io', 'ServiceEntry')) {
      const hosts = isObject(se.obj.spec) && Array.isArray(se.obj.spec.hosts) ? se.obj.spec.hosts : [];
      for (const h of hosts) {
        if (typeof h !== 'string' || !h) continue;
        const lower = h.toLowerCase();
        if (lower === '*') push(entryWildcard, '', se);
        else if (lower.startsWith('*.')) push(entryWildcard, lower.slice(1), se);
        else {
          push(entryExact, lower, se);
          // A dot-less ServiceEntry host is expanded like any other short name (namespace of the entry).
          if (!lower.includes('.')) push(entryExact, `${lower}.${se.namespace ?? graph.defaultNamespace}.svc.${domain}`, se);
        }
      }
    }
    return { serviceByFqdn, servicesByName, entryExact, entryWildcard };
  });
}

/** Kubernetes Services with this name in any namespace (for "exists elsewhere" hints). */
export function servicesNamed(graph: Graph, name: string): readonly Resource[] {
  return hostIndex(graph).servicesByName.get(name) ?? [];
}

/** Expand a host string as Istio does for an object in `fromNamespace`. */
export function expandHost(graph: Graph, host: string, fromNamespace: string): { fqdn: string; form: HostForm; designates?: { name: string; namespace: string } } {
  const domain = clusterDomainOf(graph).value.toLowerCase();
  const h = host.trim().toLowerCase();
  if (h === '*' || h.startsWith('*')) return { fqdn: h, form: 'wildcard' };
  if (isIp(h)) return { fqdn: h, form: 'ip' };
  if (!h.includes('.')) return { fqdn: `${h}.${fromNamespace}.svc.${domain}`, form: 'short', designates: { name: h, namespace: fromNamespace } };
  const suffix = `.svc.${domain}`;
  if (h.endsWith(suffix)) {
    const parts = h.slice(0, -suffix.length).split('.');
    if (parts.length === 2) return { fqdn: h, form: 'cluster', designates: { name: parts[0]!, namespace: parts[1]! } };
  }
  const parts = h.split('.');
  if ((parts.length === 2 || (parts.length === 3 && parts[2] === 'svc')) && parts.every((p) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p))) {
    return { fqdn: h, form: 'partial', designates: { name: parts[0]!, namespace: parts[1]! } };
  }
  return { fqdn: h, form: 'external' };
}

/**
 * Resolve a concrete (non-wildcard) host written by an object in `fromNamespace` to the Services and
 * ServiceEntries that answer for it, as the Istio control plane would. Memoised per (namespace, host).
 */
export function resolveHost(graph: Graph, host: string, fromNamespace: string): HostResolution {
  const byHost = perNamespace<HostResolution>(graph, 'mesh/hosts:resolve', fromNamespace);
  let r = byHost.get(host);
  if (r === undefined) byHost.set(host, (r = computeResolution(graph, host, fromNamespace)));
  return r;
}

/** namespace → key → value, for memos keyed by a namespace and a host (nested, so no key string is built per lookup). */
function perNamespace<V>(graph: Graph, table: string, namespace: string): Map<string, V> {
  const byNs = tableOf<string, Map<string, V>>(graph, table);
  let m = byNs.get(namespace);
  if (m === undefined) byNs.set(namespace, (m = new Map()));
  return m;
}

function computeResolution(graph: Graph, host: string, fromNamespace: string): HostResolution {
  const idx = hostIndex(graph);
  const { fqdn, form, designates } = expandHost(graph, host, fromNamespace);
  if (form === 'wildcard') {
    const m = hostsMatching(graph, fqdn, fromNamespace);
    return { host, fqdn, form, services: m.services, serviceEntries: m.serviceEntries, found: m.services.length + m.serviceEntries.length > 0, reason: m.services.length + m.serviceEntries.length ? undefined : `no Service or ServiceEntry in the input matches the wildcard ${host}` };
  }
  const allServices = idx.serviceByFqdn.get(fqdn) ?? [];
  const services = allServices.filter((s) => serviceVisible(graph, s, fromNamespace));
  const entries = entriesFor(graph, idx, fqdn).filter((se) => exportedTo(graph, se, exportToOf(se.obj.spec), fromNamespace));
  const found = services.length + entries.length > 0;
  let reason: string | undefined;
  if (!found) {
    if (allServices.length) reason = `Service ${describeNs(allServices[0]!)} is not exported to namespace ${fromNamespace} (annotation networking.istio.io/exportTo)`;
    else if (form === 'partial' && designates) {
      const svc = graph.find('', 'Service', designates.namespace, designates.name);
      reason = svc
        ? `Istio expands only names without a dot, so ${host} is looked up literally and matches nothing; the Service is ${designates.name}.${designates.namespace}.svc.${clusterDomainOf(graph).value}`
        : `Istio expands only names without a dot, so ${host} is looked up literally, and the input has no Service ${designates.namespace}/${designates.name} either`;
    } else if (form === 'ip') reason = `${host} is an IP address that no ServiceEntry declares`;
    else if (form === 'external') reason = `no ServiceEntry in the input declares ${host}`;
    else if (designates) reason = `no Service ${designates.name} in namespace ${designates.namespace} and no ServiceEntry declares ${fqdn}`;
  }
  return { host, fqdn, form, designates, services, serviceEntries: entries, found, reason };
}

function entriesFor(graph: Graph, idx: HostIndex, fqdn: string): Resource[] {
  const out = [...(idx.entryExact.get(fqdn) ?? [])];
  // Wildcards: probe every dot suffix ("*.b.example.com", "*.example.com", "*.com") and the bare "*".
  for (let i = fqdn.indexOf('.'); i >= 0; i = fqdn.indexOf('.', i + 1)) out.push(...(idx.entryWildcard.get(fqdn.slice(i)) ?? []));
  out.push(...(idx.entryWildcard.get('') ?? []));
  return [...new Set(out)];
}

/**
 * Services and ServiceEntries that a host pattern (possibly a wildcard) covers, visible from `fromNamespace`.
 * Wildcard patterns scan the Service index once per distinct pattern (memoised).
 */
export function hostsMatching(graph: Graph, pattern: string, fromNamespace: string): { services: readonly Resource[]; serviceEntries: readonly Resource[] } {
  const byPattern = perNamespace<{ services: readonly Resource[]; serviceEntries: readonly Resource[] }>(graph, 'mesh/hosts:match', fromNamespace);
  let m = byPattern.get(pattern);
  if (m === undefined) byPattern.set(pattern, (m = computeMatching(graph, pattern, fromNamespace)));
  return m;
}

function computeMatching(graph: Graph, pattern: string, fromNamespace: string): { services: readonly Resource[]; serviceEntries: readonly Resource[] } {
  const idx = hostIndex(graph);
  const p = pattern.toLowerCase();
  if (!p.startsWith('*')) {
    const r = resolveHost(graph, pattern, fromNamespace);
    return { services: r.services, serviceEntries: r.serviceEntries };
  }
  const services: Resource[] = [];
  for (const [fqdn, list] of idx.serviceByFqdn) if (hostMatches(p, fqdn)) services.push(...list.filter((s) => serviceVisible(graph, s, fromNamespace)));
  const entries = new Set<Resource>();
  for (const [h, list] of idx.entryExact) if (hostMatches(p, h)) list.forEach((e) => entries.add(e));
  for (const [suffix, list] of idx.entryWildcard) if (hostMatches(p, `*${suffix}`) || hostMatches(`*${suffix}`, p)) list.forEach((e) => entries.add(e));
  return { services, serviceEntries: [...entries].filter((se) => exportedTo(graph, se, exportToOf(se.obj.spec), fromNamespace)) };
}

/** Does host pattern `pattern` (`*`, `*.suffix` or exact) cover `host` (which may itself be a wildcard)? */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*')) {
    const suffix = p.slice(1);
    return h.endsWith(suffix) && h.length > suffix.length;
  }
  return p === h;
}

/** `exportTo` list of a VirtualService / DestinationRule / ServiceEntry spec; empty means everywhere. */
export function exportToOf(spec: JsonValue | undefined): string[] {
  if (!isObject(spec) || !Array.isArray(spec.exportTo)) return [];
  return spec.exportTo.filter((x): x is string => typeof x === 'string');
}

/** Is an object in its namespace with this exportTo list visible from `fromNamespace`? */
export function exportedTo(graph: Graph, r: Resource, exportTo: readonly string[], fromNamespace: string): boolean {
  if (exportTo.length === 0) return true;
  const own = r.namespace ?? graph.defaultNamespace;
  for (const e of exportTo) {
    if (e === '*') return true;
    if (e === '.' && own === fromNamespace) return true;
    if (e === fromNamespace) return true;
  }
  return false;
}

function serviceVisible(graph: Graph, svc: Resource, fromNamespace: string): boolean {
  const ann = isObject(svc.obj.metadata) && isObject(svc.obj.metadata.annotations) ? str(svc.obj.metadata.annotations['networking.istio.io/exportTo']) : undefined;
  if (!ann) return true;
  return exportedTo(graph, svc, ann.split(',').map((x) => x.trim()).filter(Boolean), fromNamespace);
}

function isIp(h: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || (h.includes(':') && /^[0-9a-f:.]+$/.test(h));
}

function describeNs(r: Resource): string {
  return `${r.namespace ?? ''}/${r.name}`;
}

