/**
 * Names of the labels and annotations each mesh reads, and the numbers it reserves. Kept in one place so that
 * the injection model, the mTLS model, the rules and `meshlint explain` spell them the same way. Sources are
 * the citation keys of the design notes (semantics.md §9); the comment beside each group says which.
 */

// Istio [I-API-LABELS; I-API-ANNO; I-INJ-WH]
export const ISTIO_INJECTION_NS_LABEL = 'istio-injection';
export const ISTIO_REV_LABEL = 'istio.io/rev';
export const ISTIO_INJECT = 'sidecar.istio.io/inject';
export const ISTIO_DATAPLANE_MODE = 'istio.io/dataplane-mode';
export const ISTIO_USE_WAYPOINT = 'istio.io/use-waypoint';
export const ISTIO_USE_WAYPOINT_NS = 'istio.io/use-waypoint-namespace';
export const ISTIO_WAYPOINT_FOR = 'istio.io/waypoint-for';
export const ISTIO_NATIVE_SIDECAR = 'sidecar.istio.io/nativeSidecar';
export const ISTIO_STATUS = 'sidecar.istio.io/status';
export const ISTIO_PROXY_CONFIG = 'proxy.istio.io/config';
export const ISTIO_EXCLUDE_INBOUND = 'traffic.sidecar.istio.io/excludeInboundPorts';
export const ISTIO_INCLUDE_INBOUND = 'traffic.sidecar.istio.io/includeInboundPorts';
export const ISTIO_EXCLUDE_OUTBOUND = 'traffic.sidecar.istio.io/excludeOutboundPorts';
export const ISTIO_EXCLUDE_OUTBOUND_IPS = 'traffic.sidecar.istio.io/excludeOutboundIPRanges';
/** Namespaces the injector never touches [I-INJ-NS IgnoredNamespaces]. */
export const ISTIO_IGNORED_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];
/** The proxy's UID: traffic from it is not captured (IST0144) [I-DOC-APPREQ; I-ANALYZE]. */
export const ISTIO_PROXY_UID = 1337;
/** Ports the sidecar (and the pod network namespace) uses [I-DOC-APPREQ "Ports used by Istio"]. */
export const ISTIO_RESERVED_PORTS: ReadonlyMap<number, string> = new Map([
  [15000, 'Envoy admin'],
  [15001, 'Envoy outbound capture'],
  [15004, 'debug'],
  [15006, 'Envoy inbound capture'],
  [15008, 'HBONE mTLS tunnel'],
  [15020, 'merged Prometheus telemetry'],
  [15021, 'health checks'],
  [15053, 'DNS proxy'],
  [15090, 'Envoy Prometheus telemetry'],
]);

// Linkerd [L-LABELS; L-DOC-INJ; L-DOC-PROTO; L-DOC-AUTHZ; L-DOC-NATIVE]
export const LINKERD_INJECT = 'linkerd.io/inject';
export const LINKERD_NATIVE_SIDECAR = 'config.linkerd.io/proxy-enable-native-sidecar';
export const LINKERD_DEFAULT_INBOUND_POLICY = 'config.linkerd.io/default-inbound-policy';
export const LINKERD_OPAQUE_PORTS = 'config.linkerd.io/opaque-ports';
export const LINKERD_SKIP_INBOUND = 'config.linkerd.io/skip-inbound-ports';
export const LINKERD_SKIP_OUTBOUND = 'config.linkerd.io/skip-outbound-ports';
export const LINKERD_ADMISSION_WEBHOOKS = 'config.linkerd.io/admission-webhooks';
/** The webhook skips these namespaces whatever their annotations say [L-DOC-INJ "Exclusions"]. */
export const LINKERD_IGNORED_NAMESPACES: readonly string[] = ['kube-system', 'cert-manager'];
/** Proxy ports (Helm `proxy.ports`) [L-VALUES proxy.ports]. */
export const LINKERD_PROXY_PORTS: ReadonlyMap<number, string> = new Map([
  [4140, 'proxy outbound'],
  [4143, 'proxy inbound'],
  [4190, 'proxy control'],
  [4191, 'proxy admin'],
]);
/** Default `opaquePorts` [L-VALUES opaquePorts; L-DOC-PROTO]. */
export const LINKERD_DEFAULT_OPAQUE_PORTS: readonly number[] = [25, 587, 3306, 4444, 5432, 6379, 9300, 11211];
export const LINKERD_INBOUND_POLICIES = [
  'all-unauthenticated',
  'all-authenticated',
  'cluster-authenticated',
  'cluster-unauthenticated',
  'deny',
  'audit',
] as const;
export type LinkerdInboundPolicy = (typeof LINKERD_INBOUND_POLICIES)[number];

// Consul [C-CONST; C-WH; C-VALUES]
export const CONSUL_INJECT = 'consul.hashicorp.com/connect-inject';
export const CONSUL_INJECT_STATUS = 'consul.hashicorp.com/connect-inject-status';
export const CONSUL_SERVICE = 'consul.hashicorp.com/connect-service';
export const CONSUL_TRANSPARENT_PROXY = 'consul.hashicorp.com/transparent-proxy';
/** Never injected, whatever the configuration [C-WH kubeSystemNamespaces]. */
export const CONSUL_IGNORED_NAMESPACES: readonly string[] = ['kube-system', 'kube-public'];

// Kuma [KU-INJ; KU-WH; KU-DOC-DPK8S]
export const KUMA_INJECTION = 'kuma.io/sidecar-injection';
export const KUMA_MESH = 'kuma.io/mesh';
/** kuma-cp `runtime.kubernetes.injector.sidecarContainer.uid` default; the injector rejects app containers using it [KU-INJ preCheck]. */
export const KUMA_SIDECAR_UID = 5678;

/** Kubernetes adds this label to every namespace [semantics.md §1.5]. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Annotation a user can set on a workload to declare the services it calls: `svc[.ns][:port], ...`. */
export const CALLS_ANNOTATION = 'meshlint.io/calls';
