/**
 * The one place where label selectors are interpreted (semantics.md §1.1, §1.5):
 * - Service and ReplicationController selectors are equality-only maps, and an empty or absent map means
 *   "no selector" (endpoints are managed elsewhere), not "select everything".
 * - LabelSelector (`matchLabels` + `matchExpressions`) ANDs all requirements; an empty selector matches
 *   everything; a null selector matches nothing, except where an API defaults it (NetworkPolicy podSelector).
 * - `NotIn` and `DoesNotExist` also match objects that lack the key.
 */
import { isObject, type JsonObject, type JsonValue, type Path } from '../load/types.js';

export type Labels = Readonly<Record<string, string>>;

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface Requirement {
  readonly key: string;
  readonly op: Operator;
  readonly values: readonly string[];
  /** Where the requirement was written, relative to the selector. */
  readonly path: Path;
}

export type Selector =
  | { readonly kind: 'nothing'; readonly reason: 'absent' | 'empty' | 'null' | 'invalid' }
  | { readonly kind: 'everything' }
  | { readonly kind: 'requirements'; readonly requirements: readonly Requirement[] };

/**
 * Labels that controllers add to pods at run time; a selector on them cannot be checked against a
 * template, so such requirements are taken as satisfied. Sources: Kubernetes well-known labels
 * (kubernetes.io/docs/reference/labels-annotations-taints) and the controllers' pod-template hashing.
 */
export const RUNTIME_LABEL_KEYS: ReadonlySet<string> = new Set([
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'controller-revision-hash',
  'pod-template-hash',
  'pod-template-generation',
  'job-name',
  'controller-uid',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
]);

export function labelsOf(v: JsonValue | undefined): Labels {
  if (!isObject(v)) return {};
  const out: Record<string, string> = {};
  // for-in over a parsed (plain, own-keys-only) object: the same keys in the same order as Object.entries, without its arrays
  for (const k in v) {
    const val = v[k];
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  }
  return out;
}

/** Service / ReplicationController selector: equality on every pair; empty or absent selects nothing. */
export function equalitySelector(v: JsonValue | undefined): Selector {
  if (v === undefined) return { kind: 'nothing', reason: 'absent' };
  if (v === null) return { kind: 'nothing', reason: 'null' };
  if (!isObject(v)) return { kind: 'nothing', reason: 'invalid' };
  const requirements: Requirement[] = [];
  for (const key in v) {
    const val = v[key];
    if (val === null || typeof val === 'object') return { kind: 'nothing', reason: 'invalid' };
    requirements.push({ key, op: 'In', values: [String(val)], path: [key] });
  }
  return requirements.length ? { kind: 'requirements', requirements } : { kind: 'nothing', reason: 'empty' };
}

/**
 * `metav1.LabelSelector`. `whenAbsent` says what an absent or null selector means for this field
 * (NetworkPolicy podSelector defaults to all pods; PDB null selects nothing).
 */
export function labelSelector(v: JsonValue | undefined, whenAbsent: 'nothing' | 'everything'): Selector {
  if (v === undefined || v === null) {
    return whenAbsent === 'everything' ? { kind: 'everything' } : { kind: 'nothing', reason: v === null ? 'null' : 'absent' };
  }
  if (!isObject(v)) return { kind: 'nothing', reason: 'invalid' };
  const requirements: Requirement[] = [];
  const ml = v.matchLabels;
  if (isObject(ml)) {
    for (const key in ml) {
      const val = ml[key];
      if (val === null || typeof val === 'object') return { kind: 'nothing', reason: 'invalid' };
      requirements.push({ key, op: 'In', values: [String(val)], path: ['matchLabels', key] });
    }
  } else if (ml !== undefined && ml !== null) return { kind: 'nothing', reason: 'invalid' };
  const me = v.matchExpressions;
  if (Array.isArray(me)) {
    for (let i = 0; i < me.length; i++) {
      const e = me[i];
      if (!isObject(e) || typeof e.key !== 'string') return { kind: 'nothing', reason: 'invalid' };
      const op = e.operator;
      if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') return { kind: 'nothing', reason: 'invalid' };
      const values = Array.isArray(e.values) ? e.values.map((x) => String(x)) : [];
      if ((op === 'In' || op === 'NotIn') && values.length === 0) return { kind: 'nothing', reason: 'invalid' };
      requirements.push({ key: e.key, op, values, path: ['matchExpressions', i] });
    }
  } else if (me !== undefined && me !== null) return { kind: 'nothing', reason: 'invalid' };
  return requirements.length ? { kind: 'requirements', requirements } : { kind: 'everything' };
}

