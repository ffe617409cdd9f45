/**
 * Ways into the cluster from outside, and what stands in front of them (semantics.md §1.3, §1.4, §1.6):
 *
 * - Services reachable from outside: `type: NodePort`, `type: LoadBalancer` (which also holds node ports unless
 *   `allocateLoadBalancerNodePorts: false`, and keeps explicitly written ones even then), and any Service with
 *   `externalIPs` [K-API-SVC; K-DOC-SVC "Disabling load balancer NodePort allocation"].
 * - Pods that listen on the node itself: container ports with `hostPort`, and every declared port of a
 *   `hostNetwork` pod.
 * - Node port claims across the whole input (node ports are one cluster-wide pool, whatever the protocol, except
 *   that one Service may use a number for TCP and UDP alike: kubernetes/kubernetes#91404, #30253).
 * - NetworkPolicy ingress isolation per pod template and port (additive policies; `policyTypes` defaults to
 *   Ingress; a rule without `from` admits every source; named ports resolve per pod) [K-API-NP].
 * - Gateways: pods that are meant to be reached from outside (selected by an Istio Gateway, or carrying a
 *   gateway marker the caller names).
 * - Policies that decide by client address: NetworkPolicy `ipBlock`, Istio AuthorizationPolicy `ipBlocks` /
 *   `remoteIpBlocks` / `source.ip` / `remote.ip` conditions, Linkerd `NetworkAuthentication` and
 *   ServerAuthorization `client.networks`, and ingress-nginx source-range allowlists on the Ingresses a
 *   controller serves (or in its ConfigMap).
 *
 * Everything is computed once per graph and memoised; rules only look things up.
 */
import { getIn, isObject, str, type JsonObject, type JsonValue, type Path, type Resource } from '../load/types.js';
import type { Graph, PodTemplate } from './graph.js';
import { labelSelector, labelsOf, selectorMatches, type Labels, type Selector } from './labels.js';
import { clusterFacts } from './mesh/facts.js';
import { dataPlaneOf } from './mesh/injection.js';
import { linkerdServersFor } from './mesh/mtls.js';
import { workloadsSelectedBy } from './mesh/targets.js';
import { containerPorts, serviceView, type ContainerPort, type ServiceView } from './services.js';
export { annotationsOf } from './labels.js';
import { annotationsOf } from './labels.js';

// ---------------------------------------------------------------------------------------------------------
// Services reachable from outside

export interface ServiceExposure {
  readonly service: Resource;
  readonly view: ServiceView;
  /** NodePort or LoadBalancer type, or externalIPs: reachable from outside the cluster network. */
  readonly exposed: boolean;
  readonly loadBalancer: boolean;
  /** Node ports are held on every node for this Service. */
  readonly nodePorts: boolean;
  /** `type: LoadBalancer` with `allocateLoadBalancerNodePorts: false` (explicit nodePort values are still held). */
  readonly nodePortsDisabled: boolean;
  readonly externalIPs: readonly string[];
  /** `Cluster` (the default) or `Local`; applies to node ports, load-balancer and external IPs [K-API-SVC]. */
  readonly externalTrafficPolicy: string;
  readonly externalTrafficPolicySet: boolean;
  /** `spec.loadBalancerSourceRanges`, or the older annotation when the field is empty. */
  readonly sourceRanges: readonly string[];
  readonly sourceRangesPath: Path | undefined;
  /** The annotation that asks the cloud for an internal (private) load balancer, if any. */
  readonly internalAnnotation: string | undefined;
}

