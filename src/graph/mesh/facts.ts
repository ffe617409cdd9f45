/**
 * What meshlint knows about the cluster beyond the manifests: the configuration's `cluster:` section, typed,
 * with every default written down (docs/configuration.md documents each key). Also the merged view of a
 * namespace's labels and annotations.
 *
 * Namespace precedence: the cluster facts describe what is in the cluster now; a Namespace object in the input
 * is what will be applied. `kubectl apply` sets the keys that the manifest names and leaves other keys alone,
 * so the view starts from `cluster.namespaces.<ns>` and the input's Namespace object overrides it key by key.
 * A namespace described by neither is "unknown": its labels are taken as empty and every conclusion drawn
 * from that says so (Decision.assumed), unless `cluster.namespacesComplete: true` declares that the
 * configuration lists every labelled namespace.
 */
import { isObject, type JsonObject, type JsonValue, type Path, type Resource } from '../../load/types.js';
import type { Graph } from '../graph.js';
import { labelsOf, labelSelector, type Labels, type Selector } from '../labels.js';
import type { MeshName, MtlsMode } from './model.js';
import {
  ISTIO_DATAPLANE_MODE,
  ISTIO_INJECT,
  ISTIO_INJECTION_NS_LABEL,
  ISTIO_REV_LABEL,
  KUMA_INJECTION,
  LINKERD_INBOUND_POLICIES,
  LINKERD_INJECT,
  NAMESPACE_NAME_LABEL,
  CONSUL_INJECT,
  type LinkerdInboundPolicy,
} from './markers.js';

export const MESH_NAMES: readonly MeshName[] = ['istio', 'linkerd', 'consul', 'kuma'];

/** Where a namespace label or annotation came from, in words a message can quote and a path a finding can use. */
export interface FactOrigin {
  /** The Namespace object in the input, when the value came from it. */
  readonly resource?: Resource;
  readonly path: Path;
  /** "label istio-injection=enabled on Namespace shop" / "... (cluster.namespaces)". */
  readonly text: string;
}

export interface NamespaceInfo {
  readonly name: string;
  /** Labels as they will be once the input is applied. */
  readonly labels: Labels;
  readonly annotations: Labels;
  /** The Namespace object in the input, if there is one. */
  readonly resource?: Resource;
  /** False when neither the input nor `cluster.namespaces` describes the namespace. */
  readonly known: boolean;
  labelOrigin(key: string): FactOrigin | undefined;
  annotationOrigin(key: string): FactOrigin | undefined;
}

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly raw: string;
}

export interface IstioFacts {
  /** `meshConfig.rootNamespace`, default istio-system [I-MESHDEF]. */
  readonly rootNamespace: string;
  /** Installed revisions (values of `istio.io/rev` that have a webhook); undefined = not declared. */
  readonly revisions: readonly string[] | undefined;
  /** `values.global.proxy.autoInject`, default enabled [I-VALUES]. */
  readonly autoInject: 'enabled' | 'disabled';
  /** `sidecarInjectorWebhook.enableNamespacesByDefault`, default false [I-VALUES]. */
  readonly enableNamespacesByDefault: boolean;
  readonly neverInjectSelector: readonly Selector[];
  readonly alwaysInjectSelector: readonly Selector[];
  /** `ENABLE_NATIVE_SIDECARS`: auto (default, by node kubelet version), true or false [I-INJ-NATIVE]. */
  readonly nativeSidecars: 'auto' | 'true' | 'false';
  /** `meshConfig.defaultConfig.holdApplicationUntilProxyStarts`, default false [I-API-PROXY]. */
  readonly holdApplicationUntilProxyStarts: boolean;
  /** `meshConfig.outboundTrafficPolicy.mode`, default ALLOW_ANY [I-MESHDEF]. */
  readonly outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** Mode of a mesh-wide PeerAuthentication that is not in the input; undefined = not declared. */
  readonly meshMtls: MtlsMode | undefined;
  readonly version: Version | undefined;
}

export interface LinkerdFacts {
  /** `proxy.defaultInboundPolicy`, default all-unauthenticated [L-VALUES]. */
  readonly defaultInboundPolicy: LinkerdInboundPolicy;
  /** `proxy.nativeSidecar`; undefined = not declared (then the version decides: default since 2.20). */
  readonly nativeSidecar: boolean | undefined;
  readonly proxyPorts: { readonly inbound: number; readonly outbound: number; readonly admin: number; readonly control: number };
  /** Cluster-wide `proxy.opaquePorts`, default 25,587,3306,4444,5432,6379,9300,11211 [L-VALUES]. */
  readonly opaquePorts: readonly number[];
  readonly version: Version | undefined;
}

