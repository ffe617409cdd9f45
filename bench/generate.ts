/**
 * Synthetic GitOps repository for the meshlint benchmark.
 *
 * Layout: `platform/` (gateway, mesh-wide mTLS, per mesh group an OpenTelemetry collector, Kuma
 * meshes and their mesh-wide policies) and `teams/<team>/<namespace>/<app>/...` for 20 teams. Every
 * app has a ServiceAccount, a Deployment and a Service (and, in the default profile, a ConfigMap),
 * sometimes an HPA, a PDB, a NetworkPolicy, an Ingress or HTTPRoute and a canary Deployment, plus
 * the policy objects of the service mesh its team runs (Istio, Linkerd, Kuma, Consul, or none).
 * Files are multi-document YAML in a few layouts, and a share of them JSON (single objects and
 * `kind: List`).
 *
 * The repository is what a careful platform team keeps: labels, selectors, ports and references are
 * consistent, calls stay inside one mesh, namespaces carry their mesh's injection markers, policies
 * authorize exactly the callers, retries are idempotent-safe and bounded, timeouts nest along call
 * chains. The exceptions are a fixed number of deliberate defects (about 1% of the objects) listed in
 * the returned stats, so that a linter's findings should be those defects.
 *
 * Profiles:
 *  - `default`: a realistic mix; each app calls 0-3 others, mostly in its own namespace.
 *  - `callgraph`: thousands of leaner services calling each other through env vars
 *    (`FOO_SERVICE_ADDR=foo.ns:8080`, `http://foo.ns.svc.cluster.local:80/path`), arranged in
 *    layers of depth 14, batch pipelines of 20-30 stages, shared hubs, and cycles (rings of 2-5
 *    services, and pipelines looping back).
 *
 * Standalone: `node --import tsx bench/generate.ts --out /tmp/x --objects 10000 [--profile callgraph]
 * [--seed 1] [--check] [--json] [--force]`.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import jsyaml from 'js-yaml';
import { Rng, seedFrom } from './rng.js';
import { toYaml, type Obj, type Value, type YamlStyle } from './yaml.js';

export type Profile = 'default' | 'callgraph';
export type Mesh = 'istio' | 'linkerd' | 'kuma' | 'consul' | 'none';

export const DEFECT_KINDS = [
  'service-selector-typo',
  'missing-named-target-port',
  'vs-unknown-subset',
  'dr-host-typo',
  'hpa-target-typo',
  'pdb-selector-typo',
  'netpol-selector-typo',
  'ingress-backend-typo',
  'env-ref-unknown-service',
  'configmap-ref-typo',
  'serviceaccount-typo',
  'retry-storm',
  'sidecar-injection-disabled',
  'serviceprofile-name-typo',
  'ingress-without-tls',
  'linkerd-server-unauthorized',
  'port-name-unprefixed',
  'consul-mtls-permissive',
  'timeout-inversion',
  'authz-principal-typo',
] as const;
export type DefectKind = (typeof DEFECT_KINDS)[number];

export interface GenerateOptions {
  /** Directory to write into; created if missing. */
  readonly out: string;
  /** Exact number of Kubernetes objects to write. */
  readonly objects: number;
  readonly profile?: Profile;
  readonly seed?: number;
  /** Share of objects that carry a deliberate defect (default 0.01). */
  readonly defectRate?: number;
  /** Re-parse every written file with js-yaml / JSON.parse and compare with what was meant. */
  readonly check?: boolean;
}

export interface InjectedDefect {
  readonly kind: DefectKind;
  /** Repository-relative, `/`-separated. */
  readonly file: string;
  /** `Kind/namespace/name` of the object that carries the defect. */
  readonly object: string;
  readonly detail: string;
}

