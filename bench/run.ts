/**
 * meshlint benchmark: `npm run bench [-- options]`
 * (= `node --expose-gc --import tsx bench/run.ts`).
 *
 * Generates a synthetic repository (bench/generate.ts) in a temp dir under os.tmpdir(), then, in
 * this one process, alternates
 *   baseline: walk the repo, read every manifest and js-yaml `loadAll` it;
 *   meshlint: `lint({ paths: [dir], cwd: dir })` then `format(result, 'sarif')`;
 * after one warm-up of each, and reports the median of each, the ratio of the medians (target
 * ≤ 2.0 at 10k objects), peak memory, counts and findings. `--scale` does 10k and 100k and
 * reports the 100k/10k time ratio (target ≤ 12). Missed targets print "TARGET MISSED" but the
 * exit code stays 0: the figures are informative. The exit code is 1 only when the bench itself
 * fails (e.g. the meshlint API cannot be loaded or throws).
 *
 * Options (environment variable in brackets):
 *   --objects N       objects in the repository, e.g. 10000, 100k [MESHLINT_BENCH_OBJECTS]; default 10000
 *   --scale           run 10k and 100k and compare [MESHLINT_BENCH_SCALE=1]
 *   --profile P       default | callgraph [MESHLINT_BENCH_PROFILE]
 *   --seed S          generator seed [MESHLINT_BENCH_SEED]; default 1
 *   --runs N          timed runs of each side [MESHLINT_BENCH_RUNS]; default 5 up to 20k objects, else 3
 *   --warmup N        untimed runs of each side first; default 1
 *   --json            print one JSON object on stdout instead of the table (progress goes to stderr)
 *   --module PATH     module providing lint/format [MESHLINT_BENCH_MODULE]; default src/index.ts
 *   --baseline-only   skip meshlint
 *   --keep            keep the generated repositories (their paths are printed)
 * Set TMPDIR to a tmpfs (e.g. /dev/shm) when the disk makes file creation slow.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import jsyaml from 'js-yaml';
import { formatBytes, generateRepo, parseArgs, parseCount, parseProfile, type Profile, type RepoStats } from './generate.js';
import { seedFrom } from './rng.js';
import { listManifestFiles } from './verify.js';

const RATIO_TARGET = 2.0;
const RATIO_TARGET_OBJECTS = 10_000;
const SCALE_TARGET = 12;
const SCALE_SIZES = [10_000, 100_000] as const;

// ---------------------------------------------------------------------------------------------
// The API under test, loaded at run time so that the bench type-checks while src/ is being written.

type OutputFormat = 'sarif' | 'json' | 'stylish' | 'github';
interface LintOptions {
  paths: string[];
  cwd?: string;
}
type LintFn = (options: LintOptions) => Promise<unknown>;
type FormatFn = (result: unknown, format: OutputFormat) => string;
interface LintApi {
  readonly lint: LintFn;
  readonly format: FormatFn;
  readonly source: string;
}

async function loadApi(modulePath: string | undefined): Promise<LintApi> {
  const url = modulePath === undefined ? new URL('../src/index.js', import.meta.url).href : pathToFileURL(resolve(modulePath)).href;
  const mod: unknown = await import(url);
  const lint = isRec(mod) ? mod['lint'] : undefined;
  const format = isRec(mod) ? mod['format'] : undefined;
  if (typeof lint !== 'function' || typeof format !== 'function') throw new Error(`${url} does not export lint() and format()`);
  return { lint: lint as LintFn, format: format as FormatFn, source: url };
}

function isRec(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Number of results in a SARIF log (all runs). */
function countSarifResults(sarif: string): number {
  const log: unknown = JSON.parse(sarif);
  const runs = isRec(log) ? log['runs'] : undefined;
  if (!Array.isArray(runs)) throw new Error('format(result, "sarif") did not return a SARIF log with runs[]');
  let n = 0;
  for (const run of runs as unknown[]) {
    const results = isRec(run) ? run['results'] : undefined;
    if (Array.isArray(results)) n += results.length;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface Peak {
  rss: number;
  heap: number;
}

/** Samples RSS and V8 heap every few ms while the event loop turns, and whenever `sample()` is called. */
class MemoryWatch {
  private timer: NodeJS.Timeout | undefined;
  private peak: Peak = { rss: 0, heap: 0 };

  start(): void {
    this.peak = { rss: 0, heap: 0 };
    this.sample();
    this.timer = setInterval(() => this.sample(), 5);
  }

  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.peak.rss) this.peak.rss = m.rss;
    if (m.heapUsed > this.peak.heap) this.peak.heap = m.heapUsed;
  }

  stop(): Peak {
    this.sample();
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    return { ...this.peak };
  }
}

