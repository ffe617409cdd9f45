/**
 * The reverse of targets.ts: for one pod template, the mesh policies that apply to it, found through an index
 * built once per graph (every selecting policy resolved once with `workloadsSelectedBy`, plus the policies that
 * apply namespace- or mesh-wide by having no selector).
 */
import { getIn, isObject, type Resource } from '../../load/types.js';
import { groupKindKey } from '../../load/kinds.js';
import type { Graph, PodTemplate } from '../graph.js';
import { clusterFacts } from './facts.js';
import { dataPlaneOf } from './injection.js';
import { kumaMeshNameOf } from './mtls.js';
import type { MeshName } from './model.js';
import { tableOf } from './tables.js';
import { SELECTING_POLICY_KINDS, TARGET_READS, workloadsSelectedBy } from './targets.js';

export interface AppliedPolicy {
  readonly resource: Resource;
  /** `workload`: its selector/targetRef picks this pod; `namespace`/`mesh`: it has none and covers the scope. */
  readonly scope: 'workload' | 'namespace' | 'mesh';
}

/** Istio kinds that apply to their whole namespace (mesh-wide in the root namespace) when they select nothing. */
const ISTIO_SCOPED: readonly [string, string][] = [
  ['security.istio.io', 'PeerAuthentication'],
  ['security.istio.io', 'AuthorizationPolicy'],
  ['security.istio.io', 'RequestAuthentication'],
  ['telemetry.istio.io', 'Telemetry'],
  ['networking.istio.io', 'Sidecar'],
  ['networking.istio.io', 'EnvoyFilter'],
  ['extensions.istio.io', 'WasmPlugin'],
];

const KUMA_POLICIES: readonly string[] = [
  'MeshTrafficPermission', 'MeshTLS', 'MeshRetry', 'MeshTimeout', 'MeshCircuitBreaker', 'MeshHealthCheck',
  'MeshLoadBalancingStrategy', 'MeshRateLimit', 'MeshFaultInjection', 'MeshAccessLog', 'MeshTrace', 'MeshMetric',
  'MeshProxyPatch', 'MeshPassthrough', 'MeshHTTPRoute', 'MeshTCPRoute',
];

const CONSUL_MESH_WIDE: readonly string[] = ['ProxyDefaults', 'Mesh'];

/** Group-kind keys `policiesApplyingTo` may read. */
export const APPLIES_READS: readonly string[] = [
  ...new Set([
    ...TARGET_READS,
    ...SELECTING_POLICY_KINDS,
    ...ISTIO_SCOPED.map(([g, k]) => groupKindKey(g, k)),
    ...KUMA_POLICIES.map((k) => groupKindKey('kuma.io', k)),
    ...CONSUL_MESH_WIDE.map((k) => groupKindKey('consul.hashicorp.com', k)),
    'ServiceDefaults.consul.hashicorp.com',
    'ServiceRouter.consul.hashicorp.com',
    'ServiceSplitter.consul.hashicorp.com',
    'ServiceResolver.consul.hashicorp.com',
  ]),
];

interface Index {
  readonly byTemplate: Map<number, AppliedPolicy[]>;
  readonly byNamespace: Map<string, Resource[]>;
  readonly meshWide: Resource[];
}

function index(graph: Graph): Index {
  return graph.memo('mesh:applies:index', () => {
    const byTemplate = new Map<number, AppliedPolicy[]>();
    const byNamespace = new Map<string, Resource[]>();
    const meshWide: Resource[] = [];
    const root = clusterFacts(graph).istio.rootNamespace;
    const cp = clusterFacts(graph).kuma.controlPlaneNamespace;
    const add = (t: PodTemplate, p: AppliedPolicy) => {
      const l = byTemplate.get(t.owner.id);
      if (l) l.push(p);
      else byTemplate.set(t.owner.id, [p]);
    };
    const wide = (r: Resource, ns: string | undefined) => {
      if (ns === undefined) meshWide.push(r);
      else {
        const l = byNamespace.get(ns);
        if (l) l.push(r);
        else byNamespace.set(ns, [r]);
      }
    };
    const seen = new Set<number>();
    const kinds: [string, string][] = [
      ...SELECTING_POLICY_KINDS.map((gk): [string, string] => {
        const dot = gk.indexOf('.');
        return dot < 0 ? ['', gk] : [gk.slice(dot + 1), gk.slice(0, dot)];
      }),
      ...ISTIO_SCOPED,
      ...KUMA_POLICIES.map((k): [string, string] => ['kuma.io', k]),
      ['consul.hashicorp.com', 'ServiceDefaults'],
      ['consul.hashicorp.com', 'ServiceRouter'],
      ['consul.hashicorp.com', 'ServiceSplitter'],
      ['consul.hashicorp.com', 'ServiceResolver'],
      ...CONSUL_MESH_WIDE.map((k): [string, string] => ['consul.hashicorp.com', k]),
    ];
    for (const [group, kind] of kinds) {
      for (const r of graph.ofKind(group, kind)) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        const ns = r.namespace ?? graph.defaultNamespace;
        const sel = workloadsSelectedBy(graph, r);
        if (sel) {
          if (!sel.ignored) for (const t of sel.templates) add(t, { resource: r, scope: 'workload' });
          continue;
        }
        if (group.endsWith('istio.io')) {
          if (hasTargetRefs(r) || (group === 'networking.istio.io' && kind !== 'Sidecar' && kind !== 'EnvoyFilter')) continue;
          wide(r, ns === root ? undefined : ns);
        } else if (group === 'policy.linkerd.io' && kind === 'AuthorizationPolicy') {
          const ref = getIn(r.obj, ['spec', 'targetRef']);
          if (isObject(ref) && ref.kind === 'Namespace') wide(r, ns);
        } else if (group === 'kuma.io') {
          const ref = getIn(r.obj, ['spec', 'targetRef']);
          if (!isObject(ref) || ref.kind === 'Mesh') wide(r, ns === cp ? undefined : ns);
        } else if (group === 'consul.hashicorp.com' && CONSUL_MESH_WIDE.includes(kind)) {
          wide(r, undefined);
        }
      }
    }
    return { byTemplate, byNamespace, meshWide };
  });
}