export interface RepoStats {
  readonly dir: string;
  readonly profile: Profile;
  readonly seed: number;
  readonly objects: number;
  readonly meshObjects: number;
  readonly files: number;
  readonly yamlFiles: number;
  readonly jsonFiles: number;
  /** Non-empty YAML documents plus JSON files. */
  readonly documents: number;
  readonly bytes: number;
  readonly teams: number;
  readonly namespaces: number;
  readonly services: number;
  /** Service-to-service references written as env vars. */
  readonly edges: number;
  /** Longest planned call chain, in services (callgraph profile; 0 otherwise). */
  readonly plannedDepth: number;
  /** Cycles deliberately added to the call graph (callgraph profile). */
  readonly plannedCycles: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly defects: readonly InjectedDefect[];
  readonly defectsByKind: Readonly<Record<string, number>>;
  /** Every app as `namespace/name` (its objects are named after it). */
  readonly apps: readonly string[];
  /** Wall time of the whole generation, and the part of it spent writing files. */
  readonly ms: number;
  readonly writeMs: number;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const TEAMS = [
  'payments', 'storefront', 'logistics', 'identity', 'search', 'data-platform', 'growth', 'messaging',
  'media', 'risk', 'finance', 'support', 'catalog', 'ads', 'ml-platform', 'sre', 'mobile-backend',
  'partners', 'analytics', 'compliance',
] as const;

/** Which mesh each team's cluster runs, by team index (default: 9 Istio, 4 Linkerd, 2 Kuma, 2 Consul, 3 none). */
const TEAM_MESH_DEFAULT: readonly Mesh[] = [
  'istio', 'istio', 'linkerd', 'istio', 'kuma', 'istio', 'consul', 'linkerd', 'istio', 'none',
  'istio', 'linkerd', 'istio', 'kuma', 'none', 'istio', 'consul', 'linkerd', 'none', 'istio',
];
/** Callgraph profile: every team meshed (10 Istio, 6 Linkerd, 2 Kuma, 2 Consul). */
const TEAM_MESH_CALLGRAPH: readonly Mesh[] = [
  'istio', 'linkerd', 'istio', 'istio', 'kuma', 'linkerd', 'istio', 'consul', 'istio', 'linkerd',
  'istio', 'istio', 'linkerd', 'kuma', 'istio', 'linkerd', 'consul', 'istio', 'linkerd', 'istio',
];

const ENVS = ['prod', 'staging', 'dev'] as const;
const AREAS = ['', 'core', 'data', 'edge', 'batch', 'internal', 'api', 'jobs', 'sync', 'ops'] as const;

const WORDS = [
  'checkout', 'ledger', 'catalog', 'inventory', 'pricing', 'orders', 'cart', 'shipping', 'billing',
  'invoices', 'accounts', 'profile', 'auth', 'session', 'notify', 'email', 'sms', 'recommend',
  'reviews', 'ratings', 'media', 'thumbnails', 'uploads', 'reports', 'metrics', 'events', 'audit',
  'fraud', 'risk', 'loyalty', 'coupons', 'promotions', 'geo', 'tax', 'currency', 'warehouse',
  'fulfillment', 'returns', 'tickets', 'chat', 'feed', 'banners', 'quotes', 'settlement', 'payouts',
  'kyc', 'consent', 'search', 'autocomplete', 'ranking', 'features', 'labels', 'exports', 'imports',
] as const;
const SUFFIXES = ['api', 'worker', 'gateway', 'svc', 'sync', 'indexer', 'scheduler', 'consumer', 'bff', 'proxy', 'cache', 'exporter', 'web', 'store'] as const;

const MESH_GROUPS = new Set([
  'networking.istio.io', 'security.istio.io', 'linkerd.io', 'policy.linkerd.io', 'kuma.io',
  'consul.hashicorp.com', 'gateway.networking.k8s.io',
]);

const OTEL = { name: 'otel-collector', httpPort: 4318, grpcPort: 4317 } as const;
const GATEWAY = { name: 'public', ns: 'gateway-system' } as const;
const KUMA_SYSTEM = 'kuma-system';
/** Identities outside the repository that policies admit: the ingress controller and Prometheus. */
const INGRESS_NGINX = { sa: 'ingress-nginx', ns: 'ingress-nginx' } as const;
const PROMETHEUS = { sa: 'prometheus', ns: 'monitoring' } as const;

/**
 * The mesh group of a namespace: the namespaces whose workloads share one mesh and may call each
 * other. Istio, Linkerd and Consul run one mesh each; Kuma runs one mesh per environment (Kuma
 * meshes `prod`, `staging`, `dev`); `none` is the unmeshed namespaces. Every group has its own
 * OpenTelemetry collector, inside its mesh, so that telemetry never crosses a mesh boundary.
 */
function meshGroup(mesh: Mesh, env: string): string {
  return mesh === 'kuma' ? `kuma-${env}` : mesh;
}

function collectorNs(group: string): string {
  return group === 'none' ? 'observability' : `observability-${group}`;
}

/** Consul config entries are keyed by service name cluster-wide: each workload registers a unique one. */
function consulName(app: string, ns: string): string {
  return `${app}-${ns}`;
}

// ---------------------------------------------------------------------------------------------
// Profiles

interface ProfileSpec {
  readonly appsPerNs: readonly [number, number];
  readonly teamMesh: readonly Mesh[];
  readonly configMap: number;
  readonly hpa: number;
  readonly pdb: number;
  readonly netpol: number;
  readonly exposed: number;
  readonly canary: number;
  readonly grpc: number;
  readonly otel: number;
  /**
   * Share of apps that other apps call; the others are consumers, jobs and front ends nobody calls.
   * Called Istio gRPC apps always have a VirtualService (timeout) and a DestinationRule (retry
   * budget), because Istio's default retries fire on gRPC `unavailable`; called Kuma apps always
   * have a MeshTimeout, nested in their callers' (see planTimeouts).
   */
  readonly callable: number;
  readonly istio: {
    /** DestinationRule, VirtualService given a DestinationRule: called HTTP apps, and apps nobody calls. */
    readonly dr: number; readonly vsGivenDr: number; readonly drUncalled: number; readonly vsUncalled: number;
    readonly authz: number;
  };
  /** Server (with its authorization) and ServiceProfile, for called apps and for the others. */
  readonly linkerd: { readonly serverCalled: number; readonly serverUncalled: number; readonly spCalled: number; readonly spUncalled: number };
  readonly kuma: { readonly retry: number; readonly timeoutUncalled: number; readonly mtp: number };
  readonly consul: { readonly intentions: number };
}

const PROFILES: Readonly<Record<Profile, ProfileSpec>> = {
  default: {
    appsPerNs: [6, 30],
    teamMesh: TEAM_MESH_DEFAULT,
    configMap: 1,
    hpa: 0.4,
    pdb: 0.3,
    netpol: 0.25,
    exposed: 0.1,
    canary: 0.06,
    grpc: 0.15,
    otel: 0.6,
    callable: 0.7,
    istio: { dr: 0.55, vsGivenDr: 0.9, drUncalled: 0.25, vsUncalled: 0.3, authz: 0.25 },
    linkerd: { serverCalled: 1, serverUncalled: 0, spCalled: 0.65, spUncalled: 0.1 },
    kuma: { retry: 0.5, timeoutUncalled: 0.2, mtp: 0.4 },
    consul: { intentions: 0.4 },
  },
  callgraph: {
    appsPerNs: [10, 40],
    teamMesh: TEAM_MESH_CALLGRAPH,
    configMap: 0.3,
    hpa: 0.1,
    pdb: 0.1,
    netpol: 0.05,
    exposed: 0.03,
    canary: 0.03,
    grpc: 0.2,
    otel: 0.3,
    callable: 1,
    istio: { dr: 0.75, vsGivenDr: 0.95, drUncalled: 0.75, vsUncalled: 0.95, authz: 0.1 },
    linkerd: { serverCalled: 0.1, serverUncalled: 0.1, spCalled: 0.85, spUncalled: 0.85 },
    kuma: { retry: 0.7, timeoutUncalled: 1, mtp: 0.2 },
    consul: { intentions: 0.3 },
  },
};

// ---------------------------------------------------------------------------------------------
// Plan

interface NsPlan {
  readonly team: string;
  readonly name: string;
  readonly env: string;
  readonly mesh: Mesh;
  /** See meshGroup(). */
  readonly group: string;
  /** Kuma mesh of the namespace (label `kuma.io/mesh`). */
  readonly kumaMesh: string | undefined;
  readonly dir: string;
  readonly istioRevision: boolean;
  readonly quota: boolean;
  readonly limitRange: boolean;
  readonly apps: AppPlan[];
  readonly appNames: Set<string>;
  filler: number;
}

type EnvForm = 'addr' | 'url' | 'endpoint' | 'grpc';
type Layout = 'split' | 'bundle' | 'json-list' | 'json-files';

interface Dep {
  readonly target: AppPlan;
  readonly form: EnvForm;
  readonly path: string;
}

interface AppPlan {
  readonly index: number;
  readonly name: string;
  readonly ns: NsPlan;
  readonly grpc: boolean;
  readonly servicePort: number;
  readonly containerPort: number;
  readonly portName: string;
  readonly namedTargetPort: boolean;
  readonly layout: Layout;
  /** Other apps may call it (see ProfileSpec.callable). */
  callable: boolean;
  configMap: boolean;
  hpa: boolean;
  pdb: boolean;
  netpol: boolean;
  ingress: boolean;
  httpRoute: boolean;
  canary: boolean;
  otel: boolean;
  dr: boolean;
  vs: boolean;
  istioAuthz: boolean;
  sp: boolean;
  server: boolean;
  linkerdAuthz: boolean;
  meshRetry: boolean;
  meshTimeout: boolean;
  mtp: boolean;
  svcDefaults: boolean;
  intentions: boolean;
  readonly deps: Dep[];
  readonly callers: AppPlan[];
  layer: number | undefined;
  /** Calls no other app: the only place where per-try timeouts are set (see planTimeouts). */
  leaf: boolean;
  /** Request timeout its callers get, in ms: longer than anything it waits for downstream. */
  timeoutMs: number;
  defect: DefectKind | undefined;
}

const MIN_APP_OBJECTS = 3; // ServiceAccount, Deployment, Service

function countAppObjects(a: AppPlan): number {
  let n = 3;
  for (const on of [a.configMap, a.hpa, a.pdb, a.netpol, a.ingress, a.httpRoute, a.canary, a.dr, a.vs, a.istioAuthz,
    a.sp, a.server, a.meshRetry, a.meshTimeout, a.mtp, a.svcDefaults, a.intentions]) if (on) n++;
  if (a.linkerdAuthz) n += 2; // AuthorizationPolicy + MeshTLSAuthentication
  return n;
}

/**
 * Turn optional parts off (least essential first) until the app fits in `room` objects. Parts come off
 * together with what depends on them, so a shrunk app is as coherent as any other: without its
 * VirtualService or MeshTimeout an app is no longer one that others call (dependencies are planned
 * later), a Linkerd Server goes with its authorization.
 */
function shrinkApp(a: AppPlan, room: number): boolean {
  const order: (() => void)[] = [
    () => { a.canary = false; }, () => { a.ingress = false; a.httpRoute = false; }, () => { a.netpol = false; },
    () => { a.pdb = false; }, () => { a.hpa = false; }, () => { a.istioAuthz = false; }, () => { a.mtp = false; },
    () => { a.intentions = false; }, () => { a.configMap = false; }, () => { a.sp = false; }, () => { a.meshRetry = false; },
    () => { a.server = false; a.linkerdAuthz = false; },
    () => { a.vs = false; a.dr = false; a.canary = false; if (a.ns.mesh === 'istio' && a.grpc) a.callable = false; },
    () => { a.meshTimeout = false; if (a.ns.mesh === 'kuma') a.callable = false; },
    () => { a.svcDefaults = false; },
  ];
  for (const off of order) {
    if (countAppObjects(a) <= room) return true;
    off();
  }
  return countAppObjects(a) <= room;
}

function nsObjectCount(ns: NsPlan): number {
  // Namespace; Istio: PeerAuthentication; Linkerd: metrics Server, its AuthorizationPolicy and MeshTLSAuthentication.
  return 1 + (ns.mesh === 'istio' ? 1 : 0) + (ns.mesh === 'linkerd' ? 3 : 0) + (ns.quota ? 1 : 0) + (ns.limitRange ? 1 : 0);
}

interface PlatformFile {
  readonly rel: string;
  readonly docs: Obj[];
}

function docCount(files: readonly PlatformFile[]): number {
  return files.reduce((n, f) => n + f.docs.length, 0);
}

interface Plan {
  readonly namespaces: NsPlan[];
  readonly apps: AppPlan[];
  readonly platform: PlatformFile[];
  readonly objects: number;
  plannedDepth: number;
  plannedCycles: number;
}

function planRepo(rng: Rng, total: number, profile: Profile): Plan {
  const spec = PROFILES[profile];
  const namespaces: NsPlan[] = [];
  const apps: AppPlan[] = [];
  const platform: PlatformFile[] = platformBase();
  const groups = new Set<string>();
  let used = docCount(platform);
  const nsPerTeam = new Array<number>(TEAMS.length).fill(0);
  /** Per team and area, the app names in a stable order, so prod/staging/dev share names. */
  const pools = new Map<string, string[]>();
  const teamWords = TEAMS.map((t) => rng.fork(t).shuffle([...WORDS]));

  const poolName = (teamIdx: number, area: string, i: number): string => {
    const key = `${teamIdx}/${area}`;
    let pool = pools.get(key);
    if (pool === undefined) {
      pool = [];
      pools.set(key, pool);
    }
    const prng = rng.fork(`${key}/${pool.length}`);
    const words = teamWords[teamIdx] ?? WORDS;
    const seen = new Set(pool);
    while (pool.length <= i) {
      const word = words[(pool.length * 7 + AREAS.indexOf(area as (typeof AREAS)[number]) * 3) % words.length] ?? 'app';
      let name = `${word}-${prng.pick(SUFFIXES)}`;
      for (let k = 2; seen.has(name); k++) name = `${word}-${prng.pick(SUFFIXES)}${k > 6 ? `-${k}` : ''}`;
      seen.add(name);
      pool.push(name);
    }
    return pool[i] ?? 'app';
  };

  let teamCursor = 0;
  outer: while (used < total) {
    const teamIdx = teamCursor % TEAMS.length;
    teamCursor++;
    const team = TEAMS[teamIdx] ?? 'team';
    const k = nsPerTeam[teamIdx] ?? 0;
    nsPerTeam[teamIdx] = k + 1;
    const env = ENVS[k % ENVS.length] ?? 'prod';
    const areaIdx = Math.floor(k / ENVS.length);
    const area = areaIdx < AREAS.length ? (AREAS[areaIdx] ?? '') : `${AREAS[areaIdx % AREAS.length] || 'x'}${Math.floor(areaIdx / AREAS.length) + 1}`;
    const nsName = area === '' ? `${team}-${env}` : `${team}-${area}-${env}`;
    const mesh = spec.teamMesh[teamIdx] ?? 'none';
    const group = meshGroup(mesh, env);
    const ns: NsPlan = {
      team, name: nsName, env, mesh, group, kumaMesh: mesh === 'kuma' ? env : undefined, dir: `teams/${team}/${nsName}`,
      istioRevision: mesh === 'istio' && rng.chance(0.2),
      quota: rng.chance(0.5), limitRange: rng.chance(0.4), apps: [], appNames: new Set(), filler: 0,
    };
    // The first namespace of a mesh group brings the group's platform objects (collector, Kuma mesh).
    const groupFiles = groups.has(group) ? [] : platformGroup(group, !groups.has(KUMA_SYSTEM));
    const nsCost = nsObjectCount(ns) + docCount(groupFiles);
    if (used + nsCost + MIN_APP_OBJECTS > total) {
      const last = namespaces[namespaces.length - 1];
      if (last !== undefined) last.filler += total - used;
      used = total;
      break;
    }
    if (groupFiles.length > 0) {
      platform.push(...groupFiles);
      groups.add(group);
      if (mesh === 'kuma') groups.add(KUMA_SYSTEM);
    }
    namespaces.push(ns);
    used += nsCost;
    // Production has the whole pool, staging most of it, dev a part.
    const full = rng.int(spec.appsPerNs[0], spec.appsPerNs[1]);
    const nApps = env === 'prod' ? full : env === 'staging' ? Math.max(3, Math.round(full * 0.8)) : Math.max(3, Math.round(full * 0.6));
    for (let i = 0; i < nApps; i++) {
      const room = total - used;
      if (room < MIN_APP_OBJECTS) {
        ns.filler += room;
        used = total;
        break outer;
      }
      const app = planApp(rng, spec, ns, poolName(teamIdx, area, i), apps.length);
      if (!shrinkApp(app, room)) {
        ns.filler += room;
        used = total;
        break outer;
      }
      ns.apps.push(app);
      ns.appNames.add(app.name);
      apps.push(app);
      used += countAppObjects(app);
    }
  }
  return { namespaces, apps, platform, objects: used, plannedDepth: 0, plannedCycles: 0 };
}

function planApp(rng: Rng, spec: ProfileSpec, ns: NsPlan, name: string, index: number): AppPlan {
  const grpc = rng.chance(spec.grpc);
  const exposed = !grpc && rng.chance(spec.exposed);
  const mesh = ns.mesh;
  const callable = rng.chance(spec.callable);
  const dr = mesh === 'istio' && ((callable && grpc) || rng.chance(callable ? spec.istio.dr : spec.istio.drUncalled));
  const vs = dr && ((callable && grpc) || rng.chance(callable ? spec.istio.vsGivenDr : spec.istio.vsUncalled));
  const server = mesh === 'linkerd' && rng.chance(callable ? spec.linkerd.serverCalled : spec.linkerd.serverUncalled);
  const r = rng.next();
  const layout: Layout = r < 0.5 ? 'split' : r < 0.85 ? 'bundle' : r < 0.92 ? 'json-list' : 'json-files';
  return {
    index, name, ns, grpc, callable,
    servicePort: grpc ? 9090 : rng.chance(0.5) ? 80 : 8080,
    containerPort: grpc ? 9090 : 8080,
    portName: grpc ? 'grpc' : 'http',
    namedTargetPort: rng.chance(0.7),
    layout,
    configMap: rng.chance(spec.configMap),
    hpa: rng.chance(spec.hpa),
    pdb: rng.chance(spec.pdb),
    netpol: rng.chance(spec.netpol),
    // The public Gateway is Istio's: Istio apps are exposed through it, the others through ingress-nginx.
    ingress: exposed && mesh !== 'istio',
    httpRoute: exposed && mesh === 'istio',
    canary: dr && rng.chance(spec.canary * 3),
    otel: rng.chance(spec.otel),
    dr,
    vs,
    istioAuthz: mesh === 'istio' && rng.chance(spec.istio.authz),
    sp: mesh === 'linkerd' && rng.chance(callable ? spec.linkerd.spCalled : spec.linkerd.spUncalled),
    // Linkerd namespaces default to all-authenticated (any meshed client); the app port of a called
    // app (default profile) has a Server with an authorization for exactly its callers, and the
    // metrics port a namespace-wide Server open to Prometheus.
    server,
    linkerdAuthz: server,
    meshRetry: mesh === 'kuma' && callable && rng.chance(spec.kuma.retry),
    meshTimeout: mesh === 'kuma' && (callable || rng.chance(spec.kuma.timeoutUncalled)),
    mtp: mesh === 'kuma' && rng.chance(spec.kuma.mtp),
    svcDefaults: mesh === 'consul',
    intentions: mesh === 'consul' && rng.chance(spec.consul.intentions),
    deps: [], callers: [], layer: undefined, leaf: true, timeoutMs: 0, defect: undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Call graph

/** Calls stay inside one mesh group, and only go to apps meant to be called. */
function addDep(rng: Rng, from: AppPlan, to: AppPlan): boolean {
  if (from === to || !to.callable || from.ns.group !== to.ns.group || from.deps.some((d) => d.target === to)) return false;
  let form: EnvForm;
  if (to.grpc) form = rng.chance(0.6) ? 'grpc' : 'addr';
  else form = rng.weighted<EnvForm>([['addr', 4], ['url', 4], ['endpoint', 2]]);
  const path = form === 'url' ? rng.pick(['/api', '/v1', '/internal/v2', '', '/graphql', '/rpc']) : '';
  from.deps.push({ target: to, form, path });
  to.callers.push(from);
  return true;
}

function groupBy<K, V>(items: readonly V[], key: (v: V) => K): Map<K, V[]> {
  const m = new Map<K, V[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list === undefined) m.set(k, [it]);
    else list.push(it);
  }
  return m;
}

/**
 * Default profile: each app calls 0-3 others in the same mesh group and environment, mostly
 * nearby. Calls only go down a random ranking, so this graph has no cycles (the callgraph
 * profile adds them on purpose).
 */
function planDefaultDeps(rng: Rng, apps: AppPlan[]): void {
  const rank = new Map<AppPlan, number>();
  rng.shuffle([...apps]).forEach((a, i) => rank.set(a, i));
  const byTeamEnv = groupBy(apps, (a) => `${a.ns.team}/${a.ns.env}`);
  const byMeshEnv = groupBy(apps, (a) => `${a.ns.group}/${a.ns.env}`);
  for (const a of apps) {
    const want = rng.weighted([[0, 30], [1, 35], [2, 20], [3, 15]]);
    for (let i = 0, tries = 0; i < want && tries < want * 8; tries++) {
      const where = rng.next();
      const pool = where < 0.6 ? a.ns.apps : where < 0.85 ? byTeamEnv.get(`${a.ns.team}/${a.ns.env}`) : byMeshEnv.get(`${a.ns.mesh}/${a.ns.env}`);
      if (pool === undefined || pool.length < 2) continue;
      const target = rng.pick(pool);
      if ((rank.get(target) ?? 0) < (rank.get(a) ?? 0) && addDep(rng, a, target)) i++;
    }
  }
}

/**
 * Callgraph profile, per mesh group (see meshGroup()) and environment: batch pipelines (linear
 * chains of 20-30 stages), then layered services (14 layers, each service calls at least one in
 * the next layer, a few more up to 3 layers down, and sometimes a hub in the last layer), then
 * cycles: small rings of mutually calling services and a few pipelines that loop back to their
 * first stage.
 */
function planCallgraph(rng: Rng, apps: AppPlan[], plan: Plan): void {
  const groups = groupBy(apps, (a) => `${a.ns.group}/${a.ns.env}`);
  let depth = 0;
  let cycles = 0;
  for (const group of groups.values()) {
    const members = rng.shuffle([...group]);
    if (members.length < 2) continue;
    let cursor = 0;
    const pipelines: [AppPlan, AppPlan][] = [];
    // Pipelines.
    if (members.length >= 120) {
      const pipelineBudget = Math.max(30, Math.floor(members.length * 0.08));
      while (cursor + 20 <= pipelineBudget) {
        const len = rng.int(20, 30);
        const stages = members.slice(cursor, cursor + len);
        cursor += stages.length;
        for (let i = 0; i + 1 < stages.length; i++) {
          const from = stages[i];
          const to = stages[i + 1];
          if (from !== undefined && to !== undefined) addDep(rng, from, to);
        }
        depth = Math.max(depth, stages.length);
        const first = stages[0];
        const last = stages[stages.length - 1];
        if (first !== undefined && last !== undefined) pipelines.push([first, last]);
      }
    }
    const rest = members.slice(cursor);
    const layers = Math.min(14, Math.max(2, Math.floor(rest.length / 3)));
    const hubCount = Math.max(1, Math.round(rest.length * 0.01));
    const byLayer: AppPlan[][] = Array.from({ length: layers }, () => []);
    rest.forEach((a, i) => {
      const layer = i < hubCount ? layers - 1 : i - hubCount < layers - 1 ? i - hubCount : rng.int(0, layers - 2);
      a.layer = layer;
      byLayer[layer]?.push(a);
    });
    depth = Math.max(depth, layers);
    const hubs = byLayer[layers - 1] ?? [];
    for (let l = 0; l < layers - 1; l++) {
      for (const a of byLayer[l] ?? []) {
        const next = byLayer[l + 1] ?? [];
        if (next.length > 0) {
          const sameTeam = next.filter((b) => b.ns.team === a.ns.team);
          addDep(rng, a, rng.pick(sameTeam.length > 0 && rng.chance(0.5) ? sameTeam : next));
        }
        const extra = rng.int(0, 3);
        for (let i = 0; i < extra; i++) {
          const target = byLayer[rng.int(l + 1, Math.min(l + 3, layers - 1))] ?? [];
          if (target.length > 0) addDep(rng, a, rng.pick(target));
        }
        if (hubs.length > 0 && rng.chance(0.2)) addDep(rng, a, rng.pick(hubs));
      }
    }
    // The last stage of a pipeline often writes to a hub.
    for (const [, last] of pipelines) if (hubs.length > 0 && rng.chance(0.5)) addDep(rng, last, rng.pick(hubs));
    // Cycles. Layered calls always go one or more layers down, so a ring of 2-5 services inside
    // one layer is a cycle of exactly those services: small, separate loops (mutual calls), not
    // one giant strongly connected blob.
    const wanted = Math.max(1, Math.round(rest.length * 0.005));
    const inRing = new Set<AppPlan>();
    for (let c = 0, tries = 0; c < wanted && tries < wanted * 10; tries++) {
      const layer = byLayer[rng.int(1, Math.max(1, layers - 2))] ?? [];
      const free = layer.filter((x) => !inRing.has(x));
      if (free.length < 2) continue;
      const ring = rng.shuffle(free).slice(0, rng.int(2, Math.min(5, free.length)));
      ring.forEach((x, i) => {
        const next = ring[(i + 1) % ring.length];
        if (next !== undefined) addDep(rng, x, next);
        inRing.add(x);
      });
      c++;
      cycles++;
    }
    // One pipeline in four loops back from its last stage to its first (reprocessing): a long cycle.
    for (const [first, last] of pipelines) {
      if (rng.chance(0.25) && addDep(rng, last, first)) cycles++;
    }
  }
  plan.plannedDepth = depth;
  plan.plannedCycles = cycles;
}

// ---------------------------------------------------------------------------------------------
// Timeouts

const LEAF_TIMEOUT_MS = 3000;
const TIMEOUT_STEP_MS = 1000;

/**
 * Request timeouts that nest along every call chain, as timeout-aware teams set them: an app's
 * timeout (what its callers wait for it) is 3 s plus 1 s per level of calls below it, so a caller
 * always waits longer than its callee may spend downstream. Apps in a cycle share one timeout.
 * Per-try timeouts are only set on leaves (apps that call no other app): a per-try timeout is what
 * a caller waits for one attempt, and above a leaf it would have to cover the whole chain below.
 */
function planTimeouts(apps: readonly AppPlan[]): void {
  const index = new Map<AppPlan, number>();
  apps.forEach((a, i) => index.set(a, i));
  const n = apps.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n).fill(-1);
  const height: number[] = [];
  const stack: number[] = [];
  let counter = 0;
  const succ = (v: number): number[] => (apps[v]?.deps ?? []).map((d) => index.get(d.target) ?? -1).filter((w) => w >= 0);
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    const work: [number, number[], number][] = [[root, succ(root), 0]];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1];
      if (top === undefined) break;
      const [v, edges, i] = top;
      if (i < edges.length) {
        top[2] = i + 1;
        const w = edges[i] ?? 0;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, succ(w), 0]);
        } else if (onStack[w] === 1) low[v] = Math.min(low[v] ?? 0, order[w] ?? 0);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low[parent[0]] = Math.min(low[parent[0]] ?? 0, low[v] ?? 0);
      if (low[v] !== order[v]) continue;
      // A component is complete; its successors' components are all numbered already.
      const c = height.length;
      const members: number[] = [];
      for (;;) {
        const w = stack.pop();
        if (w === undefined) break;
        onStack[w] = 0;
        comp[w] = c;
        members.push(w);
        if (w === v) break;
      }
      let h = 0;
      for (const m of members) for (const w of succ(m)) if (comp[w] !== c) h = Math.max(h, (height[comp[w] ?? 0] ?? 0) + 1);
      height.push(h);
    }
  }
  apps.forEach((a, i) => {
    a.leaf = a.deps.length === 0;
    a.timeoutMs = LEAF_TIMEOUT_MS + TIMEOUT_STEP_MS * (height[comp[i] ?? 0] ?? 0);
  });
}

