/**
 * Istio AuthorizationPolicies that match on the caller's mTLS identity (principals, namespaces, service accounts,
 * or `when` conditions on them) for workloads that also accept plaintext (semantics.md §2.7, §8 C27). A plaintext
 * request carries no identity [I-API-AP Source: "This field requires mTLS enabled"], so:
 *
 * - DENY with positive identities does not match it: the request gets through (bypass);
 * - ALLOW with negated identities (`notPrincipals`...) matches it: the request is allowed (bypass);
 * - ALLOW with positive identities never matches it: plaintext callers are denied, which PERMISSIVE was probably
 *   meant to let in during a migration (a note), and under DISABLE every request is denied (a warning);
 * - DENY with negated identities denies it, which is the fail-closed pattern Istio recommends: nothing to say.
 *
 * Policies attached through `targetRef(s)` are enforced by a waypoint on HBONE (always mTLS) and are skipped.
 */
import type { Graph, PodTemplate } from '../graph/graph.js';
import { clusterFacts } from '../graph/mesh/facts.js';
import { dataPlaneOf } from '../graph/mesh/injection.js';
import { inboundMtlsOf } from '../graph/mesh/mtls.js';
import type { InboundMtls } from '../graph/mesh/model.js';
import { workloadsSelectedBy } from '../graph/mesh/targets.js';
import { isObject, str, type JsonValue, type Path, type Resource } from '../load/types.js';
import { because, listNames, MODEL_READS, objectName, workloadName } from './_mtls.js';
import { defineRule } from './types.js';

const POSITIVE = ['principals', 'namespaces', 'serviceAccounts'];
const NEGATIVE = ['notPrincipals', 'notNamespaces', 'notServiceAccounts'];
const WHEN_KEYS = ['source.principal', 'source.namespace'];

interface IdentityUse {
  readonly path: Path;
  readonly field: string;
  readonly negated: boolean;
}

/** Identity-based matches in a policy, and the ports its rules restrict to (empty = every port). */
function identityUses(ap: Resource): { uses: IdentityUse[]; ports: number[] } {
  const uses: IdentityUse[] = [];
  const ports: number[] = [];
  const rules = isObject(ap.obj.spec) ? ap.obj.spec.rules : undefined;
  if (!Array.isArray(rules)) return { uses, ports };
  rules.forEach((rule, i) => {
    if (!isObject(rule)) return;
    if (Array.isArray(rule.from)) {
      rule.from.forEach((f, j) => {
        const source = isObject(f) ? f.source : undefined;
        if (!isObject(source)) return;
        for (const field of [...POSITIVE, ...NEGATIVE]) {
          if (Array.isArray(source[field]) && (source[field] as JsonValue[]).length) {
            uses.push({ path: ['spec', 'rules', i, 'from', j, 'source', field], field: `source.${field}`, negated: NEGATIVE.includes(field) });
          }
        }
      });
    }
    if (Array.isArray(rule.when)) {
      rule.when.forEach((w, k) => {
        if (!isObject(w) || !WHEN_KEYS.includes(str(w.key) ?? '')) return;
        const negated = !Array.isArray(w.values) && Array.isArray(w.notValues);
        uses.push({ path: ['spec', 'rules', i, 'when', k, negated ? 'notValues' : 'values'], field: `when ${str(w.key)}`, negated });
      });
    }
    if (Array.isArray(rule.to)) {
      for (const to of rule.to) {
        const p = isObject(to) && isObject(to.operation) ? to.operation.ports : undefined;
        if (Array.isArray(p)) for (const x of p) if (/^\d+$/.test(String(x))) ports.push(Number(x));
      }
    }
  });
  return { uses, ports };
}

/** Workloads a policy covers: its selector's, else its namespace's, else (root namespace) every one. */
function covered(graph: Graph, ap: Resource): readonly PodTemplate[] {
  const sel = workloadsSelectedBy(graph, ap);
  if (sel) return sel.templates;
  const ns = ap.namespace ?? graph.defaultNamespace;
  return ns === clusterFacts(graph).istio.rootNamespace ? graph.templates() : graph.templatesIn(ns);
}

