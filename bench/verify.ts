/**
 * Independent check of a generated benchmark repository.
 *
 * Re-reads every file with js-yaml (JSON with JSON.parse), indexes the objects and resolves the
 * references a linter would: Service selectors and named target ports against pod templates,
 * DestinationRule hosts and subsets, VirtualService subsets, HPA / PDB / NetworkPolicy targets,
 * Ingress and HTTPRoute backends, env-var service addresses, ConfigMap and ServiceAccount
 * references, mesh policy targets and principals, retry settings and sidecar opt-outs; and checks
 * that the mesh configuration is coherent: calls stay inside one mesh, Kuma meshes have mTLS,
 * PeerAuthentications are STRICT, Linkerd Servers have an authorization, Istio ports declare their
 * protocol, retries on server errors are limited to idempotent routes and come with outlier
 * detection and a budget, and timeouts nest along call chains.
 * Every problem it finds must be one of the defects the generator injected, and every injected
 * defect must be found: then the labels, selectors and references are consistent as intended.
 *
 * Also measures the call graph built from env vars: strongly connected components (cycles) and
 * the longest path through the condensed graph.
 *
 * Standalone: `node --import tsx bench/verify.ts [--objects 10000] [--profile default|callgraph]
 * [--seed 1]` generates into a temp dir, checks it and removes it; `--dir D` checks an existing
 * repository (without the comparison with injected defects).
 */
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';
import { describeRepo, generateRepo, parseArgs, parseCount, parseProfile, type InjectedDefect } from './generate.js';
import { seedFrom } from './rng.js';

type Rec = Record<string, unknown>;

export interface Issue {
  readonly kind: string;
  readonly object: string;
  readonly file: string;
  readonly detail: string;
}

export interface GraphShape {
  readonly nodes: number;
  readonly edges: number;
  /** Strongly connected components with more than one service. */
  readonly cycles: number;
  readonly largestCycle: number;
  /** Services on the longest path of the condensed graph. */
  readonly longestPath: number;
}

export interface VerifyReport {
  readonly files: number;
  readonly documents: number;
  readonly objects: number;
  readonly issues: readonly Issue[];
  readonly graph: GraphShape;
}

export interface Comparison {
  readonly missed: readonly InjectedDefect[];
  readonly unexpected: readonly Issue[];
}

interface Item {
  readonly kind: string;
  readonly group: string;
  readonly name: string;
  readonly ns: string;
  readonly body: Rec;
  readonly file: string;
}

interface Pod {
  readonly deployment: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly portNames: Set<string>;
}

// ---------------------------------------------------------------------------------------------
// Reading

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function at(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const seg of path) {
    if (typeof seg === 'number') cur = Array.isArray(cur) ? (cur as unknown[])[seg] : undefined;
    else cur = isRec(cur) ? cur[seg] : undefined;
  }
  return cur;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRec(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

export function listManifestFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.(ya?ml|json)$/.test(e.name)) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

function load(root: string): { items: Item[]; files: number; documents: number } {
  const items: Item[] = [];
  let documents = 0;
  const files = listManifestFiles(root);
  for (const abs of files) {
    const file = relative(root, abs).split(sep).join('/');
    const raw = readFileSync(abs, 'utf8');
    const docs: unknown[] = abs.endsWith('.json') ? [JSON.parse(raw) as unknown] : jsyaml.loadAll(raw);
    for (const doc of docs) {
      if (doc === null || doc === undefined) continue;
      documents++;
      const objs = isRec(doc) && doc['kind'] === 'List' ? list(doc['items']) : [doc];
      for (const o of objs) {
        if (!isRec(o)) throw new Error(`${file}: a document is not a mapping`);
        const apiVersion = text(o['apiVersion']) ?? '';
        const kind = text(o['kind']);
        const name = text(at(o, 'metadata', 'name'));
        if (kind === undefined || name === undefined) throw new Error(`${file}: object without kind or name`);
        const slash = apiVersion.indexOf('/');
        items.push({ kind, group: slash < 0 ? '' : apiVersion.slice(0, slash), name, ns: text(at(o, 'metadata', 'namespace')) ?? '', body: o, file });
      }
    }
  }
  return { items, files: files.length, documents };
}

// ---------------------------------------------------------------------------------------------
// Checks

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

function seconds(v: unknown): number | undefined {
  const s = text(v);
  const m = s === undefined ? null : /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(s);
  if (m === null) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
}

