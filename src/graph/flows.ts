/**
 * The two other kinds of edges beside calls, kept apart from them on purpose:
 *
 * - `permits`: a policy allows a workload to reach a Service: Istio AuthorizationPolicy ALLOW rules (principals
 *   and namespaces), Linkerd AuthorizationPolicy / ServerAuthorization with MeshTLSAuthentication identities or
 *   service accounts, Consul ServiceIntentions `allow` sources, Kuma MeshTrafficPermission `Allow` froms, and
 *   NetworkPolicy ingress peers. Wildcard sources (`*`, any mesh client, any IP) give no edge: they name nobody.
 * - `routes`: an entry or routing object sends traffic to a Service: Ingress backends, and every route edge that
 *   routes.ts resolves (VirtualService, Gateway API routes, Linkerd HTTPRoute, SMI, Consul, Kuma).
 *
 * Both are memoised per graph. The workload → Service direction of `permits` is the caller's view: the policy
 * protects the destination workloads, and the Services selecting them are what the caller addresses.
 */
import { getIn, isObject, str, type JsonObject, type JsonValue, type Path, type Resource } from '../load/types.js';
import type { Graph, PodTemplate } from './graph.js';
import { labelSelector, selectorMatches } from './labels.js';
import { clusterFacts } from './mesh/facts.js';
import { lookupIdentity, parseIstioPrincipal, parseLinkerdIdentity } from './mesh/identities.js';
import { gatewayRouteParents, routeEdges } from './mesh/routes.js';
import { consulServices, kumaScope, kumaServiceRef, kumaTagSelection, workloadsSelectedBy } from './mesh/targets.js';
import { servicePortByRef, servicesSelecting, serviceView } from './services.js';

export type PermitApi = 'istio' | 'linkerd' | 'consul' | 'kuma' | 'networkpolicy';

export interface PermitEdge {
  readonly kind: 'permits';
  readonly from: PodTemplate;
  readonly to: Resource;
  readonly port?: number;
  readonly policy: Resource;
  /** Where the policy names the source. */
  readonly path: Path;
  readonly api: PermitApi;
}

export interface RoutingEdge {
  readonly kind: 'routes';
  readonly from: Resource;
  readonly to: Resource;
  readonly port?: number;
  readonly path: Path;
  readonly api: string;
  readonly weight?: number;
}

const arr = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);
const nsOf = (graph: Graph, r: Resource): string => r.namespace ?? graph.defaultNamespace;

// ---------------------------------------------------------------------------------------------------------
// permits

export function permitEdges(graph: Graph): readonly PermitEdge[] {
  return graph.memo('flows:permits', () => {
    const out: PermitEdge[] = [];
    const seen = new Set<string>();
    const add = (from: readonly PodTemplate[], targets: readonly PodTemplate[], policy: Resource, path: Path, api: PermitApi, port?: number) => {
      if (!from.length || !targets.length) return;
      const services = new Map<number, Resource>();
      for (const t of targets) for (const s of servicesSelecting(graph, t)) services.set(s.id, s);
      for (const f of from) {
        for (const s of services.values()) {
          const k = `${f.owner.id}|${s.id}|${policy.id}|${port ?? ''}`;
          if (seen.has(k)) continue;
          seen.add(k);
          out.push({ kind: 'permits', from: f, to: s, port, policy, path, api });
        }
      }
    };
    istioPermits(graph, add);
    linkerdPermits(graph, add);
    consulPermits(graph, add);
    kumaPermits(graph, add);
    networkPolicyPermits(graph, add);
    return out;
  });
}

type Add = (from: readonly PodTemplate[], targets: readonly PodTemplate[], policy: Resource, path: Path, api: PermitApi, port?: number) => void;

function istioPermits(graph: Graph, add: Add): void {
  const root = clusterFacts(graph).istio.rootNamespace;
  for (const ap of graph.ofKind('security.istio.io', 'AuthorizationPolicy')) {
    const spec = isObject(ap.obj.spec) ? ap.obj.spec : {};
    if ((str(spec.action) ?? 'ALLOW') !== 'ALLOW') continue;
    const ns = nsOf(graph, ap);
    const sel = workloadsSelectedBy(graph, ap);
    if (!sel && ns === root) continue; // mesh-wide: names no particular destination
    const targets = sel ? sel.templates : graph.templatesIn(ns);
    arr(spec.rules).forEach((rule, i) => {
      arr(getIn(rule, ['from'])).forEach((f, j) => {
        const src = getIn(f, ['source']);
        if (!isObject(src)) return;
        const base: Path = ['spec', 'rules', i, 'from', j, 'source'];
        arr(src.principals).forEach((p, k) => {
          const pr = typeof p === 'string' ? parseIstioPrincipal(p) : undefined;
          if (pr) add(lookupIdentity(graph, pr.namespace, pr.serviceAccount).templates, targets, ap, [...base, 'principals', k], 'istio');
        });
        arr(src.namespaces).forEach((n, k) => {
          if (typeof n === 'string' && !n.includes('*')) add(graph.templatesIn(n), targets, ap, [...base, 'namespaces', k], 'istio');
        });
      });
    });
  }
}

