import { worstPaths } from '../graph/callpaths.js';
import { DEFAULT_MAX_CONCURRENT_RETRIES, round } from '../graph/mesh/retries.js';
import { because, edgeLocation, hopStep, named, nsOf, RETRY_READS } from './_retries.js';
import { defineRule } from './types.js';

interface Options {
  threshold: number;
  errorThreshold: number;
  maxDepth: number;
  maxConcurrentRetries: number;
}

export default defineRule<'amplified', Options>({
  meta: {
    id: 'retry-amplification',
    description: 'A call path along which the retries of each hop multiply the attempts that reach the last service past a threshold.',
    // error from errorThreshold on; each finding below it is lowered to warning (a finding may only lower the level)
    level: 'error',
    family: 'retries',
    reads: RETRY_READS,
    messages: {
      amplified:
        'One request entering at {entry} can become {arithmetic} = {product} attempts at {last} ({chain}): {why}{bounds}{approx}',
    },
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          threshold: { type: 'number', minimum: 2, description: 'Report paths whose attempts multiply to at least this.' },
          errorThreshold: { type: 'number', minimum: 2, description: 'Report as an error from this product on.' },
          maxDepth: { type: 'integer', minimum: 1, maximum: 32, description: 'Longest call chain considered, in hops.' },
          maxConcurrentRetries: { type: 'integer', minimum: 0, description: 'A retry circuit breaker allowing at most this many concurrent retries counts as a bound.' },
        },
      },
      defaults: { threshold: 8, errorThreshold: 27, maxDepth: 12, maxConcurrentRetries: DEFAULT_MAX_CONCURRENT_RETRIES },
    },
    precision: 'medium',
    tags: ['reliability'],
  },
  check({ graph, options, report }) {
    for (const path of worstPaths(graph, { maxDepth: options.maxDepth, maxConcurrentRetries: options.maxConcurrentRetries })) {
      if (path.product < options.threshold || !path.hops.length) continue;
      const hops = path.hops;
      const last = hops[hops.length - 1]!;
      const chain = [path.entry.owner.name, ...hops.map((h) => h.edge.to.name)].join(' → ');
      const arithmetic = hops.map((h) => round(h.factor.factor)).join(' × ');
      const multiplying = hops.filter((h) => h.factor.factor > 1);
      const why = [...new Set(multiplying.map((h) => `${h.edge.to.name} ×${h.factor.text}: ${because(h.policy.attempts.setBy)}`))].join('; ');
      const bounded = hops.filter((h) => h.factor.bounded);
      const bounds = bounded.length
        ? `; only ${[...new Set(bounded.map((h) => `${h.edge.to.name} (${h.policy.bound.value?.text ?? 'bounded'})`))].join(', ')} ${bounded.length === 1 ? 'is' : 'are'} bounded`
        : '; no retry budget or retry circuit breaker bounds any hop';
      const steps = hops.map((h, i) => hopStep(graph, i, h.edge, h.policy, h.factor.text));
      report({
        messageId: 'amplified',
        data: {
          entry: named(graph, path.entry.owner),
          arithmetic,
          product: round(path.product),
          last: `${nsOf(graph, last.edge.to)}/${last.edge.to.name}`,
          chain,
          why,
          bounds,
          approx: path.approximate ? ' (the path crosses a large call cycle, which was cut to keep the analysis linear)' : '',
        },
        ...edgeLocation(hops[0]!.edge),
        level: path.product >= options.errorThreshold ? undefined : 'warning',
        related: steps,
        flow: steps,
      });
    }
  },
});
