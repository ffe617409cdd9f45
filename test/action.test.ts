/**
 * Runs action.yml's steps the way a runner does: `run` scripts through `bash --noprofile --norc -eo pipefail`
 * with GITHUB_* files in a temporary directory, `${{ }}` expressions substituted, `if:` conditions evaluated,
 * outputs read back from GITHUB_OUTPUT. `uses:` steps are not executed; their inputs are checked. The install
 * step (npm ci, which needs the network) is replaced by building dist/ once before the tests.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_RULES } from '../src/rules/index.js';
import { tempDir } from './helpers/tmp.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as Action;

interface Context {
  inputs: Record<string, string>;
  steps: Record<string, Record<string, string>>;
  github: Record<string, string>;
}

/** The expression subset action.yml uses; anything else fails the test, so action.yml cannot drift silently. */
function evaluate(expr: string, ctx: Context): string | boolean {
  const e = expr.trim();
  const cmp = /^(.+?)\s*(==|!=)\s*'([^']*)'$/.exec(e);
  if (cmp) {
    const left = String(evaluate(cmp[1]!, ctx));
    return cmp[2] === '==' ? left === cmp[3] : left !== cmp[3];
  }
  let m = /^inputs\.([\w-]+)$/.exec(e);
  if (m) {
    if (!(m[1]! in action.inputs)) throw new Error(`action.yml reads an undeclared input: ${m[1]}`);
    return ctx.inputs[m[1]!] ?? action.inputs[m[1]!]!.default ?? '';
  }
  m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e);
  if (m) return ctx.steps[m[1]!]?.[m[2]!] ?? '';
  m = /^github\.(\w+)$/.exec(e);
  if (m && m[1]! in ctx.github) return ctx.github[m[1]!]!;
  throw new Error(`expression not understood by the test harness: ${e}`);
}

function substitute(text: string, ctx: Context): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_m, e: string) => String(evaluate(e, ctx)));
}

function condition(step: Step, ctx: Context): boolean {
  if (step.if === undefined) return true;
  const inner = /^\$\{\{(.*)\}\}$/s.exec(step.if.trim());
  return evaluate(inner ? inner[1]! : step.if, ctx) === true;
}

/** name=value lines and name<<DELIM heredocs, as the runner reads GITHUB_OUTPUT. */
function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([\w-]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]!);
      out[heredoc[1]!] = body.join('\n');
    } else if (line.includes('=')) out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return out;
}

interface Run {
  ctx: Context;
  /** Everything the run steps printed on stdout (where workflow commands go). */
  stdout: Record<string, string>;
  stderr: Record<string, string>;
  exitCodes: Record<string, number>;
  ran: string[];
  uploads: Record<string, string>[];
  summary: string;
  workspace: string;
}

function runAction(files: Record<string, string>, inputs: Record<string, string>): Run {
  const workspace = tempDir(files);
  const runnerTemp = tempDir();
  const summaryFile = path.join(runnerTemp, 'step_summary.md');
  writeFileSync(summaryFile, '');
  const ctx: Context = { inputs, steps: {}, github: { action_path: REPO, workspace } };
  const run: Run = { ctx, stdout: {}, stderr: {}, exitCodes: {}, ran: [], uploads: [], summary: '', workspace };
  for (const [i, step] of action.runs.steps.entries()) {
    const key = step.id ?? `step${i}`;
    if (!condition(step, ctx)) continue;
    if (step.uses) {
      if (step.uses.startsWith('actions/setup-node@')) {
        expect(step.with?.['node-version']).toBe('20');
      } else if (step.uses.startsWith('github/codeql-action/upload-sarif@')) {
        run.uploads.push(Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(v, ctx)])));
      } else throw new Error(`unexpected action ${step.uses}`);
      run.ran.push(key);
      continue;
    }
    expect(step.shell).toBe('bash');
    if (step.id === 'install') {
      // npm ci needs the registry; the test built dist/ itself (beforeAll)
      expect(substitute(step['working-directory'] ?? '', ctx)).toBe(REPO);
      expect(step.run).toContain('npm ci');
      run.ran.push(key);
      continue;
    }
    const outputFile = path.join(runnerTemp, `output_${i}`);
    writeFileSync(outputFile, '');
    const script = path.join(runnerTemp, `step_${i}.sh`);
    writeFileSync(script, substitute(step.run ?? '', ctx));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: REPO,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SHA: 'abc123',
      RUNNER_TEMP: runnerTemp,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(v, ctx)])),
    };
    const cwd = step['working-directory'] ? substitute(step['working-directory'], ctx) : workspace;
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, encoding: 'utf8' });
    run.stdout[key] = r.stdout;
    run.stderr[key] = r.stderr;
    run.exitCodes[key] = r.status ?? -1;
    run.ran.push(key);
    if (step.id) ctx.steps[step.id] = readOutputs(outputFile);
    if (r.status !== 0) break;
  }
  run.summary = readFileSync(summaryFile, 'utf8');
  return run;
}

