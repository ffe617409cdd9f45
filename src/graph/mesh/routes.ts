/**
 * Every route → destination edge in the input, for every mesh, with the object and path that declared it
 * (semantics.md §2.4, §2.5, §3, §4, §5, §6):
 *
 * - Istio VirtualService `http[].route[]`, `http[].mirror(s)`, `tcp[].route[]`, `tls[].route[]` destinations
 *   (host resolved by hosts.ts, subset, port) and the `gateways` the service is bound to.
 * - Gateway API HTTPRoute/GRPCRoute/TCPRoute/TLSRoute/UDPRoute and Linkerd's policy.linkerd.io HTTPRoute:
 *   `backendRefs` (group "" and kind Service by default; `port` is the Service port and required for
 *   Services; another namespace needs a ReferenceGrant there) [G-OBJREF; G-RG], request-mirror backends, and
 *   `parentRefs` (Gateway by default; a Service needs `group: ""` — Linkerd also accepts `core`) [G-SHARED].
 * - SMI TrafficSplit root service and backends.
 * - Consul ServiceRouter / ServiceSplitter / ServiceResolver targets (Consul service names, see targets.ts).
 * - Kuma MeshHTTPRoute / MeshTCPRoute `to[].targetRef` and `backendRefs`, and their top-level targetRef.
 *
 * The model is general on purpose (retry analysis builds on it): an edge knows its route object and path, the
 * route rule it belongs to, its parents (gateways / parent Services / the mesh), the hosts callers address, and
 * the destination resolved to a Service, port and subset, with a status and a reason when it does not resolve.
 * Everything is computed once per graph and memoised.
 */
import { builtinKind, groupKindKey } from '../../load/kinds.js';
import { getIn, isObject, str, type JsonObject, type JsonValue, type Path, type Resource } from '../../load/types.js';
import { identityKey, type Graph } from '../graph.js';
import { labelSelector, selectorMatches } from '../labels.js';
import { servicePortByRef, serviceView } from '../services.js';
import { clusterFacts } from './facts.js';
import { HOST_READS, exportToOf, exportedTo, hostMatches, resolveHost, servicesNamed, type HostResolution } from './hosts.js';
import { consulServices, kumaServiceRef } from './targets.js';
import { namespaceOf as nsOf } from '../graph.js';
import { asArray as arr } from '../../load/types.js';

export type RouteApi = 'istio' | 'gateway-api' | 'linkerd' | 'smi' | 'consul' | 'kuma';

export type RouteEdgeKind =
  | 'istio-destination'
  | 'istio-mirror'
  | 'backend-ref'
  | 'mirror-ref'
  | 'smi-backend'
  | 'consul-route'
  | 'consul-split'
  | 'consul-redirect'
  | 'consul-failover'
  | 'kuma-to'
  | 'kuma-backend';

export interface RouteRule {
  readonly protocol: 'http' | 'tcp' | 'tls' | 'grpc' | 'udp';
  /** Index among the route's rules of that protocol. */
  readonly index: number;
  readonly path: Path;
  readonly name?: string;
}

export type TargetStatus =
  /** Resolves to an object in the input. */
  | 'ok'
  | 'missing'
  /** The object exists but has no such port. */
  | 'port-missing'
  /** A Service backendRef without `port` (the CRD requires it). */
  | 'port-required'
  /** Another namespace, and no ReferenceGrant there permits it. */
  | 'not-permitted'
  /** A group/kind that neither meshlint nor a CRD in the input declares. */
  | 'unknown-kind'
  /** Outside the cluster by design: an external host, another datacenter or peer. */
  | 'external'
  /** A kind that an implementation resolves itself (Istio Hostname, ServiceImport...). */
  | 'unmodelled';

export interface RouteTarget {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly port?: number | string;
  readonly subset?: string;
  readonly paths: { readonly ref: Path; readonly name: Path; readonly port?: Path; readonly subset?: Path; readonly namespace?: Path };
  /** Istio: how the host resolved. */
  readonly host?: HostResolution;
  /** The Kubernetes Service it resolves to. */
  readonly service?: Resource;
  /** The object it resolves to when that is not a Service (ServiceEntry, MeshExternalService...). */
  readonly object?: Resource;
  readonly status: TargetStatus;
  readonly reason?: string;
  /** The input shows nothing of that kind in that namespace: the object may be defined elsewhere. */
  readonly partial: boolean;
  /** Services of the same name in other namespaces (short names written in the wrong namespace). */
  readonly elsewhere?: readonly Resource[];
  /** The ReferenceGrant that permits a cross-namespace reference. */
  readonly grant?: Resource;
}

export type ParentStatus = 'ok' | 'mesh' | 'missing' | 'wrong-group' | 'no-listener' | 'not-allowed' | 'unmodelled';

export interface RouteParent {
  readonly api: RouteApi;
  readonly route: Resource;
  /** Path of the reference (a parentRef, a `gateways` entry, a TrafficSplit's `service`). */
  readonly path: Path;
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly sectionName?: string;
  readonly port?: number;
  readonly target?: Resource;
  readonly status: ParentStatus;
  readonly reason?: string;
  readonly partial: boolean;
  /** The key to point a finding at, when it is not `path` itself. */
  readonly detailPath?: Path;
}

export interface RouteEdge {
  readonly api: RouteApi;
  readonly kind: RouteEdgeKind;
  readonly route: Resource;
  /** Path of the destination / backendRef object inside the route. */
  readonly path: Path;
  readonly rule: RouteRule | undefined;
  readonly parents: readonly RouteParent[];
  /** Hosts callers address to reach the route (VirtualService hosts, route hostnames, SMI root, Consul service). */
  readonly callerHosts: readonly string[];
  readonly to: RouteTarget;
  readonly weight: number | undefined;
}

const GW = 'gateway.networking.k8s.io';
const GATEWAY_ROUTE_KINDS: readonly { group: string; kind: string; protocol: RouteRule['protocol']; api: RouteApi }[] = [
  { group: GW, kind: 'HTTPRoute', protocol: 'http', api: 'gateway-api' },
  { group: GW, kind: 'GRPCRoute', protocol: 'grpc', api: 'gateway-api' },
  { group: GW, kind: 'TCPRoute', protocol: 'tcp', api: 'gateway-api' },
  { group: GW, kind: 'TLSRoute', protocol: 'tls', api: 'gateway-api' },
  { group: GW, kind: 'UDPRoute', protocol: 'udp', api: 'gateway-api' },
  { group: 'policy.linkerd.io', kind: 'HTTPRoute', protocol: 'http', api: 'linkerd' },
];