function linkerdPermits(graph: Graph, add: Add): void {
  const identitiesOf = (authn: Resource): { templates: PodTemplate[]; path: Path }[] => {
    const spec = isObject(authn.obj.spec) ? authn.obj.spec : {};
    const out: { templates: PodTemplate[]; path: Path }[] = [];
    arr(spec.identities).forEach((id, i) => {
      const p = typeof id === 'string' ? parseLinkerdIdentity(id) : undefined;
      if (p) out.push({ templates: [...lookupIdentity(graph, p.namespace, p.serviceAccount).templates], path: ['spec', 'identities', i] });
    });
    arr(spec.identityRefs).forEach((ref, i) => {
      if (!isObject(ref) || str(ref.name) === '*' ) return;
      const kind = str(ref.kind) ?? 'ServiceAccount';
      const refNs = str(ref.namespace) ?? nsOf(graph, authn);
      if (kind === 'ServiceAccount' && str(ref.name)) out.push({ templates: [...lookupIdentity(graph, refNs, str(ref.name)!).templates], path: ['spec', 'identityRefs', i] });
      if (kind === 'Namespace' && str(ref.name)) out.push({ templates: [...graph.templatesIn(str(ref.name)!)], path: ['spec', 'identityRefs', i] });
    });
    return out;
  };
  for (const ap of graph.ofKind('policy.linkerd.io', 'AuthorizationPolicy')) {
    const ns = nsOf(graph, ap);
    const ref = getIn(ap.obj, ['spec', 'targetRef']);
    if (!isObject(ref)) continue;
    let targets: readonly PodTemplate[] = [];
    let port: number | undefined;
    if (ref.kind === 'Server') {
      const server = str(ref.name) ? graph.find('policy.linkerd.io', 'Server', ns, str(ref.name)!) : undefined;
      targets = server ? (workloadsSelectedBy(graph, server)?.templates ?? []) : [];
      const p = server ? getIn(server.obj, ['spec', 'port']) : undefined;
      port = typeof p === 'number' ? p : undefined;
    } else if (ref.kind === 'HTTPRoute' || ref.kind === 'GRPCRoute') {
      const parents = gatewayRouteParents(graph).filter((p) => p.route.name === ref.name && nsOf(graph, p.route) === ns && p.kind === 'Service' && p.target);
      targets = parents.flatMap((p) => serviceView(graph, p.target!).pods);
    } else if (ref.kind === 'Namespace') targets = graph.templatesIn(ns);
    arr(getIn(ap.obj, ['spec', 'requiredAuthenticationRefs'])).forEach((a, i) => {
      if (!isObject(a)) return;
      const kind = str(a.kind);
      const name = str(a.name);
      const aNs = str(a.namespace) ?? ns;
      if (!name) return;
      if (kind === 'MeshTLSAuthentication') {
        const authn = graph.find('policy.linkerd.io', 'MeshTLSAuthentication', aNs, name);
        if (authn) for (const id of identitiesOf(authn)) add(id.templates, targets, ap, ['spec', 'requiredAuthenticationRefs', i], 'linkerd', port);
      } else if (kind === 'ServiceAccount') {
        add(lookupIdentity(graph, aNs, name).templates, targets, ap, ['spec', 'requiredAuthenticationRefs', i], 'linkerd', port);
      }
    });
  }
  for (const sa of graph.ofKind('policy.linkerd.io', 'ServerAuthorization')) {
    const ns = nsOf(graph, sa);
    const serverName = str(getIn(sa.obj, ['spec', 'server', 'name']));
    const server = serverName ? graph.find('policy.linkerd.io', 'Server', ns, serverName) : undefined;
    const targets = server ? (workloadsSelectedBy(graph, server)?.templates ?? []) : [];
    const p = server ? getIn(server.obj, ['spec', 'port']) : undefined;
    const port = typeof p === 'number' ? p : undefined;
    arr(getIn(sa.obj, ['spec', 'client', 'meshTLS', 'serviceAccounts'])).forEach((s, i) => {
      if (isObject(s) && str(s.name)) add(lookupIdentity(graph, str(s.namespace) ?? ns, str(s.name)!).templates, targets, sa, ['spec', 'client', 'meshTLS', 'serviceAccounts', i], 'linkerd', port);
    });
    arr(getIn(sa.obj, ['spec', 'client', 'meshTLS', 'identities'])).forEach((id, i) => {
      const pr = typeof id === 'string' ? parseLinkerdIdentity(id) : undefined;
      if (pr) add(lookupIdentity(graph, pr.namespace, pr.serviceAccount).templates, targets, sa, ['spec', 'client', 'meshTLS', 'identities', i], 'linkerd', port);
    });
  }
}

