/**
 * Which workloads a mesh policy applies to (semantics.md §2.3, §2.6, §2.7, §3.3, §4, §5):
 *
 * - Istio `selector.matchLabels` / `workloadSelector.labels`: the policy's namespace, except in the root
 *   namespace (cluster facts `istio.rootNamespace`, default istio-system) where AuthorizationPolicy,
 *   RequestAuthentication, Telemetry, WasmPlugin and EnvoyFilter select in every namespace and a
 *   PeerAuthentication selector is ignored [I-API-AP; I-AUTHN-COMPOSE; I-AUTHN-MODEL getConfigsForWorkload].
 *   An Istio Gateway's `selector` searches every namespace [I-API-GW selector]. No selector = namespace-wide.
 * - Linkerd `Server`: `podSelector` in its namespace, then `port` (number or name) must be declared by the pod;
 *   the proxy's own ports count as declared on meshed pods [L-DOC-AUTHZ "Server"].
 * - Kuma top-level `targetRef`: Mesh (mesh-wide), MeshSubset tags, MeshService, MeshServiceSubset, Dataplane
 *   labels; a policy in the control-plane namespace applies to the whole mesh, elsewhere to its own namespace.
 *   Generated tags (`kuma.io/service` = `<svc>_<ns>_svc_<port>`, `k8s.kuma.io/namespace`, zone...) are
 *   evaluated against Services and namespaces, not pod labels [KU-DOC-DPK8S].
 * - Consul: by service name (= Kubernetes Service name unless the pod annotation
 *   `consul.hashicorp.com/connect-service` renames it) [C-CONST].
 */
import { getIn, isObject, str, type JsonObject, type JsonValue, type Path, type Resource } from '../../load/types.js';
import { groupKindKey } from '../../load/kinds.js';
import type { Graph, PodTemplate } from '../graph.js';
import { labelSelector, labelsOf, selectorMatches, type Selector } from '../labels.js';
import { containerPorts, serviceView } from '../services.js';
import { clusterFacts } from './facts.js';
import { tableOf } from './tables.js';
import { namespaceOf as nsOf } from '../graph.js';

export interface WorkloadSelection {
  readonly templates: readonly PodTemplate[];
  /** Why nothing (or less than expected) is selected, when the graph can say it. */
  readonly reason?: string;
  /** Where the policy writes its selection (selector or targetRef). */
  readonly path: Path;
  /** The label part of the selection, for "nearest candidate" explanations. */
  readonly selector?: Selector;
  /** Namespaces searched (`all` = every namespace). */
  readonly namespaces: readonly string[] | 'all';
  /** Linkerd Server: templates the podSelector picked before the port test. */
  readonly beforePort?: readonly PodTemplate[];
  readonly portPath?: Path;
  /** The selection is ignored by the mesh (PeerAuthentication selector in the root namespace). */
  readonly ignored?: boolean;
  /** The policy names an object (Service, Server...) that the input does not contain. */
  readonly missingRef?: { readonly kind: string; readonly name: string; readonly namespace: string; readonly path: Path; readonly partial: boolean };
}

export const TARGET_READS = [
  'workloads',
  'Service',
  'Namespace',
  'Server.policy.linkerd.io',
  'HTTPRoute.policy.linkerd.io',
  'HTTPRoute.gateway.networking.k8s.io',
  'GRPCRoute.gateway.networking.k8s.io',
  'Gateway.gateway.networking.k8s.io',
  'GatewayClass.gateway.networking.k8s.io',
  'ServiceEntry.networking.istio.io',
  'MeshGatewayInstance.kuma.io',
  'MeshGateway.kuma.io',
  'MeshHTTPRoute.kuma.io',
  'MeshExternalService.kuma.io',
  'MeshService.kuma.io',
  'TerminatingGateway.consul.hashicorp.com',
] as const;

interface IstioSelectorShape {
  readonly path: Path;
  /** `matchLabels` under the path, or the path is itself the map (`labels` under workloadSelector). */
  readonly field: 'matchLabels' | 'labels' | '';
  readonly root: 'mesh-wide' | 'ignored' | 'own';
  readonly allNamespaces?: boolean;
}

