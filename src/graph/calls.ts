/**
 * Call edges: which workload calls which Service (and port), inferred from what the manifests say the workload
 * connects to, each with the evidence that shows it (object, path, text):
 *
 * - container `env` values, `args` and `command`;
 * - ConfigMap and Secret data the workload pulls in (`envFrom`, `valueFrom`, mounted volumes, projected volumes),
 *   read as environment variables, or as files (JSON, YAML, properties, free text);
 * - Consul upstream annotations (`consul.hashicorp.com/connect-service-upstreams`);
 * - the explicit annotation `meshlint.io/calls: "<svc>[.<ns>][:<port>], ..."` for what cannot be inferred.
 *
 * Precision matters more than recall: a value counts only when it names a Service in a host position, that is a
 * URL authority (`http://cart:8080/x`, `dns:///cart.shop:7070`), `host:port`, a DNS name with a namespace
 * (`cart.shop`, `cart.shop.svc.cluster.local`), a `host=` pair, or a bare name under a key that says it is an
 * address (`CART_HOST`, `redis.host`, `--upstream`). A value that merely equals a Service name
 * (`OTEL_SERVICE_NAME=billing`, `POSTGRES_USER=postgres`) is not a call. Names resolve the way the pod's DNS
 * search path resolves them (`<ns>.svc.<domain>`, `svc.<domain>`, `<domain>`): a short name in the caller's
 * namespace, `name.ns` and longer forms literally [K-DOC-DNS: kubernetes.io/docs/concepts/services-networking/
 * dns-pod-service]. Every lookup is a map probe (graph identity index), never a scan of the Services.
 *
 * Secrets are read to find addresses but their values never appear in evidence text; URL credentials are masked.
 */
import { getIn, isObject, str, type JsonObject, type JsonValue, type Path, type Resource } from '../load/types.js';
import type { Graph, PodTemplate } from './graph.js';
import { CALLS_ANNOTATION } from './mesh/markers.js';
import { clusterDomainOf } from './mesh/hosts.js';
import { consulServices } from './mesh/targets.js';
import { serviceView, type ServicePortView } from './services.js';
import { namespaceOf as nsOf } from './graph.js';
import { pushTo as push } from '../load/types.js';
export { qualifiedName as objectName } from './graph.js';

export const CONSUL_UPSTREAMS = 'consul.hashicorp.com/connect-service-upstreams';

/** Group-kind keys `callGraph` reads. */
export const CALL_READS = ['workloads', 'Service', 'ConfigMap', 'Secret', 'TerminatingGateway.consul.hashicorp.com'] as const;

export type EvidenceSource = 'env' | 'args' | 'command' | 'configmap' | 'secret' | 'consul-upstream' | 'annotation';

export interface Evidence {
  /** The object holding the text: the workload, or the ConfigMap / Secret it reads. */
  readonly resource: Resource;
  readonly path: Path;
  /** What was read, e.g. `PRODUCT_CATALOG_SERVICE_ADDR=productcatalogservice:3550` (secrets masked). */
  readonly text: string;
  readonly source: EvidenceSource;
  /** For ConfigMap / Secret evidence: where the workload pulls the data in. */
  readonly via?: { readonly resource: Resource; readonly path: Path };
}

export interface CallEdge {
  /** Dense index in `callGraph(graph).edges`. */
  readonly id: number;
  readonly kind: 'call';
  readonly from: PodTemplate;
  readonly to: Resource;
  /** The Service port called; undefined when the evidence does not say and the Service has several ports. */
  readonly port: ServicePortView | undefined;
  /** A port that was written but that the Service does not expose (the edge is kept: the call is real, the port wrong). */
  readonly portWritten?: number | string;
  /** How the port was chosen when the evidence did not name it ("the Service's only port", "http:// default 80"). */
  readonly portAssumed?: string;
  readonly evidence: readonly Evidence[];
  /** The destination Service selects the caller's own pods (peer discovery, not a dependency). */
  readonly self: boolean;
}

/** A declared call that names nothing in the input (an explicit annotation or a Consul upstream). */
export interface UnresolvedCall {
  readonly from: PodTemplate;
  readonly evidence: Evidence;
  readonly reason: string;
}

export interface CallGraph {
  readonly edges: readonly CallEdge[];
  /** Pod template owner id → edges from it. */
  readonly byCaller: ReadonlyMap<number, readonly CallEdge[]>;
  /** Service id → edges to it. */
  readonly byService: ReadonlyMap<number, readonly CallEdge[]>;
  readonly unresolved: readonly UnresolvedCall[];
}

const NONE: readonly CallEdge[] = Object.freeze([]);

/** The call graph of the input, computed once per graph. */
export function callGraph(graph: Graph): CallGraph {
  return graph.memo('calls:graph', () => buildCallGraph(graph));
}

export function callEdges(graph: Graph): readonly CallEdge[] {
  return callGraph(graph).edges;
}

export function callsFrom(graph: Graph, t: PodTemplate): readonly CallEdge[] {
  return callGraph(graph).byCaller.get(t.owner.id) ?? NONE;
}

export function callsTo(graph: Graph, svc: Resource): readonly CallEdge[] {
  return callGraph(graph).byService.get(svc.id) ?? NONE;
}


// ---------------------------------------------------------------------------------------------------------
// Building

/** A Service (and port) that a template names. */
interface Target {
  readonly service: Resource;
  readonly port: ServicePortView | undefined;
  readonly portWritten?: number | string;
  readonly portAssumed?: string;
}