/** Retries (beyond the first attempt) and the per-try timeout of a leaf: all attempts fit in its timeout. */
function leafRetries(a: AppPlan): { retries: number; perTryMs: number } {
  return a.index % 3 === 0 ? { retries: 2, perTryMs: 900 } : { retries: 1, perTryMs: 1000 };
}

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

// ---------------------------------------------------------------------------------------------
// Defects

const DEFECT_WEIGHTS: readonly (readonly [DefectKind, number])[] = [
  ['service-selector-typo', 25], ['missing-named-target-port', 20], ['vs-unknown-subset', 5], ['dr-host-typo', 4],
  ['hpa-target-typo', 5], ['pdb-selector-typo', 5], ['netpol-selector-typo', 4], ['ingress-backend-typo', 4],
  ['env-ref-unknown-service', 6], ['configmap-ref-typo', 5], ['serviceaccount-typo', 5], ['retry-storm', 5],
  ['sidecar-injection-disabled', 4], ['serviceprofile-name-typo', 3], ['ingress-without-tls', 3],
  ['linkerd-server-unauthorized', 3], ['port-name-unprefixed', 3], ['consul-mtls-permissive', 3],
  ['timeout-inversion', 4], ['authz-principal-typo', 3],
];

function hasMeshPolicy(a: AppPlan): boolean {
  return a.dr || a.vs || a.istioAuthz || a.sp || a.server || a.meshRetry || a.meshTimeout || a.mtp || a.svcDefaults || a.intentions;
}

/** An object of the app sets the timeout its callers wait (VirtualService, ServiceProfile). */
function setsTimeout(a: AppPlan): boolean {
  return a.vs || a.sp;
}

