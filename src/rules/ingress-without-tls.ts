import type { Graph } from '../graph/graph.js';
import { annotationsOf } from '../graph/exposure.js';
import { labelsOf } from '../graph/labels.js';
import { hostMatches } from '../graph/mesh/hosts.js';
import { GATEWAY_ROUTE_READS, ISTIO_ROUTE_READS, gatewayRouteParents, istioRouteParents, type RouteParent } from '../graph/mesh/routes.js';
import { getIn, isObject, str, type JsonObject, type JsonValue, type Resource } from '../load/types.js';
import { listOf, objectLabel, uniqueReads } from './_exposure.js';
import { defineRule } from './types.js';
import { asArray as arr } from '../load/types.js';

interface Options {
  readonly tlsElsewhereAnnotations: readonly string[];
}

/**
 * Ingress annotations that say TLS is handled in front of the Ingress, or that plain HTTP is turned off or
 * redirected. Sources: AWS Load Balancer Controller (`alb.ingress.kubernetes.io/certificate-arn`), GKE Ingress
 * (`kubernetes.io/ingress.allow-http: "false"`, `ingress.gcp.kubernetes.io/pre-shared-cert`,
 * `networking.gke.io/managed-certificates`), Azure Application Gateway Ingress Controller
 * (`appgw.ingress.kubernetes.io/appgw-ssl-certificate`, `ssl-redirect`), ingress-nginx
 * (`nginx.ingress.kubernetes.io/force-ssl-redirect`), Traefik (`traefik.ingress.kubernetes.io/router.tls`).
 */
const DEFAULT_TLS_ELSEWHERE = [
  'alb.ingress.kubernetes.io/certificate-arn',
  'kubernetes.io/ingress.allow-http=false',
  'ingress.gcp.kubernetes.io/pre-shared-cert',
  'networking.gke.io/managed-certificates',
  'appgw.ingress.kubernetes.io/appgw-ssl-certificate',
  'appgw.ingress.kubernetes.io/ssl-redirect=true',
  'nginx.ingress.kubernetes.io/force-ssl-redirect=true',
  'traefik.ingress.kubernetes.io/router.tls=true',
];

/** Istio Gateway server protocols that carry HTTP in the clear unless the server has TLS settings [I-API-GW Port.protocol]. */
const ISTIO_PLAIN_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);
const ISTIO_TLS_PROTOCOLS = new Set(['HTTPS', 'TLS']);

type Messages = 'ingressNoTls' | 'ingressHostUncovered' | 'istioServer' | 'gatewayListener';

