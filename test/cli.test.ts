import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempTree } from './helpers/cli.js';
import { yaml } from './helpers/rule-tester.js';

const ROOT = path.resolve(__dirname, '..');

const deployment = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec: {containers: [{name: web, image: nginx}]}
`;
const orphanService = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: api}
  spec:
    selector: {app: api}
    ports: [{port: 80}]
`;

describe('meshlint CLI on the bundled examples', () => {
  it('reports the five mistakes in examples/shop with file:line:col and exits 1', async () => {
    const r = await runCli(['examples/shop'], { cwd: ROOT });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('examples/shop/cart/cart.yaml');
    expect(r.stdout).toMatch(/^ {2}30:5 +warning +shop\/Service\/cart: Service selector app=carts selects no pods: .*service-selector-matches-nothing$/m);
    expect(r.stdout).toMatch(/^ {2}45:5 +error +shop\/HorizontalPodAutoscaler\/cart: scaleTargetRef Deployment cart-v2 .*did you mean cart\?.*hpa-target-missing$/m);
    expect(r.stdout).toMatch(/^ {2}34:7 +error +shop\/Service\/checkout: targetPort "grpc" \(TCP\).*service-target-port-unresolved$/m);
    expect(r.stdout).toMatch(/^ {2}29:17 +error +shop\/Ingress\/shop: backend Service front-end does not exist.*did you mean frontend\?.*ingress-backend-missing$/m);
    expect(r.stdout).toMatch(/^ {2}50:15 +warning .*networkpolicy-selector-matches-nothing$/m);
    expect(r.stdout).toContain('✖ 5 problems (3 errors, 2 warnings, 0 notes)');
    expect(r.stdout).not.toContain('\u001b['); // no colour when not a terminal
  });

  it('exits 0 on examples/hello', async () => {
    const r = await runCli(['examples/hello'], { cwd: ROOT });
    expect(r.stdout).toContain('✔ no problems');
    expect(r.code).toBe(0);
  });

  it('uses colour on a terminal unless NO_COLOR is set', async () => {
    expect((await runCli(['examples/shop'], { cwd: ROOT, tty: true })).stdout).toContain('\u001b[31m');
    expect((await runCli(['examples/shop'], { cwd: ROOT, tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
  });
});

describe('exit codes and options', () => {
  const t = tempTree({
    'k8s/app.yaml': deployment + '---\n' + orphanService,
    'k8s/ignored/broken.yaml': 'a: [\n',
    'k8s/skipme.yaml': 'a: [\n',
    'k8s/.gitignore': 'skipme.yaml\n',
    'bad-config.yaml': 'rules:\n  service-selector-matches-nothing: loud\n',
    'typo-config.yaml': 'rules:\n  service-selecter-matches-nothing: off\n',
    'off-config.yaml': 'rules:\n  service-selector-matches-nothing: off\n',
  });
  afterAll(t.cleanup);

  it('a warning alone exits 0 by default, 1 with --fail-level warning or --max-warnings 0', async () => {
    const base = ['k8s', '--ignore', '**/ignored/**'];
    expect((await runCli(base, { cwd: t.dir })).code).toBe(0);
    expect((await runCli([...base, '--fail-level', 'warning'], { cwd: t.dir })).code).toBe(1);
    expect((await runCli([...base, '--max-warnings', '0'], { cwd: t.dir })).code).toBe(1);
    expect((await runCli([...base, '--max-warnings', '1'], { cwd: t.dir })).code).toBe(0);
  });

  it('honours .gitignore and --ignore, and reads ignored files again with --no-gitignore', async () => {
    const r = await runCli(['k8s', '--ignore', '**/ignored/**', '-f', 'json'], { cwd: t.dir });
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }).files.map((f) => f.path);
    expect(files).toEqual(['k8s/app.yaml']);
    const all = await runCli(['k8s', '--no-gitignore', '-f', 'json'], { cwd: t.dir });
    expect((JSON.parse(all.stdout) as { files: { path: string }[] }).files.map((f) => f.path).sort()).toEqual([
      'k8s/app.yaml',
      'k8s/ignored/broken.yaml',
      'k8s/skipme.yaml',
    ]);
    expect(all.code).toBe(1);
  });

  it('a path that does not exist is named, the other paths are still linted, and the exit code is 2', async () => {
    const r = await runCli(['k8s', 'nope/missing.yaml', '--ignore', '**/ignored/**'], { cwd: t.dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('✖ nope/missing.yaml: no such file or directory');
    expect(r.stdout).toContain('default/Service/api');
  });

  it('usage errors exit 2 with a message and no stack trace', async () => {
    for (const args of [[], ['--frobnicate', 'x'], ['-f', 'xml', 'k8s'], ['--fail-level', 'loud', 'k8s'], ['--max-warnings', 'many', 'k8s'], ['--rule', 'no-such-rule', 'k8s']]) {
      const r = await runCli(args, { cwd: t.dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^meshlint: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('configuration: levels, validation errors with line numbers, unknown rule ids with a suggestion', async () => {
    const off = await runCli(['k8s', '--ignore', '**/ignored/**', '-c', 'off-config.yaml', '-f', 'json'], { cwd: t.dir });
    expect((JSON.parse(off.stdout) as { findings: unknown[] }).findings).toEqual([]);
    const bad = await runCli(['k8s', '-c', 'bad-config.yaml'], { cwd: t.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid configuration in bad-config.yaml');
    expect(bad.stderr).toContain('line 2, column 37');
    expect(bad.stderr).toContain('rules.service-selector-matches-nothing must be a level');
    const typo = await runCli(['k8s', '-c', 'typo-config.yaml'], { cwd: t.dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown rule "service-selecter-matches-nothing"');
    expect(typo.stderr).toContain('did you mean "service-selector-matches-nothing"?');
  });

  it('--help and --version exit 0; `rules` lists every rule', async () => {
    expect((await runCli(['--help'], { cwd: t.dir })).stdout).toContain('Exit codes:');
    expect((await runCli(['--version'], { cwd: t.dir })).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const rules = await runCli(['rules'], { cwd: t.dir });
    expect(rules.stdout).toMatch(/^service-selector-matches-nothing +warning +references /m);
  });
});

describe('stdin and rendered Helm output', () => {
  const helm = [
    '---',
    '# Source: shop/templates/service.yaml',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: cart',
    'spec:',
    '  selector:',
    '    app: carts',
    '  ports:',
    '    - port: 80',
    '---',
    '# Source: shop/templates/deployment.yaml',
    deployment.replace('name: web}', 'name: cart}').replace(/app: web/g, 'app: cart').trimEnd(),
    '',
  ].join('\n');

  it('maps findings to the chart template named by # Source:, with lines counted from that comment', async () => {
    const r = await runCli(['-', '-f', 'json'], { cwd: ROOT, stdin: helm });
    const out = JSON.parse(r.stdout) as { findings: { file: string; line: number; ruleId: string; object: string }[] };
    expect(out.findings.map((f) => [f.ruleId, f.file, f.line, f.object])).toEqual([
      ['service-selector-matches-nothing', 'shop/templates/service.yaml', 7, 'default/Service/cart'],
    ]);
  });

  it('names plain stdin as <stdin>, or as --stdin-filename', async () => {
    const plain = await runCli(['-'], { cwd: ROOT, stdin: orphanService });
    expect(plain.stdout).toContain('<stdin>\n  5:3     note ');
    const named = await runCli(['-', '--stdin-filename', 'k8s/api.yaml'], { cwd: ROOT, stdin: orphanService });
    expect(named.stdout).toContain('k8s/api.yaml\n  5:3     note ');
  });
});

describe('output formats', () => {
  const t = tempTree({
    'app.yaml': deployment + '---\n' + orphanService.replace('metadata: {name: api}', 'metadata:\n  name: api\n  annotations:\n    meshlint.io/ignore: service-selector-matches-nothing\n    meshlint.io/ignore-reason: "pods come from the batch operator"'),
    'other.yaml': orphanService.replace('name: api', 'name: "api,2"'),
  });
  afterAll(t.cleanup);

  it('github: one workflow command per unsuppressed finding, with escaped properties', async () => {
    const r = await runCli(['.', '-f', 'github'], { cwd: t.dir });
    const cmds = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(cmds).toEqual([
      '::warning file=other.yaml,line=5,col=14,endLine=5,endColumn=22,title=meshlint service-selector-matches-nothing::default/Service/api,2: Service selector app=api selects no pods: searched namespace default: no pod template has app=api; values of app there: web; connections to the Service will be refused',
    ]);
  });

  it('sarif: suppressed findings stay, marked with the reason; -o writes the file and says so on stderr', async () => {
    const r = await runCli(['.', '-f', 'sarif', '-o', 'out/report.sarif'], { cwd: t.dir });
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('wrote sarif report to out/report.sarif');
    const { readFileSync } = await import('node:fs');
    const log = JSON.parse(readFileSync(path.join(t.dir, 'out/report.sarif'), 'utf8')) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; suppressions?: { kind: string; justification: string }[] }[] }[];
    };
    const results = log.runs[0]!.results;
    expect(results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['app.yaml', 'other.yaml']);
    expect(results[0]!.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'pods come from the batch operator' }]);
    expect(results[1]!.suppressions).toBeUndefined();
  });

  it('stylish hides suppressed findings unless --show-suppressed', async () => {
    const hidden = await runCli(['.'], { cwd: t.dir });
    expect(hidden.stdout).toContain('1 suppressed');
    expect(hidden.stdout).not.toContain('app.yaml');
    const shown = await runCli(['.', '--show-suppressed'], { cwd: t.dir });
    expect(shown.stdout).toContain('(suppressed)');
  });
});
