/**
 * The effective retry and timeout policy on one call edge (caller workload → Service:port), for the mesh whose
 * proxy the caller runs (retries are a client-side behaviour in every mesh here), including what each mesh does
 * when nothing is configured (semantics.md "Defaults at a glance", §2.4, §2.5, §3.5, §3.6, §4, §5, §6, §7):
 *
 * - Istio: the VirtualService route (or GAMMA HTTPRoute) for the host, else the built-in default of 2 retries
 *   on connect-failure, refused-stream, gRPC unavailable/cancelled [I-RETRY defaultPolicy]; no route timeout
 *   unless set [I-ROUTE setTimeout]; DestinationRule `retryBudget` (≥ 1.27), `connectionPool.http.maxRetries`
 *   and `outlierDetection`, found along the client → service → root namespace lookup path [I-PUSH]. Only HTTP
 *   ports get request retries; an ambient caller without a waypoint has none (ztunnel is L4).
 * - Linkerd: a ServiceProfile (client namespace first) with `isRetryable` routes, bounded by its retry budget
 *   (default 20 % + 10/s) [L-PROFILE]; otherwise `retry.linkerd.io/*` / `timeout.linkerd.io/*` annotations on the
 *   HTTPRoute (which replace the Service's) or on the Service, with no budget [L-DOC-RETRY; L-HTTPRS]. No retries
 *   by default. Failure accrual only with `balancer.linkerd.io/failure-accrual` [L-DOC-CB].
 * - Consul: the destination's ServiceRouter route (`numRetries`, `retryOn*`, `requestTimeout`), no retries by
 *   default, Envoy's 15 s route timeout for HTTP services; Envoy's own `max_retries` circuit breaker (3) is left
 *   in place (assumed, not verified for every path) [C-ROUTES; E-CB-PROTO].
 * - Kuma: MeshRetry / MeshTimeout / MeshCircuitBreaker merged by specificity, on top of the default policies
 *   created with every mesh since 2.6 (5 retries with a 16 s per-try timeout inside a 15 s request timeout,
 *   and `maxRetries: 3` concurrent) [KU-DEF-RETRY; KU-DEF-TIMEOUT; KU-DEF-CB].
 * - No proxy: nothing the manifests can show; the application's own client decides.
 *
 * Every value carries `setBy`: the object and path that set it, or the default with its source.
 */
import { getIn, isObject, str, type JsonObject, type JsonValue, type Path, type Resource } from '../../load/types.js';
import { callEdges, type CallEdge } from '../calls.js';
import type { Graph, PodTemplate } from '../graph.js';
import { labelsOf } from '../labels.js';
import { serviceView, servicesSelecting, type ServicePortView } from '../services.js';
import { waypointForService } from './ambient.js';
import { atLeast, clusterFacts } from './facts.js';
import { clusterDomainOf, exportedTo, exportToOf, hostsMatching } from './hosts.js';
import { dataPlaneOf } from './injection.js';
import type { DataPlane, MeshName } from './model.js';
import { kumaMeshOf } from './mtls.js';
import { destinationRulesFor, gatewayRouteParents, type RouteParent } from './routes.js';
import { consulServices, kumaServiceRef, workloadsSelectedBy } from './targets.js';
import { namespaceOf as nsOf } from '../graph.js';
import { asArray as arr } from '../../load/types.js';
import { annotationsOf } from '../labels.js';

/** Everything `edgePolicy` may read, for rules' `meta.reads`. */
export const RETRY_POLICY_READS: readonly string[] = [
  'workloads',
  'Service',
  'Namespace',
  'VirtualService.networking.istio.io',
  'DestinationRule.networking.istio.io',
  'ServiceEntry.networking.istio.io',
  'Gateway.networking.istio.io',
  'Gateway.gateway.networking.k8s.io',
  'HTTPRoute.gateway.networking.k8s.io',
  'GRPCRoute.gateway.networking.k8s.io',
  'TCPRoute.gateway.networking.k8s.io',
  'TLSRoute.gateway.networking.k8s.io',
  'UDPRoute.gateway.networking.k8s.io',
  'HTTPRoute.policy.linkerd.io',
  'ListenerSet.gateway.networking.k8s.io',
  'XListenerSet.gateway.networking.x-k8s.io',
  'ReferenceGrant.gateway.networking.k8s.io',
  'CustomResourceDefinition.apiextensions.k8s.io',
  'XBackendTrafficPolicy.gateway.networking.x-k8s.io',
  'Server.policy.linkerd.io',
  'ServiceProfile.linkerd.io',
  'ServiceDefaults.consul.hashicorp.com',
  'ProxyDefaults.consul.hashicorp.com',
  'ServiceRouter.consul.hashicorp.com',
  'ServiceResolver.consul.hashicorp.com',
  'TerminatingGateway.consul.hashicorp.com',
  'MeshRetry.kuma.io',
  'MeshTimeout.kuma.io',
  'MeshCircuitBreaker.kuma.io',
  'MeshService.kuma.io',
  'MeshGatewayInstance.kuma.io',
  'MeshGateway.kuma.io',
  'MeshHTTPRoute.kuma.io',
  'MeshExternalService.kuma.io',
  'Mesh.kuma.io',
  'GatewayClass.gateway.networking.k8s.io',
];

export interface SetBy {
  /** The object whose field decided; absent when a mesh default or a cluster fact decided. */
  readonly resource?: Resource;
  readonly path: Path;
  /** Plain words a message can quote. */
  readonly reason: string;
  /** True when nothing in the input set it and the mesh's default applies. */
  readonly isDefault: boolean;
  /** Citation key(s) of the default, e.g. `[I-RETRY]`. */
  readonly source?: string;
  /** True when the value rests on facts outside the input (versions, default policies the control plane creates). */
  readonly assumed?: boolean;
}

export interface Setting<T> {
  readonly value: T;
  readonly setBy: SetBy;
}

export type EdgeProtocol = 'http' | 'http2' | 'grpc' | 'tcp' | 'unknown';

export interface RetryBound {
  readonly kind: 'budget' | 'circuit-breaker';
  /** Budget: retries as a share of requests (0.2 = 20 %). */
  readonly ratio?: number;
  /** Budget floor (Linkerd retries per second, Istio / Envoy minimum retry concurrency). */
  readonly minimum?: number;
  /** Circuit breaker: concurrent retries allowed towards the destination. */
  readonly maxConcurrent?: number;
  /** "retry budget 20 % + 10/s", "at most 3 concurrent retries". */
  readonly text: string;
}

export interface EdgePolicy {
  readonly edge: CallEdge;
  /** The mesh whose proxy makes the call (the caller's data plane); undefined without a proxy. */
  readonly mesh: MeshName | undefined;
  readonly mode: 'sidecar' | 'ambient' | 'none';
  readonly protocol: Setting<EdgeProtocol>;
  /** Attempts per request (1 + retries); undefined when only a budget limits them (Linkerd ServiceProfile). */
  readonly attempts: Setting<number | undefined>;
  /** Envoy-style retry conditions (`5xx`, `gateway-error`, `connect-failure`, gRPC names, status codes). */
  readonly retryOn: Setting<readonly string[]>;
  /** Some condition fires when the destination is overloaded (5xx, gateway errors, resets, gRPC unavailable...). */
  readonly overloadRetries: boolean;
  /** Retries only re-send requests that never reached the application (connect failures, refused streams). */
  readonly connectOnly: boolean;
  readonly perTryTimeoutMs: Setting<number | undefined>;
  /** Timeout of the whole request including retries; undefined = none. */
  readonly timeoutMs: Setting<number | undefined>;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** What bounds the volume of retries (budget or retry circuit breaker); undefined = nothing. */
  readonly bound: Setting<RetryBound | undefined>;
  readonly outlierDetection: Setting<boolean>;
  /** The route whose settings apply, when a route object decided. */
  readonly route?: { readonly resource: Resource; readonly path: Path; readonly label: string; readonly methods?: readonly string[] };
  /** Assumptions in words (versions, protocols guessed, routes chosen among several). */
  readonly notes: readonly string[];
}

/** Retry conditions that fire when the destination is overloaded or failing (semantics.md §7.1). */
const OVERLOAD_CONDITIONS: ReadonlySet<string> = new Set(['5xx', 'gateway-error', 'reset', 'reset-before-request', 'retriable-4xx', 'timeout', 'retry-timeouts']);
const GRPC_OVERLOAD: ReadonlySet<string> = new Set(['unavailable', 'resource-exhausted', 'internal', 'deadline-exceeded']);
const CONNECT_ONLY: ReadonlySet<string> = new Set(['connect-failure', 'refused-stream', 'http3-post-connect-failure']);

const ISTIO_DEFAULT_RETRY_ON = ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'];
const ENVOY_BACKOFF = { baseMs: 25, maxMs: 250 };
const ENVOY_ROUTE_TIMEOUT_MS = 15_000;

/** An edge's policy without the edge: what edges with the same inputs (`policyKey`) share. */
type PolicyCore = Omit<EdgePolicy, 'edge'>;

function newMap(): Map<unknown, unknown> {
  return new Map();
}

/** A per-graph table; `graph.memo` with a shared factory, so that a lookup allocates no closure. */
function tableOf<K, V>(graph: Graph, key: string): Map<K, V> {
  return graph.memo(key, newMap) as Map<K, V>;
}

/**
 * What this module keeps per graph, fetched with one lookup per edge: policies are asked for many times per edge
 * (every rule of the family reads all of them), and per-graph lookups add up.
 */
interface RetryState {
  /** Edge id (dense) → its policy; sized on first use. */
  byEdge: (EdgePolicy | undefined)[] | undefined;
  /** Service id → key (`policyKey`) → the policies its callers share (`sharedPolicy`). */
  readonly shared: Map<number, Map<PolicyKey, Shared>>;
  /** Service id → what the keys of its callers' policies need, worked out on first use. */
  readonly services: Map<number, ServiceFacts>;
  /** Namespaces with a DestinationRule that selects workloads by label, on first use. */
  drSelectorNs: ReadonlySet<string> | undefined;
  /** Caller template owner id → id of its Consul ServiceDefaults (-1: none). */
  readonly consulCallerSd: Map<number, number>;
  all: readonly EdgePolicy[] | undefined;
}

interface ServiceFacts {
  /** A VirtualService for the Service has a route matching `sourceLabels`. */
  istioSourceLabels?: boolean;
  /** `callerNamespaces` by mesh. */
  istioNs?: ReadonlySet<string>;
  linkerdNs?: ReadonlySet<string>;
  kumaNs?: ReadonlySet<string>;
}

function newRetryState(): RetryState {
  return { byEdge: undefined, shared: new Map(), services: new Map(), drSelectorNs: undefined, consulCallerSd: new Map(), all: undefined };
}

function stateOf(graph: Graph): RetryState {
  return graph.memo('retries:state', newRetryState) as RetryState;
}

function factsOf(st: RetryState, svc: Resource): ServiceFacts {
  let f = st.services.get(svc.id);
  if (f === undefined) st.services.set(svc.id, (f = {}));
  return f;
}

/** Every call edge's policy, by edge id (`callEdges(graph)[i]` ↔ `edgePolicies(graph)[i]`), for code that reads them all. */
export function edgePolicies(graph: Graph): readonly EdgePolicy[] {
  const st = stateOf(graph);
  if (!st.all) {
    const all: EdgePolicy[] = [];
    for (const e of callEdges(graph)) all.push(policyOf(graph, st, e));
    st.all = all;
  }
  return st.all;
}

/** The policy on one call edge, computed once per graph. */
export function edgePolicy(graph: Graph, edge: CallEdge): EdgePolicy {
  return policyOf(graph, stateOf(graph), edge);
}

/** The policy of an edge computed for it alone, not shared with other edges (tests check that sharing changes nothing). */
export function unsharedEdgePolicy(graph: Graph, edge: CallEdge): EdgePolicy {
  return withEdge(edge, computePolicy(graph, edge, dataPlaneOf(graph, edge.from)));
}

function policyOf(graph: Graph, st: RetryState, edge: CallEdge): EdgePolicy {
  const byEdge = (st.byEdge ??= new Array<EdgePolicy | undefined>(callEdges(graph).length));
  let p = byEdge[edge.id];
  if (p === undefined) byEdge[edge.id] = p = withEdge(edge, sharedPolicy(graph, st, edge));
  return p;
}

function withEdge(edge: CallEdge, c: PolicyCore): EdgePolicy {
  return new EdgePolicyOf(edge, c);
}

/**
 * An edge with the policy it shares with the other edges of its key (`sharedPolicy`): the fields read through to
 * the shared core instead of being copied into every edge's object (two fields per edge, not fifteen). `core` is a
 * plain property so that comparing two policies (tests of sharing) compares the cores field by field.
 */