/** Annotation read when `spec.loadBalancerSourceRanges` is empty (Kubernetes' `GetLoadBalancerSourceRanges`). */
export const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/** Annotations that make the cloud load balancer internal, as listed in K-DOC-SVC "Internal load balancer". */
export const INTERNAL_LB_ANNOTATIONS: ReadonlyMap<string, (v: string) => boolean> = new Map([
  ['networking.gke.io/load-balancer-type', (v: string) => v.toLowerCase() === 'internal'],
  ['cloud.google.com/load-balancer-type', (v: string) => v.toLowerCase() === 'internal'],
  ['service.beta.kubernetes.io/aws-load-balancer-internal', (v: string) => v === 'true' || v === '0.0.0.0/0'],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', (v: string) => v === 'internal'],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', (v: string) => v === 'true'],
  ['service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type', (v: string) => v === 'private'],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', (v: string) => v === 'true'],
  ['service.beta.kubernetes.io/cce-load-balancer-internal-vpc', (v: string) => v === 'true'],
  ['service.kubernetes.io/qcloud-loadbalancer-internal-subnetid', (v: string) => v !== ''],
  ['service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type', (v: string) => v === 'intranet'],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', (v: string) => v === 'true'],
]);

export function serviceExposure(graph: Graph, svc: Resource): ServiceExposure {
  return graph.memo('exposure:svc', svc.id, () => {
    const view = serviceView(graph, svc);
    const spec = isObject(svc.obj.spec) ? svc.obj.spec : {};
    const annotations = annotationsOf(svc);
    const loadBalancer = view.type === 'LoadBalancer';
    const nodePortsDisabled = loadBalancer && spec.allocateLoadBalancerNodePorts === false;
    const explicit = view.ports.some((p) => p.nodePort !== undefined);
    const nodePorts = view.type === 'NodePort' || (loadBalancer && (!nodePortsDisabled || explicit));
    const externalIPs = Array.isArray(spec.externalIPs) ? spec.externalIPs.filter((x): x is string => typeof x === 'string' && x !== '') : [];
    const etp = str(spec.externalTrafficPolicy);
    let sourceRanges: string[] = Array.isArray(spec.loadBalancerSourceRanges) ? spec.loadBalancerSourceRanges.filter((x): x is string => typeof x === 'string' && x !== '') : [];
    let sourceRangesPath: Path | undefined = sourceRanges.length ? ['spec', 'loadBalancerSourceRanges'] : undefined;
    if (!sourceRanges.length && annotations[SOURCE_RANGES_ANNOTATION]) {
      sourceRanges = annotations[SOURCE_RANGES_ANNOTATION].split(',').map((s) => s.trim()).filter(Boolean);
      sourceRangesPath = ['metadata', 'annotations', SOURCE_RANGES_ANNOTATION];
    }
    let internalAnnotation: string | undefined;
    for (const [key, isInternal] of INTERNAL_LB_ANNOTATIONS) {
      const v = annotations[key];
      if (v !== undefined && isInternal(v)) internalAnnotation = key;
    }
    return {
      service: svc,
      view,
      exposed: view.type === 'NodePort' || loadBalancer || (externalIPs.length > 0 && view.type !== 'ExternalName'),
      loadBalancer,
      nodePorts,
      nodePortsDisabled,
      externalIPs,
      // The API server defaults the field to Cluster for Services that have external traffic [K-API-SVC].
      externalTrafficPolicy: etp === 'Local' ? 'Local' : 'Cluster',
      externalTrafficPolicySet: etp !== undefined,
      sourceRanges,
      sourceRangesPath,
      internalAnnotation,
    };
  });
}

/** Every Service of the input that is reachable from outside the cluster network. */
export function exposedServices(graph: Graph): readonly ServiceExposure[] {
  return graph.memo('exposure:exposed', () => {
    const out: ServiceExposure[] = [];
    // Most Services are ClusterIP: tell from the spec alone, and describe only the exposed ones in full.
    for (const s of graph.ofKind('', 'Service')) if (mayBeExposed(s)) {
      const e = serviceExposure(graph, s);
      if (e.exposed) out.push(e);
    }
    return out;
  });
}

/** False when `serviceExposure(...).exposed` is surely false: neither NodePort nor LoadBalancer, and no external IP. */
function mayBeExposed(svc: Resource): boolean {
  const spec = svc.obj.spec;
  if (!isObject(spec)) return false;
  const type = str(spec.type) ?? 'ClusterIP';
  if (type === 'NodePort' || type === 'LoadBalancer') return true;
  return type !== 'ExternalName' && Array.isArray(spec.externalIPs) && spec.externalIPs.some((x) => typeof x === 'string' && x !== '');
}