function applicable(a: AppPlan, kind: DefectKind): boolean {
  switch (kind) {
    case 'service-selector-typo':
    case 'missing-named-target-port':
    case 'serviceaccount-typo':
      return true;
    case 'vs-unknown-subset': return a.vs;
    case 'dr-host-typo': return a.dr && !a.vs;
    case 'hpa-target-typo': return a.hpa;
    case 'pdb-selector-typo': return a.pdb;
    case 'netpol-selector-typo': return a.netpol;
    case 'ingress-backend-typo': return a.ingress || a.httpRoute;
    case 'env-ref-unknown-service': return a.deps.length > 0;
    case 'configmap-ref-typo': return a.configMap;
    case 'retry-storm': return a.vs || a.sp || a.meshRetry;
    case 'sidecar-injection-disabled': return a.ns.mesh !== 'none' && hasMeshPolicy(a);
    case 'serviceprofile-name-typo': return a.sp;
    case 'ingress-without-tls': return a.ingress;
    case 'linkerd-server-unauthorized': return a.server && a.linkerdAuthz;
    case 'port-name-unprefixed': return a.ns.mesh === 'istio' && !a.grpc;
    case 'consul-mtls-permissive': return a.svcDefaults;
    case 'timeout-inversion': return setsTimeout(a) && a.callers.length > 0 && a.deps.some((d) => setsTimeout(d.target));
    case 'authz-principal-typo': return (a.istioAuthz || a.linkerdAuthz) && a.callers.length > 0;
  }
}

/** Draw each defect kind by weight, then give it to the next app (in shuffled order) it applies to. */
function planDefects(rng: Rng, apps: AppPlan[], count: number): void {
  const order = rng.shuffle([...apps]);
  let cursor = 0;
  let kinds = [...DEFECT_WEIGHTS];
  for (let left = Math.min(count, apps.length); left > 0 && kinds.length > 0; ) {
    const kind = rng.weighted(kinds);
    let found: AppPlan | undefined;
    for (let i = 0; i < order.length && found === undefined; i++) {
      const a = order[(cursor + i) % order.length];
      if (a !== undefined && a.defect === undefined && applicable(a, kind)) {
        found = a;
        cursor = (cursor + i + 1) % order.length;
      }
    }
    if (found === undefined) {
      kinds = kinds.filter(([k]) => k !== kind);
      continue;
    }
    found.defect = kind;
    if (kind === 'linkerd-server-unauthorized') {
      // The Server loses its AuthorizationPolicy and MeshTLSAuthentication; two ConfigMaps keep the count.
      found.linkerdAuthz = false;
      found.ns.filler += 2;
    }
    left--;
  }
}

/** Swap two adjacent letters (or drop one) so that the result is none of `taken`. */
function typo(rng: Rng, name: string, taken: ReadonlySet<string>): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const i = rng.int(0, name.length - 2);
    const x = name[i] ?? '';
    const y = name[i + 1] ?? '';
    if (!/[a-z]/.test(x) || !/[a-z]/.test(y) || x === y) continue;
    const out = name.slice(0, i) + y + x + name.slice(i + 2);
    if (!taken.has(out)) return out;
  }
  for (let i = name.length - 1; i > 0; i--) {
    const out = name.slice(0, i) + name.slice(i + 1);
    if (/[a-z0-9]$/.test(out) && /^[a-z]/.test(out) && !taken.has(out)) return out;
  }
  return `${name}x`;
}

// ---------------------------------------------------------------------------------------------
// Objects

type Group = 'core' | 'policy' | 'expose' | 'mesh';

interface Built {
  readonly group: Group;
  readonly obj: Obj;
}

class Emitter {
  readonly defects = new Map<Obj, { kind: DefectKind; detail: string }>();
  constructor(readonly rng: Rng) {}

  mark(obj: Obj, kind: DefectKind, detail: string): void {
    this.defects.set(obj, { kind, detail });
  }
}

function fqdn(name: string, ns: string): string {
  return `${name}.${ns}.svc.cluster.local`;
}

function envName(svc: string, suffix: string): string {
  return `${svc.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${suffix}`;
}

function meta(name: string, ns: string | undefined, labels?: Obj, annotations?: Obj): Obj {
  return { name, namespace: ns, labels, annotations };
}

function appLabels(a: AppPlan, managedBy: string): Obj {
  return {
    'app.kubernetes.io/name': a.name,
    'app.kubernetes.io/part-of': a.ns.team,
    'app.kubernetes.io/managed-by': managedBy,
    team: a.ns.team,
  };
}

/** Linkerd identity of a ServiceAccount, as MeshTLSAuthentication `identityRefs` names it. */
function saRef(name: string, ns: string): Obj {
  return { kind: 'ServiceAccount', name, namespace: ns };
}

/** The callers of an app, once each (the canary calls as its main Deployment does). */
function distinctCallers(a: AppPlan): AppPlan[] {
  const seen = new Set<AppPlan>();
  return a.callers.filter((c) => (seen.has(c) ? false : (seen.add(c), true))).sort((x, y) => (x.ns.name === y.ns.name ? (x.name < y.name ? -1 : 1) : x.ns.name < y.ns.name ? -1 : 1));
}

