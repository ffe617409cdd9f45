/**
 * Values that could not be determined statically (TypeScript sources: a function parameter, an import, a
 * call). The loader leaves them out of `Resource.obj` and lists their paths in `Resource.unknown`; this module
 * answers "may a conclusion rest on this value?".
 *
 * Why absent-plus-list rather than a sentinel value: every rule already copes with a missing key (it reads
 * through `str()`/`isObject()` and skips what is not there), while a sentinel string or number would flow into
 * comparisons, name lookups and messages. What absence cannot express ("this selector has entries you do not
 * see") is what the list is for.
 */
import type { Finding } from '../rules/types.js';
import type { Path, Resource } from './types.js';

/**
 * True when the value at `path` of `r` is not fully known: the path itself, one of its ancestors (an object
 * completed by an unknown spread) or one of its descendants (a label value inside a selector) is unknown.
 */
export function isUncertain(r: Resource, path: Path): boolean {
  const unknown = r.unknown;
  if (!unknown?.length) return false;
  for (const u of unknown) if (related(u, path)) return true;
  return false;
}

/** True when one of the two paths is a prefix of the other (or they are equal). */
function related(a: Path, b: Path): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when any object in the input has unknown values (lets callers skip the filter entirely). */
export function hasUnknowns(resources: readonly Resource[]): boolean {
  return resources.some((r) => r.unknown !== undefined && r.unknown.length > 0);
}

/**
 * The safety net applied to every finding: a finding whose own path, or one of whose related or flow
 * locations, is uncertain is dropped. It cannot see values a rule consulted without naming them (a pod
 * template's labels while deciding that a selector matches nothing); for those, rules and graph queries must
 * ask `isUncertain` themselves.
 */
export function builtOnUnknown(f: Finding): boolean {
  if (f.resource && isUncertain(f.resource, f.path)) return true;
  for (const r of f.related) if (isUncertain(r.resource, r.path)) return true;
  for (const s of f.flow ?? []) if (isUncertain(s.resource, s.path)) return true;
  return false;
}
