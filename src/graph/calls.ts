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

interface Found {
  readonly service: Resource;
  readonly port: ServicePortView | undefined;
  readonly portWritten?: number | string;
  readonly portAssumed?: string;
  readonly evidence: Evidence;
}

function buildCallGraph(graph: Graph): CallGraph {
  const raw = new Map<string, { from: PodTemplate; found: Found[] }>();
  const unresolved: UnresolvedCall[] = [];
  for (const t of graph.templates()) {
    const found: Found[] = [];
    collectTemplate(graph, t, found, unresolved);
    for (const f of found) {
      const key = `${t.owner.id}|${f.service.id}`;
      const e = raw.get(key);
      if (e) e.found.push(f);
      else raw.set(key, { from: t, found: [f] });
    }
  }
  const edges: CallEdge[] = [];
  const byCaller = new Map<number, CallEdge[]>();
  const byService = new Map<number, CallEdge[]>();
  for (const { from, found } of raw.values()) {
    // One edge per (caller, Service, port); evidence that names no port joins the first edge with a port.
    const byPort = new Map<string, Found[]>();
    for (const f of found) {
      const k = f.port ? `p${f.port.index}` : f.portWritten !== undefined ? `w${f.portWritten}` : '-';
      const l = byPort.get(k);
      if (l) l.push(f);
      else byPort.set(k, [f]);
    }
    const portless = byPort.get('-');
    if (portless && byPort.size > 1) {
      byPort.delete('-');
      byPort.values().next().value!.push(...portless);
    }
    for (const group of byPort.values()) {
      const first = group.find((g) => g.port) ?? group[0]!;
      const evidence = dedupeEvidence(group.map((g) => g.evidence));
      const svc = first.service;
      const edge: CallEdge = {
        id: edges.length,
        kind: 'call',
        from,
        to: svc,
        port: first.port,
        portWritten: first.port ? undefined : first.portWritten,
        portAssumed: group.every((g) => g.portAssumed) ? first.portAssumed : undefined,
        evidence,
        self: serviceView(graph, svc).pods.includes(from),
      };
      edges.push(edge);
      push(byCaller, from.owner.id, edge);
      push(byService, svc.id, edge);
    }
  }
  return { edges, byCaller, byService, unresolved };
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

function collectTemplate(graph: Graph, t: PodTemplate, out: Found[], unresolved: UnresolvedCall[]): void {
  const ctx: ScanContext = { graph, t, out };
  for (const field of ['containers', 'initContainers'] as const) {
    const list = t.spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, ci) => {
      if (!isObject(c)) return;
      const base: Path = [...t.path, 'spec', field, ci];
      containerEnv(ctx, c, base);
      containerArgs(ctx, c, base, 'command');
      containerArgs(ctx, c, base, 'args');
      containerEnvFrom(ctx, c, base);
    });
  }
  volumes(ctx);
  consulUpstreams(ctx, unresolved);
  declaredCalls(ctx, unresolved);
}

interface ScanContext {
  readonly graph: Graph;
  readonly t: PodTemplate;
  readonly out: Found[];
}

function containerEnv(ctx: ScanContext, c: JsonObject, base: Path): void {
  if (!Array.isArray(c.env)) return;
  c.env.forEach((e, i) => {
    if (!isObject(e)) return;
    const name = str(e.name) ?? '';
    const path: Path = [...base, 'env', i];
    if (typeof e.value === 'string') {
      scanValue(ctx, e.value, name, 'keyed', () => ({ resource: ctx.t.owner, path: [...path, 'value'], text: `${name}=${mask(e.value as string)}`, source: 'env' }));
      return;
    }
    const vf = isObject(e.valueFrom) ? e.valueFrom : undefined;
    if (!vf) return;
    for (const [field, kind] of [['configMapKeyRef', 'ConfigMap'], ['secretKeyRef', 'Secret']] as const) {
      const ref = isObject(vf[field]) ? (vf[field] as JsonObject) : undefined;
      const objName = ref ? str(ref.name) : undefined;
      const key = ref ? str(ref.key) : undefined;
      if (!objName || !key) continue;
      const data = dataOf(ctx.graph, kind, ctx.t.namespace, objName);
      if (!data) continue;
      const entry = data.entries.get(key);
      if (entry === undefined) continue;
      const via = { resource: ctx.t.owner, path: [...path, 'valueFrom', field] };
      scanValue(ctx, entry, name, 'keyed', () => dataEvidence(data, key, name, via));
    }
  });
}