function buildApp(e: Emitter, a: AppPlan): Built[] {
  const rng = e.rng;
  const ns = a.ns.name;
  const out: Built[] = [];
  const managedBy = rng.pick(['argocd', 'kustomize', 'helm', 'flux']);
  const labels = appLabels(a, managedBy);
  const taken = a.ns.appNames;
  const cmName = `${a.name}-config`;
  const callers = distinctCallers(a);
  // A caller whose name is misspelt in this app's authorization policy (defect authz-principal-typo).
  const typoCaller = a.defect === 'authz-principal-typo' ? callers[0] : undefined;
  const callerSa = (c: AppPlan): string => (c === typoCaller ? typo(rng, c.name, c.ns.appNames) : c.name);

  // ServiceAccount
  out.push({
    group: 'core',
    obj: {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(a.name, ns, labels),
      automountServiceAccountToken: rng.chance(0.5) ? false : undefined,
    },
  });

  // ConfigMap
  if (a.configMap) {
    const lines = [
      'server:',
      `  port: ${a.containerPort}`,
      `  shutdownGracePeriod: ${rng.int(5, 30)}s`,
      'logging:',
      `  level: ${rng.pick(['info', 'warn', 'debug'])}`,
      '  format: json',
      'features:',
      ...Array.from({ length: rng.int(1, 5) }, (_, i) => `  ${rng.pick(WORDS)}-${i}: ${rng.chance(0.5) ? 'true' : 'false'}`),
      '',
    ];
    out.push({
      group: 'core',
      obj: {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(cmName, ns, labels),
        data: {
          LOG_LEVEL: rng.pick(['info', 'warn', 'debug']),
          CACHE_TTL_SECONDS: String(rng.pick([30, 60, 300, 900])),
          FEATURE_FLAGS: rng.chance(0.5) ? `${rng.pick(WORDS)},${rng.pick(WORDS)}` : '',
          'application.yaml': lines.join('\n'),
        },
      },
    });
  }

  // Deployments (main, maybe canary)
  const deployment = (variant: 'v1' | 'v2'): Obj => {
    const name = variant === 'v1' ? a.name : `${a.name}-canary`;
    const env: Value[] = [
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ];
    // Telemetry goes to the collector of the app's own mesh.
    if (a.otel) env.push({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: `http://${fqdn(OTEL.name, collectorNs(a.ns.group))}:${OTEL.httpPort}` });
    const seen = new Set<string>();
    a.deps.forEach((d, i) => {
      const t = d.target;
      let svc = t.name;
      if (variant === 'v1' && i === 0 && a.defect === 'env-ref-unknown-service') svc = typo(rng, t.name, t.ns.appNames);
      const suffix = d.form === 'addr' ? 'SERVICE_ADDR' : d.form === 'url' ? 'URL' : d.form === 'endpoint' ? 'ENDPOINT' : 'GRPC_TARGET';
      let key = envName(t.name, suffix);
      if (seen.has(key)) key = envName(`${t.name}-${t.ns.name}`, suffix);
      seen.add(key);
      const value =
        d.form === 'addr' ? `${svc}.${t.ns.name}:${t.servicePort}` :
        d.form === 'url' ? `http://${fqdn(svc, t.ns.name)}:${t.servicePort}${d.path}` :
        d.form === 'endpoint' ? `${svc}.${t.ns.name}.svc:${t.servicePort}` :
        `dns:///${fqdn(svc, t.ns.name)}:${t.servicePort}`;
      env.push({ name: key, value });
    });
    let sa = a.name;
    let cm = cmName;
    const podLabels: Obj = { app: a.name, version: variant, team: a.ns.team };
    const podAnnotations: Obj = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102' };
    if (a.ns.mesh === 'consul') {
      podAnnotations['consul.hashicorp.com/connect-inject'] = 'true';
      podAnnotations['consul.hashicorp.com/connect-service'] = consulName(a.name, ns);
    }
    if (variant === 'v1') {
      if (a.defect === 'serviceaccount-typo') sa = typo(rng, a.name, taken);
      if (a.defect === 'configmap-ref-typo') cm = `${typo(rng, a.name, taken)}-config`;
      if (a.defect === 'sidecar-injection-disabled') {
        // Each mesh's opt-out where that mesh reads it: Istio and Kuma a pod label, Linkerd and Consul an annotation.
        if (a.ns.mesh === 'istio') podLabels['sidecar.istio.io/inject'] = 'false';
        else if (a.ns.mesh === 'kuma') podLabels['kuma.io/sidecar-injection'] = 'disabled';
        else if (a.ns.mesh === 'linkerd') podAnnotations['linkerd.io/inject'] = 'disabled';
        else podAnnotations['consul.hashicorp.com/connect-inject'] = 'false';
      }
    }
    const probePort = a.grpc ? undefined : a.portName;
    const obj: Obj = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(name, ns, labels),
      spec: {
        replicas: variant === 'v1' ? rng.pick([2, 3, 3, 4, 6]) : 1,
        revisionHistoryLimit: rng.chance(0.5) ? 5 : undefined,
        selector: { matchLabels: { app: a.name, version: variant } },
        strategy: rng.chance(0.5) ? { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } } : undefined,
        template: {
          metadata: { labels: podLabels, annotations: podAnnotations },
          spec: {
            serviceAccountName: sa,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            terminationGracePeriodSeconds: rng.pick([30, 45, 60]),
            containers: [
              {
                name: 'app',
                image: rng.chance(0.15)
                  ? `registry.example.com/${a.ns.team}/${a.name}@sha256:${hex(rng, 64)}`
                  : `registry.example.com/${a.ns.team}/${a.name}:${rng.int(1, 4)}.${rng.int(0, 30)}.${rng.int(0, 12)}`,
                imagePullPolicy: 'IfNotPresent',
                ports: [
                  { name: a.portName, containerPort: a.containerPort, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9102, protocol: 'TCP' },
                ],
                env,
                envFrom: a.configMap ? [{ configMapRef: { name: cm } }] : undefined,
                resources: {
                  requests: { cpu: rng.pick(['100m', '250m', '500m']), memory: rng.pick(['128Mi', '256Mi', '512Mi']) },
                  limits: { memory: rng.pick(['512Mi', '1Gi']) },
                },
                readinessProbe: a.grpc
                  ? { grpc: { port: a.containerPort }, periodSeconds: 10 }
                  : { httpGet: { path: '/healthz/ready', port: probePort }, periodSeconds: 10 },
                livenessProbe: a.grpc
                  ? { grpc: { port: a.containerPort }, initialDelaySeconds: 10 }
                  : { httpGet: { path: '/healthz/live', port: probePort }, initialDelaySeconds: 10 },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...(a.configMap ? [{ name: 'config', mountPath: '/etc/app', readOnly: true }] : [])],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }, ...(a.configMap ? [{ name: 'config', configMap: { name: cm } }] : [])],
          },
        },
      },
    };
    if (variant === 'v1' && a.defect === 'serviceaccount-typo') e.mark(obj, 'serviceaccount-typo', `serviceAccountName ${sa} (ServiceAccount is ${a.name})`);
    if (variant === 'v1' && a.defect === 'configmap-ref-typo') e.mark(obj, 'configmap-ref-typo', `configMapRef ${cm} (ConfigMap is ${cmName})`);
    if (variant === 'v1' && a.defect === 'env-ref-unknown-service') e.mark(obj, 'env-ref-unknown-service', `env refers to a misspelt service of ${a.deps[0]?.target.name ?? '?'}`);
    if (variant === 'v1' && a.defect === 'sidecar-injection-disabled') e.mark(obj, 'sidecar-injection-disabled', `sidecar disabled on a workload with ${a.ns.mesh} policy`);
    return obj;
  };
  out.push({ group: 'core', obj: deployment('v1') });
  if (a.canary) out.push({ group: 'core', obj: deployment('v2') });

  // Service. The port declares its protocol the way the mesh reads it: Istio by name prefix (and
  // appProtocol for gRPC), Kuma by appProtocol, Linkerd ≥ 2.18 by appProtocol (h2c: `grpc` would
  // make the port opaque).
  {
    let selectorApp = a.name;
    let targetPort: string | number = a.namedTargetPort ? a.portName : a.containerPort;
    let portName = a.portName;
    if (a.defect === 'service-selector-typo') selectorApp = typo(rng, a.name, taken);
    if (a.defect === 'missing-named-target-port') targetPort = a.grpc ? 'grpc-api' : rng.pick(['http-api', 'web', 'http-web']);
    if (a.defect === 'port-name-unprefixed') portName = rng.pick(['web', 'api', 'rest']);
    const appProtocol = a.ns.mesh === 'linkerd'
      ? (a.grpc ? 'kubernetes.io/h2c' : undefined)
      : a.ns.mesh === 'kuma' ? (a.grpc ? 'grpc' : 'http') : a.grpc ? 'grpc' : undefined;
    const selector: Obj = rng.chance(0.2) ? { app: selectorApp, team: a.ns.team } : { app: selectorApp };
    // Linkerd ejects failing endpoints only with failure accrual, which retrying services want.
    const annotations: Obj | undefined = a.sp ? { 'balancer.linkerd.io/failure-accrual': 'consecutive' } : undefined;
    const obj: Obj = {
      apiVersion: 'v1', kind: 'Service', metadata: meta(a.name, ns, labels, annotations),
      spec: {
        type: 'ClusterIP', selector,
        ports: [{ name: portName, port: a.servicePort, targetPort, protocol: 'TCP', appProtocol }],
      },
    };
    if (a.defect === 'service-selector-typo') e.mark(obj, 'service-selector-typo', `selector app=${selectorApp} matches no pod (pods have app=${a.name})`);
    if (a.defect === 'missing-named-target-port') e.mark(obj, 'missing-named-target-port', `targetPort ${String(targetPort)} is not a container port name`);
    if (a.defect === 'port-name-unprefixed') e.mark(obj, 'port-name-unprefixed', `port name ${portName} declares no protocol to Istio`);
    out.push({ group: 'core', obj });
  }

  // HPA, PDB, NetworkPolicy
  if (a.hpa) {
    const target = a.defect === 'hpa-target-typo' ? typo(rng, a.name, taken) : a.name;
    const obj: Obj = {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta(a.name, ns, labels),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
        minReplicas: rng.int(2, 3), maxReplicas: rng.int(6, 30),
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: rng.pick([60, 70, 75, 80]) } } }],
      },
    };
    if (target !== a.name) e.mark(obj, 'hpa-target-typo', `scaleTargetRef ${target} does not exist`);
    out.push({ group: 'policy', obj });
  }
  if (a.pdb) {
    const sel = a.defect === 'pdb-selector-typo' ? typo(rng, a.name, taken) : a.name;
    const obj: Obj = {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(a.name, ns, labels),
      spec: { ...(rng.chance(0.5) ? { minAvailable: 1 } : { maxUnavailable: '25%' }), selector: { matchLabels: { app: sel } } },
    };
    if (sel !== a.name) e.mark(obj, 'pdb-selector-typo', `selector app=${sel} matches no pod`);
    out.push({ group: 'policy', obj });
  }
  if (a.netpol) {
    const sel = a.defect === 'netpol-selector-typo' ? typo(rng, a.name, taken) : a.name;
    const callerNs = [...new Set(a.callers.map((c) => c.ns.name))].filter((n) => n !== ns).sort();
    const from: Value[] = [{ podSelector: {} }];
    for (const n of callerNs) from.push({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } });
    if (a.ingress) from.push({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': INGRESS_NGINX.ns } } });
    if (a.httpRoute) from.push({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY.ns } } });
    const obj: Obj = {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(`${a.name}-ingress`, ns, labels),
      spec: {
        podSelector: { matchLabels: { app: sel } },
        policyTypes: ['Ingress'],
        ingress: [
          { from, ports: [{ protocol: 'TCP', port: a.containerPort }] },
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': PROMETHEUS.ns } } }], ports: [{ protocol: 'TCP', port: 9102 }] },
        ],
      },
    };
    if (sel !== a.name) e.mark(obj, 'netpol-selector-typo', `podSelector app=${sel} matches no pod`);
    out.push({ group: 'policy', obj });
  }

  // Exposure
  const backend = a.defect === 'ingress-backend-typo' ? typo(rng, a.name, taken) : a.name;
  if (a.ingress) {
    const host = `${a.name}.${a.ns.env}.${a.ns.team}.example.com`;
    const noTls = a.defect === 'ingress-without-tls';
    const obj: Obj = {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: meta(a.name, ns, labels, noTls ? { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } : { 'cert-manager.io/cluster-issuer': 'letsencrypt', 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' }),
      spec: {
        ingressClassName: 'nginx',
        tls: noTls ? undefined : [{ hosts: [host], secretName: `${a.name}-tls` }],
        rules: [{
          host,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: rng.chance(0.5) ? { number: a.servicePort } : { name: a.portName } } } }] },
        }],
      },
    };
    if (backend !== a.name) e.mark(obj, 'ingress-backend-typo', `backend service ${backend} does not exist`);
    if (noTls) e.mark(obj, 'ingress-without-tls', `host ${host} is served without TLS`);
    out.push({ group: 'expose', obj });
  }
  if (a.httpRoute) {
    const obj: Obj = {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta(a.name, ns, labels),
      spec: {
        parentRefs: [{ name: GATEWAY.name, namespace: GATEWAY.ns, sectionName: 'https' }],
        hostnames: [`${a.name}.${a.ns.team}.example.com`],
        rules: [{
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ name: backend, port: a.servicePort }],
          timeouts: { request: duration(a.timeoutMs + 2000) },
        }],
      },
    };
    if (backend !== a.name) e.mark(obj, 'ingress-backend-typo', `backendRef ${backend} does not exist`);
    out.push({ group: 'expose', obj });
  }

  // Mesh: timeouts and retries (see planTimeouts). A timeout-inversion defect gives callers less
  // time than the app's own calls may take.
  const timeoutMs = a.defect === 'timeout-inversion' ? 1000 : a.timeoutMs;
  const leaf = a.leaf ? leafRetries(a) : undefined;
  const inversionDetail = `timeout ${duration(timeoutMs)}, below what its calls downstream may take`;
  // A retry storm: far more attempts than fit in the timeout, each allowed at least the whole timeout
  // (so callers still wait the timeout, and the storm is the only thing wrong with the app).
  const stormPerTryMs = Math.max(5000, timeoutMs);
  const host = rng.chance(0.5) ? a.name : fqdn(a.name, ns);
  if (a.dr) {
    const drHost = a.defect === 'dr-host-typo' ? (host === a.name ? typo(rng, a.name, taken) : fqdn(typo(rng, a.name, taken), ns)) : host;
    const subsets: Value[] = [{ name: 'v1', labels: { version: 'v1' } }];
    if (a.canary) subsets.push({ name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } });
    // Retries are bounded by a retry budget (Istio 1.27+) or, the older way, a retry circuit breaker.
    const budget = rng.chance(0.75);
    const obj: Obj = {
      apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta(a.name, ns, labels),
      spec: {
        host: drHost,
        trafficPolicy: {
          connectionPool: {
            tcp: { maxConnections: rng.pick([100, 200, 500]) },
            http: { http1MaxPendingRequests: 64, maxRequestsPerConnection: 10, maxRetries: budget ? undefined : rng.pick([3, 5, 10]) },
          },
          outlierDetection: { consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '60s', maxEjectionPercent: 50 },
          retryBudget: budget ? { percent: { value: rng.pick([10, 15, 20]) }, minRetryConcurrency: 3 } : undefined,
          loadBalancer: rng.chance(0.3) ? { simple: 'LEAST_REQUEST' } : undefined,
          tls: rng.chance(0.3) ? { mode: 'ISTIO_MUTUAL' } : undefined,
        },
        subsets,
      },
    };
    if (drHost !== host) e.mark(obj, 'dr-host-typo', `host ${drHost} is not a Service`);
    out.push({ group: 'mesh', obj });
  }
  if (a.vs) {
    const storm = a.defect === 'retry-storm';
    const badSubset = a.defect === 'vs-unknown-subset' ? (a.canary ? 'v3' : 'canary') : undefined;
    const dest = (subset: string): Obj => ({ host, subset, port: { number: a.servicePort } });
    const route: Value[] = a.canary
      ? [{ destination: dest('v1'), weight: 90 }, { destination: dest(badSubset ?? 'v2'), weight: 10 }]
      : [{ destination: dest(badSubset ?? 'v1') }];
    const retries = (retryOn: string): Obj => ({
      attempts: leaf?.retries ?? rng.pick([1, 2]),
      perTryTimeout: leaf === undefined ? undefined : duration(leaf.perTryMs),
      retryOn,
    });
    const http: Value[] = [];
    // Reads (GET) may be retried on server errors; everything else only when the request never
    // reached the server. gRPC calls are all POSTs: no read route.
    if (!a.grpc) {
      http.push({
        name: 'reads',
        match: [{ method: { exact: 'GET' } }],
        route,
        timeout: duration(timeoutMs),
        retries: retries('5xx,reset,connect-failure,refused-stream'),
      });
    }
    http.push({
      name: 'primary',
      match: rng.chance(0.4) ? [{ uri: { prefix: '/' } }] : undefined,
      route,
      timeout: duration(timeoutMs),
      retries: storm
        ? { attempts: 10, perTryTimeout: duration(stormPerTryMs), retryOn: 'connect-failure,refused-stream' }
        : retries(a.grpc ? 'connect-failure,refused-stream,unavailable' : 'connect-failure,refused-stream'),
    });
    const obj: Obj = {
      apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta(a.name, ns, labels),
      spec: { hosts: [host], http },
    };
    if (storm) e.mark(obj, 'retry-storm', `10 attempts of ${duration(stormPerTryMs)} within a ${duration(timeoutMs)} timeout`);
    if (badSubset !== undefined) e.mark(obj, 'vs-unknown-subset', `subset ${badSubset} is not defined by the DestinationRule`);
    if (a.defect === 'timeout-inversion') e.mark(obj, 'timeout-inversion', inversionDetail);
    out.push({ group: 'mesh', obj });
  }
  if (a.istioAuthz) {
    const principals = [...new Set(callers.map((c) => `cluster.local/ns/${c.ns.name}/sa/${callerSa(c)}`))].sort();
    const from: Value[] = [];
    if (principals.length > 0) from.push({ source: { principals } });
    else from.push({ source: { namespaces: [ns] } });
    if (a.httpRoute) from.push({ source: { namespaces: [GATEWAY.ns] } });
    const obj: Obj = {
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta(`${a.name}-allow`, ns, labels),
      spec: {
        selector: { matchLabels: { app: a.name } },
        action: 'ALLOW',
        rules: [{ from, to: [{ operation: { methods: a.grpc ? ['POST'] : ['GET', 'POST', 'PUT', 'DELETE'] } }] }],
      },
    };
    if (typoCaller !== undefined) e.mark(obj, 'authz-principal-typo', `principal of caller ${typoCaller.ns.name}/${typoCaller.name} misspelt`);
    out.push({ group: 'mesh', obj });
  }
  if (a.sp) {
    const svc = a.defect === 'serviceprofile-name-typo' ? typo(rng, a.name, taken) : a.name;
    const storm = a.defect === 'retry-storm';
    const routes: Value[] = [];
    const nRoutes = rng.int(1, 4);
    for (let i = 0; i < nRoutes; i++) {
      const method = i === 0 ? 'GET' : rng.pick(['GET', 'POST', 'PUT']);
      const word = rng.pick(WORDS);
      routes.push({
        name: `${method} /api/${word}/{id}`,
        condition: { method, pathRegex: `/api/${word}/[^/]*` },
        isRetryable: method === 'GET' ? true : undefined,
        timeout: duration(timeoutMs),
      });
    }
    const obj: Obj = {
      apiVersion: 'linkerd.io/v1alpha2', kind: 'ServiceProfile', metadata: meta(fqdn(svc, ns), ns),
      spec: { routes, retryBudget: { retryRatio: storm ? 2.5 : rng.pick([0.1, 0.15]), minRetriesPerSecond: storm ? 100 : rng.pick([5, 10]), ttl: '10s' } },
    };
    if (svc !== a.name) e.mark(obj, 'serviceprofile-name-typo', `ServiceProfile for ${fqdn(svc, ns)}, no such Service`);
    if (storm) e.mark(obj, 'retry-storm', 'retryBudget.retryRatio 2.5');
    if (a.defect === 'timeout-inversion') e.mark(obj, 'timeout-inversion', inversionDetail);
    out.push({ group: 'mesh', obj });
  }
  if (a.server) {
    const obj: Obj = {
      apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: meta(`${a.name}-${a.portName}`, ns, labels),
      spec: { podSelector: { matchLabels: { app: a.name } }, port: a.portName, proxyProtocol: a.grpc ? 'gRPC' : 'HTTP/1' },
    };
    if (a.defect === 'linkerd-server-unauthorized') e.mark(obj, 'linkerd-server-unauthorized', 'no AuthorizationPolicy targets this Server');
    out.push({ group: 'mesh', obj });
  }
  if (a.linkerdAuthz) {
    // The callers' identities; with none, the namespace's own workloads. Exposed apps also admit
    // the ingress controller (meshed, outside this repository).
    const refs: Value[] = callers.map((c) => saRef(callerSa(c), c.ns.name));
    if (a.ingress) refs.push(saRef(INGRESS_NGINX.sa, INGRESS_NGINX.ns));
    const authn: Obj = {
      apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'MeshTLSAuthentication', metadata: meta(`${a.name}-clients`, ns, labels),
      spec: refs.length > 0 ? { identityRefs: refs } : { identities: [`*.${ns}.serviceaccount.identity.linkerd.cluster.local`] },
    };
    if (typoCaller !== undefined) e.mark(authn, 'authz-principal-typo', `identity of caller ${typoCaller.ns.name}/${typoCaller.name} misspelt`);
    out.push({ group: 'mesh', obj: authn });
    out.push({
      group: 'mesh',
      obj: {
        apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'AuthorizationPolicy', metadata: meta(`${a.name}-${a.portName}-clients`, ns, labels),
        spec: {
          targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: `${a.name}-${a.portName}` },
          requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: `${a.name}-clients` }],
        },
      },
    });
  }
  // Kuma: policies next to the app are producer policies (they apply to every caller of its
  // MeshService); the mesh-wide ones live in kuma-system (platformGroup).
  const kumaLabels: Obj = { 'kuma.io/mesh': a.ns.kumaMesh ?? 'default' };
  const meshService: Obj = { kind: 'MeshService', name: a.name, namespace: ns, sectionName: a.portName };
  if (a.meshRetry) {
    const storm = a.defect === 'retry-storm';
    const section = a.grpc ? 'grpc' : 'http';
    let conf: Obj;
    if (storm) conf = { [section]: { numRetries: 25, perTryTimeout: duration(stormPerTryMs), retryOn: a.grpc ? ['Unavailable'] : ['ConnectFailure', 'RefusedStream'] } };
    else if (leaf !== undefined) {
      conf = {
        [section]: {
          numRetries: leaf.retries,
          perTryTimeout: duration(leaf.perTryMs),
          backOff: { baseInterval: '25ms', maxInterval: '250ms' },
          retryOn: a.grpc ? ['Unavailable'] : ['ConnectFailure', 'RefusedStream'],
        },
      };
    } else conf = { tcp: { maxConnectAttempt: 3 } }; // above a leaf: connection attempts only (no per-try timeout)
    const obj: Obj = {
      apiVersion: 'kuma.io/v1alpha1', kind: 'MeshRetry', metadata: meta(`${a.name}-retry`, ns, kumaLabels),
      spec: { targetRef: { kind: 'Mesh' }, to: [{ targetRef: meshService, default: conf }] },
    };
    if (storm) e.mark(obj, 'retry-storm', 'numRetries 25');
    out.push({ group: 'mesh', obj });
  }
  if (a.meshTimeout) {
    out.push({
      group: 'mesh',
      obj: {
        apiVersion: 'kuma.io/v1alpha1', kind: 'MeshTimeout', metadata: meta(`${a.name}-timeout`, ns, kumaLabels),
        spec: {
          targetRef: { kind: 'Mesh' },
          to: [{ targetRef: meshService, default: { connectionTimeout: '2s', idleTimeout: '1h', http: { requestTimeout: duration(a.timeoutMs), streamIdleTimeout: '30m' } } }],
        },
      },
    });
  }
  if (a.mtp) {
    const tags = [...new Set(callers.map((c) => `${c.name}_${c.ns.name}_svc_${c.servicePort}`))].sort();
    // The mesh allows all traffic by default (platformGroup); an app with a permission of its own
    // denies everyone but its callers.
    const from: Value[] = tags.length > 0
      ? [{ targetRef: { kind: 'Mesh' }, default: { action: 'Deny' } }, ...tags.map((tag) => ({ targetRef: { kind: 'MeshSubset', tags: { 'kuma.io/service': tag } }, default: { action: 'Allow' } }))]
      : [{ targetRef: { kind: 'Mesh' }, default: { action: 'Allow' } }];
    out.push({
      group: 'mesh',
      obj: {
        apiVersion: 'kuma.io/v1alpha1', kind: 'MeshTrafficPermission', metadata: meta(`${a.name}-permissions`, ns, kumaLabels),
        spec: { targetRef: { kind: 'Dataplane', labels: { app: a.name } }, from },
      },
    });
  }
  const cName = consulName(a.name, ns);
  if (a.svcDefaults) {
    const permissive = a.defect === 'consul-mtls-permissive';
    const obj: Obj = {
      apiVersion: 'consul.hashicorp.com/v1alpha1', kind: 'ServiceDefaults', metadata: meta(cName, ns),
      spec: {
        protocol: a.grpc ? 'grpc' : 'http',
        mutualTLSMode: permissive ? 'permissive' : rng.chance(0.5) ? 'strict' : undefined,
        upstreamConfig: rng.chance(0.4) ? { defaults: { connectTimeoutMs: 5000, passiveHealthCheck: { interval: '10s', maxFailures: 5 } } } : undefined,
      },
    };
    if (permissive) e.mark(obj, 'consul-mtls-permissive', 'mutualTLSMode permissive');
    out.push({ group: 'mesh', obj });
  }
  if (a.intentions) {
    const names = [...new Set(callers.map((c) => consulName(c.name, c.ns.name)))].sort();
    const sources: Value[] = names.map((n) => ({ name: n, action: 'allow' }));
    sources.push({ name: '*', action: 'deny' });
    out.push({
      group: 'mesh',
      obj: {
        apiVersion: 'consul.hashicorp.com/v1alpha1', kind: 'ServiceIntentions', metadata: meta(cName, ns),
        spec: { destination: { name: cName }, sources },
      },
    });
  }
  return out;
}

