/**
 * Runs the enabled rules over one graph and returns their findings, with configured levels applied and
 * in-source suppressions marked (suppressed findings are kept, so SARIF can show them as suppressed).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { Graph } from './graph/graph.js';
import { isObject, type JsonObject, type LoadProblem } from './load/types.js';
import type { Config } from './config/load.js';
import {
  formatMessage,
  LEVEL_RANK,
  type ClusterFacts,
  type FileLocation,
  type Finding,
  type Level,
  type Report,
  type Rule,
  type RuleContext,
} from './rules/types.js';
import { editDistance } from './rules/_names.js';

export const IGNORE_ANNOTATION = 'meshlint.io/ignore';
export const IGNORE_REASON_ANNOTATION = 'meshlint.io/ignore-reason';

export interface ActiveRule {
  readonly rule: Rule;
  readonly level: Level;
  readonly options: object;
}

export class RuleConfigError extends Error {}

const optionValidators = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

/** Rules with their effective level and options; unknown rule ids in the config are an error. */
export function activeRules(all: readonly Rule[], config: Config): ActiveRule[] {
  const byId = new Map(all.map((r) => [r.meta.id, r]));
  for (const id of Object.keys(config.rules)) {
    if (!byId.has(id)) throw new RuleConfigError(`unknown rule "${id}" in ${config.file ?? 'configuration'}${suggest(id, [...byId.keys()])}`);
  }
  const out: ActiveRule[] = [];
  for (const rule of all) {
    const setting = config.rules[rule.meta.id];
    const level = setting?.level ?? rule.meta.level;
    if (level === 'off') continue;
    out.push({ rule, level, options: ruleOptions(rule, setting?.options, config.file) });
  }
  return out;
}

function ruleOptions(rule: Rule, given: JsonObject | undefined, file: string | undefined): object {
  const o = rule.meta.options;
  if (!o) {
    if (given && Object.keys(given).length) throw new RuleConfigError(`rule ${rule.meta.id} takes no options (${file ?? 'configuration'})`);
    return {};
  }
  const merged = { ...o.defaults, ...(given ?? {}) };
  let v = optionValidators.get(rule.meta.id);
  if (!v) {
    ajv ??= new Ajv({ allErrors: true, strict: false, useDefaults: false });
    v = ajv.compile(o.schema);
    optionValidators.set(rule.meta.id, v);
  }
  if (!v(merged)) {
    const msg = (v.errors ?? []).map((e) => `${e.instancePath || '(options)'} ${e.message ?? ''}`).join('; ');
    throw new RuleConfigError(`invalid options for rule ${rule.meta.id} in ${file ?? 'configuration'}: ${msg}`);
  }
  return merged;
}

function suggest(id: string, ids: string[]): string {
  const near = ids.find((x) => x.includes(id) || id.includes(x) || editDistance(x, id, 4) <= 3);
  return near ? ` (did you mean "${near}"?)` : '';
}


/** Run rules; a rule that throws is reported as a tool error, not allowed to end the run. */
export function runRules(
  graph: Graph,
  rules: readonly ActiveRule[],
  cluster: ClusterFacts,
  problems: readonly LoadProblem[],
): { findings: Finding[]; ruleErrors: { ruleId: string; message: string }[]; ruleTimingsMs: Record<string, number> } {
  const findings: Finding[] = [];
  const ruleErrors: { ruleId: string; message: string }[] = [];
  const ruleTimingsMs: Record<string, number> = {};
  for (const active of rules) {
    const { rule } = active;
    const ctx: RuleContext<string, object> = {
      graph,
      options: active.options,
      cluster,
      report: (r: Report<string>) => findings.push(makeFinding(active, r)),
      reportAt: (r) => findings.push(makeFileFinding(active, r.messageId, r.data, r.at, r.level)),
    };
    const started = performance.now();
    try {
      rule.check(ctx);
    } catch (e) {
      ruleErrors.push({ ruleId: rule.meta.id, message: e instanceof Error ? e.message : String(e) });
    }
    // graph facts are memoised, so the first rule to ask pays for them: timings are per rule, not per fact
    ruleTimingsMs[rule.meta.id] = performance.now() - started;
  }
  // Load problems are findings of the input rules, when those are enabled.
  const inputLevel = new Map(rules.map((a) => [a.rule.meta.id, a]));
  for (const p of problems) {
    const active = inputLevel.get(p.ruleId);
    if (!active) continue;
    const at: FileLocation = { file: p.file, line: p.line, column: p.column, at: p.at, object: p.object };
    findings.push(makeFileFinding(active, 'problem', { detail: p.message }, at));
  }
  return { findings, ruleErrors, ruleTimingsMs };
}

/**
 * The graph layer cites its sources with semantics.md's keys (`[I-CTP]`, `[KU-DEF-CB applyX]`) in the reasons it
 * gives; those belong in the docs pages' Sources, not in what users read, so messages drop them here.
 */
const CITATION = /\s*\[(?:I|L|K|KU|C|G|E|CILIUM)-[A-Z0-9][A-Z0-9-]*(?:[ ;,][^\]]*)?\]/g;

export function withoutCitations(text: string): string {
  return text.includes('[') ? text.replace(CITATION, '') : text;
}

function makeFinding(active: ActiveRule, r: Report<string>): Finding {
  const template = (active.rule.meta.messages as Record<string, string>)[r.messageId];
  const message = template === undefined ? `[unknown message id ${r.messageId}]` : withoutCitations(formatMessage(template, r.data));
  return {
    ruleId: active.rule.meta.id,
    messageId: r.messageId,
    data: r.data ?? {},
    message,
    level: effectiveLevel(r.level, active.level),
    resource: r.resource,
    path: r.path,
    related: (r.related ?? []).map((x) => ({ ...x, message: withoutCitations(x.message) })),
    flow: r.flow?.map((x) => ({ ...x, message: withoutCitations(x.message) })),
    suppression: suppressionOf(r.resource.obj, active.rule.meta.id),
  };
}

/** A per-finding level may lower the configured level, never raise it (configuration has the last word upward). */
function effectiveLevel(requested: Level | undefined, configured: Level): Level {
  return requested !== undefined && LEVEL_RANK[requested] < LEVEL_RANK[configured] ? requested : configured;
}

function makeFileFinding(
  active: ActiveRule,
  messageId: string,
  data: Readonly<Record<string, string | number>> | undefined,
  at: FileLocation,
  level?: Level,
): Finding {
  const template = (active.rule.meta.messages as Record<string, string>)[messageId];
  return {
    ruleId: active.rule.meta.id,
    messageId,
    data: data ?? {},
    message: template === undefined ? `[unknown message id ${messageId}]` : formatMessage(template, data),
    level: effectiveLevel(level, active.level),
    path: at.at?.path ?? [],
    fileLocation: at,
    related: [],
  };
}

/** `meshlint.io/ignore: "rule-a,rule-b"` (or `*`) on the object suppresses those rules for it. */
export function suppressionOf(obj: JsonObject, ruleId: string): Finding['suppression'] {
  const meta = obj.metadata;
  if (!isObject(meta) || !isObject(meta.annotations)) return undefined;
  const ignore = meta.annotations[IGNORE_ANNOTATION];
  if (typeof ignore !== 'string') return undefined;
  const ids = ignore.split(',').map((s) => s.trim());
  if (!ids.includes(ruleId) && !ids.includes('*')) return undefined;
  const reason = meta.annotations[IGNORE_REASON_ANNOTATION];
  return { kind: 'inSource', justification: typeof reason === 'string' ? reason : undefined };
}