function buildCallGraph(graph: Graph): CallGraph {
  const scan = newScanner(graph);
  const unresolved: UnresolvedCall[] = [];
  const edges: CallEdge[] = [];
  const byCaller = new Map<number, CallEdge[]>();
  const byService = new Map<number, CallEdge[]>();
  // Reused for every template, the first `ctx.found` of each: what it names and the evidence of each, side by side
  // (a value's matches are shared by every template writing it, so nothing is made per mention but its evidence).
  const targets: Target[] = [];
  const evidence: Evidence[] = [];
  // To group them by Service in order of first mention, also reused: the first mention of each Service (the first
  // `nFirsts`), and a chain from each mention to the next of the same Service.
  const firsts: number[] = [];
  const next: number[] = [];
  // Service id → its latest mention in the current template, -1 for none: resource ids are dense, so a typed array
  // (reset entry by entry after each template) rather than a Map cleared and probed per mention.
  let maxId = -1;
  for (let i = 0; i < graph.resources.length; i++) maxId = Math.max(maxId, graph.resources[i]!.id);
  const lastOf = new Int32Array(maxId + 1).fill(-1);
  // Indexed loops here and below: the build runs once per graph, partly in code not yet optimised, where `for...of`
  // makes an iterator result per step (they show in allocation profiles).
  const templates = graph.templates();
  for (let ti = 0; ti < templates.length; ti++) {
    const t = templates[ti]!;
    const ctx: ScanContext = { scan, graph, t, targets, evidence, found: 0 };
    collectTemplate(ctx, unresolved);
    const n = ctx.found;
    if (!n) continue;
    const start = edges.length;
    let nFirsts = 0;
    for (let i = 0; i < n; i++) {
      const id = targets[i]!.service.id;
      const last = lastOf[id]!;
      if (last === -1) firsts[nFirsts++] = i;
      else next[last] = i;
      next[i] = -1;
      lastOf[id] = i;
    }
    for (let fi = 0; fi < nFirsts; fi++) lastOf[targets[firsts[fi]!]!.service.id] = -1;
    for (let fi = 0; fi < nFirsts; fi++) {
      const first = firsts[fi]!;
      const svc = targets[first]!.service;
      const self = serviceView(graph, svc).pods.includes(t);
      if (next[first] === -1) {
        // the usual case: one mention, one edge
        const f = targets[first]!;
        addEdge({ id: edges.length, kind: 'call', from: t, to: svc, port: f.port, portWritten: f.port ? undefined : f.portWritten, portAssumed: f.portAssumed ? f.portAssumed : undefined, evidence: [evidence[first]!], self });
        continue;
      }
      // One edge per (caller, Service, port); evidence that names no port joins the first edge with a port.
      const byPort = new Map<string, number[]>();
      for (let i = first; i !== -1; i = next[i]!) {
        const f = targets[i]!;
        push(byPort, f.port ? `p${f.port.index}` : f.portWritten !== undefined ? `w${f.portWritten}` : '-', i);
      }
      const portless = byPort.get('-');
      if (portless && byPort.size > 1) {
        byPort.delete('-');
        byPort.values().next().value!.push(...portless);
      }
      for (const same of byPort.values()) {
        const f = targets[same.find((i) => targets[i]!.port) ?? same[0]!]!;
        addEdge({
          id: edges.length,
          kind: 'call',
          from: t,
          to: svc,
          port: f.port,
          portWritten: f.port ? undefined : f.portWritten,
          portAssumed: same.every((i) => targets[i]!.portAssumed) ? f.portAssumed : undefined,
          evidence: dedupeEvidence(same.map((i) => evidence[i]!)),
          self,
        });
      }
    }
    // A template's edges are made together, so its list is cut to size at once; a list grown by `push` keeps
    // room for 16 more, which the graph would hold for as long as it lives.
    const own = edges.slice(start);
    const before = byCaller.get(t.owner.id);
    byCaller.set(t.owner.id, before ? before.concat(own) : own);
  }
  // lists of one were made to size; longer ones grew by `push`
  byService.forEach((list, id) => {
    if (list.length > 1) byService.set(id, list.slice());
  });
  return { edges, byCaller, byService, unresolved };

  function addEdge(edge: CallEdge): void {
    edges.push(edge);
    push(byService, edge.to.id, edge);
  }
}

