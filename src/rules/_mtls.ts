/**
 * Shared by the `mtls` family: how to name workloads and decisions in messages, the group-kind keys the mesh
 * model reads on a rule's behalf, and two small graph questions the model does not answer yet (each memoised
 * once per graph):
 *
 * - `servicePortsOf`: the Service ports that reach a workload, with the container port each one lands on;
 * - `linkerdRouteAuthorizations`: Linkerd/Gateway API routes attached to a `Server` and the AuthorizationPolicies
 *   that target those routes (the model's `linkerdAuthorizationsFor` covers Server- and Namespace-targeted ones).
 */
import type { Graph, PodTemplate } from '../graph/graph.js';
import { APPLIES_READS } from '../graph/mesh/applies.js';
import { meshTitle } from '../graph/mesh/injection.js';
import type { Decision, MeshName } from '../graph/mesh/model.js';
import { MTLS_READS } from '../graph/mesh/mtls.js';
import { serviceView } from '../graph/services.js';
import { getIn, isObject, str, type Path, type Resource } from '../load/types.js';
import type { RelatedLocation } from './types.js';
export { describeObject as objectName } from '../graph/graph.js';

/** Group-kind keys read by `dataPlaneOf`, `inboundMtlsOf` and `policiesApplyingTo`; spread into `meta.reads`. */
export const MODEL_READS: readonly string[] = [...new Set<string>(['workloads', 'Namespace', 'Service', ...MTLS_READS, ...APPLIES_READS])];

/** `Deployment shop/web`. */
export function workloadName(t: PodTemplate): string {
  return `${t.owner.kind} ${t.namespace}/${t.owner.name}`;
}


/** "a, b, c and 2 more". */
export function listNames(names: readonly string[], max = 3): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** A decision's reason, with a note when it rests on something outside the input. */
export function because(d: Decision): string {
  return d.assumed ? `${d.reason} [assumed: not shown by the input]` : d.reason;
}

/** A related location for the object that decided, when the decision came from the input. */
export function decisionRelated(d: Decision, message: string): RelatedLocation[] {
  return d.resource ? [{ resource: d.resource, path: d.path, message }] : [];
}

/** Where a finding about a workload as a whole points: the name of the object that owns the pod template. */
export function workloadPath(_t: PodTemplate): Path {
  return ['metadata', 'name'];
}

export function meshLabel(m: MeshName | undefined): string {
  return m ? meshTitle(m) : 'no mesh';
}

// ---------------------------------------------------------------------------------------------------------
// Service ports reaching a workload

export interface ExposedPort {
  readonly service: Resource;
  /** Port of the Service. */
  readonly servicePort: number | undefined;
  readonly servicePortName: string | undefined;
  /** Container port the traffic lands on. */
  readonly targetPort: number;
  /** Path of the Service port inside the Service. */
  readonly path: Path;
}

/** Service ports whose endpoints include this workload (only ports that resolve to a number for it). */
export function servicePortsOf(graph: Graph, t: PodTemplate): readonly ExposedPort[] {
  return exposedPortIndex(graph).get(t.owner.id) ?? NO_EXPOSED;
}

const NO_EXPOSED: readonly ExposedPort[] = Object.freeze([]);

/**
 * Template → the Service ports reaching it, built in one pass over the Services' endpoints. The order is the one
 * a per-template search gives: Services in input order (those of the template's namespace: a Service only
 * selects pods of its own, and one without a namespace is not among `servicesSelecting`), then ports in order.
 */