const ISTIO_SELECTORS: Readonly<Record<string, IstioSelectorShape>> = {
  'PeerAuthentication.security.istio.io': { path: ['spec', 'selector'], field: 'matchLabels', root: 'ignored' },
  'AuthorizationPolicy.security.istio.io': { path: ['spec', 'selector'], field: 'matchLabels', root: 'mesh-wide' },
  'RequestAuthentication.security.istio.io': { path: ['spec', 'selector'], field: 'matchLabels', root: 'mesh-wide' },
  'Telemetry.telemetry.istio.io': { path: ['spec', 'selector'], field: 'matchLabels', root: 'mesh-wide' },
  'WasmPlugin.extensions.istio.io': { path: ['spec', 'selector'], field: 'matchLabels', root: 'mesh-wide' },
  'EnvoyFilter.networking.istio.io': { path: ['spec', 'workloadSelector'], field: 'labels', root: 'mesh-wide' },
  'Sidecar.networking.istio.io': { path: ['spec', 'workloadSelector'], field: 'labels', root: 'own' },
  'DestinationRule.networking.istio.io': { path: ['spec', 'workloadSelector'], field: 'matchLabels', root: 'own' },
  'Gateway.networking.istio.io': { path: ['spec', 'selector'], field: '', root: 'own', allNamespaces: true },
};

const ISTIO_SELECTOR_BY_KIND: ReadonlyMap<string, IstioSelectorShape> = new Map(Object.entries(ISTIO_SELECTORS));

/** Policy kinds this module knows how to resolve, as group-kind keys. */
export const SELECTING_POLICY_KINDS: readonly string[] = [
  ...Object.keys(ISTIO_SELECTORS),
  'Server.policy.linkerd.io',
  'AuthorizationPolicy.policy.linkerd.io',
  'ServiceIntentions.consul.hashicorp.com',
];

/**
 * The workloads `policy` applies to, or undefined when it applies namespace- or mesh-wide, or to something
 * the graph does not model (a gateway made at run time, a route).
 */
export function workloadsSelectedBy(graph: Graph, policy: Resource): WorkloadSelection | undefined {
  // `null` marks "applies namespace- or mesh-wide", so that it is computed once too
  const table = tableOf<number, WorkloadSelection | null>(graph, 'mesh/targets');
  let v = table.get(policy.id);
  if (v === undefined) table.set(policy.id, (v = computeSelection(graph, policy) ?? null));
  return v ?? undefined;
}

function computeSelection(graph: Graph, policy: Resource): WorkloadSelection | undefined {
  // the interned group-kind key: no string is built per policy
  const istio = ISTIO_SELECTOR_BY_KIND.get(groupKindKey(policy.group, policy.kind));
  if (istio) return istioSelection(graph, policy, istio);
  if (policy.group === 'policy.linkerd.io' && policy.kind === 'Server') return linkerdServerSelection(graph, policy);
  if (policy.group === 'policy.linkerd.io' && policy.kind === 'AuthorizationPolicy') {
    const ref = getIn(policy.obj, ['spec', 'targetRef']);
    if (!isObject(ref) || ref.kind !== 'Server') return undefined;
    const name = str(ref.name);
    if (!name) return undefined;
    const ns = nsOf(graph, policy);
    const server = graph.find('policy.linkerd.io', 'Server', ns, name);
    if (!server) {
      return {
        templates: [],
        path: ['spec', 'targetRef', 'name'],
        namespaces: [ns],
        reason: `no Server ${name} in namespace ${ns}`,
        missingRef: { kind: 'Server', name, namespace: ns, path: ['spec', 'targetRef', 'name'], partial: graph.inNamespace(ns, 'policy.linkerd.io', 'Server').length === 0 },
      };
    }
    const s = workloadsSelectedBy(graph, server);
    return s ? { ...s, path: ['spec', 'targetRef'] } : undefined;
  }
  if (policy.group === 'consul.hashicorp.com') return consulSelection(graph, policy);
  if (policy.group === 'kuma.io' && policy.namespace !== undefined) {
    const ref = getIn(policy.obj, ['spec', 'targetRef']);
    if (!isObject(ref)) return undefined;
    return kumaTargetRefSelection(graph, ref, ['spec', 'targetRef'], kumaScope(graph, policy), nsOf(graph, policy));
  }
  return undefined;
}


// ---------------------------------------------------------------------------------------------------------
// Istio