function hex(rng: Rng, n: number): string {
  let s = '';
  while (s.length < n) s += rng.nextU32().toString(16).padStart(8, '0');
  return s.slice(0, n);
}

/** The Namespace with its mesh markers, and the namespace-wide policies of its mesh. */
function namespaceObjects(rng: Rng, ns: NsPlan): Obj[] {
  const labels: Obj = { team: ns.team, env: ns.env, 'kubernetes.io/metadata.name': ns.name };
  const annotations: Obj = {};
  Object.assign(labels, meshNamespaceLabels(ns.mesh, ns.kumaMesh, ns.istioRevision));
  Object.assign(annotations, meshNamespaceAnnotations(ns.mesh));
  annotations['owner'] = `${ns.team}@example.com`;
  const out: Obj[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels, annotations } }];
  if (ns.mesh === 'istio') {
    out.push({
      apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: meta('default', ns.name),
      spec: { mtls: { mode: 'STRICT' } },
    });
  }
  if (ns.mesh === 'linkerd') out.push(...linkerdMetricsPolicy(ns.name));
  if (ns.quota) {
    out.push({
      apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('compute', ns.name),
      spec: { hard: { 'requests.cpu': String(rng.pick([20, 40, 80])), 'requests.memory': rng.pick(['64Gi', '128Gi']), pods: String(rng.pick([200, 400])) } },
    });
  }
  if (ns.limitRange) {
    out.push({
      apiVersion: 'v1', kind: 'LimitRange', metadata: meta('defaults', ns.name),
      spec: { limits: [{ type: 'Container', default: { memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }] },
    });
  }
  for (let i = 0; i < ns.filler; i++) {
    out.push({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`shared-settings-${i + 1}`, ns.name, { team: ns.team }),
      data: { REGION: rng.pick(['eu-west-1', 'us-east-1', 'ap-south-1']), ENVIRONMENT: ns.env },
    });
  }
  return out;
}