export const ISTIO_ROUTE_READS = [...HOST_READS, 'VirtualService.networking.istio.io', 'Gateway.networking.istio.io', 'Gateway.gateway.networking.k8s.io', 'workloads'] as const;
export const GATEWAY_ROUTE_READS = [
  'Service',
  'workloads',
  'Namespace',
  ...GATEWAY_ROUTE_KINDS.map((k) => groupKindKey(k.group, k.kind)),
  'Gateway.gateway.networking.k8s.io',
  'ListenerSet.gateway.networking.k8s.io',
  'XListenerSet.gateway.networking.x-k8s.io',
  'ReferenceGrant.gateway.networking.k8s.io',
  'Server.policy.linkerd.io',
  'CustomResourceDefinition.apiextensions.k8s.io',
] as const;
export const SMI_ROUTE_READS = ['Service', 'workloads', 'TrafficSplit.split.smi-spec.io'] as const;
export const CONSUL_ROUTE_READS = [
  'Service',
  'workloads',
  'ServiceRouter.consul.hashicorp.com',
  'ServiceSplitter.consul.hashicorp.com',
  'ServiceResolver.consul.hashicorp.com',
  'TerminatingGateway.consul.hashicorp.com',
] as const;
export const KUMA_ROUTE_READS = [
  'Service',
  'workloads',
  'MeshHTTPRoute.kuma.io',
  'MeshTCPRoute.kuma.io',
  'MeshService.kuma.io',
  'MeshExternalService.kuma.io',
  'MeshGateway.kuma.io',
] as const;
export const ROUTE_READS = [...new Set<string>([...ISTIO_ROUTE_READS, ...GATEWAY_ROUTE_READS, ...SMI_ROUTE_READS, ...CONSUL_ROUTE_READS, ...KUMA_ROUTE_READS])];

/** Every route edge of every mesh. */
export function routeEdges(graph: Graph): readonly RouteEdge[] {
  return graph.memo('mesh/routes:all', () => [...istioRouteEdges(graph), ...gatewayRouteEdges(graph), ...smiRouteEdges(graph), ...consulRouteEdges(graph), ...kumaRouteEdges(graph)]);
}

/** Every parent / gateway reference of every route. */
export function routeParents(graph: Graph): readonly RouteParent[] {
  return graph.memo('mesh/routes:parents', () => [...istioRouteParents(graph), ...gatewayRouteParents(graph), ...smiRouteParents(graph), ...kumaRouteParents(graph)]);
}

/** Edges whose destination resolves to this Service. */
export function routesTo(graph: Graph, service: Resource): readonly RouteEdge[] {
  const idx = graph.memo('mesh/routes:byService', () => {
    const m = new Map<number, RouteEdge[]>();
    for (const e of routeEdges(graph)) {
      if (!e.to.service) continue;
      const l = m.get(e.to.service.id);
      if (l) l.push(e);
      else m.set(e.to.service.id, [e]);
    }
    return m;
  });
  return idx.get(service.id) ?? [];
}

/** Edges declared by one route object. */
export function routeEdgesOf(graph: Graph, route: Resource): readonly RouteEdge[] {
  const idx = graph.memo('mesh/routes:byRoute', () => {
    const m = new Map<number, RouteEdge[]>();
    for (const e of routeEdges(graph)) {
      const l = m.get(e.route.id);
      if (l) l.push(e);
      else m.set(e.route.id, [e]);
    }
    return m;
  });
  return idx.get(route.id) ?? [];
}