function containerEnvFrom(ctx: ScanContext, c: JsonObject, base: Path): void {
  if (!Array.isArray(c.envFrom)) return;
  c.envFrom.forEach((e, i) => {
    if (!isObject(e)) return;
    for (const [field, kind] of [['configMapRef', 'ConfigMap'], ['secretRef', 'Secret']] as const) {
      const ref = isObject(e[field]) ? (e[field] as JsonObject) : undefined;
      const objName = ref ? str(ref.name) : undefined;
      if (!objName) continue;
      const data = dataOf(ctx.graph, kind, ctx.t.namespace, objName);
      if (!data) continue;
      const prefix = str(e.prefix) ?? '';
      const via = { resource: ctx.t.owner, path: [...base, 'envFrom', i, field] };
      // the prefix only adds to the front of a key, so it never changes whether the key names an address
      for (const dm of dataMatches(ctx.graph, data, 'env')) push1(ctx, dm.match, dataEvidence(data, dm.key, prefix + dm.key, via));
    }
  });
}

function containerArgs(ctx: ScanContext, c: JsonObject, base: Path, field: 'args' | 'command'): void {
  const list = c[field];
  if (!Array.isArray(list)) return;
  list.forEach((a, i) => {
    if (typeof a !== 'string') return;
    const evidence = (snippet?: string): Evidence => ({ resource: ctx.t.owner, path: [...base, field, i], text: snippet !== undefined ? `…${snippet}…` : clip(mask(a)), source: field });
    // `--flag=value` and `--flag value`: the flag name says whether a bare name is an address.
    const eq = /^--?([A-Za-z0-9][\w.\-]*)=(.*)$/s.exec(a);
    if (eq) {
      scanValue(ctx, eq[2]!, eq[1]!, 'keyed', evidence);
      return;
    }
    const prev = i > 0 ? list[i - 1] : undefined;
    if (typeof prev === 'string' && /^--?[A-Za-z][\w.\-]*$/.test(prev) && !a.startsWith('-')) {
      scanValue(ctx, a, prev.replace(/^-+/, ''), 'keyed', evidence);
      return;
    }
    scanValue(ctx, a, undefined, 'free', evidence);
  });
}