class EdgePolicyOf implements EdgePolicy {
  constructor(
    readonly edge: CallEdge,
    private readonly core: PolicyCore,
  ) {}
  get mesh(): MeshName | undefined {
    return this.core.mesh;
  }
  get mode(): EdgePolicy['mode'] {
    return this.core.mode;
  }
  get protocol(): Setting<EdgeProtocol> {
    return this.core.protocol;
  }
  get attempts(): Setting<number | undefined> {
    return this.core.attempts;
  }
  get retryOn(): Setting<readonly string[]> {
    return this.core.retryOn;
  }
  get overloadRetries(): boolean {
    return this.core.overloadRetries;
  }
  get connectOnly(): boolean {
    return this.core.connectOnly;
  }
  get perTryTimeoutMs(): Setting<number | undefined> {
    return this.core.perTryTimeoutMs;
  }
  get timeoutMs(): Setting<number | undefined> {
    return this.core.timeoutMs;
  }
  get backoff(): EdgePolicy['backoff'] {
    return this.core.backoff;
  }
  get bound(): Setting<RetryBound | undefined> {
    return this.core.bound;
  }
  get outlierDetection(): Setting<boolean> {
    return this.core.outlierDetection;
  }
  get route(): EdgePolicy['route'] {
    return this.core.route;
  }
  get notes(): readonly string[] {
    return this.core.notes;
  }
}

/** The policies shared by the edges to one Service with one key (`policyKey`). */
interface Shared {
  /** The namespace of the first caller, and its policy. */
  readonly firstNs: string;
  readonly first: PolicyCore;
  /** Once a caller from another namespace came: the policy of callers in a namespace that no object names... */
  any: PolicyCore | undefined;
  /** ...and of callers in the namespaces that some object names (`callerNamespaces`). */
  byNs: Map<string, PolicyCore> | undefined;
  names: ReadonlySet<string> | undefined;
}

/**
 * Edges whose policies read the same inputs get the same policy (less the edge): computing one (routes,
 * DestinationRules, Kuma merges) costs far more than finding its key, and many workloads, often in many
 * namespaces, call the same Service port. Policies are kept per destination Service and key (`policyKey`), then
 * per caller namespace, except that callers in namespaces that no object involved names share one policy; which
 * namespaces those objects name (`callerNamespaces`) is only worked out once callers from a second namespace come.
 */
function sharedPolicy(graph: Graph, st: RetryState, edge: CallEdge): PolicyCore {
  const dp = dataPlaneOf(graph, edge.from);
  const key = policyKey(graph, st, edge, dp);
  if (key === undefined) return computePolicy(graph, edge, dp);
  let byKey = st.shared.get(edge.to.id);
  if (!byKey) st.shared.set(edge.to.id, (byKey = new Map()));
  const ns = edge.from.namespace;
  const s = byKey.get(key);
  if (!s) {
    const first = computePolicy(graph, edge, dp);
    byKey.set(key, { firstNs: ns, first, any: undefined, byNs: undefined, names: undefined });
    return first;
  }
  if (ns === s.firstNs) return s.first;
  if (!s.names) {
    s.names = callerNamespaces(graph, st, edge.to, dp.mesh);
    if (!s.names.has(s.firstNs)) s.any = s.first;
  }
  if (!s.names.has(ns)) return (s.any ??= computePolicy(graph, edge, dp));
  let core = (s.byNs ??= new Map()).get(ns);
  if (core === undefined) s.byNs.set(ns, (core = computePolicy(graph, edge, dp)));
  return core;
}

function computePolicy(graph: Graph, edge: CallEdge, dp: DataPlane): PolicyCore {
  switch (dp.mesh) {
    case 'istio':
      return istioPolicy(graph, edge, dp.mode === 'ambient' ? 'ambient' : 'sidecar');
    case 'linkerd':
      return linkerdPolicy(graph, edge);
    case 'consul':
      return consulPolicy(graph, edge);
    case 'kuma':
      return kumaPolicy(graph, edge);
    default:
      return noProxyPolicy(graph, edge, dp.decidedBy.reason);
  }
}

/** A `policyKey`: a number for the common meshes (no string to build and hash per edge), else a string. */
type PolicyKey = number | string;

/**
 * What `computePolicy` reads of the edge besides the destination Service and the caller's namespace (which
 * `sharedPolicy` handles); undefined when the caller's own labels matter (Istio `sourceLabels` routes and
 * DestinationRules with a `workloadSelector`), and the edge gets a policy of its own:
 *
 * - Istio: the proxy mode and the port;
 * - Linkerd: the port;
 * - Consul: the caller's ServiceDefaults (its upstreamConfig), found by the caller's Consul name; not the port;
 * - Kuma: the port, the caller's mesh, and which of the workload-targeted candidate policies select the caller;
 * - no proxy: the port and the reason there is none.
 *
 * Keys are only compared among the callers of one Service, whatever their mesh, so the kinds must not overlap:
 * Istio and Linkerd keys are numbers ≥ 0 (port index + 1, times 4, plus the kind), Consul keys numbers < 0,
 * Kuma and no-proxy keys strings with distinct prefixes (the free-form part, a mesh name or a reason, last).
 */
function policyKey(graph: Graph, st: RetryState, edge: CallEdge, dp: DataPlane): PolicyKey | undefined {
  const port = edge.port ? edge.port.index : -1;
  switch (dp.mesh) {
    case 'istio':
      if (istioReadsCallerLabels(graph, st, edge)) return undefined;
      return (port + 1) * 4 + (dp.mode === 'ambient' ? 1 : 0);
    case 'linkerd':
      return (port + 1) * 4 + 2;
    case 'consul': {
      let sd = st.consulCallerSd.get(edge.from.owner.id);
      if (sd === undefined) {
        const name = consulCallerName(graph, edge.from);
        st.consulCallerSd.set(edge.from.owner.id, (sd = (name ? consulEntry(graph, 'ServiceDefaults', name)?.id : undefined) ?? -1));
      }
      // sd ≥ -1 (-1: no ServiceDefaults)
      return -2 - sd;
    }
    case 'kuma':
      // the selections are a string of 0s and 1s, so the mesh name after them cannot shift a field
      return `kuma|${port}|${kumaSelections(graph, edge)}|${kumaMeshOf(graph, edge.from).name}`;
    default:
      return `none|${port}|${dp.decidedBy.reason}`;
  }
}

/**
 * The namespaces in which a caller of `svc` (through its mesh) may get another policy than a caller in a namespace
 * that no object involved names: only equality with these namespaces, and `exportTo` lists (whose names are among
 * them), ever depend on the caller's namespace. Callers anywhere else share one policy. The Service's own namespace
 * is not among them by itself: where the policy looks there (the DestinationRule lookup path, ServiceProfiles,
 * VirtualService ranking, producer routes), a caller in it finds what a caller elsewhere finds.
 *
 * - Istio: consumer GAMMA routes (in another namespace than the Service's); VirtualServices for the Service in
 *   another namespace (ranking), those whose exportTo restricts them, and sourceNamespace matches;
 *   DestinationRules for the Service or a route destination in another namespace than that destination's, and
 *   every DestinationRule whose exportTo restricts it.
 * - Linkerd: consumer GAMMA routes, and ServiceProfiles named after the Service in other namespaces.
 * - Kuma: the namespaces of the candidate policies (`kumaCandidates`).
 * - Consul and no proxy: none (the caller's namespace is never read).
 */
function callerNamespaces(graph: Graph, st: RetryState, svc: Resource, mesh: MeshName | undefined): ReadonlySet<string> {
  switch (mesh) {
    case 'istio': {
      const f = factsOf(st, svc);
      return (f.istioNs ??= istioNamespaces(graph, svc));
    }
    case 'linkerd': {
      const f = factsOf(st, svc);
      return (f.linkerdNs ??= linkerdNamespaces(graph, svc));
    }
    case 'kuma': {
      const f = factsOf(st, svc);
      return (f.kumaNs ??= kumaNamespaces(graph, svc));
    }
    default:
      return EMPTY_SET;
  }
}

const EMPTY_SET: ReadonlySet<string> = new Set();

/** A namespace name no object can have: DestinationRules visible from it are those whose exportTo does not restrict them. */
const NO_NAMESPACE = '\u0000';

/** Add what an exportTo list compares the reader's namespace with, unless it exports to every namespace. */
function addRestricted(out: Set<string>, graph: Graph, r: Resource, exportTo: readonly string[]): void {
  if (!exportTo.length || exportTo.includes('*')) return;
  out.add(nsOf(graph, r));
  for (const e of exportTo) out.add(e);
}

function consumerRouteNamespaces(graph: Graph, svc: Resource, out: Set<string>): void {
  const svcNs = nsOf(graph, svc);
  for (const p of gammaParents(graph, svc)) {
    const routeNs = nsOf(graph, p.route);
    if (routeNs !== svcNs) out.add(routeNs);
  }
}

function istioNamespaces(graph: Graph, svc: Resource): ReadonlySet<string> {
  const out = new Set<string>();
  const svcNs = nsOf(graph, svc);
  consumerRouteNamespaces(graph, svc, out);
  const fqdns = [fqdnOf(graph, svc)];
  for (const { vs } of virtualServicesByService(graph).get(svc.id) ?? []) {
    if (nsOf(graph, vs) !== svcNs) out.add(nsOf(graph, vs));
    addRestricted(out, graph, vs, exportToOf(vs.obj.spec));
    const spec = isObject(vs.obj.spec) ? vs.obj.spec : {};
    for (const r of arr(spec.http)) {
      if (!isObject(r)) continue;
      for (const m of arr(r.match)) if (isObject(m) && typeof m.sourceNamespace === 'string') out.add(m.sourceNamespace);
      const fqdn = routeDestinationFqdn(graph, vs, r);
      if (fqdn !== undefined) fqdns.push(fqdn);
    }
  }
  // applyDestinationRule looks in the caller's namespace, then the destination's (from its FQDN), then the root
  for (let i = 0; i < fqdns.length; i++) {
    const fqdn = fqdns[i]!;
    if (fqdns.indexOf(fqdn) < i) continue;
    const destNs = fqdn.split('.')[1] ?? svcNs;
    for (const c of destinationRulesFor(graph, fqdn, NO_NAMESPACE)) if (nsOf(graph, c.rule) !== destNs) out.add(nsOf(graph, c.rule));
  }
  for (const ns of restrictedDestinationRuleNamespaces(graph)) out.add(ns);
  return out.size ? out : EMPTY_SET;
}

/** What the exportTo lists of DestinationRules that restrict them compare the reader's namespace with. */
function restrictedDestinationRuleNamespaces(graph: Graph): ReadonlySet<string> {
  return graph.memo('retries:istio:restrictedDr', () => {
    const out = new Set<string>();
    for (const dr of graph.ofKind('networking.istio.io', 'DestinationRule')) addRestricted(out, graph, dr, exportToOf(dr.obj.spec));
    return out;
  });
}

function linkerdNamespaces(graph: Graph, svc: Resource): ReadonlySet<string> {
  const out = new Set<string>();
  consumerRouteNamespaces(graph, svc, out);
  const profiles = graph.memo('retries:linkerd:profileNs', () => {
    const m = new Map<string, Set<string>>();
    for (const sp of graph.ofKind('linkerd.io', 'ServiceProfile')) {
      let l = m.get(sp.name);
      if (!l) m.set(sp.name, (l = new Set()));
      l.add(sp.namespace ?? '');
    }
    return m;
  });
  // serviceProfileFor looks in the caller's namespace, then the Service's
  for (const ns of profiles.get(fqdnOf(graph, svc)) ?? []) if (ns !== nsOf(graph, svc)) out.add(ns);
  return out.size ? out : EMPTY_SET;
}

function kumaNamespaces(graph: Graph, svc: Resource): ReadonlySet<string> {
  // kumaConfs compares the caller's namespace with a policy's, except for policies in the system namespace and
  // for producer entries (a MeshService target in the policy's own namespace), which apply to every caller
  const system = clusterFacts(graph).kuma.controlPlaneNamespace;
  const out = new Set<string>();
  for (const kind of KUMA_KINDS) {
    for (const e of kumaCandidates(graph, kind, svc.id)) {
      if (e.namespace === system) continue;
      if (e.to.some((t) => !t.service || (t.service.id === svc.id && t.service.namespace !== e.namespace))) out.add(e.namespace);
    }
  }
  return out.size ? out : EMPTY_SET;
}

// ---------------------------------------------------------------------------------------------------------
// Shared helpers

function def(reason: string, source?: string, assumed?: boolean): SetBy {
  return { path: [], reason, isDefault: true, source, assumed };
}

function at(resource: Resource, path: Path, reason: string): SetBy {
  return { resource, path, reason, isDefault: false };
}




const DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go / protobuf durations: `1.5s`, `250ms`, `1m30s`, `2h`; a bare number is seconds. Undefined when unparsable. */
export function parseDuration(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v * 1000;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  let total = 0;
  let rest = s;
  if (!rest) return undefined;
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return 'none';
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(3))}s`;
  return `${Number(ms.toFixed(3))}ms`;
}

function classify(retryOn: readonly string[], protocol: EdgeProtocol, perTry: number | undefined): { overload: boolean; connectOnly: boolean } {
  let overload = false;
  let any = false;
  let connect = true;
  for (const raw of retryOn) {
    const c = raw.toLowerCase();
    any = true;
    if (OVERLOAD_CONDITIONS.has(c) || (/^\d{3}$/.test(c) && Number(c) >= 500)) overload = true;
    else if (GRPC_OVERLOAD.has(c) && protocol === 'grpc') overload = true;
    // a per-try timeout turns timed-out attempts into retries on 5xx-style conditions
    if (!CONNECT_ONLY.has(c) && !(c === 'retriable-status-codes' || c === 'cancelled' || (GRPC_OVERLOAD.has(c) && protocol !== 'grpc'))) connect = false;
  }
  if (perTry !== undefined && retryOn.some((c) => ['5xx', 'gateway-error', 'reset'].includes(c.toLowerCase()))) overload = true;
  return { overload, connectOnly: any && connect && !overload };
}

interface Draft {
  protocol: Setting<EdgeProtocol>;
  attempts: Setting<number | undefined>;
  retryOn: Setting<readonly string[]>;
  perTry: Setting<number | undefined>;
  timeout: Setting<number | undefined>;
  backoff?: { baseMs: number; maxMs: number };
  bound: Setting<RetryBound | undefined>;
  outlier: Setting<boolean>;
  route?: EdgePolicy['route'];
  notes: string[];
  /** Extra overload signal the retryOn list cannot show (Linkerd ServiceProfile failure classes). */
  overload?: boolean;
}

function finish(mesh: MeshName | undefined, mode: EdgePolicy['mode'], d: Draft): PolicyCore {
  const c = classify(d.retryOn.value, d.protocol.value, d.perTry.value);
  const retried = d.attempts.value === undefined || d.attempts.value > 1;
  return {
    mesh,
    mode,
    protocol: d.protocol,
    attempts: d.attempts,
    retryOn: d.retryOn,
    overloadRetries: retried && (d.overload ?? c.overload),
    connectOnly: retried && !(d.overload ?? false) && c.connectOnly,
    perTryTimeoutMs: d.perTry,
    timeoutMs: d.timeout,
    backoff: d.backoff,
    bound: d.bound,
    outlierDetection: d.outlier,
    route: d.route,
    notes: d.notes,
  };
}

function portLabel(edge: CallEdge): string {
  return edge.port?.port !== undefined ? `${edge.to.name}:${edge.port.port}` : edge.to.name;
}

// ---------------------------------------------------------------------------------------------------------
// Protocols

const SERVER_FIRST_PORTS: ReadonlySet<number> = new Set([21, 22, 25, 110, 143, 587, 1433, 3306, 5432, 6379, 9042, 9092, 11211, 27017, 2181, 5672, 4222, 9300]);

/**
 * The protocol the mesh proxy treats a Service port as. Istio: `appProtocol`, else the port name prefix
 * (`http`, `http2`, `grpc`, `grpc-web`, `tcp`, `tls`, `https`, `mongo`, `mysql`, `redis`...), else detected at run
 * time [I-PROTO]. Kuma: `appProtocol` or the `<port>.service.kuma.io/protocol` annotation, default tcp
 * [KU-DOC-PROTO]. Consul: the ServiceDefaults `protocol`, default tcp [C-SD-TYPES]. Linkerd: detected, except
 * opaque ports [L-DOC-PROTO].
 */
export function portProtocol(graph: Graph, svc: Resource, port: ServicePortView | undefined, mesh: MeshName | undefined): Setting<EdgeProtocol> {
  const where: Path = port ? [...port.path] : ['spec', 'ports'];
  if (mesh === 'consul') return consulProtocol(graph, svc);
  if (mesh === 'kuma') {
    if (port?.appProtocol) return { value: fromName(port.appProtocol) ?? 'tcp', setBy: at(svc, [...where, 'appProtocol'], `appProtocol ${port.appProtocol}`) };
    const ann = port?.port !== undefined ? annotationsOf(svc)[`${port.port}.service.kuma.io/protocol`] : undefined;
    if (ann) return { value: fromName(ann) ?? 'tcp', setBy: at(svc, ['metadata', 'annotations', `${port!.port}.service.kuma.io/protocol`], `annotation ${port!.port}.service.kuma.io/protocol=${ann}`) };
    return { value: 'tcp', setBy: def('Kuma treats a port as TCP unless appProtocol or <port>.service.kuma.io/protocol says otherwise', '[KU-DOC-PROTO]') };
  }
  if (!port) return { value: 'unknown', setBy: def('the call names no port, so the protocol is unknown') };
  if (port.appProtocol) {
    const p = fromName(port.appProtocol);
    if (mesh === 'linkerd' && p !== 'http' && p !== 'http2') {
      return { value: 'tcp', setBy: at(svc, [...where, 'appProtocol'], `appProtocol ${port.appProtocol}, which Linkerd ≥ 2.18 reads as opaque TCP`) };
    }
    return { value: p ?? 'tcp', setBy: at(svc, [...where, 'appProtocol'], `appProtocol ${port.appProtocol}`) };
  }
  if (mesh === 'linkerd') {
    if (port.port !== undefined && clusterFacts(graph).linkerd.opaquePorts.includes(port.port)) {
      return { value: 'tcp', setBy: def(`port ${port.port} is one of Linkerd's default opaque ports`, '[L-VALUES opaquePorts]') };
    }
    return { value: 'unknown', setBy: def('Linkerd detects the protocol at run time') };
  }
  const prefix = port.name?.split('-')[0]?.toLowerCase();
  const byName = prefix ? fromName(prefix) : undefined;
  if (byName) return { value: byName, setBy: at(svc, [...where, 'name'], `port name ${port.name}`) };
  if (port.port !== undefined && SERVER_FIRST_PORTS.has(port.port)) {
    return { value: 'tcp', setBy: def(`port ${port.port} is a well-known non-HTTP port, so the detected protocol is taken as TCP`, undefined, true) };
  }
  return { value: 'unknown', setBy: def(`port ${port.port ?? '?'} declares no protocol (no appProtocol, no protocol name prefix), so the proxy detects it at run time`, '[I-PROTO]') };
}

function fromName(n: string): EdgeProtocol | undefined {
  const v = n.toLowerCase();
  if (v === 'http' || v === 'kuma.io/http' || v === 'http1') return 'http';
  if (v === 'http2' || v === 'h2c' || v === 'kubernetes.io/h2c' || v === 'kuma.io/http2') return 'http2';
  if (v === 'grpc' || v === 'grpc-web' || v === 'kuma.io/grpc') return 'grpc';
  if (['tcp', 'tls', 'https', 'mongo', 'mysql', 'redis', 'udp', 'kuma.io/tcp', 'linkerd.io/opaque', 'linkerd.io/tcp', 'kubernetes.io/ws', 'kubernetes.io/wss'].includes(v)) return 'tcp';
  return undefined;
}

function isHttp(p: EdgeProtocol): boolean {
  return p === 'http' || p === 'http2' || p === 'grpc';
}

// ---------------------------------------------------------------------------------------------------------
// No proxy

function noProxyPolicy(graph: Graph, edge: CallEdge, why: string): PolicyCore {
  const none = def(`the caller runs no mesh proxy (${why}); whatever its own client does is not in the manifests`);
  return finish(undefined, 'none', {
    protocol: portProtocol(graph, edge.to, edge.port, undefined),
    attempts: { value: 1, setBy: none },
    retryOn: { value: [], setBy: none },
    perTry: { value: undefined, setBy: none },
    timeout: { value: undefined, setBy: none },
    bound: { value: undefined, setBy: none },
    outlier: { value: false, setBy: none },
    notes: [],
  });
}

// ---------------------------------------------------------------------------------------------------------
// Istio

interface IstioFactsExtra {
  readonly defaultAttempts: number | undefined;
  readonly defaultRetryOn: readonly string[] | undefined;
  readonly exclude503: boolean;
}

/** meshConfig.defaultHttpRetryPolicy and EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY from `cluster.istio` (read here: only retries use them). */
function istioRetryFacts(graph: Graph): IstioFactsExtra {
  return graph.memo('retries:istioFacts', () => {
    const istio = isObject(graph.cluster.istio) ? (graph.cluster.istio as JsonObject) : {};
    const p = isObject(istio.defaultHttpRetryPolicy) ? istio.defaultHttpRetryPolicy : undefined;
    return {
      defaultAttempts: p && typeof p.attempts === 'number' ? p.attempts : undefined,
      defaultRetryOn: p && typeof p.retryOn === 'string' ? p.retryOn.split(',').map((x) => x.trim()).filter(Boolean) : undefined,
      exclude503: istio.exclude503FromDefaultRetry !== false,
    };
  });
}

function istioDefaultRetry(graph: Graph): { attempts: Setting<number>; retryOn: Setting<readonly string[]> } {
  return graph.memo('retries:istioDefaultRetry', () => computeIstioDefaultRetry(graph));
}

function computeIstioDefaultRetry(graph: Graph): { attempts: Setting<number>; retryOn: Setting<readonly string[]> } {
  const f = istioRetryFacts(graph);
  if (f.defaultAttempts !== undefined) {
    const sb = def(`meshConfig.defaultHttpRetryPolicy.attempts=${f.defaultAttempts} (cluster.istio.defaultHttpRetryPolicy)`, '[I-API-MESH default_http_retry_policy]');
    return { attempts: { value: 1 + Math.max(0, f.defaultAttempts), setBy: sb }, retryOn: { value: f.defaultRetryOn ?? defaultRetryOn(f), setBy: sb } };
  }
  const sb = def('Istio default: 2 retries on connect-failure, refused-stream and gRPC unavailable/cancelled when no route sets retries', '[I-RETRY defaultPolicy]');
  return { attempts: { value: 3, setBy: sb }, retryOn: { value: defaultRetryOn(f), setBy: sb } };
}

function defaultRetryOn(f: IstioFactsExtra): string[] {
  // Without EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY (default true) the default also retries HTTP 503 [I-FEATURES].
  return f.exclude503 ? ISTIO_DEFAULT_RETRY_ON : [...ISTIO_DEFAULT_RETRY_ON, '503'];
}

interface VsEntry {
  readonly vs: Resource;
}

/** Service id → VirtualServices bound to the mesh whose hosts cover it (memoised; hosts resolved by hosts.ts). */
function virtualServicesByService(graph: Graph): ReadonlyMap<number, readonly VsEntry[]> {
  return graph.memo('retries:istio:vsByService', () => {
    const m = new Map<number, VsEntry[]>();
    for (const vs of graph.ofKind('networking.istio.io', 'VirtualService')) {
      const spec = isObject(vs.obj.spec) ? vs.obj.spec : {};
      const gateways = arr(spec.gateways).filter((g): g is string => typeof g === 'string');
      if (gateways.length && !gateways.includes('mesh')) continue;
      const seen = new Set<number>();
      for (const h of arr(spec.hosts)) {
        if (typeof h !== 'string') continue;
        for (const s of hostsMatching(graph, h, nsOf(graph, vs)).services) {
          if (seen.has(s.id)) continue;
          seen.add(s.id);
          const l = m.get(s.id);
          if (l) l.push({ vs });
          else m.set(s.id, [{ vs }]);
        }
      }
    }
    return m;
  });
}

/**
 * Whether the policy of an Istio edge may depend on the caller's labels, not only on its namespace: a
 * VirtualService of the destination has a route matching `sourceLabels`, or a DestinationRule in the caller's
 * namespace selects workloads (`workloadSelector`). Such edges are not shared (`policyKey`).
 */
function istioReadsCallerLabels(graph: Graph, st: RetryState, edge: CallEdge): boolean {
  if ((st.drSelectorNs ??= selectorNamespaces(graph)).has(edge.from.namespace)) return true;
  const f = factsOf(st, edge.to);
  return (f.istioSourceLabels ??= (virtualServicesByService(graph).get(edge.to.id) ?? []).some((e) => matchesSourceLabels(e.vs)));
}

/** Namespaces with a DestinationRule that selects workloads by label. */
function selectorNamespaces(graph: Graph): ReadonlySet<string> {
  const out = new Set<string>();
  for (const dr of graph.ofKind('networking.istio.io', 'DestinationRule')) {
    if (isObject(getIn(dr.obj, ['spec', 'workloadSelector', 'matchLabels']))) out.add(nsOf(graph, dr));
  }
  return out;
}

function matchesSourceLabels(vs: Resource): boolean {
  return arr(getIn(vs.obj, ['spec', 'http'])).some((r) => isObject(r) && arr(r.match).some((m) => isObject(m) && isObject(m.sourceLabels)));
}

function isGenericMatch(m: JsonValue): boolean {
  if (!isObject(m)) return true;
  // what a match tests besides who the caller is
  let tests = 0;
  let first: string | undefined;
  for (const k in m) {
    if (!Object.hasOwn(m, k) || k === 'name' || k === 'gateways' || k === 'sourceLabels' || k === 'sourceNamespace') continue;
    if (tests++ === 0) first = k;
  }
  if (tests === 0) return true;
  return tests === 1 && first === 'uri' && isObject(m.uri) && m.uri.prefix === '/';
}

