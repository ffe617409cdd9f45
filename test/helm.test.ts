import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../src/cli.js';
import { rewriteSources } from '../src/load/helm.js';
import { lint, type LintResult } from '../src/lint.js';
import { located } from '../src/report/index.js';
import { tempDir } from './helpers/tmp.js';

/** What our fake `helm template` prints: the shape of Helm 3 output, written by hand. */
const RENDERED = [
  '---',
  '# Source: web/templates/service.yaml',
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: release-name-web',
  'spec:',
  '  selector:',
  '    app: webb',
  '  ports:',
  '  - port: 80',
  '---',
  '# Source: web/templates/deployment.yaml',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: release-name-web',
  'spec:',
  '  selector:',
  '    matchLabels: {app: web}',
  '  template:',
  '    metadata:',
  '      labels: {app: web}',
  '    spec:',
  '      containers: [{name: web, image: nginx}]',
  '',
].join('\n');

/** A directory with a chart and a fake `helm` on PATH that records its arguments. */
function setup(): { cwd: string; bin: string; argsFile: string } {
  const cwd = tempDir({
    'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'charts/web/templates/service.yaml': '# template text is not read by meshlint\n',
    'values-prod.yaml': 'replicas: 2\n',
  });
  const bin = tempDir({ 'rendered.yaml': RENDERED });
  const argsFile = path.join(bin, 'args.txt');
  const helm = path.join(bin, 'helm');
  writeFileSync(helm, `#!/bin/sh\nprintf '%s\\n' "$@" > "${argsFile}"\ncat "${path.join(bin, 'rendered.yaml')}"\n`);
  chmodSync(helm, 0o755);
  return { cwd, bin, argsFile };
}

function where(result: LintResult) {
  return located(result).map((l) => `${l.ruleId} ${l.uri}:${l.region.startLine}:${l.region.startColumn}`);
}

describe('helm', () => {
  it('renders a chart with helm template and reports against the chart template paths', async () => {
    const { cwd, bin, argsFile } = setup();
    const result = await lint({
      paths: [],
      cwd,
      config: false,
      namespace: 'shop',
      helm: { chart: 'charts/web', values: ['values-prod.yaml'], namespace: 'shop' },
      env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
      onlyRules: ['service-selector-matches-nothing'],
    });
    expect(readFileSync(argsFile, 'utf8')).toBe('template\ncharts/web\n--values\nvalues-prod.yaml\n--namespace\nshop\n');
    // lines count from the document's `# Source:` line, as in the template file
    expect(where(result)).toEqual(['service-selector-matches-nothing charts/web/templates/service.yaml:7:5']);
    expect(located(result)[0]!.rendered).toBe(true);
    expect(result.load.resources.map((r) => `${r.namespace}/${r.kind}/${r.name}`)).toEqual(['shop/Service/release-name-web', 'shop/Deployment/release-name-web']);
  });

  it('is wired to the command line (--helm, --values)', async () => {
    const { cwd, bin, argsFile } = setup();
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), readStdin: async () => '', isTTY: false, cwd, env: {} };
    const saved = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${saved ?? ''}`;
    let code: number;
    try {
      code = await main(['--helm', './charts/web', '--values', 'a.yaml', '--values', 'b.yaml', '--format', 'json', '--no-config', '--rule', 'service-selector-matches-nothing'], io);
    } finally {
      process.env.PATH = saved;
    }
    expect(err.join('')).toBe('');
    expect(code).toBe(0); // a warning does not reach the default failing level
    expect(readFileSync(argsFile, 'utf8')).toBe('template\n./charts/web\n--values\na.yaml\n--values\nb.yaml\n');
    const report = JSON.parse(out.join('')) as { findings: { file: string; line: number }[] };
    expect(report.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['charts/web/templates/service.yaml:7']);
  });

  it('says clearly when helm is not on PATH', async () => {
    const { cwd } = setup();
    const result = await lint({ paths: [], cwd, config: false, helm: { chart: 'charts/web', values: [] }, env: { PATH: tempDir() } });
    expect(result.load.inputErrors).toEqual([
      { path: 'charts/web', message: 'helm not found on PATH; install Helm 3, or render the chart yourself and pipe it in: helm template CHART | meshlint -' },
    ]);
  });

  it('keeps the # Source: mapping of helm template output piped to stdin', async () => {
    const result = await lint({ paths: ['-'], stdin: RENDERED, cwd: tempDir(), config: false, onlyRules: ['service-selector-matches-nothing'] });
    expect(where(result)).toEqual(['service-selector-matches-nothing web/templates/service.yaml:7:5']);
  });

  it('rewrites Source comments to the chart directory, whatever the chart is called', () => {
    const cwd = '/repo';
    expect(rewriteSources('# Source: mychart/templates/a.yaml\nx: 1\n# Source: mychart/charts/sub/templates/b.yaml\n', '/repo/deploy/chart', cwd)).toBe(
      '# Source: deploy/chart/templates/a.yaml\nx: 1\n# Source: deploy/chart/charts/sub/templates/b.yaml\n',
    );
  });
});