function num(v: JsonValue | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Istio VirtualService

/** Istio destinations of every VirtualService. */
export function istioRouteEdges(graph: Graph): readonly RouteEdge[] {
  return graph.memo('mesh/routes:istio', () => {
    const out: RouteEdge[] = [];
    for (const vs of graph.ofKind('networking.istio.io', 'VirtualService')) {
      const spec = isObject(vs.obj.spec) ? vs.obj.spec : {};
      const ns = nsOf(graph, vs);
      const parents = istioParentsOf(graph, vs);
      const callerHosts = arr(spec.hosts).filter((h): h is string => typeof h === 'string');
      const add = (kind: RouteEdgeKind, dest: JsonValue | undefined, path: Path, rule: RouteRule, weight: number | undefined) => {
        if (!isObject(dest)) return;
        const host = str(dest.host);
        if (!host) return;
        out.push({ api: 'istio', kind, route: vs, path, rule, parents, callerHosts, to: istioTarget(graph, dest, path, ns), weight });
      };
      for (const proto of ['http', 'tcp', 'tls'] as const) {
        arr(spec[proto]).forEach((r, i) => {
          if (!isObject(r)) return;
          const rule: RouteRule = { protocol: proto, index: i, path: ['spec', proto, i], name: str(r.name) };
          arr(r.route).forEach((d, j) => {
            if (isObject(d)) add('istio-destination', d.destination, ['spec', proto, i, 'route', j, 'destination'], rule, num(d.weight));
          });
          if (proto !== 'http') return;
          if (isObject(r.mirror)) add('istio-mirror', r.mirror, ['spec', proto, i, 'mirror'], rule, undefined);
          arr(r.mirrors).forEach((m, k) => {
            if (isObject(m)) add('istio-mirror', m.destination, ['spec', proto, i, 'mirrors', k, 'destination'], rule, undefined);
          });
        });
      }
    }
    return out;
  });
}

function istioTarget(graph: Graph, dest: JsonObject, path: Path, ns: string): RouteTarget {
  const host = str(dest.host)!;
  const res = resolveHost(graph, host, ns);
  const subset = str(dest.subset);
  const portNumber = isObject(dest.port) ? num(dest.port.number) : undefined;
  const paths = { ref: path, name: [...path, 'host'], port: portNumber !== undefined ? [...path, 'port', 'number'] : undefined, subset: subset !== undefined ? [...path, 'subset'] : undefined };
  const name = res.designates?.name ?? host;
  const namespace = res.designates?.namespace ?? ns;
  // Written out rather than spread from a shared base: one object per edge, with the keys in the same order.
  if (res.found) {
    const service = res.services[0];
    const object = service ? undefined : res.serviceEntries[0];
    if (portNumber !== undefined) {
      const ports = service ? serviceView(graph, service).ports.map((p) => p.port) : entryPorts(object);
      if (ports.length && !ports.includes(portNumber)) {
        const reason = `${service ? `Service ${nsOf(graph, service)}/${service.name}` : `ServiceEntry ${object!.name}`} has no port ${portNumber} (it has ${ports.join(', ')})`;
        return { group: '', kind: 'Service', name, namespace, port: portNumber, subset, paths, host: res, service, object, status: 'port-missing', partial: false, reason };
      }
    }
    return { group: '', kind: 'Service', name, namespace, port: portNumber, subset, paths, host: res, service, object, status: 'ok', partial: false };
  }
  if (res.form === 'external' || res.form === 'ip') return { group: '', kind: 'Service', name, namespace, port: portNumber, subset, paths, host: res, status: 'external', reason: res.reason, partial: true };
  if (res.form === 'wildcard') return { group: '', kind: 'Service', name, namespace, port: portNumber, subset, paths, host: res, status: 'missing', reason: res.reason, partial: false };
  const d = res.designates!;
  const elsewhere = res.form === 'short' ? servicesNamed(graph, d.name).filter((s) => nsOf(graph, s) !== d.namespace) : [];
  const partial = graph.inNamespace(d.namespace, '', 'Service').length === 0 && graph.inNamespace(d.namespace, 'networking.istio.io', 'ServiceEntry').length === 0;
  return { group: '', kind: 'Service', name, namespace, port: portNumber, subset, paths, host: res, status: 'missing', reason: res.reason, partial, elsewhere };
}

function entryPorts(se: Resource | undefined): number[] {
  if (!se) return [];
  return arr(getIn(se.obj, ['spec', 'ports'])).flatMap((p) => (isObject(p) && typeof p.number === 'number' ? [p.number] : []));
}

/** The `gateways` a VirtualService binds to (top-level and per match), resolved. */
export function istioRouteParents(graph: Graph): readonly RouteParent[] {
  return graph.memo('mesh/routes:istioParents', () => graph.ofKind('networking.istio.io', 'VirtualService').flatMap((vs) => istioParentsOf(graph, vs)));
}

function istioParentsOf(graph: Graph, vs: Resource): RouteParent[] {
  return graph.memo('mesh/routes:istioParents', vs.id, () => {
    const ns = nsOf(graph, vs);
    const spec = isObject(vs.obj.spec) ? vs.obj.spec : {};
    const refs: { name: string; path: Path }[] = [];
    arr(spec.gateways).forEach((g, i) => {
      if (typeof g === 'string') refs.push({ name: g, path: ['spec', 'gateways', i] });
    });
    arr(spec.http).forEach((r, i) => {
      arr(isObject(r) ? r.match : undefined).forEach((m, j) => {
        arr(isObject(m) ? m.gateways : undefined).forEach((g, k) => {
          if (typeof g === 'string') refs.push({ name: g, path: ['spec', 'http', i, 'match', j, 'gateways', k] });
        });
      });
    });
    if (refs.length === 0) return [{ api: 'istio', route: vs, path: ['spec'], group: '', kind: 'mesh', name: 'mesh', namespace: ns, status: 'mesh', partial: false }];
    return refs.map(({ name, path }): RouteParent => {
      if (name === 'mesh') return { api: 'istio', route: vs, path, group: '', kind: 'mesh', name, namespace: ns, status: 'mesh', partial: false };
      const { namespace, name: gwName } = istioGatewayName(name, ns);
      const target = graph.find('networking.istio.io', 'Gateway', namespace, gwName) ?? graph.find(GW, 'Gateway', namespace, gwName);
      const partial = graph.inNamespace(namespace, 'networking.istio.io', 'Gateway').length === 0;
      return {
        api: 'istio',
        route: vs,
        path,
        group: 'networking.istio.io',
        kind: 'Gateway',
        name: gwName,
        namespace,
        target,
        status: target ? 'ok' : 'missing',
        partial,
        reason: target ? undefined : `no Gateway ${gwName} in namespace ${namespace}`,
      };
    });
  });
}

/**
 * `ns/name`, `./name`, `name` (the VirtualService's namespace) or the legacy `name.ns[.svc.domain]` form, as
 * Istio reads a VirtualService's gateway reference (istio/istio pilot/pkg/model/config.go `resolveGatewayName`).
 */
export function istioGatewayName(ref: string, ns: string): { namespace: string; name: string } {
  const slash = ref.indexOf('/');
  if (slash >= 0) {
    const n = ref.slice(0, slash);
    return { namespace: n === '.' ? ns : n, name: ref.slice(slash + 1) };
  }
  const dot = ref.indexOf('.');
  if (dot < 0) return { namespace: ns, name: ref };
  const rest = ref.slice(dot + 1);
  const dot2 = rest.indexOf('.');
  return { namespace: dot2 < 0 ? rest : rest.slice(0, dot2), name: ref.slice(0, dot) };
}

export interface DestinationRuleSubsets {
  readonly rule: Resource;
  /** The rule's host after expansion in its own namespace. */
  readonly host: string;
  readonly subsets: readonly { readonly name: string; readonly path: Path; readonly labels: Readonly<Record<string, string>> }[];
}

/** A DestinationRule's host as written and its named subsets with their labels. */
export function destinationRuleSubsetsOf(graph: Graph, dr: Resource): { host: string | undefined; subsets: DestinationRuleSubsets['subsets'] } {
  return graph.memo('mesh/routes:drSubsets', dr.id, () => {
    const spec = isObject(dr.obj.spec) ? dr.obj.spec : {};
    const subsets = arr(spec.subsets).flatMap((s, i) => {
      if (!isObject(s) || typeof s.name !== 'string') return [];
      const labels: Record<string, string> = {};
      if (isObject(s.labels)) for (const [k, v] of Object.entries(s.labels)) if (typeof v === 'string') labels[k] = v;
      return [{ name: s.name, path: ['spec', 'subsets', i] as Path, labels }];
    });
    return { host: str(spec.host), subsets };
  });
}

export const DESTINATION_RULE_READS = ['DestinationRule.networking.istio.io'] as const;

/**
 * DestinationRules whose host covers `fqdn` (exact, or wildcard), visible from `fromNamespace` by `exportTo`.
 * The lookup path (client, service, root namespace) depends on the caller, so any visible rule counts.
 */
export function destinationRulesFor(graph: Graph, fqdn: string, fromNamespace: string): readonly DestinationRuleSubsets[] {
  const idx = graph.memo('mesh/routes:drIndex', () => {
    const exact = new Map<string, DestinationRuleSubsets[]>();
    const wildcard: DestinationRuleSubsets[] = [];
    for (const dr of graph.ofKind('networking.istio.io', 'DestinationRule')) {
      const { host, subsets } = destinationRuleSubsetsOf(graph, dr);
      if (!host) continue;
      const fq = resolveHost(graph, host, nsOf(graph, dr)).fqdn;
      const entry = { rule: dr, host: fq, subsets };
      if (fq.startsWith('*')) wildcard.push(entry);
      else {
        const l = exact.get(fq);
        if (l) l.push(entry);
        else exact.set(fq, [entry]);
      }
    }
    return { exact, wildcard };
  });
  const candidates = [...(idx.exact.get(fqdn) ?? []), ...idx.wildcard.filter((w) => hostMatches(w.host, fqdn))];
  return candidates.filter((c) => exportedTo(graph, c.rule, exportToOf(c.rule.obj.spec), fromNamespace));
}

// ---------------------------------------------------------------------------------------------------------
// Gateway API (and Linkerd's policy.linkerd.io HTTPRoute)

function gatewayRouteObjects(graph: Graph): { route: Resource; protocol: RouteRule['protocol']; api: RouteApi }[] {
  return GATEWAY_ROUTE_KINDS.flatMap((k) => graph.ofKind(k.group, k.kind).map((route) => ({ route, protocol: k.protocol, api: k.api })));
}

export function gatewayRouteEdges(graph: Graph): readonly RouteEdge[] {
  return graph.memo('mesh/routes:gateway', () => {
    const out: RouteEdge[] = [];
    for (const { route, protocol, api } of gatewayRouteObjects(graph)) {
      const spec = isObject(route.obj.spec) ? route.obj.spec : {};
      const parents = gatewayParentsOf(graph, route, api);
      // Mesh (GAMMA) routes, bound only to Services, may send traffic to any namespace without a ReferenceGrant
      // (kubernetes-sigs/gateway-api geps/gep-1426 "Namespace boundaries"); Gateway-bound routes may not [G-RG].
      const meshOnly = parents.length > 0 && parents.every((p) => p.kind === 'Service' || p.kind === 'Server');
      const callerHosts = arr(spec.hostnames).filter((h): h is string => typeof h === 'string');
      arr(spec.rules).forEach((r, i) => {
        if (!isObject(r)) return;
        const rule: RouteRule = { protocol, index: i, path: ['spec', 'rules', i], name: str(r.name) };
        const mirrors = (filters: JsonValue | undefined, base: Path) =>
          arr(filters).forEach((f, k) => {
            if (isObject(f) && isObject(f.requestMirror) && isObject(f.requestMirror.backendRef)) {
              const p = [...base, k, 'requestMirror', 'backendRef'];
              out.push({ api, kind: 'mirror-ref', route, path: p, rule, parents, callerHosts, to: backendTarget(graph, route, f.requestMirror.backendRef, p, meshOnly), weight: undefined });
            }
          });
        arr(r.backendRefs).forEach((b, j) => {
          if (!isObject(b)) return;
          const p: Path = ['spec', 'rules', i, 'backendRefs', j];
          out.push({ api, kind: 'backend-ref', route, path: p, rule, parents, callerHosts, to: backendTarget(graph, route, b, p, meshOnly), weight: num(b.weight) });
          mirrors(b.filters, [...p, 'filters']);
        });
        mirrors(r.filters, ['spec', 'rules', i, 'filters']);
      });
    }
    return out;
  });
}

/** Backend kinds that implementations resolve themselves; meshlint does not look them up. */
const IMPLEMENTATION_BACKENDS: ReadonlySet<string> = new Set([
  'Hostname.networking.istio.io',
  'ServiceEntry.networking.istio.io',
  'ServiceImport.multicluster.x-k8s.io',
  'InferencePool.inference.networking.k8s.io',
  'InferencePool.inference.networking.x-k8s.io',
  'MeshService.consul.hashicorp.com',
  'Backend.gateway.envoyproxy.io',
]);

function backendTarget(graph: Graph, route: Resource, ref: JsonObject, path: Path, meshOnly: boolean): RouteTarget {
  const routeNs = nsOf(graph, route);
  const rawGroup = str(ref.group) ?? '';
  const group = rawGroup === 'core' ? '' : rawGroup;
  const kind = str(ref.kind) ?? 'Service';
  const name = str(ref.name) ?? '';
  const namespace = str(ref.namespace) ?? routeNs;
  const port = typeof ref.port === 'number' ? ref.port : undefined;
  const paths = { ref: path, name: [...path, 'name'], port: ref.port !== undefined ? [...path, 'port'] : undefined, namespace: ref.namespace !== undefined ? [...path, 'namespace'] : undefined };
  const base = { group, kind, name, namespace, port, paths };
  const grantFor = (toGroup: string): { ok: boolean; grant?: Resource } => {
    if (namespace === routeNs || meshOnly) return { ok: true };
    const grant = referenceGrant(graph, { group: route.group, kind: route.kind, namespace: routeNs }, { group: toGroup, kind, namespace, name });
    return { ok: Boolean(grant), grant };
  };
  const notPermitted = (extra: Partial<RouteTarget>): RouteTarget => ({
    ...base,
    ...extra,
    status: 'not-permitted',
    partial: false,
    reason: `no ReferenceGrant in namespace ${namespace} lets ${route.kind} objects from namespace ${routeNs} refer to ${kind} ${name}`,
  });
  if (group === '' && kind === 'Service') {
    const service = graph.find('', 'Service', namespace, name);
    if (!service) return { ...base, status: 'missing', partial: graph.inNamespace(namespace, '', 'Service').length === 0, reason: `no Service ${name} in namespace ${namespace}` };
    const g = grantFor('');
    if (!g.ok) return notPermitted({ service });
    if (port === undefined) return { ...base, service, grant: g.grant, status: 'port-required', partial: false, reason: 'a backendRef to a Service must name the Service port' };
    const view = serviceView(graph, service);
    if (!servicePortByRef(view, port)) {
      const byTarget = view.ports.find((p) => p.targetPort === port);
      const ports = view.ports.map((p) => String(p.port)).join(', ') || 'none';
      return {
        ...base,
        service,
        grant: g.grant,
        status: 'port-missing',
        partial: false,
        reason: `Service ${namespace}/${name} has no port ${port} (it has ${ports})${byTarget ? `; ${port} is the targetPort of port ${byTarget.port}, and backendRef ports are Service ports` : ''}`,
      };
    }
    return { ...base, service, grant: g.grant, status: 'ok', partial: false };
  }
  const key = groupKindKey(group, kind);
  if (IMPLEMENTATION_BACKENDS.has(key)) return { ...base, status: 'unmodelled', partial: false };
  if (!kindDeclared(graph, group, kind)) {
    return { ...base, status: 'unknown-kind', partial: false, reason: `neither Kubernetes, a mesh meshlint knows, nor a CustomResourceDefinition in the input declares kind ${kind} in group ${group || '(core)'}` };
  }
  const object = anyObject(graph, group, kind, namespace, name);
  if (!object) return { ...base, status: 'missing', partial: !anyOfKindIn(graph, group, kind, namespace), reason: `no ${kind} ${name} in namespace ${namespace}` };
  const g = grantFor(group);
  if (!g.ok) return notPermitted({ object });
  return { ...base, object, grant: g.grant, status: 'ok', partial: false };
}

interface GenericIndex {
  readonly byIdentity: Map<string, Resource>;
  readonly kindsInNs: Set<string>;
  readonly crdKinds: Set<string>;
}

/**
 * Objects of kinds a backendRef may name that no rule declares in advance. Built from the resource list
 * (a reference to an arbitrary kind cannot be declared in a rule's `reads`), plus the kinds CRDs declare.
 */
function genericIndex(graph: Graph): GenericIndex {
  return graph.memo('mesh/routes:generic', () => {
    const byIdentity = new Map<string, Resource>();
    const kindsInNs = new Set<string>();
    for (const r of graph.resources) {
      const id = identityKey(r.group, r.kind, r.namespace, r.name);
      if (!byIdentity.has(id)) byIdentity.set(id, r);
      kindsInNs.add(`${groupKindKey(r.group, r.kind)}|${r.namespace ?? ''}`);
      kindsInNs.add(`${groupKindKey(r.group, r.kind)}|*`);
    }
    const crdKinds = new Set<string>();
    for (const crd of graph.ofKind('apiextensions.k8s.io', 'CustomResourceDefinition')) {
      const g = str(getIn(crd.obj, ['spec', 'group']));
      const k = str(getIn(crd.obj, ['spec', 'names', 'kind']));
      if (g && k) crdKinds.add(groupKindKey(g, k));
    }
    return { byIdentity, kindsInNs, crdKinds };
  });
}

function kindDeclared(graph: Graph, group: string, kind: string): boolean {
  if (builtinKind(group, kind)) return true;
  const idx = genericIndex(graph);
  const key = groupKindKey(group, kind);
  return idx.crdKinds.has(key) || idx.kindsInNs.has(`${key}|*`);
}

function anyObject(graph: Graph, group: string, kind: string, namespace: string, name: string): Resource | undefined {
  const idx = genericIndex(graph);
  return idx.byIdentity.get(identityKey(group, kind, namespace, name)) ?? idx.byIdentity.get(identityKey(group, kind, undefined, name));
}

function anyOfKindIn(graph: Graph, group: string, kind: string, namespace: string): boolean {
  return genericIndex(graph).kindsInNs.has(`${groupKindKey(group, kind)}|${namespace}`);
}

/**
 * The ReferenceGrant in the referent's namespace that lets `from` (group, kind, namespace) refer to `to`
 * (group, kind, name), if any [G-RG]. Group "" is the core group (Linkerd's `core` is accepted too).
 */
export function referenceGrant(graph: Graph, from: { group: string; kind: string; namespace: string }, to: { group: string; kind: string; namespace: string; name: string }): Resource | undefined {
  const norm = (g: JsonValue | undefined) => {
    const s = typeof g === 'string' ? g : '';
    return s === 'core' ? '' : s;
  };
  for (const rg of graph.inNamespace(to.namespace, GW, 'ReferenceGrant')) {
    const spec = isObject(rg.obj.spec) ? rg.obj.spec : {};
    const fromOk = arr(spec.from).some((f) => isObject(f) && norm(f.group) === norm(from.group) && f.kind === from.kind && f.namespace === from.namespace);
    if (!fromOk) continue;
    const toOk = arr(spec.to).some((t) => isObject(t) && norm(t.group) === norm(to.group) && t.kind === to.kind && (t.name === undefined || t.name === null || t.name === '' || t.name === to.name));
    if (toOk) return rg;
  }
  return undefined;
}

export function gatewayRouteParents(graph: Graph): readonly RouteParent[] {
  return graph.memo('mesh/routes:gatewayParents', () => gatewayRouteObjects(graph).flatMap(({ route, api }) => gatewayParentsOf(graph, route, api)));
}

function gatewayParentsOf(graph: Graph, route: Resource, api: RouteApi): RouteParent[] {
  return graph.memo('mesh/routes:gatewayParents', route.id, () =>
    arr(getIn(route.obj, ['spec', 'parentRefs'])).flatMap((ref, i) => (isObject(ref) ? [parentTarget(graph, route, api, ref, ['spec', 'parentRefs', i])] : [])),
  );
}

function parentTarget(graph: Graph, route: Resource, api: RouteApi, ref: JsonObject, path: Path): RouteParent {
  const routeNs = nsOf(graph, route);
  const groupGiven = ref.group !== undefined && ref.group !== null;
  const rawGroup = groupGiven ? (str(ref.group) ?? '') : GW;
  const group = rawGroup === 'core' ? '' : rawGroup;
  const kind = str(ref.kind) ?? 'Gateway';
  const name = str(ref.name) ?? '';
  const namespace = str(ref.namespace) ?? routeNs;
  const sectionName = str(ref.sectionName);
  const port = num(ref.port);
  const base = { api, route, path, group, kind, name, namespace, sectionName, port };
  if (kind === 'Service' && group !== '') {
    return {
      ...base,
      status: 'wrong-group',
      partial: false,
      detailPath: groupGiven ? [...path, 'group'] : [...path, 'kind'],
      reason: groupGiven
        ? `group ${group} has no kind Service; a Service parent needs group: ""`
        : `group is omitted, so it defaults to ${GW} and the reference looks for a Gateway-API kind named Service; a Service parent needs group: ""`,
    };
  }
  if (group === '' && kind === 'Service') {
    const target = graph.find('', 'Service', namespace, name);
    if (!target) return { ...base, status: 'missing', partial: graph.inNamespace(namespace, '', 'Service').length === 0, reason: `no Service ${name} in namespace ${namespace}`, detailPath: [...path, 'name'] };
    const view = serviceView(graph, target);
    if (sectionName !== undefined && !view.ports.some((p) => p.name === sectionName)) {
      return { ...base, target, status: 'no-listener', partial: false, detailPath: [...path, 'sectionName'], reason: `Service ${namespace}/${name} has no port named ${sectionName} (named ports: ${view.ports.map((p) => p.name).filter(Boolean).join(', ') || 'none'})` };
    }
    if (port !== undefined && !view.ports.some((p) => p.port === port)) {
      return { ...base, target, status: 'no-listener', partial: false, detailPath: [...path, 'port'], reason: `Service ${namespace}/${name} has no port ${port}` };
    }
    return { ...base, target, status: 'ok', partial: false };
  }
  if (group === 'policy.linkerd.io' && kind === 'Server') {
    const target = graph.find('policy.linkerd.io', 'Server', namespace, name);
    return target
      ? { ...base, target, status: 'ok', partial: false }
      : { ...base, status: 'missing', partial: graph.inNamespace(namespace, 'policy.linkerd.io', 'Server').length === 0, reason: `no Server ${name} in namespace ${namespace}`, detailPath: [...path, 'name'] };
  }
  const listenerKinds: Readonly<Record<string, string>> = { [`${GW}/Gateway`]: GW, [`${GW}/ListenerSet`]: GW, ['gateway.networking.x-k8s.io/XListenerSet']: 'gateway.networking.x-k8s.io' };
  const g = listenerKinds[`${group}/${kind}`];
  if (!g) return { ...base, status: 'unmodelled', partial: false };
  const target = graph.find(g, kind, namespace, name);
  if (!target) return { ...base, status: 'missing', partial: graph.inNamespace(namespace, g, kind).length === 0, reason: `no ${kind} ${name} in namespace ${namespace}`, detailPath: [...path, 'name'] };
  return { ...base, target, ...listenerMatch(graph, route, target, sectionName, port, path) };
}

/** Gateway API listener protocols and the route kinds each accepts when `allowedRoutes.kinds` is unset [G-GATEWAY]. */
const DEFAULT_ROUTE_KINDS: Readonly<Record<string, readonly string[]>> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute', 'TCPRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};

