/**
 * Shared by the `exposure` family (and ingress-without-tls): the default lists the rules ship with, each entry
 * with its source; the option schemas built on them; the group-kind keys the graph functions read on a rule's
 * behalf; and how an entry point is named in messages.
 */
import type { PodTemplate } from '../graph/graph.js';
import type { GatewayMarkers, HostEntry, ServiceExposure } from '../graph/exposure.js';
import { meshTitle } from '../graph/mesh/injection.js';
import type { Decision } from '../graph/mesh/model.js';
import { MTLS_READS } from '../graph/mesh/mtls.js';
import type { ServicePortView } from '../graph/services.js';
import type { Resource } from '../load/types.js';
import type { OptionsSchema } from './types.js';

// ---------------------------------------------------------------------------------------------------------
// Sensitive ports

export type PortCategory = 'remote-shell' | 'database' | 'cache' | 'broker' | 'mesh-admin' | 'kubernetes' | 'other';

export interface SensitivePort {
  readonly port: number;
  readonly name: string;
  readonly category?: PortCategory;
}

const shell = (port: number, name: string): SensitivePort => ({ port, name, category: 'remote-shell' });
const db = (port: number, name: string): SensitivePort => ({ port, name, category: 'database' });
const cache = (port: number, name: string): SensitivePort => ({ port, name, category: 'cache' });
const broker = (port: number, name: string): SensitivePort => ({ port, name, category: 'broker' });
const mesh = (port: number, name: string): SensitivePort => ({ port, name, category: 'mesh-admin' });
const kube = (port: number, name: string): SensitivePort => ({ port, name, category: 'kubernetes' });

/**
 * Default sensitive ports. Sources (also listed on the nodeport-sensitive-port page):
 * - remote shells, and services registered with IANA: the IANA Service Name and Transport Protocol Port Number
 *   Registry (ssh 22, telnet 23, ms-wbt-server 3389, rfb 5900, ms-sql-s 1433, mysql 3306, postgresql 5432,
 *   couchdb 5984, memcache 11211, amqp 5672, mqtt 1883);
 * - other databases, caches and brokers: each product's documentation of its default ports (Oracle listener 1521;
 *   Cassandra JMX 7199 and CQL 9042 (its inter-node ports 7000/7001 are left out: too many
 *   web apps listen on 7000); Neo4j 7474/7687; InfluxDB 8086; ClickHouse 8123; Elasticsearch 9200/9300;
 *   CockroachDB 26257; MongoDB 27017; Redis 6379, Sentinel 26379; ZooKeeper 2181/2888/3888; NATS 4222/6222/8222;
 *   RabbitMQ epmd 4369, management 15672, inter-node 25672; Pulsar 6650; Kafka 9092; ActiveMQ 61616);
 * - Kubernetes: "Ports and Protocols" (etcd 2379-2380, kubelet 10250, kube-controller-manager 10257,
 *   kube-scheduler 10259), kubelet's deprecated read-only port 10255, and the Docker Engine API 2375/2376;
 * - Istio: "Application Requirements → Ports used by Istio" (Envoy admin 15000, debug 15004, istiod plaintext
 *   XDS/CA 15010, control-plane monitoring 15014), "Debug Endpoints" (15010/15014 serve /debug), ControlZ 9876;
 * - Linkerd: `proxy.ports` in the control-plane chart (control 4190, admin 4191) [L-VALUES] and the controller
 *   admin ports of the default install (9990, 9995, 9996, 9997; linkerd2@b24cd40 install_default.golden);
 * - Consul: "Consul ports reference" (server RPC 8300, Serf 8301/8302, HTTP 8500, HTTPS 8501, gRPC 8502/8503,
 *   DNS 8600) and the Envoy admin port of consul-dataplane (19000);
 * - Kuma: the kuma-control-plane Service of the default install (diagnostics 5680, API 5681/5682;
 *   kuma@348b652 install-control-plane.defaults.golden) and the kuma-dp Envoy admin port 9901 (kuma-cp
 *   defaults `adminPort: 9901`).
 */
