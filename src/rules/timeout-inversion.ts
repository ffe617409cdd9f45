import { callGraph, type CallEdge } from '../graph/calls.js';
import { callerPatienceMs, edgePolicies, formatMs, worstCompletionMs, type EdgePolicy } from '../graph/mesh/retries.js';
import { serviceView } from '../graph/services.js';
import { because, edgeLocation, hopStep, listNames, RETRY_READS, setterKey, target } from './_retries.js';
import { defineRule, type RelatedLocation } from './types.js';

const NO_CALLS: readonly CallEdge[] = [];

interface Options {
  /** Also report when the downstream hop has no timeout at all but retries under overload. */
  unboundedDownstream: boolean;
}

interface Candidate {
  readonly down: CallEdge;
  readonly policy: EdgePolicy;
  /** undefined = no limit at all */
  readonly ms: number | undefined;
}

export default defineRule<'inverted' | 'unbounded', Options>({
  meta: {
    id: 'timeout-inversion',
    description: 'Along A → B → C, A stops waiting for B before B can finish its own attempts towards C, so work continues after nobody waits for it.',
    level: 'warning',
    family: 'retries',
    reads: RETRY_READS,
    messages: {
      inverted: '{callers} {giveUp} on {b} after {patience} ({patienceWhy}), but {bName} may spend up to {downstream} on {c} ({downstreamWhy}), so {bName} keeps working{retrying} after its caller has gone{aRetries}. Keep each caller\'s timeout above what its callee may spend downstream, and propagate deadlines',
      unbounded: '{callers} {giveUp} on {b} after {patience} ({patienceWhy}), while the calls of {bName} to {c} have no timeout at all and are retried ({downstreamWhy}), so abandoned requests keep {bName} and {c} busy{aRetries}. Give those calls a timeout below {patience}',
    },
    options: {
      schema: { type: 'object', additionalProperties: false, properties: { unboundedDownstream: { type: 'boolean', description: 'Report callees whose own downstream calls are retried with no timeout at all.' } } },
      defaults: { unboundedDownstream: true },
    },
    precision: 'medium',
    tags: ['reliability'],
  },
  check({ graph, options, report }) {
    const groups = new Map<string, { up: CallEdge; upPolicy: EdgePolicy; patience: number; cand: Candidate; callers: string[] }>();
    const policies = edgePolicies(graph);
    // every edge is looked at as a downstream hop of each of its callee's callers: its worst time once
    const completion = policies.map(worstCompletionMs);
    const calls = callGraph(graph);
    for (const up of calls.edges) {
      if (up.self) continue;
      const upPolicy = policies[up.id]!;
      const patience = callerPatienceMs(upPolicy);
      if (!patience) continue;
      let worst: Candidate | undefined;
      for (const b of serviceView(graph, up.to).pods) {
        if (b === up.from) continue;
        for (const down of calls.byCaller.get(b.owner.id) ?? NO_CALLS) {
          if (down.self || down.to.id === up.to.id) continue;
          const p = policies[down.id]!;
          const ms = completion[down.id];
          if (ms === undefined) {
            if (!options.unboundedDownstream || !p.overloadRetries) continue;
            if (!worst || worst.ms !== undefined) worst = { down, policy: p, ms: undefined };
            continue;
          }
          if (ms <= patience.ms) continue;
          if (!worst || (worst.ms !== undefined && ms > worst.ms)) worst = { down, policy: p, ms };
        }
      }
      if (!worst) continue;
      const key = `${setterKey(patience.setBy)}|${patience.setBy.resource ? '' : up.from.owner.id}|${up.to.id}|${worst.down.id}`;
      const g = groups.get(key);
      if (g) g.callers.push(up.from.owner.name);
      else groups.set(key, { up, upPolicy, patience: patience.ms, cand: worst, callers: [up.from.owner.name] });
    }
    for (const g of groups.values()) {
      const { up, upPolicy, cand } = g;
      const patience = callerPatienceMs(upPolicy)!;
      const loc = patience.setBy.resource ? { resource: patience.setBy.resource, path: patience.setBy.path } : edgeLocation(up);
      const downWhy = cand.ms === undefined
        ? because(cand.policy.attempts.setBy)
        : cand.policy.timeoutMs.value !== undefined
          ? because(cand.policy.timeoutMs.setBy)
          : `${cand.policy.attempts.value} attempts × ${formatMs(cand.policy.perTryTimeoutMs.value)}: ${because(cand.policy.perTryTimeoutMs.setBy)}`;
      const aRetries = (upPolicy.attempts.value ?? 1) > 1 && upPolicy.overloadRetries ? `, and the caller's own retries (${upPolicy.attempts.value} attempts) start more of that work` : '';
      const steps: RelatedLocation[] = [
        { ...loc, message: `${listNames(g.callers)} → ${target(graph, up)}: gives up after ${formatMs(patience.ms)}` },
        { ...(cand.policy.timeoutMs.setBy.resource && cand.ms !== undefined ? { resource: cand.policy.timeoutMs.setBy.resource, path: cand.policy.timeoutMs.setBy.path } : hopStep(graph, 1, cand.down, cand.policy, String(cand.policy.attempts.value ?? '?'))), message: `${cand.down.from.owner.name} → ${target(graph, cand.down)}: may take ${cand.ms === undefined ? 'unbounded time' : formatMs(cand.ms)}` },
      ];
      report({
        messageId: cand.ms === undefined ? 'unbounded' : 'inverted',
        data: {
          callers: listNames(g.callers),
          giveUp: new Set(g.callers).size === 1 ? 'gives up' : 'give up',
          b: target(graph, up),
          bName: up.to.name,
          c: target(graph, cand.down),
          patience: formatMs(patience.ms),
          patienceWhy: because(patience.setBy),
          downstream: formatMs(cand.ms),
          downstreamWhy: downWhy,
          retrying: (cand.policy.attempts.value ?? 2) > 1 ? ' and retrying' : '',
          aRetries,
        },
        ...loc,
        related: steps,
        flow: steps,
      });
    }
  },
});