function listenerMatch(graph: Graph, route: Resource, gateway: Resource, sectionName: string | undefined, port: number | undefined, path: Path): Pick<RouteParent, 'status' | 'reason' | 'detailPath' | 'partial'> {
  const listeners = arr(getIn(gateway.obj, ['spec', 'listeners'])).filter(isObject);
  const gwNs = nsOf(graph, gateway);
  const routeNs = nsOf(graph, route);
  let candidates = listeners;
  if (sectionName !== undefined) {
    candidates = candidates.filter((l) => l.name === sectionName);
    if (!candidates.length) {
      return { status: 'no-listener', partial: false, detailPath: [...path, 'sectionName'], reason: `${gateway.kind} ${gwNs}/${gateway.name} has no listener named ${sectionName} (listeners: ${listeners.map((l) => str(l.name)).filter(Boolean).join(', ') || 'none'})` };
    }
  }
  if (port !== undefined) {
    const byPort = candidates.filter((l) => l.port === port);
    if (!byPort.length) {
      return { status: 'no-listener', partial: false, detailPath: [...path, 'port'], reason: `${gateway.kind} ${gwNs}/${gateway.name} has no listener${sectionName ? ` ${sectionName}` : ''} on port ${port} (ports: ${[...new Set(candidates.map((l) => l.port))].join(', ') || 'none'})` };
    }
    candidates = byPort;
  }
  if (!candidates.length) return { status: 'ok', partial: false };
  const refusals: string[] = [];
  for (const l of candidates) {
    const why = listenerRefuses(graph, l, route, gwNs, routeNs);
    if (!why) return { status: 'ok', partial: false };
    refusals.push(`${str(l.name) ?? '?'}: ${why}`);
  }
  return { status: 'not-allowed', partial: false, reason: `no listener of ${gateway.kind} ${gwNs}/${gateway.name} accepts this route (${refusals.join('; ')})` };
}

