import { serviceView } from '../graph/services.js';
import { because, groupEdges, INCLUDE_DEFAULTS_SCHEMA, listNames, meshWord, RETRY_READS, setterOrPort, target } from './_retries.js';
import { defineRule } from './types.js';

interface Options {
  includeMeshDefaults: boolean;
}

const HOW: Readonly<Record<string, string>> = {
  istio: 'a DestinationRule with trafficPolicy.outlierDetection',
  linkerd: 'the Service annotation balancer.linkerd.io/failure-accrual: consecutive',
  kuma: 'a MeshCircuitBreaker with outlierDetection',
  consul: 'passiveHealthCheck in the caller\'s ServiceDefaults upstreamConfig',
};

export default defineRule<'noOutlier', Options>({
  meta: {
    id: 'retry-without-outlier-detection',
    description: 'Configured retries towards a destination without outlier detection or failure accrual, so retries keep landing on the failing endpoints.',
    level: 'note',
    family: 'retries',
    reads: [...RETRY_READS, 'HorizontalPodAutoscaler.autoscaling'],
    messages: {
      noOutlier: '{mesh} retries calls from {callers} to {target} ({why}) but nothing ejects failing endpoints ({outlierWhy}); a retry may go back to the same broken pod. Add {how}',
    },
    options: { schema: { type: 'object', additionalProperties: false, properties: { ...INCLUDE_DEFAULTS_SCHEMA } }, defaults: { includeMeshDefaults: false } },
    precision: 'medium',
    tags: ['reliability'],
  },
  check({ graph, options, report }) {
    const groups = groupEdges(graph, (p) => {
      if (!p.mesh || p.outlierDetection.value || (p.attempts.value !== undefined && p.attempts.value <= 1)) return undefined;
      if (p.attempts.setBy.isDefault && !options.includeMeshDefaults) return undefined;
      return singleEndpoint(graph, p.edge.to) ? undefined : p.attempts.setBy;
    });
    for (const { p, setBy, callers } of groups) {
      report({
        messageId: 'noOutlier',
        data: { mesh: meshWord(p), callers: listNames(callers), target: target(graph, p.edge), why: because(setBy), outlierWhy: because(p.outlierDetection.setBy), how: HOW[p.mesh ?? ''] ?? 'outlier detection' },
        ...setterOrPort(p, setBy),
      });
    }
  },
});

/** Every workload behind the Service runs exactly one replica and none is autoscaled: ejection has nowhere else to go. */
function singleEndpoint(graph: Parameters<typeof serviceView>[0], svc: Parameters<typeof serviceView>[1]): boolean {
  const pods = serviceView(graph, svc).pods;
  if (pods.length !== 1) return false;
  const owner = pods[0]!.owner;
  if (owner.kind === 'Pod') return true;
  const spec = owner.obj.spec;
  const replicas = typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? spec.replicas : undefined;
  if (replicas !== 1) return false;
  return !graph.inNamespace(owner.namespace ?? graph.defaultNamespace, 'autoscaling', 'HorizontalPodAutoscaler').some((h) => {
    const ref = (h.obj.spec as { scaleTargetRef?: { kind?: unknown; name?: unknown } } | undefined)?.scaleTargetRef;
    return ref?.kind === owner.kind && ref?.name === owner.name;
  });
}