function dedupeEvidence(list: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const e of list) {
    const k = `${e.resource.id}|${JSON.stringify(e.path)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

/** What resolving names needs, once per graph: the Service names. */
interface Names {
  readonly graph: Graph;
  /** Service name (lower case) → namespace → Service (the first, when the input declares one twice). */
  readonly services: NameTable;
  /** Hashes of the Service names (`hashOf`), so that scanning a value need not cut out every word. */
  readonly nameHashes: ReadonlySet<number>;
  /** `.svc.<cluster domain>` in lower case, once a name needs it. */
  svcSuffix: string | undefined;
}

/**
 * What one build of the call graph reads with: the Service names, and what it has read of ConfigMaps and Secrets
 * (every workload that pulls one in sees the same text in the same namespace, so it is read once) and of values.
 * Only the build uses these, so they live as long as it does rather than as long as the graph: the edges keep
 * what they need.
 */
interface Scanner {
  readonly graph: Graph;
  readonly names: Names;
  /** ConfigMap / Secret id → what can be read in it; null when nothing can name a Service. */
  readonly data: Map<number, DataObject | null>;
  /** ConfigMap / Secret id → matches in its entries read as environment variables, and as mounted files. */
  readonly envMatches: Map<number, readonly DataMatch[]>;
  readonly fileMatches: Map<number, readonly DataMatch[]>;
  /** Values by text, read once since many workloads write the same address (`NAMES_NOTHING` for most others). */
  readonly values: Map<string, ValueReadings>;
}

/**
 * A value read in the ways it can be read: as free text, under a key, under an address key (nothing else of the
 * key counts). Whether the key is an address key only matters when the value has a part that could be a bare name,
 * or neither ':' nor '.' (`hostRefsByPattern`); otherwise the value reads the same under any key, and the key's
 * name is not even looked at.
 */
interface ValueReadings {
  readonly keyOnlyMatters: boolean;
  free?: Reading;
  keyed?: Reading;
  bare?: Reading;
}

/** A value's host references, and the Services they name. */
interface Reading {
  readonly refs: readonly HostRef[];
  /** The matches, when no reference depends on the reader's namespace (every name says its namespace). */
  readonly matches: readonly Match[] | undefined;
  /** Otherwise, the matches by the reader's namespace. */
  readonly byNs: Map<string, readonly Match[]> | undefined;
}

/** The names for lookups outside a build (`resolveDnsName`); a build makes its own and lets them go with it. */
function namesOf(graph: Graph): Names {
  return graph.memo('calls:names', () => newNames(graph));
}

function newScanner(graph: Graph): Scanner {
  return { graph, names: newNames(graph), data: new Map(), envMatches: new Map(), fileMatches: new Map(), values: new Map() };
}

function newNames(graph: Graph): Names {
  const services = new Map<string, Map<string, Resource>>();
  const nameHashes = new Set<number>();
  for (const svc of graph.ofKind('', 'Service')) {
    const name = svc.name.toLowerCase();
    let byNs = services.get(name);
    if (!byNs) {
      services.set(name, (byNs = new Map()));
      nameHashes.add(hashOf(name));
    }
    const ns = nsOf(graph, svc);
    if (!byNs.has(ns)) byNs.set(ns, svc);
  }
  return { graph, services: new NameTable(services), nameHashes, svcSuffix: undefined };
}

/** Reading one template: the build's scanner, the template, and where what it names goes (`found`). */
interface ScanContext {
  readonly scan: Scanner;
  readonly graph: Graph;
  readonly t: PodTemplate;
  /** Shared by every template: only the first `found` entries are this template's. */
  readonly targets: Target[];
  readonly evidence: Evidence[];
  found: number;
}

const CONTAINER_FIELDS = ['containers', 'initContainers'] as const;
type ContainerField = (typeof CONTAINER_FIELDS)[number];
const VALUE_FROM_REFS = [['configMapKeyRef', 'ConfigMap'], ['secretKeyRef', 'Secret']] as const;
const ENV_FROM_REFS = [['configMapRef', 'ConfigMap'], ['secretRef', 'Secret']] as const;

function collectTemplate(ctx: ScanContext, unresolved: UnresolvedCall[]): void {
  for (let fi = 0; fi < CONTAINER_FIELDS.length; fi++) {
    const field = CONTAINER_FIELDS[fi]!;
    const list = ctx.t.spec[field];
    if (!Array.isArray(list)) continue;
    for (let ci = 0; ci < list.length; ci++) {
      const c = list[ci];
      if (!isObject(c)) continue;
      containerEnv(ctx, c, field, ci);
      containerArgs(ctx, c, field, ci, 'command');
      containerArgs(ctx, c, field, ci, 'args');
      containerEnvFrom(ctx, c, field, ci);
    }
  }
  volumes(ctx);
  consulUpstreams(ctx, unresolved);
  declaredCalls(ctx, unresolved);
}

/** Path of a container inside the template's owner; built only for evidence, since most values name nothing. */
function containerPath(ctx: ScanContext, field: ContainerField, ci: number): Path {
  return [...ctx.t.path, 'spec', field, ci];
}

function containerEnv(ctx: ScanContext, c: JsonObject, field: ContainerField, ci: number): void {
  const env = c.env;
  if (!Array.isArray(env)) return;
  for (let i = 0; i < env.length; i++) {
    const e = env[i];
    if (!isObject(e)) continue;
    const name = str(e.name) ?? '';
    const value = e.value;
    if (typeof value === 'string') {
      // indexed loops: this runs for every env var of every template, and iterators cost an object per step
      const matches = matchValue(ctx.scan, ctx.t.namespace, value, name, 'keyed');
      for (let k = 0; k < matches.length; k++) found(ctx, matches[k]!, new EnvValueEvidence(ctx.t, field, ci, i, name, value));
      continue;
    }
    const vf = isObject(e.valueFrom) ? e.valueFrom : undefined;
    if (!vf) continue;
    for (let k = 0; k < VALUE_FROM_REFS.length; k++) {
      const refField = VALUE_FROM_REFS[k]![0];
      const kind = VALUE_FROM_REFS[k]![1];
      const ref = isObject(vf[refField]) ? (vf[refField] as JsonObject) : undefined;
      const objName = ref ? str(ref.name) : undefined;
      const key = ref ? str(ref.key) : undefined;
      if (!objName || !key) continue;
      const data = dataOf(ctx.scan, kind, ctx.t.namespace, objName);
      if (!data) continue;
      const entry = data.entries.get(key);
      if (entry === undefined || !data.naming.has(key)) continue;
      const matches = matchValue(ctx.scan, ctx.t.namespace, entry, name, 'keyed');
      if (!matches.length) continue;
      const via = { resource: ctx.t.owner, path: [...containerPath(ctx, field, ci), 'env', i, 'valueFrom', refField] };
      for (const m of matches) found(ctx, m, dataEvidence(data, key, name, via));
    }
  }
}

/**
 * The evidence of an env `value`. Most edges never show theirs (rules report a few of them), so its path and text
 * are made when first read rather than for every value that names a Service, and it holds what they are made of,
 * which the template holds anyway.
 */
class EnvValueEvidence implements Evidence {
  // Fields are declared and set in the constructor: class fields (and parameter properties, which compile to them)
  // cost a call to an initialiser per instance, and there is one instance per call found.
  private declare readonly t: PodTemplate;
  private declare readonly field: ContainerField;
  private declare readonly ci: number;
  private declare readonly i: number;
  private declare readonly name: string;
  private declare readonly value: string;
  private declare cachedPath: Path | undefined;

  constructor(t: PodTemplate, field: ContainerField, ci: number, i: number, name: string, value: string) {
    this.t = t;
    this.field = field;
    this.ci = ci;
    this.i = i;
    this.name = name;
    this.value = value;
    this.cachedPath = undefined;
  }

  get resource(): Resource {
    return this.t.owner;
  }

  get source(): 'env' {
    return 'env';
  }

  /** The same array on every read, as for evidence made at once. */
  get path(): Path {
    return (this.cachedPath ??= [...this.t.path, 'spec', this.field, this.ci, 'env', this.i, 'value']);
  }

  get text(): string {
    return `${this.name}=${mask(this.value)}`;
  }
}

function containerEnvFrom(ctx: ScanContext, c: JsonObject, field: ContainerField, ci: number): void {
  const list = c.envFrom;
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (!isObject(e)) continue;
    for (const [refField, kind] of ENV_FROM_REFS) {
      const ref = isObject(e[refField]) ? (e[refField] as JsonObject) : undefined;
      const objName = ref ? str(ref.name) : undefined;
      if (!objName) continue;
      const data = dataOf(ctx.scan, kind, ctx.t.namespace, objName);
      if (!data) continue;
      const matches = dataMatches(ctx.scan, data, 'env');
      if (!matches.length) continue;
      const prefix = str(e.prefix) ?? '';
      const via = { resource: ctx.t.owner, path: [...containerPath(ctx, field, ci), 'envFrom', i, refField] };
      // the prefix only adds to the front of a key, so it never changes whether the key names an address
      for (const dm of matches) found(ctx, dm.match, dataEvidence(data, dm.key, prefix + dm.key, via));
    }
  }
}

function containerArgs(ctx: ScanContext, c: JsonObject, cField: ContainerField, ci: number, field: 'args' | 'command'): void {
  const list = c[field];
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (typeof a !== 'string') continue;
    // `--flag=value` and `--flag value`: the flag name says whether a bare name is an address.
    let value = a;
    let key: string | undefined;
    let mode: 'keyed' | 'free' = 'free';
    const eq = /^--?([A-Za-z0-9][\w.\-]*)=(.*)$/s.exec(a);
    if (eq) {
      value = eq[2]!;
      key = eq[1]!;
      mode = 'keyed';
    } else {
      const prev = i > 0 ? list[i - 1] : undefined;
      if (typeof prev === 'string' && /^--?[A-Za-z][\w.\-]*$/.test(prev) && !a.startsWith('-')) {
        key = prev.replace(/^-+/, '');
        mode = 'keyed';
      }
    }
    for (const m of matchValue(ctx.scan, ctx.t.namespace, value, key, mode)) {
      const text = m.snippet !== undefined ? `…${m.snippet}…` : clip(mask(a));
      found(ctx, m, { resource: ctx.t.owner, path: [...containerPath(ctx, cField, ci), field, i], text, source: field });
    }
  }
}

function volumes(ctx: ScanContext): void {
  const vols = ctx.t.spec.volumes;
  if (!Array.isArray(vols)) return;
  for (let i = 0; i < vols.length; i++) {
    const v = vols[i];
    if (!isObject(v)) continue;
    if (isObject(v.configMap)) mounted(ctx, 'ConfigMap', str(v.configMap.name), v.configMap.items, i, -1);
    if (isObject(v.secret)) mounted(ctx, 'Secret', str(v.secret.secretName), v.secret.items, i, -1);
    const projected = isObject(v.projected) && Array.isArray(v.projected.sources) ? v.projected.sources : undefined;
    if (!projected) continue;
    for (let j = 0; j < projected.length; j++) {
      const s = projected[j];
      if (!isObject(s)) continue;
      if (isObject(s.configMap)) mounted(ctx, 'ConfigMap', str(s.configMap.name), s.configMap.items, i, j);
      if (isObject(s.secret)) mounted(ctx, 'Secret', str(s.secret.name), s.secret.items, i, j);
    }
  }
}

/** A ConfigMap or Secret mounted by volume `vi` (projected source `pj`, or -1), read as files. */
function mounted(ctx: ScanContext, kind: 'ConfigMap' | 'Secret', name: string | undefined, items: JsonValue | undefined, vi: number, pj: number): void {
  if (!name) return;
  const data = dataOf(ctx.scan, kind, ctx.t.namespace, name);
  if (!data) return;
  const matches = dataMatches(ctx.scan, data, 'file');
  if (!matches.length) return;
  const only = Array.isArray(items) ? new Map(items.flatMap((it) => (isObject(it) && typeof it.key === 'string' ? [[it.key, str(it.path) ?? it.key] as const] : []))) : undefined;
  const field = kind === 'ConfigMap' ? 'configMap' : 'secret';
  const base: Path = [...ctx.t.path, 'spec', 'volumes', vi];
  const via = { resource: ctx.t.owner, path: pj < 0 ? [...base, field] : [...base, 'projected', 'sources', pj, field] };
  for (const dm of matches) {
    if (only && !only.has(dm.key)) continue;
    found(ctx, dm.match, dataEvidence(data, dm.key, dm.label, via, dm.match.snippet !== undefined ? `…${dm.match.snippet}…` : dm.value));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Consul upstreams and the explicit annotation

function consulUpstreams(ctx: ScanContext, unresolved: UnresolvedCall[]): void {
  const value = ctx.t.annotations[CONSUL_UPSTREAMS];
  if (!value) return;
  const path: Path = [...ctx.t.path, 'metadata', 'annotations', CONSUL_UPSTREAMS];
  for (const entry of value.split(',').map((x) => x.trim()).filter(Boolean)) {
    const evidence: Evidence = { resource: ctx.t.owner, path, text: `${CONSUL_UPSTREAMS}: ${entry}`, source: 'consul-upstream' };
    const parsed = parseConsulUpstream(entry);
    if ('reason' in parsed) {
      unresolved.push({ from: ctx.t, evidence, reason: parsed.reason });
      continue;
    }
    const registered = consulServices(ctx.graph).get(parsed.name);
    const candidates = registered?.services ?? [];
    const nsWanted = parsed.namespace ?? ctx.t.namespace;
    const service = candidates.find((s) => nsOf(ctx.graph, s) === nsWanted) ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (!service) {
      unresolved.push({
        from: ctx.t,
        evidence,
        reason: candidates.length
          ? `Consul service ${parsed.name} is registered by Services in ${candidates.map((s) => nsOf(ctx.graph, s)).join(', ')}, none in ${nsWanted}`
          : registered?.external
            ? `${parsed.name} is an external service behind a TerminatingGateway`
            : `no Kubernetes Service registers the Consul service ${parsed.name}`,
      });
      continue;
    }
    // The number after the name is the local bind port on localhost, not the Service port.
    const ports = serviceView(ctx.graph, service).ports;
    const port = ports.length === 1 ? ports[0] : ports.find((p) => p.port === parsed.localPort);
    const portAssumed = port ? (ports.length === 1 ? `the Service's only port (${parsed.localPort} is the local bind port)` : `the Service port equal to the local bind port ${parsed.localPort}`) : undefined;
    found(ctx, { service, port, portAssumed }, evidence);
  }
}