function istioSelection(graph: Graph, policy: Resource, shape: IstioSelectorShape): WorkloadSelection | undefined {
  const raw = getIn(policy.obj, shape.path);
  if (!isObject(raw)) return undefined;
  const labels = shape.field ? raw[shape.field] : raw;
  if (!isObject(labels) || Object.keys(labels).length === 0) return undefined;
  const path: Path = shape.field ? [...shape.path, shape.field] : shape.path;
  const selector = labelSelector({ matchLabels: labels }, 'nothing');
  const ns = nsOf(graph, policy);
  const root = clusterFacts(graph).istio.rootNamespace;
  if (ns === root && shape.root === 'ignored') {
    return { templates: [], path, selector, namespaces: [ns], ignored: true, reason: `a PeerAuthentication selector in the root namespace ${root} is ignored by Istio` };
  }
  const all = shape.allNamespaces || (ns === root && shape.root === 'mesh-wide');
  const templates = all ? selectEverywhere(graph, selector) : graph.select(ns, selector);
  return { templates, path, selector, namespaces: all ? 'all' : [ns] };
}

/** Templates selected in every namespace of the input. */
export function selectEverywhere(graph: Graph, sel: Selector): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const ns of graph.namespaces()) out.push(...graph.select(ns, sel));
  return out;
}

/** Templates in any namespace that carry label `key` (whatever its value), through a memoised index. */
export function templatesWithLabelKey(graph: Graph, key: string): readonly PodTemplate[] {
  const idx = graph.memo('mesh/targets:labelKeys', () => {
    const m = new Map<string, PodTemplate[]>();
    for (const t of graph.templates()) {
      for (const k of Object.keys(t.labels)) {
        const l = m.get(k);
        if (l) l.push(t);
        else m.set(k, [t]);
      }
    }
    return m;
  });
  return idx.get(key) ?? [];
}

// ---------------------------------------------------------------------------------------------------------
// Linkerd

function linkerdServerSelection(graph: Graph, server: Resource): WorkloadSelection | undefined {
  const spec = isObject(server.obj.spec) ? server.obj.spec : {};
  if (spec.podSelector === undefined) return undefined;
  const selector = labelSelector(spec.podSelector, 'nothing');
  const ns = nsOf(graph, server);
  const before = graph.select(ns, selector);
  const port = spec.port;
  if (typeof port !== 'number' && typeof port !== 'string') return { templates: before, path: ['spec', 'podSelector'], selector, namespaces: [ns] };
  const withPort = before.filter((t) => declaresPort(graph, t, port));
  return {
    templates: withPort,
    beforePort: before,
    portPath: ['spec', 'port'],
    path: ['spec', 'podSelector'],
    selector,
    namespaces: [ns],
    reason: before.length && !withPort.length ? `none of the ${before.length} selected pod template(s) declares port ${port}` : undefined,
  };
}

/** A pod declares a port (by number or name) in its containers, or it is one of the Linkerd proxy's ports. */
export function declaresPort(graph: Graph, t: PodTemplate, port: number | string): boolean {
  const proxy = clusterFacts(graph).linkerd.proxyPorts;
  if (typeof port === 'number' || /^\d+$/.test(port)) {
    const n = Number(port);
    if (n === proxy.inbound || n === proxy.admin) return true;
    return containerPorts(t).some((cp) => cp.port === n);
  }
  // The injected proxy container declares these names [L-VALUES proxy.ports].
  if (port === 'linkerd-proxy' || port === 'linkerd-admin') return true;
  return containerPorts(t).some((cp) => cp.name === port);
}

// ---------------------------------------------------------------------------------------------------------
// Consul

export interface ConsulService {
  readonly name: string;
  readonly services: readonly Resource[];
  readonly templates: readonly PodTemplate[];
  /** Registered by something other than a pod (a TerminatingGateway's linked service). */
  readonly external: boolean;
}

const CONNECT_SERVICE = 'consul.hashicorp.com/connect-service';