export default defineRule<Messages, Options>({
  meta: {
    id: 'ingress-without-tls',
    description: 'A plaintext entry point: an Ingress without tls, an Istio Gateway HTTP server without HTTPS redirect or HTTPS sibling, or a Gateway API HTTP listener without a TLS sibling.',
    level: 'warning',
    family: 'mtls',
    reads: uniqueReads(['Ingress.networking.k8s.io', 'Gateway.networking.istio.io', 'Gateway.gateway.networking.k8s.io'], GATEWAY_ROUTE_READS, ISTIO_ROUTE_READS),
    messages: {
      ingressNoTls:
        '{ingress} has no tls section, so it serves {hosts} over plain HTTP: requests, cookies and credentials cross the network unencrypted up to the ingress controller, and the mesh\'s mTLS only protects the hops behind it',
      ingressHostUncovered: 'host {host} of {ingress} is in no tls entry, so it is served over plain HTTP only; the mesh\'s mTLS starts behind the ingress controller',
      istioServer:
        '{gateway} server {server} accepts plain {protocol} on port {port} for {hosts} without tls.httpsRedirect, and no HTTPS server of the same gateway pods covers those hosts{routes}: clients talk to the gateway unencrypted, and the mesh\'s mTLS only starts behind it',
      gatewayListener:
        '{gateway} listener {listener} accepts plain HTTP on port {port} for {hosts}, and the Gateway has no HTTPS or TLS listener for them{routes}: clients talk to the gateway unencrypted, and the mesh\'s mTLS only starts behind it',
    },
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          tlsElsewhereAnnotations: {
            type: 'array',
            items: { type: 'string', minLength: 1, pattern: '^[^=]+(=.*)?$' },
            description: 'Ingress annotations (key or key=value) meaning TLS is terminated in front of the Ingress or plain HTTP is redirected; replaces the default list.',
          },
        },
      },
      defaults: { tlsElsewhereAnnotations: DEFAULT_TLS_ELSEWHERE },
    },
    precision: 'high',
    securitySeverity: 6.5,
  },
  check({ graph, options, report }) {
    // Kubernetes Ingress
    for (const ing of graph.ofKind('networking.k8s.io', 'Ingress')) {
      const annotations = annotationsOf(ing);
      if (options.tlsElsewhereAnnotations.some((m) => markerHolds(m, annotations))) continue;
      const rules = arr(getIn(ing.obj, ['spec', 'rules']));
      const hosts = rules.map((r) => (isObject(r) ? str(r.host) : undefined));
      const tls = arr(getIn(ing.obj, ['spec', 'tls'])).filter(isObject);
      if (!tls.length) {
        const named = hosts.filter((h): h is string => h !== undefined);
        report({ messageId: 'ingressNoTls', data: { ingress: objectLabel(ing), hosts: named.length ? listOf([...new Set(named)]) : 'every host' }, resource: ing, path: ['spec', 'tls'] });
        continue;
      }
      // A tls entry without hosts covers the controller's default (wildcard) certificate: every host.
      const patterns = tls.flatMap((t) => (Array.isArray(t.hosts) ? t.hosts.filter((h): h is string => typeof h === 'string') : ['*']));
      hosts.forEach((h, i) => {
        if (h === undefined || patterns.some((p) => p === h || hostMatches(p, h))) return;
        report({ messageId: 'ingressHostUncovered', data: { host: h, ingress: objectLabel(ing) }, resource: ing, path: ['spec', 'rules', i, 'host'] });
      });
    }

    // Istio Gateway
    const tlsHostsBySelector = istioTlsHosts(graph);
    const istioBound = virtualServicesByGateway(graph);
    for (const gw of graph.ofKind('networking.istio.io', 'Gateway')) {
      const selector = selectorKey(getIn(gw.obj, ['spec', 'selector']));
      if (/egress/i.test(selector)) continue; // egress gateways carry traffic out of the mesh, not in
      const covering = tlsHostsBySelector.get(selector) ?? [];
      arr(getIn(gw.obj, ['spec', 'servers'])).forEach((s, i) => {
        if (!isObject(s) || !isObject(s.port)) return;
        const protocol = (str(s.port.protocol) ?? '').toUpperCase();
        if (!ISTIO_PLAIN_PROTOCOLS.has(protocol)) return;
        const tls = isObject(s.tls) ? s.tls : undefined;
        if (tls?.httpsRedirect === true) return;
        const hosts = arr(s.hosts).filter((h): h is string => typeof h === 'string').map(hostPart);
        if (hosts.length && hosts.every((h) => covering.some((p) => hostMatches(p, h) || p === h))) return;
        const bound = istioBound.get(gw.id) ?? [];
        if (bound.length && bound.every(virtualServiceOnlyRedirectsOrSolves)) return;
        report({
          messageId: 'istioServer',
          data: {
            gateway: objectLabel(gw),
            server: str(s.name) ?? str(s.port.name) ?? `#${i}`,
            protocol,
            port: typeof s.port.number === 'number' ? s.port.number : '?',
            hosts: hosts.length ? `hosts ${listOf(hosts)}` : 'no hosts',
            routes: bound.length ? `, and ${objectLabel(bound.find((vs) => !virtualServiceOnlyRedirectsOrSolves(vs))!)} serves content on it instead of redirecting to https` : '',
          },
          resource: gw,
          path: ['spec', 'servers', i, 'port', 'protocol'],
        });
      });
    }

    // Gateway API Gateway
    const parents = parentsByGateway(graph);
    for (const gw of graph.ofKind('gateway.networking.k8s.io', 'Gateway')) {
      const listeners = arr(getIn(gw.obj, ['spec', 'listeners']));
      const secure = listeners.filter((l): l is JsonObject => isObject(l) && (l.protocol === 'HTTPS' || l.protocol === 'TLS'));
      listeners.forEach((l, i) => {
        if (!isObject(l) || l.protocol !== 'HTTP') return;
        const hostname = str(l.hostname);
        const covered = secure.some((s) => {
          const h = str(s.hostname);
          return h === undefined || (hostname !== undefined && (h === hostname || hostMatches(h, hostname)));
        });
        if (covered) return;
        const attached = (parents.get(gw.id) ?? []).filter((p) => (p.sectionName === undefined || p.sectionName === l.name) && (p.port === undefined || p.port === l.port));
        const routes = [...new Set(attached.map((p) => p.route))];
        if (routes.length && routes.every(routeOnlyRedirectsOrSolves)) return;
        report({
          messageId: 'gatewayListener',
          data: {
            gateway: objectLabel(gw),
            listener: str(l.name) ?? `#${i}`,
            port: typeof l.port === 'number' ? l.port : '?',
            hosts: hostname ?? 'every host',
            routes: routes.length ? `, and ${objectLabel(routes.find((r) => !routeOnlyRedirectsOrSolves(r))!)} serves content on it instead of redirecting to https` : '',
          },
          resource: gw,
          path: ['spec', 'listeners', i, 'protocol'],
        });
      });
    }
  },
});