/** `name[.ns[.partition]]:port[:dc]` or the labelled `name.svc[.ns.ns][.peer.peer|.ap.ap|.dc.dc]:port` [C-DOC-UPSTREAMS]. */
export function parseConsulUpstream(entry: string): { name: string; namespace?: string; localPort?: number } | { reason: string } {
  if (entry.startsWith('prepared_query')) return { reason: 'a prepared query is resolved by Consul at run time' };
  const parts = entry.split(':');
  const target = parts[0]!.trim();
  const localPort = parts[1] !== undefined && /^\d+$/.test(parts[1].trim()) ? Number(parts[1].trim()) : undefined;
  if (parts[2]?.trim()) return { reason: `the upstream is in datacenter ${parts[2].trim()}` };
  const labels = target.split('.');
  const name = labels[0]!;
  if (!name) return { reason: 'empty upstream name' };
  const svcAt = labels.indexOf('svc');
  if (svcAt > 0) {
    let namespace: string | undefined;
    for (let i = svcAt + 1; i + 1 < labels.length; i += 2) {
      const v = labels[i]!;
      const k = labels[i + 1]!;
      if (k === 'peer' || k === 'dc') return { reason: `the upstream is in ${k === 'peer' ? 'cluster peer' : 'datacenter'} ${v}` };
      if (k === 'ns') namespace = v;
    }
    return { name, namespace, localPort };
  }
  return { name, namespace: labels[1], localPort };
}

const OWNER_CALLS_PATH: Path = ['metadata', 'annotations', CALLS_ANNOTATION];