export const DEFAULT_SENSITIVE_PORTS: readonly SensitivePort[] = [
  shell(22, 'SSH'),
  shell(23, 'Telnet'),
  shell(3389, 'RDP'),
  shell(5900, 'VNC'),
  db(1433, 'Microsoft SQL Server'),
  db(1521, 'Oracle Database listener'),
  db(3306, 'MySQL/MariaDB'),
  db(5432, 'PostgreSQL'),
  db(5984, 'CouchDB'),
  db(7199, 'Cassandra JMX'),
  db(7474, 'Neo4j HTTP'),
  db(7687, 'Neo4j Bolt'),
  db(8086, 'InfluxDB API (also the Linkerd destination gRPC port)'),
  db(8123, 'ClickHouse HTTP'),
  db(9042, 'Cassandra CQL'),
  db(9200, 'Elasticsearch HTTP'),
  db(9300, 'Elasticsearch transport'),
  db(26257, 'CockroachDB'),
  db(27017, 'MongoDB'),
  cache(6379, 'Redis'),
  cache(26379, 'Redis Sentinel'),
  cache(11211, 'Memcached'),
  broker(1883, 'MQTT (plaintext)'),
  broker(2181, 'ZooKeeper client'),
  broker(2888, 'ZooKeeper peer'),
  broker(3888, 'ZooKeeper leader election'),
  broker(4222, 'NATS client'),
  broker(4369, 'Erlang port mapper (RabbitMQ)'),
  broker(5672, 'AMQP (RabbitMQ)'),
  broker(6222, 'NATS cluster'),
  broker(6650, 'Pulsar'),
  broker(8222, 'NATS monitoring'),
  broker(9092, 'Kafka'),
  broker(15672, 'RabbitMQ management'),
  broker(25672, 'RabbitMQ inter-node'),
  broker(61616, 'ActiveMQ OpenWire'),
  kube(2375, 'Docker Engine API (plaintext)'),
  kube(2376, 'Docker Engine API'),
  kube(2379, 'etcd client'),
  kube(2380, 'etcd peer'),
  kube(10250, 'kubelet API'),
  kube(10255, 'kubelet read-only API'),
  kube(10257, 'kube-controller-manager'),
  kube(10259, 'kube-scheduler'),
  mesh(15000, 'Envoy admin (Istio sidecar)'),
  mesh(15004, 'Istio proxy debug'),
  mesh(15010, 'istiod plaintext XDS/CA and debug'),
  mesh(15014, 'istiod monitoring and HTTP debug'),
  mesh(9876, 'Istio ControlZ introspection'),
  mesh(4190, 'Linkerd proxy control'),
  mesh(4191, 'Linkerd proxy admin'),
  mesh(9990, 'Linkerd identity/policy admin'),
  mesh(9995, 'Linkerd proxy-injector admin'),
  mesh(9996, 'Linkerd destination admin'),
  mesh(9997, 'Linkerd sp-validator admin'),
  mesh(8300, 'Consul server RPC'),
  mesh(8301, 'Consul Serf LAN'),
  mesh(8302, 'Consul Serf WAN'),
  mesh(8500, 'Consul HTTP API'),
  mesh(8501, 'Consul HTTPS API'),
  mesh(8502, 'Consul gRPC (xDS)'),
  mesh(8503, 'Consul gRPC TLS'),
  mesh(8600, 'Consul DNS'),
  mesh(19000, 'Envoy admin (Consul dataplane)'),
  mesh(5680, 'Kuma control-plane diagnostics'),
  mesh(5681, 'Kuma control-plane API'),
  mesh(5682, 'Kuma control-plane API (HTTPS)'),
  mesh(9901, 'Envoy admin (Kuma data plane, Envoy default)'),
];

const PORT_ENTRY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['port', 'name'],
  properties: {
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    name: { type: 'string', minLength: 1 },
    category: { enum: ['remote-shell', 'database', 'cache', 'broker', 'mesh-admin', 'kubernetes', 'other'] },
  },
} as const;