/** A VirtualService http route applies to the caller when one of its matches could (sourceLabels, sourceNamespace). */
function istioRouteAppliesTo(route: JsonObject, caller: PodTemplate): boolean {
  const matches = arr(route.match);
  if (!matches.length) return true;
  return matches.some((m) => {
    if (!isObject(m)) return true;
    if (isObject(m.sourceLabels)) for (const [k, v] of Object.entries(m.sourceLabels)) if (caller.labels[k] !== v) return false;
    if (typeof m.sourceNamespace === 'string' && m.sourceNamespace !== caller.namespace) return false;
    const gws = arr(m.gateways).filter((g): g is string => typeof g === 'string');
    if (gws.length && !gws.includes('mesh')) return false;
    return true;
  });
}

function idempotentMethods(matches: JsonValue[] | undefined, read: (m: JsonObject) => string | undefined): string[] | undefined {
  if (!matches || !matches.length) return undefined;
  const methods: string[] = [];
  for (const m of matches) {
    const method = isObject(m) ? read(m) : undefined;
    if (!method) return undefined;
    methods.push(method.toUpperCase());
  }
  return methods;
}

/** A draft where one reason says there are no retries, no timeouts and nothing else. */
function noRetry(protocol: Setting<EdgeProtocol>, notes: string[], sb: SetBy): Draft {
  return {
    protocol,
    attempts: { value: 1, setBy: sb },
    retryOn: { value: [], setBy: sb },
    perTry: { value: undefined, setBy: sb },
    timeout: { value: undefined, setBy: sb },
    bound: { value: undefined, setBy: sb },
    outlier: { value: false, setBy: sb },
    notes,
  };
}

/** Istio's defaults that depend on nothing (Settings are never changed, only replaced, so drafts share them). */
const ISTIO_DEFAULTS = {
  perTry: { value: undefined, setBy: def('no per-try timeout: each attempt may use the whole route timeout', '[I-API-VS HTTPRetry.perTryTimeout]') },
  timeout: { value: undefined, setBy: def('Istio sets no route timeout unless a route does (it disables Envoy\'s 15 s default)', '[I-ROUTE setTimeout]') },
  bound: { value: undefined, setBy: def('Istio sets the retry circuit breaker to 2^32-1 and no retry budget unless a DestinationRule does', '[I-CTP getDefaultCircuitBreakerThresholds]') },
  outlier: { value: false, setBy: def('outlier detection is off unless a DestinationRule sets trafficPolicy.outlierDetection', '[I-CTP applyOutlierDetection]') },
} as const;

function istioPolicy(graph: Graph, edge: CallEdge, mode: 'sidecar' | 'ambient'): PolicyCore {
  const protocol = portProtocol(graph, edge.to, edge.port, 'istio');
  const notes: string[] = [];
  if (protocol.value === 'tcp') {
    return finish('istio', mode, noRetry(protocol, notes, def(`${portLabel(edge)} is proxied as TCP (${protocol.setBy.reason}): Istio has no request retries or timeouts for it`, '[I-PROTO]')));
  }
  if (mode === 'ambient') {
    const wp = waypointForService(graph, edge.to);
    if (!wp.waypoint) {
      return finish('istio', mode, noRetry(protocol, notes, def(`the caller is in ambient mode and ${edge.to.name} has no waypoint (${wp.decidedBy.reason}): ztunnel applies no L7 retries or timeouts`, '[I-DOC-AMB-L4]', wp.decidedBy.assumed)));
    }
    notes.push(`ambient: the waypoint ${wp.waypoint.namespace}/${wp.waypoint.name} applies the route`);
  }
  if (protocol.value === 'unknown') notes.push(`the protocol of ${portLabel(edge)} is detected at run time; HTTP is assumed for the retry defaults`);

  const retry = istioDefaultRetry(graph);
  const d: Draft = {
    protocol,
    attempts: retry.attempts,
    retryOn: retry.retryOn,
    perTry: ISTIO_DEFAULTS.perTry,
    timeout: ISTIO_DEFAULTS.timeout,
    backoff: ENVOY_BACKOFF,
    bound: ISTIO_DEFAULTS.bound,
    outlier: ISTIO_DEFAULTS.outlier,
    notes,
  };

  let destinationFqdn: string | undefined;
  const gamma = gammaRouteFor(graph, edge);
  if (gamma) applyGatewayRoute(graph, edge, gamma, d, 'istio');
  else {
    const vs = pickVirtualService(graph, edge);
    if (vs) destinationFqdn = applyVirtualService(graph, edge, vs, d);
  }
  applyDestinationRule(graph, edge, d, destinationFqdn);
  applyBackendTrafficPolicy(graph, edge, d);
  return finish('istio', mode, d);
}

function pickVirtualService(graph: Graph, edge: CallEdge): Resource | undefined {
  const all = virtualServicesByService(graph).get(edge.to.id) ?? [];
  const callerNs = edge.from.namespace;
  const visible = all.filter(({ vs }) => exportedTo(graph, vs, exportToOf(vs.obj.spec), callerNs)).map((e) => e.vs);
  if (!visible.length) return undefined;
  if (visible.length === 1) return visible[0];
  const svcNs = nsOf(graph, edge.to);
  return [...visible].sort((a, b) => vsRank(graph, a, callerNs, svcNs) - vsRank(graph, b, callerNs, svcNs) || a.id - b.id)[0];
}

/** VirtualServices in the caller's namespace come first, then those in the Service's. */
function vsRank(graph: Graph, r: Resource, callerNs: string, svcNs: string): number {
  return nsOf(graph, r) === callerNs ? 0 : nsOf(graph, r) === svcNs ? 1 : 2;
}

function routeAttempts(r: JsonObject): number {
  return isObject(r.retries) ? (typeof r.retries.attempts === 'number' ? r.retries.attempts : 0) + 1 : 3;
}

/** Apply the VirtualService route that the caller's requests take; returns the FQDN of its first destination. */
function applyVirtualService(graph: Graph, edge: CallEdge, vs: Resource, d: Draft): string | undefined {
  const spec = isObject(vs.obj.spec) ? vs.obj.spec : {};
  // of the routes that apply to the caller, the first generic one, else the one with the most attempts
  const http = arr(spec.http);
  let applicable = 0;
  let generic = -1;
  for (let k = 0; k < http.length; k++) {
    const route = http[k];
    if (!isObject(route) || !istioRouteAppliesTo(route, edge.from)) continue;
    applicable++;
    if (generic < 0 && (arr(route.match).length === 0 || arr(route.match).some(isGenericMatch))) generic = k;
  }
  if (!applicable) return undefined;
  let i = generic;
  if (i < 0) {
    const routes = http.map((r, k) => ({ r, k })).filter((x): x is { r: JsonObject; k: number } => isObject(x.r) && istioRouteAppliesTo(x.r, edge.from));
    i = [...routes].sort((a, b) => routeAttempts(b.r) - routeAttempts(a.r) || a.k - b.k)[0]!.k;
    if (routes.length > 1) d.notes.push(`no route of VirtualService ${vs.name} takes all requests; the one with the most attempts (http[${i}]) is assumed`);
  }
  const r = http[i] as JsonObject;
  const base: Path = ['spec', 'http', i];
  const label = `VirtualService ${nsOf(graph, vs)}/${vs.name} http[${i}]${typeof r.name === 'string' ? ` (${r.name})` : ''}`;
  d.route = { resource: vs, path: base, label, methods: idempotentMethods(arr(r.match), (m) => (isObject(m.method) ? str(m.method.exact) : undefined)) };
  if (isObject(r.retries)) {
    const rt = r.retries;
    const n = typeof rt.attempts === 'number' ? rt.attempts : 0;
    const p: Path = [...base, 'retries', ...(rt.attempts !== undefined ? ['attempts'] : [])];
    if (n <= 0) {
      d.attempts = { value: 1, setBy: at(vs, p, rt.attempts === undefined ? `${label} sets retries without attempts, which disables them (attempts 0)` : `${label} retries.attempts=0 disables retries`) };
      d.retryOn = { value: [], setBy: d.attempts.setBy };
    } else {
      d.attempts = { value: n + 1, setBy: at(vs, p, `${label} retries.attempts=${n}`) };
      const ro = str(rt.retryOn);
      if (ro) d.retryOn = { value: ro.split(',').map((x) => x.trim()).filter(Boolean), setBy: at(vs, [...base, 'retries', 'retryOn'], `${label} retries.retryOn=${ro}`) };
      else d.retryOn = { value: d.retryOn.value, setBy: { ...d.retryOn.setBy, reason: `${label} sets retries without retryOn, so Istio's default conditions apply` } };
      const pt = parseDuration(rt.perTryTimeout);
      if (pt !== undefined) d.perTry = { value: pt, setBy: at(vs, [...base, 'retries', 'perTryTimeout'], `${label} retries.perTryTimeout=${formatMs(pt)}`) };
      const bo = parseDuration(rt.backoff);
      if (bo !== undefined) d.backoff = { baseMs: bo, maxMs: bo * 10 };
    }
  } else {
    d.attempts = { value: d.attempts.value, setBy: { ...d.attempts.setBy, resource: vs, path: base, reason: `${label} sets no retries, so ${d.attempts.setBy.reason.replace(/^Istio default: /, "Istio's default of ")}`, isDefault: true } };
  }
  const to = parseDuration(r.timeout);
  if (to !== undefined && to > 0) d.timeout = { value: to, setBy: at(vs, [...base, 'timeout'], `${label} timeout=${formatMs(to)}`) };
  // the DestinationRule that matters is the destination's
  return routeDestinationFqdn(graph, vs, r);
}

/** The FQDN of the Service that a VirtualService http route's first destination names, if one does. */
function routeDestinationFqdn(graph: Graph, vs: Resource, r: JsonObject): string | undefined {
  const dest = arr(r.route).find(isObject);
  const host = isObject(dest) && isObject(dest.destination) ? str(dest.destination.host) : undefined;
  if (!host) return undefined;
  const svc = hostsMatching(graph, host, nsOf(graph, vs)).services[0];
  return svc ? fqdnOf(graph, svc) : undefined;
}

function fqdnOf(graph: Graph, svc: Resource): string {
  const byId = tableOf<number, string>(graph, 'retries:fqdn');
  let fqdn = byId.get(svc.id);
  if (fqdn === undefined) byId.set(svc.id, (fqdn = `${svc.name}.${nsOf(graph, svc)}.svc.${clusterDomainOf(graph).value}`.toLowerCase()));
  return fqdn;
}

/** The DestinationRule on the lookup path: client namespace, service namespace, root namespace [I-PUSH]. */
function applyDestinationRule(graph: Graph, edge: CallEdge, d: Draft, destinationFqdn: string | undefined): void {
  const fqdn = destinationFqdn ?? fqdnOf(graph, edge.to);
  const callerNs = edge.from.namespace;
  // the destination's namespace: the FQDN's second label
  const d1 = fqdn.indexOf('.');
  const d2 = d1 < 0 ? -1 : fqdn.indexOf('.', d1 + 1);
  const svcNs = d1 < 0 ? nsOf(graph, edge.to) : fqdn.slice(d1 + 1, d2 < 0 ? fqdn.length : d2);
  const root = clusterFacts(graph).istio.rootNamespace;
  const candidates = destinationRulesFor(graph, fqdn, callerNs);
  // the first namespace of the lookup path that has one wins; there, exact hosts before wildcards, then the oldest
  let chosenEntry: (typeof candidates)[number] | undefined;
  for (let step = 0; step < 3 && !chosenEntry; step++) {
    const ns = step === 0 ? callerNs : step === 1 ? svcNs : root;
    for (const c of candidates) {
      if (nsOf(graph, c.rule) !== ns || !destinationRuleSelects(c.rule, edge.from, graph)) continue;
      if (!chosenEntry || comesFirst(c, chosenEntry)) chosenEntry = c;
    }
  }
  if (!chosenEntry) return;
  const chosen = chosenEntry.rule;
  const label = `DestinationRule ${nsOf(graph, chosen)}/${chosen.name}`;
  const tp = getIn(chosen.obj, TRAFFIC_POLICY);
  if (!isObject(tp)) return;
  let poolPath: Path = TRAFFIC_POLICY;
  let pool: JsonObject = tp;
  const port = edge.port?.port;
  if (port !== undefined) {
    const levels = arr(tp.portLevelSettings);
    for (let i = 0; i < levels.length; i++) {
      const pl = levels[i];
      if (isObject(pl) && isObject(pl.port) && pl.port.number === port) {
        // port-level settings replace the destination-level ones without inheriting [I-API-DR port_level_settings]
        pool = pl;
        poolPath = ['spec', 'trafficPolicy', 'portLevelSettings', i];
      }
    }
  }
  const version = clusterFacts(graph).istio.version;
  if (isObject(tp.retryBudget)) {
    const rb = tp.retryBudget;
    const supported = atLeast(version, 1, 27);
    if (supported === false) {
      d.notes.push(`${label} sets retryBudget, which Istio ${version!.raw} does not support (added in 1.27)`);
    } else {
      const percent = isObject(rb.percent) && typeof rb.percent.value === 'number' ? rb.percent.value : typeof rb.percent === 'number' ? rb.percent : undefined;
      const buggy = percent === undefined && version !== undefined && brokenPercentDefault(version.major, version.minor, version.raw);
      const ratio = (percent ?? (buggy ? 0.2 : 20)) / 100;
      const min = typeof rb.minRetryConcurrency === 'number' ? rb.minRetryConcurrency : 3;
      d.bound = {
        value: { kind: 'budget', ratio, minimum: min, text: `retry budget ${formatPercent(ratio)} of active requests (at least ${min} concurrent retries)` },
        setBy: { ...at(chosen, ['spec', 'trafficPolicy', 'retryBudget'], `${label} trafficPolicy.retryBudget`), assumed: supported === undefined },
      };
      if (supported === undefined) d.notes.push(`the Istio version is not declared (cluster.istio.version); ${label}'s retryBudget needs 1.27 or later`);
    }
  } else {
    const mr = getIn(pool, ['connectionPool', 'http', 'maxRetries']);
    if (typeof mr === 'number' && mr > 0) {
      d.bound = { value: { kind: 'circuit-breaker', maxConcurrent: mr, text: `at most ${mr} concurrent retries` }, setBy: at(chosen, [...poolPath, 'connectionPool', 'http', 'maxRetries'], `${label} connectionPool.http.maxRetries=${mr}`) };
    }
  }
  if (isObject(pool.outlierDetection)) d.outlier = { value: true, setBy: at(chosen, [...poolPath, 'outlierDetection'], `${label} outlierDetection`) };
  else if (pool !== tp && isObject(tp.outlierDetection)) {
    d.outlier = { value: false, setBy: at(chosen, poolPath, `${label} sets outlierDetection only at the top level, and its portLevelSettings for port ${port} replace the top-level settings without inheriting them [I-API-DR port_level_settings]`) };
  }
}