function actionOutputs(run: Run): Record<string, string> {
  return Object.fromEntries(Object.entries(action.outputs).map(([k, o]) => [k, substitute(o.value, run.ctx)]));
}

const MANIFESTS = {
  'k8s/app.yaml': [
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    'metadata: {name: shop, namespace: shop}',
    'spec:',
    '  rules:',
    '  - http:',
    '      paths:',
    '      - path: /',
    '        pathType: Prefix',
    '        backend: {service: {name: web, port: {number: 81}}}',
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: web, namespace: shop}',
    'spec:',
    '  selector: {app: web}',
    '  ports: [{port: 80, targetPort: 8080}]',
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web, namespace: shop}',
    'spec:',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}',
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: cart, namespace: shop}',
    'spec:',
    '  selector: {app: cart}',
    '  ports: [{port: 80}]',
    '',
  ].join('\n'),
};

/** Only the two rules the expectations are about, so that rules added later do not change them. */
const CONFIG = `rules:\n${ALL_RULES.map((r) => r.meta.id)
  .filter((id) => id !== 'ingress-backend-missing' && id !== 'service-selector-matches-nothing')
  .map((id) => `  ${id}: off\n`)
  .join('')}`;
const FILES = { ...MANIFESTS, 'ci/meshlint.yaml': CONFIG };
const INPUTS = { paths: 'k8s', config: 'ci/meshlint.yaml' };

