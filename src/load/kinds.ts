/**
 * What meshlint knows about kinds before reading any CRD: API group, whether the kind is namespaced, and
 * where a workload keeps its pod template. Lookups are by group + kind, never by kind alone, because
 * `Gateway`, `HTTPRoute`, `Mesh` and `AuthorizationPolicy` each exist in several groups.
 */
import type { Path } from './types.js';

export interface KindInfo {
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Path from the object root to its pod template (`[]` for a Pod itself). */
  readonly podTemplate?: Path;
}

const NS = true;
const CLUSTER = false;

function kinds(group: string, namespaced: boolean, names: string[]): KindInfo[] {
  return names.map((kind) => ({ group, kind, namespaced }));
}

const TEMPLATE: Path = ['spec', 'template'];

const BUILTIN: KindInfo[] = [
  { group: '', kind: 'Pod', namespaced: NS, podTemplate: [] },
  { group: '', kind: 'ReplicationController', namespaced: NS, podTemplate: TEMPLATE },
  { group: 'apps', kind: 'Deployment', namespaced: NS, podTemplate: TEMPLATE },
  { group: 'apps', kind: 'ReplicaSet', namespaced: NS, podTemplate: TEMPLATE },
  { group: 'apps', kind: 'StatefulSet', namespaced: NS, podTemplate: TEMPLATE },
  { group: 'apps', kind: 'DaemonSet', namespaced: NS, podTemplate: TEMPLATE },
  { group: 'batch', kind: 'Job', namespaced: NS, podTemplate: TEMPLATE },
  { group: 'batch', kind: 'CronJob', namespaced: NS, podTemplate: ['spec', 'jobTemplate', 'spec', 'template'] },
  ...kinds('', NS, [
    'Service', 'Endpoints', 'ConfigMap', 'Secret', 'ServiceAccount', 'PersistentVolumeClaim', 'LimitRange',
    'ResourceQuota', 'Event', 'PodTemplate', 'Binding',
  ]),
  ...kinds('', CLUSTER, ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus']),
  ...kinds('apps', NS, ['ControllerRevision']),
  ...kinds('networking.k8s.io', NS, ['Ingress', 'NetworkPolicy']),
  ...kinds('networking.k8s.io', CLUSTER, ['IngressClass', 'IPAddress', 'ServiceCIDR']),
  ...kinds('policy', NS, ['PodDisruptionBudget']),
  ...kinds('policy', CLUSTER, ['PodSecurityPolicy']),
  ...kinds('autoscaling', NS, ['HorizontalPodAutoscaler']),
  ...kinds('discovery.k8s.io', NS, ['EndpointSlice']),
  ...kinds('rbac.authorization.k8s.io', NS, ['Role', 'RoleBinding']),
  ...kinds('rbac.authorization.k8s.io', CLUSTER, ['ClusterRole', 'ClusterRoleBinding']),
  ...kinds('apiextensions.k8s.io', CLUSTER, ['CustomResourceDefinition']),
  ...kinds('admissionregistration.k8s.io', CLUSTER, [
    'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  ]),
  ...kinds('apiregistration.k8s.io', CLUSTER, ['APIService']),
  ...kinds('storage.k8s.io', CLUSTER, ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment']),
  ...kinds('storage.k8s.io', NS, ['CSIStorageCapacity']),
  ...kinds('scheduling.k8s.io', CLUSTER, ['PriorityClass']),
  ...kinds('coordination.k8s.io', NS, ['Lease']),
  ...kinds('certificates.k8s.io', CLUSTER, ['CertificateSigningRequest']),
  ...kinds('node.k8s.io', CLUSTER, ['RuntimeClass']),
  ...kinds('flowcontrol.apiserver.k8s.io', CLUSTER, ['FlowSchema', 'PriorityLevelConfiguration']),

  // Istio
  ...kinds('networking.istio.io', NS, [
    'VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'WorkloadEntry', 'WorkloadGroup',
    'EnvoyFilter', 'ProxyConfig',
  ]),
  ...kinds('security.istio.io', NS, ['PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication']),
  ...kinds('telemetry.istio.io', NS, ['Telemetry']),
  ...kinds('extensions.istio.io', NS, ['WasmPlugin']),
  ...kinds('install.istio.io', NS, ['IstioOperator']),
  // Linkerd and SMI
  ...kinds('linkerd.io', NS, ['ServiceProfile']),
  ...kinds('policy.linkerd.io', NS, [
    'Server', 'ServerAuthorization', 'AuthorizationPolicy', 'MeshTLSAuthentication', 'NetworkAuthentication',
    'HTTPRoute', 'HTTPLocalRateLimitPolicy', 'EgressNetwork',
  ]),
  ...kinds('split.smi-spec.io', NS, ['TrafficSplit']),
  // Consul
  ...kinds('consul.hashicorp.com', NS, [
    'ServiceDefaults', 'ProxyDefaults', 'ServiceRouter', 'ServiceSplitter', 'ServiceResolver', 'ServiceIntentions',
    'Mesh', 'IngressGateway', 'TerminatingGateway', 'ExportedServices', 'SamenessGroup', 'JWTProvider',
    'ControlPlaneRequestLimit', 'RouteAuthFilter', 'RouteRetryFilter', 'RouteTimeoutFilter', 'GatewayPolicy',
  ]),
  // Kuma: Mesh and the legacy (mesh-scoped) policies are cluster-scoped; the new targetRef policies are namespaced.
  ...kinds('kuma.io', CLUSTER, [
    'Mesh', 'MeshGateway', 'TrafficPermission', 'TrafficRoute', 'TrafficLog', 'TrafficTrace', 'HealthCheck',
    'CircuitBreaker', 'FaultInjection', 'Retry', 'Timeout', 'RateLimit', 'ProxyTemplate', 'VirtualOutbound',
    'ZoneIngress', 'ZoneEgress', 'Zone',
  ]),
  ...kinds('kuma.io', NS, [
    'MeshTrafficPermission', 'MeshTLS', 'MeshRetry', 'MeshTimeout', 'MeshCircuitBreaker', 'MeshHTTPRoute',
    'MeshTCPRoute', 'MeshHealthCheck', 'MeshLoadBalancingStrategy', 'MeshRateLimit', 'MeshFaultInjection',
    'MeshAccessLog', 'MeshTrace', 'MeshMetric', 'MeshProxyPatch', 'MeshPassthrough', 'MeshService',
    'MeshExternalService', 'MeshMultiZoneService', 'MeshGatewayInstance', 'Dataplane', 'MeshIdentity', 'MeshTrust',
  ]),
  // Gateway API
  ...kinds('gateway.networking.k8s.io', NS, [
    'Gateway', 'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute', 'ReferenceGrant', 'BackendTLSPolicy',
    'ListenerSet',
  ]),
  ...kinds('gateway.networking.k8s.io', CLUSTER, ['GatewayClass']),
  ...kinds('gateway.networking.x-k8s.io', NS, ['XListenerSet', 'XBackendTrafficPolicy', 'XMesh']),
];

/**
 * Keys are interned: every caller gets the same string object for one group and kind, so map lookups hash it
 * once instead of flattening a fresh concatenation each time (rules ask hundreds of thousands of times).
 */
const interned = new Map<string, Map<string, string>>();
let internedCount = 0;

export function groupKindKey(group: string, kind: string): string {
  let byKind = interned.get(group);
  if (byKind === undefined) {
    // a long-lived process (the language server) sees kinds come and go: keep the table bounded
    if (internedCount > 10_000) {
      interned.clear();
      internedCount = 0;
    }
    interned.set(group, (byKind = new Map()));
  }
  let key = byKind.get(kind);
  if (key === undefined) {
    key = group ? `${kind}.${group}` : kind;
    byKind.set(kind, key);
    internedCount++;
  }
  return key;
}

const byGroupKind = new Map<string, KindInfo>();
for (const k of BUILTIN) byGroupKind.set(groupKindKey(k.group, k.kind), k);


export function builtinKind(group: string, kind: string): KindInfo | undefined {
  return byGroupKind.get(groupKindKey(group, kind));
}

/**
 * Split apiVersions, by apiVersion: a repository uses a few dozen of them across thousands of objects, so
 * each object shares one answer (and one group and one version string) instead of slicing its own.
 */
const splitCache = new Map<string, { readonly group: string; readonly version: string }>();

/** Split `apiVersion` into group and version (`v1` → core group). The answer is shared: do not modify it. */
export function splitApiVersion(apiVersion: string): { readonly group: string; readonly version: string } {
  let split = splitCache.get(apiVersion);
  if (split === undefined) {
    const slash = apiVersion.lastIndexOf('/');
    split = Object.freeze(slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) });
    // a long-lived process (the language server) meets arbitrary text: keep the table bounded
    if (splitCache.size >= 10_000) splitCache.clear();
    splitCache.set(apiVersion, split);
  }
  return split;
}

/** Kinds whose pod template path is known; unknown kinds are probed for `spec.template.spec.containers`. */
export function podTemplatePath(group: string, kind: string): Path | undefined {
  return byGroupKind.get(groupKindKey(group, kind))?.podTemplate;
}