function hasTargetRefs(r: Resource): boolean {
  return isObject(getIn(r.obj, ['spec', 'targetRef'])) || Array.isArray(getIn(r.obj, ['spec', 'targetRefs']));
}

/** Policies whose selector or targetRef picks the template (scope `workload`), in input order of kinds. */
export function policiesSelecting(graph: Graph, t: PodTemplate): readonly AppliedPolicy[] {
  return index(graph).byTemplate.get(t.owner.id) ?? NONE;
}

const NONE: readonly AppliedPolicy[] = Object.freeze([]);

/**
 * Mesh policies that apply to the template: those that select it, then namespace-wide and mesh-wide ones of
 * the mesh it belongs to (a selector-less Sidecar in the root namespace only when its namespace has none).
 */
export function policiesApplyingTo(graph: Graph, t: PodTemplate): readonly AppliedPolicy[] {
  const table = tableOf<number, readonly AppliedPolicy[]>(graph, 'mesh:applies');
  let v = table.get(t.owner.id);
  if (v === undefined) table.set(t.owner.id, (v = computeApplying(graph, t)));
  return v;
}

const MESH_BITS: Readonly<Record<MeshName, number>> = { istio: 1, linkerd: 2, consul: 4, kuma: 8 };

function computeApplying(graph: Graph, t: PodTemplate): readonly AppliedPolicy[] {
  const idx = index(graph);
  const own = idx.byTemplate.get(t.owner.id);
  const dp = dataPlaneOf(graph, t);
  let meshes = dp.mesh ? MESH_BITS[dp.mesh] : 0;
  for (const m of dp.candidates) meshes |= MESH_BITS[m];
  // Only Kuma policies are told apart by the pod's mesh; no need to work it out for other pods.
  const kumaMesh = meshes & MESH_BITS.kuma ? kumaMeshNameOf(graph, t) : '';
  const ownSidecar = own !== undefined && own.some((p) => p.resource.kind === 'Sidecar');
  const wide = widePolicies(graph, idx, t.namespace, meshes, kumaMesh, ownSidecar);
  return own ? [...own, ...wide] : wide;
}

/**
 * The namespace-wide then mesh-wide policies for pods of one namespace, given the meshes the pod belongs to (bits),
 * its Kuma mesh and whether a Sidecar selects it: the same for every such pod, so computed once per combination.
 */
function widePolicies(graph: Graph, idx: Index, namespace: string, meshes: number, kumaMesh: string, ownSidecar: boolean): readonly AppliedPolicy[] {
  const byNs = tableOf<string, Map<string, readonly AppliedPolicy[]>>(graph, 'mesh:applies:wide');
  let cache = byNs.get(namespace);
  if (cache === undefined) byNs.set(namespace, (cache = new Map()));
  const key = `${meshes}|${ownSidecar ? 1 : 0}|${kumaMesh}`;
  let out = cache.get(key);
  if (out !== undefined) return out;
  const defaultMesh = clusterFacts(graph).kuma.defaultMesh;
  const ofMesh = (r: Resource): boolean => {
    if (r.group.endsWith('istio.io')) return (meshes & MESH_BITS.istio) !== 0;
    if (r.group.endsWith('linkerd.io')) return (meshes & MESH_BITS.linkerd) !== 0;
    if (r.group === 'consul.hashicorp.com') return (meshes & MESH_BITS.consul) !== 0;
    if (r.group === 'kuma.io') {
      if (!(meshes & MESH_BITS.kuma)) return false;
      const meta = isObject(r.obj.metadata) ? r.obj.metadata : {};
      const label = isObject(meta.labels) ? meta.labels['kuma.io/mesh'] : undefined;
      return (typeof label === 'string' ? label : defaultMesh) === kumaMesh;
    }
    return true;
  };
  const nsWide = (idx.byNamespace.get(namespace) ?? []).filter(ofMesh);
  const hasOwnSidecar = ownSidecar || nsWide.some((r) => r.kind === 'Sidecar');
  const list: AppliedPolicy[] = [];
  for (const r of nsWide) list.push({ resource: r, scope: 'namespace' });
  for (const r of idx.meshWide.filter(ofMesh)) {
    if (r.kind === 'Sidecar' && hasOwnSidecar) continue;
    list.push({ resource: r, scope: 'mesh' });
  }
  out = list.length ? list : NONE;
  cache.set(key, out);
  return out;
}