export interface ConsulFacts {
  /** Helm `connectInject.default`, default false: pods opt in [C-VALUES]. */
  readonly connectInjectDefault: boolean;
  /** False when `connectInjectDefault` was not declared and the chart default was used. */
  readonly connectInjectDeclared: boolean;
  /** Helm `connectInject.namespaceSelector` (the webhook's namespace selector); undefined = chart default. */
  readonly namespaceSelector: Selector | undefined;
  /** `connectInject.k8sAllowNamespaces`, default ["*"] [C-VALUES]. */
  readonly allowNamespaces: readonly string[];
  /** `connectInject.k8sDenyNamespaces`, default [] [C-VALUES]. */
  readonly denyNamespaces: readonly string[];
  /** `connectInject.transparentProxy.defaultEnabled`, default true [C-VALUES]. */
  readonly transparentProxyDefault: boolean;
  /** The Mesh config entry's `allowEnablingPermissiveMutualTLS` when that entry is not in the input. */
  readonly allowEnablingPermissiveMutualTLS: boolean | undefined;
  readonly version: Version | undefined;
}

export interface KumaMeshFacts {
  /** mTLS of a Mesh that is not in the input: `off` (Kuma's default mesh has none [KU-DOC-MTLS]), STRICT or PERMISSIVE. */
  readonly mtls: 'off' | 'STRICT' | 'PERMISSIVE' | undefined;
}

export interface KumaFacts {
  /** Mesh of pods that name none, default `default` [KU-DOC-DPK8S]. */
  readonly defaultMesh: string;
  readonly meshes: Readonly<Record<string, KumaMeshFacts>>;
  readonly controlPlaneNamespace: string;
  readonly nativeSidecar: boolean | undefined;
  readonly version: Version | undefined;
}

export interface InstalledMeshes {
  readonly meshes: readonly MeshName[];
  /** True when `cluster.meshes` declared the list; false when it was inferred from the input. */
  readonly declared: boolean;
  /** Plain words for messages: "declared in cluster.meshes" / "inferred from the input (Istio objects or markers)". */
  readonly how: string;
}

export interface ClusterModel {
  readonly clusterDomain: string;
  readonly kubernetesVersion: Version | undefined;
  readonly namespacesComplete: boolean;
  readonly installed: InstalledMeshes;
  readonly istio: IstioFacts;
  readonly linkerd: LinkerdFacts;
  readonly consul: ConsulFacts;
  readonly kuma: KumaFacts;
  namespace(name: string): NamespaceInfo;
  isInstalled(mesh: MeshName): boolean;
}

/** One model per graph; a WeakMap rather than `graph.memo`, whose closure would be allocated on each of the many calls. */
const models = new WeakMap<Graph, ClusterModel>();

export function clusterFacts(graph: Graph): ClusterModel {
  let model = models.get(graph);
  if (model === undefined) models.set(graph, (model = buildModel(graph)));
  return model;
}