const TRAFFIC_POLICY: Path = ['spec', 'trafficPolicy'];
const WORKLOAD_SELECTOR: Path = ['spec', 'workloadSelector', 'matchLabels'];

/** A DestinationRule with a workloadSelector applies only to the workloads it selects, in its own namespace. */
function destinationRuleSelects(rule: Resource, caller: PodTemplate, graph: Graph): boolean {
  const sel = getIn(rule.obj, WORKLOAD_SELECTOR);
  if (!isObject(sel)) return true;
  if (nsOf(graph, rule) !== caller.namespace) return false;
  for (const [k, v] of Object.entries(sel)) if (caller.labels[k] !== v) return false;
  return true;
}

function comesFirst(a: { host: string; rule: Resource }, b: { host: string; rule: Resource }): boolean {
  const wa = a.host.startsWith('*') ? 1 : 0;
  const wb = b.host.startsWith('*') ? 1 : 0;
  return wa !== wb ? wa < wb : a.rule.id < b.rule.id;
}

/** Istio 1.27.x, 1.28.0-1.28.5 and 1.29.0-1.29.1 read an unset retryBudget.percent as 0.2 % [I-RN-RB-PERCENT]. */
export function brokenPercentDefault(major: number, minor: number, raw: string): boolean {
  if (major !== 1) return false;
  const patch = Number(/^\D*\d+\.\d+\.(\d+)/.exec(raw)?.[1] ?? '0');
  if (minor === 27) return true;
  if (minor === 28) return patch <= 5;
  if (minor === 29) return patch <= 1;
  return false;
}