function exposedPortIndex(graph: Graph): ReadonlyMap<number, ExposedPort[]> {
  return graph.memo('mtls:exposed', () => {
    const m = new Map<number, ExposedPort[]>();
    for (const svc of graph.ofKind('', 'Service')) {
      if (svc.namespace === undefined) continue;
      for (const p of serviceView(graph, svc).ports) {
        if (p.protocol === 'UDP') continue;
        for (const ep of p.endpoints) {
          const e: ExposedPort = { service: svc, servicePort: p.port, servicePortName: p.name, targetPort: ep.port, path: p.path };
          const l = m.get(ep.template.owner.id);
          if (l) l.push(e);
          else m.set(ep.template.owner.id, [e]);
        }
      }
    }
    return m;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Linkerd routes attached to a Server

const LINKERD_ROUTE_KINDS: readonly (readonly [string, string])[] = [
  ['policy.linkerd.io', 'HTTPRoute'],
  ['gateway.networking.k8s.io', 'HTTPRoute'],
  ['gateway.networking.k8s.io', 'GRPCRoute'],
];

export const LINKERD_ROUTE_READS: readonly string[] = [
  ...LINKERD_ROUTE_KINDS.map(([g, k]) => `${k}.${g}`),
  'AuthorizationPolicy.policy.linkerd.io',
  'MeshTLSAuthentication.policy.linkerd.io',
  'NetworkAuthentication.policy.linkerd.io',
];

export interface LinkerdRouteAuthorizations {
  /** Routes whose parentRefs name the Server. */
  readonly routes: readonly Resource[];
  /** AuthorizationPolicies targeting one of those routes, with whether they require a mesh identity. */
  readonly authorizations: readonly { readonly resource: Resource; readonly requiresIdentity: boolean }[];
}

/** Routes attached to a Linkerd Server (same namespace, parentRef kind Server) and the policies authorizing them. */
export function linkerdRouteAuthorizations(graph: Graph, server: Resource): LinkerdRouteAuthorizations {
  const ns = server.namespace ?? graph.defaultNamespace;
  return linkerdRouteIndex(graph, ns).get(server.name) ?? NO_ROUTES;
}

const NO_ROUTES: LinkerdRouteAuthorizations = { routes: [], authorizations: [] };

/** Per namespace, once: Server name → attached routes and the AuthorizationPolicies targeting those routes. */
function linkerdRouteIndex(graph: Graph, ns: string): ReadonlyMap<string, LinkerdRouteAuthorizations> {
  return graph.memo('mtls:l5droutes', ns, () => {
    const routesByServer = new Map<string, Resource[]>();
    const serverOfRoute = new Map<string, string[]>();
    for (const [group, kind] of LINKERD_ROUTE_KINDS) {
      for (const r of graph.inNamespace(ns, group, kind)) {
        const parents = getIn(r.obj, ['spec', 'parentRefs']);
        if (!Array.isArray(parents)) continue;
        for (const p of parents) {
          if (!isObject(p) || p.kind !== 'Server' || typeof p.name !== 'string' || (p.namespace !== undefined && p.namespace !== ns)) continue;
          const list = routesByServer.get(p.name) ?? [];
          if (!list.includes(r)) list.push(r);
          routesByServer.set(p.name, list);
          const key = `${r.group}|${r.kind}|${r.name}`;
          serverOfRoute.set(key, [...(serverOfRoute.get(key) ?? []), p.name]);
        }
      }
    }
    const authzByServer = new Map<string, { resource: Resource; requiresIdentity: boolean }[]>();
    if (routesByServer.size) {
      for (const ap of graph.inNamespace(ns, 'policy.linkerd.io', 'AuthorizationPolicy')) {
        const ref = getIn(ap.obj, ['spec', 'targetRef']);
        if (!isObject(ref) || (ref.kind !== 'HTTPRoute' && ref.kind !== 'GRPCRoute') || typeof ref.name !== 'string') continue;
        const group = str(ref.group) ?? 'gateway.networking.k8s.io';
        for (const server of serverOfRoute.get(`${group}|${ref.kind}|${ref.name}`) ?? []) {
          authzByServer.set(server, [...(authzByServer.get(server) ?? []), { resource: ap, requiresIdentity: requiresIdentity(ap) }]);
        }
      }
    }
    const out = new Map<string, LinkerdRouteAuthorizations>();
    for (const [server, routes] of routesByServer) out.set(server, { routes, authorizations: authzByServer.get(server) ?? [] });
    return out;
  });
}

/** An AuthorizationPolicy whose required authentications include a mesh identity keeps plaintext callers out. */
function requiresIdentity(ap: Resource): boolean {
  const refs = getIn(ap.obj, ['spec', 'requiredAuthenticationRefs']);
  return Array.isArray(refs) && refs.some((r) => isObject(r) && (r.kind === 'MeshTLSAuthentication' || r.kind === 'ServiceAccount'));
}