function buildModel(graph: Graph): ClusterModel {
  const c: JsonObject = toJson(graph.cluster);
  const istio = obj(c.istio);
  const linkerd = obj(c.linkerd);
  const consul = obj(c.consul);
  const kuma = obj(c.kuma);
  const declaredNs = obj(c.namespaces);
  const namespacesComplete = c.namespacesComplete === true;
  const nsCache = new Map<string, NamespaceInfo>();
  const installed = installedMeshes(graph, c);

  const ports = obj(linkerd.proxyPorts);
  const kumaMeshes: Record<string, KumaMeshFacts> = {};
  for (const [name, v] of Object.entries(obj(kuma.meshes))) {
    const mtls = obj(v).mtls;
    kumaMeshes[name] = { mtls: mtls === 'off' || mtls === 'STRICT' || mtls === 'PERMISSIVE' ? mtls : undefined };
  }

  const model: ClusterModel = {
    clusterDomain: string(c.clusterDomain) ?? 'cluster.local',
    kubernetesVersion: parseVersion(c.kubernetesVersion),
    namespacesComplete,
    installed,
    istio: {
      rootNamespace: string(istio.rootNamespace) ?? 'istio-system',
      revisions: Array.isArray(istio.revisions) ? istio.revisions.filter((x): x is string => typeof x === 'string') : undefined,
      autoInject: istio.autoInject === 'disabled' ? 'disabled' : 'enabled',
      enableNamespacesByDefault: istio.enableNamespacesByDefault === true,
      neverInjectSelector: selectors(istio.neverInjectSelector),
      alwaysInjectSelector: selectors(istio.alwaysInjectSelector),
      nativeSidecars: istio.nativeSidecars === true || istio.nativeSidecars === 'true' ? 'true' : istio.nativeSidecars === false || istio.nativeSidecars === 'false' ? 'false' : 'auto',
      holdApplicationUntilProxyStarts: istio.holdApplicationUntilProxyStarts === true,
      outboundTrafficPolicy: istio.outboundTrafficPolicy === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY',
      meshMtls: mtlsMode(istio.meshMtls),
      version: parseVersion(istio.version),
    },
    linkerd: {
      defaultInboundPolicy: (LINKERD_INBOUND_POLICIES as readonly string[]).includes(string(linkerd.defaultInboundPolicy) ?? '')
        ? (linkerd.defaultInboundPolicy as LinkerdInboundPolicy)
        : 'all-unauthenticated',
      nativeSidecar: typeof linkerd.nativeSidecar === 'boolean' ? linkerd.nativeSidecar : undefined,
      proxyPorts: {
        inbound: num(ports.inbound) ?? 4143,
        outbound: num(ports.outbound) ?? 4140,
        admin: num(ports.admin) ?? 4191,
        control: num(ports.control) ?? 4190,
      },
      opaquePorts: Array.isArray(linkerd.opaquePorts) ? linkerd.opaquePorts.filter((x): x is number => typeof x === 'number') : [25, 587, 3306, 4444, 5432, 6379, 9300, 11211],
      version: parseVersion(linkerd.version),
    },
    consul: {
      connectInjectDefault: consul.connectInjectDefault === true,
      connectInjectDeclared: typeof consul.connectInjectDefault === 'boolean',
      namespaceSelector: isObject(consul.namespaceSelector) ? labelSelector(consul.namespaceSelector, 'everything') : undefined,
      allowNamespaces: strings(consul.allowNamespaces) ?? ['*'],
      denyNamespaces: strings(consul.denyNamespaces) ?? [],
      transparentProxyDefault: consul.transparentProxyDefault !== false,
      allowEnablingPermissiveMutualTLS: typeof consul.allowEnablingPermissiveMutualTLS === 'boolean' ? consul.allowEnablingPermissiveMutualTLS : undefined,
      version: parseVersion(consul.version),
    },
    kuma: {
      defaultMesh: string(kuma.defaultMesh) ?? 'default',
      meshes: kumaMeshes,
      controlPlaneNamespace: string(kuma.controlPlaneNamespace) ?? 'kuma-system',
      nativeSidecar: typeof kuma.nativeSidecar === 'boolean' ? kuma.nativeSidecar : undefined,
      version: parseVersion(kuma.version),
    },
    namespace(name: string): NamespaceInfo {
      let info = nsCache.get(name);
      if (!info) nsCache.set(name, (info = namespaceInfo(graph, name, obj(declaredNs[name]), Object.prototype.hasOwnProperty.call(declaredNs, name), namespacesComplete)));
      return info;
    },
    isInstalled(mesh: MeshName): boolean {
      return installed.meshes.includes(mesh);
    },
  };
  return model;
}

function namespaceInfo(graph: Graph, name: string, declared: JsonObject, isDeclared: boolean, complete: boolean): NamespaceInfo {
  const resource = graph.find('', 'Namespace', undefined, name);
  const meta = resource && isObject(resource.obj.metadata) ? resource.obj.metadata : {};
  const fromInputLabels = labelsOf(meta.labels);
  const fromInputAnnotations = labelsOf(meta.annotations);
  const declaredLabels = labelsOf(declared.labels);
  const declaredAnnotations = labelsOf(declared.annotations);
  // The API server adds the name label to every namespace.
  const labels: Labels = { [NAMESPACE_NAME_LABEL]: name, ...declaredLabels, ...fromInputLabels };
  const annotations: Labels = { ...declaredAnnotations, ...fromInputAnnotations };
  const origin = (field: 'labels' | 'annotations', input: Labels, cfg: Labels) => (key: string): FactOrigin | undefined => {
    const word = field === 'labels' ? 'label' : 'annotation';
    if (resource && Object.prototype.hasOwnProperty.call(input, key)) {
      return { resource, path: ['metadata', field, key], text: `${word} ${key}=${input[key]} on Namespace ${name}` };
    }
    if (Object.prototype.hasOwnProperty.call(cfg, key)) {
      return { path: [], text: `${word} ${key}=${cfg[key]} on namespace ${name} (cluster.namespaces)` };
    }
    return undefined;
  };
  return {
    name,
    labels,
    annotations,
    resource,
    known: Boolean(resource) || isDeclared || complete,
    labelOrigin: origin('labels', fromInputLabels, declaredLabels),
    annotationOrigin: origin('annotations', fromInputAnnotations, declaredAnnotations),
  };
}

