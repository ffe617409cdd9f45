/**
 * Which data plane a pod template gets, decided the way each mesh's admission webhook decides it
 * (semantics.md §2.1, §2.2, §3.1, §4, §5). Every verdict carries the marker that decided and the markers that
 * lost, so that rules and `meshlint explain` can quote them.
 *
 * - Istio, stage 1: the webhook is only called when the namespace/pod *labels* match one of its selectors
 *   (`istio-injection` beats `istio.io/rev`; `istio-injection` other than `enabled` matches nothing; the pod
 *   label opts in only in a namespace without either label); stage 2 inside the webhook: hostNetwork and the
 *   ignored namespaces never, then the pod label (else the deprecated annotation) `true`/`false`, then
 *   never/always selectors, then `autoInject` [I-INJ-WH; I-INJ-GO]. Ambient: `istio.io/dataplane-mode` on the
 *   pod, else the namespace; a sidecar wins over ambient [I-DOC-AMB-ADD].
 * - Linkerd: annotation on the namespace or the pod; the pod overrides the namespace either way; any invalid
 *   value means no injection [L-REPORT disableByAnnotation].
 * - Consul: pod annotation, parsed as a Go bool; default from `connectInject.default` (false) [C-WH].
 * - Kuma: pod label, else namespace label; the pod label is only read when the namespace carries the label at
 *   all, because the pod webhook's namespaceSelector requires it [KU-INJ; KU-WH].
 */
import { isObject, type Path } from '../../load/types.js';
import type { Graph, PodTemplate } from '../graph.js';
import { selectorMatches } from '../labels.js';
import { atLeast, clusterFacts, type ClusterModel, type NamespaceInfo } from './facts.js';
import {
  CONSUL_IGNORED_NAMESPACES,
  CONSUL_INJECT,
  CONSUL_INJECT_STATUS,
  ISTIO_DATAPLANE_MODE,
  ISTIO_IGNORED_NAMESPACES,
  ISTIO_INJECT,
  ISTIO_INJECTION_NS_LABEL,
  ISTIO_NATIVE_SIDECAR,
  ISTIO_REV_LABEL,
  KUMA_INJECTION,
  LINKERD_ADMISSION_WEBHOOKS,
  LINKERD_IGNORED_NAMESPACES,
  LINKERD_INJECT,
  LINKERD_NATIVE_SIDECAR,
} from './markers.js';
import type { DataPlane, Decision, MeshName } from './model.js';
import { tableOf } from './tables.js';

export type { DataPlane } from './model.js';

/**
 * A marker that asked for something and did not get it, with why it lost: `marker` (another explicit marker
 * won), `absence` (a marker the mesh also requires is missing, or the form used is not read), `invalid` (a value
 * the mesh does not understand), `platform` (hostNetwork, an excluded namespace), `mesh` (another mesh injects
 * too, or this mesh is not installed).
 */
export interface LostMarker extends MarkedDecision {
  readonly lostTo: 'marker' | 'absence' | 'invalid' | 'platform' | 'mesh';
}

/** The label or annotation a Decision quotes, when it quotes one. */
export interface MarkerRef {
  readonly on: 'pod' | 'namespace';
  readonly field: 'labels' | 'annotations';
  readonly key: string;
  readonly value: string;
}

export interface MarkedDecision extends Decision {
  readonly marker?: MarkerRef;
}

function lost(d: MarkedDecision, lostTo: LostMarker['lostTo']): LostMarker {
  return { ...d, lostTo };
}

/** One mesh's verdict on one pod template. */
export interface MeshVerdict {
  readonly mesh: MeshName;
  /** `sidecar`, `ambient` (Istio only) or `none`. */
  readonly outcome: 'sidecar' | 'ambient' | 'none';
  readonly decidedBy: MarkedDecision;
  /** A marker of this mesh asks for a proxy (whether or not it wins). */
  readonly wanted: boolean;
  /** Markers that asked for something else and lost. */
  readonly overridden: readonly LostMarker[];
  /** The webhook rejects the pod (an invalid value that the mesh reports as an error). */
  readonly rejected?: boolean;
}

export function dataPlaneOf(graph: Graph, t: PodTemplate): DataPlane {
  const table = tableOf<number, DataPlane>(graph, 'mesh:dataPlane');
  let dp = table.get(t.owner.id);
  if (dp === undefined) table.set(t.owner.id, (dp = computeDataPlane(graph, t)));
  return dp;
}

// Rules that only look at meshed (or only at unmeshed) workloads iterate these groups rather than every template.
interface DataPlaneGroups {
  readonly none: PodTemplate[];
  readonly sidecar: PodTemplate[];
  readonly byMesh: Map<MeshName, PodTemplate[]>;
}

function dataPlaneGroups(graph: Graph): DataPlaneGroups {
  return graph.memo('mesh:dataPlaneGroups', () => {
    const groups: DataPlaneGroups = { none: [], sidecar: [], byMesh: new Map() };
    for (const t of graph.templates()) {
      const dp = dataPlaneOf(graph, t);
      if (dp.mode === 'none' || !dp.mesh) {
        if (dp.mode === 'none') groups.none.push(t);
        continue;
      }
      if (dp.mode === 'sidecar') groups.sidecar.push(t);
      const l = groups.byMesh.get(dp.mesh);
      if (l) l.push(t);
      else groups.byMesh.set(dp.mesh, [t]);
    }
    return groups;
  });
}

