/**
 * What the VS Code SARIF Viewer (microsoft/sarif-vscode-extension) needs to load our SARIF and jump to each
 * result. The checks restate the viewer's own logic (v3.4.x):
 * - loadLogs.ts `detectSupport`: version 2.1.0 and a `$schema` whose file name is `sarif-2.1.0(.json)`;
 * - shared/index.ts `augmentLog`: the rule is `rules[ruleIndex]` first, then looked up by id; a relative `uri`
 *   without `uriBaseId` is joined to the first workspace folder;
 * - regionToSelection.ts: `byteOffset` wins over lines; otherwise 1-based lines/columns minus one, the end
 *   column exclusive, the start moved past leading white space;
 * - panel/widgets.tsx: `[text](n)` in message text jumps to the related location whose `id` is n;
 * - panel/details.tsx: the "Analysis Steps" tab shows `codeFlows[0].threadFlows[0].locations`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/lint.js';
import { format } from '../src/report/index.js';
import { yaml as dedent } from './helpers/rule-tester.js';
import { tempDir } from './helpers/tmp.js';

/** loadLogs.ts normalizeSchema */
function normalizeSchema(schema: string): string {
  if (schema === '') return '';
  return (new URL(schema).pathname.split('/').pop() ?? '').replace('-schema', '').replace(/\.json$/, '');
}

/** The file a relative artifact uri opens, given the workspace folder (url-join, then a file URI). */
function resolveUri(workspace: string, loc: Sarif.ArtifactLocation | undefined): string {
  expect(loc?.uriBaseId, 'uriBaseId without originalUriBaseIds is not resolved').toBeUndefined();
  const uri = loc?.uri ?? '';
  expect(uri).not.toMatch(/^[^:/?#]+?:/); // relative: no scheme
  expect(uri).not.toMatch(/^\/|^\.\.?\//);
  const joined = `${pathToFileURL(workspace).href.replace(/\/$/, '')}/${uri}`;
  return fileURLToPath(joined);
}

/** regionToSelection.ts, returning the selected text. */
function selectedText(file: string, region: Sarif.Region | undefined): string {
  expect(region, 'a region').toBeDefined();
  const r = region!;
  expect(r.byteOffset, 'byteOffset makes the viewer open a hex view').toBeUndefined();
  expect(r.startLine).toBeGreaterThanOrEqual(1);
  const lines = readFileSync(file, 'utf8').split('\n');
  const startLine = r.startLine! - 1;
  const line = lines[startLine]!;
  expect(line, `line ${r.startLine} exists in ${file}`).toBeDefined();
  const firstNonWs = line.length - line.trimStart().length;
  const startCol = Math.max(firstNonWs, (r.startColumn ?? 1) - 1);
  const endLine = (r.endLine ?? r.startLine!) - 1;
  const endCol = r.endColumn !== undefined ? r.endColumn - 1 : lines[endLine]!.length;
  expect(endLine).toBeGreaterThanOrEqual(startLine);
  expect(endCol).toBeLessThanOrEqual(lines[endLine]!.length);
  if (endLine === startLine) return line.slice(startCol, endCol);
  return [line.slice(startCol), ...lines.slice(startLine + 1, endLine), lines[endLine]!.slice(0, endCol)].join('\n');
}

const DEPLOY = dedent`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers: [{name: web, image: nginx}]
`;

const SERVICES = dedent`
  apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec:
    selector:
      app: webb
    ports: [{port: 80}]
  ---
  apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata: {name: front, namespace: shop}
  spec:
    defaultBackend:
      service: {name: web, port: {number: 8080}}
`;

const CDK8S = dedent`
  import { App, Chart } from 'cdk8s';
  import { KubeService } from './imports/k8s';
  const app = new App();
  const chart = new Chart(app, 'c', { namespace: 'shop' });
  new KubeService(chart, 'api', { metadata: { name: 'api' }, spec: { selector: { app: 'apii' }, ports: [{ port: 80 }] } });
`;

describe('SARIF in the VS Code SARIF Viewer', () => {
  it('loads, finds every rule, and every location and related location jumps to the offending text', async () => {
    const cwd = tempDir({ 'k8s/deploy.yaml': DEPLOY, 'k8s/my services.yaml': SERVICES, 'cdk/main.ts': CDK8S });
    const result = await lint({ paths: ['k8s', 'cdk/main.ts'], cwd, config: false, onlyRules: ['service-selector-matches-nothing', 'ingress-backend-missing'] });
    const log = JSON.parse(format(result, 'sarif')) as Sarif.Log;

    expect(log.version).toBe('2.1.0');
    expect(['', 'sarif-2.1.0-rtm.5', 'sarif-2.1.0']).toContain(normalizeSchema(log.$schema ?? ''));
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    const rules = run.tool.driver.rules ?? [];

    const jumps: string[] = [];
    for (const res of run.results ?? []) {
      // the viewer takes rules[ruleIndex] before looking up the id: both must name the same rule
      const rule = (res.ruleIndex !== undefined ? rules[res.ruleIndex] : undefined) ?? rules.find((r) => r.id === res.ruleId);
      expect(rule?.id).toBe(res.ruleId);
      expect(rule?.helpUri).toMatch(/^https:\/\//);
      expect(['error', 'warning', 'note']).toContain(res.level ?? rule?.defaultConfiguration?.level);

      const ploc = res.locations?.[0]?.physicalLocation;
      const file = resolveUri(cwd, ploc?.artifactLocation);
      expect(existsSync(file), file).toBe(true);
      jumps.push(`${res.ruleId} ${path.relative(cwd, file)}: ${selectedText(file, ploc?.region)}`);

      // embedded links name related locations by id, and those jump too
      const ids = [...(res.message.text ?? '').matchAll(/\[([^\]]*)\]\(([^)]+)\)/g)].map((m) => m[2]!);
      for (const id of ids) {
        expect(Number.isNaN(+id)).toBe(false);
        const rel = res.relatedLocations?.find((r) => r.id === +id);
        expect(rel, `related location ${id}`).toBeDefined();
        const relFile = resolveUri(cwd, rel!.physicalLocation?.artifactLocation);
        expect(existsSync(relFile)).toBe(true);
        jumps.push(`  ↳ ${path.relative(cwd, relFile)}: ${selectedText(relFile, rel!.physicalLocation?.region)}`);
      }
      expect(new Set(res.relatedLocations?.map((r) => r.id)).size).toBe(res.relatedLocations?.length ?? 0);

      for (const step of res.codeFlows?.[0]?.threadFlows?.[0]?.locations ?? []) {
        const f = resolveUri(cwd, step.location?.physicalLocation?.artifactLocation);
        expect(existsSync(f)).toBe(true);
        selectedText(f, step.location?.physicalLocation?.region);
      }
    }
    expect(jumps).toEqual([
      "service-selector-matches-nothing cdk/main.ts: app: 'apii'",
      'service-selector-matches-nothing k8s/my services.yaml: app: webb',
      '  ↳ k8s/deploy.yaml: labels',
      'ingress-backend-missing k8s/my services.yaml: number: 8080',
      '  ↳ k8s/my services.yaml: ports',
    ]);
    // a space in a file name is percent-encoded in the uri (GitHub needs a valid uri-reference)
    expect(run.results?.[1]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('k8s/my%20services.yaml');
  });
});