export const SENSITIVE_PORT_OPTION_PROPERTIES: OptionsSchema = {
  sensitivePorts: { type: 'array', items: PORT_ENTRY_SCHEMA, description: 'The full list (replaces the default).' },
  additionalPorts: { type: 'array', items: PORT_ENTRY_SCHEMA, description: 'Added to sensitivePorts.' },
  allowedPorts: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 65535 }, description: 'Never reported.' },
};

/** What exposing a port of this category gives away, for messages. */
export function categoryRisk(c: PortCategory | undefined): string {
  switch (c) {
    case 'remote-shell':
      return 'a remote login service, open to password guessing and exploits from anywhere that can reach it';
    case 'database':
      return "a database, reachable with nothing in front of it but the database's own authentication";
    case 'cache':
      return 'a cache that commonly runs without authentication';
    case 'broker':
      return 'a message broker or coordination service, whose clients can read and publish messages';
    case 'mesh-admin':
      return 'a proxy or control-plane admin/debug endpoint (configuration dumps, log levels, shutdown), meant for localhost or in-mesh use only';
    case 'kubernetes':
      return 'a node or cluster control endpoint';
    default:
      return 'a port listed as sensitive';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Gateways

/**
 * Default gateway markers: pods meant to be reached from outside. Sources: Istio's gateway charts label pods
 * `istio: ingressgateway` / `egressgateway` / `eastwestgateway` (and `app: istio-ingressgateway`); Istio labels
 * the deployments it creates for Gateway API Gateways `gateway.networking.k8s.io/gateway-name` (pilot golden,
 * istio@86c9f01) and `gateway.istio.io/managed`; Envoy Gateway labels its proxies
 * `gateway.envoyproxy.io/owning-gateway-name`; the ingress controllers' own charts set
 * `app.kubernetes.io/name` (ingress-nginx, traefik, kong, haproxy-ingress, emissary-ingress, nginx-ingress);
 * Linkerd marks ingress controllers with `linkerd.io/inject: ingress` [L-DOC-PROXYCFG "Ingress mode"]; Kuma
 * marks delegated gateways with `kuma.io/gateway: enabled`; consul-k8s annotates gateway pods
 * `consul.hashicorp.com/gateway-kind` (constants AnnotationGatewayKind). Pods selected by an Istio Gateway's
 * `selector` always count.
 */
export const DEFAULT_GATEWAY_MARKERS: GatewayMarkers = {
  labels: [
    'istio=*gateway',
    'app=istio-ingressgateway',
    'gateway.networking.k8s.io/gateway-name',
    'gateway.istio.io/managed',
    'gateway.envoyproxy.io/owning-gateway-name',
    'app.kubernetes.io/name=ingress-nginx',
    'app.kubernetes.io/name=traefik',
    'app.kubernetes.io/name=kong',
    'app.kubernetes.io/name=haproxy-ingress',
    'app.kubernetes.io/name=emissary-ingress',
    'app.kubernetes.io/name=nginx-ingress',
  ],
  annotations: ['linkerd.io/inject=ingress', 'kuma.io/gateway=enabled', 'consul.hashicorp.com/gateway-kind'],
};

const MARKER_LIST = { type: 'array', items: { type: 'string', minLength: 1, pattern: '^[^=]+(=.*)?$' } } as const;

export const GATEWAY_OPTION_PROPERTIES: OptionsSchema = {
  gatewayLabels: { ...MARKER_LIST, description: 'Pod labels (key, key=value, key=prefix*) that mark gateway pods; replaces the default list.' },
  gatewayAnnotations: { ...MARKER_LIST, description: 'Pod annotations that mark gateway pods; replaces the default list.' },
};

export interface GatewayOptions {
  readonly gatewayLabels: readonly string[];
  readonly gatewayAnnotations: readonly string[];
}

export const GATEWAY_OPTION_DEFAULTS: GatewayOptions = {
  gatewayLabels: DEFAULT_GATEWAY_MARKERS.labels,
  gatewayAnnotations: DEFAULT_GATEWAY_MARKERS.annotations,
};

export function markersOf(o: GatewayOptions): GatewayMarkers {
  return { labels: o.gatewayLabels, annotations: o.gatewayAnnotations };
}

// ---------------------------------------------------------------------------------------------------------
// Reads

/** Group-kind keys read by src/graph/exposure.ts (Services, NetworkPolicies, gateways, IP-based policies). */
export const EXPOSURE_READS: readonly string[] = [
  'Service',
  'workloads',
  'Namespace',
  'NetworkPolicy.networking.k8s.io',
  'Gateway.networking.istio.io',
];

/** Extra keys read by `ipPoliciesOn` (Istio and Linkerd authorization, ingress-nginx allowlists). */
export const IP_POLICY_READS: readonly string[] = [
  ...MTLS_READS,
  'AuthorizationPolicy.security.istio.io',
  'AuthorizationPolicy.policy.linkerd.io',
  'ServerAuthorization.policy.linkerd.io',
  'Server.policy.linkerd.io',
  'Ingress.networking.k8s.io',
  'IngressClass.networking.k8s.io',
  'ConfigMap',
];

/** Keys read by `dataPlaneOf` and `inboundMtlsOf` (the mesh model). */
export const MESH_MODEL_READS: readonly string[] = ['workloads', 'Namespace', 'Service', ...MTLS_READS];

export function uniqueReads(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

// ---------------------------------------------------------------------------------------------------------
// Words

/** `Deployment shop/web`. */
export function workloadLabel(t: PodTemplate): string {
  return `${t.owner.kind} ${t.namespace}/${t.owner.name}`;
}

export function objectLabel(r: Resource): string {
  return r.namespace !== undefined ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}

/** "a, b and 2 more" (duplicates dropped). */
export function listOf(items: readonly string[], max = 3): string {
  const unique = [...new Set(items)];
  if (unique.length <= max) return unique.join(', ');
  return `${unique.slice(0, max).join(', ')} and ${unique.length - max} more`;
}

/** Where a Service port can be reached from outside: "node port 30080 on every node, the load balancer". */
export function reachedVia(e: ServiceExposure, p?: ServicePortView): string {
  const parts: string[] = [];
  if (p && e.nodePorts && (p.nodePort !== undefined || !e.nodePortsDisabled)) {
    parts.push(p.nodePort !== undefined ? `node port ${p.nodePort} on every node` : 'an automatically allocated node port on every node');
  } else if (!p && e.nodePorts) {
    const explicit = e.view.ports.map((x) => x.nodePort).filter((n): n is number => n !== undefined);
    const all = explicit.length > 0 && explicit.length === e.view.ports.length;
    parts.push(all ? `node port${explicit.length > 1 ? 's' : ''} ${explicit.join(', ')} on every node` : 'node ports on every node');
  }
  if (e.loadBalancer) parts.push(e.internalAnnotation ? `an internal load balancer (${e.internalAnnotation})` : 'the cloud load balancer');
  if (e.externalIPs.length) parts.push(`external IP${e.externalIPs.length > 1 ? 's' : ''} ${listOf(e.externalIPs)}`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : (parts[0] ?? 'outside the cluster');
}

/** "NodePort Service shop/web" / "Service shop/web with externalIPs". */
export function serviceLabel(e: ServiceExposure): string {
  const s = e.service;
  const type = e.view.type;
  return type === 'NodePort' || type === 'LoadBalancer' ? `${type} Service ${s.namespace}/${s.name}` : `Service ${s.namespace}/${s.name} (externalIPs)`;
}

/** "hostPort 8080 of Deployment shop/web" / "port 9100 of host-network DaemonSet monitoring/node-exporter". */
export function hostEntryLabel(h: HostEntry): string {
  return h.hostNetwork && h.port.hostPort === undefined
    ? `port ${h.hostPort} of host-network ${workloadLabel(h.template)}`
    : `hostPort ${h.hostPort} of ${workloadLabel(h.template)}`;
}

/** A decision's reason, flagged when it rests on something outside the input. */
export function decisionText(d: Decision): string {
  return d.assumed ? `${d.reason} [assumed: the input does not show it]` : d.reason;
}

export function meshName(m: Parameters<typeof meshTitle>[0] | undefined): string {
  return m ? meshTitle(m) : 'no mesh';
}