/** Namespace labels that put its pods into a mesh (Istio: injection or revision; Kuma: injection and mesh). */
function meshNamespaceLabels(mesh: Mesh, kumaMesh: string | undefined, istioRevision: boolean): Obj {
  if (mesh === 'istio') return istioRevision ? { 'istio.io/rev': 'stable' } : { 'istio-injection': 'enabled' };
  if (mesh === 'kuma') return { 'kuma.io/sidecar-injection': 'enabled', 'kuma.io/mesh': kumaMesh ?? 'default' };
  return {};
}

/** Linkerd reads namespace annotations: injection, and a default inbound policy that requires mTLS identities. */
function meshNamespaceAnnotations(mesh: Mesh): Obj {
  return mesh === 'linkerd' ? { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'all-authenticated' } : {};
}

/** A namespace-wide Linkerd Server for the pods' metrics port, open to Prometheus only. */
function linkerdMetricsPolicy(ns: string): Obj[] {
  return [
    {
      apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: meta('pod-metrics', ns),
      spec: { podSelector: {}, port: 'metrics', proxyProtocol: 'HTTP/1' },
    },
    {
      apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'MeshTLSAuthentication', metadata: meta('prometheus', ns),
      spec: { identityRefs: [saRef(PROMETHEUS.sa, PROMETHEUS.ns)] },
    },
    {
      apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'AuthorizationPolicy', metadata: meta('pod-metrics-prometheus', ns),
      spec: {
        targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'pod-metrics' },
        requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'prometheus' }],
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Platform

/** The public gateway (Istio's Gateway API implementation) and mesh-wide Istio mTLS. */
function platformBase(): PlatformFile[] {
  return [
    {
      rel: 'platform/gateway-system/gateway.yaml',
      docs: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: GATEWAY.ns, labels: { 'kubernetes.io/metadata.name': GATEWAY.ns, 'istio-injection': 'enabled' } } },
        {
          apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: meta(GATEWAY.name, GATEWAY.ns),
          spec: {
            gatewayClassName: 'istio',
            listeners: [
              { name: 'http', port: 80, protocol: 'HTTP', hostname: '*.example.com', allowedRoutes: { namespaces: { from: 'Same' } } },
              { name: 'https', port: 443, protocol: 'HTTPS', hostname: '*.example.com', tls: { mode: 'Terminate', certificateRefs: [{ name: 'wildcard-example-com' }] }, allowedRoutes: { namespaces: { from: 'All' } } },
            ],
          },
        },
        {
          // Plain HTTP only redirects to HTTPS.
          apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta('https-redirect', GATEWAY.ns),
          spec: {
            parentRefs: [{ name: GATEWAY.name, sectionName: 'http' }],
            hostnames: ['*.example.com'],
            rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
          },
        },
      ],
    },
    {
      rel: 'platform/istio-system/mesh-mtls.yaml',
      docs: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system', labels: { 'kubernetes.io/metadata.name': 'istio-system' } } },
        { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: meta('default', 'istio-system'), spec: { mtls: { mode: 'STRICT' } } },
      ],
    },
  ];
}

/**
 * What a mesh group needs from the platform: its OpenTelemetry collector, inside the mesh, with
 * that mesh's policies for it; for a Kuma group also the Kuma Mesh (mTLS on) and its mesh-wide
 * traffic permission (allow within the mesh, as Kuma's default), retry, timeout and circuit breaker
 * policies; the retry policy replaces Kuma's default (5 retries on any method, with a per-try
 * timeout above the request timeout) with connection retries only.
 */
function platformGroup(group: string, withKumaSystem: boolean): PlatformFile[] {
  const mesh: Mesh = group.startsWith('kuma-') ? 'kuma' : (group as Mesh);
  const kumaMesh = mesh === 'kuma' ? group.slice('kuma-'.length) : undefined;
  const ns = collectorNs(group);
  const labels: Obj = { app: OTEL.name };
  const podAnnotations: Obj = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8888' };
  if (mesh === 'consul') {
    podAnnotations['consul.hashicorp.com/connect-inject'] = 'true';
    podAnnotations['consul.hashicorp.com/connect-service'] = consulName(OTEL.name, ns);
  }
  const docs: Obj[] = [
    {
      apiVersion: 'v1', kind: 'Namespace',
      metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns, ...meshNamespaceLabels(mesh, kumaMesh, false) }, annotations: { owner: 'platform@example.com', ...meshNamespaceAnnotations(mesh) } },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(OTEL.name, ns, labels) },
    {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`${OTEL.name}-config`, ns, labels),
      data: { 'config.yaml': 'receivers:\n  otlp:\n    protocols:\n      grpc: {}\n      http: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n' },
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(OTEL.name, ns, labels),
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: podAnnotations },
          spec: {
            serviceAccountName: OTEL.name,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'collector', image: 'otel/opentelemetry-collector-contrib:0.104.0', args: ['--config=/conf/config.yaml'],
              ports: [{ name: 'otlp-grpc', containerPort: OTEL.grpcPort }, { name: 'otlp-http', containerPort: OTEL.httpPort }],
              resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'conf', mountPath: '/conf' }],
            }],
            volumes: [{ name: 'conf', configMap: { name: `${OTEL.name}-config` } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1', kind: 'Service', metadata: meta(OTEL.name, ns, labels),
      spec: {
        selector: labels,
        ports: [
          { name: 'grpc-otlp', port: OTEL.grpcPort, targetPort: 'otlp-grpc', appProtocol: mesh === 'linkerd' ? 'kubernetes.io/h2c' : 'grpc' },
          { name: 'http-otlp', port: OTEL.httpPort, targetPort: 'otlp-http', appProtocol: mesh === 'kuma' ? 'http' : undefined },
        ],
      },
    },
  ];
  if (mesh === 'istio') docs.push({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: meta('default', ns), spec: { mtls: { mode: 'STRICT' } } });
  if (mesh === 'linkerd') {
    for (const [port, proto] of [['otlp-grpc', 'gRPC'], ['otlp-http', 'HTTP/1']] as const) {
      docs.push({ apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: meta(`${OTEL.name}-${port}`, ns, labels), spec: { podSelector: { matchLabels: labels }, port, proxyProtocol: proto } });
    }
    docs.push(
      { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'MeshTLSAuthentication', metadata: meta('meshed-clients', ns), spec: { identities: ['*'] } },
      {
        // Every meshed workload may send telemetry: the policy targets the namespace's Servers.
        apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'AuthorizationPolicy', metadata: meta('otlp-meshed-clients', ns),
        spec: {
          targetRef: { kind: 'Namespace', name: ns },
          requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'meshed-clients' }],
        },
      },
    );
  }
  if (mesh === 'kuma') {
    const kl: Obj = { 'kuma.io/mesh': kumaMesh ?? 'default' };
    docs.push(
      {
        apiVersion: 'kuma.io/v1alpha1', kind: 'MeshTrafficPermission', metadata: meta('otlp-from-mesh', ns, kl),
        spec: { targetRef: { kind: 'Dataplane', labels }, from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'Allow' } }] },
      },
      {
        apiVersion: 'kuma.io/v1alpha1', kind: 'MeshTimeout', metadata: meta(`${OTEL.name}-timeout`, ns, kl),
        spec: {
          targetRef: { kind: 'Mesh' },
          to: [{ targetRef: { kind: 'MeshService', name: OTEL.name, namespace: ns, sectionName: 'http-otlp' }, default: { http: { requestTimeout: '800ms' } } }],
        },
      },
    );
  }
  if (mesh === 'consul') {
    const cName = consulName(OTEL.name, ns);
    docs.push(
      { apiVersion: 'consul.hashicorp.com/v1alpha1', kind: 'ServiceDefaults', metadata: meta(cName, ns), spec: { protocol: 'http', mutualTLSMode: 'strict' } },
      { apiVersion: 'consul.hashicorp.com/v1alpha1', kind: 'ServiceIntentions', metadata: meta(cName, ns), spec: { destination: { name: cName }, sources: [{ name: '*', action: 'allow' }] } },
    );
  }
  const files: PlatformFile[] = [{ rel: `platform/${ns}/otel-collector.yaml`, docs }];
  if (mesh === 'kuma' && kumaMesh !== undefined) {
    if (withKumaSystem) {
      files.push({ rel: `platform/${KUMA_SYSTEM}/namespace.yaml`, docs: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: KUMA_SYSTEM, labels: { 'kubernetes.io/metadata.name': KUMA_SYSTEM } } }] });
    }
    const kl: Obj = { 'kuma.io/mesh': kumaMesh };
    files.push({
      rel: `platform/${KUMA_SYSTEM}/mesh-${kumaMesh}.yaml`,
      docs: [
        {
          apiVersion: 'kuma.io/v1alpha1', kind: 'Mesh', metadata: { name: kumaMesh },
          spec: {
            mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin', dpCert: { rotation: { expiration: '24h' } }, conf: { caCert: { RSAbits: 2048, expiration: '10y' } } }] },
            networking: { outbound: { passthrough: false } },
          },
        },
        {
          apiVersion: 'kuma.io/v1alpha1', kind: 'MeshTrafficPermission', metadata: meta(`allow-all-${kumaMesh}`, KUMA_SYSTEM, kl),
          spec: { targetRef: { kind: 'Mesh' }, from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'Allow' } }] },
        },
        {
          apiVersion: 'kuma.io/v1alpha1', kind: 'MeshRetry', metadata: meta(`mesh-retry-${kumaMesh}`, KUMA_SYSTEM, kl),
          spec: {
            targetRef: { kind: 'Mesh' },
            to: [{ targetRef: { kind: 'Mesh' }, default: { tcp: { maxConnectAttempt: 3 }, http: { numRetries: 0 }, grpc: { numRetries: 0 } } }],
          },
        },
        {
          apiVersion: 'kuma.io/v1alpha1', kind: 'MeshTimeout', metadata: meta(`mesh-timeout-${kumaMesh}`, KUMA_SYSTEM, kl),
          spec: {
            targetRef: { kind: 'Mesh' },
            to: [{ targetRef: { kind: 'Mesh' }, default: { connectionTimeout: '5s', idleTimeout: '1h', http: { requestTimeout: '15s', streamIdleTimeout: '30m' } } }],
          },
        },
        {
          apiVersion: 'kuma.io/v1alpha1', kind: 'MeshCircuitBreaker', metadata: meta(`mesh-circuit-breaker-${kumaMesh}`, KUMA_SYSTEM, kl),
          spec: {
            targetRef: { kind: 'Mesh' },
            to: [{
              targetRef: { kind: 'Mesh' },
              default: {
                connectionLimits: { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 },
                outlierDetection: { disabled: false, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 20, detectors: { totalFailures: { consecutive: 5 } } },
              },
            }],
          },
        },
      ],
    });
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Writing

const HEADERS = [
  '# Managed by GitOps. Changes outside of a pull request are reverted.',
  '# Owner: see CODEOWNERS',
  '# yaml-language-server: $schema=https://example.com/schemas/all.json',
  '# Generated from the service template (v3). Edit the values, not the structure.',
];

class Writer {
  files = 0;
  yamlFiles = 0;
  jsonFiles = 0;
  documents = 0;
  objects = 0;
  meshObjects = 0;
  bytes = 0;
  /** Time spent in mkdir/writeFile, which dominates on slow disks. */
  writeMs = 0;
  readonly byKind: Record<string, number> = {};
  readonly defects: InjectedDefect[] = [];
  private readonly dirs = new Set<string>();