/** Templates whose pods get no proxy (`dataPlaneOf(...).mode === 'none'`), in input order. */
export function templatesWithoutProxy(graph: Graph): readonly PodTemplate[] {
  return dataPlaneGroups(graph).none;
}

/** Templates whose pods get a sidecar proxy (of any mesh), in input order. */
export function sidecarTemplates(graph: Graph): readonly PodTemplate[] {
  return dataPlaneGroups(graph).sidecar;
}

/** Templates whose pods run `mesh`'s data plane (sidecar, or Istio ambient), in input order. */
export function templatesOfMesh(graph: Graph, mesh: MeshName): readonly PodTemplate[] {
  return dataPlaneGroups(graph).byMesh.get(mesh) ?? NO_TEMPLATES;
}

const NO_TEMPLATES: readonly PodTemplate[] = Object.freeze([]);

/** Every mesh's verdict, in the fixed order istio, linkerd, consul, kuma (for explain and conflict rules). */
export function meshVerdicts(graph: Graph, t: PodTemplate): readonly MeshVerdict[] {
  const table = tableOf<number, readonly MeshVerdict[]>(graph, 'mesh:verdicts');
  let v = table.get(t.owner.id);
  if (v === undefined) table.set(t.owner.id, (v = computeVerdicts(graph, t, ownMarkers(clusterFacts(graph), t))));
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// Verdicts shared by a namespace
//
// Most pod templates carry no injection marker of their own: the namespace decides. A mesh's verdict on such a
// template reads nothing of the template (no pod label, annotation or spec field it could quote), so it is the
// same object for every such template in the namespace and is computed once, from the first template that asks.
// `ownMarkers` lists, per mesh, everything in a template that the verdict functions below may read; a template
// that has any of it gets its own verdict for that mesh.

const MESH_ORDER: readonly MeshName[] = ['istio', 'linkerd', 'consul', 'kuma'];
const ISTIO_BIT = 1;
const LINKERD_BIT = 2;
const CONSUL_BIT = 4;
const KUMA_BIT = 8;
/** The proxy container each mesh injects, in MESH_ORDER (what `preInjected` looks for). */
const PROXY_CONTAINERS: readonly string[] = ['istio-proxy', 'linkerd-proxy', 'consul-dataplane', 'kuma-sidecar'];

interface NamespaceVerdicts {
  /** Per mesh (MESH_ORDER), the verdict on templates without markers of that mesh. */
  readonly shared: (MeshVerdict | undefined)[];
  /** All four shared verdicts, for templates without any marker. */
  all: readonly MeshVerdict[] | undefined;
  /** The data plane of templates without any marker (nor native-sidecar annotation). */
  dataPlane: DataPlane | undefined;
}

function namespaceVerdicts(graph: Graph, namespace: string): NamespaceVerdicts {
  const table = tableOf<string, NamespaceVerdicts>(graph, 'mesh:verdicts:ns');
  let v = table.get(namespace);
  if (v === undefined) table.set(namespace, (v = { shared: [undefined, undefined, undefined, undefined], all: undefined, dataPlane: undefined }));
  return v;
}

/** Bit per mesh (ISTIO_BIT...) whose proxy container the template already contains (see `preInjected`). */
function injectedProxies(t: PodTemplate): number {
  let bits = 0;
  const containers = t.spec.containers;
  if (Array.isArray(containers)) for (const c of containers) if (isObject(c)) bits |= proxyBit(c.name);
  const init = t.spec.initContainers;
  if (Array.isArray(init)) for (const c of init) if (isObject(c) && c.restartPolicy === 'Always') bits |= proxyBit(c.name);
  return bits;
}

function proxyBit(name: unknown): number {
  const i = typeof name === 'string' ? PROXY_CONTAINERS.indexOf(name) : -1;
  return i < 0 ? 0 : 1 << i;
}

/**
 * Bit per mesh whose verdict on this template may depend on the template itself: its markers, a hand-injected
 * proxy, `hostNetwork`, `automountServiceAccountToken: false`, or (Istio) never/always-inject selectors, which
 * match pod labels.
 */
function ownMarkers(facts: ClusterModel, t: PodTemplate): number {
  const l = t.labels;
  const a = t.annotations;
  const hostNetwork = t.spec.hostNetwork === true;
  let bits = injectedProxies(t);
  if (
    hostNetwork ||
    l[ISTIO_INJECT] !== undefined ||
    a[ISTIO_INJECT] !== undefined ||
    l[ISTIO_REV_LABEL] !== undefined ||
    l[ISTIO_DATAPLANE_MODE] !== undefined ||
    facts.istio.neverInjectSelector.length > 0 ||
    facts.istio.alwaysInjectSelector.length > 0
  ) {
    bits |= ISTIO_BIT;
  }
  if (hostNetwork || t.spec.automountServiceAccountToken === false || a[LINKERD_INJECT] !== undefined) bits |= LINKERD_BIT;
  if (a[CONSUL_INJECT] !== undefined || a[CONSUL_INJECT_STATUS] !== undefined) bits |= CONSUL_BIT;
  if (l[KUMA_INJECTION] !== undefined || a[KUMA_INJECTION] !== undefined) bits |= KUMA_BIT;
  return bits;
}

function verdictOf(facts: ClusterModel, ns: NamespaceInfo, t: PodTemplate, mesh: number): MeshVerdict {
  const v = mesh === 0 ? istioVerdict(facts, ns, t) : mesh === 1 ? linkerdVerdict(facts, ns, t) : mesh === 2 ? consulVerdict(facts, ns, t) : kumaVerdict(facts, ns, t);
  return notInstalled(facts, v);
}

function computeVerdicts(graph: Graph, t: PodTemplate, own: number): readonly MeshVerdict[] {
  const shared = namespaceVerdicts(graph, t.namespace);
  if (own === 0 && shared.all) return shared.all;
  const facts = clusterFacts(graph);
  const ns = facts.namespace(t.namespace);
  const out: MeshVerdict[] = [];
  for (let m = 0; m < MESH_ORDER.length; m++) {
    if (own & (1 << m)) out.push(verdictOf(facts, ns, t, m));
    else out.push((shared.shared[m] ??= verdictOf(facts, ns, t, m)));
  }
  if (own === 0) shared.all = out;
  return out;
}

function computeDataPlane(graph: Graph, t: PodTemplate): DataPlane {
  const facts = clusterFacts(graph);
  const own = ownMarkers(facts, t);
  // Without markers, the data plane is the namespace's too, unless the pod picks native sidecars itself.
  const sharable = own === 0 && t.annotations[ISTIO_NATIVE_SIDECAR] === undefined && t.annotations[LINKERD_NATIVE_SIDECAR] === undefined;
  const shared = sharable ? namespaceVerdicts(graph, t.namespace) : undefined;
  if (shared?.dataPlane) {
    // the namespace's verdicts are this template's too (what meshVerdicts would compute): record them
    tableOf<number, readonly MeshVerdict[]>(graph, 'mesh:verdicts').set(t.owner.id, shared.all!);
    return shared.dataPlane;
  }
  let verdicts = tableOf<number, readonly MeshVerdict[]>(graph, 'mesh:verdicts').get(t.owner.id);
  if (verdicts === undefined) {
    verdicts = computeVerdicts(graph, t, own);
    tableOf<number, readonly MeshVerdict[]>(graph, 'mesh:verdicts').set(t.owner.id, verdicts);
  }
  const dp = dataPlaneFrom(graph, facts, t, verdicts);
  if (shared) shared.dataPlane = dp;
  return dp;
}

function dataPlaneFrom(graph: Graph, facts: ClusterModel, t: PodTemplate, verdicts: readonly MeshVerdict[]): DataPlane {
  const injecting = verdicts.filter((v) => v.outcome !== 'none');
  const overridden: LostMarker[] = verdicts.flatMap((v) => v.overridden);
  const candidates = verdicts.filter((v) => v.wanted || v.outcome !== 'none').map((v) => v.mesh);
  if (injecting.length) {
    const primary = injecting[0]!;
    for (const other of injecting.slice(1)) {
      overridden.push(lost({ ...other.decidedBy, reason: `${other.decidedBy.reason}, so ${meshTitle(other.mesh)} injects its proxy too` }, 'mesh'));
    }
    const mode = primary.outcome === 'ambient' ? 'ambient' : 'sidecar';
    const native = mode === 'sidecar' ? nativeSidecarOf(graph, t, primary.mesh).native === true : false;
    return { mesh: primary.mesh, mode, nativeSidecar: native, decidedBy: primary.decidedBy, overridden, candidates };
  }
  // No proxy: the most telling reason is a marker that asked for one and lost, else an installed mesh's default.
  const asked = verdicts.find((v) => v.wanted);
  const installed = verdicts.find((v) => facts.isInstalled(v.mesh));
  const ns = facts.namespace(t.namespace);
  const decidedBy: Decision = asked?.decidedBy ??
    installed?.decidedBy ?? {
      path: [],
      reason: ns.known
        ? `no mesh injection marker applies to the pod or to namespace ${t.namespace}`
        : `no mesh injection marker on the pod, and namespace ${t.namespace} is described neither in the input nor in cluster.namespaces (assumed unlabelled)`,
      assumed: !ns.known,
    };
  return { mesh: undefined, mode: 'none', nativeSidecar: false, decidedBy, overridden, candidates };
}

export function meshTitle(m: MeshName): string {
  return m === 'istio' ? 'Istio' : m === 'linkerd' ? 'Linkerd' : m === 'consul' ? 'Consul' : 'Kuma';
}

/** A mesh that `cluster.meshes` says is not installed injects nothing, whatever its markers say. */
function notInstalled(facts: ClusterModel, v: MeshVerdict): MeshVerdict {
  if (!facts.installed.declared || facts.isInstalled(v.mesh) || (!v.wanted && v.outcome === 'none')) return v;
  const gone = v.outcome !== 'none' || v.wanted ? [lost({ ...v.decidedBy, reason: `${v.decidedBy.reason}, but ${meshTitle(v.mesh)} is not installed (cluster.meshes)` }, 'mesh')] : [];
  return {
    mesh: v.mesh,
    outcome: 'none',
    wanted: v.wanted,
    decidedBy: { path: [], reason: `${meshTitle(v.mesh)} is not installed (cluster.meshes lists ${facts.installed.meshes.join(', ') || 'no mesh'})`, assumed: false },
    overridden: [...v.overridden, ...gone],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Markers as Decisions

function podLabel(t: PodTemplate, key: string, reason?: string): MarkedDecision {
  const marker: MarkerRef = { on: 'pod', field: 'labels', key, value: t.labels[key] ?? '' };
  return { resource: t.owner, path: [...t.path, 'metadata', 'labels', key], reason: reason ?? `pod label ${key}=${t.labels[key]}`, assumed: false, marker };
}

function podAnnotation(t: PodTemplate, key: string, reason?: string): MarkedDecision {
  const marker: MarkerRef = { on: 'pod', field: 'annotations', key, value: t.annotations[key] ?? '' };
  return { resource: t.owner, path: [...t.path, 'metadata', 'annotations', key], reason: reason ?? `pod annotation ${key}=${t.annotations[key]}`, assumed: false, marker };
}

function podSpecField(t: PodTemplate, field: string, reason: string): Decision {
  return { resource: t.owner, path: [...t.path, 'spec', field], reason, assumed: false };
}

function nsLabel(ns: NamespaceInfo, key: string, suffix = ''): MarkedDecision {
  const o = ns.labelOrigin(key);
  const marker: MarkerRef = { on: 'namespace', field: 'labels', key, value: ns.labels[key] ?? '' };
  return { resource: o?.resource, path: o?.path ?? [], reason: `${o?.text ?? `label ${key} on namespace ${ns.name}`}${suffix}`, assumed: false, marker };
}

function nsAnnotation(ns: NamespaceInfo, key: string, suffix = ''): MarkedDecision {
  const o = ns.annotationOrigin(key);
  const marker: MarkerRef = { on: 'namespace', field: 'annotations', key, value: ns.annotations[key] ?? '' };
  return { resource: o?.resource, path: o?.path ?? [], reason: `${o?.text ?? `annotation ${key} on namespace ${ns.name}`}${suffix}`, assumed: false, marker };
}

function factDecision(reason: string, assumed = false): Decision {
  return { path: [], reason, assumed };
}

/** Why a namespace "has no label": known to be so, or assumed because nobody described it. */
function nsLacks(ns: NamespaceInfo, what: string): Decision {
  const d = ns.resource ? { resource: ns.resource, path: ['metadata'] as Path } : { path: [] as Path };
  return ns.known
    ? { ...d, reason: `namespace ${ns.name} has no ${what}`, assumed: false }
    : { ...d, reason: `namespace ${ns.name} is described neither in the input nor in cluster.namespaces, so it is assumed to have no ${what}`, assumed: true };
}

/** The container a proxy was injected into by hand (`istioctl kube-inject`, `linkerd inject --manual`...). */
function preInjected(t: PodTemplate, name: string): Decision | undefined {
  for (const field of ['containers', 'initContainers'] as const) {
    const list = t.spec[field];
    if (!Array.isArray(list)) continue;
    const i = list.findIndex((c) => isObject(c) && c.name === name && (field === 'containers' || c.restartPolicy === 'Always'));
    if (i >= 0) return { resource: t.owner, path: [...t.path, 'spec', field, i, 'name'], reason: `the template already contains the ${name} container (injected before apply)`, assumed: false };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Istio

function istioVerdict(facts: ClusterModel, ns: NamespaceInfo, t: PodTemplate): MeshVerdict {
  const sidecar = istioSidecar(facts, ns, t);
  const overridden = [...sidecar.overridden];
  const podMode = t.labels[ISTIO_DATAPLANE_MODE];
  const nsMode = ns.labels[ISTIO_DATAPLANE_MODE];
  const modeMarker = podMode !== undefined ? podLabel(t, ISTIO_DATAPLANE_MODE) : nsMode !== undefined ? nsLabel(ns, ISTIO_DATAPLANE_MODE) : undefined;
  const mode = podMode ?? nsMode;
  const wantsAmbient = mode === 'ambient';
  if (podMode === 'none' && nsMode === 'ambient') overridden.push(lost(nsLabel(ns, ISTIO_DATAPLANE_MODE, ', but the pod opts out with istio.io/dataplane-mode=none'), 'marker'));
  if (mode !== undefined && mode !== 'ambient' && mode !== 'none' && modeMarker) {
    overridden.push(lost({ ...modeMarker, reason: `${modeMarker.reason} is not a valid value (ambient or none) and is ignored` }, 'invalid'));
  }
  if (sidecar.outcome === 'sidecar') {
    if (wantsAmbient && modeMarker) overridden.push(lost({ ...modeMarker, reason: `${modeMarker.reason} asks for ambient, but sidecar injection takes precedence` }, 'marker'));
    return { ...sidecar, overridden, wanted: true };
  }
  if (wantsAmbient && modeMarker) {
    if (t.spec.hostNetwork === true) {
      overridden.push(lost({ ...modeMarker, reason: `${modeMarker.reason}, but hostNetwork pods are not captured by ztunnel` }, 'platform'));
    } else if (t.namespace === 'kube-system') {
      overridden.push(lost({ ...modeMarker, reason: `${modeMarker.reason}, but istio-cni excludes namespace kube-system` }, 'platform'));
    } else {
      return { mesh: 'istio', outcome: 'ambient', decidedBy: modeMarker, wanted: true, overridden };
    }
  }
  return { ...sidecar, overridden, wanted: sidecar.wanted || wantsAmbient };
}

function istioSidecar(facts: ClusterModel, ns: NamespaceInfo, t: PodTemplate): MeshVerdict {
  const overridden: LostMarker[] = [];
  const no = (decidedBy: Decision, wanted: boolean): MeshVerdict => ({ mesh: 'istio', outcome: 'none', decidedBy, wanted, overridden });
  const manual = preInjected(t, 'istio-proxy');
  if (manual) return { mesh: 'istio', outcome: 'sidecar', decidedBy: manual, wanted: true, overridden };

  const pl = t.labels[ISTIO_INJECT];
  const pa = t.annotations[ISTIO_INJECT];
  const podRev = t.labels[ISTIO_REV_LABEL];
  const nsInj = ns.labels[ISTIO_INJECTION_NS_LABEL];
  const nsRev = ns.labels[ISTIO_REV_LABEL];
  const revisions = facts.istio.revisions;
  const podAsks = pl === 'true' || podRev !== undefined;
  // The label wins over the annotation, in the webhook's selectors and inside it [I-INJ-GO].
  if (pl !== undefined && pa !== undefined && pl !== pa) overridden.push(lost(podAnnotation(t, ISTIO_INJECT, `pod annotation ${ISTIO_INJECT}=${pa}, ignored because the label says ${pl}`), 'marker'));
  // A namespace value other than "enabled" matches no webhook, but "true" and the like still show the intent.
  const nsAsks = nsInj !== undefined && ['enabled', 'true', 'yes', 'on', '1'].includes(nsInj.toLowerCase());
  const wanted = nsAsks || nsRev !== undefined || podAsks || pa === 'true';

  // Stage 1: which webhook (if any) the API server calls, from labels only [I-INJ-WH].
  let called: Decision;
  if (nsInj !== undefined) {
    if (nsRev !== undefined) overridden.push(lost(nsLabel(ns, ISTIO_REV_LABEL, `, ignored because ${ISTIO_INJECTION_NS_LABEL} takes precedence`), 'marker'));
    if (nsInj !== 'enabled') {
      if (pl === 'true') overridden.push(lost(podLabel(t, ISTIO_INJECT, `pod label ${ISTIO_INJECT}=true, which cannot opt in while the namespace has ${ISTIO_INJECTION_NS_LABEL}=${nsInj}`), 'marker'));
      if (podRev !== undefined) overridden.push(lost(podLabel(t, ISTIO_REV_LABEL, `pod label ${ISTIO_REV_LABEL}=${podRev}, ignored while the namespace has ${ISTIO_INJECTION_NS_LABEL}=${nsInj}`), 'marker'));
      const why = nsInj === 'disabled' ? '' : ` (no injection webhook matches it: only "enabled" does)`;
      return no(nsLabel(ns, ISTIO_INJECTION_NS_LABEL, why), wanted);
    }
    if (podRev !== undefined) overridden.push(lost(podLabel(t, ISTIO_REV_LABEL, `pod label ${ISTIO_REV_LABEL}=${podRev}, ignored because the namespace label ${ISTIO_INJECTION_NS_LABEL}=enabled selects the default revision`), 'marker'));
    if (pl === 'false') return no(podLabel(t, ISTIO_INJECT), wanted);
    called = nsLabel(ns, ISTIO_INJECTION_NS_LABEL);
  } else if (nsRev !== undefined) {
    if (podRev !== undefined && podRev !== nsRev) overridden.push(lost(podLabel(t, ISTIO_REV_LABEL, `pod label ${ISTIO_REV_LABEL}=${podRev}, ignored because the namespace selects revision ${nsRev}`), 'marker'));
    if (revisions && !revisions.includes(nsRev)) {
      return no(nsLabel(ns, ISTIO_REV_LABEL, `, but revision ${nsRev} is not installed (cluster.istio.revisions: ${revisions.join(', ') || 'none'})`), wanted);
    }
    if (pl === 'false') return no(podLabel(t, ISTIO_INJECT), wanted);
    called = nsLabel(ns, ISTIO_REV_LABEL);
  } else if (podRev !== undefined) {
    if (pl === 'false') return no(podLabel(t, ISTIO_INJECT), wanted);
    if (revisions && !revisions.includes(podRev)) {
      return no(podLabel(t, ISTIO_REV_LABEL, `pod label ${ISTIO_REV_LABEL}=${podRev}, but revision ${podRev} is not installed (cluster.istio.revisions: ${revisions.join(', ') || 'none'})`), wanted);
    }
    if (!ns.known) {
      // The pod-level webhooks require the namespace to carry neither label: assumed, not known.
      called = { ...podLabel(t, ISTIO_REV_LABEL), reason: `pod label ${ISTIO_REV_LABEL}=${podRev} (assuming namespace ${ns.name} has no injection label)`, assumed: true };
    } else called = podLabel(t, ISTIO_REV_LABEL);
  } else if (pl === 'true') {
    called = ns.known ? podLabel(t, ISTIO_INJECT) : { ...podLabel(t, ISTIO_INJECT), reason: `pod label ${ISTIO_INJECT}=true (assuming namespace ${ns.name} has no injection label)`, assumed: true };
  } else if (facts.istio.enableNamespacesByDefault && !ISTIO_IGNORED_NAMESPACES.includes(ns.name) && pl !== 'false') {
    called = factDecision(`cluster.istio.enableNamespacesByDefault is true and namespace ${ns.name} has no injection label`, !ns.known);
  } else {
    if (pa === 'true') {
      overridden.push(lost(podAnnotation(t, ISTIO_INJECT, `pod annotation ${ISTIO_INJECT}=true, which cannot opt a pod in: the webhook's object selector reads labels only`), 'absence'));
    }
    return no(nsLacks(ns, `${ISTIO_INJECTION_NS_LABEL} or ${ISTIO_REV_LABEL} label`), wanted);
  }

  // Stage 2: injectRequired() inside the webhook [I-INJ-GO].
  if (t.spec.hostNetwork === true) return no(podSpecField(t, 'hostNetwork', 'hostNetwork: true (Istio never injects host-network pods)'), wanted);
  if (ISTIO_IGNORED_NAMESPACES.includes(ns.name)) return no(factDecision(`namespace ${ns.name} is one Istio never injects`), wanted);
  const explicit = pl !== undefined ? podLabel(t, ISTIO_INJECT) : pa !== undefined ? podAnnotation(t, ISTIO_INJECT) : undefined;
  const value = (pl ?? pa)?.toLowerCase();
  // injectRequired() lower-cases the value: y/yes/true/on inject, an empty value falls to the default, and
  // ANY other value means "do not inject" (istio/istio pkg/kube/inject/inject.go, checked 2026-11).
  if (value !== undefined && ISTIO_INJECT_YES.includes(value) && explicit) return { mesh: 'istio', outcome: 'sidecar', decidedBy: stage1Then(called, explicit), wanted: true, overridden };
  if (value === 'false' && explicit) return no(explicit, wanted);
  if (value !== undefined && value !== '' && explicit) {
    return no({ ...explicit, reason: `${explicit.reason}: not one of y, yes, true, on, so the injector treats it as "do not inject"` }, wanted);
  }
  for (const s of facts.istio.neverInjectSelector) {
    if (selectorMatches(s, t.labels)) return no(factDecision('the pod labels match cluster.istio.neverInjectSelector'), wanted);
  }
  for (const s of facts.istio.alwaysInjectSelector) {
    if (selectorMatches(s, t.labels)) return { mesh: 'istio', outcome: 'sidecar', decidedBy: factDecision('the pod labels match cluster.istio.alwaysInjectSelector'), wanted: true, overridden };
  }
  if (facts.istio.autoInject === 'disabled') {
    return no(factDecision(`${called.reason} calls the injector, but cluster.istio.autoInject is disabled and the pod does not set ${ISTIO_INJECT}=true`), wanted);
  }
  return { mesh: 'istio', outcome: 'sidecar', decidedBy: called, wanted: true, overridden };
}

function stage1Then(called: Decision, explicit: Decision): Decision {
  const same = called.resource === explicit.resource && called.path.join('\u0000') === explicit.path.join('\u0000');
  return same ? called : { ...explicit, reason: `${called.reason}; ${explicit.reason}`, assumed: called.assumed };
}

// ---------------------------------------------------------------------------------------------------------
// Linkerd

const LINKERD_VALUES = ['enabled', 'disabled', 'ingress'];

function linkerdVerdict(_facts: ClusterModel, ns: NamespaceInfo, t: PodTemplate): MeshVerdict {
  const overridden: LostMarker[] = [];
  const verdict = (outcome: 'sidecar' | 'none', decidedBy: Decision, wanted: boolean): MeshVerdict => ({ mesh: 'linkerd', outcome, decidedBy, wanted, overridden });
  const manual = preInjected(t, 'linkerd-proxy');
  if (manual) return verdict('sidecar', manual, true);
  const nsA = ns.annotations[LINKERD_INJECT];
  const podA = t.annotations[LINKERD_INJECT];
  const on = (v: string | undefined) => v === 'enabled' || v === 'ingress';
  const wanted = on(nsA) || on(podA);
  if (nsA === undefined && podA === undefined) return verdict('none', nsLacks(ns, `${LINKERD_INJECT} annotation (and the pod has none)`), false);
  if (LINKERD_IGNORED_NAMESPACES.includes(ns.name)) return verdict('none', factDecision(`the Linkerd webhook skips namespace ${ns.name}`), wanted);
  if (ns.labels[LINKERD_ADMISSION_WEBHOOKS] === 'disabled') return verdict('none', nsLabel(ns, LINKERD_ADMISSION_WEBHOOKS, ' (the webhook skips it)'), wanted);
  if (nsA !== undefined && !LINKERD_VALUES.includes(nsA)) {
    return verdict('none', nsAnnotation(ns, LINKERD_INJECT, ' is not a valid value (enabled, disabled, ingress), so nothing in the namespace is injected'), wanted);
  }
  if (podA !== undefined && !LINKERD_VALUES.includes(podA)) {
    return verdict('none', podAnnotation(t, LINKERD_INJECT, `pod annotation ${LINKERD_INJECT}=${podA} is not a valid value (enabled, disabled, ingress), so the pod is not injected`), wanted);
  }
  let decided: Decision;
  if (on(nsA)) {
    if (podA === 'disabled') return verdict('none', podAnnotation(t, LINKERD_INJECT), wanted);
    decided = on(podA) ? podAnnotation(t, LINKERD_INJECT) : nsAnnotation(ns, LINKERD_INJECT);
  } else if (on(podA)) {
    if (nsA === 'disabled') overridden.push(lost(nsAnnotation(ns, LINKERD_INJECT, ', overridden by the pod annotation (in Linkerd the pod wins)'), 'marker'));
    decided = podAnnotation(t, LINKERD_INJECT);
  } else {
    return verdict('none', podA !== undefined ? podAnnotation(t, LINKERD_INJECT) : nsAnnotation(ns, LINKERD_INJECT), wanted);
  }
  if (t.spec.hostNetwork === true) return verdict('none', podSpecField(t, 'hostNetwork', 'hostNetwork: true (Linkerd never injects host-network pods)'), wanted);
  if (t.spec.automountServiceAccountToken === false) {
    return verdict('none', podSpecField(t, 'automountServiceAccountToken', 'automountServiceAccountToken: false (the Linkerd proxy needs the token for its identity)'), wanted);
  }
  return verdict('sidecar', decided, true);
}

// ---------------------------------------------------------------------------------------------------------
// Consul

/** Values of sidecar.istio.io/inject that inject, after lower-casing (inject.go). */
const ISTIO_INJECT_YES = ['y', 'yes', 'true', 'on'];
const GO_TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const GO_FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

function consulVerdict(facts: ClusterModel, ns: NamespaceInfo, t: PodTemplate): MeshVerdict {
  const overridden: LostMarker[] = [];
  const verdict = (outcome: 'sidecar' | 'none', decidedBy: Decision, wanted: boolean, rejected = false): MeshVerdict => ({ mesh: 'consul', outcome, decidedBy, wanted, overridden, rejected });
  const manual = preInjected(t, 'consul-dataplane');
  if (manual) return verdict('sidecar', manual, true);
  const a = t.annotations[CONSUL_INJECT];
  const c = facts.consul;
  const wanted = (a !== undefined && GO_TRUE.includes(a)) || (a === undefined && c.connectInjectDefault && facts.isInstalled('consul'));
  if (a === undefined && !c.connectInjectDefault) {
    const how = c.connectInjectDeclared ? 'cluster.consul.connectInjectDefault is false' : 'connectInject.default is false unless cluster.consul.connectInjectDefault says otherwise';
    return verdict('none', factDecision(`the pod has no ${CONSUL_INJECT} annotation and Consul injects only pods that opt in (${how})`, !c.connectInjectDeclared), false);
  }
  if (CONSUL_IGNORED_NAMESPACES.includes(ns.name)) return verdict('none', factDecision(`Consul never injects namespace ${ns.name}`), wanted);
  if (c.denyNamespaces.includes(ns.name)) return verdict('none', factDecision(`namespace ${ns.name} is in cluster.consul.denyNamespaces`), wanted);
  if (!c.allowNamespaces.includes('*') && !c.allowNamespaces.includes(ns.name)) return verdict('none', factDecision(`namespace ${ns.name} is not in cluster.consul.allowNamespaces`), wanted);
  if (c.namespaceSelector && !selectorMatches(c.namespaceSelector, ns.labels)) {
    return verdict('none', factDecision(`namespace ${ns.name} does not match cluster.consul.namespaceSelector`, !ns.known), wanted);
  }
  if (t.annotations[CONSUL_INJECT_STATUS]) return verdict('sidecar', podAnnotation(t, CONSUL_INJECT_STATUS, 'the pod is marked as already injected'), true);
  if (a !== undefined) {
    if (GO_TRUE.includes(a)) return verdict('sidecar', podAnnotation(t, CONSUL_INJECT), true);
    if (GO_FALSE.includes(a)) return verdict('none', podAnnotation(t, CONSUL_INJECT), wanted);
    return verdict('none', podAnnotation(t, CONSUL_INJECT, `pod annotation ${CONSUL_INJECT}=${a} is not a boolean, so the webhook rejects the pod`), true, true);
  }
  return verdict('sidecar', factDecision('cluster.consul.connectInjectDefault is true (every pod is injected unless it opts out)'), true);
}

// ---------------------------------------------------------------------------------------------------------
// Kuma

function kumaValue(v: string): boolean | undefined {
  if (v === 'enabled' || v === 'true' || v === 'yes') return true;
  if (v === 'disabled' || v === 'false' || v === 'no') return false;
  return undefined;
}

function kumaVerdict(facts: ClusterModel, ns: NamespaceInfo, t: PodTemplate): MeshVerdict {
  const overridden: LostMarker[] = [];
  const verdict = (outcome: 'sidecar' | 'none', decidedBy: Decision, wanted: boolean, rejected = false): MeshVerdict => ({ mesh: 'kuma', outcome, decidedBy, wanted, overridden, rejected });
  const manual = preInjected(t, 'kuma-sidecar');
  if (manual) return verdict('sidecar', manual, true);
  const pl = t.labels[KUMA_INJECTION];
  const nl = ns.labels[KUMA_INJECTION];
  const pa = t.annotations[KUMA_INJECTION];
  const wanted = (pl !== undefined && kumaValue(pl) === true) || (pl === undefined && nl !== undefined && kumaValue(nl) === true);
  if (pa !== undefined && pl === undefined) overridden.push(lost(podAnnotation(t, KUMA_INJECTION, `pod annotation ${KUMA_INJECTION}=${pa}, which Kuma does not read (it reads the label)`), 'absence'));
  if (nl === undefined) {
    if (pl !== undefined && kumaValue(pl) === true) {
      const lacks = nsLacks(ns, `${KUMA_INJECTION} label, which the pod webhook requires before it reads the pod label`);
      overridden.push(lost({ ...podLabel(t, KUMA_INJECTION), reason: `pod label ${KUMA_INJECTION}=${pl} has no effect: ${lacks.reason}`, assumed: lacks.assumed }, 'absence'));
      return verdict('none', lacks, true);
    }
    return verdict('none', nsLacks(ns, `${KUMA_INJECTION} label`), false);
  }
  if (ns.name === 'kube-system' || ns.name === facts.kuma.controlPlaneNamespace) return verdict('none', factDecision(`the Kuma webhook excludes namespace ${ns.name}`), wanted);
  if (pl !== undefined) {
    const v = kumaValue(pl);
    if (v === undefined) return verdict('none', podLabel(t, KUMA_INJECTION, `pod label ${KUMA_INJECTION}=${pl} is not a valid value (enabled or disabled), so the webhook rejects the pod`), true, true);
    if (v && kumaValue(nl) === false) overridden.push(lost(nsLabel(ns, KUMA_INJECTION, ', overridden by the pod label (in Kuma the pod wins)'), 'marker'));
    return verdict(v ? 'sidecar' : 'none', podLabel(t, KUMA_INJECTION), wanted);
  }
  const v = kumaValue(nl);
  if (v === undefined) return verdict('none', nsLabel(ns, KUMA_INJECTION, ' is not a valid value (enabled or disabled), so the webhook rejects the pods'), true, true);
  return verdict(v ? 'sidecar' : 'none', nsLabel(ns, KUMA_INJECTION), wanted);
}

// ---------------------------------------------------------------------------------------------------------
// Native sidecars

export interface NativeSidecar {
  /** undefined when it depends on facts meshlint does not have (node versions, mesh version). */
  readonly native: boolean | undefined;
  readonly decidedBy: Decision;
}

/**
 * Whether the proxy of `mesh` would run as a native sidecar (restartable init container) in this pod:
 * Istio by the pod annotation, else `ENABLE_NATIVE_SIDECARS` (default `auto`: kubelet ≥ 1.33) [I-INJ-NATIVE];
 * Linkerd by the workload/namespace annotation, else `proxy.nativeSidecar` (default since 2.20) [L-DOC-NATIVE];
 * Consul injects consul-dataplane as a regular container (native injection is an open feature request,
 * hashicorp/consul-k8s#3919); Kuma only when `cluster.kuma.nativeSidecar` says so.
 */
export function nativeSidecarOf(graph: Graph, t: PodTemplate, mesh: MeshName): NativeSidecar {
  const facts = clusterFacts(graph);
  const k8s = facts.kubernetesVersion;
  const manualProxy = mesh === 'istio' ? 'istio-proxy' : mesh === 'linkerd' ? 'linkerd-proxy' : mesh === 'consul' ? 'consul-dataplane' : 'kuma-sidecar';
  const manual = preInjected(t, manualProxy);
  if (manual) {
    const inInit = manual.path.includes('initContainers');
    return { native: inInit, decidedBy: { ...manual, reason: `the ${manualProxy} container is ${inInit ? 'a restartable init container' : 'a regular container'}` } };
  }
  if (k8s && !atLeast(k8s, 1, 29)) {
    return { native: false, decidedBy: factDecision(`cluster.kubernetesVersion ${k8s.raw} predates native sidecars (on by default from 1.29)`) };
  }
  switch (mesh) {
    case 'istio': {
      const a = t.annotations[ISTIO_NATIVE_SIDECAR];
      if (a === 'true' || a === 'false') return { native: a === 'true', decidedBy: podAnnotation(t, ISTIO_NATIVE_SIDECAR) };
      const mode = facts.istio.nativeSidecars;
      if (mode !== 'auto') return { native: mode === 'true', decidedBy: factDecision(`cluster.istio.nativeSidecars is ${mode}`) };
      const istioAuto = atLeast(facts.istio.version, 1, 28);
      if (istioAuto === false) return { native: false, decidedBy: factDecision(`Istio ${facts.istio.version?.raw} does not enable native sidecars by default`) };
      if (k8s) {
        const on = atLeast(k8s, 1, 33) === true;
        return { native: on, decidedBy: factDecision(`Istio's default (auto) enables native sidecars on kubelet 1.33 and later; cluster.kubernetesVersion is ${k8s.raw}${on && istioAuto === undefined ? ' (assuming Istio 1.28 or later, since cluster.istio.version is not declared)' : ''}`, on && istioAuto === undefined) };
      }
      return { native: undefined, decidedBy: factDecision("Istio's default (auto) depends on the nodes' kubelet version (1.33 or later), which cluster.kubernetesVersion does not declare", true) };
    }
    case 'linkerd': {
      const a = t.annotations[LINKERD_NATIVE_SIDECAR];
      if (a === 'true' || a === 'false') return { native: a === 'true', decidedBy: podAnnotation(t, LINKERD_NATIVE_SIDECAR) };
      const ns = facts.namespace(t.namespace);
      const na = ns.annotations[LINKERD_NATIVE_SIDECAR];
      if (na === 'true' || na === 'false') return { native: na === 'true', decidedBy: nsAnnotation(ns, LINKERD_NATIVE_SIDECAR) };
      if (facts.linkerd.nativeSidecar !== undefined) return { native: facts.linkerd.nativeSidecar, decidedBy: factDecision(`cluster.linkerd.nativeSidecar is ${facts.linkerd.nativeSidecar}`) };
      const v = facts.linkerd.version;
      const on = atLeast(v, 2, 20);
      if (on !== undefined) return { native: on, decidedBy: factDecision(`Linkerd ${v!.raw} ${on ? 'enables' : 'does not enable'} native sidecars by default (default since 2.20)`) };
      return { native: undefined, decidedBy: factDecision('Linkerd enables native sidecars by default only from 2.20, and cluster.linkerd.version is not declared', true) };
    }
    case 'consul':
      return { native: false, decidedBy: factDecision('consul-k8s injects consul-dataplane as a regular container') };
    case 'kuma':
      if (facts.kuma.nativeSidecar !== undefined) return { native: facts.kuma.nativeSidecar, decidedBy: factDecision(`cluster.kuma.nativeSidecar is ${facts.kuma.nativeSidecar}`) };
      return { native: false, decidedBy: factDecision('Kuma injects kuma-sidecar as a regular container unless its sidecar-containers feature is on (cluster.kuma.nativeSidecar not declared)', true) };
  }
}
