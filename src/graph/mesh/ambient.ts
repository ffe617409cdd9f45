/**
 * Istio ambient waypoints (semantics.md §2.2): which waypoint, if any, handles L7 for a pod or a Service.
 * `istio.io/use-waypoint` on the pod or Service wins over the namespace label; `#none` opts out;
 * `istio.io/use-waypoint-namespace` names the waypoint's namespace. The waypoint Gateway must accept the
 * traffic type through `istio.io/waypoint-for` (`service` by default, `workload`, `all`, `none`)
 * [I-API-LABELS; I-DOC-AMB-ADD].
 */
import { isObject, type Path, type Resource } from '../../load/types.js';
import type { Graph, PodTemplate } from '../graph.js';
import { labelsOf, type Labels } from '../labels.js';
import { clusterFacts, type NamespaceInfo } from './facts.js';
import { ISTIO_USE_WAYPOINT, ISTIO_USE_WAYPOINT_NS, ISTIO_WAYPOINT_FOR } from './markers.js';
import type { Decision } from './model.js';

export const AMBIENT_READS: readonly string[] = ['Namespace', 'workloads', 'Gateway.gateway.networking.k8s.io'];

export interface WaypointLookup {
  /** The waypoint that handles the traffic; undefined when none does. */
  readonly waypoint?: { readonly name: string; readonly namespace: string; readonly gateway?: Resource };
  readonly decidedBy: Decision;
}

/** Waypoint for traffic addressed to the pod itself (workload-addressed): pod label, else namespace label. */
export function waypointForTemplate(graph: Graph, t: PodTemplate): WaypointLookup {
  return graph.memo('mesh:waypoint:t', t.owner.id, () => {
    const ns = clusterFacts(graph).namespace(t.namespace);
    const own = t.labels[ISTIO_USE_WAYPOINT] !== undefined ? { labels: t.labels, resource: t.owner, path: [...t.path, 'metadata', 'labels'] as Path, what: 'pod label' } : undefined;
    return lookup(graph, own, ns, 'workload');
  });
}

/** Waypoint for traffic addressed to a Service: Service label, else namespace label. */
export function waypointForService(graph: Graph, svc: Resource): WaypointLookup {
  return graph.memo('mesh:waypoint:s', svc.id, () => {
    const ns = clusterFacts(graph).namespace(svc.namespace ?? graph.defaultNamespace);
    const labels = isObject(svc.obj.metadata) ? labelsOf(svc.obj.metadata.labels) : {};
    const own = labels[ISTIO_USE_WAYPOINT] !== undefined ? { labels, resource: svc, path: ['metadata', 'labels'] as Path, what: `label on Service ${svc.name}:` } : undefined;
    return lookup(graph, own, ns, 'service');
  });
}

function lookup(
  graph: Graph,
  own: { labels: Labels; resource: Resource; path: Path; what: string } | undefined,
  ns: NamespaceInfo,
  traffic: 'service' | 'workload',
): WaypointLookup {
  let name: string | undefined;
  let wpNs: string | undefined;
  let decided: Decision;
  if (own) {
    name = own.labels[ISTIO_USE_WAYPOINT];
    wpNs = own.labels[ISTIO_USE_WAYPOINT_NS];
    decided = { resource: own.resource, path: [...own.path, ISTIO_USE_WAYPOINT], reason: `${own.what} ${ISTIO_USE_WAYPOINT}=${name}`, assumed: false };
  } else if (ns.labels[ISTIO_USE_WAYPOINT] !== undefined) {
    name = ns.labels[ISTIO_USE_WAYPOINT];
    wpNs = ns.labels[ISTIO_USE_WAYPOINT_NS];
    const o = ns.labelOrigin(ISTIO_USE_WAYPOINT);
    decided = { resource: o?.resource, path: o?.path ?? [], reason: o?.text ?? `namespace ${ns.name} uses waypoint ${name}`, assumed: false };
  } else {
    return {
      decidedBy: {
        path: [],
        reason: ns.known
          ? `neither it nor namespace ${ns.name} carries ${ISTIO_USE_WAYPOINT}`
          : `it carries no ${ISTIO_USE_WAYPOINT} label and namespace ${ns.name} is described neither in the input nor in cluster.namespaces (assumed to have none)`,
        assumed: !ns.known,
      },
    };
  }
  if (!name || name === '#none') return { decidedBy: { ...decided, reason: `${decided.reason} (opts out of waypoints)` } };
  const namespace = wpNs ?? ns.name;
  const gateway = graph.find('gateway.networking.k8s.io', 'Gateway', namespace, name);
  if (gateway) {
    const gl = isObject(gateway.obj.metadata) ? labelsOf(gateway.obj.metadata.labels) : {};
    const accepts = gl[ISTIO_WAYPOINT_FOR] ?? 'service';
    if (accepts === 'none' || (accepts !== 'all' && accepts !== traffic)) {
      return { decidedBy: { ...decided, reason: `${decided.reason}, but waypoint ${namespace}/${name} has ${ISTIO_WAYPOINT_FOR}=${accepts} and does not take ${traffic}-addressed traffic` } };
    }
  }
  return { waypoint: { name, namespace, gateway }, decidedBy: gateway ? decided : { ...decided, reason: `${decided.reason} (the waypoint Gateway ${namespace}/${name} is not in the input; assumed to exist)`, assumed: true } };
}
