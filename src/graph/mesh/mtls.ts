/**
 * Effective inbound mTLS of a workload (and of one of its container ports): what a plaintext caller gets.
 *
 * - Istio (semantics.md §2.3): PeerAuthentication mesh (selector-less, root namespace) → namespace
 *   (selector-less, other namespaces) → workload (non-empty `selector.matchLabels`, not in the root namespace)
 *   → `portLevelMtls` of that workload policy, keyed by container port. Each non-UNSET level overrides its
 *   parent; nothing anywhere means PERMISSIVE [I-AUTHN-COMPOSE; I-AUTHN-MODEL]. A selector in the root namespace
 *   is ignored. Several policies at one level: the oldest wins, which a linter cannot know, so the first in the
 *   input is taken and the Decision says so (assumed). Ambient ignores DISABLE [I-API-PA; I-DOC-AMB-L4]. Ports
 *   excluded from capture bypass the proxy entirely [I-DOC-SECBP].
 * - Linkerd (§3.2, §3.3): meshed pods always speak mTLS to each other; what a plaintext caller gets is decided
 *   by policy: a `Server` on the port (deny unless authorized; authorizations that require an identity make it
 *   STRICT, a NetworkAuthentication or `unauthenticated` client makes it PERMISSIVE), else the default inbound
 *   policy (pod annotation, namespace annotation, cluster default `all-unauthenticated`). Skip ports bypass.
 * - Consul (§4): strict by default; `mutualTLSMode: permissive` in ServiceDefaults (over ProxyDefaults) only
 *   takes effect when the Mesh entry sets `allowEnablingPermissiveMutualTLS` [C-SD-TYPES; C-MESH-TYPES].
 * - Kuma (§5): the pod's Mesh `spec.mtls.enabledBackend` (absent ⇒ DISABLE) and the backend's mode (STRICT
 *   unless PERMISSIVE), refined by MeshTLS policies (`Strict`/`Permissive`) [KU-DOC-MTLS; KU-DOC-MESHTLS].
 */
import { getIn, isObject, str, type JsonObject, type Path, type Resource } from '../../load/types.js';
import type { Graph, PodTemplate } from '../graph.js';
import { labelSelector, selectorMatches, type Selector } from '../labels.js';
import { containerPorts } from '../services.js';
import { atLeast, clusterFacts } from './facts.js';
import { dataPlaneOf, meshTitle } from './injection.js';
import {
  ISTIO_EXCLUDE_INBOUND,
  ISTIO_INCLUDE_INBOUND,
  KUMA_MESH,
  LINKERD_DEFAULT_INBOUND_POLICY,
  LINKERD_INBOUND_POLICIES,
  LINKERD_SKIP_INBOUND,
  type LinkerdInboundPolicy,
} from './markers.js';
import type { DataPlane, Decision, InboundMtls, MtlsMode } from './model.js';
import { tableOf } from './tables.js';
import { consulServices, TARGET_READS, workloadsSelectedBy } from './targets.js';

/** Group-kind keys `inboundMtlsOf` (and the helpers below) may read; spread into a rule's `meta.reads`. */
export const MTLS_READS: readonly string[] = [
  ...TARGET_READS,
  'PeerAuthentication.security.istio.io',
  'ServerAuthorization.policy.linkerd.io',
  'AuthorizationPolicy.policy.linkerd.io',
  'MeshTLSAuthentication.policy.linkerd.io',
  'NetworkAuthentication.policy.linkerd.io',
  'ServiceDefaults.consul.hashicorp.com',
  'ProxyDefaults.consul.hashicorp.com',
  'Mesh.consul.hashicorp.com',
  'Mesh.kuma.io',
  'MeshTLS.kuma.io',
  'MeshIdentity.kuma.io',
];

/** Memoised answers for one template: the workload as a whole, and per container port. */
interface TemplateMtls {
  whole: InboundMtls | undefined;
  byPort: Map<number, InboundMtls> | undefined;
}

export function inboundMtlsOf(graph: Graph, t: PodTemplate, port?: number): InboundMtls {
  const table = tableOf<number, TemplateMtls>(graph, 'mesh:mtls');
  let e = table.get(t.owner.id);
  if (e === undefined) table.set(t.owner.id, (e = { whole: undefined, byPort: undefined }));
  if (port === undefined) return (e.whole ??= computeWhole(graph, t));
  let v = e.byPort?.get(port);
  if (v === undefined) {
    v = portInbound(graph, t, port) ?? (e.whole ??= computeWhole(graph, t));
    (e.byPort ??= new Map()).set(port, v);
  }
  return v;
}