function declaredCalls(ctx: ScanContext, unresolved: UnresolvedCall[]): void {
  const own = ctx.t.annotations[CALLS_ANNOTATION];
  const ownerAnn = ctx.t.path.length ? getIn(ctx.t.owner.obj, OWNER_CALLS_PATH) : undefined;
  if (!own && typeof ownerAnn !== 'string') return;
  const places: { value: string; path: Path }[] = [];
  if (own) places.push({ value: own, path: [...ctx.t.path, 'metadata', 'annotations', CALLS_ANNOTATION] });
  if (typeof ownerAnn === 'string') places.push({ value: ownerAnn, path: ['metadata', 'annotations', CALLS_ANNOTATION] });
  for (const { value, path } of places) {
    for (const entry of value.split(/[,\s]+/).map((x) => x.trim()).filter(Boolean)) {
      const evidence: Evidence = { resource: ctx.t.owner, path, text: `${CALLS_ANNOTATION}: ${entry}`, source: 'annotation' };
      const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?:\.([a-z0-9]([-a-z0-9]*[a-z0-9])?))?(?:\.svc(?:\.[a-z0-9.\-]+)?)?(?::([A-Za-z0-9-]+))?$/.exec(entry);
      if (!m) {
        unresolved.push({ from: ctx.t, evidence, reason: `"${entry}" is not <service>[.<namespace>][:<port>]` });
        continue;
      }
      const name = m[1]!;
      const ns = m[3] ?? ctx.t.namespace;
      const service = ctx.graph.find('', 'Service', ns, name);
      if (!service) {
        unresolved.push({ from: ctx.t, evidence, reason: `no Service ${name} in namespace ${ns}` });
        continue;
      }
      const portRef = m[5];
      const ports = serviceView(ctx.graph, service).ports;
      if (portRef === undefined) {
        found(ctx, { service, port: ports.length === 1 ? ports[0] : undefined, portAssumed: ports.length === 1 ? "the Service's only port" : undefined }, evidence);
        continue;
      }
      const port = /^\d+$/.test(portRef) ? ports.find((p) => p.port === Number(portRef)) : ports.find((p) => p.name === portRef);
      found(ctx, { service, port, portWritten: port ? undefined : /^\d+$/.test(portRef) ? Number(portRef) : portRef }, evidence);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// ConfigMap / Secret data

interface DataObject {
  readonly resource: Resource;
  readonly kind: 'ConfigMap' | 'Secret';
  /**
   * key → decoded text (Secrets: base64 `data` decoded, `stringData` as is), of the entries that can hold a call:
   * those in `naming`, and those with escapes, whose decoded JSON strings may name a Service that the raw text does not.
   */
  readonly entries: ReadonlyMap<string, string>;
  /** Keys whose text has a word that names a Service (`mentionsService`); only those can hold a call read as env. */
  readonly naming: ReadonlySet<string>;
  /** Keys whose text comes from a Secret's `stringData` (the rest come from `data`), for evidence paths. */
  readonly fromStringData: ReadonlySet<string> | undefined;
}

/** The ConfigMap / Secret `namespace/name` as far as a call can be read in it; undefined when absent or unable to. */
function dataOf(scan: Scanner, kind: 'ConfigMap' | 'Secret', namespace: string, name: string): DataObject | undefined {
  const r = scan.graph.find('', kind, namespace, name);
  if (!r) return undefined;
  let d = scan.data.get(r.id);
  if (d === undefined) scan.data.set(r.id, (d = readData(scan.names, r, kind) ?? null));
  return d ?? undefined;
}

/**
 * Entries are decoded and looked at once per object, since every workload using it reads the same text; only those
 * that can hold a call are kept, in the order Kubernetes merges them (a `stringData` key replaces the `data` key in
 * place). Undefined when none can.
 */
function readData(names: Names, r: Resource, kind: 'ConfigMap' | 'Secret'): DataObject | undefined {
  const data = isObject(r.obj.data) ? r.obj.data : undefined;
  const stringData = kind === 'Secret' && isObject(r.obj.stringData) ? r.obj.stringData : undefined;
  let entries: Map<string, string> | undefined;
  let naming: Set<string> | undefined;
  let fromStringData: Set<string> | undefined;
  // stringData keys already read in the place of the data key they replace
  let replaced: Set<string> | undefined;
  const read = (k: string, text: string, fromString: boolean): void => {
    const named = text.length <= MAX_FILE_TEXT && mentionsService(names, text);
    if (!named && !(text.length <= MAX_FILE_TEXT && text.includes('\\'))) return;
    (entries ??= new Map()).set(k, text);
    if (named) (naming ??= new Set()).add(k);
    if (fromString) (fromStringData ??= new Set()).add(k);
  };
  if (data) {
    for (const k of Object.keys(data)) {
      const v = data[k];
      if (typeof v !== 'string') continue;
      const text = kind === 'Secret' ? decodeBase64(v) : v;
      if (text === undefined) continue;
      const over = stringData?.[k];
      if (typeof over === 'string') {
        (replaced ??= new Set()).add(k);
        read(k, over, true);
      } else read(k, text, false);
    }
  }
  if (stringData) {
    for (const k of Object.keys(stringData)) {
      const v = stringData[k];
      if (typeof v === 'string' && !replaced?.has(k)) read(k, v, true);
    }
  }
  return entries ? { resource: r, kind, entries, naming: naming ?? NO_KEYS, fromStringData } : undefined;
}

const NO_KEYS: ReadonlySet<string> = new Set();

function decodeBase64(v: string): string | undefined {
  if (!/^[A-Za-z0-9+/=\s]*$/.test(v)) return undefined;
  const text = Buffer.from(v, 'base64').toString('utf8');
  // binary content is not configuration text
  return /[\u0000-\u0008\u000e-\u001f]/.test(text) ? undefined : text;
}

function dataEvidence(data: DataObject, key: string, label: string, via: { resource: Resource; path: Path }, value?: string): Evidence {
  const text =
    data.kind === 'Secret'
      ? `${label} (value of Secret key ${key}, not shown)`
      : `${label}=${clip(mask(value ?? data.entries.get(key) ?? ''))}`;
  return { resource: data.resource, path: [data.fromStringData?.has(key) ? 'stringData' : 'data', key], text, source: data.kind === 'Secret' ? 'secret' : 'configmap', via };
}

interface DataMatch {
  readonly key: string;
  /** Label of the place inside the entry (`app.yaml: db.url`), for file reading. */
  readonly label: string;
  readonly value: string;
  readonly match: Match;
}

const NO_DATA_MATCHES: readonly DataMatch[] = Object.freeze([]);

/**
 * Matches in every entry of a ConfigMap / Secret, read as environment variables (`env`) or as mounted files
 * (`file`); computed once per object, since every workload reading it sees the same text in the same namespace.
 */
function dataMatches(scan: Scanner, data: DataObject, as: 'env' | 'file'): readonly DataMatch[] {
  const cache = as === 'env' ? scan.envMatches : scan.fileMatches;
  let out = cache.get(data.resource.id);
  if (out === undefined) cache.set(data.resource.id, (out = readDataMatches(scan, data, as)));
  return out;
}

function readDataMatches(scan: Scanner, data: DataObject, as: 'env' | 'file'): readonly DataMatch[] {
  const ns = nsOf(scan.graph, data.resource);
  let out: DataMatch[] | undefined;
  for (const [key, value] of data.entries) {
    const naming = data.naming.has(key);
    if (as === 'env') {
      if (!naming) continue;
      for (const match of matchValue(scan, ns, value, key, 'keyed')) (out ??= []).push({ key, label: key, value, match });
      continue;
    }
    // Every value read from a file is a piece of its text, so a text that names no Service is not parsed at all;
    // except JSON with escapes, whose decoded strings may hold words the raw text does not.
    if (value.length > MAX_FILE_TEXT || (!naming && !value.includes('\\'))) continue;
    for (const item of fileItems(key, value, key)) {
      for (const match of matchValue(scan, ns, item.value, item.key, item.key === undefined ? 'free' : 'keyed')) (out ??= []).push({ key, label: item.label, value: item.value, match });
    }
  }
  return out ?? NO_DATA_MATCHES;
}

interface FileItem {
  /** The key the value sits under (a JSON/YAML key path or a properties key); undefined for free text. */
  readonly key: string | undefined;
  readonly label: string;
  readonly value: string;
}

/** Longer mounted texts are not read. */
const MAX_FILE_TEXT = 256 * 1024;

/** A mounted data entry read as the file it becomes: JSON, YAML, properties or free text. */
function fileItems(key: string, text: string, file: string): readonly FileItem[] {
  if (text.length > MAX_FILE_TEXT) return [];
  const lower = file.toLowerCase();
  const trimmed = text.trimStart();
  if (lower.endsWith('.json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const out: FileItem[] = [];
      walkJson(key, JSON.parse(text), [], out);
      return out;
    } catch {
      // not JSON after all; fall through
    }
  }
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return yamlItems(key, text);
  const lines = text.split(/\r?\n/);
  const meaningful = lines.filter((l) => l.trim() && !/^\s*[#!;]/.test(l));
  if (meaningful.length && (lower.endsWith('.properties') || lower.endsWith('.env') || meaningful.every((l) => /^\s*(?:export\s+)?[\w.\-]+\s*[=:]/.test(l)))) {
    return meaningful.map((l) => {
      const m = /^\s*(?:export\s+)?([\w.\-]+)\s*[=:]\s*(.*)$/.exec(l)!;
      const value = m[2]!.replace(/^["']|["']$/g, '');
      return { key: m[1]!, label: `${key}: ${m[1]!}`, value };
    });
  }
  return [{ key: undefined, label: key, value: text }];
}

/** Strings of a parsed JSON document with the key path they sit under. */
function walkJson(file: string, v: unknown, at: string[], out: FileItem[]): void {
  if (typeof v === 'string') {
    out.push({ key: at.length ? at[at.length - 1]! : undefined, label: `${file}: ${at.join('.') || '(value)'}`, value: v });
  } else if (Array.isArray(v)) {
    // list items keep their parent key (`brokers: [a:9092, b:9092]`)
    for (const x of v) walkJson(file, x, at, out);
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) walkJson(file, x, [...at, k], out);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reading one value

/** Keys whose value is an address, after camelCase is split (`baseURL` → `base_url`). */
const ADDRESS_KEY = /(?:^|[_.\-])(?:host|hostname|hosts|addr|address|addresses|url|urls|uri|uris|endpoint|endpoints|server|servers|target|upstream|upstreams|broker|brokers|backend|backends|dsn|authority|peer|peers|seed|seeds)$/;

const addressKeyCache = new Map<string, boolean>();

function isAddressKey(key: string | undefined): boolean {
  if (!key) return false;
  let v = addressKeyCache.get(key);
  if (v === undefined) {
    v = ADDRESS_KEY.test(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
    if (addressKeyCache.size < 10_000) addressKeyCache.set(key, v);
  }
  return v;
}

/**
 * Whether a word of `text` names a Service in some namespace; a word is a run of letters, digits, `-` and `_`, or a
 * `_`-free part of one, compared in lower case. The DNS labels of every host that `hostRefsIn` reads are whole
 * words of the text (its patterns start and end hosts and labels at other characters, or at a `_` for `host=`),
 * and a host resolves only when its first or second label is a Service name, so a value without such a word names
 * no Service. Most values (log levels, paths, numbers, most configuration text) stop here, before any regex runs.
 *
 * Words are hashed while they are scanned and compared by hash only, so the scan allocates nothing: a word that
 * merely shares a Service name's hash (one in 2^30) costs a full read of the value, which then finds nothing.
 */
function mentionsService(names: Names, text: string): boolean {
  const hashes = names.nameHashes;
  const n = text.length;
  let start = -1; // start of the current word, -1 between words
  let partStart = 0; // start of the current `_`-free part of it
  let word = 0;
  let part = 0;
  let underscore = false;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 0;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || (c >= 65 && c <= 90) || c === 95) {
      if (start < 0) {
        start = partStart = i;
        word = part = HASH_SEED;
        underscore = false;
      }
      const lower = c >= 65 && c <= 90 ? c + 32 : c;
      word = hashStep(word, lower);
      if (c === 95) {
        if (i > partStart && hashes.has(part)) return true;
        underscore = true;
        partStart = i + 1;
        part = HASH_SEED;
      } else part = hashStep(part, lower);
      continue;
    }
    if (start < 0) continue;
    if (hashes.has(word)) return true;
    if (underscore && i > partStart && hashes.has(part)) return true;
    start = -1;
  }
  return false;
}

const HASH_SEED = 0x811c9dc5 & 0x3fffffff;

/** FNV-1a style, kept to 30 bits so that hashes stay small integers. */
function hashStep(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193) & 0x3fffffff;
}

function hashOf(s: string): number {
  let h = HASH_SEED;
  for (let i = 0; i < s.length; i++) h = hashStep(h, s.charCodeAt(i));
  return h;
}

interface HostRef {
  readonly host: string;
  readonly port?: number;
  readonly scheme?: string;
  readonly form: 'url' | 'hostport' | 'dotted' | 'bare' | 'pair';
  /** Where the reference starts in the text, and its length (for evidence snippets). */
  readonly at?: number;
  readonly length?: number;
}

const URL_RE = /([A-Za-z][A-Za-z0-9+.\-]*):\/\/(\/)?(?:[^\s/@?#"'`<>]*@)?([^\s/?#"'`<>()[\]{};]+)/g;
const HOSTPORT_RE = /(?<![\w.\-/@:$])([a-z][a-z0-9\-]*(?:\.[a-z0-9\-]+)*):(\d{1,5})(?![\w.])/g;
const DOTTED_RE = /(?<![\w.\-/@:$])([a-z][a-z0-9\-]*(?:\.[a-z0-9\-]+){1,6})(?![\w.\-:/])/g;
const PAIR_RE = /(?<![\w.\-])(?:host|hostname|server|addr|address)\s*=\s*([a-z][a-z0-9\-.]*)/gi;
const PAIR_PORT_RE = /(?<![\w.\-])port\s*=\s*(\d{1,5})/i;

/** Default ports of URL schemes, used only when a URL names no port. */
const SCHEME_PORTS: Readonly<Record<string, number>> = {
  http: 80, https: 443, ws: 80, wss: 443, grpc: 80, h2c: 80,
  redis: 6379, rediss: 6379, postgres: 5432, postgresql: 5432, mysql: 3306, mongodb: 27017, amqp: 5672, amqps: 5671, nats: 4222,
  memcached: 11211, kafka: 9092, ldap: 389, ftp: 21,
};

/** Host references in `text`, in the positions listed in the module comment. */
export function hostRefsIn(text: string, key: string | undefined, mode: 'keyed' | 'free'): HostRef[] {
  return hostRefs(text, mode === 'keyed' && isAddressKey(key));
}

/** `hostRefsIn`, where `bare` says whether a bare name counts (keyed, under an address key). */
function hostRefs(text: string, bare: boolean): HostRef[] {
  if (text.length > MAX_VALUE_TEXT) return [];
  return simpleHostRef(text) ?? hostRefsByPattern(text, bare);
}

/** `host:port`, nothing else. */
const SIMPLE_HOSTPORT = /^([a-z][a-z0-9\-]*(?:\.[a-z0-9\-]+)*):(\d{1,5})$/;
/** `scheme://host[:port][/path]` with a plain lower-case host and a path of letters, digits and `._/-` only. */
const SIMPLE_URL = /^([a-z][a-z0-9+.\-]*):\/\/(\/)?([a-z0-9.\-]+)(?::(\d{1,5}))?(?:\/[A-Za-z0-9._\/\-]*)?$/;

/**
 * The reference of a value that is a single `host:port` or a single plain URL: the most common values, read
 * without `hostRefsByPattern`'s passes. It finds exactly what those passes find (test/graph/calls.test.ts checks it):
 * the one `host:port` or URL match; the URL leaves no `:` behind, and in a path of `[A-Za-z0-9._/-]` every letter
 * follows a character that a dotted name may not follow; neither shape has a `=`, a space or a comma (no `host=`
 * pair, no bare name). Undefined for anything else.
 */
export function simpleHostRef(text: string): HostRef[] | undefined {
  const c = text.charCodeAt(0);
  if (c < 97 || c > 122) return undefined;
  const hp = SIMPLE_HOSTPORT.exec(text);
  if (hp) return [{ host: hp[1]!, port: Number(hp[2]), form: 'hostport', at: 0, length: text.length }];
  const u = SIMPLE_URL.exec(text);
  if (!u) return undefined;
  const scheme = u[1]!;
  // file:/// and unix:/// name no host; dns:/// and xds:/// name it after the third slash
  if (u[2] && scheme !== 'dns' && scheme !== 'xds') return [];
  const length = scheme.length + 3 + (u[2] ? 1 : 0) + u[3]!.length + (u[4] !== undefined ? u[4].length + 1 : 0);
  return [{ host: u[3]!, port: u[4] !== undefined ? Number(u[4]) : undefined, scheme, form: 'url', at: 0, length }];
}

/** `hostRefsIn` by its patterns: URLs, `host:port`, `host=` pairs, dotted names, and bare names when `bare`. */
export function hostRefsByPattern(text: string, bare: boolean): HostRef[] {
  if (text.length > MAX_VALUE_TEXT || !/[a-z]/.test(text)) return [];
  // without ':' or '.' only a bare name under an address key can name a Service
  if (!bare && !text.includes(':') && !text.includes('.')) return [];
  const out: HostRef[] = [];
  let rest = text;
  if (text.includes('://')) {
    rest = text.replace(URL_RE, (m: string, scheme: string, extraSlash: string | undefined, authority: string, offset: number) => {
      const s = scheme.toLowerCase();
      // dns:///host:port (gRPC name syntax): the target follows the third slash; file:/// and unix:/// name no host
      if (extraSlash && s !== 'dns' && s !== 'xds') return ' '.repeat(m.length);
      for (const h of authority.split(',')) {
        const hp = /^\[?([A-Za-z0-9.\-_]+)\]?(?::(\d{1,5}))?$/.exec(h.trim());
        if (hp) out.push({ host: hp[1]!.toLowerCase(), port: hp[2] !== undefined ? Number(hp[2]) : undefined, scheme: s, form: 'url', at: offset, length: m.length });
      }
      return ' '.repeat(m.length);
    });
  }
  const colon = rest.includes(':');
  if (colon) for (const m of rest.matchAll(HOSTPORT_RE)) out.push({ host: m[1]!, port: Number(m[2]), form: 'hostport', at: m.index, length: m[0].length });
  if (/\b(?:host|hostname|server|addr|address)\s*=/i.test(rest)) {
    const port = PAIR_PORT_RE.exec(rest);
    for (const m of rest.matchAll(PAIR_RE)) out.push({ host: m[1]!.toLowerCase(), port: port ? Number(port[1]) : undefined, form: 'pair', at: m.index, length: m[0].length });
  }
  if (rest.includes('.')) {
    const stripped = colon ? rest.replace(HOSTPORT_RE, (m) => ' '.repeat(m.length)) : rest;
    for (const m of stripped.matchAll(DOTTED_RE)) out.push({ host: m[1]!, form: 'dotted', at: m.index, length: m[0].length });
  }
  if (bare) {
    for (const part of text.split(/[,\s]+/)) if (/^[a-z][a-z0-9\-]*$/.test(part)) out.push({ host: part, form: 'bare' });
  }
  return out;
}

/** Longer values are not read. */
const MAX_VALUE_TEXT = 64 * 1024;

interface Match extends Target {
  readonly portWritten?: number;
  /** For free text: the words around the address. */
  readonly snippet?: string;
}

const NO_MATCHES: readonly Match[] = Object.freeze([]);

/**
 * Services named in `value`, as a pod in `namespace` would reach them. `mode` is `keyed` when the value sits under a
 * named key (env var, flag, property): only then may a port that the Service lacks, or a bare short name under an
 * address key, still count.
 */
function matchValue(scan: Scanner, namespace: string, value: string, key: string | undefined, mode: 'keyed' | 'free'): readonly Match[] {
  if (value.length < 2 || value.length > MAX_VALUE_TEXT) return NO_MATCHES;
  // values repeat across workloads, and so does learning that one names nothing
  let v = scan.values.get(value);
  if (v === undefined) {
    v = mentionsService(scan.names, value) ? { keyOnlyMatters: (!value.includes(':') && !value.includes('.')) || BARE_PART.test(value) } : NAMES_NOTHING;
    scan.values.set(value, v);
  }
  if (v === NAMES_NOTHING) return NO_MATCHES;
  // the key matters only through whether it names an address (`hostRefsIn`)
  const bare = mode === 'keyed' && v.keyOnlyMatters && isAddressKey(key);
  let r = mode === 'free' ? v.free : bare ? v.bare : v.keyed;
  if (r === undefined) {
    const refs = hostRefs(value, bare);
    let local = false;
    for (let i = 0; i < refs.length && !local; i++) local = readsNamespace(refs[i]!.host);
    r = { refs, matches: local ? undefined : resolveRefs(scan, namespace, value, refs, mode), byNs: local ? new Map() : undefined };
    if (mode === 'free') v.free = r;
    else if (bare) v.bare = r;
    else v.keyed = r;
  }
  if (r.matches) return r.matches;
  let out = r.byNs!.get(namespace);
  if (out === undefined) r.byNs!.set(namespace, (out = resolveRefs(scan, namespace, value, r.refs, mode)));
  return out;
}

/** The readings of a value without a word that names a Service: none. */
const NAMES_NOTHING: ValueReadings = Object.freeze({ keyOnlyMatters: false });

/** A part of a value (between commas and spaces) that `hostRefsByPattern` may take for a bare name. */
const BARE_PART = /(?:^|[,\s])[a-z][a-z0-9\-]*(?=$|[,\s])/;

/** Whether `resolveName` reads the reader's namespace for this host: short names, and Consul names. */
function readsNamespace(host: string): boolean {
  const h = host.toLowerCase();
  return !h.includes('.') || (h.endsWith('.consul') && /^[^.]*\.(?:virtual|service)\./.test(h));
}

function resolveRefs(scan: Scanner, namespace: string, value: string, refs: readonly HostRef[], mode: 'keyed' | 'free'): readonly Match[] {
  if (!refs.length) return NO_MATCHES;
  // made with its first match, to size: most values name one Service, and `push` onto `[]` reserves room for 17
  let out: Match[] | undefined;
  // one match per Service and port (most values hold one reference)
  const seen = refs.length > 1 ? new Set<string>() : undefined;
  for (let ri = 0; ri < refs.length; ri++) {
    const ref = refs[ri]!;
    const svc = resolveName(scan.names, ref.host, namespace);
    if (!svc) continue;
    const view = serviceView(scan.graph, svc);
    let port: ServicePortView | undefined;
    let portWritten: number | undefined;
    let portAssumed: string | undefined;
    if (ref.port !== undefined) {
      port = portWith(view.ports, ref.port, false) ?? (view.headless ? portWith(view.ports, ref.port, true) : undefined);
      if (!port) {
        // Outside a named key, a port the Service does not expose means the text is about something else.
        if (mode === 'free' || ref.form === 'dotted') continue;
        portWritten = ref.port;
      }
    } else {
      const byScheme = ref.scheme !== undefined ? SCHEME_PORTS[ref.scheme] : undefined;
      const schemePort = byScheme !== undefined ? portWith(view.ports, byScheme, false) : undefined;
      if (schemePort) {
        port = schemePort;
        portAssumed = `${ref.scheme}:// implies port ${byScheme}`;
      } else if (view.ports.length === 1) {
        port = view.ports[0];
        portAssumed = "the Service's only port";
      }
    }
    if (seen) {
      const k = `${svc.id}|${port?.index ?? portWritten ?? '-'}`;
      if (seen.has(k)) continue;
      seen.add(k);
    }
    // in free text (scripts, config files) the evidence shows the words around the address, not the whole text
    const snippet = mode === 'free' && ref.at !== undefined ? clip(mask(value.slice(Math.max(0, ref.at - 40), ref.at + (ref.length ?? 0) + 40))) : undefined;
    const m: Match = { service: svc, port, portWritten, portAssumed, snippet };
    if (out) out.push(m);
    else out = [m];
  }
  return out ?? NO_MATCHES;
}

/** The first port numbered `n` (or targeting it), found without a closure per value. */
function portWith(ports: readonly ServicePortView[], n: number, target: boolean): ServicePortView | undefined {
  for (let i = 0; i < ports.length; i++) if ((target ? ports[i]!.targetPort : ports[i]!.port) === n) return ports[i];
  return undefined;
}

function found(ctx: ScanContext, target: Target, evidence: Evidence): void {
  ctx.targets[ctx.found] = target;
  ctx.evidence[ctx.found] = evidence;
  ctx.found++;
}

/**
 * A DNS name as a pod in `fromNamespace` resolves it: short names in its own namespace, `name.ns`, `name.ns.svc`,
 * `name.ns.svc.<domain>`, a StatefulSet pod's `pod.name.ns.svc.<domain>`, and Consul's `name.virtual.consul` /
 * `name.service.consul`. Undefined when no Service in the input answers.
 */
export function resolveDnsName(graph: Graph, host: string, fromNamespace: string): { service: Resource } | undefined {
  const service = resolveName(namesOf(graph), host, fromNamespace);
  return service ? { service } : undefined;
}

function resolveName(names: Names, host: string, fromNamespace: string): Resource | undefined {
  const h = host.toLowerCase();
  if (h === 'localhost') return undefined;
  const table = names.services;
  const d1 = h.indexOf('.');
  if (d1 < 0) return table.get(h, 0, h.length)?.get(fromNamespace);
  const d2 = h.indexOf('.', d1 + 1);
  const e2 = d2 < 0 ? h.length : d2;
  // most candidate words name no Service at all: one probe of the first two labels rejects them (the first
  // probe's answer is kept for `name.ns`, the second is made again only for a pod's `pod.name.ns`)
  const first = table.get(h, 0, d1);
  if (!first && !table.get(h, d1 + 1, e2)) return undefined;
  if (h.endsWith('.consul') && (isLabel(h, d1 + 1, e2, 'virtual') || isLabel(h, d1 + 1, e2, 'service'))) {
    const svcs = consulServices(names.graph).get(h.slice(0, d1))?.services ?? [];
    return svcs.find((x) => nsOf(names.graph, x) === fromNamespace) ?? (svcs.length === 1 ? svcs[0] : undefined);
  }
  const suffix = (names.svcSuffix ??= `.svc.${clusterDomainOf(names.graph).value.toLowerCase()}`);
  const qualified = h.endsWith(suffix);
  const underSvc = qualified || h.endsWith('.svc');
  // without `.svc.<domain>` (or `.svc`): `name.ns`, or a StatefulSet pod's `pod.name.ns`
  const end = qualified ? h.length - suffix.length : underSvc ? h.length - 4 : h.length;
  if (d1 >= end) return undefined;
  if (d2 < 0 || d2 >= end) return first?.get(h.slice(d1 + 1, end));
  const d3 = h.indexOf('.', d2 + 1);
  if ((d3 < 0 || d3 >= end) && underSvc) return table.get(h, d1 + 1, d2)?.get(h.slice(d2 + 1, end));
  return undefined;
}

function isLabel(text: string, from: number, to: number, label: string): boolean {
  return to - from === label.length && text.startsWith(label, from);
}

/**
 * Service name (lower case) → namespace → Service, looked up by a slice of a text without cutting it out, since a
 * fresh string costs its allocation and its hashing: open addressing over `hashOf`, candidates compared in place.
 */
class NameTable {
  private readonly names: string[] = [];
  private readonly values: ReadonlyMap<string, Resource>[] = [];
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(byName: ReadonlyMap<string, ReadonlyMap<string, Resource>>) {
    let size = 16;
    while (size < byName.size * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (const [name, byNs] of byName) {
      let slot = hashOf(name) & this.mask;
      while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = this.names.length;
      this.names.push(name);
      this.values.push(byNs);
    }
  }

  /** The Services named `text.slice(from, to)` (already in lower case), by namespace. */
  get(text: string, from: number, to: number): ReadonlyMap<string, Resource> | undefined {
    let h = HASH_SEED;
    for (let i = from; i < to; i++) h = hashStep(h, text.charCodeAt(i));
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const e = this.slots[slot]!;
      if (e === -1) return undefined;
      const name = this.names[e]!;
      if (name.length === to - from && text.startsWith(name, from)) return this.values[e];
    }
  }
}

function mask(s: string): string {
  // neither pattern can match without its '@' / '=' (and the first adds neither)
  const urls = s.includes('@') ? s.replace(/(\/\/)([^/@\s:]+):([^/@\s]+)@/g, '$1$2:***@') : s;
  return urls.includes('=') ? urls.replace(/\b(password|passwd|pwd|secret|token)\s*=\s*\S+/gi, '$1=***') : urls;
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 160 ? `${one.slice(0, 157)}...` : one;
}

/**
 * A YAML file read line by line: each scalar with the key it sits under (list items and block scalars keep their
 * parent's key). Enough to tell `url: http://cart:80` from `name: cart` without building the document, which
 * would cost more than the rest of the call graph for configuration-heavy inputs.
 */
function yamlItems(file: string, text: string): FileItem[] {
  const out: FileItem[] = [];
  const stack: { indent: number; key: string }[] = [];
  let block: { indent: number; key: string } | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed === '---') continue;
    const indent = raw.length - raw.trimStart().length;
    if (block && indent > block.indent) {
      out.push({ key: block.key, label: yamlLabel(file, stack, block.key), value: trimmed });
      continue;
    }
    block = undefined;
    while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
    let line = trimmed;
    let itemIndent = indent;
    if (line.startsWith('- ') || line === '-') {
      line = line.slice(1).trimStart();
      itemIndent = indent + 2;
      if (!line) continue;
    }
    const m = /^("[^"]*"|'[^']*'|[^\s:#'"{[][^:#]*?)\s*:(?:\s+(.*))?$/.exec(line);
    if (m) {
      const k = unquote(m[1]!);
      const v = (m[2] ?? '').replace(/\s+#.*$/, '').trim();
      if (!v) {
        stack.push({ indent: itemIndent - (itemIndent > indent ? 1 : 0), key: k });
        continue;
      }
      if (/^[|>][-+]?\d*$/.test(v)) {
        block = { indent, key: k };
        continue;
      }
      out.push({ key: k, label: yamlLabel(file, stack, k), value: unquote(v) });
    } else {
      const parent = stack.length ? stack[stack.length - 1]!.key : undefined;
      out.push({ key: parent, label: yamlLabel(file, stack, undefined), value: unquote(line) });
    }
  }
  return out;
}

function unquote(v: string): string {
  return v.replace(/^(["'])(.*)\1$/, '$2');
}

/** `app.yaml: db.url`: the keys above a YAML value, and its own. */
function yamlLabel(file: string, stack: readonly { key: string }[], k: string | undefined): string {
  return `${file}: ${[...stack.map((x) => x.key), ...(k !== undefined ? [k] : [])].join('.') || '(value)'}`;
}