function volumes(ctx: ScanContext): void {
  const vols = ctx.t.spec.volumes;
  if (!Array.isArray(vols)) return;
  vols.forEach((v, i) => {
    if (!isObject(v)) return;
    const base: Path = [...ctx.t.path, 'spec', 'volumes', i];
    const sources: { kind: 'ConfigMap' | 'Secret'; name: string | undefined; items: JsonValue | undefined; path: Path }[] = [];
    if (isObject(v.configMap)) sources.push({ kind: 'ConfigMap', name: str(v.configMap.name), items: v.configMap.items, path: [...base, 'configMap'] });
    if (isObject(v.secret)) sources.push({ kind: 'Secret', name: str(v.secret.secretName), items: v.secret.items, path: [...base, 'secret'] });
    const projected = isObject(v.projected) && Array.isArray(v.projected.sources) ? v.projected.sources : [];
    projected.forEach((s, j) => {
      if (!isObject(s)) return;
      if (isObject(s.configMap)) sources.push({ kind: 'ConfigMap', name: str(s.configMap.name), items: s.configMap.items, path: [...base, 'projected', 'sources', j, 'configMap'] });
      if (isObject(s.secret)) sources.push({ kind: 'Secret', name: str(s.secret.name), items: s.secret.items, path: [...base, 'projected', 'sources', j, 'secret'] });
    });
    for (const s of sources) {
      if (!s.name) continue;
      const data = dataOf(ctx.graph, s.kind, ctx.t.namespace, s.name);
      if (!data) continue;
      const only = Array.isArray(s.items) ? new Map(s.items.flatMap((it) => (isObject(it) && typeof it.key === 'string' ? [[it.key, str(it.path) ?? it.key] as const] : []))) : undefined;
      const via = { resource: ctx.t.owner, path: s.path };
      for (const dm of dataMatches(ctx.graph, data, 'file')) {
        if (only && !only.has(dm.key)) continue;
        push1(ctx, dm.match, dataEvidence(data, dm.key, dm.label, via, dm.match.snippet !== undefined ? `…${dm.match.snippet}…` : dm.value));
      }
    }
  });
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
    ctx.out.push({ service, port, portAssumed, evidence });
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

function declaredCalls(ctx: ScanContext, unresolved: UnresolvedCall[]): void {
  const ownerAnn = getIn(ctx.t.owner.obj, ['metadata', 'annotations', CALLS_ANNOTATION]);
  const places: { value: string; path: Path }[] = [];
  if (ctx.t.annotations[CALLS_ANNOTATION]) places.push({ value: ctx.t.annotations[CALLS_ANNOTATION], path: [...ctx.t.path, 'metadata', 'annotations', CALLS_ANNOTATION] });
  if (typeof ownerAnn === 'string' && ctx.t.path.length) places.push({ value: ownerAnn, path: ['metadata', 'annotations', CALLS_ANNOTATION] });
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
        ctx.out.push({ service, port: ports.length === 1 ? ports[0] : undefined, portAssumed: ports.length === 1 ? "the Service's only port" : undefined, evidence });
        continue;
      }
      const port = /^\d+$/.test(portRef) ? ports.find((p) => p.port === Number(portRef)) : ports.find((p) => p.name === portRef);
      ctx.out.push({ service, port, portWritten: port ? undefined : /^\d+$/.test(portRef) ? Number(portRef) : portRef, evidence });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// ConfigMap / Secret data

interface DataObject {
  readonly resource: Resource;
  readonly kind: 'ConfigMap' | 'Secret';
  /** key → decoded text (Secrets: base64 `data` decoded, `stringData` as is). */
  readonly entries: ReadonlyMap<string, string>;
  /** key → path of the value inside the object. */
  readonly paths: ReadonlyMap<string, Path>;
}

function dataOf(graph: Graph, kind: 'ConfigMap' | 'Secret', namespace: string, name: string): DataObject | undefined {
  const r = graph.find('', kind, namespace, name);
  if (!r) return undefined;
  return graph.memo('calls:data', r.id, () => {
    const entries = new Map<string, string>();
    const paths = new Map<string, Path>();
    const data = isObject(r.obj.data) ? r.obj.data : {};
    for (const [k, v] of Object.entries(data)) {
      if (typeof v !== 'string') continue;
      if (kind === 'Secret') {
        const decoded = decodeBase64(v);
        if (decoded === undefined) continue;
        entries.set(k, decoded);
      } else entries.set(k, v);
      paths.set(k, ['data', k]);
    }
    if (kind === 'Secret' && isObject(r.obj.stringData)) {
      for (const [k, v] of Object.entries(r.obj.stringData)) {
        if (typeof v !== 'string') continue;
        entries.set(k, v);
        paths.set(k, ['stringData', k]);
      }
    }
    return { resource: r, kind, entries, paths };
  });
}

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
  return { resource: data.resource, path: data.paths.get(key) ?? ['data', key], text, source: data.kind === 'Secret' ? 'secret' : 'configmap', via };
}

interface FileItem {
  /** The key the value sits under (a JSON/YAML key path or a properties key); undefined for free text. */
  readonly key: string | undefined;
  readonly label: string;
  readonly value: string;
}