/** Consul service names the input registers: Kubernetes Services (renamed by the pod annotation) and terminating-gateway services. */
export function consulServices(graph: Graph): ReadonlyMap<string, ConsulService> {
  return graph.memo('mesh/targets:consul', () => {
    const byName = new Map<string, { services: Resource[]; templates: Set<PodTemplate>; external: boolean }>();
    const entry = (n: string) => {
      let e = byName.get(n);
      if (!e) byName.set(n, (e = { services: [], templates: new Set(), external: false }));
      return e;
    };
    for (const svc of graph.ofKind('', 'Service')) {
      const view = serviceView(graph, svc);
      const e = entry(svc.name);
      e.services.push(svc);
      // a pod renamed by the annotation registers under the annotation's names instead
      for (const t of view.pods) if (!t.annotations[CONNECT_SERVICE]) e.templates.add(t);
    }
    for (const t of graph.templates()) {
      const names = t.annotations[CONNECT_SERVICE];
      if (!names) continue;
      for (const n of names.split(',').map((x) => x.trim()).filter(Boolean)) entry(n).templates.add(t);
    }
    for (const tg of graph.ofKind('consul.hashicorp.com', 'TerminatingGateway')) {
      const list = getIn(tg.obj, ['spec', 'services']);
      if (!Array.isArray(list)) continue;
      for (const s of list) {
        const n = isObject(s) ? str(s.name) : undefined;
        if (n && n !== '*') entry(n).external = true;
      }
    }
    const out = new Map<string, ConsulService>();
    for (const [name, e] of byName) out.set(name, { name, services: e.services, templates: [...e.templates], external: e.external });
    return out;
  });
}

function consulSelection(graph: Graph, policy: Resource): WorkloadSelection | undefined {
  let name: string | undefined;
  let path: Path;
  if (policy.kind === 'ServiceIntentions') {
    name = str(getIn(policy.obj, ['spec', 'destination', 'name']));
    path = ['spec', 'destination', 'name'];
  } else if (['ServiceDefaults', 'ServiceRouter', 'ServiceSplitter', 'ServiceResolver'].includes(policy.kind)) {
    name = policy.name;
    path = ['metadata', 'name'];
  } else return undefined;
  if (!name || name === '*') return undefined;
  const svc = consulServices(graph).get(name);
  if (svc?.external) return undefined;
  return { templates: svc?.templates ?? [], path, namespaces: 'all', reason: svc ? undefined : `no Kubernetes Service named ${name} and no pod annotation ${CONNECT_SERVICE}=${name} registers it` };
}

// ---------------------------------------------------------------------------------------------------------
// Kuma

/** Namespaces a Kuma policy's top-level targetRef selects in: the whole mesh from the control-plane namespace. */
export function kumaScope(graph: Graph, policy: Resource): readonly string[] | 'all' {
  const ns = nsOf(graph, policy);
  return ns === clusterFacts(graph).kuma.controlPlaneNamespace ? 'all' : [ns];
}

/** Tags Kuma generates for Kubernetes dataplanes, or that only exist at run time: not pod labels. */
const KUMA_RUNTIME_TAGS: ReadonlySet<string> = new Set([
  'kuma.io/zone',
  'kuma.io/protocol',
  'kuma.io/instance',
  'kuma.io/mesh',
  'kuma.io/region',
  'kuma.io/subzone',
  'k8s.kuma.io/service-port',
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
]);

/**
 * Workloads a Kuma targetRef selects. `scope` is where MeshSubset tags and Dataplane labels are searched;
 * `ownNs` is the default namespace of named references.
 */
export function kumaTargetRefSelection(graph: Graph, ref: JsonObject, path: Path, scope: readonly string[] | 'all', ownNs: string): WorkloadSelection | undefined {
  const kind = str(ref.kind);
  switch (kind) {
    case 'MeshSubset':
      return kumaTagSelection(graph, isObject(ref.tags) ? ref.tags : {}, [...path, 'tags'], scope);
    case 'Dataplane':
      if (!isObject(ref.labels)) return undefined;
      return kumaTagSelection(graph, ref.labels, [...path, 'labels'], str(ref.namespace) ? [str(ref.namespace)!] : scope);
    case 'MeshService':
    case 'MeshServiceSubset': {
      const name = str(ref.name);
      if (!name || isObject(ref.labels)) return undefined;
      const svc = kumaServiceRef(graph, name, str(ref.namespace) ?? ownNs);
      if (svc.status === 'unknown') return undefined;
      if (svc.status === 'missing') {
        return {
          templates: [],
          path: [...path, 'name'],
          namespaces: [svc.namespace],
          reason: svc.reason,
          missingRef: { kind: 'Service', name: svc.serviceName, namespace: svc.namespace, path: [...path, 'name'], partial: svc.partial },
        };
      }
      let templates = serviceView(graph, svc.service).pods;
      if (kind === 'MeshServiceSubset' && isObject(ref.tags)) {
        const sub = kumaTagSelection(graph, ref.tags, [...path, 'tags'], [svc.namespace]);
        if (!sub) return undefined;
        templates = templates.filter((t) => sub.templates.includes(t));
      }
      return { templates, path: [...path, 'name'], namespaces: [svc.namespace] };
    }
    default:
      // Mesh (mesh-wide), MeshGateway and routes (made at run time or not workloads): not modelled here.
      return undefined;
  }
}

