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
import { kumaMeshOf } from './mtls.js';
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

/**
 * Mesh policies that apply to the template: those that select it, then namespace-wide and mesh-wide ones of
 * the mesh it belongs to (a selector-less Sidecar in the root namespace only when its namespace has none).
 */
export function policiesApplyingTo(graph: Graph, t: PodTemplate): readonly AppliedPolicy[] {
  return graph.memo('mesh:applies', t.owner.id, () => {
    const idx = index(graph);
    const out: AppliedPolicy[] = [...(idx.byTemplate.get(t.owner.id) ?? [])];
    const dp = dataPlaneOf(graph, t);
    const meshes = new Set([dp.mesh, ...dp.candidates]);
    const ofMesh = (r: Resource) => {
      if (r.group.endsWith('istio.io')) return meshes.has('istio');
      if (r.group.endsWith('linkerd.io')) return meshes.has('linkerd');
      if (r.group === 'consul.hashicorp.com') return meshes.has('consul');
      if (r.group === 'kuma.io') {
        if (!meshes.has('kuma')) return false;
        const meta = isObject(r.obj.metadata) ? r.obj.metadata : {};
        const label = isObject(meta.labels) ? meta.labels['kuma.io/mesh'] : undefined;
        return (typeof label === 'string' ? label : clusterFacts(graph).kuma.defaultMesh) === kumaMeshOf(graph, t).name;
      }
      return true;
    };
    const nsWide = (idx.byNamespace.get(t.namespace) ?? []).filter(ofMesh);
    const hasOwnSidecar = nsWide.some((r) => r.kind === 'Sidecar') || out.some((p) => p.resource.kind === 'Sidecar');
    for (const r of nsWide) out.push({ resource: r, scope: 'namespace' });
    for (const r of idx.meshWide.filter(ofMesh)) {
      if (r.kind === 'Sidecar' && hasOwnSidecar) continue;
      out.push({ resource: r, scope: 'mesh' });
    }
    return out;
  });
}