const gc: (() => void) | undefined = typeof globalThis.gc === 'function' ? globalThis.gc : undefined;

function settle(): void {
  if (gc !== undefined) {
    gc();
    gc();
  }
}

function maxRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

interface BaselineCounts {
  files: number;
  documents: number;
  bytes: number;
}

/** Read every manifest and parse it with js-yaml: the floor any YAML linter stands on. */
function runBaseline(dir: string, watch: MemoryWatch): BaselineCounts {
  const files = listManifestFiles(dir);
  let documents = 0;
  let bytes = 0;
  for (let i = 0; i < files.length; i++) {
    const buf = readFileSync(files[i] ?? '');
    bytes += buf.length;
    for (const doc of jsyaml.loadAll(buf.toString('utf8'))) if (doc !== null && doc !== undefined) documents++;
    if ((i & 255) === 0) watch.sample();
  }
  return { files: files.length, documents, bytes };
}

interface SideResult {
  runsMs: number[];
  firstMs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  peakRssBytes: number;
  peakHeapBytes: number;
}

interface SizeResult {
  objects: number;
  repo: Omit<RepoStats, 'defects' | 'apps'>;
  generateMs: number;
  writeMs: number;
  baseline: SideResult & BaselineCounts;
  meshlint: (SideResult & { findings: number; findingsPerRun: number[]; sarifBytes: number }) | null;
  meshlintError: string | null;
  ratio: number | null;
  ratioTarget: number | null;
  /** Process peak RSS after the baseline warm-up and at the end of this size. */
  processMaxRssAfterBaselineBytes: number;
  processMaxRssBytes: number;
  keptAt: string | null;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function summarize(runs: number[], first: number, peak: Peak): SideResult {
  return {
    runsMs: runs.map((x) => Math.round(x * 10) / 10),
    firstMs: Math.round(first * 10) / 10,
    medianMs: Math.round(median(runs) * 10) / 10,
    minMs: Math.round(Math.min(...runs) * 10) / 10,
    maxMs: Math.round(Math.max(...runs) * 10) / 10,
    peakRssBytes: peak.rss,
    peakHeapBytes: peak.heap,
  };
}

interface Settings {
  profile: Profile;
  seed: number;
  runs: number | undefined;
  warmup: number;
  keep: boolean;
  baselineOnly: boolean;
  modulePath: string | undefined;
}

const tempDirs = new Set<string>();

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

async function benchSize(objects: number, s: Settings, api: LintApi | undefined, apiError: string | null): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), `meshlint-bench-${objects}-`));
  tempDirs.add(dir);
  try {
    log(`[bench] generating ${objects} objects (${s.profile}) in ${dir}`);
    const stats = await generateRepo({ out: dir, objects, profile: s.profile, seed: s.seed });
    log(`[bench]   ${stats.files} files, ${formatBytes(stats.bytes)} in ${stats.ms.toFixed(0)} ms`);
    const runs = s.runs ?? (objects <= 20_000 ? 5 : 3);
    const watch = new MemoryWatch();

    const baseRuns: number[] = [];
    const meshRuns: number[] = [];
    const findingsPerRun: number[] = [];
    const basePeak: Peak = { rss: 0, heap: 0 };
    const meshPeak: Peak = { rss: 0, heap: 0 };
    let baseFirst = NaN;
    let meshFirst = NaN;
    let counts: BaselineCounts = { files: 0, documents: 0, bytes: 0 };
    let sarifBytes = 0;
    let meshError = apiError;
    const keepPeak = (into: Peak, p: Peak): void => {
      into.rss = Math.max(into.rss, p.rss);
      into.heap = Math.max(into.heap, p.heap);
    };

    const baseline = (): number => {
      settle();
      watch.start();
      const t0 = performance.now();
      counts = runBaseline(dir, watch);
      const ms = performance.now() - t0;
      keepPeak(basePeak, watch.stop());
      return ms;
    };
    const meshlint = async (): Promise<number> => {
      if (api === undefined) throw new Error('no API');
      settle();
      watch.start();
      const t0 = performance.now();
      let ms: number;
      let sarif: string;
      try {
        const result = await api.lint({ paths: [dir], cwd: dir });
        sarif = api.format(result, 'sarif');
        ms = performance.now() - t0;
      } finally {
        keepPeak(meshPeak, watch.stop());
      }
      findingsPerRun.push(countSarifResults(sarif));
      sarifBytes = Buffer.byteLength(sarif);
      return ms;
    };

    const useMesh = (): boolean => api !== undefined && meshError === null;
    const tryMesh = async (into: number[] | undefined): Promise<number> => {
      try {
        const ms = await meshlint();
        into?.push(ms);
        return ms;
      } catch (err) {
        meshError = err instanceof Error ? (err.stack ?? err.message) : String(err);
        log(`[bench]   meshlint failed: ${meshError}`);
        return NaN;
      }
    };

    // Warm-up: the first baseline runs before any meshlint code, so the process peak RSS after it is the baseline's own.
    for (let w = 0; w < Math.max(1, s.warmup); w++) {
      const b = baseline();
      if (w === 0) baseFirst = b;
    }
    const maxRssAfterBaseline = maxRssBytes();
    if (useMesh()) {
      for (let w = 0; w < Math.max(1, s.warmup) && useMesh(); w++) {
        const m = await tryMesh(undefined);
        if (w === 0) meshFirst = m;
      }
    }
    log(`[bench]   warm-up: baseline ${baseFirst.toFixed(0)} ms${useMesh() ? `, meshlint ${meshFirst.toFixed(0)} ms` : ''}`);

    // Timed runs, alternating which side goes first.
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 1 && useMesh()) await tryMesh(meshRuns);
      baseRuns.push(baseline());
      if (i % 2 === 0 && useMesh()) await tryMesh(meshRuns);
      log(`[bench]   run ${i + 1}/${runs}: baseline ${(baseRuns[i] ?? NaN).toFixed(0)} ms${useMesh() ? `, meshlint ${(meshRuns[meshRuns.length - 1] ?? NaN).toFixed(0)} ms` : ''}`);
    }

    const base = { ...summarize(baseRuns, baseFirst, basePeak), ...counts };
    const mesh = useMesh() && meshRuns.length === runs
      ? { ...summarize(meshRuns, meshFirst, meshPeak), findings: findingsPerRun[0] ?? 0, findingsPerRun, sarifBytes }
      : null;
    const { defects: _defects, apps: _apps, ...repo } = stats;
    void _defects;
    void _apps;
    return {
      objects,
      repo,
      generateMs: Math.round(stats.ms),
      writeMs: Math.round(stats.writeMs),
      baseline: base,
      meshlint: mesh,
      meshlintError: s.baselineOnly ? null : meshError,
      ratio: mesh === null ? null : Math.round((mesh.medianMs / base.medianMs) * 1000) / 1000,
      ratioTarget: objects === RATIO_TARGET_OBJECTS ? RATIO_TARGET : null,
      processMaxRssAfterBaselineBytes: maxRssAfterBaseline,
      processMaxRssBytes: maxRssBytes(),
      keptAt: s.keep ? dir : null,
    };
  } finally {
    if (!s.keep) {
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function ms(n: number): string {
  return Number.isFinite(n) ? `${Math.round(n).toLocaleString('en-US')}` : '-';
}

function mib(n: number): string {
  return `${(n / (1 << 20)).toFixed(0)} MiB`;
}

function int(n: number): string {
  return n.toLocaleString('en-US');
}

function table(results: readonly SizeResult[], scale: ScaleResult | null, missed: readonly string[], header: string): string {
  const out: string[] = [header, ''];
  const row = (cols: string[], widths: number[]): string => cols.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const widths = [22, 8, 8, 8, 8, 9, 10];
  for (const r of results) {
    const repo = r.repo;
    out.push(`${int(r.objects)} objects: ${int(repo.files)} files (${int(repo.jsonFiles)} JSON), ${int(repo.documents)} documents, ${formatBytes(repo.bytes)}, ` +
      `${((100 * repo.meshObjects) / repo.objects).toFixed(1)}% mesh, ${int(repo.services)} services, ${int(Object.values(repo.defectsByKind).reduce((a, b) => a + b, 0))} injected defects`);
    out.push(`  generated in ${ms(r.generateMs)} ms (${ms(r.writeMs)} ms creating files)`);
    out.push(row(['  time in ms', 'median', 'min', 'max', 'first', 'peak RSS', 'peak heap'], widths));
    const side = (label: string, x: SideResult): string => row([`  ${label}`, ms(x.medianMs), ms(x.minMs), ms(x.maxMs), ms(x.firstMs), mib(x.peakRssBytes), mib(x.peakHeapBytes)], widths);
    out.push(side('baseline (js-yaml)', r.baseline));
    if (r.meshlint !== null) {
      out.push(side('meshlint (+sarif)', r.meshlint));
      const target = r.ratioTarget === null ? `(target ${RATIO_TARGET.toFixed(1)} applies at ${int(RATIO_TARGET_OBJECTS)} objects)` : `(target ≤ ${r.ratioTarget.toFixed(1)}) ${r.ratio !== null && r.ratio <= r.ratioTarget ? 'ok' : 'MISSED'}`;
      out.push(`  ratio meshlint/baseline  ${r.ratio?.toFixed(2) ?? '-'}  ${target}`);
      const varying = new Set(r.meshlint.findingsPerRun).size > 1 ? ` (varies between runs: ${r.meshlint.findingsPerRun.join(', ')})` : '';
      out.push(`  findings ${int(r.meshlint.findings)}${varying}, SARIF ${formatBytes(r.meshlint.sarifBytes)}; baseline saw ${int(r.baseline.files)} files, ${int(r.baseline.documents)} documents`);
    } else {
      out.push(`  meshlint  not measured${r.meshlintError !== null ? `: ${firstLine(r.meshlintError)}` : ' (--baseline-only)'}`);
    }
    out.push(`  process peak RSS ${mib(r.processMaxRssBytes)} (after the first baseline: ${mib(r.processMaxRssAfterBaselineBytes)})`);
    if (r.keptAt !== null) out.push(`  repository kept at ${r.keptAt}`);
    out.push('');
  }
  if (scale !== null) {
    out.push(`scale ${int(scale.large)}/${int(scale.small)}: meshlint ${scale.meshlintRatio?.toFixed(2) ?? '-'}x (target ≤ ${SCALE_TARGET}) ${scale.meshlintRatio === null ? '' : scale.meshlintRatio <= SCALE_TARGET ? 'ok' : 'MISSED'}` +
      `, baseline ${scale.baselineRatio.toFixed(2)}x, objects ${(scale.large / scale.small).toFixed(0)}x`);
    out.push(`  informative: ratio of fastest runs meshlint ${scale.meshlintMinRatio?.toFixed(2) ?? '-'}x, baseline ${scale.baselineMinRatio.toFixed(2)}x; ` +
      `meshlint growth / baseline growth ${scale.relativeToBaseline?.toFixed(2) ?? '-'}`);
    out.push('');
  }
  if (missed.length > 0) for (const m of missed) out.push(`!!! TARGET MISSED: ${m}`);
  else if (results.some((r) => r.meshlint !== null)) out.push('all targets met');
  return out.join('\n');
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

interface ScaleResult {
  small: number;
  large: number;
  /** Ratio of the medians: the figure the target applies to. */
  meshlintRatio: number | null;
  baselineRatio: number;
  /** Informative on a noisy machine: ratio of the fastest runs, and meshlint's growth divided by the baseline's. */
  meshlintMinRatio: number | null;
  baselineMinRatio: number;
  relativeToBaseline: number | null;
  target: number;
  met: boolean | null;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const str = (k: string, env?: string): string | undefined => {
    const v = args.get(k);
    if (typeof v === 'string') return v;
    return env === undefined ? undefined : process.env[env] || undefined;
  };
  if (args.has('help')) {
    log('usage: npm run bench -- [--objects 10000|100k] [--scale] [--profile default|callgraph] [--seed 1] [--runs N] [--warmup N] [--json] [--module PATH] [--baseline-only] [--keep]');
    return 0;
  }
  const envScale = process.env['MESHLINT_BENCH_SCALE'];
  const scaleMode = args.has('scale') || (envScale !== undefined && envScale !== '' && envScale !== '0');
  const runsArg = str('runs', 'MESHLINT_BENCH_RUNS');
  const settings: Settings = {
    profile: parseProfile(str('profile', 'MESHLINT_BENCH_PROFILE')),
    seed: seedFrom(str('seed', 'MESHLINT_BENCH_SEED') ?? 1),
    runs: runsArg === undefined ? undefined : Math.max(1, parseCount(runsArg)),
    warmup: Math.max(1, parseCount(str('warmup') ?? '1')),
    keep: args.has('keep'),
    baselineOnly: args.has('baseline-only'),
    modulePath: str('module', 'MESHLINT_BENCH_MODULE'),
  };
  const sizes: number[] = scaleMode ? [...SCALE_SIZES] : [parseCount(str('objects', 'MESHLINT_BENCH_OBJECTS') ?? '10000')];
  const json = args.has('json');

  let api: LintApi | undefined;
  let apiError: string | null = null;
  if (!settings.baselineOnly) {
    try {
      api = await loadApi(settings.modulePath);
      log(`[bench] meshlint API from ${api.source}`);
    } catch (err) {
      apiError = `cannot load the meshlint API: ${err instanceof Error ? err.message : String(err)}`;
      log(`[bench] ${apiError}`);
    }
  }
  if (gc === undefined) log('[bench] note: run with --expose-gc (npm run bench does) for steadier figures');

  const results: SizeResult[] = [];
  for (const n of sizes) results.push(await benchSize(n, settings, api, apiError));

  const missed: string[] = [];
  for (const r of results) {
    if (r.ratioTarget !== null && r.ratio !== null && r.ratio > r.ratioTarget) {
      missed.push(`meshlint/baseline = ${r.ratio.toFixed(2)} at ${int(r.objects)} objects (target ≤ ${r.ratioTarget.toFixed(1)})`);
    }
  }
  let scale: ScaleResult | null = null;
  const small = results[0];
  const large = results[1];
  if (scaleMode && small !== undefined && large !== undefined) {
    const meshlintRatio = small.meshlint !== null && large.meshlint !== null ? Math.round((large.meshlint.medianMs / small.meshlint.medianMs) * 100) / 100 : null;
    scale = {
      small: small.objects, large: large.objects, meshlintRatio,
      baselineRatio: Math.round((large.baseline.medianMs / small.baseline.medianMs) * 100) / 100,
      meshlintMinRatio: small.meshlint !== null && large.meshlint !== null ? Math.round((large.meshlint.minMs / small.meshlint.minMs) * 100) / 100 : null,
      baselineMinRatio: Math.round((large.baseline.minMs / small.baseline.minMs) * 100) / 100,
      relativeToBaseline: meshlintRatio === null ? null : Math.round((meshlintRatio / (large.baseline.medianMs / small.baseline.medianMs)) * 100) / 100,
      target: SCALE_TARGET, met: meshlintRatio === null ? null : meshlintRatio <= SCALE_TARGET,
    };
    if (meshlintRatio !== null && meshlintRatio > SCALE_TARGET) missed.push(`meshlint time ${int(large.objects)}/${int(small.objects)} = ${meshlintRatio.toFixed(2)}x (target ≤ ${SCALE_TARGET})`);
  }

  const env = {
    node: process.version, platform: `${process.platform}/${process.arch}`, cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown', totalMemoryBytes: totalmem(), tmpdir: tmpdir(), exposeGc: gc !== undefined,
  };
  const failed = results.some((r) => r.meshlintError !== null);
  if (json) {
    const report = {
      tool: 'meshlint-bench', version: 1, date: new Date().toISOString(), env,
      profile: settings.profile, seed: settings.seed,
      targets: { ratio: RATIO_TARGET, ratioAtObjects: RATIO_TARGET_OBJECTS, scale: SCALE_TARGET },
      sizes: results, scale, targetsMissed: missed, ok: !failed,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    for (const m of missed) log(`!!! TARGET MISSED: ${m}`);
  } else {
    const header = `meshlint bench · profile ${settings.profile} · seed ${settings.seed} · node ${env.node} ${env.platform} · ${env.cpus} CPUs · ${formatBytes(env.totalMemoryBytes)} · tmp ${env.tmpdir}`;
    process.stdout.write(`${table(results, scale, missed, header)}\n`);
  }
  // A missed target is informative (exit 0); a bench that could not measure meshlint is an error.
  return failed ? 1 : 0;
}

function cleanup(): void {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    cleanup();
    process.exit(130);
  });
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    cleanup();
    log(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  });