export type KumaServiceRef =
  | { readonly status: 'found'; readonly service: Resource; readonly namespace: string; readonly port?: number }
  | { readonly status: 'missing'; readonly serviceName: string; readonly namespace: string; readonly reason: string; readonly partial: boolean }
  | { readonly status: 'unknown' };

/**
 * A Kuma service name: the legacy `kuma.io/service` form `<svc>_<ns>_svc_<port>`, a gateway instance's
 * `<name>_<ns>_svc` (pods made at run time: unknown), or a MeshService name, which Kuma generates from the
 * Kubernetes Service of the same name and namespace.
 */
export function kumaServiceRef(graph: Graph, name: string, namespace: string): KumaServiceRef {
  const legacy = /^(.+)_([^_]+)_svc_(\d+)$/.exec(name);
  if (legacy) {
    const [, svcName, ns, port] = legacy as unknown as [string, string, string, string];
    const svc = graph.find('', 'Service', ns, svcName);
    if (!svc) return missingKumaService(graph, svcName, ns, `no Service ${svcName} in namespace ${ns} (from the kuma.io/service name ${name})`);
    const view = serviceView(graph, svc);
    if (!view.ports.some((p) => p.port === Number(port))) {
      return { status: 'missing', serviceName: svcName, namespace: ns, partial: false, reason: `Service ${ns}/${svcName} has no port ${port} (it has ${view.ports.map((p) => p.port).join(', ') || 'none'})` };
    }
    return { status: 'found', service: svc, namespace: ns, port: Number(port) };
  }
  const gw = /^(.+)_([^_]+)_svc$/.exec(name);
  if (gw) return { status: 'unknown' };
  if (name.includes('_') || name === '*') return { status: 'unknown' };
  const svc = graph.find('', 'Service', namespace, name);
  if (svc) return { status: 'found', service: svc, namespace };
  if (graph.find('kuma.io', 'MeshService', namespace, name)) return { status: 'unknown' };
  return missingKumaService(graph, name, namespace, `no Service (and no MeshService) ${name} in namespace ${namespace}`);
}

function missingKumaService(graph: Graph, name: string, ns: string, reason: string): KumaServiceRef {
  return { status: 'missing', serviceName: name, namespace: ns, reason, partial: graph.inNamespace(ns, '', 'Service').length === 0 };
}

/**
 * Dataplanes (pod templates) carrying every tag: pod labels, plus the generated tags evaluated against the
 * graph. Undefined when a tag names something made at run time (a gateway instance) or outside the input.
 */
export function kumaTagSelection(graph: Graph, tags: JsonObject, path: Path, scope: readonly string[] | 'all'): WorkloadSelection | undefined {
  const plain: Record<string, JsonValue> = {};
  let namespaces: readonly string[] | 'all' = scope;
  const serviceFilters: { pods: ReadonlySet<PodTemplate>; why: string }[] = [];
  for (const [k, v] of Object.entries(tags)) {
    const value = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
    if (value === undefined || value === '*' || KUMA_RUNTIME_TAGS.has(k)) continue;
    if (k === 'k8s.kuma.io/namespace') {
      if (namespaces !== 'all' && !namespaces.includes(value)) {
        return { templates: [], path: [...path, k], namespaces, reason: `the tag asks for namespace ${value} but the policy only applies in ${namespaces.join(', ')}` };
      }
      namespaces = [value];
      continue;
    }
    if (k === 'kuma.io/service') {
      const ref = kumaServiceRef(graph, value, namespaces === 'all' ? graph.defaultNamespace : namespaces[0]!);
      if (ref.status === 'unknown') return undefined;
      if (ref.status === 'missing') {
        return { templates: [], path: [...path, k], namespaces, reason: ref.reason, missingRef: { kind: 'Service', name: ref.serviceName, namespace: ref.namespace, path: [...path, k], partial: ref.partial } };
      }
      serviceFilters.push({ pods: new Set(serviceView(graph, ref.service).pods), why: `kuma.io/service=${value}` });
      continue;
    }
    if (k === 'k8s.kuma.io/service-name') {
      const pods = new Set<PodTemplate>();
      const nss = namespaces === 'all' ? [...graph.namespaces()] : namespaces;
      for (const ns of nss) {
        const svc = graph.find('', 'Service', ns, value);
        if (svc) serviceView(graph, svc).pods.forEach((p) => pods.add(p));
      }
      serviceFilters.push({ pods, why: `k8s.kuma.io/service-name=${value}` });
      continue;
    }
    plain[k] = value;
  }
  const selector = labelSelector({ matchLabels: plain }, 'nothing');
  const nss = namespaces === 'all' ? [...graph.namespaces()] : namespaces;
  const templates = serviceFilters.length ? filteredByServices(graph, serviceFilters, selector, nss) : selectIn(graph, selector, nss);
  return { templates, path, selector: Object.keys(plain).length ? selector : undefined, namespaces };
}