function formatPercent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(3))} %`;
}

/** Gateway API XBackendTrafficPolicy `retryConstraint` on the Service, which Istio turns into a retry budget [I-GW-BACKENDPOL]. */
function applyBackendTrafficPolicy(graph: Graph, edge: CallEdge, d: Draft): void {
  if (d.bound.value) return;
  for (const p of graph.inNamespace(nsOf(graph, edge.to), 'gateway.networking.x-k8s.io', 'XBackendTrafficPolicy')) {
    const spec = isObject(p.obj.spec) ? p.obj.spec : {};
    const targets = arr(spec.targetRefs);
    const hit = targets.some((t) => isObject(t) && (t.kind ?? 'Service') === 'Service' && (t.group ?? '') === '' && t.name === edge.to.name);
    if (!hit || !isObject(spec.retryConstraint)) continue;
    const budget = isObject(spec.retryConstraint.budget) ? spec.retryConstraint.budget : {};
    const percent = typeof budget.percent === 'number' ? budget.percent : 20;
    const min = isObject(spec.retryConstraint.minRetryRate) && typeof spec.retryConstraint.minRetryRate.count === 'number' ? spec.retryConstraint.minRetryRate.count : 10;
    d.bound = {
      value: { kind: 'budget', ratio: percent / 100, minimum: min, text: `retry budget ${percent} % (XBackendTrafficPolicy)` },
      setBy: at(p, ['spec', 'retryConstraint'], `XBackendTrafficPolicy ${nsOf(graph, p)}/${p.name} retryConstraint`),
    };
    return;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Gateway API routes attached to a Service (GAMMA)

/** HTTP and gRPC routes attached to a Service (GAMMA), resolved. */
function gammaParents(graph: Graph, svc: Resource): readonly RouteParent[] {
  const bySvc = graph.memo('retries:gammaByService', () => {
    const m = new Map<number, RouteParent[]>();
    for (const p of gatewayRouteParents(graph)) {
      if (p.kind !== 'Service' || p.status !== 'ok' || !p.target) continue;
      if (p.route.kind !== 'HTTPRoute' && p.route.kind !== 'GRPCRoute') continue;
      const l = m.get(p.target.id);
      if (l) l.push(p);
      else m.set(p.target.id, [p]);
    }
    return m;
  });
  return bySvc.get(svc.id) ?? NO_PARENTS;
}

const NO_PARENTS: readonly RouteParent[] = [];

/** The HTTPRoute (Gateway API or Linkerd's) attached to the destination Service that applies to this caller. */
function gammaRouteFor(graph: Graph, edge: CallEdge): RouteParent | undefined {
  const parents = gammaParents(graph, edge.to);
  if (!parents.length) return undefined;
  const svcNs = nsOf(graph, edge.to);
  const applicable = parents.filter((p) => {
    const routeNs = nsOf(graph, p.route);
    // a consumer route (another namespace) only applies to callers in its own namespace [G-SHARED]
    if (routeNs !== svcNs && routeNs !== edge.from.namespace) return false;
    if (p.port !== undefined && edge.port?.port !== undefined && p.port !== edge.port.port) return false;
    if (p.sectionName !== undefined && edge.port && p.sectionName !== edge.port.name) return false;
    return true;
  });
  // consumer routes win over producer routes for their namespace
  return applicable.sort((a, b) => Number(nsOf(graph, b.route) === edge.from.namespace && nsOf(graph, b.route) !== svcNs) - Number(nsOf(graph, a.route) === edge.from.namespace && nsOf(graph, a.route) !== svcNs) || a.route.id - b.route.id)[0];
}

/** Gateway API channel of the HTTPRoute CRD: `cluster.gatewayApi.channel`, else the CRD in the input, else unknown. */
export function gatewayApiChannel(graph: Graph): { channel: 'standard' | 'experimental' | undefined; setBy: SetBy } {
  return graph.memo('retries:gwChannel', () => {
    const g = isObject(graph.cluster.gatewayApi) ? (graph.cluster.gatewayApi as JsonObject) : {};
    if (g.channel === 'standard' || g.channel === 'experimental') return { channel: g.channel, setBy: def(`cluster.gatewayApi.channel=${g.channel}`) };
    const crd = graph.find('apiextensions.k8s.io', 'CustomResourceDefinition', undefined, 'httproutes.gateway.networking.k8s.io');
    const ann = crd ? annotationsOf(crd)['gateway.networking.k8s.io/channel'] : undefined;
    if (crd && (ann === 'standard' || ann === 'experimental')) return { channel: ann, setBy: at(crd, ['metadata', 'annotations', 'gateway.networking.k8s.io/channel'], `the HTTPRoute CRD in the input is the ${ann} channel`) };
    return { channel: undefined, setBy: def('the Gateway API channel is not declared (cluster.gatewayApi.channel) and no HTTPRoute CRD is in the input', undefined, true) };
  });
}

function pickRule(route: Resource): { rule: JsonObject; index: number } | undefined {
  const rules = arr(getIn(route.obj, ['spec', 'rules']));
  const generic = rules.findIndex((r) => isObject(r) && (arr(r.matches).length === 0 || arr(r.matches).some((m) => isObject(m) && Object.keys(m).length === 1 && isObject(m.path) && m.path.value === '/' && (m.path.type ?? 'PathPrefix') === 'PathPrefix')));
  const index = generic >= 0 ? generic : rules.findIndex(isObject);
  if (index < 0) return undefined;
  return { rule: rules[index] as JsonObject, index };
}

function applyGatewayRoute(graph: Graph, edge: CallEdge, parent: RouteParent, d: Draft, mesh: 'istio' | 'linkerd'): void {
  const route = parent.route;
  const picked = pickRule(route);
  if (!picked) return;
  const { rule, index } = picked;
  const base: Path = ['spec', 'rules', index];
  const label = `${route.kind} ${nsOf(graph, route)}/${route.name} rules[${index}]`;
  d.route = { resource: route, path: base, label, methods: idempotentMethods(arr(rule.matches), (m) => str(m.method)) };
  const timeouts = isObject(rule.timeouts) ? rule.timeouts : {};
  const req = parseDuration(timeouts.request);
  if (req !== undefined && req > 0) d.timeout = { value: req, setBy: at(route, [...base, 'timeouts', 'request'], `${label} timeouts.request=${formatMs(req)}`) };
  if (mesh === 'linkerd') return;
  const channel = gatewayApiChannel(graph);
  if (isObject(rule.retry) && route.kind === 'HTTPRoute') {
    if (channel.channel === 'standard') {
      d.notes.push(`${label} sets retry, but the standard-channel CRD prunes the field, so Istio's default retries apply`);
      d.attempts = { value: d.attempts.value, setBy: { ...d.attempts.setBy, reason: `${label}'s retry is dropped by the standard-channel CRD, so ${d.attempts.setBy.reason}` } };
      return;
    }
    const rt = rule.retry;
    const n = typeof rt.attempts === 'number' ? rt.attempts : 2;
    d.attempts = { value: n + 1, setBy: at(route, [...base, 'retry', ...(rt.attempts !== undefined ? ['attempts'] : [])], rt.attempts !== undefined ? `${label} retry.attempts=${n}` : `${label} sets retry without attempts; Istio uses 2`) };
    const codes = arr(rt.codes).filter((c): c is number => typeof c === 'number').map(String);
    d.retryOn = { value: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', ...codes, ...(codes.length ? ['retriable-status-codes'] : [])], setBy: at(route, [...base, 'retry'], `${label} retry${codes.length ? ` codes ${codes.join(',')}` : ''}`) };
    const be = parseDuration(timeouts.backendRequest);
    if (be !== undefined && be > 0) d.perTry = { value: be, setBy: at(route, [...base, 'timeouts', 'backendRequest'], `${label} timeouts.backendRequest=${formatMs(be)}`) };
    const bo = parseDuration(rt.backoff);
    if (bo !== undefined) d.backoff = { baseMs: bo, maxMs: bo * 10 };
  } else {
    d.attempts = { value: d.attempts.value, setBy: { ...d.attempts.setBy, resource: route, path: base, reason: `${label} sets no retry, so ${d.attempts.setBy.reason}`, isDefault: true } };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Linkerd

export const LINKERD_RETRY_ANNOTATIONS = ['retry.linkerd.io/http', 'retry.linkerd.io/grpc', 'retry.linkerd.io/limit', 'retry.linkerd.io/timeout'] as const;
export const LINKERD_TIMEOUT_ANNOTATIONS = ['timeout.linkerd.io/request', 'timeout.linkerd.io/response', 'timeout.linkerd.io/idle'] as const;

/** The ServiceProfile that the caller's proxy uses for a Service: the caller's namespace first, then the Service's [L-DOC-SP-TASK]. */
export function serviceProfileFor(graph: Graph, svc: Resource, callerNs: string): Resource | undefined {
  const fqdn = fqdnOf(graph, svc);
  return graph.find('linkerd.io', 'ServiceProfile', callerNs, fqdn) ?? graph.find('linkerd.io', 'ServiceProfile', nsOf(graph, svc), fqdn);
}

const LINKERD_NONE = def('Linkerd retries nothing and sets no timeout unless configured', '[L-DOC-RT]');
/** Linkerd's defaults (shared by every draft: Settings are replaced, never changed). */
const LINKERD_DEFAULTS = {
  attempts: { value: 1, setBy: LINKERD_NONE },
  retryOn: { value: [] as readonly string[], setBy: LINKERD_NONE },
  perTry: { value: undefined, setBy: LINKERD_NONE },
  timeout: { value: undefined, setBy: LINKERD_NONE },
  backoff: { baseMs: 25, maxMs: 250 },
  bound: { value: undefined, setBy: def('annotation-based retries have no retry budget in Linkerd', '[L-PAPI outbound.proto HttpRoute.Retry]') },
  outlier: { value: false, setBy: def('failure accrual is off unless the Service sets balancer.linkerd.io/failure-accrual', '[L-DOC-CB]') },
} as const;

function linkerdPolicy(graph: Graph, edge: CallEdge): PolicyCore {
  const protocol = portProtocol(graph, edge.to, edge.port, 'linkerd');
  const notes: string[] = [];
  const d: Draft = { ...LINKERD_DEFAULTS, protocol, notes };
  const fa = annotationsOf(edge.to)['balancer.linkerd.io/failure-accrual'];
  if (fa) d.outlier = { value: true, setBy: at(edge.to, ['metadata', 'annotations', 'balancer.linkerd.io/failure-accrual'], `Service ${edge.to.name} balancer.linkerd.io/failure-accrual=${fa}`) };
  if (protocol.value === 'tcp') {
    d.attempts = { value: 1, setBy: def(`${portLabel(edge)} is opaque TCP to Linkerd (${protocol.setBy.reason}): no request retries`) };
    return finish('linkerd', 'sidecar', d);
  }
  const sp = serviceProfileFor(graph, edge.to, edge.from.namespace);
  if (sp) {
    applyServiceProfile(graph, sp, d);
    return finish('linkerd', 'sidecar', d);
  }
  // annotations: a route's retry (resp. timeout) annotations replace all of the Service's
  const gamma = gammaRouteFor(graph, edge);
  if (gamma) applyGatewayRoute(graph, edge, gamma, d, 'linkerd');
  const routeAnn = gamma ? annotationsOf(gamma.route) : {};
  const svcAnn = annotationsOf(edge.to);
  const routeHasRetry = LINKERD_RETRY_ANNOTATIONS.some((k) => routeAnn[k] !== undefined);
  const routeHasTimeout = LINKERD_TIMEOUT_ANNOTATIONS.some((k) => routeAnn[k] !== undefined);
  const retrySrc = routeHasRetry ? { r: gamma!.route, ann: routeAnn } : { r: edge.to, ann: svcAnn };
  const timeoutSrc = routeHasTimeout ? { r: gamma!.route, ann: routeAnn } : { r: edge.to, ann: svcAnn };
  const ann = retrySrc.ann;
  const label = `${retrySrc.r.kind} ${nsOf(graph, retrySrc.r)}/${retrySrc.r.name}`;
  if (LINKERD_RETRY_ANNOTATIONS.some((k) => ann[k] !== undefined)) {
    const limitRaw = ann['retry.linkerd.io/limit'];
    const limitNum = limitRaw !== undefined && /^\d+$/.test(limitRaw.trim()) ? Number(limitRaw) : undefined;
    const limit = limitNum && limitNum > 0 ? limitNum : 1;
    const limitPath: Path = ['metadata', 'annotations', limitRaw !== undefined ? 'retry.linkerd.io/limit' : firstPresent(ann, LINKERD_RETRY_ANNOTATIONS)];
    d.attempts = {
      value: limit + 1,
      setBy: at(retrySrc.r, limitPath, limitRaw !== undefined ? `${label} retry.linkerd.io/limit=${limitRaw}${limitNum === 0 ? ' (0 counts as unset: 1 retry)' : ''}` : `${label} sets retry annotations without retry.linkerd.io/limit, so Linkerd allows 1 retry`),
    };
    const http = ann['retry.linkerd.io/http'];
    const grpc = ann['retry.linkerd.io/grpc'];
    const conds = [...(http ? http.split(',') : []), ...(grpc ? grpc.split(',') : [])].map((x) => x.trim().toLowerCase()).filter(Boolean).map((c) => (/^\d{3}-\d{3}$/.test(c) ? (Number(c.slice(4)) >= 500 ? '5xx' : c) : c));
    const rt = parseDuration(ann['retry.linkerd.io/timeout']);
    if (rt !== undefined) {
      d.perTry = { value: rt, setBy: at(retrySrc.r, ['metadata', 'annotations', 'retry.linkerd.io/timeout'], `${label} retry.linkerd.io/timeout=${formatMs(rt)}`) };
      conds.push('timeout');
    }
    d.retryOn = {
      value: conds.length ? conds : ['connect-failure'],
      setBy: at(retrySrc.r, ['metadata', 'annotations', firstPresent(ann, ['retry.linkerd.io/http', 'retry.linkerd.io/grpc', 'retry.linkerd.io/timeout', 'retry.linkerd.io/limit'])], http || grpc ? `${label} retry conditions ${[http, grpc].filter(Boolean).join(', ')}` : `${label} names no retry.linkerd.io/http or /grpc conditions, so only errors without a response are retried`),
    };
  }
  const tAnn = timeoutSrc.ann;
  const tLabel = `${timeoutSrc.r.kind} ${nsOf(graph, timeoutSrc.r)}/${timeoutSrc.r.name}`;
  const req = parseDuration(tAnn['timeout.linkerd.io/request']) ?? parseDuration(tAnn['timeout.linkerd.io/response']);
  if (req !== undefined && req > 0) {
    const key = tAnn['timeout.linkerd.io/request'] !== undefined ? 'timeout.linkerd.io/request' : 'timeout.linkerd.io/response';
    d.timeout = { value: req, setBy: at(timeoutSrc.r, ['metadata', 'annotations', key], `${tLabel} ${key}=${formatMs(req)}`) };
  }
  return finish('linkerd', 'sidecar', d);
}

function firstPresent(ann: Record<string, string>, keys: readonly string[]): string {
  return keys.find((k) => ann[k] !== undefined) ?? keys[0]!;
}

function applyServiceProfile(graph: Graph, sp: Resource, d: Draft): void {
  const label = `ServiceProfile ${nsOf(graph, sp)}/${sp.name}`;
  const spec = isObject(sp.obj.spec) ? sp.obj.spec : {};
  const routes = arr(spec.routes).map((r, i) => ({ r, i })).filter((x): x is { r: JsonObject; i: number } => isObject(x.r));
  const retryable = routes.filter(({ r }) => r.isRetryable === true);
  const pick = retryable[0] ?? routes[0];
  const rb = isObject(spec.retryBudget) ? spec.retryBudget : undefined;
  if (rb) {
    const ratio = typeof rb.retryRatio === 'number' ? rb.retryRatio : 0;
    const min = typeof rb.minRetriesPerSecond === 'number' ? rb.minRetriesPerSecond : 0;
    d.bound = { value: { kind: 'budget', ratio, minimum: min, text: `retry budget ${formatPercent(ratio)} + ${min}/s` }, setBy: at(sp, ['spec', 'retryBudget'], `${label} retryBudget`) };
  } else {
    d.bound = { value: { kind: 'budget', ratio: 0.2, minimum: 10, text: 'retry budget 20 % + 10/s (ServiceProfile default)' }, setBy: { ...def(`${label} sets no retryBudget, so Linkerd's default 20 % + 10 retries/s applies`, '[L-PROFILE defaultRetryBudget]'), resource: sp, path: ['spec'] } };
  }
  if (retryable.length) {
    const { r, i } = pick!;
    d.attempts = { value: undefined, setBy: at(sp, ['spec', 'routes', i, 'isRetryable'], `${label} route ${str(r.name) ?? i} isRetryable (limited only by the budget)`) };
    d.retryOn = { value: ['5xx'], setBy: at(sp, ['spec', 'routes', i, 'isRetryable'], `${label} retries responses its response classes call failures (5xx by default)`) };
    d.overload = true;
    d.route = { resource: sp, path: ['spec', 'routes', i], label: `${label} route ${str(r.name) ?? i}`, methods: spMethods(r) };
    if (retryable.length < routes.length) d.notes.push(`${retryable.length} of ${routes.length} routes of ${label} are retryable`);
  } else {
    d.attempts = { value: 1, setBy: { ...def(`${label} marks no route isRetryable`), resource: sp, path: ['spec', 'routes'] } };
  }
  if (pick) {
    const t = parseDuration(pick.r.timeout);
    if (t !== undefined && t > 0) d.timeout = { value: t, setBy: at(sp, ['spec', 'routes', pick.i, 'timeout'], `${label} route ${str(pick.r.name) ?? pick.i} timeout=${formatMs(t)}`) };
  }
}

function spMethods(r: JsonObject): string[] | undefined {
  const c = isObject(r.condition) ? r.condition : undefined;
  if (!c) return undefined;
  if (typeof c.method === 'string') return [c.method.toUpperCase()];
  const all = arr(c.all).find((x) => isObject(x) && typeof x.method === 'string');
  return isObject(all) && typeof all.method === 'string' ? [all.method.toUpperCase()] : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Consul

/** The Consul service name a Service's pods register under (the Service name unless the pods rename it). */
export function consulNameOf(graph: Graph, svc: Resource): string {
  const renamed = serviceView(graph, svc).pods.map((t) => t.annotations['consul.hashicorp.com/connect-service']).find(Boolean);
  return renamed?.split(',')[0]?.trim() || svc.name;
}

/** The Consul service name the caller's proxy runs as: its first Service's, else its own annotation. */
function consulCallerName(graph: Graph, t: PodTemplate): string | undefined {
  return servicesSelecting(graph, t).map((s) => consulNameOf(graph, s))[0] ?? t.annotations['consul.hashicorp.com/connect-service'];
}

/** The Consul config entry of a kind for a service name (config entries are keyed by name), through a per-kind index. */
function consulEntry(graph: Graph, kind: string, name: string): Resource | undefined {
  const byName = graph.memo('retries:consul', kind, () => {
    const m = new Map<string, Resource>();
    for (const r of graph.ofKind('consul.hashicorp.com', kind)) if (!m.has(r.name)) m.set(r.name, r);
    return m;
  });
  return byName.get(name);
}

function consulProtocol(graph: Graph, svc: Resource): Setting<EdgeProtocol> {
  const name = consulNameOf(graph, svc);
  const sd = consulEntry(graph, 'ServiceDefaults', name);
  const p = sd ? str(getIn(sd.obj, ['spec', 'protocol'])) : undefined;
  if (sd && p) return { value: fromName(p) ?? 'tcp', setBy: at(sd, ['spec', 'protocol'], `ServiceDefaults ${sd.name} protocol=${p}`) };
  const pd = consulEntry(graph, 'ProxyDefaults', 'global');
  const gp = pd ? str(getIn(pd.obj, ['spec', 'config', 'protocol'])) : undefined;
  if (pd && gp) return { value: fromName(gp) ?? 'tcp', setBy: at(pd, ['spec', 'config', 'protocol'], `ProxyDefaults global config.protocol=${gp}`) };
  return { value: 'tcp', setBy: def(`no ServiceDefaults sets a protocol for ${name}, so Consul treats it as TCP`, '[C-SD-TYPES]') };
}

const CONSUL_NONE = def('Consul configures no retries unless a ServiceRouter does', '[C-ROUTES getRetryPolicyForDestination]');
/** Consul's defaults (shared by every draft: Settings are replaced, never changed). */
const CONSUL_DEFAULTS = {
  attempts: { value: 1, setBy: CONSUL_NONE },
  retryOn: { value: [] as readonly string[], setBy: CONSUL_NONE },
  perTry: { value: undefined, setBy: CONSUL_NONE },
  httpTimeout: { value: ENVOY_ROUTE_TIMEOUT_MS, setBy: def("Envoy's default route timeout of 15 s (Consul sets none unless requestTimeout is set)", '[C-ROUTES; E-ROUTE-PROTO]') },
  tcpTimeout: { value: undefined, setBy: def('TCP upstream: no request timeout') },
  bound: { value: { kind: 'circuit-breaker', maxConcurrent: 3, text: "Envoy's default of 3 concurrent retries" }, setBy: def("Consul leaves Envoy's retry circuit breaker at its default of 3 (not verified for every Consul version)", '[E-CB-PROTO]', true) },
  outlier: { value: false, setBy: def('no passiveHealthCheck in the caller\'s ServiceDefaults upstreamConfig', '[C-DOC-SD]') },
} as const;

function consulPolicy(graph: Graph, edge: CallEdge): PolicyCore {
  const protocol = consulProtocol(graph, edge.to);
  const name = consulNameOf(graph, edge.to);
  const d: Draft = {
    protocol,
    attempts: CONSUL_DEFAULTS.attempts,
    retryOn: CONSUL_DEFAULTS.retryOn,
    perTry: CONSUL_DEFAULTS.perTry,
    timeout: isHttp(protocol.value) ? CONSUL_DEFAULTS.httpTimeout : CONSUL_DEFAULTS.tcpTimeout,
    backoff: ENVOY_BACKOFF,
    bound: CONSUL_DEFAULTS.bound,
    outlier: CONSUL_DEFAULTS.outlier,
    notes: [],
  };
  // outlier detection is configured by the caller's ServiceDefaults upstreamConfig
  const callerName = consulCallerName(graph, edge.from);
  const callerSd = callerName ? consulEntry(graph, 'ServiceDefaults', callerName) : undefined;
  if (callerSd) {
    const uc = getIn(callerSd.obj, ['spec', 'upstreamConfig']);
    if (isObject(uc)) {
      const oi = arr(uc.overrides).findIndex((o) => isObject(o) && o.name === name);
      const o = oi >= 0 ? (arr(uc.overrides)[oi] as JsonObject) : undefined;
      if (o && isObject(o.passiveHealthCheck)) d.outlier = { value: true, setBy: at(callerSd, ['spec', 'upstreamConfig', 'overrides', oi, 'passiveHealthCheck'], `ServiceDefaults ${callerSd.name} upstreamConfig.overrides passiveHealthCheck`) };
      else if (isObject(uc.defaults) && isObject(uc.defaults.passiveHealthCheck)) d.outlier = { value: true, setBy: at(callerSd, ['spec', 'upstreamConfig', 'defaults', 'passiveHealthCheck'], `ServiceDefaults ${callerSd.name} upstreamConfig.defaults.passiveHealthCheck`) };
    }
  }
  if (!isHttp(protocol.value)) return finish('consul', 'sidecar', d);
  const router = consulEntry(graph, 'ServiceRouter', name);
  if (router) {
    const routes = arr(getIn(router.obj, ['spec', 'routes'])).map((r, i) => ({ r, i })).filter((x): x is { r: JsonObject; i: number } => isObject(x.r));
    const generic = routes.find(({ r }) => {
      const http = getIn(r, ['match', 'http']);
      return !isObject(http) || Object.keys(http).length === 0 || (Object.keys(http).length === 1 && http.pathPrefix === '/');
    });
    if (generic) {
      const { r, i } = generic;
      const base: Path = ['spec', 'routes', i, 'destination'];
      const dest = isObject(r.destination) ? r.destination : {};
      const label = `ServiceRouter ${router.name} routes[${i}]`;
      d.route = { resource: router, path: ['spec', 'routes', i], label, methods: arr(getIn(r, ['match', 'http', 'methods'])).filter((m): m is string => typeof m === 'string').map((m) => m.toUpperCase()) };
      if (!d.route.methods?.length) d.route = { ...d.route, methods: undefined };
      const retryOn = [...(dest.retryOnConnectFailure === true ? ['connect-failure'] : []), ...arr(dest.retryOn).filter((x): x is string => typeof x === 'string')];
      const codes = arr(dest.retryOnStatusCodes).filter((x): x is number => typeof x === 'number');
      if (codes.length) retryOn.push(...codes.map(String), 'retriable-status-codes');
      const n = typeof dest.numRetries === 'number' ? dest.numRetries : 0;
      if (retryOn.length || n > 0) {
        // numRetries is only emitted when > 0; a retry policy without it means Envoy's default of 1 retry [C-ROUTES; E-ROUTER]
        const attempts = n > 0 ? n + 1 : 2;
        d.attempts = { value: attempts, setBy: at(router, [...base, n > 0 ? 'numRetries' : retryOn.length ? (dest.retryOn !== undefined ? 'retryOn' : dest.retryOnStatusCodes !== undefined ? 'retryOnStatusCodes' : 'retryOnConnectFailure') : 'numRetries'], n > 0 ? `${label} numRetries=${n}` : `${label} sets retry conditions without numRetries, so Envoy's default of 1 retry applies`) };
        d.retryOn = { value: retryOn.length ? retryOn : ['connect-failure'], setBy: at(router, base, `${label} retry conditions ${retryOn.join(',') || '(none: Envoy retries connect failures)'}`) };
      }
      const rt = parseDuration(dest.requestTimeout);
      if (rt !== undefined) {
        d.timeout = rt < 0 ? { value: undefined, setBy: at(router, [...base, 'requestTimeout'], `${label} requestTimeout is negative, which disables the timeout`) } : rt > 0 ? { value: rt, setBy: at(router, [...base, 'requestTimeout'], `${label} requestTimeout=${formatMs(rt)}`) } : d.timeout;
      }
      return finish('consul', 'sidecar', d);
    }
  }
  const resolver = consulEntry(graph, 'ServiceResolver', name);
  const rt = resolver ? parseDuration(getIn(resolver.obj, ['spec', 'requestTimeout'])) : undefined;
  if (resolver && rt !== undefined && rt > 0 && !router) d.timeout = { value: rt, setBy: at(resolver, ['spec', 'requestTimeout'], `ServiceResolver ${resolver.name} requestTimeout=${formatMs(rt)}`) };
  return finish('consul', 'sidecar', d);
}

// ---------------------------------------------------------------------------------------------------------
// Kuma

interface KumaConf {
  readonly policy: Resource | undefined;
  /** Path of the `default` block inside the policy. */
  readonly path: Path;
  readonly conf: JsonObject;
  readonly rank: number;
  readonly label: string;
  /** A default policy whose existence depends on the (undeclared) Kuma version. */
  readonly assumed?: boolean;
}

const KUMA_TOP_RANK: Readonly<Record<string, number>> = { Mesh: 1, MeshSubset: 2, MeshService: 3, MeshServiceSubset: 4, Dataplane: 5 };

/** Kuma's default policies exist unless `cluster.kuma.defaultPolicies: false` or a Kuma version before 2.6 is declared [KU-DEF-MESH]. */
function kumaDefaultsExist(graph: Graph): { exist: boolean; assumed: boolean } {
  const kuma = isObject(graph.cluster.kuma) ? (graph.cluster.kuma as JsonObject) : {};
  if (kuma.defaultPolicies === false) return { exist: false, assumed: false };
  if (kuma.defaultPolicies === true) return { exist: true, assumed: false };
  const v = clusterFacts(graph).kuma.version;
  const ok = atLeast(v, 2, 6);
  return { exist: ok !== false, assumed: ok === undefined };
}

const KUMA_DEFAULTS: Readonly<Record<string, JsonObject>> = {
  MeshRetry: {
    tcp: { maxConnectAttempt: 5 },
    http: { numRetries: 5, perTryTimeout: '16s', backOff: { baseInterval: '25ms', maxInterval: '250ms' } },
    grpc: { numRetries: 5, perTryTimeout: '16s', backOff: { baseInterval: '25ms', maxInterval: '250ms' } },
  },
  MeshTimeout: { connectionTimeout: '5s', idleTimeout: '1h', http: { requestTimeout: '15s', streamIdleTimeout: '30m' } },
  MeshCircuitBreaker: { connectionLimits: { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 } },
};

const KUMA_DEFAULT_NAMES: Readonly<Record<string, string>> = {
  MeshRetry: 'mesh-retry-all-<mesh>',
  MeshTimeout: 'mesh-timeout-all-<mesh>',
  MeshCircuitBreaker: 'mesh-circuit-breaker-all-<mesh>',
};

interface KumaPolicyEntry {
  readonly policy: Resource;
  readonly mesh: string;
  readonly namespace: string;
  readonly topRank: number;
  /** Templates the top-level targetRef selects; undefined = the whole mesh. */
  readonly selected: ReadonlySet<PodTemplate> | undefined;
  readonly to: readonly {
    readonly index: number;
    readonly conf: JsonObject;
    readonly toRank: number;
    /** MeshService target: the Service, its namespace, and the port / section it is limited to. */
    readonly service?: { readonly id: number; readonly namespace: string; readonly port?: number; readonly section?: string };
  }[];
}

interface KumaIndex {
  /** Policies with at least one `to` entry targeting the whole mesh. */
  readonly meshWide: readonly KumaPolicyEntry[];
  /** Service id → policies with a `to` entry naming that Service. */
  readonly byService: ReadonlyMap<number, readonly KumaPolicyEntry[]>;
}

/** Kuma policies of one kind, parsed once per graph (selections and `to` targets resolved), indexed by target. */
function kumaPolicyIndex(graph: Graph, kind: 'MeshRetry' | 'MeshTimeout' | 'MeshCircuitBreaker'): KumaIndex {
  return graph.memo('retries:kuma', kind, () => {
    const out: KumaPolicyEntry[] = [];
    for (const p of graph.ofKind('kuma.io', kind)) {
      const labels = isObject(p.obj.metadata) ? labelsOf(p.obj.metadata.labels) : {};
      const spec = isObject(p.obj.spec) ? p.obj.spec : {};
      const top = isObject(spec.targetRef) ? spec.targetRef : { kind: 'Mesh' };
      const topKind = str(top.kind) ?? 'Mesh';
      const topRank = KUMA_TOP_RANK[topKind];
      if (topRank === undefined) continue;
      let selected: Set<PodTemplate> | undefined;
      if (topKind !== 'Mesh') {
        const sel = workloadsSelectedBy(graph, p);
        if (!sel) continue;
        selected = new Set(sel.templates);
      }
      const pns = nsOf(graph, p);
      const to: KumaPolicyEntry['to'][number][] = [];
      arr(spec.to).forEach((t, index) => {
        if (!isObject(t) || !isObject(t.targetRef) || !isObject(t.default)) return;
        const ref = t.targetRef;
        const refKind = str(ref.kind) ?? 'Mesh';
        if (refKind === 'Mesh') to.push({ index, conf: t.default, toRank: 1 });
        else if (refKind === 'MeshService') {
          const name = str(ref.name);
          if (!name) return;
          const hit = kumaServiceRef(graph, name, str(ref.namespace) ?? pns);
          if (hit.status !== 'found') return;
          to.push({ index, conf: t.default, toRank: 3, service: { id: hit.service.id, namespace: nsOf(graph, hit.service), port: hit.port, section: str(ref.sectionName) } });
        }
      });
      if (to.length) out.push({ policy: p, mesh: labels['kuma.io/mesh'] ?? clusterFacts(graph).kuma.defaultMesh, namespace: pns, topRank, selected, to });
    }
    const meshWide: KumaPolicyEntry[] = [];
    const byService = new Map<number, KumaPolicyEntry[]>();
    for (const e of out) {
      if (e.to.some((t) => !t.service)) meshWide.push(e);
      for (const id of new Set(e.to.flatMap((t) => (t.service ? [t.service.id] : [])))) {
        const l = byService.get(id);
        if (l) l.push(e);
        else byService.set(id, [e]);
      }
    }
    return { meshWide, byService };
  });
}

type KumaKind = 'MeshRetry' | 'MeshTimeout' | 'MeshCircuitBreaker';
const KUMA_KINDS: readonly KumaKind[] = ['MeshRetry', 'MeshTimeout', 'MeshCircuitBreaker'];
const KUMA_CANDIDATE_TABLES: Readonly<Record<KumaKind, string>> = { MeshRetry: 'retries:kuma:to:MeshRetry', MeshTimeout: 'retries:kuma:to:MeshTimeout', MeshCircuitBreaker: 'retries:kuma:to:MeshCircuitBreaker' };

/** Policies of a kind that may apply to calls to a Service: the mesh-wide ones, then those naming it (per kind and Service). */
function kumaCandidates(graph: Graph, kind: KumaKind, svcId: number): readonly KumaPolicyEntry[] {
  const table = tableOf<number, readonly KumaPolicyEntry[]>(graph, KUMA_CANDIDATE_TABLES[kind]);
  let out = table.get(svcId);
  if (out === undefined) {
    const index = kumaPolicyIndex(graph, kind);
    table.set(svcId, (out = [...new Set([...index.meshWide, ...(index.byService.get(svcId) ?? [])])]));
  }
  return out;
}

/** Which of the workload-targeted candidate policies (`kumaCandidates`, every kind) select the caller, as bits. */
function kumaSelections(graph: Graph, edge: CallEdge): string {
  let bits = '';
  for (const kind of KUMA_KINDS) {
    for (const e of kumaCandidates(graph, kind, edge.to.id)) if (e.selected) bits += e.selected.has(edge.from) ? '1' : '0';
  }
  return bits;
}

function kumaConfs(graph: Graph, edge: CallEdge, kind: KumaKind): KumaConf[] {
  const out: KumaConf[] = [];
  const mesh = kumaMeshOf(graph, edge.from).name;
  const defaults = kumaDefaultsExist(graph);
  if (defaults.exist) out.push({ policy: undefined, path: [], conf: KUMA_DEFAULTS[kind]!, rank: 0, label: `Kuma's default ${kind} ${KUMA_DEFAULT_NAMES[kind]!.replace('<mesh>', mesh)} (created with every mesh since Kuma 2.6, not in the input)`, assumed: defaults.assumed });
  const system = clusterFacts(graph).kuma.controlPlaneNamespace;
  for (const e of kumaCandidates(graph, kind, edge.to.id)) {
    if (e.mesh !== mesh || (e.selected && !e.selected.has(edge.from))) continue;
    for (const t of e.to) {
      let producer = false;
      if (t.service) {
        if (t.service.id !== edge.to.id) continue;
        if (t.service.port !== undefined && edge.port?.port !== undefined && t.service.port !== edge.port.port) continue;
        if (t.service.section !== undefined && edge.port && t.service.section !== edge.port.name && t.service.section !== String(edge.port.port)) continue;
        producer = t.service.namespace === e.namespace;
      }
      // a policy outside the system namespace applies to callers in its namespace, or to all callers of a service
      // in its own namespace (producer policy) [KU-DOC-POLICY namespace scoping]
      if (e.namespace !== system && e.namespace !== edge.from.namespace && !producer) continue;
      out.push({ policy: e.policy, path: ['spec', 'to', t.index, 'default'], conf: t.conf, rank: e.topRank * 10 + t.toRank + (e.namespace === system ? 0 : 0.5), label: `${kind} ${e.namespace}/${e.policy.name} to[${t.index}]` });
    }
  }
  return out.sort((a, b) => a.rank - b.rank || (a.policy?.name ?? '').localeCompare(b.policy?.name ?? ''));
}

interface KumaLeaf {
  /** Dotted path of the field inside the conf, `http.numRetries`. */
  readonly key: string;
  readonly rel: readonly string[];
  readonly value: JsonValue;
}

interface KumaHit {
  readonly value: JsonValue;
  readonly from: KumaConf;
  /** Where the field is inside the conf (`from.path` leads to the conf). */
  readonly rel: readonly string[];
}

/** The fields of a conf, depth first; the same confs (Kuma's defaults, a policy's `to` entry) are merged for many edges. */
const kumaLeaves = new WeakMap<JsonObject, readonly KumaLeaf[]>();

function leavesOf(conf: JsonObject): readonly KumaLeaf[] {
  let out = kumaLeaves.get(conf);
  if (out === undefined) {
    const leaves: KumaLeaf[] = [];
    collectLeaves(conf, [], leaves);
    kumaLeaves.set(conf, (out = leaves));
  }
  return out;
}

function collectLeaves(v: JsonValue, rel: string[], out: KumaLeaf[]): void {
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) collectLeaves(x, [...rel, k], out);
    return;
  }
  out.push({ key: rel.join('.'), rel, value: v });
}

