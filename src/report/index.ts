/** Output formats. Each starts from the same located, ordered findings. */
import type { LintResult } from '../lint.js';
import { toGithub } from './github.js';
import { toJson } from './json.js';
import { locateFindings, type LocatedFinding } from './results.js';
import { toSarif } from './sarif.js';
import { toStylish } from './stylish.js';

export const FORMATS = ['stylish', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface FormatOptions {
  readonly color?: boolean;
  readonly category?: string;
  readonly showSuppressed?: boolean;
}

const cache = new WeakMap<LintResult, LocatedFinding[]>();

/** Findings with positions, sorted; computed once per result. */
export function located(result: LintResult): LocatedFinding[] {
  let l = cache.get(result);
  if (!l) cache.set(result, (l = locateFindings(result.findings)));
  return l;
}

export function format(result: LintResult, fmt: Format, options: FormatOptions = {}): string {
  const l = located(result);
  switch (fmt) {
    case 'sarif':
      return JSON.stringify(toSarif(result, l, { category: options.category }), null, 2) + '\n';
    case 'json':
      return JSON.stringify(toJson(result, l), null, 2) + '\n';
    case 'github':
      return toGithub(result, l);
    case 'stylish':
      return toStylish(result, l, { color: options.color ?? false, showSuppressed: options.showSuppressed });
  }
}
