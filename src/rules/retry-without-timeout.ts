import { because, groupEdges, INCLUDE_DEFAULTS_SCHEMA, listNames, meshWord, RETRY_READS, setterOrPort, target } from './_retries.js';
import { defineRule } from './types.js';

interface Options {
  includeMeshDefaults: boolean;
}

export default defineRule<'noTimeout', Options>({
  meta: {
    id: 'retry-without-timeout',
    description: 'Retried HTTP or gRPC calls with no request timeout and no per-try timeout anywhere, so a hung request is never retried and never given up.',
    level: 'note',
    family: 'retries',
    reads: RETRY_READS,
    messages: {
      noTimeout: '{mesh} retries calls from {callers} to {target} ({why}) but sets no request or per-try timeout ({timeoutWhy}): retries only follow fast failures, and a request that hangs holds a connection until the client gives up. Set a route timeout (and a per-try timeout below it), unless these are long-lived streams',
    },
    options: { schema: { type: 'object', additionalProperties: false, properties: { ...INCLUDE_DEFAULTS_SCHEMA } }, defaults: { includeMeshDefaults: false } },
    precision: 'medium',
    tags: ['reliability'],
  },
  check({ graph, options, report }) {
    const groups = groupEdges(graph, (p) => {
      if (!p.mesh || (p.attempts.value !== undefined && p.attempts.value <= 1)) return undefined;
      if (p.protocol.value === 'tcp' || p.timeoutMs.value !== undefined || p.perTryTimeoutMs.value !== undefined) return undefined;
      const explicit = !p.attempts.setBy.isDefault;
      return explicit || (options.includeMeshDefaults && p.overloadRetries) ? p.attempts.setBy : undefined;
    });
    for (const { p, setBy, callers } of groups) {
      report({
        messageId: 'noTimeout',
        data: { mesh: meshWord(p), callers: listNames(callers), target: target(graph, p.edge), why: because(setBy), timeoutWhy: because(p.timeoutMs.setBy) },
        ...setterOrPort(p, setBy),
      });
    }
  },
});