/** A mounted data entry read as the file it becomes: JSON, YAML, properties or free text (memoised per object and key). */
function fileItems(key: string, text: string, file: string): readonly FileItem[] {
  if (text.length > 256 * 1024) return [];
  const lower = file.toLowerCase();
  const trimmed = text.trimStart();
  const walked = (root: unknown): FileItem[] => {
    const out: FileItem[] = [];
    walk(root, [], out);
    return out;
  };
  if (lower.endsWith('.json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return walked(JSON.parse(text));
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

  function walk(v: unknown, at: string[], out: FileItem[]): void {
    if (typeof v === 'string') {
      out.push({ key: at.length ? at[at.length - 1]! : undefined, label: `${key}: ${at.join('.') || '(value)'}`, value: v });
    } else if (Array.isArray(v)) {
      // list items keep their parent key (`brokers: [a:9092, b:9092]`)
      for (const x of v) walk(x, at, out);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, [...at, k], out);
    }
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
  if (text.length > 64 * 1024 || !/[a-z]/.test(text)) return [];
  const bare = mode === 'keyed' && isAddressKey(key);
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

interface Match {
  readonly service: Resource;
  readonly port: ServicePortView | undefined;
  readonly portWritten?: number;
  readonly portAssumed?: string;
  /** For free text: the words around the address. */
  readonly snippet?: string;
}

/**
 * Services named in `value`, as a pod in `namespace` would reach them. `mode` is `keyed` when the value sits under a
 * named key (env var, flag, property): only then may a port that the Service lacks, or a bare short name under an
 * address key, still count.
 */
function matchValue(graph: Graph, namespace: string, value: string, key: string | undefined, mode: 'keyed' | 'free'): Match[] {
  if (value.length < 2) return [];
  const refs = hostRefsIn(value, key, mode);
  if (!refs.length) return [];
  const out: Match[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const svc = resolveDnsName(graph, ref.host, namespace);
    if (!svc) continue;
    const view = serviceView(graph, svc.service);
    let port: ServicePortView | undefined;
    let portWritten: number | undefined;
    let portAssumed: string | undefined;
    if (ref.port !== undefined) {
      port = view.ports.find((p) => p.port === ref.port) ?? (view.headless ? view.ports.find((p) => p.targetPort === ref.port) : undefined);
      if (!port) {
        // Outside a named key, a port the Service does not expose means the text is about something else.
        if (mode === 'free' || ref.form === 'dotted') continue;
        portWritten = ref.port;
      }
    } else {
      const byScheme = ref.scheme !== undefined ? SCHEME_PORTS[ref.scheme] : undefined;
      const schemePort = byScheme !== undefined ? view.ports.find((p) => p.port === byScheme) : undefined;
      if (schemePort) {
        port = schemePort;
        portAssumed = `${ref.scheme}:// implies port ${byScheme}`;
      } else if (view.ports.length === 1) {
        port = view.ports[0];
        portAssumed = "the Service's only port";
      }
    }
    const k = `${svc.service.id}|${port?.index ?? portWritten ?? '-'}`;
    if (seen.has(k)) continue;
    seen.add(k);
    // in free text (scripts, config files) the evidence shows the words around the address, not the whole text
    const snippet = mode === 'free' && ref.at !== undefined ? clip(mask(value.slice(Math.max(0, ref.at - 40), ref.at + (ref.length ?? 0) + 40))) : undefined;
    out.push({ service: svc.service, port, portWritten, portAssumed, snippet });
  }
  return out;
}

/** Record the Services named in `value` with evidence. */
function scanValue(ctx: ScanContext, value: string, key: string | undefined, mode: 'keyed' | 'free', evidence: (snippet: string | undefined) => Evidence): void {
  for (const m of matchValue(ctx.graph, ctx.t.namespace, value, key, mode)) push1(ctx, m, evidence(m.snippet));
}

function push1(ctx: ScanContext, m: Match, evidence: Evidence): void {
  ctx.out.push({ service: m.service, port: m.port, portWritten: m.portWritten, portAssumed: m.portAssumed, evidence });
}

interface DataMatch {
  readonly key: string;
  /** Label of the place inside the entry (`app.yaml: db.url`), for file reading. */
  readonly label: string;
  readonly value: string;
  readonly match: Match;
}

/**
 * Matches in every entry of a ConfigMap / Secret, read as environment variables (`env`) or as mounted files
 * (`file`); computed once per object, since every workload reading it sees the same text in the same namespace.
 */
function dataMatches(graph: Graph, data: DataObject, as: 'env' | 'file'): readonly DataMatch[] {
  return graph.memo(`calls:dataMatches:${data.resource.id}:${as}`, () => {
    const ns = nsOf(graph, data.resource);
    const out: DataMatch[] = [];
    for (const [key, value] of data.entries) {
      if (as === 'env') {
        for (const match of matchValue(graph, ns, value, key, 'keyed')) out.push({ key, label: key, value, match });
        continue;
      }
      for (const item of fileItems(key, value, key)) {
        for (const match of matchValue(graph, ns, item.value, item.key, item.key === undefined ? 'free' : 'keyed')) out.push({ key, label: item.label, value: item.value, match });
      }
    }
    return out;
  });
}

/**
 * A DNS name as a pod in `fromNamespace` resolves it: short names in its own namespace, `name.ns`, `name.ns.svc`,
 * `name.ns.svc.<domain>`, a StatefulSet pod's `pod.name.ns.svc.<domain>`, and Consul's `name.virtual.consul` /
 * `name.service.consul`. Undefined when no Service in the input answers.
 */
export function resolveDnsName(graph: Graph, host: string, fromNamespace: string): { service: Resource } | undefined {
  const h = host.toLowerCase();
  if (h === 'localhost') return undefined;
  const index = serviceIndex(graph);
  const dot = h.indexOf('.');
  if (dot < 0) {
    const s = index.get(h)?.get(fromNamespace);
    return s ? { service: s } : undefined;
  }
  const labels = h.split('.');
  // most candidate words name no Service at all: one map probe rejects them
  if (!index.has(labels[0]!) && (labels.length < 2 || !index.has(labels[1]!))) return undefined;
  const find = (name: string, ns: string) => {
    const s = index.get(name)?.get(ns);
    return s ? { service: s } : undefined;
  };
  if (labels.length === 1) return find(h, fromNamespace);
  if (labels[labels.length - 1] === 'consul' && (labels[1] === 'virtual' || labels[1] === 'service')) {
    const svcs = consulServices(graph).get(labels[0]!)?.services ?? [];
    const s = svcs.find((x) => nsOf(graph, x) === fromNamespace) ?? (svcs.length === 1 ? svcs[0] : undefined);
    return s ? { service: s } : undefined;
  }
  const domain = clusterDomainOf(graph).value.toLowerCase();
  let head = labels;
  const suffix = `.svc.${domain}`;
  if (h.endsWith(suffix)) head = h.slice(0, -suffix.length).split('.');
  else if (labels[labels.length - 1] === 'svc') head = labels.slice(0, -1);
  if (head.length === 2) return find(head[0]!, head[1]!);
  if (head.length === 3 && (h.endsWith(suffix) || labels[labels.length - 1] === 'svc')) return find(head[1]!, head[2]!);
  return undefined;
}

/** Service name → namespace → Service (the first, when the input declares one twice), built once per graph. */
function serviceIndex(graph: Graph): ReadonlyMap<string, ReadonlyMap<string, Resource>> {
  return graph.memo('calls:serviceIndex', () => {
    const m = new Map<string, Map<string, Resource>>();
    for (const svc of graph.ofKind('', 'Service')) {
      const name = svc.name.toLowerCase();
      let byNs = m.get(name);
      if (!byNs) m.set(name, (byNs = new Map()));
      const ns = nsOf(graph, svc);
      if (!byNs.has(ns)) byNs.set(ns, svc);
    }
    return m;
  });
}

function mask(s: string): string {
  return s.replace(/(\/\/)([^/@\s:]+):([^/@\s]+)@/g, '$1$2:***@').replace(/\b(password|passwd|pwd|secret|token)\s*=\s*\S+/gi, '$1=***');
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
  const unquote = (v: string) => v.replace(/^(["'])(.*)\1$/, '$2');
  const label = (k: string | undefined) => `${file}: ${[...stack.map((x) => x.key), ...(k !== undefined ? [k] : [])].join('.') || '(value)'}`;
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed === '---') continue;
    const indent = raw.length - raw.trimStart().length;
    if (block && indent > block.indent) {
      out.push({ key: block.key, label: label(block.key), value: trimmed });
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
      out.push({ key: k, label: label(k), value: unquote(v) });
    } else {
      const parent = stack.length ? stack[stack.length - 1]!.key : undefined;
      out.push({ key: parent, label: label(undefined), value: unquote(line) });
    }
  }
  return out;
}


