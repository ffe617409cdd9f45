/**
 * Command line. Exit codes: 0 clean, 1 findings at or above the failing level (or more warnings than
 * --max-warnings), 2 usage, configuration or input errors (the other inputs are still linted and reported).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from './config/load.js';
import { RuleConfigError } from './engine.js';
import { countByLevel, failsAt, lint, type LintOptions, type LintResult } from './lint.js';
import { summaryCommand } from './commands/summary.js';
import { format, FORMATS, type Format } from './report/index.js';
import { ALL_RULES } from './rules/index.js';
import { docsUrl, type Level } from './rules/types.js';
import { TOOL_VERSION } from './version.js';

export interface Io {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly isTTY: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const HELP = `meshlint ${TOOL_VERSION}: lint Kubernetes manifests and service-mesh policy

Usage:
  meshlint [options] <path...>      lint files and directories (.yaml, .yml, .json; kustomizations are rendered;
                                    cdk8s / kubernetes-models .ts sources are read statically); "-" reads stdin
  meshlint rules                    list the rules with their default levels
  meshlint summary --sarif <file> [options] [path...]
                                    Markdown job summary: findings table from the SARIF file, and the call graph
                                    (or the Ingress topology) with the findings on it when paths are given
  meshlint lsp --stdio              language server: diagnostics for open files, linted with the workspace
  meshlint graph [options] <path...> --format json|mermaid|dot
                                    call graph (workload → Service calls with attempts, timeouts and evidence,
                                    policy permits, routes) with the findings on each node; default json
  meshlint explain <namespace>/<Kind>/<name> [options] [path...]
                                    what the graph concluded about one object: injection and the marker that
                                    decided, mTLS per port, Services, policies, routes, findings (paths default to ".")
  meshlint --help | --version

Options:
  -f, --format <name>        stylish (default), json, sarif, github
  -o, --output-file <file>   write the report to a file instead of stdout
  -c, --config <file>        configuration file (default: meshlint.config.yaml found upward)
      --no-config            ignore configuration files
  -n, --namespace <ns>       namespace of objects that set none (default: "default")
      --ignore <glob>        do not read files matching the glob (repeatable)
      --no-gitignore         read files that .gitignore excludes
      --fail-level <level>   error (default), warning, note or never: lowest level that makes exit code 1
      --max-warnings <n>     exit 1 when there are more than n warnings
      --rule <id>            run only this rule (repeatable)
      --stdin-filename <p>   name to report for input read from "-"
      --helm <chart>         render a chart with "helm template" (helm must be on PATH) and lint it too
      --values <file>        values file for --helm (repeatable)
      --max-file-size <mb>   skip files larger than this many MiB (default 64)
      --sarif-category <c>   SARIF automationDetails category (default "meshlint")
      --show-suppressed      list suppressed findings in the stylish output
      --color / --no-color   force colours on or off (default: on for a terminal)
  -q, --quiet                report errors only

Exit codes: 0 no findings at the failing level, 1 findings at it, 2 usage or input error.
`;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  'output-file': { type: 'string', short: 'o' },
  config: { type: 'string', short: 'c' },
  'no-config': { type: 'boolean' },
  namespace: { type: 'string', short: 'n' },
  ignore: { type: 'string', multiple: true },
  'no-gitignore': { type: 'boolean' },
  'fail-level': { type: 'string' },
  'max-warnings': { type: 'string' },
  rule: { type: 'string', multiple: true },
  'stdin-filename': { type: 'string' },
  helm: { type: 'string' },
  values: { type: 'string', multiple: true },
  sarif: { type: 'string' },
  'github-output': { type: 'string' },
  'max-file-size': { type: 'string' },
  'sarif-category': { type: 'string' },
  'show-suppressed': { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} satisfies ParseArgsConfig['options'];

class UsageError extends Error {}

export function defaultIo(): Io {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: readProcessStdin,
    isTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
    env: process.env,
  };
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`meshlint: ${e.message}\nRun "meshlint --help" for usage.\n`);
      return 2;
    }
    if (e instanceof ConfigError || e instanceof RuleConfigError) {
      io.stderr(`meshlint: ${e.message}\n`);
      return 2;
    }
    io.stderr(`meshlint: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

async function run(argv: readonly string[], io: Io): Promise<number> {
  // loaded on demand: the language server library is not needed by a lint run
  if (argv[0] === 'lsp') return (await import('./commands/lsp.js')).lspCommand(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.replace(/^Unknown option/, 'unknown option') : String(e));
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    io.stdout(HELP);
    return 0;
  }
  if (v.version) {
    io.stdout(`${TOOL_VERSION}\n`);
    return 0;
  }
  if (positionals[0] === 'rules') {
    io.stdout(listRules());
    return 0;
  }
  const summary = positionals[0] === 'summary';
  const graphCmd = positionals[0] === 'graph';
  const explainCmd = positionals[0] === 'explain';
  const paths = summary || graphCmd ? positionals.slice(1) : explainCmd ? (positionals.length > 2 ? positionals.slice(2) : ['.']) : positionals;
  if (summary && !v.sarif) throw new UsageError('summary needs --sarif <file> (the report written by --format sarif)');
  if (!summary && (v.sarif || v['github-output'])) throw new UsageError('--sarif and --github-output belong to "meshlint summary"');
  if (v.values && !v.helm) throw new UsageError('--values needs --helm <chart>');
  if (!summary && paths.length === 0 && !v.helm) throw new UsageError('no paths given (use "." for the current directory, "-" for stdin)');

  const fmt = (v.format ?? 'stylish') as Format;
  if (!graphCmd && !FORMATS.includes(fmt)) throw new UsageError(`unknown format "${v.format}" (choose ${FORMATS.join(', ')})`);
  const failLevel = v['fail-level'];
  if (failLevel !== undefined && !['error', 'warning', 'note', 'never'].includes(failLevel)) {
    throw new UsageError(`--fail-level must be error, warning, note or never, not "${failLevel}"`);
  }
  const maxWarnings = v['max-warnings'] !== undefined ? wholeNumber('--max-warnings', v['max-warnings']) : undefined;
  const maxFileMb = v['max-file-size'] !== undefined ? wholeNumber('--max-file-size', v['max-file-size']) : undefined;
  const known = new Set(ALL_RULES.map((r) => r.meta.id));
  for (const id of v.rule ?? []) if (!known.has(id)) throw new UsageError(`unknown rule "${id}" (see "meshlint rules")`);

  const options: LintOptions = {
    paths,
    cwd: io.cwd,
    config: v['no-config'] ? false : v.config,
    namespace: v.namespace,
    ignore: v.ignore,
    gitignore: !v['no-gitignore'],
    stdin: positionals.includes('-') ? await io.readStdin() : undefined,
    stdinName: v['stdin-filename'] ?? '<stdin>',
    maxFileBytes: maxFileMb !== undefined ? maxFileMb * 1024 * 1024 : undefined,
    onlyRules: v.rule,
    helm: v.helm ? { chart: v.helm, values: v.values ?? [], namespace: v.namespace } : undefined,
  };
  if (explainCmd) return (await import('./commands/explain.js')).explainCommand(positionals[1], options, io);
  if (graphCmd) return (await import('./commands/graph.js')).graphCommand(options, { format: v.format, outputFile: v['output-file'] }, io);
  if (summary) {
    const lintOptions = paths.length || v.helm ? options : undefined;
    return summaryCommand({ sarif: v.sarif!, lintOptions, githubOutput: v['github-output'], outputFile: v['output-file'] }, io);
  }
  let result = await lint(options);
  if (v.quiet) result = { ...result, findings: result.findings.filter((f) => f.level === 'error') };

  const color = v['no-color'] ? false : v.color ? true : io.isTTY && !v['output-file'] && !io.env.NO_COLOR;
  const out = format(result, fmt, { color, category: v['sarif-category'], showSuppressed: v['show-suppressed'] });
  if (v['output-file']) {
    const file = path.resolve(io.cwd, v['output-file']);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, out);
    if (fmt !== 'stylish') {
      const n = countByLevel(result.findings);
      io.stderr(`meshlint: wrote ${fmt} report to ${v['output-file']} (${n.error} errors, ${n.warning} warnings, ${n.note} notes)\n`);
    }
  } else io.stdout(out);

  if (io.env.MESHLINT_TIMING) io.stderr(timingTable(result.stats));
  // Input and rule errors go to stderr too, so that they are seen when stdout is a report file or SARIF.
  if (fmt !== 'stylish' || v['output-file']) {
    for (const e of result.load.inputErrors) io.stderr(`meshlint: ${e.path}: ${e.message}\n`);
    for (const e of result.ruleErrors) io.stderr(`meshlint: rule ${e.ruleId} failed: ${e.message}\n`);
  }
  if (result.load.inputErrors.length || result.ruleErrors.length) return 2;
  const level = (failLevel ?? result.config.failLevel ?? 'error') as Level | 'never';
  if (failsAt(result, level)) return 1;
  if (maxWarnings !== undefined && countByLevel(result.findings).warning > maxWarnings) return 1;
  return 0;
}

/** MESHLINT_TIMING=1: where the time went, phases first, then the ten slowest rules. */
function timingTable(stats: LintResult['stats']): string {
  const rows = [
    ...Object.entries(stats.timingsMs).map(([k, v]) => [`(${k})`, v] as const),
    ...Object.entries(stats.ruleTimingsMs).sort((a, b) => b[1] - a[1]).slice(0, 10),
  ];
  return rows.map(([k, v]) => `${k.padEnd(44)} ${v.toFixed(1).padStart(9)} ms\n`).join('');
}

function wholeNumber(flag: string, s: string): number {
  if (!/^\d+$/.test(s)) throw new UsageError(`${flag} takes a whole number, not "${s}"`);
  return Number(s);
}

function listRules(): string {
  const lines = ALL_RULES.map((r) => `${r.meta.id.padEnd(42)} ${r.meta.level.padEnd(8)} ${r.meta.family.padEnd(11)} ${r.meta.description}`);
  return `${lines.join('\n')}\n\nDocs: ${docsUrl('<id>')}\n`;
}