// ---------------------------------------------------------------------------------------------------------
// Pods listening on the node

export interface HostEntry {
  readonly template: PodTemplate;
  readonly port: ContainerPort;
  /** The port on the node's addresses. */
  readonly hostPort: number;
  readonly hostNetwork: boolean;
  /** Where the finding points: the `hostPort` key, or the `containerPort` of a host-network pod. */
  readonly path: Path;
}

/** Container ports published on the node: `hostPort` entries, and every declared port of a hostNetwork pod. */
export function hostEntries(graph: Graph): readonly HostEntry[] {
  return graph.memo('exposure:host', () => {
    const out: HostEntry[] = [];
    for (const t of graph.templates()) {
      const hostNetwork = t.spec.hostNetwork === true;
      if (!hostNetwork && !declaresHostPort(t)) continue;
      for (const cp of containerPorts(t)) {
        if (cp.hostPort !== undefined) out.push({ template: t, port: cp, hostPort: cp.hostPort, hostNetwork, path: [...cp.path, 'hostPort'] });
        else if (hostNetwork) out.push({ template: t, port: cp, hostPort: cp.port, hostNetwork, path: [...cp.path, 'containerPort'] });
      }
    }
    return out;
  });
}

/** Some container (or native sidecar) port of the template sets a numeric hostPort: a cheap test on the raw spec. */
function declaresHostPort(t: PodTemplate): boolean {
  for (const field of CONTAINER_FIELDS) {
    const list = t.spec[field];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isObject(c) || !Array.isArray(c.ports)) continue;
      for (const p of c.ports) if (isObject(p) && typeof p.hostPort === 'number') return true;
    }
  }
  return false;
}

const CONTAINER_FIELDS = ['containers', 'initContainers'] as const;

// ---------------------------------------------------------------------------------------------------------
// Node port claims

export interface NodePortClaim {
  readonly service: Resource;
  readonly nodePort: number;
  readonly protocol: string;
  readonly field: 'nodePort' | 'healthCheckNodePort';
  readonly path: Path;
  /** The Service type takes node ports (NodePort, LoadBalancer); a ClusterIP Service with a nodePort is rejected. */
  readonly typeAllows: boolean;
  readonly type: string;
}

/** Every explicitly written node port in the input, by number. */
export function nodePortClaims(graph: Graph): ReadonlyMap<number, readonly NodePortClaim[]> {
  return graph.memo('exposure:nodePorts', () => {
    const byPort = new Map<number, NodePortClaim[]>();
    const add = (c: NodePortClaim) => {
      const l = byPort.get(c.nodePort);
      if (l) l.push(c);
      else byPort.set(c.nodePort, [c]);
    };
    for (const svc of graph.ofKind('', 'Service')) {
      const view = serviceView(graph, svc);
      const typeAllows = view.type === 'NodePort' || view.type === 'LoadBalancer';
      for (const p of view.ports) {
        if (p.nodePort === undefined) continue;
        add({ service: svc, nodePort: p.nodePort, protocol: p.protocol, field: 'nodePort', path: [...p.path, 'nodePort'], typeAllows, type: view.type });
      }
      const hc = getIn(svc.obj, ['spec', 'healthCheckNodePort']);
      if (typeof hc === 'number' && hc !== 0) {
        add({ service: svc, nodePort: hc, protocol: 'TCP', field: 'healthCheckNodePort', path: ['spec', 'healthCheckNodePort'], typeAllows: view.type === 'LoadBalancer', type: view.type });
      }
    }
    return byPort;
  });
}

// ---------------------------------------------------------------------------------------------------------
// NetworkPolicy ingress isolation

interface PolicyEntry {
  readonly policy: Resource;
  readonly selector: Selector;
}

/** NetworkPolicies of a namespace that govern ingress (policyTypes lists Ingress, or is absent). */
function ingressPoliciesIn(graph: Graph, namespace: string): readonly PolicyEntry[] {
  return graph.memo('exposure:np', namespace, () =>
    graph
      .inNamespace(namespace, 'networking.k8s.io', 'NetworkPolicy')
      .filter((np) => {
        const types = getIn(np.obj, ['spec', 'policyTypes']);
        return !Array.isArray(types) || types.includes('Ingress');
      })
      .map((policy) => ({ policy, selector: labelSelector(getIn(policy.obj, ['spec', 'podSelector']), 'everything') })),
  );
}