function selectIn(graph: Graph, selector: Selector, nss: readonly string[]): PodTemplate[] {
  const templates: PodTemplate[] = [];
  for (const ns of nss) templates.push(...(selector.kind === 'everything' ? graph.templatesIn(ns) : graph.select(ns, selector)));
  return templates;
}

/**
 * `selectIn` narrowed to the pods of every service filter, computed from the smallest filter rather than from every
 * template in scope (a `kuma.io/service` tag with mesh-wide scope would otherwise list the whole input per tag). The
 * order is `selectIn`'s: by namespace as listed, then input order within a namespace.
 */
function filteredByServices(graph: Graph, filters: readonly { pods: ReadonlySet<PodTemplate> }[], selector: Selector, nss: readonly string[]): PodTemplate[] {
  graph.templates(); // the same kinds are read as by selectIn
  let smallest = filters[0]!.pods;
  for (const f of filters) if (f.pods.size < smallest.size) smallest = f.pods;
  const nsOrder = new Map<string, number>();
  nss.forEach((ns, i) => nsOrder.set(ns, i));
  const out: PodTemplate[] = [];
  for (const t of smallest) {
    if (!nsOrder.has(t.namespace) || !selectorMatches(selector, t.labels)) continue;
    if (filters.every((f) => f.pods.has(t))) out.push(t);
  }
  if (out.length < 2) return out;
  const position = templatePositions(graph);
  return out.sort((a, b) => nsOrder.get(a.namespace)! - nsOrder.get(b.namespace)! || position.get(a)! - position.get(b)!);
}

/** Each template's position in input order. */
function templatePositions(graph: Graph): ReadonlyMap<PodTemplate, number> {
  return graph.memo('mesh/targets:positions', () => {
    const m = new Map<PodTemplate, number>();
    graph.templates().forEach((t, i) => m.set(t, i));
    return m;
  });
}

// ---------------------------------------------------------------------------------------------------------
// targetRefs that name objects (Istio targetRef(s), Linkerd AuthorizationPolicy, ServerAuthorization)

export interface TargetRefResolution {
  readonly path: Path;
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly target?: Resource;
  readonly status: 'ok' | 'missing' | 'unmodelled';
  readonly reason?: string;
  /** The input shows no object of that kind in that namespace: it may be defined elsewhere. */
  readonly partial: boolean;
}

const ISTIO_TARGET_KINDS: Readonly<Record<string, { group: string; namespaced: boolean }>> = {
  'gateway.networking.k8s.io/Gateway': { group: 'gateway.networking.k8s.io', namespaced: true },
  'gateway.networking.k8s.io/GatewayClass': { group: 'gateway.networking.k8s.io', namespaced: false },
  '/Service': { group: '', namespaced: true },
  'core/Service': { group: '', namespaced: true },
  'networking.istio.io/ServiceEntry': { group: 'networking.istio.io', namespaced: true },
};

/** Objects a policy names through targetRef(s) / server references, resolved. */
export function policyTargetRefs(graph: Graph, policy: Resource): readonly TargetRefResolution[] {
  return graph.memo('mesh/targets:refs', policy.id, () => computeTargetRefs(graph, policy));
}