/**
 * Meshes in the cluster: `cluster.meshes` when declared; otherwise every mesh whose API group or injection
 * markers appear anywhere in the input (a marker only matters if someone installed the mesh it names).
 */
function installedMeshes(graph: Graph, c: JsonObject): InstalledMeshes {
  if (Array.isArray(c.meshes)) {
    const meshes = c.meshes.filter((m): m is MeshName => typeof m === 'string' && (MESH_NAMES as readonly string[]).includes(m));
    return { meshes, declared: true, how: 'declared in cluster.meshes' };
  }
  const found = new Set<MeshName>();
  for (const gk of graph.kinds()) {
    const group = gk.includes('.') ? gk.slice(gk.indexOf('.') + 1) : '';
    const m = meshOfGroup(group);
    if (m) found.add(m);
  }
  // Markers can only add meshes not found yet: when the API groups already name every mesh, skip the scans.
  if (found.size < MESH_NAMES.length) {
    for (const t of graph.podTemplates) markerMeshes(t.labels, t.annotations, found);
    for (const r of graph.resources) {
      if (r.group !== '' || r.kind !== 'Namespace' || !isObject(r.obj.metadata)) continue;
      markerMeshes(labelsOf(r.obj.metadata.labels), labelsOf(r.obj.metadata.annotations), found);
    }
    for (const v of Object.values(obj(c.namespaces))) markerMeshes(labelsOf(obj(v).labels), labelsOf(obj(v).annotations), found);
  }
  const meshes = MESH_NAMES.filter((m) => found.has(m));
  return { meshes, declared: false, how: 'inferred from the input (mesh objects or injection markers), since cluster.meshes is not set' };
}

export function meshOfGroup(group: string): MeshName | undefined {
  if (group.endsWith('istio.io')) return 'istio';
  if (group.endsWith('linkerd.io')) return 'linkerd';
  if (group === 'consul.hashicorp.com') return 'consul';
  if (group === 'kuma.io') return 'kuma';
  return undefined;
}

function markerMeshes(labels: Labels, annotations: Labels, out: Set<MeshName>): void {
  if (ISTIO_INJECTION_NS_LABEL in labels || ISTIO_REV_LABEL in labels || ISTIO_INJECT in labels || ISTIO_INJECT in annotations || ISTIO_DATAPLANE_MODE in labels) out.add('istio');
  if (LINKERD_INJECT in annotations) out.add('linkerd');
  if (CONSUL_INJECT in annotations) out.add('consul');
  if (KUMA_INJECTION in labels) out.add('kuma');
}

/** "1.29", "v1.30.2", "stable-2.14.10", "2.18.0" → major.minor; edge and unparsable strings → undefined. */
export function parseVersion(v: unknown): Version | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const raw = String(v);
  const m = /^(?:v|stable-|enterprise-)?(\d+)\.(\d+)/.exec(raw.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), raw };
}

export function atLeast(v: Version | undefined, major: number, minor: number): boolean | undefined {
  if (!v) return undefined;
  return v.major > major || (v.major === major && v.minor >= minor);
}

function mtlsMode(v: unknown): MtlsMode | undefined {
  return v === 'STRICT' || v === 'PERMISSIVE' || v === 'DISABLE' || v === 'UNSET' ? v : undefined;
}

function selectors(v: unknown): Selector[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).map((s) => labelSelector(s, 'nothing'));
}

function toJson(v: Readonly<Record<string, unknown>>): JsonObject {
  return isObject(v) ? (v as JsonObject) : {};
}

function obj(v: JsonValue | unknown): JsonObject {
  return isObject(v) ? v : {};
}

function string(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}