function consulPermits(graph: Graph, add: Add): void {
  const registry = consulServices(graph);
  for (const si of graph.ofKind('consul.hashicorp.com', 'ServiceIntentions')) {
    const dest = str(getIn(si.obj, ['spec', 'destination', 'name']));
    if (!dest || dest === '*') continue;
    const targets = registry.get(dest)?.templates ?? [];
    arr(getIn(si.obj, ['spec', 'sources'])).forEach((s, i) => {
      if (!isObject(s)) return;
      const name = str(s.name);
      if (!name || name === '*') return;
      const allows = s.action === 'allow' || arr(s.permissions).some((p) => isObject(p) && p.action === 'allow');
      if (!allows) return;
      add(registry.get(name)?.templates ?? [], targets, si, ['spec', 'sources', i], 'consul');
    });
  }
}

function kumaPermits(graph: Graph, add: Add): void {
  for (const mtp of graph.ofKind('kuma.io', 'MeshTrafficPermission')) {
    const sel = workloadsSelectedBy(graph, mtp);
    if (!sel) continue; // Mesh-wide target: names no particular destination
    const scope = kumaScope(graph, mtp);
    arr(getIn(mtp.obj, ['spec', 'from'])).forEach((f, i) => {
      if (!isObject(f) || !isObject(f.targetRef)) return;
      const action = str(getIn(f, ['default', 'action']));
      if (action !== 'Allow' && action !== 'AllowWithShadowDeny') return;
      const ref: JsonObject = f.targetRef;
      let from: readonly PodTemplate[] = [];
      if (ref.kind === 'MeshSubset' && isObject(ref.tags)) from = kumaTagSelection(graph, ref.tags, ['spec', 'from', i, 'targetRef', 'tags'], scope)?.templates ?? [];
      else if ((ref.kind === 'MeshService' || ref.kind === 'MeshServiceSubset') && str(ref.name)) {
        const r = kumaServiceRef(graph, str(ref.name)!, str(ref.namespace) ?? nsOf(graph, mtp));
        if (r.status === 'found') from = serviceView(graph, r.service).pods;
      }
      add(from, sel.templates, mtp, ['spec', 'from', i, 'targetRef'], 'kuma');
    });
  }
}

function networkPolicyPermits(graph: Graph, add: Add): void {
  for (const np of graph.ofKind('networking.k8s.io', 'NetworkPolicy')) {
    const spec = isObject(np.obj.spec) ? np.obj.spec : {};
    const types = arr(spec.policyTypes).filter((x): x is string => typeof x === 'string');
    if (types.length && !types.includes('Ingress')) continue;
    const ns = nsOf(graph, np);
    const targets = graph.select(ns, labelSelector(spec.podSelector, 'everything'));
    arr(spec.ingress).forEach((rule, i) => {
      const port = arr(getIn(rule, ['ports'])).map((p) => (isObject(p) && typeof p.port === 'number' ? p.port : undefined)).find((x) => x !== undefined);
      arr(getIn(rule, ['from'])).forEach((peer, j) => {
        if (!isObject(peer) || peer.ipBlock !== undefined) return;
        const pods = peer.podSelector !== undefined ? labelSelector(peer.podSelector, 'everything') : ({ kind: 'everything' } as const);
        let namespaces: string[];
        if (peer.namespaceSelector !== undefined) {
          const nsSel = labelSelector(peer.namespaceSelector, 'everything');
          namespaces = [...graph.namespaces()].filter((n) => selectorMatches(nsSel, clusterFacts(graph).namespace(n).labels));
        } else namespaces = [ns];
        const from = namespaces.flatMap((n) => graph.select(n, pods));
        add(from, targets, np, ['spec', 'ingress', i, 'from', j], 'networkpolicy', port);
      });
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// routes

export function routingEdges(graph: Graph): readonly RoutingEdge[] {
  return graph.memo('flows:routes', () => {
    const out: RoutingEdge[] = [];
    for (const ing of graph.ofKind('networking.k8s.io', 'Ingress')) {
      const ns = nsOf(graph, ing);
      const backend = (b: JsonValue | undefined, path: Path) => {
        if (!isObject(b) || !isObject(b.service)) return;
        const name = str(b.service.name);
        const svc = name ? graph.find('', 'Service', ns, name) : undefined;
        if (!svc) return;
        const p = isObject(b.service.port) ? (typeof b.service.port.number === 'number' ? b.service.port.number : str(b.service.port.name)) : undefined;
        const port = p !== undefined ? servicePortByRef(serviceView(graph, svc), p)?.port : undefined;
        out.push({ kind: 'routes', from: ing, to: svc, port, path, api: 'ingress' });
      };
      backend(getIn(ing.obj, ['spec', 'defaultBackend']), ['spec', 'defaultBackend']);
      arr(getIn(ing.obj, ['spec', 'rules'])).forEach((r, i) => {
        arr(getIn(r, ['http', 'paths'])).forEach((p, j) => backend(getIn(p, ['backend']), ['spec', 'rules', i, 'http', 'paths', j, 'backend']));
      });
    }
    for (const e of routeEdges(graph)) {
      if (!e.to.service) continue;
      out.push({ kind: 'routes', from: e.route, to: e.to.service, port: typeof e.to.port === 'number' ? e.to.port : undefined, path: e.path, api: e.api, weight: e.weight });
    }
    return out;
  });
}