/** Field-wise merge of Kuma confs (later = more specific wins); each leaf remembers which conf set it. */
function mergeKuma(confs: readonly KumaConf[]): Map<string, KumaHit> {
  const out = new Map<string, KumaHit>();
  for (const c of confs) for (const leaf of leavesOf(c.conf)) out.set(leaf.key, { value: leaf.value, from: c, rel: leaf.rel });
  return out;
}

function kumaSetBy(hit: KumaHit, what: string): SetBy {
  if (!hit.from.policy) return def(`${hit.from.label}: ${what}`, '[KU-DEF-MESH]', hit.from.assumed);
  return at(hit.from.policy, [...hit.from.path, ...hit.rel], `${hit.from.label} ${what}`);
}

const KUMA_HTTP_RETRY_ON: Readonly<Record<string, string>> = {
  '5xx': '5xx', gatewayerror: 'gateway-error', reset: 'reset', connectfailure: 'connect-failure', envoyratelimited: 'envoy-ratelimited',
  retriable4xx: 'retriable-4xx', refusedstream: 'refused-stream', retriablestatuscodes: 'retriable-status-codes', retriableheaders: 'retriable-headers',
  http3postconnectfailure: 'http3-post-connect-failure', canceled: 'cancelled', cancelled: 'cancelled', deadlineexceeded: 'deadline-exceeded', internal: 'internal',
  resourceexhausted: 'resource-exhausted', unavailable: 'unavailable',
};