const NO_REFS: readonly TargetRefResolution[] = Object.freeze([]);

function computeTargetRefs(graph: Graph, policy: Resource): readonly TargetRefResolution[] {
  const spec = isObject(policy.obj.spec) ? policy.obj.spec : {};
  // Most policies name no object: answer without building anything.
  if (spec.targetRef === undefined && spec.targetRefs === undefined && spec.server === undefined) return NO_REFS;
  const ns = nsOf(graph, policy);
  const out: TargetRefResolution[] = [];
  if (policy.group.endsWith('istio.io')) {
    const refs: { ref: JsonValue; path: Path }[] = [];
    if (isObject(spec.targetRef)) refs.push({ ref: spec.targetRef, path: ['spec', 'targetRef'] });
    if (Array.isArray(spec.targetRefs)) spec.targetRefs.forEach((r, i) => refs.push({ ref: r, path: ['spec', 'targetRefs', i] }));
    for (const { ref, path } of refs) {
      if (!isObject(ref)) continue;
      const group = str(ref.group) ?? '';
      const kind = str(ref.kind) ?? '';
      const name = str(ref.name);
      if (!name) continue;
      const known = ISTIO_TARGET_KINDS[`${group}/${kind}`];
      if (!known) {
        out.push({ path, group, kind, name, namespace: ns, status: 'unmodelled', partial: false });
        continue;
      }
      const target = graph.find(known.group, kind, known.namespaced ? ns : undefined, name);
      const partial = known.namespaced ? graph.inNamespace(ns, known.group, kind).length === 0 : graph.ofKind(known.group, kind).length === 0;
      out.push({ path: [...path, 'name'], group: known.group, kind, name, namespace: ns, target, status: target ? 'ok' : 'missing', partial, reason: target ? undefined : `no ${kind} ${name}${known.namespaced ? ` in namespace ${ns}` : ''}` });
    }
  } else if (policy.group === 'policy.linkerd.io' && policy.kind === 'AuthorizationPolicy' && isObject(spec.targetRef)) {
    const ref = spec.targetRef;
    const kind = str(ref.kind) ?? '';
    const name = str(ref.name);
    const group = str(ref.group) ?? '';
    if (name && (kind === 'Server' || kind === 'HTTPRoute' || kind === 'GRPCRoute')) {
      const g = kind === 'Server' ? 'policy.linkerd.io' : group === 'policy.linkerd.io' ? 'policy.linkerd.io' : 'gateway.networking.k8s.io';
      const target = graph.find(g, kind, ns, name);
      out.push({ path: ['spec', 'targetRef', 'name'], group: g, kind, name, namespace: ns, target, status: target ? 'ok' : 'missing', partial: graph.inNamespace(ns, g, kind).length === 0, reason: target ? undefined : `no ${kind} ${name} in namespace ${ns}` });
    }
  } else if (policy.group === 'policy.linkerd.io' && policy.kind === 'ServerAuthorization' && isObject(spec.server)) {
    const server = spec.server;
    const name = str(server.name);
    const servers = graph.inNamespace(ns, 'policy.linkerd.io', 'Server');
    if (name) {
      const target = graph.find('policy.linkerd.io', 'Server', ns, name);
      out.push({ path: ['spec', 'server', 'name'], group: 'policy.linkerd.io', kind: 'Server', name, namespace: ns, target, status: target ? 'ok' : 'missing', partial: servers.length === 0, reason: target ? undefined : `no Server ${name} in namespace ${ns}` });
    } else if (isObject(server.selector)) {
      const sel = labelSelector(server.selector, 'nothing');
      const matched = servers.filter((s) => selectorMatchesObject(sel, s));
      out.push({
        path: ['spec', 'server', 'selector'],
        group: 'policy.linkerd.io',
        kind: 'Server',
        name: '',
        namespace: ns,
        target: matched[0],
        status: matched.length ? 'ok' : 'missing',
        partial: servers.length === 0,
        reason: matched.length ? undefined : `the selector matches none of the ${servers.length} Server(s) in namespace ${ns} by their labels`,
      });
    }
  }
  return out;
}

function selectorMatchesObject(sel: Selector, r: Resource): boolean {
  return selectorMatches(sel, isObject(r.obj.metadata) ? labelsOf(r.obj.metadata.labels) : {});
}
