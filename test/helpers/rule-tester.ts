/**
 * Table-driven rule tests: YAML in, findings out. A case fails on a finding it did not expect, on a missing
 * one, on an unknown message id, on an unfilled placeholder, on a duplicate case, and when the rule reads a
 * kind it did not declare in `meta.reads`.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../src/config/load.js';
import { activeRules, runRules } from '../../src/engine.js';
import { Graph } from '../../src/graph/graph.js';
import { loadInputs } from '../../src/load/index.js';
import { locateFindings, type LocatedFinding } from '../../src/report/results.js';
import type { Level, Rule } from '../../src/rules/types.js';

export interface Expected {
  readonly messageId: string;
  /** `<namespace>/<Kind>/<name>` or `<Kind>/<name>`; null for a finding about a whole file. */
  readonly object: string | null;
  /** Dotted path as `formatPath` prints it, e.g. `spec.ports[0].targetPort`. */
  readonly path: string;
  readonly line: number;
  readonly column?: number;
  readonly file?: string;
  readonly level?: Level;
  readonly data?: Readonly<Record<string, string | number>>;
  /** Substrings (or a pattern) the message must contain. */
  readonly message?: string | RegExp | readonly string[];
}

export interface Case {
  readonly name: string;
  /** Manifests in one file (`manifests.yaml`) ... */
  readonly yaml?: string;
  /** ... or several files, path → text. */
  readonly files?: Readonly<Record<string, string>>;
  readonly options?: Record<string, unknown>;
  readonly cluster?: Record<string, unknown>;
  readonly namespace?: string;
  readonly errors?: readonly Expected[];
}

export interface RunOutcome {
  readonly located: LocatedFinding[];
  readonly reads: Set<string>;
}

/** Lint in-memory files with one rule and return located findings plus the kinds it read. */
export async function runRule(rule: Rule, c: Omit<Case, 'name' | 'errors'>): Promise<RunOutcome> {
  const files = c.files ?? { 'manifests.yaml': c.yaml ?? '' };
  const load = await loadInputs({
    paths: [],
    cwd: process.cwd(),
    defaultNamespace: c.namespace ?? 'default',
    ignore: [],
    gitignore: false,
    stdinName: '<stdin>',
    maxFileBytes: 1 << 26,
    texts: Object.entries(files).map(([path, text]) => ({ path, text })),
  });
  const config: Config = parseConfig({
    rules: c.options ? { [rule.meta.id]: { options: c.options } } : {},
    cluster: c.cluster ?? {},
  });
  const graph = new Graph(load.resources, { defaultNamespace: c.namespace ?? 'default', cluster: config.cluster });
  const reads = new Set<string>();
  graph.readLog = reads;
  const active = activeRules([rule], config);
  const { findings, ruleErrors } = runRules(graph, active, config.cluster, load.problems);
  if (ruleErrors.length) throw new Error(`rule threw: ${ruleErrors.map((e) => e.message).join('; ')}`);
  return { located: locateFindings(findings), reads };
}

/** Strip the common indentation and the first newline, so YAML can be written indented in a test. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').replace(/\n[ \t]*$/, '\n').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export function ruleTable(rule: Rule, table: { valid: readonly Case[]; invalid: readonly Case[] }): void {
  const names = new Set<string>();
  const bodies = new Set<string>();
  for (const c of [...table.valid, ...table.invalid]) {
    if (names.has(c.name)) throw new Error(`duplicate case name: ${c.name}`);
    names.add(c.name);
    const body = JSON.stringify([c.yaml, c.files, c.options, c.cluster, c.namespace]);
    if (bodies.has(body)) throw new Error(`duplicate case input: ${c.name}`);
    bodies.add(body);
  }
  if (table.valid.length === 0 || table.invalid.length === 0) throw new Error(`${rule.meta.id}: needs both valid and invalid cases`);

  describe(rule.meta.id, () => {
    for (const c of table.valid) {
      it(`valid: ${c.name}`, async () => {
        const { located, reads } = await runRule(rule, c);
        expect(located.map(summary)).toEqual([]);
        checkReads(rule, reads);
      });
    }
    for (const c of table.invalid) {
      it(`invalid: ${c.name}`, async () => {
        if (!c.errors?.length) throw new Error('an invalid case must list its expected findings');
        const { located, reads } = await runRule(rule, c);
        checkReads(rule, reads);
        for (const l of located) {
          expect(Object.keys(rule.meta.messages), 'unknown message id').toContain(l.finding.messageId);
          expect(l.message, 'unfilled placeholder').not.toMatch(/\{\w+\}/);
          expect(l.ruleId).toBe(rule.meta.id);
        }
        expect(located.map(summary)).toEqual(c.errors.map((e, i) => expectedSummary(e, located[i])));
        c.errors.forEach((e, i) => {
          const l = located[i]!;
          if (e.data) for (const [k, v] of Object.entries(e.data)) expect(l.finding.data[k], `data.${k}`).toBe(v);
          const patterns = e.message === undefined ? [] : Array.isArray(e.message) ? e.message : [e.message];
          for (const p of patterns) {
            if (typeof p === 'string') expect(l.message).toContain(p);
            else expect(l.message).toMatch(p as RegExp);
          }
        });
      });
    }
  });
}

function summary(l: LocatedFinding): Record<string, unknown> {
  return {
    messageId: l.finding.messageId,
    object: l.object?.fullyQualifiedName ?? null,
    path: l.path,
    line: l.region.startLine,
    column: l.region.startColumn,
    file: l.uri,
    level: l.level,
  };
}

/** Fields the case leaves out are taken from the actual finding, so they do not fail the comparison. */
function expectedSummary(e: Expected, actual: LocatedFinding | undefined): Record<string, unknown> {
  return {
    messageId: e.messageId,
    object: e.object,
    path: e.path,
    line: e.line,
    column: e.column ?? actual?.region.startColumn,
    file: e.file ?? actual?.uri,
    level: e.level ?? actual?.level,
  };
}

function checkReads(rule: Rule, reads: Set<string>): void {
  const declared = new Set(rule.meta.reads);
  const undeclared = [...reads].filter((k) => !declared.has(k));
  expect(undeclared, `${rule.meta.id} reads kinds it does not declare in meta.reads`).toEqual([]);
}