/** NetworkPolicies that isolate the template for ingress. */
export function ingressPoliciesSelecting(graph: Graph, t: PodTemplate): readonly Resource[] {
  return graph.memo('exposure:npFor', t.owner.id, () => ingressPoliciesIn(graph, t.namespace).filter((e) => selectorMatches(e.selector, t.labels)).map((e) => e.policy));
}

export interface IngressAdmission {
  /** `unisolated`: no policy selects the pod; `open`: a selecting rule admits every source on the port. */
  readonly verdict: 'unisolated' | 'open' | 'restricted';
  readonly policies: readonly Resource[];
  readonly open?: { readonly policy: Resource; readonly path: Path; readonly why: string };
}

/** Whether NetworkPolicy lets any source reach `port` of the template [K-API-NP]. */
export function ingressAdmission(graph: Graph, t: PodTemplate, port: number, protocol: string): IngressAdmission {
  return graph.memo(`exposure:admit:${t.owner.id}:${port}/${protocol}`, () => {
    const policies = ingressPoliciesSelecting(graph, t);
    if (!policies.length) return { verdict: 'unisolated', policies };
    for (const policy of policies) {
      const rules = getIn(policy.obj, ['spec', 'ingress']);
      if (!Array.isArray(rules)) continue;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i];
        if (!isObject(rule) || !policyPortMatches(rule.ports, t, port, protocol)) continue;
        const from = rule.from;
        if (!Array.isArray(from) || from.length === 0) {
          return { verdict: 'open', policies, open: { policy, path: ['spec', 'ingress', i], why: `rule spec.ingress[${i}] has no from, so it admits every source` } };
        }
        for (let j = 0; j < from.length; j++) {
          const block = getIn(from[j], ['ipBlock']);
          if (!isObject(block) || !isEverywhere(block)) continue;
          return { verdict: 'open', policies, open: { policy, path: ['spec', 'ingress', i, 'from', j, 'ipBlock', 'cidr'], why: `rule spec.ingress[${i}] admits ipBlock ${String(block.cidr)}` } };
        }
      }
    }
    return { verdict: 'restricted', policies };
  });
}

function isEverywhere(block: JsonObject): boolean {
  const except = block.except;
  return (block.cidr === '0.0.0.0/0' || block.cidr === '::/0') && !(Array.isArray(except) && except.length > 0);
}

