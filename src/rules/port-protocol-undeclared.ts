import type { PodTemplate } from '../graph/graph.js';
import { AMBIENT_READS, waypointForService } from '../graph/mesh/ambient.js';
import { atLeast, clusterFacts } from '../graph/mesh/facts.js';
import { dataPlaneOf } from '../graph/mesh/injection.js';
import { LINKERD_DEFAULT_OPAQUE_PORTS as LINKERD_OPAQUE_PORTS } from '../graph/mesh/markers.js';
import { linkerdServersFor, MTLS_READS, portList } from '../graph/mesh/mtls.js';
import { serviceView, type PortEndpoint, type ServicePortView } from '../graph/services.js';
import { getIn, type Path, type Resource } from '../load/types.js';
import { INJECTION_READS, nameOf } from './_sidecar.js';
import { defineRule, type RelatedLocation } from './types.js';

/** Protocols Istio parses from a port name prefix or `appProtocol` [I-PROTO protocol.Parse]. */
const ISTIO_PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
/** Kubernetes-defined appProtocol values Istio maps [I-PROTO ConvertProtocol]. */
const ISTIO_K8S_APP_PROTOCOLS = new Map([
  ['kubernetes.io/h2c', 'http2'],
  ['kubernetes.io/ws', 'http'],
  ['kubernetes.io/wss', 'https'],
]);
/** Service ports Istio treats as TCP when nothing is declared [I-PROTO ConvertProtocol]. */
const ISTIO_TCP_PORTS = new Set([25, 53, 3306, 27017]);
/** appProtocol values Linkerd (2.18+) does not turn into opaque TCP [L-DOC-PROTO]. */
const LINKERD_KNOWN_APP_PROTOCOLS = new Set(['http', 'kubernetes.io/h2c', 'linkerd.io/opaque', 'linkerd.io/tcp']);
/** HTTP-family values that users expect to keep HTTP features, but Linkerd makes opaque. */
const HTTPISH = /^(grpc|grpc-web|http2|h2c|kubernetes\.io\/ws)$|^http$/i;
/** Server-speaks-first protocols by port and by name (the server talks first; detection waits for the client). */
const SERVER_FIRST_PORTS = new Map([
  [21, 'FTP'],
  [22, 'SSH'],
  [25, 'SMTP'],
  [110, 'POP3'],
  [143, 'IMAP'],
  [587, 'SMTP'],
  [3306, 'MySQL'],
]);
const SERVER_FIRST_NAMES = /^(mysql|mariadb|smtp|ssh|ftp|imap|pop3)\b/i;