/** `key` present, or `key=value` equal. */
function markerHolds(marker: string, map: Readonly<Record<string, string>>): boolean {
  const eq = marker.indexOf('=');
  if (eq < 0) return map[marker] !== undefined;
  return map[marker.slice(0, eq)] === marker.slice(eq + 1);
}

/** An Istio Gateway server host is `[namespace/]host`; the namespace part scopes VirtualServices, not clients. */
function hostPart(h: string): string {
  const slash = h.indexOf('/');
  return slash < 0 ? h : h.slice(slash + 1);
}

/** Gateways with the same selector run on the same pods: one key per selector (sorted label pairs). */
function selectorKey(v: JsonValue | undefined): string {
  const labels = labelsOf(v);
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** Hosts of HTTPS/TLS servers, by the selector of the Istio Gateway that declares them. */
function istioTlsHosts(graph: Graph): ReadonlyMap<string, readonly string[]> {
  return graph.memo('ingressTls:istioTlsHosts', () => {
    const m = new Map<string, string[]>();
    for (const gw of graph.ofKind('networking.istio.io', 'Gateway')) {
      const key = selectorKey(getIn(gw.obj, ['spec', 'selector']));
      for (const s of arr(getIn(gw.obj, ['spec', 'servers']))) {
        if (!isObject(s) || !isObject(s.port)) continue;
        const protocol = (str(s.port.protocol) ?? '').toUpperCase();
        if (!ISTIO_TLS_PROTOCOLS.has(protocol)) continue;
        const hosts = arr(s.hosts).filter((h): h is string => typeof h === 'string').map(hostPart);
        const l = m.get(key);
        if (l) l.push(...hosts);
        else m.set(key, hosts);
      }
    }
    return m;
  });
}

/** Route parents that resolved to a Gateway API Gateway, by that Gateway. */
function parentsByGateway(graph: Graph): ReadonlyMap<number, readonly RouteParent[]> {
  return graph.memo('ingressTls:parentsByGateway', () => {
    const m = new Map<number, RouteParent[]>();
    for (const p of gatewayRouteParents(graph)) {
      if (!p.target || p.status !== 'ok' || p.target.kind !== 'Gateway' || p.target.group !== 'gateway.networking.k8s.io') continue;
      const l = m.get(p.target.id);
      if (l) l.push(p);
      else m.set(p.target.id, [p]);
    }
    return m;
  });
}

/** Requests under this prefix answer ACME HTTP-01 challenges, which must be plain HTTP (RFC 8555 §8.3). */
const ACME_PREFIX = '/.well-known/acme-challenge';

/** VirtualServices bound to each Istio Gateway of the input. */
function virtualServicesByGateway(graph: Graph): ReadonlyMap<number, readonly Resource[]> {
  return graph.memo('ingressTls:vsByGateway', () => {
    const m = new Map<number, Resource[]>();
    for (const p of istioRouteParents(graph)) {
      if (!p.target || p.target.group !== 'networking.istio.io') continue;
      const l = m.get(p.target.id) ?? [];
      if (!l.includes(p.route)) l.push(p.route);
      m.set(p.target.id, l);
    }
    return m;
  });
}

/** Every HTTP route of the VirtualService redirects to https or only answers ACME challenges. */
function virtualServiceOnlyRedirectsOrSolves(vs: Resource): boolean {
  const http = arr(getIn(vs.obj, ['spec', 'http']));
  if (!http.length || arr(getIn(vs.obj, ['spec', 'tcp'])).length || arr(getIn(vs.obj, ['spec', 'tls'])).length) return false;
  return http.every((r) => {
    if (!isObject(r)) return false;
    if (isObject(r.redirect) && r.redirect.scheme === 'https') return true;
    const match = arr(r.match);
    return match.length > 0 && match.every((m) => isObject(m) && isObject(m.uri) && [m.uri.prefix, m.uri.exact].some((v) => typeof v === 'string' && v.startsWith(ACME_PREFIX)));
  });
}

/** Every rule of the route redirects to https (RequestRedirect filter, scheme https) or only answers ACME challenges [G-HTTPROUTE]. */
function routeOnlyRedirectsOrSolves(route: Resource): boolean {
  const rules = arr(getIn(route.obj, ['spec', 'rules']));
  return (
    rules.length > 0 &&
    rules.every((r) => {
      if (!isObject(r)) return false;
      if (arr(r.filters).some((f) => isObject(f) && f.type === 'RequestRedirect' && isObject(f.requestRedirect) && f.requestRedirect.scheme === 'https')) return true;
      const matches = arr(r.matches);
      return matches.length > 0 && matches.every((m) => isObject(m) && isObject(m.path) && typeof m.path.value === 'string' && m.path.value.startsWith(ACME_PREFIX));
    })
  );
}
