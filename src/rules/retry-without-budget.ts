import { atLeast, clusterFacts } from '../graph/mesh/facts.js';
import { DEFAULT_MAX_CONCURRENT_RETRIES, hopFactor, type EdgePolicy } from '../graph/mesh/retries.js';
import type { Graph } from '../graph/graph.js';
import { because, groupEdges, INCLUDE_DEFAULTS_SCHEMA, listNames, meshWord, nsOf, RETRY_READS, setterOrPort, target } from './_retries.js';
import { defineRule } from './types.js';

interface Options {
  includeMeshDefaults: boolean;
  maxConcurrentRetries: number;
}

export default defineRule<'noBudget', Options>({
  meta: {
    id: 'retry-without-budget',
    description: 'Retries towards a destination that no retry budget or retry circuit breaker bounds, so under failure every request is multiplied.',
    level: 'warning',
    family: 'retries',
    reads: RETRY_READS,
    messages: {
      noBudget: '{mesh} retries calls to {target} up to {attempts} attempts per request ({why}) and nothing bounds the volume of those retries: {missing}; callers: {callers}',
    },
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...INCLUDE_DEFAULTS_SCHEMA,
          maxConcurrentRetries: { type: 'integer', minimum: 0, description: 'A retry circuit breaker above this many concurrent retries does not count as a bound.' },
        },
      },
      defaults: { includeMeshDefaults: true, maxConcurrentRetries: DEFAULT_MAX_CONCURRENT_RETRIES },
    },
    precision: 'high',
    tags: ['reliability'],
  },
  check({ graph, options, report }) {
    const groups = groupEdges(graph, (p) => {
      if (!p.mesh || !p.overloadRetries || p.attempts.value === undefined) return undefined;
      if (hopFactor(p, options.maxConcurrentRetries).bounded) return undefined;
      return p.attempts.setBy.isDefault && !options.includeMeshDefaults ? undefined : p.attempts.setBy;
    });
    for (const { p, setBy, callers } of groups) {
      report({
        messageId: 'noBudget',
        data: {
          mesh: meshWord(p),
          target: target(graph, p.edge),
          attempts: p.attempts.value ?? 0,
          why: because(setBy),
          missing: missing(graph, p, options.maxConcurrentRetries),
          callers: listNames(callers),
        },
        ...setterOrPort(p, setBy),
      });
    }
  },
});

function missing(graph: Graph, p: EdgePolicy, max: number): string {
  const b = p.bound.value;
  const svc = `${nsOf(graph, p.edge.to)}/${p.edge.to.name}`;
  const raised = b?.kind === 'circuit-breaker' && b.maxConcurrent !== undefined && b.maxConcurrent > max ? `${b.text} (${because(p.bound.setBy)}) is above ${max}, so it does not hold retries back` : '';
  const and = raised ? `${raised}; ` : '';
  switch (p.mesh) {
    case 'istio': {
      const v = clusterFacts(graph).istio.version;
      const budget = atLeast(v, 1, 27) === false
        ? `Istio ${v!.raw} has no retryBudget (1.27+), so set connectionPool.http.maxRetries in a DestinationRule for ${svc}`
        : `no DestinationRule for ${svc} sets trafficPolicy.retryBudget (Istio 1.27+) or connectionPool.http.maxRetries, and Istio leaves Envoy's retry circuit breaker at 2^32-1 [I-CTP]`;
      return and + budget;
    }
    case 'linkerd':
      return `${and}retries configured by retry.linkerd.io annotations have no budget in Linkerd [L-PAPI]; a ServiceProfile (20 % budget by default) or a low retry.linkerd.io/limit bounds them`;
    case 'kuma':
      return raised || 'no MeshCircuitBreaker sets connectionLimits.maxRetries for this destination (Kuma\'s default policy mesh-circuit-breaker-all sets 3)';
    case 'consul':
      return `${and}Consul has no retry budget`;
    default:
      return raised || 'nothing';
  }
}