  constructor(readonly root: string, readonly rng: Rng, readonly marks: Map<Obj, { kind: DefectKind; detail: string }>, readonly check: boolean) {}

  private ensureDir(rel: string): void {
    const slash = rel.lastIndexOf('/');
    const dir = slash < 0 ? '' : rel.slice(0, slash);
    if (dir === '' || this.dirs.has(dir)) return;
    mkdirSync(join(this.root, dir), { recursive: true });
    this.dirs.add(dir);
  }

  private count(rel: string, obj: Obj): void {
    this.objects++;
    const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
    const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const key = group === '' ? kind : `${kind}.${group}`;
    this.byKind[key] = (this.byKind[key] ?? 0) + 1;
    if (MESH_GROUPS.has(group)) this.meshObjects++;
    const mark = this.marks.get(obj);
    if (mark !== undefined) {
      const md = obj['metadata'];
      const name = md !== null && typeof md === 'object' && !Array.isArray(md) ? md['name'] : undefined;
      const ns = md !== null && typeof md === 'object' && !Array.isArray(md) ? md['namespace'] : undefined;
      this.defects.push({ kind: mark.kind, file: rel, object: `${kind}/${String(ns ?? '')}/${String(name ?? '')}`, detail: mark.detail });
    }
  }

  private put(rel: string, text: string, expected: Obj[]): void {
    const t0 = performance.now();
    this.ensureDir(rel);
    writeFileSync(join(this.root, rel), text);
    this.writeMs += performance.now() - t0;
    this.files++;
    this.bytes += Buffer.byteLength(text);
    if (this.check) {
      const parsed: unknown[] = rel.endsWith('.json') ? [JSON.parse(text) as unknown] : jsyaml.loadAll(text).filter((d) => d !== null && d !== undefined);
      const want: unknown = JSON.parse(JSON.stringify(expected));
      if (!isDeepStrictEqual(parsed, want)) throw new Error(`round-trip mismatch in ${rel}`);
    }
  }

  yaml(rel: string, docs: Obj[]): void {
    if (docs.length === 0) return;
    const rng = this.rng;
    const style: YamlStyle = {
      indent: rng.chance(0.1) ? 4 : 2,
      indentSequences: rng.chance(0.6),
      flowSequences: rng.chance(0.3),
      singleQuotes: rng.chance(0.2),
    };
    const parts: string[] = [];
    if (rng.chance(0.25)) parts.push(`${rng.pick(HEADERS)}\n`);
    const leading = rng.chance(0.4);
    docs.forEach((d, i) => {
      if (i > 0 || leading) parts.push('---\n');
      if (i > 0 && rng.chance(0.01)) parts.push('# (intentionally empty)\n---\n');
      if (i > 0 && rng.chance(0.15)) parts.push(`# ${String(d['kind'])}\n`);
      parts.push(toYaml(d, style));
      this.count(rel, d);
    });
    this.documents += docs.length;
    this.yamlFiles++;
    this.put(rel, parts.join(''), docs);
  }

  json(rel: string, doc: Obj, items?: Obj[]): void {
    const text = `${JSON.stringify(doc, null, this.rng.chance(0.8) ? 2 : 4)}\n`;
    for (const o of items ?? [doc]) this.count(rel, o);
    this.documents++;
    this.jsonFiles++;
    this.put(rel, text, [doc]);
  }
}

function writeApp(w: Writer, a: AppPlan, built: Built[]): void {
  const appDir = `${a.ns.dir}/${a.name}`;
  const pick = (...groups: Group[]): Obj[] => built.filter((b) => groups.includes(b.group)).map((b) => b.obj);
  const meshFile = `${appDir}/${a.ns.mesh}.yaml`;
  switch (a.layout) {
    case 'split':
      w.yaml(`${appDir}/app.yaml`, pick('core'));
      w.yaml(`${appDir}/policies.yaml`, pick('policy'));
      w.yaml(`${appDir}/ingress.yaml`, pick('expose'));
      w.yaml(meshFile, pick('mesh'));
      break;
    case 'bundle':
      w.yaml(`${a.ns.dir}/${a.name}.yaml`, pick('core', 'policy', 'expose', 'mesh'));
      break;
    case 'json-list': {
      const items = pick('core');
      w.json(`${appDir}/app.json`, { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }, items);
      w.yaml(`${appDir}/extras.yaml`, pick('policy', 'expose', 'mesh'));
      break;
    }
    case 'json-files': {
      const yamlCore: Obj[] = [];
      for (const o of pick('core')) {
        const kind = o['kind'];
        const md = o['metadata'];
        const name = md !== null && typeof md === 'object' && !Array.isArray(md) ? String(md['name']) : a.name;
        if (kind === 'Deployment') w.json(`${appDir}/${name === a.name ? 'deployment' : 'deployment-canary'}.json`, o);
        else if (kind === 'Service') w.json(`${appDir}/service.json`, o);
        else yamlCore.push(o);
      }
      w.yaml(`${appDir}/app.yaml`, yamlCore);
      w.yaml(`${appDir}/extras.yaml`, pick('policy', 'expose', 'mesh'));
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

export async function generateRepo(opts: GenerateOptions): Promise<RepoStats> {
  const t0 = performance.now();
  const profile = opts.profile ?? 'default';
  const seed = opts.seed ?? 1;
  const total = Math.floor(opts.objects);
  if (!(total >= 50)) throw new Error(`--objects must be at least 50 (got ${opts.objects})`);
  const root = resolve(opts.out);
  mkdirSync(root, { recursive: true });

  const rng = new Rng(seed);
  const planRng = rng.fork('plan');
  const plan = planRepo(planRng, total, profile);
  const graphRng = rng.fork('graph');
  if (profile === 'callgraph') planCallgraph(graphRng, plan.apps, plan);
  else planDefaultDeps(graphRng, plan.apps);
  planTimeouts(plan.apps);
  const defectRate = opts.defectRate ?? 0.01;
  planDefects(rng.fork('defects'), plan.apps, Math.max(1, Math.round(total * defectRate)));

  const emitter = new Emitter(rng.fork('emit'));
  const writer = new Writer(root, rng.fork('write'), emitter.defects, opts.check === true);
  for (const f of plan.platform) writer.yaml(f.rel, f.docs);
  for (const ns of plan.namespaces) {
    writer.yaml(`${ns.dir}/namespace.yaml`, namespaceObjects(emitter.rng, ns));
    for (const a of ns.apps) writeApp(writer, a, buildApp(emitter, a));
  }
  if (writer.objects !== total) throw new Error(`generator bug: wrote ${writer.objects} objects, planned ${total}`);

  const defectsByKind: Record<string, number> = {};
  for (const d of writer.defects) defectsByKind[d.kind] = (defectsByKind[d.kind] ?? 0) + 1;
  const byKind: Record<string, number> = {};
  for (const k of Object.keys(writer.byKind).sort()) byKind[k] = writer.byKind[k] ?? 0;
  await Promise.resolve();
  return {
    dir: root, profile, seed, objects: writer.objects, meshObjects: writer.meshObjects,
    files: writer.files, yamlFiles: writer.yamlFiles, jsonFiles: writer.jsonFiles, documents: writer.documents,
    bytes: writer.bytes, teams: new Set(plan.namespaces.map((n) => n.team)).size, namespaces: plan.namespaces.length,
    services: plan.apps.length, edges: plan.apps.reduce((s, a) => s + a.deps.length, 0),
    plannedDepth: plan.plannedDepth, plannedCycles: plan.plannedCycles,
    byKind, defects: writer.defects, defectsByKind, apps: plan.apps.map((a) => `${a.ns.name}/${a.name}`),
    ms: performance.now() - t0, writeMs: writer.writeMs,
  };
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function describeRepo(s: RepoStats): string {
  const pct = (x: number): string => `${((100 * x) / s.objects).toFixed(1)}%`;
  const lines = [
    `repository      ${s.dir}`,
    `profile/seed    ${s.profile} / ${s.seed}`,
    `objects         ${s.objects} (mesh ${s.meshObjects}, ${pct(s.meshObjects)})`,
    `files           ${s.files} (${s.yamlFiles} YAML, ${s.jsonFiles} JSON), ${s.documents} documents, ${formatBytes(s.bytes)}`,
    `layout          ${s.teams} teams, ${s.namespaces} namespaces, ${s.services} services, ${s.edges} env references`,
  ];
  if (s.profile === 'callgraph') lines.push(`call graph      planned depth ${s.plannedDepth}, ${s.plannedCycles} cycles`);
  lines.push(`defects         ${s.defects.length} (${pct(s.defects.length)}): ${Object.entries(s.defectsByKind).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`kinds           ${Object.entries(s.byKind).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`generated in    ${s.ms.toFixed(0)} ms (${s.writeMs.toFixed(0)} ms of it creating files)`);
  return lines.join('\n');
}

/** Parse `--name value` / `--name=value` / `--flag` arguments. */
export function parseArgs(argv: readonly string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      out.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out.set(arg.slice(2), next);
      i++;
    } else out.set(arg.slice(2), true);
  }
  return out;
}

export function parseProfile(v: string | undefined): Profile {
  if (v === undefined || v === '' || v === 'default') return 'default';
  if (v === 'callgraph') return 'callgraph';
  throw new Error(`unknown profile "${v}" (expected default or callgraph)`);
}

/** `10000`, `10k`, `100_000`, `1e5`. */
export function parseCount(v: string): number {
  const m = /^([\d_.e+]+)([km]?)$/i.exec(v.trim());
  const n = m === null ? NaN : Number((m[1] ?? '').replace(/_/g, '')) * (m[2]?.toLowerCase() === 'k' ? 1e3 : m[2]?.toLowerCase() === 'm' ? 1e6 : 1);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`not a count: ${v}`);
  return Math.round(n);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const str = (k: string): string | undefined => {
    const v = args.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  if (args.has('help')) {
    console.log('usage: node --import tsx bench/generate.ts [--out DIR] [--objects 10000] [--profile default|callgraph] [--seed 1] [--check] [--json] [--defects] [--force]');
    return;
  }
  const objects = parseCount(str('objects') ?? process.env['MESHLINT_BENCH_OBJECTS'] ?? '10000');
  const profile = parseProfile(str('profile') ?? process.env['MESHLINT_BENCH_PROFILE']);
  const seed = seedFrom(str('seed') ?? process.env['MESHLINT_BENCH_SEED'] ?? 1);
  let out = str('out');
  if (out === undefined) out = mkdtempSync(join(tmpdir(), 'meshlint-repo-'));
  else if (existsSync(out) && readdirSync(out).length > 0) {
    if (!args.has('force')) throw new Error(`${out} is not empty; pass --force to replace it`);
    rmSync(out, { recursive: true, force: true });
  }
  const stats = await generateRepo({ out, objects, profile, seed, check: args.has('check') });
  if (args.has('json')) console.log(JSON.stringify(stats, null, 2));
  else {
    console.log(describeRepo(stats));
    if (args.has('check')) console.log('check           every file re-parsed and equal to what was meant');
    if (args.has('defects')) for (const d of stats.defects) console.log(`  ${d.kind.padEnd(28)} ${d.object}  ${d.file}  (${d.detail})`);
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