export default defineRule({
  meta: {
    id: 'port-protocol-undeclared',
    description: 'A Service port in front of meshed pods whose protocol the mesh has to guess, or guesses differently from what the author meant.',
    level: 'warning',
    family: 'sidecar',
    reads: [...new Set([...INJECTION_READS, 'Service', ...AMBIENT_READS, ...MTLS_READS])],
    messages: {
      istioUndeclared: 'port {port} of Service {service} declares no protocol Istio recognises (name {name}, no appProtocol), so the {mesh} proxy sniffs it: server-first protocols stall and protocol-specific routing and telemetry may not apply',
      istioAppProtocolUnknown: 'appProtocol {appProtocol} is not a protocol Istio knows, and appProtocol wins over the port name{name}, so Istio sniffs this port instead of treating it as declared',
      istioConflict: '{workload} receives port {targetPort} as {protocol} through this Service but as {other} through Service {otherService}: Istio cannot apply both',
      linkerdOpaqueAppProtocol: 'Linkerd 2.18+ treats appProtocol {appProtocol} as opaque TCP (only http, kubernetes.io/h2c and linkerd.io/* are read), so HTTP routing, retries, timeouts and per-route policy do not apply to this port',
      linkerdServerFirst: 'port {port} of Service {service} carries {protocol}, a server-speaks-first protocol, but Linkerd does not treat target port {targetPort} of {workload} as opaque ({why}): each connection waits 10 s for protocol detection',
    },
    sources: [
      { tool: 'istioctl analyze', id: 'IST0118' },
      { tool: 'istioctl analyze', id: 'IST0116' },
    ],
    precision: 'high',
  },
  check({ graph, report }) {
    const facts = clusterFacts(graph);
    const linkerdReadsAppProtocol = atLeast(facts.linkerd.version, 2, 18) !== false;
    /** template → target port → first (Service, protocol) seen, for IST0116. */
    const seen = new Map<number, Map<number, { svc: Resource; protocol: string }>>();

    for (const svc of graph.ofKind('', 'Service')) {
      const view = serviceView(graph, svc);
      for (const p of view.ports) {
        if (p.protocol === 'UDP' || p.port === undefined || p.endpoints.length === 0) continue;
        let istioPods: PortEndpoint[] | undefined;
        let linkerdPods: PortEndpoint[] | undefined;
        for (const e of p.endpoints) {
          if (usesIstioL7(graph, svc, e.template)) (istioPods ??= []).push(e);
          const dp = dataPlaneOf(graph, e.template);
          if (dp.mesh === 'linkerd' && dp.mode === 'sidecar') (linkerdPods ??= []).push(e);
        }
        // a port whose pods run neither proxy is no concern of this rule
        if (!istioPods && !linkerdPods) continue;
        istioPods ??= [];
        linkerdPods ??= [];
        const assumed = [...istioPods, ...linkerdPods].every((e) => dataPlaneOf(graph, e.template).decidedBy.assumed) ? 'note' : undefined;

        if (istioPods.length) {
          const declared = istioProtocol(p);
          if (declared.kind === 'unknown-app-protocol') {
            const prefix = namePrefix(p.name);
            report({
              messageId: 'istioAppProtocolUnknown',
              data: { appProtocol: p.appProtocol!, name: prefix && ISTIO_PROTOCOLS.has(prefix) ? ` (${p.name}, which would have meant ${prefix})` : '' },
              resource: svc,
              path: [...p.path, 'appProtocol'],
              level: assumed,
            });
          } else if (declared.kind === 'none') {
            report({
              messageId: 'istioUndeclared',
              data: { port: p.port, service: `${svc.namespace}/${svc.name}`, name: p.name ?? '(unnamed)', mesh: 'Istio' },
              resource: svc,
              path: [...p.path, p.name !== undefined ? 'name' : 'port'],
              level: assumed,
              related: podsRelated(istioPods.map((e) => e.template)),
            });
          }
          if (declared.protocol) {
            for (const e of istioPods) {
              let byPort = seen.get(e.template.owner.id);
              if (!byPort) seen.set(e.template.owner.id, (byPort = new Map()));
              const prev = byPort.get(e.port);
              if (!prev) byPort.set(e.port, { svc, protocol: declared.protocol });
              else if (prev.svc !== svc && !sameFamily(prev.protocol, declared.protocol)) {
                report({
                  messageId: 'istioConflict',
                  data: { workload: nameOf(e.template.owner), targetPort: e.port, protocol: declared.protocol, other: prev.protocol, otherService: `${prev.svc.namespace}/${prev.svc.name}` },
                  resource: svc,
                  path: p.appProtocol !== undefined ? [...p.path, 'appProtocol'] : [...p.path, p.name !== undefined ? 'name' : 'port'],
                  level: assumed,
                  related: [{ resource: prev.svc, path: ['spec', 'ports'], message: `declares ${prev.protocol}` }],
                });
                break;
              }
            }
          }
        }

        if (linkerdPods.length) {
          if (p.appProtocol !== undefined && linkerdReadsAppProtocol && !LINKERD_KNOWN_APP_PROTOCOLS.has(p.appProtocol) && HTTPISH.test(p.appProtocol)) {
            report({ messageId: 'linkerdOpaqueAppProtocol', data: { appProtocol: p.appProtocol }, resource: svc, path: [...p.path, 'appProtocol'], level: assumed });
          }
          const protocol = serverFirst(p);
          if (protocol) {
            for (const e of linkerdPods) {
              const opaque = linkerdOpaque(graph, e.template, p, e.port, linkerdReadsAppProtocol);
              if (opaque.opaque) continue;
              report({
                messageId: 'linkerdServerFirst',
                data: { port: p.port, service: `${svc.namespace}/${svc.name}`, protocol, targetPort: e.port, workload: nameOf(e.template.owner), why: opaque.why },
                resource: svc,
                path: [...p.path, p.name !== undefined && SERVER_FIRST_NAMES.test(p.name) ? 'name' : 'port'],
                level: assumed,
                related: opaque.at ? [opaque.at] : [],
              });
              break;
            }
          }
        }
      }
    }
  },
});

function namePrefix(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const lower = name.toLowerCase();
  if (lower.startsWith('grpc-web')) return 'grpc-web';
  const dash = lower.indexOf('-');
  return dash < 0 ? lower : lower.slice(0, dash);
}

type Declared = { kind: 'app-protocol' | 'name' | 'well-known'; protocol: string } | { kind: 'unknown-app-protocol' | 'none'; protocol?: undefined };

/** How Istio reads the port's protocol: appProtocol (wins when set), else the name prefix, else well-known ports. */
function istioProtocol(p: ServicePortView): Declared {
  if (p.appProtocol !== undefined) {
    const ap = p.appProtocol.toLowerCase();
    const mapped = ISTIO_K8S_APP_PROTOCOLS.get(ap) ?? (ISTIO_PROTOCOLS.has(ap) ? ap : undefined);
    return mapped ? { kind: 'app-protocol', protocol: mapped } : { kind: 'unknown-app-protocol' };
  }
  const prefix = namePrefix(p.name);
  if (prefix && ISTIO_PROTOCOLS.has(prefix)) return { kind: 'name', protocol: prefix };
  if (p.port !== undefined && ISTIO_TCP_PORTS.has(p.port)) return { kind: 'well-known', protocol: 'tcp' };
  return { kind: 'none' };
}

