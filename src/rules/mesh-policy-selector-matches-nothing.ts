import type { Graph } from '../graph/graph.js';
import { describeSelector } from '../graph/labels.js';
import { TARGET_READS, consulServices, policyTargetRefs, templatesWithLabelKey, workloadsSelectedBy, type WorkloadSelection } from '../graph/mesh/targets.js';
import type { Resource } from '../load/types.js';
import { closeSpelling, describe, explainSelection, serviceHint } from './_mesh-refs.js';
import { defineRule, type Report } from './types.js';

/** Policies whose workload selection this rule checks, by API group. */
const POLICY_KINDS: readonly (readonly [string, string])[] = [
  ['security.istio.io', 'PeerAuthentication'],
  ['security.istio.io', 'AuthorizationPolicy'],
  ['security.istio.io', 'RequestAuthentication'],
  ['telemetry.istio.io', 'Telemetry'],
  ['extensions.istio.io', 'WasmPlugin'],
  ['networking.istio.io', 'EnvoyFilter'],
  ['networking.istio.io', 'Sidecar'],
  ['networking.istio.io', 'DestinationRule'],
  ['policy.linkerd.io', 'Server'],
  ['policy.linkerd.io', 'AuthorizationPolicy'],
  ['policy.linkerd.io', 'ServerAuthorization'],
  ['consul.hashicorp.com', 'ServiceIntentions'],
  ...[
    'MeshTrafficPermission', 'MeshTLS', 'MeshRetry', 'MeshTimeout', 'MeshCircuitBreaker', 'MeshHTTPRoute', 'MeshTCPRoute',
    'MeshHealthCheck', 'MeshLoadBalancingStrategy', 'MeshRateLimit', 'MeshFaultInjection', 'MeshAccessLog', 'MeshTrace',
    'MeshMetric', 'MeshProxyPatch', 'MeshPassthrough',
  ].map((k) => ['kuma.io', k] as const),
];

type MessageId = 'noWorkloads' | 'noTags' | 'serverPort' | 'missingTarget' | 'consulUnknown';

export default defineRule({
  meta: {
    id: 'mesh-policy-selector-matches-nothing',
    description: 'A mesh policy whose workload selector, Server, or target reference selects no workload in the input.',
    level: 'warning',
    family: 'references',
    reads: [...new Set<string>([...TARGET_READS, ...POLICY_KINDS.map(([g, k]) => `${k}.${g}`)])],
    messages: {
      noWorkloads: '{policy} selects no pods with {selector}: {why}; the policy applies to nothing',
      noTags: '{policy} selects no workload: {why}; the policy applies to nothing',
      serverPort: '{policy} selects {count} pod template(s) ({names}), but none declares port {port} in its containers; Linkerd only considers ports declared in the pod spec, so the Server matches no traffic',
      missingTarget: '{policy} refers to {kind} {name}, which does not exist in namespace {namespace}{hint}; the policy applies to nothing',
      consulUnknown: '{policy} protects {name}, which no Kubernetes Service or connect-service annotation in the input registers; did you mean {suggestion}? The intentions apply to nothing',
    },
    sources: [
      { tool: 'istioctl analyze', id: 'IST0127' },
      { tool: 'Kiali', id: 'KIA0004' },
    ],
    precision: 'high',
  },
  check({ graph, report }) {
    for (const [group, kind] of POLICY_KINDS) {
      for (const policy of graph.ofKind(group, kind)) {
        for (const r of policyTargetRefs(graph, policy)) {
          if (r.status !== 'missing') continue;
          report({
            messageId: 'missingTarget',
            data: { policy: describe(policy), kind: r.kind, name: r.name || '(selector)', namespace: r.namespace, hint: r.kind === 'Service' ? serviceHint(graph, r.namespace, r.name) : r.reason && !r.name ? ` (${r.reason})` : '' },
            resource: policy,
            path: r.path,
            level: r.partial ? 'note' : undefined,
          });
        }
        const sel = workloadsSelectedBy(graph, policy);
        if (!sel || sel.ignored || sel.templates.length > 0) continue;
        const finding = explain(graph, policy, sel);
        if (finding) report(finding);
      }
    }
  },
});

function explain(graph: Graph, policy: Resource, sel: WorkloadSelection): Report<MessageId> | undefined {
  const name = describe(policy);
  // A Linkerd AuthorizationPolicy inherits its Server's selection: a missing Server is reported through
  // policyTargetRefs, and a Server that selects nothing carries its own finding.
  if (policy.group === 'policy.linkerd.io' && policy.kind === 'AuthorizationPolicy') return undefined;
  if (sel.missingRef) {
    const m = sel.missingRef;
    return {
      messageId: 'missingTarget',
      data: { policy: name, kind: m.kind, name: m.name, namespace: m.namespace, hint: m.kind === 'Service' && !m.name.includes('_') ? serviceHint(graph, m.namespace, m.name) : '' },
      resource: policy,
      path: m.path,
      level: m.partial ? 'note' : undefined,
    };
  }
  if (sel.beforePort && sel.beforePort.length > 0 && sel.portPath) {
    if (policy.kind !== 'Server') return undefined;
    const port = (policy.obj.spec as { port?: unknown } | undefined)?.port;
    return {
      messageId: 'serverPort',
      data: { policy: name, count: sel.beforePort.length, names: sel.beforePort.map((t) => `${t.owner.kind} ${t.owner.name}`).join(', '), port: String(port) },
      resource: policy,
      path: sel.portPath,
    };
  }
  if (policy.group === 'consul.hashicorp.com') {
    const wanted = policy.kind === 'ServiceIntentions' ? String((policy.obj.spec as { destination?: { name?: unknown } } | undefined)?.destination?.name ?? '') : policy.name;
    // Consul also registers services from outside Kubernetes; only a near spelling is evidence of a mistake.
    const suggestion = closeSpelling(wanted, consulServices(graph).keys());
    if (!suggestion) return undefined;
    return { messageId: 'consulUnknown', data: { policy: name, name: wanted, suggestion }, resource: policy, path: sel.path };
  }
  if (!sel.selector || sel.selector.kind !== 'requirements') {
    if (!sel.reason) return undefined;
    return { messageId: 'noTags', data: { policy: name, why: sel.reason }, resource: policy, path: sel.path };
  }
  // Selecting in every namespace (root-namespace policies) usually aims at mesh components installed outside
  // the application's manifests (the ingress gateway): only a template carrying a selector key is evidence.
  if (sel.namespaces === 'all' && !sel.selector.requirements.some((r) => templatesWithLabelKey(graph, r.key).length > 0)) return undefined;
  const why = explainSelection(graph, sel.selector, sel.namespaces);
  if (why.operatorManaged) return undefined;
  // The selection path ends at the label map (matchLabels, labels, tags) or at a whole LabelSelector.
  const atMap = ['matchLabels', 'labels', 'tags'].includes(String(sel.path[sel.path.length - 1]));
  const failed = why.failedPath ?? [];
  const path = atMap ? [...sel.path, ...failed.slice(-1)] : [...sel.path, ...failed];
  return {
    messageId: 'noWorkloads',
    data: { policy: name, selector: describeSelector(sel.selector), why: sel.reason ? `${sel.reason}; ${why.why}` : why.why },
    resource: policy,
    path,
    level: why.level,
    related: why.related,
  };
}
