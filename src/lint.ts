import path from 'node:path';
/** The library API: inputs and options in, a LintResult out. The CLI, the Action and the tests all use it. */
import { EMPTY_CONFIG, findConfig, loadConfigFile, type Config } from './config/load.js';
import { activeRules, runRules, type ActiveRule } from './engine.js';
import { Graph } from './graph/graph.js';
import type { HelmInput } from './load/helm.js';
import { DEFAULT_MAX_FILE_BYTES, loadInputs } from './load/index.js';
import { builtOnUnknown, hasUnknowns } from './load/unknown.js';
import { groupKindKey } from './load/kinds.js';
import type { LoadResult } from './load/types.js';
import { ALL_RULES } from './rules/index.js';
import { LEVEL_RANK, type Finding, type Level, type Rule } from './rules/types.js';

export interface LintOptions {
  readonly paths: readonly string[];
  readonly cwd?: string;
  /** A config file path, a parsed Config, or false to ignore config files. Default: search upward from cwd. */
  readonly config?: string | Config | false;
  readonly namespace?: string;
  readonly ignore?: readonly string[];
  readonly gitignore?: boolean;
  readonly stdin?: string;
  readonly stdinName?: string;
  readonly maxFileBytes?: number;
  readonly texts?: readonly { path: string; text: string }[];
  /** Render a Helm chart with `helm template` and lint the output too. */
  readonly helm?: HelmInput;
  /** Unsaved editor buffers by absolute path; they replace the files' text on disk. */
  readonly overrides?: ReadonlyMap<string, string>;
  /** Environment for kustomize/kubectl/helm (tests put fakes on PATH); default: the process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** Restrict to these rules (by id), after configuration. */
  readonly onlyRules?: readonly string[];
  /** The rule set; tests pass their own. */
  readonly rules?: readonly Rule[];
}

export interface LintStats {
  readonly files: number;
  readonly documents: number;
  readonly objects: number;
  /** Kinds meshlint does not model, with counts (kept in the graph, never dropped). */
  readonly unknownKinds: ReadonlyMap<string, number>;
  readonly skippedDocuments: number;
  readonly timingsMs: Readonly<Record<string, number>>;
  /** Time spent in each rule's check (shown with MESHLINT_TIMING=1). */
  readonly ruleTimingsMs: Readonly<Record<string, number>>;
}

export interface LintResult {
  readonly cwd: string;
  readonly config: Config;
  readonly load: LoadResult;
  readonly graph: Graph;
  readonly rules: readonly ActiveRule[];
  readonly findings: readonly Finding[];
  readonly ruleErrors: readonly { ruleId: string; message: string }[];
  readonly stats: LintStats;
}

export async function lint(options: LintOptions): Promise<LintResult> {
  const t0 = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const config = resolveConfig(options.config, cwd);
  const defaultNamespace = options.namespace ?? config.namespace ?? 'default';
  const load = await loadInputs({
    paths: options.paths,
    cwd,
    defaultNamespace,
    ignore: [...config.ignore, ...(options.ignore ?? [])],
    gitignore: options.gitignore ?? true,
    stdin: options.stdin,
    stdinName: options.stdinName ?? '<stdin>',
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    texts: options.texts,
    helm: options.helm,
    overrides: options.overrides,
    env: options.env,
  });
  const t1 = performance.now();
  const graph = new Graph(load.resources, { defaultNamespace, cluster: config.cluster });
  const t2 = performance.now();
  let rules = activeRules(options.rules ?? ALL_RULES, config);
  if (options.onlyRules) {
    const only = new Set(options.onlyRules);
    rules = rules.filter((r) => only.has(r.rule.meta.id));
  }
  const ran = runRules(graph, rules, config.cluster, load.problems);
  const ruleErrors = ran.ruleErrors;
  // values a TypeScript source leaves unknown never carry a finding (see load/unknown.ts)
  const findings = hasUnknowns(load.resources) ? ran.findings.filter((f) => !builtOnUnknown(f)) : ran.findings;
  const t3 = performance.now();

  const unknownKinds = new Map<string, number>();
  for (const r of load.resources) {
    if (r.known) continue;
    const k = groupKindKey(r.group, r.kind);
    unknownKinds.set(k, (unknownKinds.get(k) ?? 0) + 1);
  }
  let documents = 0;
  let skippedDocuments = 0;
  for (const a of load.accounting) {
    documents += a.documents;
    skippedDocuments += a.skipped;
  }
  return {
    cwd,
    config,
    load,
    graph,
    rules,
    findings,
    ruleErrors,
    stats: {
      files: load.files.length,
      documents,
      objects: load.resources.length,
      unknownKinds: new Map([...unknownKinds].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      skippedDocuments,
      timingsMs: { load: t1 - t0, graph: t2 - t1, rules: t3 - t2 },
      ruleTimingsMs: ran.ruleTimingsMs,
    },
  };
}

function resolveConfig(given: LintOptions['config'], cwd: string): Config {
  if (given === false) return EMPTY_CONFIG;
  if (typeof given === 'object') return given;
  const file = given !== undefined ? path.resolve(cwd, given) : findConfig(cwd);
  return file ? loadConfigFile(file, cwd) : EMPTY_CONFIG;
}

/** Exit status for a result: 1 when an unsuppressed finding reaches `failLevel`, else 0. */
export function failsAt(result: LintResult, failLevel: Level | 'never'): boolean {
  if (failLevel === 'never') return false;
  const min = LEVEL_RANK[failLevel];
  return result.findings.some((f) => !f.suppression && LEVEL_RANK[f.level] >= min);
}

export function countByLevel(findings: readonly Finding[]): Record<Level, number> {
  const out: Record<Level, number> = { error: 0, warning: 0, note: 0 };
  for (const f of findings) if (!f.suppression) out[f.level]++;
  return out;
}