/** Why a listener does not accept a route, or undefined when it does (or when the input cannot tell). */
function listenerRefuses(graph: Graph, l: JsonObject, route: Resource, gwNs: string, routeNs: string): string | undefined {
  const allowed = isObject(l.allowedRoutes) ? l.allowedRoutes : {};
  const nsRule = isObject(allowed.namespaces) ? allowed.namespaces : {};
  const from = str(nsRule.from) ?? 'Same';
  if (from === 'Same' && routeNs !== gwNs) return `allowedRoutes.namespaces.from is Same (${gwNs}), and the route is in ${routeNs}`;
  if (from === 'None') return 'allowedRoutes.namespaces.from is None';
  if (from === 'Selector' && isObject(nsRule.selector)) {
    const info = clusterFacts(graph).namespace(routeNs);
    if (info.known && !selectorMatches(labelSelector(nsRule.selector, 'nothing'), info.labels)) return `the labels of namespace ${routeNs} do not match allowedRoutes.namespaces.selector`;
  }
  const kinds = arr(allowed.kinds).filter(isObject);
  if (kinds.length) {
    const ok = kinds.some((k) => k.kind === route.kind && (str(k.group) ?? GW) === route.group);
    if (!ok) return `allowedRoutes.kinds lists ${kinds.map((k) => str(k.kind)).join(', ')}`;
  } else {
    const protocol = str(l.protocol) ?? '';
    const defaults = DEFAULT_ROUTE_KINDS[protocol];
    if (defaults && route.group === GW && !defaults.includes(route.kind)) return `a ${protocol} listener accepts ${defaults.join(' and ')} by default`;
  }
  return undefined;
}