/** The workload's inbound mTLS, whatever the port. */
function computeWhole(graph: Graph, t: PodTemplate): InboundMtls {
  const dp = dataPlaneOf(graph, t);
  if (dp.mode === 'none' || !dp.mesh) {
    // Templates of one namespace share their data plane object, and so this answer.
    const table = tableOf<DataPlane, InboundMtls>(graph, 'mesh:mtls:noProxy');
    let v = table.get(dp);
    if (v === undefined) table.set(dp, (v = { mesh: undefined, mode: 'DISABLE', decidedBy: { ...dp.decidedBy, reason: `no proxy: ${dp.decidedBy.reason}` } }));
    return v;
  }
  switch (dp.mesh) {
    case 'istio':
      return istioWhole(graph, t, dp.mode === 'ambient');
    case 'linkerd':
      return linkerdWhole(graph, t);
    case 'consul':
      return consulInbound(graph, t);
    case 'kuma':
      return kumaInbound(graph, t);
  }
}

/**
 * What decides one port when it is not the workload's own verdict: a capture exclusion or `portLevelMtls` (Istio),
 * a skip port or a Server (Linkerd). Consul and Kuma decide per workload. Undefined: the workload's answer holds.
 */
function portInbound(graph: Graph, t: PodTemplate, port: number): InboundMtls | undefined {
  const dp = dataPlaneOf(graph, t);
  if (dp.mode === 'none' || !dp.mesh) return undefined;
  if (dp.mesh === 'istio') return istioPort(graph, t, port, dp.mode === 'ambient');
  if (dp.mesh === 'linkerd') return linkerdPort(graph, t, port);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Istio

export interface PeerAuthentications {
  /** Selector-less PeerAuthentications in the root namespace. */
  readonly mesh: readonly Resource[];
  /** Selector-less PeerAuthentications in the workload's namespace (empty when that is the root namespace). */
  readonly namespace: readonly Resource[];
  /** PeerAuthentications in the workload's namespace whose selector matches it. */
  readonly workload: readonly Resource[];
  /** Root-namespace PeerAuthentications with a selector matching the workload's labels: Istio ignores them. */
  readonly ignoredRoot: readonly Resource[];
}

function hasWorkloadSelector(pa: Resource): boolean {
  const ml = getIn(pa.obj, ['spec', 'selector', 'matchLabels']);
  return isObject(ml) && Object.keys(ml).length > 0;
}

interface SelectingPeerAuthentication {
  readonly pa: Resource;
  readonly selector: Selector;
}

/** A namespace's PeerAuthentications, sorted by level once; only the selector matching is left per workload. */
interface NamespacePeerAuthentications {
  readonly mesh: readonly Resource[];
  readonly namespace: readonly Resource[];
  readonly selecting: readonly SelectingPeerAuthentication[];
  readonly selectingRoot: readonly SelectingPeerAuthentication[];
  /** The answer for workloads that no selector picks. */
  readonly unselected: PeerAuthentications;
}

function namespacePeerAuthentications(graph: Graph, namespace: string): NamespacePeerAuthentications {
  return graph.memo('mesh:pa:ns', namespace, () => {
    const root = clusterFacts(graph).istio.rootNamespace;
    const inRoot = rootPeerAuthentications(graph, root);
    const own = namespace === root ? [] : graph.inNamespace(namespace, 'security.istio.io', 'PeerAuthentication');
    const ownWide: Resource[] = [];
    const selecting: SelectingPeerAuthentication[] = [];
    for (const p of own) {
      if (hasWorkloadSelector(p)) selecting.push({ pa: p, selector: paSelector(p) });
      else ownWide.push(p);
    }
    return {
      mesh: inRoot.mesh,
      namespace: ownWide,
      selecting,
      selectingRoot: inRoot.selecting,
      unselected: { mesh: inRoot.mesh, namespace: ownWide, workload: [], ignoredRoot: [] },
    };
  });
}

function rootPeerAuthentications(graph: Graph, root: string): { mesh: readonly Resource[]; selecting: readonly SelectingPeerAuthentication[] } {
  return graph.memo('mesh:pa:root', () => {
    const mesh: Resource[] = [];
    const selecting: SelectingPeerAuthentication[] = [];
    for (const p of graph.inNamespace(root, 'security.istio.io', 'PeerAuthentication')) {
      if (hasWorkloadSelector(p)) selecting.push({ pa: p, selector: paSelector(p) });
      else mesh.push(p);
    }
    return { mesh, selecting };
  });
}

function paSelector(pa: Resource): Selector {
  return labelSelector({ matchLabels: getIn(pa.obj, ['spec', 'selector', 'matchLabels']) ?? {} }, 'nothing');
}

/** Which PeerAuthentications apply to the workload at each level (input order). */
export function peerAuthenticationsFor(graph: Graph, t: PodTemplate): PeerAuthentications {
  const table = tableOf<number, PeerAuthentications>(graph, 'mesh:pa');
  let v = table.get(t.owner.id);
  if (v === undefined) {
    const n = namespacePeerAuthentications(graph, t.namespace);
    const workload = matching(n.selecting, t);
    const ignoredRoot = matching(n.selectingRoot, t);
    v = !workload.length && !ignoredRoot.length ? n.unselected : { mesh: n.mesh, namespace: n.namespace, workload, ignoredRoot };
    table.set(t.owner.id, v);
  }
  return v;
}

function matching(list: readonly SelectingPeerAuthentication[], t: PodTemplate): Resource[] {
  const out: Resource[] = [];
  for (const e of list) if (selectorMatches(e.selector, t.labels)) out.push(e.pa);
  return out;
}

/** A PeerAuthentication's `mtls.mode` (UNSET when absent). */
export function peerAuthenticationMode(pa: Resource): { mode: MtlsMode; path: Path } {
  const m = getIn(pa.obj, ['spec', 'mtls', 'mode']);
  const mode: MtlsMode = m === 'STRICT' || m === 'PERMISSIVE' || m === 'DISABLE' ? m : 'UNSET';
  return { mode, path: m === undefined ? ['spec', 'mtls'] : ['spec', 'mtls', 'mode'] };
}

/** The `portLevelMtls` entry for a container port, with its path (keys may be written as strings or numbers). */
export function peerAuthenticationPortMode(pa: Resource, port: number): { mode: MtlsMode; path: Path } | undefined {
  const plm = getIn(pa.obj, ['spec', 'portLevelMtls']);
  if (!isObject(plm)) return undefined;
  const key = Object.keys(plm).find((k) => Number(k) === port);
  if (key === undefined) return undefined;
  const entry = plm[key];
  const m = isObject(entry) ? entry.mode : undefined;
  const mode: MtlsMode = m === 'STRICT' || m === 'PERMISSIVE' || m === 'DISABLE' ? m : 'UNSET';
  return { mode, path: ['spec', 'portLevelMtls', key, ...(m === undefined ? [] : ['mode'])] };
}

/** Container ports excluded from inbound capture by the Istio annotations (they bypass Envoy). */
export function istioInboundExcluded(t: PodTemplate, port: number): Decision | undefined {
  const ex = t.annotations[ISTIO_EXCLUDE_INBOUND];
  if (ex !== undefined && portList(ex).includes(port)) {
    return { resource: t.owner, path: [...t.path, 'metadata', 'annotations', ISTIO_EXCLUDE_INBOUND], reason: `port ${port} is listed in ${ISTIO_EXCLUDE_INBOUND}, so inbound traffic bypasses the proxy`, assumed: false };
  }
  const inc = t.annotations[ISTIO_INCLUDE_INBOUND];
  if (inc !== undefined && inc.trim() !== '*' && !portList(inc).includes(port)) {
    return { resource: t.owner, path: [...t.path, 'metadata', 'annotations', ISTIO_INCLUDE_INBOUND], reason: `port ${port} is not in ${ISTIO_INCLUDE_INBOUND}=${inc}, so inbound traffic bypasses the proxy`, assumed: false };
  }
  return undefined;
}

/** A port of an Istio workload: excluded from capture, or given its own mode by the workload policy's portLevelMtls. */
function istioPort(graph: Graph, t: PodTemplate, port: number, ambient: boolean): InboundMtls | undefined {
  if (!ambient) {
    const bypass = istioInboundExcluded(t, port);
    if (bypass) return { mesh: 'istio', mode: 'DISABLE', decidedBy: bypass };
  }
  const pas = peerAuthenticationsFor(graph, t);
  const wl = pas.workload[0];
  if (!wl) return undefined;
  const pm = peerAuthenticationPortMode(wl, port);
  if (!pm || !usableMode(pm.mode, ambient)) return undefined;
  return {
    mesh: 'istio',
    mode: pm.mode,
    decidedBy: { resource: wl, path: pm.path, reason: `portLevelMtls for port ${port} in PeerAuthentication ${wl.namespace}/${wl.name} sets ${pm.mode}`, assumed: pas.workload.length > 1 },
  };
}

function usableMode(m: MtlsMode, ambient: boolean): boolean {
  return m !== 'UNSET' && !(ambient && m === 'DISABLE');
}

/** The workload's mode from the mesh-wide, namespace-wide and workload PeerAuthentications. */
function istioWhole(graph: Graph, t: PodTemplate, ambient: boolean): InboundMtls {
  const pas = peerAuthenticationsFor(graph, t);
  if (pas.workload.length) return istioLevels(graph, pas, ambient);
  // No workload policy: every such workload of the namespace (sidecar or ambient) gets the same answer.
  const table = tableOf<string, { sidecar?: InboundMtls; ambient?: InboundMtls }>(graph, 'mesh:mtls:istioNs');
  let e = table.get(t.namespace);
  if (e === undefined) table.set(t.namespace, (e = {}));
  return ambient ? (e.ambient ??= istioLevels(graph, pas, true)) : (e.sidecar ??= istioLevels(graph, pas, false));
}

interface LevelState {
  mode: MtlsMode;
  decidedBy: Decision;
}

function istioLevels(graph: Graph, pas: PeerAuthentications, ambient: boolean): InboundMtls {
  const facts = clusterFacts(graph);
  const state: LevelState = {
    mode: 'PERMISSIVE',
    decidedBy: {
      path: [],
      reason: `no PeerAuthentication in the input sets a mode for it and cluster.istio.meshMtls is not declared, so Istio's default PERMISSIVE applies (a mesh-wide policy in ${facts.istio.rootNamespace} outside the input would change that)`,
      assumed: true,
    },
  };
  if (pas.mesh.length) istioLevel(state, pas.mesh, 'mesh-wide', ambient);
  else if (facts.istio.meshMtls && usableMode(facts.istio.meshMtls, ambient)) {
    state.mode = facts.istio.meshMtls;
    state.decidedBy = { path: [], reason: `the mesh-wide PeerAuthentication declared in cluster.istio.meshMtls sets ${state.mode}`, assumed: false };
  }
  istioLevel(state, pas.namespace, 'namespace-wide', ambient);
  istioLevel(state, pas.workload, 'workload', ambient);
  return { mesh: 'istio', mode: state.mode, decidedBy: state.decidedBy };
}

/** One level overrides its parent when it sets a usable mode; several at one level: the first in the input. */
function istioLevel(state: LevelState, list: readonly Resource[], what: string, ambient: boolean): void {
  const first = list[0];
  if (!first) return;
  const { mode: m, path } = peerAuthenticationMode(first);
  const several = list.length > 1 ? `; ${list.length} ${what} PeerAuthentications compete and Istio keeps the oldest, which the input cannot show, so the first in the input was taken` : '';
  if (ambient && m === 'DISABLE') {
    state.decidedBy = { ...state.decidedBy, reason: `${state.decidedBy.reason}; ${what} PeerAuthentication ${first.namespace}/${first.name} sets DISABLE, which ambient ignores` };
    return;
  }
  if (!usableMode(m, ambient)) return;
  state.mode = m;
  state.decidedBy = { resource: first, path, reason: `${what} PeerAuthentication ${first.namespace}/${first.name} sets ${m}${several}`, assumed: several !== '' };
}

// ---------------------------------------------------------------------------------------------------------
// Linkerd

export interface LinkerdDefaultPolicy {
  readonly policy: LinkerdInboundPolicy;
  readonly decidedBy: Decision;
}

/** The default inbound policy of a meshed pod: pod annotation, namespace annotation, cluster default [L-DOC-AUTHZ]. */
export function linkerdDefaultPolicyOf(graph: Graph, t: PodTemplate): LinkerdDefaultPolicy {
  const facts = clusterFacts(graph);
  const valid = (v: string | undefined): v is LinkerdInboundPolicy => v !== undefined && (LINKERD_INBOUND_POLICIES as readonly string[]).includes(v);
  const pa = t.annotations[LINKERD_DEFAULT_INBOUND_POLICY];
  if (valid(pa)) {
    return { policy: pa, decidedBy: { resource: t.owner, path: [...t.path, 'metadata', 'annotations', LINKERD_DEFAULT_INBOUND_POLICY], reason: `pod annotation ${LINKERD_DEFAULT_INBOUND_POLICY}=${pa}`, assumed: false } };
  }
  const ns = facts.namespace(t.namespace);
  const na = ns.annotations[LINKERD_DEFAULT_INBOUND_POLICY];
  if (valid(na)) {
    const o = ns.annotationOrigin(LINKERD_DEFAULT_INBOUND_POLICY);
    return { policy: na, decidedBy: { resource: o?.resource, path: o?.path ?? [], reason: o?.text ?? `namespace annotation ${LINKERD_DEFAULT_INBOUND_POLICY}=${na}`, assumed: false } };
  }
  const declared = typeof (isObject(graph.cluster.linkerd) ? graph.cluster.linkerd : {}).defaultInboundPolicy === 'string';
  return {
    policy: facts.linkerd.defaultInboundPolicy,
    decidedBy: {
      path: [],
      reason: declared
        ? `the cluster default inbound policy (cluster.linkerd.defaultInboundPolicy) is ${facts.linkerd.defaultInboundPolicy}`
        : `no pod or namespace annotation sets a default inbound policy, so Linkerd's install default all-unauthenticated is assumed (set cluster.linkerd.defaultInboundPolicy if yours differs)`,
      assumed: !declared || !ns.known,
    },
  };
}

/** Linkerd Servers that select the workload (optionally on one container port), in input order. */
export function linkerdServersFor(graph: Graph, t: PodTemplate, port?: number): readonly Resource[] {
  const servers = serversSelecting(graph, t);
  if (port === undefined || servers.length === 0) return servers;
  return servers.filter((s) => serverPortMatches(t, getIn(s.obj, ['spec', 'port']), port));
}

function firstLinkerdServer(graph: Graph, t: PodTemplate, port: number): Resource | undefined {
  for (const s of serversSelecting(graph, t)) if (serverPortMatches(t, getIn(s.obj, ['spec', 'port']), port)) return s;
  return undefined;
}

const NO_SERVERS: readonly Resource[] = Object.freeze([]);

/**
 * Servers of the template's namespace whose selection includes it, through an index built once: every Server
 * resolved once with `workloadsSelectedBy` (which selects in the Server's own namespace), in input order.
 */
function serversSelecting(graph: Graph, t: PodTemplate): readonly Resource[] {
  const byTemplate = graph.memo('mesh:l5dServersByTemplate', () => {
    const m = new Map<number, Resource[]>();
    for (const s of graph.ofKind('policy.linkerd.io', 'Server')) {
      // `linkerdServersFor` looks among the Servers listed in a namespace, which those without one are not.
      if (s.namespace === undefined) continue;
      for (const tt of workloadsSelectedBy(graph, s)?.templates ?? NO_TEMPLATES) {
        if (tt.namespace !== s.namespace) continue;
        const l = m.get(tt.owner.id);
        if (l) {
          if (!l.includes(s)) l.push(s);
        } else m.set(tt.owner.id, [s]);
      }
    }
    return m;
  });
  return byTemplate.get(t.owner.id) ?? NO_SERVERS;
}

const NO_TEMPLATES: readonly PodTemplate[] = Object.freeze([]);

function serverPortMatches(t: PodTemplate, ref: unknown, port: number): boolean {
  if (typeof ref === 'number') return ref === port;
  if (typeof ref !== 'string') return false;
  if (/^\d+$/.test(ref)) return Number(ref) === port;
  return containerPorts(t).some((cp) => cp.name === ref && cp.port === port);
}

export interface LinkerdAuthorization {
  readonly resource: Resource;
  /** Whether a caller must present a mesh identity to be let in by this authorization. */
  readonly requiresIdentity: boolean;
}

/** Authorizations that let traffic into a Server: AuthorizationPolicy (Server or Namespace target) and ServerAuthorization. */
export function linkerdAuthorizationsFor(graph: Graph, server: Resource): LinkerdAuthorization[] {
  const ns = server.namespace ?? graph.defaultNamespace;
  return graph.memo('mesh:l5dauthz', server.id, () => {
    const out: LinkerdAuthorization[] = [];
    for (const ap of graph.inNamespace(ns, 'policy.linkerd.io', 'AuthorizationPolicy')) {
      const ref = getIn(ap.obj, ['spec', 'targetRef']);
      if (!isObject(ref)) continue;
      const targets = (ref.kind === 'Server' && ref.name === server.name) || (ref.kind === 'Namespace' && (ref.name === ns || ref.name === undefined));
      if (!targets) continue;
      const refs = getIn(ap.obj, ['spec', 'requiredAuthenticationRefs']);
      const list = Array.isArray(refs) ? refs.filter(isObject) : [];
      // All refs must match; one identity-bearing ref is enough to keep plaintext callers out.
      const requiresIdentity = list.some((r) => r.kind === 'MeshTLSAuthentication' || r.kind === 'ServiceAccount');
      out.push({ resource: ap, requiresIdentity });
    }
    for (const sa of graph.inNamespace(ns, 'policy.linkerd.io', 'ServerAuthorization')) {
      const s = getIn(sa.obj, ['spec', 'server']);
      if (!isObject(s)) continue;
      const byName = s.name === server.name;
      const bySelector = isObject(s.selector) && selectorMatches(labelSelector(s.selector, 'nothing'), isObject(server.obj.metadata) && isObject(server.obj.metadata.labels) ? (server.obj.metadata.labels as Record<string, string>) : {});
      if (!byName && !bySelector) continue;
      const client = getIn(sa.obj, ['spec', 'client']);
      const unauthenticated = isObject(client) && client.unauthenticated === true;
      out.push({ resource: sa, requiresIdentity: !unauthenticated });
    }
    return out;
  });
}

function policyMode(p: LinkerdInboundPolicy): MtlsMode {
  return p === 'all-authenticated' || p === 'cluster-authenticated' || p === 'deny' ? 'STRICT' : 'PERMISSIVE';
}

/** A port of a Linkerd workload: a skip port bypasses the proxy; a Server on it decides by its authorizations. */
function linkerdPort(graph: Graph, t: PodTemplate, port: number): InboundMtls | undefined {
  const skip = t.annotations[LINKERD_SKIP_INBOUND] ?? clusterFacts(graph).namespace(t.namespace).annotations[LINKERD_SKIP_INBOUND];
  if (skip !== undefined && portList(skip).includes(port)) {
    return { mesh: 'linkerd', mode: 'DISABLE', decidedBy: { resource: t.owner, path: [...t.path, 'metadata', 'annotations', LINKERD_SKIP_INBOUND], reason: `port ${port} is a skip port (${LINKERD_SKIP_INBOUND}), so it bypasses the proxy`, assumed: !(LINKERD_SKIP_INBOUND in t.annotations) } };
  }
  const server = firstLinkerdServer(graph, t, port);
  if (!server) return undefined;
  const authz = linkerdAuthorizationsFor(graph, server);
  if (authz.length === 0) {
    const ap = str(getIn(server.obj, ['spec', 'accessPolicy']));
    const p = ap && (LINKERD_INBOUND_POLICIES as readonly string[]).includes(ap) ? (ap as LinkerdInboundPolicy) : 'deny';
    return {
      mesh: 'linkerd',
      mode: policyMode(p),
      decidedBy: { resource: server, path: ['spec', ap ? 'accessPolicy' : 'port'], reason: `Server ${server.namespace}/${server.name} covers port ${port} and no authorization targets it, so its access policy ${p} applies${p === 'deny' ? ' (all traffic is refused)' : ''}`, assumed: false },
    };
  }
  const open = authz.find((a) => !a.requiresIdentity);
  if (open) {
    return { mesh: 'linkerd', mode: 'PERMISSIVE', decidedBy: { resource: open.resource, path: ['spec'], reason: `${open.resource.kind} ${open.resource.namespace}/${open.resource.name} lets unauthenticated clients reach Server ${server.name} on port ${port}`, assumed: false } };
  }
  const first = authz[0]!;
  return { mesh: 'linkerd', mode: 'STRICT', decidedBy: { resource: first.resource, path: ['spec'], reason: `every authorization of Server ${server.namespace}/${server.name} (port ${port}) requires a mesh identity`, assumed: false } };
}

/** The default inbound policy decides the workload as a whole (and every port no Server covers). */
function linkerdWhole(graph: Graph, t: PodTemplate): InboundMtls {
  const def = linkerdDefaultPolicyOf(graph, t);
  return { mesh: 'linkerd', mode: policyMode(def.policy), decidedBy: { ...def.decidedBy, reason: `default inbound policy ${def.policy}: ${def.decidedBy.reason}` } };
}

// ---------------------------------------------------------------------------------------------------------
// Consul

/** Consul service names the workload registers as (Kubernetes Services selecting it, or the connect-service annotation). */
export function consulServiceNamesOf(graph: Graph, t: PodTemplate): string[] {
  const byTemplate = graph.memo('mesh:consulNamesByTemplate', () => {
    const m = new Map<number, string[]>();
    for (const s of consulServices(graph).values()) {
      for (const tt of s.templates) {
        const l = m.get(tt.owner.id);
        if (l) l.push(s.name);
        else m.set(tt.owner.id, [s.name]);
      }
    }
    return m;
  });
  return byTemplate.get(t.owner.id) ?? [];
}

function consulEntryByName(graph: Graph, kind: string, name: string): Resource | undefined {
  const byName = graph.memo('mesh:consul', kind, () => {
    const m = new Map<string, Resource>();
    for (const r of graph.ofKind('consul.hashicorp.com', kind)) if (!m.has(r.name)) m.set(r.name, r);
    return m;
  });
  return byName.get(name);
}

function consulInbound(graph: Graph, t: PodTemplate): InboundMtls {
  const facts = clusterFacts(graph);
  let source: { resource: Resource; mode: string } | undefined;
  for (const name of consulServiceNamesOf(graph, t)) {
    const sd = consulEntryByName(graph, 'ServiceDefaults', name);
    const m = sd ? str(getIn(sd.obj, ['spec', 'mutualTLSMode'])) : undefined;
    if (sd && m) {
      source = { resource: sd, mode: m };
      break;
    }
  }
  if (!source) {
    const pd = consulEntryByName(graph, 'ProxyDefaults', 'global');
    const m = pd ? str(getIn(pd.obj, ['spec', 'mutualTLSMode'])) : undefined;
    if (pd && m) source = { resource: pd, mode: m };
  }
  if (!source || source.mode.toLowerCase() !== 'permissive') {
    return {
      mesh: 'consul',
      mode: 'STRICT',
      decidedBy: source
        ? { resource: source.resource, path: ['spec', 'mutualTLSMode'], reason: `${source.resource.kind} ${source.resource.name} sets mutualTLSMode ${source.mode}`, assumed: false }
        : { path: [], reason: "no ServiceDefaults or ProxyDefaults in the input sets mutualTLSMode, so Consul's default strict applies", assumed: true },
    };
  }
  const what = `${source.resource.kind} ${source.resource.name} sets mutualTLSMode permissive`;
  const mesh = consulEntryByName(graph, 'Mesh', 'mesh') ?? graph.ofKind('consul.hashicorp.com', 'Mesh')[0];
  if (mesh) {
    const allowed = getIn(mesh.obj, ['spec', 'allowEnablingPermissiveMutualTLS']) === true;
    if (!allowed) {
      return { mesh: 'consul', mode: 'STRICT', decidedBy: { resource: source.resource, path: ['spec', 'mutualTLSMode'], reason: `${what}, but Mesh ${mesh.name} does not set allowEnablingPermissiveMutualTLS, so Consul rejects the entry and strict stays`, assumed: false } };
    }
    return { mesh: 'consul', mode: 'PERMISSIVE', decidedBy: { resource: source.resource, path: ['spec', 'mutualTLSMode'], reason: `${what} (allowed by Mesh ${mesh.name})`, assumed: false } };
  }
  const allowed = facts.consul.allowEnablingPermissiveMutualTLS;
  if (allowed === false) {
    return { mesh: 'consul', mode: 'STRICT', decidedBy: { resource: source.resource, path: ['spec', 'mutualTLSMode'], reason: `${what}, but cluster.consul.allowEnablingPermissiveMutualTLS is false, so Consul rejects the entry`, assumed: false } };
  }
  return {
    mesh: 'consul',
    mode: 'PERMISSIVE',
    decidedBy: { resource: source.resource, path: ['spec', 'mutualTLSMode'], reason: allowed ? `${what} (allowed per cluster.consul.allowEnablingPermissiveMutualTLS)` : `${what} (assuming the Mesh entry outside the input allows it)`, assumed: allowed !== true },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Kuma

export interface KumaMeshOf {
  readonly name: string;
  readonly decidedBy: Decision;
}

/** The name `kumaMeshOf` gives, without building the Decision (for lookups repeated per policy or per pod). */
export function kumaMeshNameOf(graph: Graph, t: PodTemplate): string {
  const pl = t.labels[KUMA_MESH] ?? t.annotations[KUMA_MESH];
  if (pl) return pl;
  const facts = clusterFacts(graph);
  const ns = facts.namespace(t.namespace);
  const nl = ns.labels[KUMA_MESH] ?? ns.annotations[KUMA_MESH];
  return nl ? nl : facts.kuma.defaultMesh;
}

/** The Kuma mesh a pod joins: `kuma.io/mesh` on the pod, else on the namespace, else the default mesh. */
export function kumaMeshOf(graph: Graph, t: PodTemplate): KumaMeshOf {
  const facts = clusterFacts(graph);
  const pl = t.labels[KUMA_MESH] ?? t.annotations[KUMA_MESH];
  if (pl) {
    const field = t.labels[KUMA_MESH] !== undefined ? 'labels' : 'annotations';
    return { name: pl, decidedBy: { resource: t.owner, path: [...t.path, 'metadata', field, KUMA_MESH], reason: `pod ${field === 'labels' ? 'label' : 'annotation'} ${KUMA_MESH}=${pl}`, assumed: false } };
  }
  const ns = facts.namespace(t.namespace);
  const nl = ns.labels[KUMA_MESH] ?? ns.annotations[KUMA_MESH];
  if (nl) {
    const o = ns.labelOrigin(KUMA_MESH) ?? ns.annotationOrigin(KUMA_MESH);
    return { name: nl, decidedBy: { resource: o?.resource, path: o?.path ?? [], reason: o?.text ?? `namespace ${ns.name} names mesh ${nl}`, assumed: false } };
  }
  return { name: facts.kuma.defaultMesh, decidedBy: { path: [], reason: `neither the pod nor namespace ${t.namespace} names a mesh, so it joins mesh ${facts.kuma.defaultMesh}`, assumed: !ns.known } };
}

function kumaInbound(graph: Graph, t: PodTemplate): InboundMtls {
  const facts = clusterFacts(graph);
  const meshOf = kumaMeshOf(graph, t);
  const mesh = graph.find('kuma.io', 'Mesh', undefined, meshOf.name);
  let base: InboundMtls;
  if (atLeast(facts.kuma.version, 3, 0)) {
    // Kuma 3 removed Mesh.mtls; identity comes from MeshIdentity [KU-MTLS-RM].
    const ids = graph.ofKind('kuma.io', 'MeshIdentity').filter((r) => meshLabel(r, facts.kuma.defaultMesh) === meshOf.name);
    base = ids.length
      ? { mesh: 'kuma', mode: 'STRICT', decidedBy: { resource: ids[0], path: ['spec'], reason: `MeshIdentity ${ids[0]!.name} gives mesh ${meshOf.name} identities (Kuma ${facts.kuma.version!.raw})`, assumed: false } }
      : { mesh: 'kuma', mode: 'DISABLE', decidedBy: { path: [], reason: `Kuma ${facts.kuma.version!.raw} takes mTLS from MeshIdentity and the input has none for mesh ${meshOf.name}`, assumed: true } };
  } else if (mesh) {
    const enabled = str(getIn(mesh.obj, ['spec', 'mtls', 'enabledBackend']));
    if (!enabled) {
      base = { mesh: 'kuma', mode: 'DISABLE', decidedBy: { resource: mesh, path: isObject(getIn(mesh.obj, ['spec', 'mtls'])) ? ['spec', 'mtls'] : ['spec'], reason: `Mesh ${mesh.name} sets no mtls.enabledBackend, so mTLS is off`, assumed: false } };
    } else {
      const backends = getIn(mesh.obj, ['spec', 'mtls', 'backends']);
      const i = Array.isArray(backends) ? backends.findIndex((b) => isObject(b) && b.name === enabled) : -1;
      const b = i >= 0 ? (backends as JsonObject[])[i]! : undefined;
      const m = b && str(b.mode) === 'PERMISSIVE' ? 'PERMISSIVE' : 'STRICT';
      base = { mesh: 'kuma', mode: m, decidedBy: { resource: mesh, path: b && b.mode !== undefined ? ['spec', 'mtls', 'backends', i, 'mode'] : ['spec', 'mtls', 'enabledBackend'], reason: `Mesh ${mesh.name} enables mTLS backend ${enabled}${m === 'PERMISSIVE' ? ' in PERMISSIVE mode' : ''}`, assumed: false } };
    }
  } else {
    const declared = facts.kuma.meshes[meshOf.name]?.mtls;
    base = declared
      ? { mesh: 'kuma', mode: declared === 'off' ? 'DISABLE' : declared, decidedBy: { path: [], reason: `mesh ${meshOf.name} has mTLS ${declared} (cluster.kuma.meshes)`, assumed: false } }
      : { mesh: 'kuma', mode: 'DISABLE', decidedBy: { path: [], reason: `Mesh ${meshOf.name} is not in the input and cluster.kuma.meshes does not describe it; Kuma creates meshes without mTLS, so off is assumed`, assumed: true } };
  }
  if (base.mode === 'DISABLE') return base;
  // MeshTLS refines the mode; a policy aimed at the workload beats a mesh-wide one.
  let best: { resource: Resource; mode: MtlsMode; path: Path; specific: boolean } | undefined;
  for (const p of graph.ofKind('kuma.io', 'MeshTLS')) {
    if (meshLabel(p, facts.kuma.defaultMesh) !== meshOf.name) continue;
    const ref = getIn(p.obj, ['spec', 'targetRef']);
    const meshWide = !isObject(ref) || ref.kind === 'Mesh';
    const ns = p.namespace ?? graph.defaultNamespace;
    if (meshWide && ns !== facts.kuma.controlPlaneNamespace && ns !== t.namespace) continue;
    if (!meshWide) {
      const sel = workloadsSelectedBy(graph, p);
      if (!sel || !sel.templates.includes(t)) continue;
    }
    const found = meshTlsMode(p);
    if (!found) continue;
    if (!best || (!meshWide && !best.specific)) best = { resource: p, mode: found.mode, path: found.path, specific: !meshWide };
  }
  if (best) return { mesh: 'kuma', mode: best.mode, decidedBy: { resource: best.resource, path: best.path, reason: `MeshTLS ${best.resource.name} sets mode ${best.mode === 'STRICT' ? 'Strict' : 'Permissive'}`, assumed: false } };
  return base;
}

function meshLabel(r: Resource, def: string): string {
  const meta = isObject(r.obj.metadata) ? r.obj.metadata : {};
  const labels = isObject(meta.labels) ? meta.labels : {};
  return str(labels[KUMA_MESH]) ?? str(getIn(r.obj, ['spec', 'mesh'])) ?? def;
}

function meshTlsMode(p: Resource): { mode: MtlsMode; path: Path } | undefined {
  for (const field of ['from', 'rules'] as const) {
    const list = getIn(p.obj, ['spec', field]);
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const m = getIn(list[i], ['default', 'mode']);
      if (m === 'Strict' || m === 'Permissive') return { mode: m === 'Strict' ? 'STRICT' : 'PERMISSIVE', path: ['spec', field, i, 'default', 'mode'] };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------

/** "8080, 9090" or "8080,9000-9010" → numbers (ranges expanded up to a sane size). */
export function portList(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (b >= a && b - a <= 65535) for (let p = a; p <= b; p++) out.push(p);
    } else if (/^\d+$/.test(part)) out.push(Number(part));
  }
  return out;
}

/** For messages: "Istio mTLS PERMISSIVE (namespace-wide PeerAuthentication shop/default sets PERMISSIVE)". */
export function describeInbound(m: InboundMtls): string {
  return `${m.mesh ? meshTitle(m.mesh) : 'no mesh'}: ${m.mode} (${m.decidedBy.reason})`;
}