/** `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local` -> `ns/svc`. */
function resolveHost(host: string, ns: string): string | undefined {
  const parts = host.split('.');
  if (parts.length === 1) return `${ns}/${host}`;
  const tail = parts.slice(2).join('.');
  if (parts.length === 2 || tail === 'svc' || tail === 'svc.cluster.local') return `${parts[1] ?? ''}/${parts[0] ?? ''}`;
  return undefined;
}

const ENV_ADDR = /^([a-z0-9-]+)\.([a-z0-9-]+)(?:\.svc(?:\.cluster\.local)?)?:(\d+)$/;
const ENV_URL = /^https?:\/\/([a-z0-9-]+)\.([a-z0-9-]+)(?:\.svc(?:\.cluster\.local)?)?(?::(\d+))?(?:\/.*)?$/;
const ENV_GRPC = /^dns:\/\/\/([a-z0-9-]+)\.([a-z0-9-]+)(?:\.svc(?:\.cluster\.local)?)?:(\d+)$/;

export function parseServiceRef(value: string): { svc: string; ns: string; port: number } | undefined {
  const m = ENV_ADDR.exec(value) ?? ENV_GRPC.exec(value) ?? ENV_URL.exec(value);
  if (m === null) return undefined;
  const port = m[3] === undefined ? (value.startsWith('https') ? 443 : 80) : Number(m[3]);
  return { svc: m[1] ?? '', ns: m[2] ?? '', port };
}

/** Opt-outs of each mesh, where the mesh reads them (labels for Istio and Kuma, annotations for Linkerd and Consul). */
function optedOut(pod: { labels: Record<string, string>; annotations: Record<string, string> }): boolean {
  const l = pod.labels;
  const a = pod.annotations;
  return l['sidecar.istio.io/inject'] === 'false' || a['sidecar.istio.io/inject'] === 'false' || a['linkerd.io/inject'] === 'disabled'
    || l['kuma.io/sidecar-injection'] === 'disabled' || a['consul.hashicorp.com/connect-inject'] === 'false';
}