const KUMA_NONE = def('no MeshRetry applies to this edge and Kuma\'s default policies are not present', '[KU-DEF-MESH]');
/** What an edge gets when no Kuma policy sets it (shared by every draft: Settings are replaced, never changed). */
const KUMA_DRAFT_DEFAULTS = {
  attempts: { value: 1, setBy: KUMA_NONE },
  retryOn: { value: [] as readonly string[], setBy: KUMA_NONE },
  perTry: { value: undefined, setBy: KUMA_NONE },
  timeout: { value: undefined, setBy: def('no MeshTimeout applies') },
  backoff: ENVOY_BACKOFF,
  bound: { value: undefined, setBy: def('no MeshCircuitBreaker sets connectionLimits.maxRetries') },
  outlier: { value: false, setBy: def('no MeshCircuitBreaker enables outlierDetection', '[KU-DEF-CB]') },
} as const;

function kumaPolicy(graph: Graph, edge: CallEdge): PolicyCore {
  const protocol = portProtocol(graph, edge.to, edge.port, 'kuma');
  const retry = mergeKuma(kumaConfs(graph, edge, 'MeshRetry'));
  const timeout = mergeKuma(kumaConfs(graph, edge, 'MeshTimeout'));
  const cb = mergeKuma(kumaConfs(graph, edge, 'MeshCircuitBreaker'));
  const d: Draft = { ...KUMA_DRAFT_DEFAULTS, protocol, notes: [] };
  const section = protocol.value === 'grpc' ? 'grpc' : isHttp(protocol.value) ? 'http' : 'tcp';
  if (section === 'tcp') {
    const mca = retry.get('tcp.maxConnectAttempt');
    if (mca && typeof mca.value === 'number' && mca.value > 1) {
      d.attempts = { value: mca.value, setBy: kumaSetBy(mca, `tcp.maxConnectAttempt=${mca.value} (connection attempts only)`) };
      d.retryOn = { value: ['connect-failure'], setBy: d.attempts.setBy };
    }
  } else {
    const n = retry.get(`${section}.numRetries`);
    const anyField = [...retry.keys()].some((k) => k.startsWith(`${section}.`));
    if (anyField) {
      const num = n && typeof n.value === 'number' ? n.value : 1;
      const hit = n ?? [...retry.entries()].find(([k]) => k.startsWith(`${section}.`))![1];
      d.attempts = { value: num > 0 ? num + 1 : 1, setBy: kumaSetBy(hit, n ? `${section}.numRetries=${num}` : `${section} without numRetries (Kuma's API default is 1)`) };
      if (num > 0) {
        const roHit = retry.get(`${section}.retryOn`);
        const explicit = roHit && Array.isArray(roHit.value) ? roHit.value.filter((x): x is string => typeof x === 'string') : [];
        const defaults = section === 'grpc' ? ['cancelled', 'connect-failure', 'gateway-error', 'refused-stream', 'reset', 'resource-exhausted', 'unavailable'] : ['gateway-error', 'connect-failure', 'refused-stream'];
        d.retryOn = roHit && explicit.length
          ? { value: explicit.map((x) => KUMA_HTTP_RETRY_ON[x.toLowerCase().replace(/[_\-]/g, '')] ?? x.toLowerCase()), setBy: kumaSetBy(roHit, `${section}.retryOn=${explicit.join(',')}`) }
          : { value: defaults, setBy: { ...d.attempts.setBy, reason: `${d.attempts.setBy.reason}; retryOn unset, so Kuma retries ${defaults.join(', ')}`, source: '[KU-RETRY-XDS]' } };
        const pt = retry.get(`${section}.perTryTimeout`);
        const ptMs = pt ? parseDuration(pt.value) : undefined;
        if (pt && ptMs !== undefined) d.perTry = { value: ptMs, setBy: kumaSetBy(pt, `${section}.perTryTimeout=${formatMs(ptMs)}`) };
        const base = parseDuration(retry.get(`${section}.backOff.baseInterval`)?.value);
        const max = parseDuration(retry.get(`${section}.backOff.maxInterval`)?.value);
        if (base !== undefined) d.backoff = { baseMs: base, maxMs: max ?? base * 10 };
      }
    }
    const rt = timeout.get('http.requestTimeout');
    const rtMs = rt ? parseDuration(rt.value) : undefined;
    if (rt && rtMs !== undefined && rtMs > 0) d.timeout = { value: rtMs, setBy: kumaSetBy(rt, `http.requestTimeout=${formatMs(rtMs)}`) };
    else if (rt && rtMs === 0) d.timeout = { value: undefined, setBy: kumaSetBy(rt, 'http.requestTimeout=0s (disabled)') };
  }
  const mr = cb.get('connectionLimits.maxRetries');
  if (mr && typeof mr.value === 'number') d.bound = { value: { kind: 'circuit-breaker', maxConcurrent: mr.value, text: `at most ${mr.value} concurrent retries` }, setBy: kumaSetBy(mr, `connectionLimits.maxRetries=${mr.value}`) };
  const odKeys = [...cb.entries()].filter(([k]) => k.startsWith('outlierDetection'));
  const disabled = cb.get('outlierDetection.disabled');
  if (odKeys.length && disabled?.value !== true) d.outlier = { value: true, setBy: kumaSetBy(odKeys[0]![1], 'outlierDetection') };
  return finish('kuma', 'sidecar', d);
}

// ---------------------------------------------------------------------------------------------------------
// What rules compute from a policy

/** A retry circuit breaker above this many concurrent retries is not counted as a bound (meshlint's own judgement). */
export const DEFAULT_MAX_CONCURRENT_RETRIES = 100;

export interface HopFactor {
  /** Multiplier of load on the destination under overload (1 = no amplification). */
  readonly factor: number;
  /** "3", "1.2 (budget 20 %)", "1 (connect failures only)". */
  readonly text: string;
  /** True when a budget or a small retry circuit breaker bounds the retries. */
  readonly bounded: boolean;
}

/** How much one hop multiplies load when its destination fails or is overloaded (semantics.md §7.1–§7.2). */
export function hopFactor(p: EdgePolicy, maxConcurrentRetries = DEFAULT_MAX_CONCURRENT_RETRIES): HopFactor {
  const attempts = p.attempts.value;
  if (attempts !== undefined && attempts <= 1) return { factor: 1, text: '1', bounded: false };
  if (!p.overloadRetries) return { factor: 1, text: `1 (${p.connectOnly ? 'retries only connection failures' : 'no retry condition fires under overload'})`, bounded: false };
  const b = p.bound.value;
  if (b?.kind === 'budget' && b.ratio !== undefined) {
    const f = Math.min(attempts ?? Number.POSITIVE_INFINITY, 1 + b.ratio);
    return { factor: f, text: `${round(f)} (${b.text})`, bounded: true };
  }
  if (b?.kind === 'circuit-breaker' && b.maxConcurrent !== undefined && b.maxConcurrent <= maxConcurrentRetries) {
    return { factor: 1, text: `1 (${b.text})`, bounded: true };
  }
  if (attempts === undefined) return { factor: 1, text: '1', bounded: false };
  return { factor: attempts, text: String(attempts), bounded: false };
}

/** `hopFactor(p, max).factor`, without the words: the path search needs the number for every edge, the words for few. */
export function hopFactorValue(p: EdgePolicy, maxConcurrentRetries = DEFAULT_MAX_CONCURRENT_RETRIES): number {
  const attempts = p.attempts.value;
  if (attempts !== undefined && attempts <= 1) return 1;
  if (!p.overloadRetries) return 1;
  const b = p.bound.value;
  if (b?.kind === 'budget' && b.ratio !== undefined) return Math.min(attempts ?? Number.POSITIVE_INFINITY, 1 + b.ratio);
  if (b?.kind === 'circuit-breaker' && b.maxConcurrent !== undefined && b.maxConcurrent <= maxConcurrentRetries) return 1;
  if (attempts === undefined) return 1;
  return attempts;
}

export function round(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2)));
}

/** Worst time one request on this edge can take before the caller gives up: the route timeout, else attempts × per-try. */
export function worstCompletionMs(p: EdgePolicy): number | undefined {
  if (p.timeoutMs.value !== undefined) return p.timeoutMs.value;
  if (p.perTryTimeoutMs.value !== undefined && p.attempts.value !== undefined) return p.attempts.value * p.perTryTimeoutMs.value + backoffTotal(p);
  return undefined;
}

/** Sum of the mean backoff waits between attempts (fully jittered exponential: half the capped interval) [E-ROUTER]. */
export function backoffTotal(p: EdgePolicy): number {
  const n = (p.attempts.value ?? 1) - 1;
  if (n <= 0 || !p.backoff) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.min(p.backoff.baseMs * 2 ** i, p.backoff.maxMs) / 2;
  return total;
}

/** How long the caller waits for one attempt before giving up on it (per-try, else the route timeout). */
export function callerPatienceMs(p: EdgePolicy): { ms: number; setBy: SetBy } | undefined {
  if (p.perTryTimeoutMs.value !== undefined && (p.timeoutMs.value === undefined || p.perTryTimeoutMs.value < p.timeoutMs.value)) return { ms: p.perTryTimeoutMs.value, setBy: p.perTryTimeoutMs.setBy };
  if (p.timeoutMs.value !== undefined) return { ms: p.timeoutMs.value, setBy: p.timeoutMs.setBy };
  return undefined;
}
