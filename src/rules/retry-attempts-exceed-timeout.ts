import { callEdges, type CallEdge } from '../graph/calls.js';
import { edgePolicies, formatMs, parseDuration } from '../graph/mesh/retries.js';
import { getIn, isObject, str, type JsonValue, type Path, type Resource } from '../load/types.js';
import { listNames, named, RETRY_READS, setterKey, target } from './_retries.js';
import { defineRule } from './types.js';

const arr = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);

/** Mean wait before retry i (1-based) with Envoy's fully jittered exponential backoff [E-ROUTER]. */
function meanBackoff(i: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** (i - 1), maxMs) / 2;
}

/** Attempts that fit in `timeout` when each takes `perTry` and waits the mean backoff before it. */
function attemptsThatFit(perTry: number, timeout: number, baseMs: number, maxMs: number): number {
  let used = 0;
  let k = 0;
  for (;;) {
    const next = used + (k > 0 ? meanBackoff(k, baseMs, maxMs) : 0) + perTry;
    if (next > timeout) return Math.max(1, k);
    used = next;
    k++;
    if (k > 1000) return k;
  }
}

export default defineRule<'exceeds'>({
  meta: {
    id: 'retry-attempts-exceed-timeout',
    description: 'More attempts configured than can fit in the request timeout, so the trailing attempts can never run.',
    level: 'note',
    family: 'retries',
    reads: RETRY_READS,
    messages: {
      exceeds: '{object}: {attempts} attempts × {perTry} per try (plus backoff) need up to {needed}, but the request timeout of {timeout} covers all of them, so only about {fit} attempt(s) can run when attempts time out; lower the attempts or the per-try timeout, or raise the timeout{extra}',
    },
    precision: 'high',
    tags: ['reliability'],
  },
  check({ graph, report }) {
    const emit = (resource: Resource, path: Path, object: string, attempts: number, perTry: number, timeout: number, base = 25, max = 250, extra = '') => {
      if (perTry >= timeout || attempts < 2) return; // per-try ≥ timeout is retry-pertry-timeout-exceeds-timeout
      const needed = attempts * perTry;
      if (needed <= timeout) return;
      const fit = attemptsThatFit(perTry, timeout, base, max);
      if (fit >= attempts) return;
      report({ messageId: 'exceeds', data: { object, attempts, perTry: formatMs(perTry), needed: formatMs(needed), timeout: formatMs(timeout), fit, extra }, resource, path });
    };
    for (const vs of graph.ofKind('networking.istio.io', 'VirtualService')) {
      arr(getIn(vs.obj, ['spec', 'http'])).forEach((r, i) => {
        if (!isObject(r) || !isObject(r.retries) || typeof r.retries.attempts !== 'number' || r.retries.attempts <= 0) return;
        const pt = parseDuration(r.retries.perTryTimeout);
        const to = parseDuration(r.timeout);
        const bo = parseDuration(r.retries.backoff);
        if (pt === undefined || to === undefined || to <= 0) return;
        emit(vs, ['spec', 'http', i, 'retries', 'attempts'], `${named(graph, vs)} http[${i}]`, r.retries.attempts + 1, pt, to, bo ?? 25, bo !== undefined ? bo * 10 : 250);
      });
    }
    for (const route of graph.ofKind('gateway.networking.k8s.io', 'HTTPRoute')) {
      arr(getIn(route.obj, ['spec', 'rules'])).forEach((r, i) => {
        if (!isObject(r) || !isObject(r.retry) || typeof r.retry.attempts !== 'number') return;
        const t = isObject(r.timeouts) ? r.timeouts : {};
        const be = parseDuration(t.backendRequest);
        const rq = parseDuration(t.request);
        if (be === undefined || rq === undefined || rq <= 0) return;
        const bo = parseDuration(r.retry.backoff);
        emit(route, ['spec', 'rules', i, 'retry', 'attempts'], `${named(graph, route)} rules[${i}]`, r.retry.attempts + 1, be, rq, bo ?? 25, bo !== undefined ? bo * 10 : 250);
      });
    }
    for (const r of [...graph.ofKind('', 'Service'), ...graph.ofKind('gateway.networking.k8s.io', 'HTTPRoute'), ...graph.ofKind('gateway.networking.k8s.io', 'GRPCRoute'), ...graph.ofKind('policy.linkerd.io', 'HTTPRoute')]) {
      const ann = isObject(r.obj.metadata) && isObject(r.obj.metadata.annotations) ? r.obj.metadata.annotations : {};
      const pt = parseDuration(str(ann['retry.linkerd.io/timeout']));
      const rq = parseDuration(str(ann['timeout.linkerd.io/request']));
      if (pt === undefined || rq === undefined || rq <= 0) continue;
      const limitRaw = str(ann['retry.linkerd.io/limit']);
      const limit = limitRaw && /^\d+$/.test(limitRaw) && Number(limitRaw) > 0 ? Number(limitRaw) : 1;
      emit(r, ['metadata', 'annotations', limitRaw !== undefined ? 'retry.linkerd.io/limit' : 'retry.linkerd.io/timeout'], named(graph, r), limit + 1, pt, rq);
    }
    // Kuma: merged MeshRetry and MeshTimeout per edge
    const groups = new Map<string, { edge: CallEdge; callers: string[] }>();
    const policies = edgePolicies(graph);
    for (const edge of callEdges(graph)) {
      const p = policies[edge.id]!;
      if (p.mesh !== 'kuma' || !p.perTryTimeoutMs.setBy.resource || p.attempts.value === undefined) continue;
      const key = `${setterKey(p.attempts.setBy)}|${setterKey(p.timeoutMs.setBy)}`;
      const g = groups.get(key);
      if (g) g.callers.push(edge.from.owner.name);
      else groups.set(key, { edge, callers: [edge.from.owner.name] });
    }
    for (const { edge, callers } of groups.values()) {
      const p = policies[edge.id]!;
      const loc = p.attempts.setBy.resource ? { resource: p.attempts.setBy.resource, path: p.attempts.setBy.path } : { resource: p.perTryTimeoutMs.setBy.resource!, path: p.perTryTimeoutMs.setBy.path };
      emit(loc.resource, loc.path, `calls from ${listNames(callers)} to ${target(graph, edge)}`, p.attempts.value!, p.perTryTimeoutMs.value!, p.timeoutMs.value ?? Number.POSITIVE_INFINITY, p.backoff?.baseMs, p.backoff?.maxMs, ` (request timeout: ${p.timeoutMs.setBy.reason})`);
    }
  },
});
