/**
 * Workload identities the input shows: which service accounts run pods in which namespace (semantics.md §2.7,
 * §3.2), with the identity strings each mesh derives from them, and the trust-domain facts needed to read a
 * principal.
 *
 * - Istio principal: `<trust domain>/ns/<namespace>/sa/<service account>` [I-API-AP Source]. A principal whose
 *   trust domain is literally `cluster.local` stands for the local trust domain and its aliases whatever the
 *   mesh's trust domain is (istio/istio pilot/pkg/security/trustdomain/bundle.go `ReplaceTrustDomainAliases`).
 * - Linkerd identity: `<sa>.<ns>.serviceaccount.identity.linkerd.<trust domain>` [L-DOC-MTLS].
 * - A pod runs as `spec.serviceAccountName` (deprecated `serviceAccount`), else `default`.
 */
import { isObject, str } from '../../load/types.js';
import type { Graph, PodTemplate } from '../graph.js';

export const IDENTITY_READS = ['workloads', 'ServiceAccount'] as const;

export interface IdentityIndex {
  /** namespace → service account → templates running as it. */
  readonly running: ReadonlyMap<string, ReadonlyMap<string, readonly PodTemplate[]>>;
  /** namespace → ServiceAccount objects declared in the input. */
  readonly declared: ReadonlyMap<string, ReadonlySet<string>>;
}

export function serviceAccountOf(t: PodTemplate): string {
  return str(t.spec.serviceAccountName) ?? str(t.spec.serviceAccount) ?? 'default';
}

export function identityIndex(graph: Graph): IdentityIndex {
  return graph.memo('mesh/identities:index', () => {
    const running = new Map<string, Map<string, PodTemplate[]>>();
    for (const t of graph.templates()) {
      let bySa = running.get(t.namespace);
      if (!bySa) running.set(t.namespace, (bySa = new Map()));
      const sa = serviceAccountOf(t);
      const l = bySa.get(sa);
      if (l) l.push(t);
      else bySa.set(sa, [t]);
    }
    const declared = new Map<string, Set<string>>();
    for (const sa of graph.ofKind('', 'ServiceAccount')) {
      const ns = sa.namespace ?? graph.defaultNamespace;
      let s = declared.get(ns);
      if (!s) declared.set(ns, (s = new Set()));
      s.add(sa.name);
    }
    return { running, declared };
  });
}

export interface IdentityLookup {
  /** A workload in the input runs as it, or the input declares the ServiceAccount. */
  readonly known: boolean;
  /** Templates running as it. */
  readonly templates: readonly PodTemplate[];
  /** True when the input shows workloads or ServiceAccounts in that namespace (so the namespace is not outside the input). */
  readonly namespaceInInput: boolean;
  /** Service accounts the input shows in that namespace (running or declared), sorted. */
  readonly accounts: readonly string[];
}

export function lookupIdentity(graph: Graph, namespace: string, serviceAccount: string): IdentityLookup {
  const idx = identityIndex(graph);
  const declared = idx.declared.get(namespace);
  const templates = idx.running.get(namespace)?.get(serviceAccount) ?? [];
  const accounts = accountsIn(graph, namespace);
  return {
    known: templates.length > 0 || Boolean(declared?.has(serviceAccount)),
    templates,
    namespaceInInput: accounts.length > 0,
    accounts,
  };
}

/** Service accounts the input shows in a namespace (running or declared), sorted; computed once per namespace. */
function accountsIn(graph: Graph, namespace: string): readonly string[] {
  return graph.memo('mesh/identities:accounts', namespace, () => {
    const idx = identityIndex(graph);
    return [...new Set([...(idx.running.get(namespace)?.keys() ?? []), ...(idx.declared.get(namespace) ?? [])])].sort();
  });
}

/** Namespaces in which the input shows workloads or ServiceAccounts. */
export function identityNamespaces(graph: Graph): readonly string[] {
  return graph.memo('mesh/identities:namespaces', () => {
    const idx = identityIndex(graph);
    return [...new Set([...idx.running.keys(), ...idx.declared.keys()])].sort();
  });
}

/**
 * Namespaces in which some workload runs as, or the input declares, this service account: one pass over the
 * index builds the map for every account (asking per namespace per principal was quadratic on large inputs).
 */
export function namespacesWithAccount(graph: Graph, serviceAccount: string): readonly string[] {
  const byAccount = graph.memo('mesh/identities:byAccount', () => {
    const m = new Map<string, string[]>();
    for (const ns of identityNamespaces(graph)) for (const sa of accountsIn(graph, ns)) (m.get(sa) ?? m.set(sa, []).get(sa)!).push(ns);
    return m;
  });
  return byAccount.get(serviceAccount) ?? [];
}

export interface TrustDomainFacts {
  readonly trustDomain: string;
  readonly aliases: readonly string[];
  /** True when the configuration does not declare the trust domain and the default `cluster.local` was used. */
  readonly assumed: boolean;
}

/**
 * Trust domains from the configuration: `cluster.istio.trustDomain` / `cluster.istio.trustDomainAliases`
 * (meshConfig.trustDomain, default cluster.local [I-API-MESH]) and `cluster.linkerd.trustDomain`
 * (identityTrustDomain, default cluster.local [L-DOC-MTLS]).
 */
export function trustDomainsOf(graph: Graph, mesh: 'istio' | 'linkerd'): TrustDomainFacts {
  // asked once per policy: read the configuration once per graph
  return graph.memo(mesh === 'istio' ? 'mesh/identities:td:istio' : 'mesh/identities:td:linkerd', () => readTrustDomains(graph, mesh));
}

function readTrustDomains(graph: Graph, mesh: 'istio' | 'linkerd'): TrustDomainFacts {
  const section = isObject(graph.cluster[mesh]) ? (graph.cluster[mesh] as Record<string, unknown>) : {};
  const td = typeof section.trustDomain === 'string' && section.trustDomain ? section.trustDomain : undefined;
  const aliases = Array.isArray(section.trustDomainAliases) ? section.trustDomainAliases.filter((x): x is string => typeof x === 'string') : [];
  return { trustDomain: td ?? 'cluster.local', aliases, assumed: td === undefined };
}

export interface IstioPrincipal {
  readonly trustDomain: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** `td/ns/<ns>/sa/<sa>` without wildcards; undefined for other shapes (wildcards are not checked). */
export function parseIstioPrincipal(p: string): IstioPrincipal | undefined {
  if (p.includes('*')) return undefined;
  const m = /^([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(p);
  if (!m) return undefined;
  return { trustDomain: m[1]!, namespace: m[2]!, serviceAccount: m[3]! };
}

export interface LinkerdIdentity {
  readonly serviceAccount: string;
  readonly namespace: string;
  readonly trustDomain: string;
}

/** `<sa>.<ns>.serviceaccount.identity.linkerd.<td>`; undefined for wildcards and other shapes. */
export function parseLinkerdIdentity(id: string): LinkerdIdentity | undefined {
  if (id.includes('*')) return undefined;
  const m = /^([^.]+)\.([^.]+)\.serviceaccount\.identity\.linkerd\.(.+)$/.exec(id);
  if (!m) return undefined;
  return { serviceAccount: m[1]!, namespace: m[2]!, trustDomain: m[3]! };
}