/** A NetworkPolicy rule's `ports` admit this container port: empty means all; named ports resolve on the pod. */
function policyPortMatches(ports: JsonValue | undefined, t: PodTemplate, port: number, protocol: string): boolean {
  if (!Array.isArray(ports) || ports.length === 0) return true;
  return ports.some((p) => {
    if (!isObject(p)) return false;
    if ((str(p.protocol) ?? 'TCP') !== protocol) return false;
    const ref = p.port;
    if (ref === undefined || ref === null) return true;
    if (typeof ref === 'number') {
      const end = typeof p.endPort === 'number' ? p.endPort : ref;
      return port >= ref && port <= end;
    }
    if (typeof ref !== 'string') return false;
    if (/^\d+$/.test(ref)) return Number(ref) === port;
    return containerPorts(t).some((cp) => cp.name === ref && cp.port === port && cp.protocol === protocol);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Gateways

/** Markers written `key`, `key=value` or `key=prefix*` (a `*` matches any run of characters). */
export interface GatewayMarkers {
  readonly labels: readonly string[];
  readonly annotations: readonly string[];
}

export interface GatewayMark {
  /** Plain words: "selected by Istio Gateway shop/web-gateway", "pod label istio=ingressgateway". */
  readonly reason: string;
  readonly resource?: Resource;
  readonly path: Path;
}

/** Pod templates that an Istio Gateway's selector picks (any namespace), with the first such Gateway. */
function istioGatewayPods(graph: Graph): ReadonlyMap<number, Resource> {
  return graph.memo('exposure:istioGatewayPods', () => {
    const m = new Map<number, Resource>();
    for (const gw of graph.ofKind('networking.istio.io', 'Gateway')) {
      for (const t of workloadsSelectedBy(graph, gw)?.templates ?? []) if (!m.has(t.owner.id)) m.set(t.owner.id, gw);
    }
    return m;
  });
}

/** Why the template is a gateway (meant to be reached from outside), or undefined. */
export function gatewayMarkOf(graph: Graph, t: PodTemplate, markers: GatewayMarkers): GatewayMark | undefined {
  const gw = istioGatewayPods(graph).get(t.owner.id);
  if (gw) return { reason: `its pods are selected by Istio Gateway ${gw.namespace}/${gw.name}`, resource: gw, path: ['spec', 'selector'] };
  const byLabel = firstMarker(markers.labels, t.labels);
  if (byLabel) return { reason: `pod label ${byLabel.key}=${byLabel.value} marks a gateway`, resource: t.owner, path: [...t.path, 'metadata', 'labels', byLabel.key] };
  const byAnnotation = firstMarker(markers.annotations, t.annotations);
  if (byAnnotation) return { reason: `pod annotation ${byAnnotation.key}=${byAnnotation.value} marks a gateway`, resource: t.owner, path: [...t.path, 'metadata', 'annotations', byAnnotation.key] };
  return undefined;
}

function firstMarker(markers: readonly string[], map: Labels): { key: string; value: string } | undefined {
  for (const m of markers) {
    const eq = m.indexOf('=');
    const key = eq < 0 ? m : m.slice(0, eq);
    const value = map[key];
    if (value === undefined) continue;
    if (eq < 0 || globMatches(m.slice(eq + 1), value)) return { key, value };
  }
  return undefined;
}

function globMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

// ---------------------------------------------------------------------------------------------------------
// Policies that decide by client address

export interface IpPolicy {
  readonly resource: Resource;
  readonly path: Path;
  /** "NetworkPolicy shop/office-only admits ipBlock 203.0.113.0/24". */
  readonly what: string;
}

/** Policies protecting the template that match on the client's IP address. */
export function ipPoliciesOn(graph: Graph, t: PodTemplate): readonly IpPolicy[] {
  return graph.memo('exposure:ipPolicies', t.owner.id, () => [
    ...networkPolicyIpBlocks(graph, t),
    ...istioIpRules(graph, t),
    ...linkerdNetworkRules(graph, t),
    ...nginxAllowlists(graph, t),
  ]);
}

function networkPolicyIpBlocks(graph: Graph, t: PodTemplate): IpPolicy[] {
  const out: IpPolicy[] = [];
  for (const np of ingressPoliciesSelecting(graph, t)) {
    const rules = getIn(np.obj, ['spec', 'ingress']);
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule, i) => {
      const from = isObject(rule) ? rule.from : undefined;
      if (!Array.isArray(from)) return;
      from.forEach((peer, j) => {
        const block = getIn(peer, ['ipBlock']);
        if (!isObject(block) || typeof block.cidr !== 'string' || isEverywhere(block)) return;
        out.push({ resource: np, path: ['spec', 'ingress', i, 'from', j, 'ipBlock'], what: `NetworkPolicy ${np.namespace}/${np.name} admits sources by ipBlock ${block.cidr}` });
      });
    });
  }
  return out;
}

const ISTIO_IP_FIELDS = ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const;
const ISTIO_IP_KEYS = ['source.ip', 'remote.ip'];

/** Istio AuthorizationPolicies on the template (its namespace and the root namespace) that match client IPs. */
function istioIpRules(graph: Graph, t: PodTemplate): IpPolicy[] {
  const dp = dataPlaneOf(graph, t);
  const istioGateway = istioGatewayPods(graph).has(t.owner.id) || /gateway$/.test(t.labels['istio'] ?? '');
  if (dp.mesh !== 'istio' && !istioGateway) return [];
  const root = clusterFacts(graph).istio.rootNamespace;
  const candidates = [...graph.inNamespace(t.namespace, 'security.istio.io', 'AuthorizationPolicy'), ...(t.namespace === root ? [] : graph.inNamespace(root, 'security.istio.io', 'AuthorizationPolicy'))];
  const out: IpPolicy[] = [];
  for (const ap of candidates) {
    if (getIn(ap.obj, ['spec', 'targetRef']) !== undefined || getIn(ap.obj, ['spec', 'targetRefs']) !== undefined) continue;
    const ml = getIn(ap.obj, ['spec', 'selector', 'matchLabels']);
    if (isObject(ml) && Object.keys(ml).length && !selectorMatches(labelSelector({ matchLabels: ml }, 'nothing'), t.labels)) continue;
    const rules = getIn(ap.obj, ['spec', 'rules']);
    if (!Array.isArray(rules)) continue;
    const name = `AuthorizationPolicy ${ap.namespace}/${ap.name}`;
    rules.forEach((rule, i) => {
      const from = isObject(rule) ? rule.from : undefined;
      if (Array.isArray(from)) {
        from.forEach((f, j) => {
          const source = getIn(f, ['source']);
          if (!isObject(source)) return;
          for (const field of ISTIO_IP_FIELDS) {
            const v = source[field];
            if (Array.isArray(v) && v.length) out.push({ resource: ap, path: ['spec', 'rules', i, 'from', j, 'source', field], what: `${name} matches ${field} ${v.filter((x) => typeof x === 'string').join(', ')}` });
          }
        });
      }
      const when = isObject(rule) ? rule.when : undefined;
      if (Array.isArray(when)) {
        when.forEach((c, k) => {
          if (isObject(c) && typeof c.key === 'string' && ISTIO_IP_KEYS.includes(c.key)) out.push({ resource: ap, path: ['spec', 'rules', i, 'when', k, 'key'], what: `${name} has a condition on ${c.key}` });
        });
      }
    });
  }
  return out;
}

/** Linkerd authorizations of the template's Servers that admit clients by network (CIDR) [L-DOC-AUTHZ]. */
function linkerdNetworkRules(graph: Graph, t: PodTemplate): IpPolicy[] {
  if (dataPlaneOf(graph, t).mesh !== 'linkerd') return [];
  const out: IpPolicy[] = [];
  const servers = linkerdServersFor(graph, t);
  if (!servers.length) return out;
  const names = new Set(servers.map((s) => s.name));
  for (const ap of graph.inNamespace(t.namespace, 'policy.linkerd.io', 'AuthorizationPolicy')) {
    const ref = getIn(ap.obj, ['spec', 'targetRef']);
    if (!isObject(ref) || !((ref.kind === 'Server' && typeof ref.name === 'string' && names.has(ref.name)) || ref.kind === 'Namespace')) continue;
    const refs = getIn(ap.obj, ['spec', 'requiredAuthenticationRefs']);
    if (!Array.isArray(refs)) continue;
    refs.forEach((r, i) => {
      if (isObject(r) && r.kind === 'NetworkAuthentication') out.push({ resource: ap, path: ['spec', 'requiredAuthenticationRefs', i], what: `AuthorizationPolicy ${ap.namespace}/${ap.name} requires NetworkAuthentication ${String(r.name)}` });
    });
  }
  for (const sa of graph.inNamespace(t.namespace, 'policy.linkerd.io', 'ServerAuthorization')) {
    const server = getIn(sa.obj, ['spec', 'server', 'name']);
    if (typeof server !== 'string' || !names.has(server)) continue;
    const networks = getIn(sa.obj, ['spec', 'client', 'networks']);
    if (Array.isArray(networks) && networks.length) out.push({ resource: sa, path: ['spec', 'client', 'networks'], what: `ServerAuthorization ${sa.namespace}/${sa.name} admits clients by network` });
  }
  return out;
}

// ingress-nginx: the controller enforces per-Ingress and global source-range allowlists (ingress-nginx docs,
// "Annotations: Allowlist source range" and ConfigMap key `allowlist-source-range`, formerly `whitelist-…`).
const NGINX_RANGE_ANNOTATIONS = [
  'nginx.ingress.kubernetes.io/allowlist-source-range',
  'nginx.ingress.kubernetes.io/whitelist-source-range',
  'nginx.ingress.kubernetes.io/denylist-source-range',
];
const NGINX_RANGE_KEYS = ['allowlist-source-range', 'whitelist-source-range', 'denylist-source-range'];
const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

interface NginxController {
  readonly ingressClass: string;
  readonly controllerClass: string;
  readonly watchWithoutClass: boolean;
  readonly configMap: string | undefined;
}

/** The controller's flags, when the template runs the ingress-nginx controller (args start the binary or image names it). */
function nginxControllerOf(t: PodTemplate): NginxController | undefined {
  const containers = t.spec.containers;
  if (!Array.isArray(containers)) return undefined;
  for (const c of containers) {
    if (!isObject(c)) continue;
    const args = [...(Array.isArray(c.command) ? c.command : []), ...(Array.isArray(c.args) ? c.args : [])].filter((a): a is string => typeof a === 'string');
    const image = str(c.image) ?? '';
    if (!args.some((a) => a.endsWith('/nginx-ingress-controller')) && !image.includes('ingress-nginx/controller')) continue;
    const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    return {
      ingressClass: flag('ingress-class') ?? 'nginx',
      controllerClass: flag('controller-class') ?? 'k8s.io/ingress-nginx',
      watchWithoutClass: args.includes('--watch-ingress-without-class') || flag('watch-ingress-without-class') === 'true',
      configMap: flag('configmap')?.replace('$(POD_NAMESPACE)', t.namespace),
    };
  }
  return undefined;
}

/** Ingresses carrying a source-range annotation, with the class each one asks for. */
function rangedIngresses(graph: Graph): readonly { ingress: Resource; key: string; className: string | undefined }[] {
  return graph.memo('exposure:nginxRanged', () => {
    const out: { ingress: Resource; key: string; className: string | undefined }[] = [];
    let defaultClass: string | undefined;
    for (const ic of graph.ofKind('networking.k8s.io', 'IngressClass')) if (annotationsOf(ic)[DEFAULT_CLASS_ANNOTATION] === 'true') defaultClass = ic.name;
    for (const ing of graph.ofKind('networking.k8s.io', 'Ingress')) {
      const a = annotationsOf(ing);
      const key = NGINX_RANGE_ANNOTATIONS.find((k) => a[k] !== undefined && a[k] !== '');
      if (!key) continue;
      out.push({ ingress: ing, key, className: str(getIn(ing.obj, ['spec', 'ingressClassName'])) ?? a[INGRESS_CLASS_ANNOTATION] ?? defaultClass });
    }
    return out;
  });
}

function nginxAllowlists(graph: Graph, t: PodTemplate): IpPolicy[] {
  const ctl = nginxControllerOf(t);
  if (!ctl) return [];
  const out: IpPolicy[] = [];
  if (ctl.configMap) {
    const slash = ctl.configMap.indexOf('/');
    const cm = slash < 0 ? graph.find('', 'ConfigMap', t.namespace, ctl.configMap) : graph.find('', 'ConfigMap', ctl.configMap.slice(0, slash), ctl.configMap.slice(slash + 1));
    const data = cm ? getIn(cm.obj, ['data']) : undefined;
    const key = isObject(data) ? NGINX_RANGE_KEYS.find((k) => typeof data[k] === 'string' && data[k] !== '') : undefined;
    if (cm && key) out.push({ resource: cm, path: ['data', key], what: `ConfigMap ${cm.namespace}/${cm.name} sets ${key} for every Ingress the controller serves` });
  }
  for (const { ingress, key, className } of rangedIngresses(graph)) {
    const served =
      className === undefined
        ? ctl.watchWithoutClass
        : className === ctl.ingressClass || str(getIn(graph.find('networking.k8s.io', 'IngressClass', undefined, className)?.obj, ['spec', 'controller'])) === ctl.controllerClass;
    if (served) out.push({ resource: ingress, path: ['metadata', 'annotations', key], what: `Ingress ${ingress.namespace}/${ingress.name} sets ${key}` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