/** HTTP and HTTP/2 (and gRPC) ride the same listener; only a real difference is a conflict. */
function sameFamily(a: string, b: string): boolean {
  const fam = (x: string) => (['http', 'http2', 'grpc', 'grpc-web', 'http_proxy'].includes(x) ? 'http' : x);
  return fam(a) === fam(b);
}

/** Istio reads the protocol for sidecar pods, and for ambient pods whose Service has a waypoint (L7 there). */
function usesIstioL7(graph: Parameters<typeof dataPlaneOf>[0], svc: Resource, t: PodTemplate): boolean {
  const dp = dataPlaneOf(graph, t);
  if (dp.mesh !== 'istio') return false;
  if (dp.mode === 'sidecar') return true;
  return dp.mode === 'ambient' && waypointForService(graph, svc).waypoint !== undefined;
}

function serverFirst(p: ServicePortView): string | undefined {
  const m = p.name ? SERVER_FIRST_NAMES.exec(p.name) : null;
  if (m) return m[1]!.toUpperCase() === 'MARIADB' ? 'MySQL' : m[1]!.toUpperCase();
  if (p.appProtocol && SERVER_FIRST_NAMES.test(p.appProtocol)) return p.appProtocol;
  const byTarget = typeof p.targetPort === 'number' ? SERVER_FIRST_PORTS.get(p.targetPort) : undefined;
  return (p.port !== undefined ? SERVER_FIRST_PORTS.get(p.port) : undefined) ?? byTarget;
}

/**
 * Whether Linkerd treats a pod port as opaque: Service appProtocol linkerd.io/opaque|tcp (2.18+), a Server with
 * `proxyProtocol: opaque`, else the opaque-ports annotation of the pod or its namespace (which replaces the
 * default list), else the cluster list [L-DOC-PROTO; L-DOC-AUTHZ].
 */
function linkerdOpaque(graph: Parameters<typeof dataPlaneOf>[0], t: PodTemplate, p: ServicePortView, podPort: number, readsAppProtocol: boolean): { opaque: boolean; why: string; at?: RelatedLocation } {
  if (readsAppProtocol && (p.appProtocol === 'linkerd.io/opaque' || p.appProtocol === 'linkerd.io/tcp')) return { opaque: true, why: '' };
  const server = linkerdServersFor(graph, t, podPort)[0];
  const proto = server ? getIn(server.obj, ['spec', 'proxyProtocol']) : undefined;
  if (server && typeof proto === 'string') {
    return proto === 'opaque' ? { opaque: true, why: '' } : { opaque: false, why: `Server ${server.name} declares proxyProtocol ${proto}`, at: { resource: server, path: ['spec', 'proxyProtocol'], message: 'Server protocol' } };
  }
  const facts = clusterFacts(graph);
  const own = t.annotations['config.linkerd.io/opaque-ports'];
  const ns = facts.namespace(t.namespace);
  const nsList = ns.annotations['config.linkerd.io/opaque-ports'];
  if (own !== undefined) {
    const at: RelatedLocation = { resource: t.owner, path: [...t.path, 'metadata', 'annotations', 'config.linkerd.io/opaque-ports'] as Path, message: 'opaque-ports annotation' };
    return portList(own).includes(podPort) ? { opaque: true, why: '' } : { opaque: false, why: `the pod's config.linkerd.io/opaque-ports=${own} replaces the default list and leaves it out`, at };
  }
  if (nsList !== undefined) {
    return portList(nsList).includes(podPort) ? { opaque: true, why: '' } : { opaque: false, why: `namespace ${ns.name}'s config.linkerd.io/opaque-ports=${nsList} replaces the default list and leaves it out` };
  }
  const list = facts.linkerd.opaquePorts;
  if (list.includes(podPort)) return { opaque: true, why: '' };
  const isDefault = list.length === LINKERD_OPAQUE_PORTS.length && list.every((x, i) => x === LINKERD_OPAQUE_PORTS[i]);
  return { opaque: false, why: isDefault ? `it is not in the default opaque ports (${list.join(', ')}) and no annotation or Server marks it` : `it is not in cluster.linkerd.opaquePorts` };
}

function podsRelated(ts: readonly PodTemplate[]): RelatedLocation[] {
  const first = ts[0];
  return first ? [{ resource: first.owner, path: [...first.path, 'metadata'], message: `meshed pod behind the port: ${nameOf(first.owner)}` }] : [];
}