describe('GitHub Action (action.yml)', () => {
  beforeAll(() => {
    // the action runs bin/meshlint.js, which loads dist/; build it as the install step would
    try {
      execFileSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: REPO, stdio: 'pipe' });
    } catch {
      // type errors elsewhere in the tree do not stop tsc from emitting; dist/ is checked below
    }
    expect(existsSync(path.join(REPO, 'dist/cli.js'))).toBe(true);
  }, 120_000);

  it('is a composite action with the documented inputs and outputs', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(['category', 'config', 'fail-level', 'paths', 'sarif-file', 'upload']);
    expect(Object.keys(action.outputs).sort()).toEqual(['errors', 'exit-code', 'notes', 'sarif-file', 'total', 'warnings']);
  });

  it('lints, writes SARIF, annotates, summarises, uploads and fails the job on findings', () => {
    const run = runAction(FILES, { ...INPUTS, category: 'meshlint-k8s' });
    expect(run.ran).toEqual(['step0', 'install', 'lint', 'step3', 'step4']);
    expect(run.exitCodes.lint).toBe(0);

    expect(actionOutputs(run)).toEqual({ 'sarif-file': 'meshlint.sarif', errors: '1', warnings: '1', notes: '0', total: '2', 'exit-code': '1' });

    const sarif = JSON.parse(readFileSync(path.join(run.workspace, 'meshlint.sarif'), 'utf8')) as {
      runs: { automationDetails: { id: string }; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    expect(sarif.runs[0]!.automationDetails.id).toBe('meshlint-k8s/');
    expect(sarif.runs[0]!.results.map((r) => `${r.ruleId} ${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.locations[0]!.physicalLocation.region.startLine}`)).toEqual([
      'ingress-backend-missing k8s/app.yaml:10',
      'service-selector-matches-nothing k8s/app.yaml:32',
    ]);

    const annotations = run.stdout.lint!.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toEqual([
      '::error file=k8s/app.yaml,line=10,col=47,endLine=10,endColumn=57,title=meshlint ingress-backend-missing::shop/Ingress/shop: backend Service web has no port 81 (it has 80); requests for this path get 503',
      expect.stringMatching(/^::warning file=k8s\/app\.yaml,line=32,col=14,endLine=32,endColumn=23,title=meshlint service-selector-matches-nothing::shop\/Service\/cart: Service selector app=cart selects no pods/) as unknown,
    ]);

    expect(run.summary).toBe(
      [
        '## meshlint',
        '',
        '**2 findings**: 1 error, 1 warning, 0 notes.',
        '',
        'Linted 4 objects from 1 file.',
        '',
        '| Level | Rule | Object | Location | Message |',
        '| --- | --- | --- | --- | --- |',
        '| 🔴 error | [ingress-backend-missing](https://github.com/meshlint/meshlint/blob/main/rules-docs/ingress-backend-missing.md) | shop/Ingress/shop | [k8s/app.yaml:10](https://github.com/acme/shop/blob/abc123/k8s/app.yaml#L10) | backend Service web has no port 81 (it has 80); requests for this path get 503 Related: Service shop/web. |',
        '| 🟡 warning | [service-selector-matches-nothing](https://github.com/meshlint/meshlint/blob/main/rules-docs/service-selector-matches-nothing.md) | shop/Service/cart | [k8s/app.yaml:32](https://github.com/acme/shop/blob/abc123/k8s/app.yaml#L32) | Service selector app=cart selects no pods: searched namespace shop: no pod template has app=cart; values of app there: web; connections to the Service will be refused |',
        '',
        '### Topology',
        '',
        'Ingress → Service → workload; objects with findings are coloured by their most severe finding.',
        '',
        '```mermaid',
        'flowchart LR',
        '  o0["Ingress<br/>shop/shop · 1 finding"]:::error',
        '  o1["Service<br/>shop/web"]',
        '  o2["Deployment<br/>shop/web"]',
        '  o3["Service<br/>shop/cart · 1 finding"]:::warning',
        '  o0 --> o1',
        '  o1 --> o2',
        '  classDef error fill:#ffebe9,stroke:#cf222e,color:#1f2328',
        '  classDef warning fill:#fff8c5,stroke:#9a6700,color:#1f2328',
        '  classDef note fill:#ddf4ff,stroke:#0969da,color:#1f2328',
        '  classDef missing fill:#f6f8fa,stroke:#cf222e,stroke-dasharray:4 3,color:#1f2328',
        '```',
        '',
      ].join('\n'),
    );

    expect(run.uploads).toEqual([{ sarif_file: 'meshlint.sarif', category: 'meshlint-k8s' }]);
    expect(run.exitCodes.step4).toBe(1);
    expect(run.stdout.step4).toBe('::error title=meshlint::findings at or above the fail level (error); see the annotations and the job summary\n');
  });

  it('skips the upload and passes when asked to', () => {
    const run = runAction(FILES, { ...INPUTS, upload: 'false', 'fail-level': 'never', 'sarif-file': 'out/report.sarif' });
    expect(run.ran).toEqual(['step0', 'install', 'lint']);
    expect(actionOutputs(run)).toMatchObject({ 'sarif-file': 'out/report.sarif', 'exit-code': '0', total: '2' });
    expect(existsSync(path.join(run.workspace, 'out/report.sarif'))).toBe(true);
    expect(run.uploads).toEqual([]);
  });

  it('fails with its own message when an input cannot be linted, after uploading what it could', () => {
    const run = runAction(FILES, { ...INPUTS, paths: 'k8s missing-dir' });
    expect(actionOutputs(run)['exit-code']).toBe('2');
    expect(run.uploads).toHaveLength(1);
    expect(run.stdout.step4).toBe('::error title=meshlint::meshlint could not lint every input (exit code 2); see the log above\n');
    expect(run.stdout.lint).toContain('::error title=meshlint input::missing-dir: no such file or directory');
  });
});