interface NsInfo {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** The mesh a pod joins (`kuma:<mesh>` for Kuma), from its namespace's markers and its own. */
function meshOfPod(ns: NsInfo | undefined, pod: Pod): string {
  if (pod.annotations['consul.hashicorp.com/connect-inject'] === 'true') return 'consul';
  const l = ns?.labels ?? {};
  if (l['istio-injection'] === 'enabled' || l['istio.io/rev'] !== undefined) return 'istio';
  if (ns?.annotations['linkerd.io/inject'] === 'enabled') return 'linkerd';
  if (l['kuma.io/sidecar-injection'] === 'enabled') return `kuma:${pod.labels['kuma.io/mesh'] ?? l['kuma.io/mesh'] ?? 'default'}`;
  return 'none';
}

/** Port name prefixes (and unnamed well-known ports) from which Istio takes a Service port's protocol. */
const ISTIO_PROTOCOL_PREFIXES = new Set(['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'mysql', 'redis', 'udp']);

/** Retry conditions that may repeat a request the server already processed. */
const UNSAFE_RETRY_ON = new Set(['5xx', 'gateway-error', 'reset', 'retriable-4xx', 'gatewayerror', 'retriable4xx']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** What callers of a Service wait for it (per-try timeout, else request timeout) and what a call may take. */
interface Patience {
  readonly item: Item;
  readonly patience: number | undefined;
  readonly worst: number | undefined;
}

export function verifyRepo(root: string): VerifyReport {
  const { items, files, documents } = load(root);
  const issues: Issue[] = [];
  const id = (it: Item): string => `${it.kind}/${it.ns}/${it.name}`;
  const flag = (it: Item, kind: string, detail: string): void => {
    issues.push({ kind, object: id(it), file: it.file, detail });
  };

  // Index.
  const pods = new Map<string, Pod[]>();
  const services = new Map<string, { ports: Set<number>; selector: Record<string, string>; item: Item }>();
  const names = (kind: string): Set<string> => new Set(items.filter((i) => i.kind === kind).map((i) => `${i.ns}/${i.name}`));
  const configMaps = names('ConfigMap');
  const serviceAccounts = names('ServiceAccount');
  const saNamespaces = new Set(items.filter((i) => i.kind === 'ServiceAccount').map((i) => i.ns));
  const deployments = names('Deployment');
  const servers = names('Server');
  const meshTls = names('MeshTLSAuthentication');
  const gateways = names('Gateway');
  const namespaces = new Map<string, NsInfo>();
  const kumaMeshes = new Map<string, Item>();
  const drSubsets = new Map<string, Set<string>>();
  const drs = new Map<string, Item>();
  /** Servers an AuthorizationPolicy admits clients to: `ns/name`, or `ns/*` for a namespace target. */
  const authorized = new Set<string>();
  for (const it of items) {
    if (it.kind === 'Deployment') {
      const tpl = at(it.body, 'spec', 'template');
      const labels = stringMap(at(tpl, 'metadata', 'labels'));
      const portNames = new Set<string>();
      for (const c of list(at(tpl, 'spec', 'containers'))) for (const p of list(at(c, 'ports'))) {
        const n = text(at(p, 'name'));
        if (n !== undefined) portNames.add(n);
      }
      const pod: Pod = { deployment: it.name, labels, annotations: stringMap(at(tpl, 'metadata', 'annotations')), portNames };
      const arr = pods.get(it.ns);
      if (arr === undefined) pods.set(it.ns, [pod]);
      else arr.push(pod);
      if (!matches(stringMap(at(it.body, 'spec', 'selector', 'matchLabels')), labels)) flag(it, 'deployment-selector-mismatch', 'selector does not match its own template');
    } else if (it.kind === 'Service') {
      const ports = new Set<number>();
      for (const p of list(at(it.body, 'spec', 'ports'))) {
        const n = at(p, 'port');
        if (typeof n === 'number') ports.add(n);
      }
      services.set(`${it.ns}/${it.name}`, { ports, selector: stringMap(at(it.body, 'spec', 'selector')), item: it });
    } else if (it.kind === 'DestinationRule') {
      const key = resolveHost(text(at(it.body, 'spec', 'host')) ?? '', it.ns);
      if (key !== undefined) {
        const set = drSubsets.get(key) ?? new Set<string>();
        for (const s of list(at(it.body, 'spec', 'subsets'))) {
          const n = text(at(s, 'name'));
          if (n !== undefined) set.add(n);
        }
        drSubsets.set(key, set);
        drs.set(key, it);
      }
    } else if (it.kind === 'Namespace') {
      namespaces.set(it.name, { labels: stringMap(at(it.body, 'metadata', 'labels')), annotations: stringMap(at(it.body, 'metadata', 'annotations')) });
    } else if (it.kind === 'Mesh' && it.group === 'kuma.io') {
      kumaMeshes.set(it.name, it);
    } else if (it.kind === 'AuthorizationPolicy' && it.group === 'policy.linkerd.io') {
      const kind = text(at(it.body, 'spec', 'targetRef', 'kind'));
      const name = text(at(it.body, 'spec', 'targetRef', 'name')) ?? '';
      if (kind === 'Namespace') authorized.add(`${name}/*`);
      else if (kind === 'Server') authorized.add(`${it.ns}/${name}`);
    }
  }
  const podsMatching = (ns: string, selector: Record<string, string>): Pod[] => (pods.get(ns) ?? []).filter((p) => matches(selector, p.labels));
  const serviceExists = (key: string | undefined): boolean => key !== undefined && services.has(key);
  /** Consul service names: the Service name, unless its pods register under another one. */
  const consulNames = new Set<string>();
  for (const [key, svc] of services) {
    const renamed = podsMatching(svc.item.ns, svc.selector).some((p) => p.annotations['consul.hashicorp.com/connect-service'] !== undefined);
    if (!renamed) consulNames.add(key.slice(key.indexOf('/') + 1));
  }
  for (const list_ of pods.values()) for (const p of list_) {
    const n = p.annotations['consul.hashicorp.com/connect-service'];
    if (n !== undefined) consulNames.add(n);
  }
  /** A ServiceAccount the input declares, or one in a namespace the input does not show (a caller from elsewhere). */
  const knownIdentity = (ns: string, sa: string): boolean => serviceAccounts.has(`${ns}/${sa}`) || !saNamespaces.has(ns);

  // Graph from env vars: service -> service; and what the callers of each Service wait for it.
  const graph = new Map<string, Set<string>>();
  const patience = new Map<string, Patience>();
  const kumaTimeout = new Map<string, { item: Item; ms: number }>();
  const kumaPerTry = new Map<string, { item: Item; ms: number }>();
  const setPatience = (key: string | undefined, p: Patience): void => {
    if (key !== undefined && (p.patience !== undefined || p.worst !== undefined)) patience.set(key, p);
  };

  for (const it of items) {
    const spec = at(it.body, 'spec');
    switch (it.kind) {
      case 'Namespace': {
        const ns = namespaces.get(it.name);
        const km = ns?.labels['kuma.io/sidecar-injection'] === 'enabled' ? (ns.labels['kuma.io/mesh'] ?? 'default') : undefined;
        if (km !== undefined && text(at(kumaMeshes.get(km)?.body, 'spec', 'mtls', 'enabledBackend')) === undefined) flag(it, 'kuma-mesh-without-mtls', `Kuma mesh ${km} is not defined with mTLS`);
        break;
      }
      case 'PeerAuthentication': {
        const mode = text(at(spec, 'mtls', 'mode'));
        if (mode !== 'STRICT') flag(it, 'mtls-not-strict', `mode ${mode ?? 'unset'}`);
        break;
      }
      case 'Service': {
        const selector = stringMap(at(spec, 'selector'));
        const matched = podsMatching(it.ns, selector);
        if (matched.length === 0) {
          flag(it, 'service-selector-typo', `selector ${JSON.stringify(selector)} matches no pod`);
          break;
        }
        for (const p of list(at(spec, 'ports'))) {
          const tp = at(p, 'targetPort');
          if (typeof tp === 'string' && !matched.every((pod) => pod.portNames.has(tp))) flag(it, 'missing-named-target-port', `targetPort ${tp} not declared by the pods`);
        }
        // Istio reads the protocol from appProtocol, else from the port name's prefix.
        if (matched.some((pod) => meshOfPod(namespaces.get(it.ns), pod) === 'istio')) {
          for (const p of list(at(spec, 'ports'))) {
            const name = text(at(p, 'name')) ?? '';
            if (text(at(p, 'appProtocol')) === undefined && !ISTIO_PROTOCOL_PREFIXES.has(name.split('-')[0] ?? '')) flag(it, 'port-name-unprefixed', `port ${name || '(unnamed)'} declares no protocol`);
          }
        }
        break;
      }
      case 'Deployment': {
        const tplSpec = at(spec, 'template', 'spec');
        const sa = text(at(tplSpec, 'serviceAccountName'));
        if (sa !== undefined && !serviceAccounts.has(`${it.ns}/${sa}`)) flag(it, 'serviceaccount-typo', `ServiceAccount ${sa} not found`);
        const cmRefs: string[] = [];
        for (const v of list(at(tplSpec, 'volumes'))) {
          const n = text(at(v, 'configMap', 'name'));
          if (n !== undefined) cmRefs.push(n);
        }
        const pod: Pod = {
          deployment: it.name, labels: stringMap(at(spec, 'template', 'metadata', 'labels')),
          annotations: stringMap(at(spec, 'template', 'metadata', 'annotations')), portNames: new Set(),
        };
        const out_ = optedOut(pod);
        if (out_) flag(it, 'sidecar-injection-disabled', 'pod opts out of the mesh');
        const callerMesh = meshOfPod(namespaces.get(it.ns), pod);
        const from = `${it.ns}/${pod.labels['app'] ?? it.name}`;
        const out = graph.get(from) ?? new Set<string>();
        graph.set(from, out);
        let badRef = false;
        let crossMesh: string | undefined;
        for (const c of list(at(tplSpec, 'containers'))) {
          for (const ef of list(at(c, 'envFrom'))) {
            const n = text(at(ef, 'configMapRef', 'name'));
            if (n !== undefined) cmRefs.push(n);
          }
          for (const ev of list(at(c, 'env'))) {
            const value = text(at(ev, 'value'));
            const ref = value === undefined ? undefined : parseServiceRef(value);
            if (ref === undefined) continue;
            const svc = services.get(`${ref.ns}/${ref.svc}`);
            if (svc === undefined || !svc.ports.has(ref.port)) {
              badRef = true;
              continue;
            }
            out.add(`${ref.ns}/${ref.svc}`);
            // Calls stay inside one mesh (opted-out pods are reported as such).
            const backends = podsMatching(ref.ns, svc.selector);
            if (out_ || backends.some(optedOut)) continue;
            const other = backends.map((b) => meshOfPod(namespaces.get(ref.ns), b)).find((m) => m !== callerMesh);
            if (other !== undefined) crossMesh = `${callerMesh} calls ${ref.ns}/${ref.svc} in ${other}`;
          }
        }
        if (badRef) flag(it, 'env-ref-unknown-service', 'env var points to a missing service or port');
        if (crossMesh !== undefined) flag(it, 'cross-mesh-call', crossMesh);
        if (cmRefs.some((n) => !configMaps.has(`${it.ns}/${n}`))) flag(it, 'configmap-ref-typo', `ConfigMap ${cmRefs.join(',')} not found`);
        break;
      }
      case 'HorizontalPodAutoscaler': {
        const n = text(at(spec, 'scaleTargetRef', 'name')) ?? '';
        if (!deployments.has(`${it.ns}/${n}`)) flag(it, 'hpa-target-typo', `Deployment ${n} not found`);
        break;
      }
      case 'PodDisruptionBudget':
        if (podsMatching(it.ns, stringMap(at(spec, 'selector', 'matchLabels'))).length === 0) flag(it, 'pdb-selector-typo', 'selects no pod');
        break;
      case 'NetworkPolicy':
        if (podsMatching(it.ns, stringMap(at(spec, 'podSelector', 'matchLabels'))).length === 0) flag(it, 'netpol-selector-typo', 'selects no pod');
        break;
      case 'Ingress': {
        for (const r of list(at(spec, 'rules'))) for (const p of list(at(r, 'http', 'paths'))) {
          const n = text(at(p, 'backend', 'service', 'name')) ?? '';
          if (!serviceExists(`${it.ns}/${n}`)) flag(it, 'ingress-backend-typo', `Service ${n} not found`);
        }
        const tlsHosts = new Set(list(at(spec, 'tls')).flatMap((t) => list(at(t, 'hosts')).map((h) => String(h))));
        for (const r of list(at(spec, 'rules'))) {
          const h = text(at(r, 'host')) ?? '';
          if (!tlsHosts.has(h)) flag(it, 'ingress-without-tls', `host ${h || '*'} has no TLS`);
        }
        break;
      }
      case 'HTTPRoute':
        for (const p of list(at(spec, 'parentRefs'))) {
          const key = `${text(at(p, 'namespace')) ?? it.ns}/${text(at(p, 'name')) ?? ''}`;
          if (!gateways.has(key)) flag(it, 'httproute-parent-missing', `Gateway ${key} not found`);
        }
        for (const r of list(at(spec, 'rules'))) for (const b of list(at(r, 'backendRefs'))) {
          const n = text(at(b, 'name')) ?? '';
          if (!serviceExists(`${it.ns}/${n}`)) flag(it, 'ingress-backend-typo', `Service ${n} not found`);
        }
        break;
      case 'DestinationRule': {
        const key = resolveHost(text(at(spec, 'host')) ?? '', it.ns);
        if (!serviceExists(key)) {
          flag(it, 'dr-host-typo', `host ${String(at(spec, 'host'))} is not a Service`);
          break;
        }
        for (const s of list(at(spec, 'subsets'))) {
          const ns = key?.split('/')[0] ?? it.ns;
          if (podsMatching(ns, stringMap(at(s, 'labels'))).length === 0) flag(it, 'dr-subset-no-pods', `subset ${String(at(s, 'name'))} selects no pod`);
        }
        break;
      }
      case 'VirtualService': {
        let storm = false;
        let hostKey: string | undefined;
        let generic: unknown;
        let unsafe = false;
        for (const h of list(at(spec, 'http'))) {
          for (const r of list(at(h, 'route'))) {
            const key = resolveHost(text(at(r, 'destination', 'host')) ?? '', it.ns);
            hostKey ??= key;
            if (!serviceExists(key)) flag(it, 'vs-unknown-host', 'destination is not a Service');
            const subset = text(at(r, 'destination', 'subset'));
            if (subset !== undefined && !(key !== undefined && drSubsets.get(key)?.has(subset) === true)) flag(it, 'vs-unknown-subset', `subset ${subset} not defined`);
          }
          const attempts = at(h, 'retries', 'attempts');
          const perTry = seconds(at(h, 'retries', 'perTryTimeout'));
          const timeout = seconds(at(h, 'timeout'));
          if (typeof attempts === 'number' && (attempts > 5 || (perTry !== undefined && timeout !== undefined && (attempts + 1) * perTry > timeout))) storm = true;
          const methods = list(at(h, 'match')).map((m) => text(at(m, 'method', 'exact')));
          const idempotent = methods.length > 0 && methods.every((m) => m !== undefined && IDEMPOTENT.has(m));
          if (typeof attempts === 'number' && attempts > 0 && !idempotent && (text(at(h, 'retries', 'retryOn')) ?? '').split(',').some((c) => UNSAFE_RETRY_ON.has(c.trim()))) unsafe = true;
          if (generic === undefined && !methods.some((m) => m !== undefined)) generic = h;
        }
        if (storm) flag(it, 'retry-storm', 'retries exceed the budget');
        if (unsafe) flag(it, 'retry-non-idempotent', 'retries on server errors for any method');
        // Retries need a DestinationRule with outlier detection and a bound on the volume of retries.
        const dr = hostKey === undefined ? undefined : drs.get(hostKey);
        const retried = list(at(spec, 'http')).some((h) => { const n = at(h, 'retries', 'attempts'); return typeof n === 'number' && n > 0; });
        const tp = at(dr?.body, 'spec', 'trafficPolicy');
        if (retried && (at(tp, 'outlierDetection') === undefined || (at(tp, 'retryBudget') === undefined && at(tp, 'connectionPool', 'http', 'maxRetries') === undefined))) {
          flag(it, 'retry-without-budget', 'retries without a DestinationRule setting outlier detection and a retry budget');
        }
        if (generic !== undefined) {
          const t = seconds(at(generic, 'timeout'));
          const p = typeof at(generic, 'retries', 'attempts') === 'number' ? seconds(at(generic, 'retries', 'perTryTimeout')) : undefined;
          setPatience(hostKey, { item: it, patience: p !== undefined && (t === undefined || p < t) ? p : t, worst: t });
        }
        break;
      }
      case 'AuthorizationPolicy':
        if (it.group === 'security.istio.io') {
          if (podsMatching(it.ns, stringMap(at(spec, 'selector', 'matchLabels'))).length === 0) flag(it, 'authz-selects-no-pod', 'selector matches no pod');
          for (const r of list(at(spec, 'rules'))) for (const f of list(at(r, 'from'))) for (const p of list(at(f, 'source', 'principals'))) {
            const m = typeof p === 'string' ? /^cluster\.local\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(p) : null;
            if (m === null || !knownIdentity(m[1] ?? '', m[2] ?? '')) flag(it, 'authz-principal-typo', String(p));
          }
        } else {
          const kind = text(at(spec, 'targetRef', 'kind'));
          const target = `${it.ns}/${text(at(spec, 'targetRef', 'name')) ?? ''}`;
          if (kind !== 'Namespace' && !servers.has(target)) flag(it, 'linkerd-authz-unknown-server', target);
          for (const ref of list(at(spec, 'requiredAuthenticationRefs'))) {
            if (!meshTls.has(`${it.ns}/${text(at(ref, 'name')) ?? ''}`)) flag(it, 'linkerd-authz-unknown-authn', String(at(ref, 'name')));
          }
        }
        break;
      case 'ServiceProfile': {
        const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(it.name);
        const key = m === null ? undefined : `${m[2] ?? ''}/${m[1] ?? ''}`;
        if (m === null || m[2] !== it.ns || !serviceExists(key)) flag(it, 'serviceprofile-name-typo', 'name is not the FQDN of a Service');
        const ratio = at(spec, 'retryBudget', 'retryRatio');
        if (typeof ratio === 'number' && ratio > 1) flag(it, 'retry-storm', `retryRatio ${ratio}`);
        const routes = list(at(spec, 'routes'));
        if (routes.some((r) => at(r, 'isRetryable') === true && !IDEMPOTENT.has(text(at(r, 'condition', 'method')) ?? ''))) flag(it, 'retry-non-idempotent', 'retryable route for a non-idempotent method');
        const picked = routes.find((r) => at(r, 'isRetryable') === true) ?? routes[0];
        const t = seconds(at(picked, 'timeout'));
        setPatience(key, { item: it, patience: t, worst: t });
        break;
      }
      case 'Server': {
        const matched = podsMatching(it.ns, stringMap(at(spec, 'podSelector', 'matchLabels')));
        const port = at(spec, 'port');
        if (matched.length === 0) flag(it, 'server-selects-no-pod', 'podSelector matches no pod');
        else if (typeof port === 'string' && !matched.every((p) => p.portNames.has(port))) flag(it, 'server-unknown-port', port);
        if (!authorized.has(`${it.ns}/${it.name}`) && !authorized.has(`${it.ns}/*`)) flag(it, 'linkerd-server-unauthorized', 'no AuthorizationPolicy admits any client');
        break;
      }
      case 'MeshTLSAuthentication':
        for (const r of list(at(spec, 'identityRefs'))) {
          const ns = text(at(r, 'namespace')) ?? it.ns;
          if (!knownIdentity(ns, text(at(r, 'name')) ?? '')) flag(it, 'authz-principal-typo', `${ns}/${String(at(r, 'name'))}`);
        }
        break;
      case 'MeshRetry':
      case 'MeshTimeout': {
        for (const to of list(at(spec, 'to'))) {
          if (text(at(to, 'targetRef', 'kind')) === 'Mesh') continue;
          const key = `${text(at(to, 'targetRef', 'namespace')) ?? it.ns}/${text(at(to, 'targetRef', 'name')) ?? ''}`;
          if (!serviceExists(key)) flag(it, 'kuma-unknown-service', key);
          const http = at(to, 'default', 'http');
          const conf = http ?? at(to, 'default', 'grpc');
          const n = at(conf, 'numRetries');
          if (typeof n === 'number' && n > 5) flag(it, 'retry-storm', `numRetries ${n}`);
          if (list(at(http, 'retryOn')).some((c) => typeof c === 'string' && UNSAFE_RETRY_ON.has(c.toLowerCase()))) flag(it, 'retry-non-idempotent', 'retries on server errors for any method');
          // Producer policies: the request timeout of the Service, and the per-try timeout of its retries.
          if (it.kind === 'MeshTimeout') {
            const t = seconds(at(to, 'default', 'http', 'requestTimeout'));
            if (t !== undefined) kumaTimeout.set(key, { item: it, ms: t });
          } else if (typeof n === 'number' && n > 0) {
            const p = seconds(at(conf, 'perTryTimeout'));
            if (p !== undefined) kumaPerTry.set(key, { item: it, ms: p });
          }
        }
        break;
      }
      case 'MeshTrafficPermission':
        if (text(at(spec, 'targetRef', 'kind')) !== 'Mesh' && podsMatching(it.ns, stringMap(at(spec, 'targetRef', 'labels'))).length === 0) flag(it, 'mtp-selects-no-pod', 'targetRef matches no pod');
        break;
      case 'ServiceDefaults':
        if (!consulNames.has(it.name)) flag(it, 'consul-unknown-service', it.name);
        if (text(at(spec, 'mutualTLSMode')) === 'permissive') flag(it, 'consul-mtls-permissive', 'accepts plaintext');
        break;
      case 'ServiceIntentions': {
        const dest = text(at(spec, 'destination', 'name')) ?? '';
        if (!consulNames.has(dest)) flag(it, 'consul-unknown-service', dest);
        for (const s of list(at(spec, 'sources'))) {
          const n = text(at(s, 'name')) ?? '';
          if (n !== '*' && !consulNames.has(n)) flag(it, 'consul-unknown-service', n);
        }
        break;
      }
      default:
        break;
    }
  }

  for (const key of new Set([...kumaTimeout.keys(), ...kumaPerTry.keys()])) {
    const t = kumaTimeout.get(key);
    const p = kumaPerTry.get(key);
    const perTryFirst = p !== undefined && (t === undefined || p.ms < t.ms);
    const item = perTryFirst ? p.item : t?.item;
    if (item !== undefined) setPatience(key, { item, patience: perTryFirst ? p.ms : t?.ms, worst: t?.ms });
  }

  // Timeouts nest: a caller waits for S at least as long as S may spend on each of its own calls.
  const inverted = new Set<Item>();
  for (const out of graph.values()) {
    for (const s of out) {
      const own = patience.get(s);
      if (own?.patience === undefined) continue;
      for (const c of graph.get(s) ?? []) {
        const w = c === s ? undefined : patience.get(c)?.worst;
        if (w !== undefined && w > own.patience) inverted.add(own.item);
      }
    }
  }
  for (const it of inverted) flag(it, 'timeout-inversion', 'callers give up before its downstream calls may finish');
  return { files, documents, objects: items.length, issues, graph: graphShape(graph) };
}

/** Tarjan's SCC (iterative) and the longest path through the condensation, counted in services. */
export function graphShape(graph: ReadonlyMap<string, ReadonlySet<string>>): GraphShape {
  const nodes = new Set<string>(graph.keys());
  for (const out of graph.values()) for (const t of out) nodes.add(t);
  const ids = [...nodes];
  const index = new Map<string, number>();
  ids.forEach((n, i) => index.set(n, i));
  const adj: number[][] = ids.map((n) => [...(graph.get(n) ?? [])].map((t) => index.get(t) ?? -1).filter((x) => x >= 0));
  const n = ids.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const sizes: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1];
      if (top === undefined) break;
      const [v, i] = top;
      const edges = adj[v] ?? [];
      if (i < edges.length) {
        top[1] = i + 1;
        const w = edges[i] ?? 0;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w] === 1) low[v] = Math.min(low[v] ?? 0, order[w] ?? 0);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low[parent[0]] = Math.min(low[parent[0]] ?? 0, low[v] ?? 0);
      if (low[v] === order[v]) {
        const c = sizes.length;
        let size = 0;
        for (;;) {
          const w = stack.pop();
          if (w === undefined) break;
          onStack[w] = 0;
          comp[w] = c;
          size++;
          if (w === v) break;
        }
        sizes.push(size);
      }
    }
  }
  // Components come out in reverse topological order: callees before callers.
  const best = new Array<number>(sizes.length).fill(0);
  const members: number[][] = sizes.map(() => []);
  for (let v = 0; v < n; v++) members[comp[v] ?? 0]?.push(v);
  let longest = 0;
  for (let c = 0; c < sizes.length; c++) {
    let down = 0;
    for (const v of members[c] ?? []) for (const w of adj[v] ?? []) {
      const cw = comp[w] ?? c;
      if (cw !== c) down = Math.max(down, best[cw] ?? 0);
    }
    best[c] = down + (sizes[c] ?? 1);
    longest = Math.max(longest, best[c] ?? 0);
  }
  let edges = 0;
  for (const a of adj) edges += a.length;
  const cyclic = sizes.filter((s) => s > 1);
  return { nodes: n, edges, cycles: cyclic.length, largestCycle: cyclic.length > 0 ? Math.max(...cyclic) : 0, longestPath: longest };
}

