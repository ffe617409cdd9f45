/**
 * What meshlint reports on a generated benchmark repository, compared with the defects the generator
 * injected on purpose.
 *
 * The generated repository is meant to be what a well-run platform team keeps in Git: coherent meshes,
 * policies that cover the workloads, retries with budgets, timeouts that nest. So on it meshlint should
 * report the injected defects and (close to) nothing else. This script lints the repository with the
 * library API (src/index.ts by default, loaded at run time), counts findings per rule, and sorts them:
 *
 *  - `found`: an injected defect reported by one of the rules expected for its kind, on the defect's
 *    object or an object of the same app (a defect on a Deployment may be reported on its Service);
 *  - `missed`: an injected defect no expected rule reported (a gap in meshlint, or a defect kind no rule
 *    covers; listed so that it is visible, not hidden);
 *  - `explained`: other findings on an app that carries a defect (consequences of it, e.g. a sidecar
 *    opt-out also breaks the calls to and from the pod);
 *  - `unexpected`: everything else, i.e. findings on parts of the repository that are meant to be right.
 *
 * Standalone: `node --import tsx bench/findings.ts [--objects 10000] [--profile default|callgraph]
 * [--seed 1] [--module PATH] [--show RULE|all|explained] [--sample N] [--json] [--keep]`, or
 * `--dir D` for an existing repository (every finding is then listed as unexpected). `--generator
 * PATH` uses another copy of generate.ts (e.g. an older one, to compare before and after). With
 * `--strict` the exit code is 1 when a finding is unexpected.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFECT_KINDS, generateRepo, parseArgs, parseCount, parseProfile, type DefectKind, type InjectedDefect } from './generate.js';
import { seedFrom } from './rng.js';

/**
 * Rules that report each defect kind. An empty list: no meshlint rule covers that kind (it is then
 * always listed as missed).
 */
export const EXPECTED_RULES: Readonly<Record<DefectKind, readonly string[]>> = {
  'service-selector-typo': ['service-selector-matches-nothing'],
  'missing-named-target-port': ['service-target-port-unresolved'],
  'vs-unknown-subset': ['route-subset-undefined'],
  // A DestinationRule whose host is no Service: no rule resolves DestinationRule hosts to nothing.
  'dr-host-typo': ['route-destination-missing', 'host-shortname-wrong-namespace'],
  'hpa-target-typo': ['hpa-target-missing'],
  'pdb-selector-typo': ['pdb-selector-matches-nothing'],
  'netpol-selector-typo': ['networkpolicy-selector-matches-nothing'],
  'ingress-backend-typo': ['ingress-backend-missing', 'route-destination-missing'],
  // An address in an env var naming no Service: the call graph drops it, no rule reports it.
  'env-ref-unknown-service': ['route-destination-missing'],
  // References from pod templates to ConfigMaps and ServiceAccounts: no rule checks them.
  'configmap-ref-typo': [],
  'serviceaccount-typo': [],
  'retry-storm': ['retry-attempts-exceed-timeout', 'retry-pertry-timeout-exceeds-timeout', 'retry-amplification', 'retry-without-budget'],
  // sidecar-not-injected when a policy selects the pod; otherwise the calls it breaks.
  'sidecar-injection-disabled': ['sidecar-not-injected', 'mtls-unmeshed-peer', 'destinationrule-tls-override'],
  'serviceprofile-name-typo': ['serviceprofile-service-missing'],
  'ingress-without-tls': ['ingress-without-tls'],
  'linkerd-server-unauthorized': ['linkerd-server-unauthorized'],
  'port-name-unprefixed': ['port-protocol-undeclared'],
  'consul-mtls-permissive': ['consul-mtls-permissive'],
  'timeout-inversion': ['timeout-inversion'],
  'authz-principal-typo': ['authz-principal-unknown'],
};

// ---------------------------------------------------------------------------------------------
// The API under test (structural types: the bench type-checks while src/ changes)

interface ResourceLike {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
}
interface LocatedLike {
  readonly resource: ResourceLike;
}
interface FindingLike {
  readonly ruleId: string;
  readonly level: string;
  readonly message: string;
  readonly resource?: ResourceLike;
  readonly related: readonly LocatedLike[];
  readonly flow?: readonly LocatedLike[];
}
interface LintResultLike {
  readonly findings: readonly FindingLike[];
}
type LintFn = (options: { paths: string[]; cwd?: string; config?: false }) => Promise<LintResultLike>;