export function requirementHolds(r: Requirement, labels: Labels): boolean {
  const value: unknown = labels[r.key];
  // A string value can only be the object's own label (Object.prototype has no string-valued property), so the
  // common case needs neither hasOwnProperty nor the runtime-key test, which only applies to absent labels.
  if (typeof value === 'string') {
    switch (r.op) {
      case 'In':
        return r.values.includes(value);
      case 'NotIn':
        return !r.values.includes(value);
      case 'Exists':
        return true;
      case 'DoesNotExist':
        return false;
    }
  }
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  // a runtime label written into the template (a ReplicaSet's pod-template-hash in a cluster dump) is compared
  if (RUNTIME_LABEL_KEYS.has(r.key) && !has) return true;
  switch (r.op) {
    case 'In':
      return has && r.values.includes(labels[r.key]!);
    case 'NotIn':
      return !has || !r.values.includes(labels[r.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function selectorMatches(sel: Selector, labels: Labels): boolean {
  if (sel.kind === 'nothing') return false;
  if (sel.kind === 'everything') return true;
  for (const r of sel.requirements) if (!requirementHolds(r, labels)) return false;
  return true;
}

/** Requirements of `sel` that `labels` fail. */
export function failedRequirements(sel: Selector, labels: Labels): Requirement[] {
  if (sel.kind !== 'requirements') return [];
  return sel.requirements.filter((r) => !requirementHolds(r, labels));
}

export function describeRequirement(r: Requirement): string {
  switch (r.op) {
    case 'In':
      return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(', ')})`;
    case 'NotIn':
      return `${r.key} notin (${r.values.join(', ')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
  }
}

export function describeSelector(sel: Selector): string {
  if (sel.kind === 'everything') return '{} (everything)';
  if (sel.kind === 'nothing') return `(${sel.reason})`;
  return sel.requirements.map(describeRequirement).join(',');
}

/** Why `labels` miss `r`, in words: "has app=front-end" or "has no label tier". */
export function describeMiss(r: Requirement, labels: Labels): string {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  if (r.op === 'In' || r.op === 'Exists') return has ? `has ${r.key}=${labels[r.key]}` : `has no label ${r.key}`;
  return `has ${r.key}=${labels[r.key] ?? ''}`;
}

/**
 * Among `candidates`, the one that satisfies the most requirements of `sel` (ties: the first), with the
 * requirements it fails. Used to tell users why a selector matched nothing.
 */
export function nearestMiss<T>(
  sel: Selector,
  candidates: Iterable<T>,
  labelsOfCandidate: (c: T) => Labels,
): { candidate: T; failed: Requirement[] } | undefined {
  if (sel.kind !== 'requirements') return undefined;
  let best: { candidate: T; failed: Requirement[] } | undefined;
  for (const c of candidates) {
    const failed = failedRequirements(sel, labelsOfCandidate(c));
    if (failed.length === 0) continue;
    if (!best || failed.length < best.failed.length || (failed.length === best.failed.length && keyOverlap(failed, labelsOfCandidate(c)) > keyOverlap(best.failed, labelsOfCandidate(best.candidate)))) {
      best = { candidate: c, failed };
    }
  }
  return best;
}

/** Prefer a candidate that has the key with another value (a typo) over one lacking the key. */
function keyOverlap(failed: readonly Requirement[], labels: Labels): number {
  let n = 0;
  for (const r of failed) if (Object.prototype.hasOwnProperty.call(labels, r.key)) n++;
  return n;
}

/** An object's own annotations as strings. */
export function annotationsOf(r: { readonly obj: JsonObject }): Labels {
  return isObject(r.obj.metadata) ? labelsOf(r.obj.metadata.annotations) : {};
}