export function compareWithInjected(report: VerifyReport, injected: readonly InjectedDefect[]): Comparison {
  const found = new Set(report.issues.map((i) => `${i.kind} ${i.object}`));
  const wanted = new Set(injected.map((d) => `${d.kind} ${d.object}`));
  return {
    missed: injected.filter((d) => !found.has(`${d.kind} ${d.object}`)),
    unexpected: report.issues.filter((i) => !wanted.has(`${i.kind} ${i.object}`)),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const str = (k: string): string | undefined => {
    const v = args.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const existing = str('dir');
  if (existing !== undefined) {
    const report = verifyRepo(existing);
    console.log(`${report.files} files, ${report.documents} documents, ${report.objects} objects, ${report.issues.length} issues`);
    console.log(`call graph: ${JSON.stringify(report.graph)}`);
    for (const i of report.issues) console.log(`  ${i.kind.padEnd(28)} ${i.object}  ${i.file}  (${i.detail})`);
    return;
  }
  const objects = parseCount(str('objects') ?? process.env['MESHLINT_BENCH_OBJECTS'] ?? '10000');
  const profile = parseProfile(str('profile') ?? process.env['MESHLINT_BENCH_PROFILE']);
  const seed = seedFrom(str('seed') ?? process.env['MESHLINT_BENCH_SEED'] ?? 1);
  const dir = mkdtempSync(join(tmpdir(), 'meshlint-verify-'));
  try {
    const stats = await generateRepo({ out: dir, objects, profile, seed, check: true });
    console.log(describeRepo(stats).split('\n').filter((l) => !l.startsWith('kinds')).join('\n'));
    const t0 = performance.now();
    const report = verifyRepo(dir);
    const cmp = compareWithInjected(report, stats.defects);
    console.log(`verified in      ${(performance.now() - t0).toFixed(0)} ms: ${report.files} files, ${report.documents} documents, ${report.objects} objects re-read`);
    console.log(`issues found     ${report.issues.length} (injected ${stats.defects.length}, missed ${cmp.missed.length}, unexpected ${cmp.unexpected.length})`);
    const g = report.graph;
    console.log(`call graph       ${g.nodes} services, ${g.edges} edges, ${g.cycles} cycles (largest ${g.largestCycle}), longest path ${g.longestPath} services`);
    let ok = cmp.missed.length === 0 && cmp.unexpected.length === 0;
    if (report.files !== stats.files || report.documents !== stats.documents || report.objects !== stats.objects) {
      console.log(`COUNT MISMATCH: generator said ${stats.files}/${stats.documents}/${stats.objects} files/documents/objects`);
      ok = false;
    }
    if (profile === 'callgraph' && (g.cycles < 1 || g.longestPath < 10)) {
      console.log('CALL GRAPH TOO SHALLOW: expected cycles and a path of 10+ services');
      ok = false;
    }
    for (const d of cmp.missed.slice(0, 20)) console.log(`  missed      ${d.kind} ${d.object} ${d.file}`);
    for (const i of cmp.unexpected.slice(0, 20)) console.log(`  unexpected  ${i.kind} ${i.object} ${i.file} (${i.detail})`);
    console.log(ok ? 'OK: the repository parses and every selector/reference resolves except the injected defects' : 'VERIFY FAILED');
    if (!ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
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
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exitCode = 1;
  });
}