function isRec(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export async function loadLint(modulePath: string | undefined): Promise<LintFn> {
  const url = modulePath === undefined ? new URL('../src/index.js', import.meta.url).href : pathToFileURL(resolve(modulePath)).href;
  const mod: unknown = await import(url);
  const lint = isRec(mod) ? mod['lint'] : undefined;
  if (typeof lint !== 'function') throw new Error(`${url} does not export lint()`);
  return lint as LintFn;
}

type GenerateFn = (opts: { out: string; objects: number; profile: string; seed: number }) => Promise<{ defects: readonly InjectedDefect[]; apps?: readonly string[] }>;

/** Another generator (e.g. an older copy of this one, to compare before and after). */
async function loadGenerator(modulePath: string): Promise<GenerateFn> {
  const mod: unknown = await import(pathToFileURL(resolve(modulePath)).href);
  const generate = isRec(mod) ? mod['generateRepo'] : undefined;
  if (typeof generate !== 'function') throw new Error(`${modulePath} does not export generateRepo()`);
  return generate as GenerateFn;
}

// ---------------------------------------------------------------------------------------------
// Comparison

export interface FindingRow {
  readonly rule: string;
  readonly level: string;
  readonly object: string;
  readonly message: string;
}

export interface Classified {
  readonly byRule: ReadonlyMap<string, { total: number; levels: Record<string, number>; unexpected: number }>;
  readonly found: readonly InjectedDefect[];
  /** Per found defect, the rules that reported it. */
  readonly foundBy: ReadonlyMap<InjectedDefect, ReadonlySet<string>>;
  readonly missed: readonly InjectedDefect[];
  readonly explained: readonly FindingRow[];
  readonly unexpected: readonly FindingRow[];
}

function objectKey(r: ResourceLike): string {
  return `${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

/**
 * The app an object belongs to: generated objects are named after their app (`<app>`, `<app>-canary`,
 * `<app>-ingress`, `<app>-http`, `<app>.<ns>.svc.cluster.local`, ...), so the namespace plus the longest
 * app name that prefixes the object's name.
 */
function appOf(r: ResourceLike, appsByNs: ReadonlyMap<string, readonly string[]>): string | undefined {
  const ns = r.namespace ?? '';
  for (const app of appsByNs.get(ns) ?? []) {
    if (r.name === app || r.name.startsWith(`${app}-`) || r.name.startsWith(`${app}.`)) return `${ns}/${app}`;
  }
  return undefined;
}

export function classify(findings: readonly FindingLike[], defects: readonly InjectedDefect[], apps: readonly string[]): Classified {
  const appsByNs = new Map<string, string[]>();
  for (const a of apps) {
    const [ns = '', name = ''] = a.split('/');
    const list = appsByNs.get(ns) ?? [];
    list.push(name);
    appsByNs.set(ns, list);
  }
  // Longest names first, so that `cart-api-v2` wins over `cart-api`.
  for (const list of appsByNs.values()) list.sort((a, b) => b.length - a.length);
  const defectApp = (d: InjectedDefect): string | undefined => {
    const [kind = '', ns = '', name = ''] = d.object.split('/');
    return appOf({ kind, namespace: ns, name }, appsByNs);
  };
  const defectsByApp = new Map<string, InjectedDefect[]>();
  for (const d of defects) {
    const app = defectApp(d);
    if (app === undefined) continue;
    const list = defectsByApp.get(app) ?? [];
    list.push(d);
    defectsByApp.set(app, list);
  }
  const found = new Map<InjectedDefect, Set<string>>();
  const explained: FindingRow[] = [];
  const unexpected: FindingRow[] = [];
  const byRule = new Map<string, { total: number; levels: Record<string, number>; unexpected: number }>();
  for (const f of findings) {
    const entry = byRule.get(f.ruleId) ?? { total: 0, levels: {}, unexpected: 0 };
    entry.total++;
    entry.levels[f.level] = (entry.levels[f.level] ?? 0) + 1;
    byRule.set(f.ruleId, entry);
    const touched: ResourceLike[] = [];
    if (f.resource !== undefined) touched.push(f.resource);
    for (const l of f.related) touched.push(l.resource);
    for (const l of f.flow ?? []) touched.push(l.resource);
    const related = new Set<InjectedDefect>();
    for (const r of touched) {
      const app = appOf(r, appsByNs);
      for (const d of app === undefined ? [] : (defectsByApp.get(app) ?? [])) related.add(d);
      for (const d of defects) if (d.object === objectKey(r)) related.add(d);
    }
    const row: FindingRow = { rule: f.ruleId, level: f.level, object: f.resource === undefined ? '' : objectKey(f.resource), message: f.message };
    let matched = false;
    for (const d of related) {
      if (EXPECTED_RULES[d.kind].includes(f.ruleId)) {
        const rules = found.get(d) ?? new Set<string>();
        rules.add(f.ruleId);
        found.set(d, rules);
        matched = true;
      }
    }
    if (matched) continue;
    if (related.size > 0) explained.push(row);
    else {
      unexpected.push(row);
      entry.unexpected++;
    }
  }
  return {
    byRule: new Map([...byRule].sort((a, b) => b[1].total - a[1].total || (a[0] < b[0] ? -1 : 1))),
    found: defects.filter((d) => found.has(d)),
    foundBy: found,
    missed: defects.filter((d) => !found.has(d)),
    explained,
    unexpected,
  };
}

// ---------------------------------------------------------------------------------------------
// CLI

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const str = (k: string): string | undefined => {
    const v = args.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const lint = await loadLint(str('module') ?? process.env['MESHLINT_BENCH_MODULE']);
  const show = str('show');
  const existing = str('dir');
  const objects = parseCount(str('objects') ?? process.env['MESHLINT_BENCH_OBJECTS'] ?? '10000');
  const profile = parseProfile(str('profile') ?? process.env['MESHLINT_BENCH_PROFILE']);
  const seed = seedFrom(str('seed') ?? process.env['MESHLINT_BENCH_SEED'] ?? 1);
  const dir = existing ?? mkdtempSync(join(tmpdir(), 'meshlint-findings-'));
  try {
    let defects: readonly InjectedDefect[] = [];
    let apps: readonly string[] = [];
    if (existing === undefined) {
      const gen = str('generator');
      const generate = gen === undefined ? generateRepo : await loadGenerator(gen);
      const stats = await generate({ out: dir, objects, profile, seed });
      defects = stats.defects;
      apps = stats.apps ?? defects.map((d) => {
        const [, ns = '', name = ''] = d.object.split('/');
        return `${ns}/${name.replace(/\.[a-z0-9-]+\.svc\.cluster\.local$/, '').replace(/-(canary|ingress|allow|retry|timeout|permissions|clients)$/, '')}`;
      });
    }
    const t0 = performance.now();
    const result = await lint({ paths: [dir], cwd: dir, config: false });
    const lintMs = performance.now() - t0;
    const c = classify(result.findings, defects, apps);
    if (args.has('json')) {
      console.log(JSON.stringify({
        findings: result.findings.length,
        byRule: Object.fromEntries(c.byRule),
        injected: defects.length,
        found: c.found.length,
        missed: c.missed,
        explained: c.explained.length,
        unexpected: c.unexpected,
      }, null, 2));
    } else {
      console.log(`${result.findings.length} findings in ${lintMs.toFixed(0)} ms (${existing === undefined ? `${profile}, ${objects} objects, seed ${seed}` : dir})`);
      for (const [rule, e] of c.byRule) {
        const levels = Object.entries(e.levels).map(([l, n]) => `${l} ${n}`).join(', ');
        console.log(`  ${rule.padEnd(40)} ${String(e.total).padStart(5)}  (${levels})${e.unexpected > 0 ? `  unexpected ${e.unexpected}` : ''}`);
      }
      if (existing === undefined) {
        console.log(`injected ${defects.length}: found ${c.found.length}, missed ${c.missed.length}; other findings on defective apps ${c.explained.length}; unexpected ${c.unexpected.length}`);
        const perKind = new Map<DefectKind, { found: number; missed: number; by: Map<string, number> }>();
        for (const k of DEFECT_KINDS) perKind.set(k, { found: 0, missed: 0, by: new Map() });
        for (const d of c.found) {
          const e = perKind.get(d.kind);
          if (e === undefined) continue;
          e.found++;
          for (const r of c.foundBy.get(d) ?? []) e.by.set(r, (e.by.get(r) ?? 0) + 1);
        }
        for (const d of c.missed) { const e = perKind.get(d.kind); if (e !== undefined) e.missed++; }
        for (const [k, e] of perKind) {
          if (e.found + e.missed === 0) continue;
          const by = [...e.by].map(([r, n]) => `${r} ${n}`).join(', ');
          const none = EXPECTED_RULES[k].length === 0 ? '  (no meshlint rule checks this)' : '';
          console.log(`  ${k.padEnd(30)} found ${e.found}${e.missed > 0 ? `, MISSED ${e.missed}` : ''}${by ? `  (by ${by})` : ''}${none}`);
        }
        for (const d of c.missed) console.log(`  missed      ${d.kind} ${d.object} (${d.detail})`);
      }
      const perRule = Number(str('sample') ?? '3');
      const shown = new Map<string, number>();
      const rows = show === 'all' ? c.unexpected : show === undefined ? c.unexpected.filter((r) => {
        const n = shown.get(r.rule) ?? 0;
        shown.set(r.rule, n + 1);
        return n < perRule;
      }) : c.unexpected.filter((r) => r.rule === show);
      for (const r of rows) console.log(`  unexpected  ${r.rule} [${r.level}] ${r.object}: ${r.message}`);
      if (show === 'explained') for (const r of c.explained) console.log(`  explained   ${r.rule} [${r.level}] ${r.object}: ${r.message}`);
    }
    if (args.has('strict') && c.unexpected.length > 0) process.exitCode = 1;
  } finally {
    if (existing === undefined && !args.has('keep')) rmSync(dir, { recursive: true, force: true });
    else if (existing === undefined) console.log(`kept ${dir}`);
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exitCode = 1;
  });
}