export interface CertificateRef {
  readonly gateway: Resource;
  readonly path: Path;
  readonly name: string;
  readonly namespace: string;
  readonly kind: string;
  readonly group: string;
  /** Cross-namespace and no ReferenceGrant permits it. */
  readonly permitted: boolean;
}

/** Listener `tls.certificateRefs` of Gateway API Gateways that point into another namespace [G-RG]. */
export function crossNamespaceCertificateRefs(graph: Graph): readonly CertificateRef[] {
  return graph.memo('mesh/routes:certRefs', () => {
    const out: CertificateRef[] = [];
    for (const gw of graph.ofKind(GW, 'Gateway')) {
      const gwNs = nsOf(graph, gw);
      arr(getIn(gw.obj, ['spec', 'listeners'])).forEach((l, i) => {
        arr(getIn(l, ['tls', 'certificateRefs'])).forEach((c, j) => {
          if (!isObject(c) || typeof c.namespace !== 'string' || c.namespace === gwNs) return;
          const group = str(c.group) ?? '';
          const kind = str(c.kind) ?? 'Secret';
          const name = str(c.name) ?? '';
          const permitted = Boolean(referenceGrant(graph, { group: GW, kind: 'Gateway', namespace: gwNs }, { group, kind, namespace: c.namespace, name }));
          out.push({ gateway: gw, path: ['spec', 'listeners', i, 'tls', 'certificateRefs', j, 'namespace'], name, namespace: c.namespace, kind, group, permitted });
        });
      });
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------------------
// SMI TrafficSplit

export function smiRouteEdges(graph: Graph): readonly RouteEdge[] {
  return graph.memo('mesh/routes:smi', () => {
    const out: RouteEdge[] = [];
    for (const ts of graph.ofKind('split.smi-spec.io', 'TrafficSplit')) {
      const parents = smiParentsOf(graph, ts);
      const apex = str(getIn(ts.obj, ['spec', 'service']));
      arr(getIn(ts.obj, ['spec', 'backends'])).forEach((b, i) => {
        if (!isObject(b) || typeof b.service !== 'string') return;
        const path: Path = ['spec', 'backends', i];
        out.push({
          api: 'smi',
          kind: 'smi-backend',
          route: ts,
          path,
          rule: undefined,
          parents,
          callerHosts: apex ? [apex] : [],
          to: serviceByName(graph, b.service, nsOf(graph, ts), { ref: path, name: [...path, 'service'] }),
          weight: smiWeight(b.weight),
        });
      });
    }
    return out;
  });
}

/** SMI weights: integers (v1alpha2+) or Kubernetes quantities such as `900m` (v1alpha1). */
function smiWeight(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(v.trim());
  if (!m) return undefined;
  return m[2] ? Number(m[1]) / 1000 : Number(m[1]);
}

export function smiRouteParents(graph: Graph): readonly RouteParent[] {
  return graph.memo('mesh/routes:smiParents', () => graph.ofKind('split.smi-spec.io', 'TrafficSplit').flatMap((ts) => smiParentsOf(graph, ts)));
}

function smiParentsOf(graph: Graph, ts: Resource): RouteParent[] {
  const apex = str(getIn(ts.obj, ['spec', 'service']));
  if (!apex) return [];
  const ns = nsOf(graph, ts);
  const t = serviceByName(graph, apex, ns, { ref: ['spec', 'service'], name: ['spec', 'service'] });
  return [{ api: 'smi', route: ts, path: ['spec', 'service'], group: '', kind: 'Service', name: apex, namespace: ns, target: t.service, status: t.service ? 'ok' : 'missing', reason: t.reason, partial: t.partial }];
}

function serviceByName(graph: Graph, name: string, namespace: string, paths: RouteTarget['paths']): RouteTarget {
  const service = graph.find('', 'Service', namespace, name);
  const base = { group: '', kind: 'Service', name, namespace, paths };
  return service
    ? { ...base, service, status: 'ok', partial: false }
    : { ...base, status: 'missing', partial: graph.inNamespace(namespace, '', 'Service').length === 0, reason: `no Service ${name} in namespace ${namespace}` };
}

// ---------------------------------------------------------------------------------------------------------
// Consul config entries

export function consulRouteEdges(graph: Graph): readonly RouteEdge[] {
  return graph.memo('mesh/routes:consul', () => {
    const out: RouteEdge[] = [];
    const edge = (kind: RouteEdgeKind, entry: Resource, target: JsonObject, path: Path, rule: RouteRule | undefined, weight: number | undefined) => {
      out.push({ api: 'consul', kind, route: entry, path, rule, parents: [], callerHosts: [entry.name], to: consulTarget(graph, entry, target, path), weight });
    };
    for (const r of graph.ofKind('consul.hashicorp.com', 'ServiceRouter')) {
      arr(getIn(r.obj, ['spec', 'routes'])).forEach((route, i) => {
        if (!isObject(route) || !isObject(route.destination)) return;
        edge('consul-route', r, route.destination, ['spec', 'routes', i, 'destination'], { protocol: 'http', index: i, path: ['spec', 'routes', i] }, undefined);
      });
    }
    for (const s of graph.ofKind('consul.hashicorp.com', 'ServiceSplitter')) {
      arr(getIn(s.obj, ['spec', 'splits'])).forEach((split, i) => {
        if (isObject(split)) edge('consul-split', s, split, ['spec', 'splits', i], undefined, num(split.weight));
      });
    }
    for (const res of graph.ofKind('consul.hashicorp.com', 'ServiceResolver')) {
      const redirect = getIn(res.obj, ['spec', 'redirect']);
      if (isObject(redirect)) edge('consul-redirect', res, redirect, ['spec', 'redirect'], undefined, undefined);
      const failover = getIn(res.obj, ['spec', 'failover']);
      if (isObject(failover)) {
        for (const [key, f] of Object.entries(failover)) {
          if (!isObject(f)) continue;
          if (f.service !== undefined || f.serviceSubset !== undefined) edge('consul-failover', res, f, ['spec', 'failover', key], undefined, undefined);
          arr(f.targets).forEach((t, i) => {
            if (isObject(t)) edge('consul-failover', res, t, ['spec', 'failover', key, 'targets', i], undefined, undefined);
          });
        }
      }
    }
    return out;
  });
}

function consulTarget(graph: Graph, entry: Resource, t: JsonObject, path: Path): RouteTarget {
  const name = str(t.service) ?? entry.name;
  const subset = str(t.serviceSubset);
  const paths = { ref: path, name: t.service !== undefined ? [...path, 'service'] : path, subset: subset !== undefined ? [...path, 'serviceSubset'] : undefined };
  const base = { group: 'consul.hashicorp.com', kind: 'Service', name, namespace: str(t.namespace) ?? nsOf(graph, entry), subset, paths };
  const remote = ['datacenter', 'peer', 'partition', 'samenessGroup', 'datacenters'].find((k) => t[k] !== undefined && t[k] !== '');
  if (remote) return { ...base, status: 'external', partial: true, reason: `the target is in another ${remote === 'datacenters' ? 'datacenter' : remote}` };
  const svc = consulServices(graph).get(name);
  if (!svc) return { ...base, status: 'missing', partial: true, reason: `no Kubernetes Service named ${name} and no pod annotation consul.hashicorp.com/connect-service=${name} registers it` };
  if (svc.external && !svc.services.length) return { ...base, status: 'external', partial: true, reason: `${name} is registered by a TerminatingGateway` };
  return { ...base, service: svc.services[0], status: 'ok', partial: false };
}

export const CONSUL_RESOLVER_READS = ['ServiceResolver.consul.hashicorp.com'] as const;

/** The ServiceResolvers named after a Consul service, with the subsets they define. */
export function consulResolversFor(graph: Graph, service: string): readonly { resolver: Resource; subsets: readonly string[] }[] {
  const idx = graph.memo('mesh/routes:consulResolvers', () => {
    const m = new Map<string, { resolver: Resource; subsets: string[] }[]>();
    for (const r of graph.ofKind('consul.hashicorp.com', 'ServiceResolver')) {
      const subsets = getIn(r.obj, ['spec', 'subsets']);
      const entry = { resolver: r, subsets: isObject(subsets) ? Object.keys(subsets) : [] };
      const l = m.get(r.name);
      if (l) l.push(entry);
      else m.set(r.name, [entry]);
    }
    return m;
  });
  return idx.get(service) ?? [];
}

// ---------------------------------------------------------------------------------------------------------
// Kuma MeshHTTPRoute / MeshTCPRoute

function kumaRoutes(graph: Graph): { route: Resource; protocol: RouteRule['protocol'] }[] {
  return [
    ...graph.ofKind('kuma.io', 'MeshHTTPRoute').map((route) => ({ route, protocol: 'http' as const })),
    ...graph.ofKind('kuma.io', 'MeshTCPRoute').map((route) => ({ route, protocol: 'tcp' as const })),
  ];
}

export function kumaRouteEdges(graph: Graph): readonly RouteEdge[] {
  return graph.memo('mesh/routes:kuma', () => {
    const out: RouteEdge[] = [];
    for (const { route, protocol } of kumaRoutes(graph)) {
      const parents = kumaParentsOf(graph, route);
      const ns = nsOf(graph, route);
      arr(getIn(route.obj, ['spec', 'to'])).forEach((to, i) => {
        if (!isObject(to)) return;
        const toPath: Path = ['spec', 'to', i, 'targetRef'];
        const callerHosts: string[] = [];
        if (isObject(to.targetRef)) {
          const target = kumaRefTarget(graph, to.targetRef, toPath, ns);
          if (target) {
            callerHosts.push(target.name);
            out.push({ api: 'kuma', kind: 'kuma-to', route, path: toPath, rule: undefined, parents, callerHosts: [target.name], to: target, weight: undefined });
          }
        }
        arr(to.rules).forEach((r, j) => {
          const rule: RouteRule = { protocol, index: j, path: ['spec', 'to', i, 'rules', j] };
          arr(getIn(r, ['default', 'backendRefs'])).forEach((b, k) => {
            if (!isObject(b)) return;
            const p: Path = ['spec', 'to', i, 'rules', j, 'default', 'backendRefs', k];
            const target = kumaRefTarget(graph, b, p, ns);
            if (target) out.push({ api: 'kuma', kind: 'kuma-backend', route, path: p, rule, parents, callerHosts, to: target, weight: num(b.weight) });
          });
        });
      });
    }
    return out;
  });
}

function kumaRefTarget(graph: Graph, ref: JsonObject, path: Path, ownNs: string): RouteTarget | undefined {
  const kind = str(ref.kind);
  const name = str(ref.name);
  if (!kind || !name) return undefined;
  const namespace = str(ref.namespace) ?? ownNs;
  const port = typeof ref.port === 'number' ? ref.port : undefined;
  const paths = { ref: path, name: [...path, 'name'], port: port !== undefined ? [...path, 'port'] : undefined, namespace: ref.namespace !== undefined ? [...path, 'namespace'] : undefined };
  const base = { group: 'kuma.io', kind, name, namespace, port, paths };
  if (kind === 'MeshService' || kind === 'MeshServiceSubset') {
    const r = kumaServiceRef(graph, name, namespace);
    if (r.status === 'unknown') return { ...base, status: 'unmodelled', partial: false };
    if (r.status === 'missing') return { ...base, status: 'missing', partial: r.partial, reason: r.reason };
    if (port !== undefined && !serviceView(graph, r.service).ports.some((p) => p.port === port)) {
      return { ...base, service: r.service, status: 'port-missing', partial: false, reason: `Service ${r.namespace}/${r.service.name} has no port ${port} (it has ${serviceView(graph, r.service).ports.map((p) => p.port).join(', ') || 'none'})` };
    }
    return { ...base, service: r.service, status: 'ok', partial: false };
  }
  if (kind === 'MeshExternalService') {
    const sys = clusterFacts(graph).kuma.controlPlaneNamespace;
    const object = graph.find('kuma.io', 'MeshExternalService', namespace, name) ?? graph.find('kuma.io', 'MeshExternalService', sys, name);
    if (object) return { ...base, object, status: 'ok', partial: false };
    const anywhere = graph.ofKind('kuma.io', 'MeshExternalService').length > 0;
    return { ...base, status: 'missing', partial: !anywhere, reason: `no MeshExternalService ${name} in namespace ${namespace} or ${sys}` };
  }
  return { ...base, status: 'unmodelled', partial: false };
}

export function kumaRouteParents(graph: Graph): readonly RouteParent[] {
  return graph.memo('mesh/routes:kumaParents', () => kumaRoutes(graph).flatMap(({ route }) => kumaParentsOf(graph, route)));
}

function kumaParentsOf(graph: Graph, route: Resource): RouteParent[] {
  const ref = getIn(route.obj, ['spec', 'targetRef']);
  const ns = nsOf(graph, route);
  const base = { api: 'kuma' as const, route, path: ['spec', 'targetRef'] as Path, group: 'kuma.io', namespace: ns };
  if (!isObject(ref)) return [{ ...base, kind: 'Mesh', name: '', status: 'mesh', partial: false }];
  const kind = str(ref.kind) ?? 'Mesh';
  const name = str(ref.name) ?? '';
  if (kind === 'Mesh') return [{ ...base, kind, name, status: 'mesh', partial: false }];
  if (kind === 'MeshGateway' && name) {
    const target = graph.find('kuma.io', 'MeshGateway', undefined, name);
    return [{ ...base, kind, name, target, status: target ? 'ok' : 'missing', partial: graph.ofKind('kuma.io', 'MeshGateway').length === 0, reason: target ? undefined : `no MeshGateway ${name}`, detailPath: ['spec', 'targetRef', 'name'] }];
  }
  return [{ ...base, kind, name, status: 'unmodelled', partial: false }];
}

/** Istio route edges that send traffic to one subset of a Service (weight 0 included; the caller decides). */
export function istioRoutesToSubset(graph: Graph, service: Resource, subset: string): readonly RouteEdge[] {
  const idx = graph.memo('mesh/routes:istioSubsets', () => {
    const m = new Map<string, RouteEdge[]>();
    for (const e of istioRouteEdges(graph)) {
      if (!e.to.service || e.to.subset === undefined) continue;
      const k = `${e.to.service.id}|${e.to.subset}`;
      const l = m.get(k);
      if (l) l.push(e);
      else m.set(k, [e]);
    }
    return m;
  });
  return idx.get(`${service.id}|${subset}`) ?? [];
}