export default defineRule({
  meta: {
    id: 'authz-requires-mtls',
    description: 'An Istio AuthorizationPolicy that matches on caller identity (principals, namespaces, service accounts) for workloads that also accept plaintext, where that identity does not exist.',
    level: 'warning',
    family: 'mtls',
    reads: [...MODEL_READS, 'AuthorizationPolicy.security.istio.io'],
    messages: {
      denyBypassed: '{policy} denies callers by {field}, but {workloads} also accept(s) plaintext ({mode}: {reason}); a plaintext request has no identity, so this DENY rule never matches it and the request gets through',
      allowOpen: '{policy} allows callers unless they match {field}, but {workloads} also accept(s) plaintext ({mode}: {reason}); a plaintext request has no identity, so it passes the exclusion and is allowed',
      allowDeniesPlaintext: '{policy} allows only callers matching {field}, while {workloads} accept(s) plaintext ({mode}: {reason}); {consequence}',
    },
    sources: [{ tool: 'Kiali', id: 'KIA0105' }],
    precision: 'high',
    securitySeverity: 7.0,
  },
  check({ graph, report }) {
    for (const ap of graph.ofKind('security.istio.io', 'AuthorizationPolicy')) {
      const spec = isObject(ap.obj.spec) ? ap.obj.spec : {};
      if (spec.targetRef !== undefined || spec.targetRefs !== undefined) continue;
      const action = str(spec.action) ?? 'ALLOW';
      if (action !== 'ALLOW' && action !== 'DENY') continue;
      const { uses, ports } = identityUses(ap);
      const bypass = uses.find((u) => (action === 'DENY' ? !u.negated : u.negated));
      const strictOnly = action === 'ALLOW' ? uses.find((u) => !u.negated) : undefined;
      const use = bypass ?? strictOnly;
      if (!use) continue;

      const weak: { t: PodTemplate; m: InboundMtls }[] = [];
      for (const t of covered(graph, ap)) {
        const dp = dataPlaneOf(graph, t);
        if (dp.mesh !== 'istio' || dp.mode === 'none') continue;
        const modes = ports.length ? ports.map((p) => inboundMtlsOf(graph, t, p)) : [inboundMtlsOf(graph, t)];
        const m = modes.find((x) => x.mode !== 'STRICT');
        if (m) weak.push({ t, m });
      }
      if (!weak.length) continue;
      const first = weak[0]!;
      const assumed = weak.every((w) => w.m.decidedBy.assumed);
      const data = {
        policy: objectName(ap),
        field: use.field,
        workloads: listNames(weak.map((w) => workloadName(w.t))),
        mode: first.m.mode,
        reason: because(first.m.decidedBy),
      };
      const related = weak.slice(0, 5).map((w) => ({ resource: w.m.decidedBy.resource ?? w.t.owner, path: w.m.decidedBy.resource ? w.m.decidedBy.path : (['metadata', 'name'] as Path), message: `${workloadName(w.t)}: ${w.m.mode}` }));
      if (bypass) {
        report({ messageId: action === 'DENY' ? 'denyBypassed' : 'allowOpen', data, resource: ap, path: use.path, related, level: assumed ? 'note' : undefined });
        continue;
      }
      const disabled = weak.some((w) => w.m.mode === 'DISABLE');
      report({
        messageId: 'allowDeniesPlaintext',
        data: {
          ...data,
          consequence: disabled
            ? 'where mTLS is DISABLE no caller has an identity, so this policy denies every request there'
            : 'plaintext callers have no identity and are denied, so they are not let in as the PERMISSIVE mode suggests',
        },
        resource: ap,
        path: use.path,
        related,
        level: disabled ? undefined : 'note',
      });
    }
  },
});
