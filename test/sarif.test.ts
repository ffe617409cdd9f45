/**
 * SARIF as GitHub code scanning and SARIF viewers need it, checked two ways: the shared checker
 * (official schema + GitHub's rules + files and line hashes under --srcroot), and direct assertions on
 * the fields that matter to us.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import { lineHashes } from '../src/report/linehash.js';
import { runCli, tempTree } from './helpers/cli.js';

const ROOT = path.resolve(__dirname, '..');
// by its real path: the checker only runs its command line when argv[1] is its own file, not a symlink to it
const CHECKER_PATH = path.resolve(ROOT, '../shared/tools/sarif-check/validate-sarif.mjs');
const CHECKER = existsSync(CHECKER_PATH) ? realpathSync(CHECKER_PATH) : CHECKER_PATH;
const checkerReady = existsSync(CHECKER) && existsSync(path.resolve(CHECKER, '../node_modules/ajv'));

async function sarifOf(args: string[], cwd: string): Promise<Sarif.Log> {
  const r = await runCli([...args, '-f', 'sarif'], { cwd });
  return JSON.parse(r.stdout) as Sarif.Log;
}

describe.skipIf(!checkerReady)('the shared SARIF checker (../shared/tools/sarif-check; skipped when it is not installed)', () => {
  it('accepts the report on examples/shop with --srcroot and no errors', async () => {
    const t = tempTree({});
    try {
      const r = await runCli(['examples/shop', '-f', 'sarif'], { cwd: ROOT });
      const file = path.join(t.dir, 'shop.sarif');
      writeFileSync(file, r.stdout);
      const out = execFileSync('node', [CHECKER, file, '--srcroot', ROOT, '--no-multitool'], { encoding: 'utf8' });
      expect(out).toMatch(/PASS — 0 error\(s\), 0 warning\(s\)/);
      expect(out).toContain('location(s) resolved under');
    } finally {
      t.cleanup();
    }
  });

  it('accepts a clean run (results: [])', async () => {
    const t = tempTree({});
    try {
      const r = await runCli(['examples/hello', '-f', 'sarif'], { cwd: ROOT });
      const file = path.join(t.dir, 'hello.sarif');
      writeFileSync(file, r.stdout);
      const out = execFileSync('node', [CHECKER, file, '--srcroot', ROOT, '--no-multitool'], { encoding: 'utf8' });
      expect(out).toMatch(/PASS — 0 error\(s\)/);
    } finally {
      t.cleanup();
    }
  });
});

describe('SARIF content', () => {
  it('has the schema, one run, rule metadata with help links, and located results with the object', async () => {
    const log = await sarifOf(['examples/shop'], ROOT);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.automationDetails?.id).toBe('meshlint/');
    const rules = run.tool.driver.rules!;
    const hpa = rules.find((r) => r.id === 'hpa-target-missing')!;
    expect(hpa.helpUri).toMatch(/rules-docs\/hpa-target-missing\.md$/);
    expect(hpa.shortDescription?.text).toBe('A HorizontalPodAutoscaler whose scaleTargetRef names an object that does not exist.');
    expect(hpa.defaultConfiguration?.level).toBe('error');
    const result = run.results!.find((r) => r.ruleId === 'hpa-target-missing')!;
    expect(rules[result.ruleIndex!]!.id).toBe('hpa-target-missing');
    expect(result.locations![0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'examples/shop/cart/cart.yaml' }, region: { startLine: 45, startColumn: 5, endLine: 45, endColumn: 18 } },
      logicalLocations: [{ name: 'cart', fullyQualifiedName: 'shop/HorizontalPodAutoscaler/cart', kind: 'resource' }],
    });
    const text = readFileSync(path.join(ROOT, 'examples/shop/cart/cart.yaml'), 'utf8');
    expect(result.partialFingerprints?.primaryLocationLineHash).toBe(lineHashes(text)[45]);
    expect(result.partialFingerprints?.['meshlintFingerprint/v1']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('embeds related locations in the message so that GitHub links them', async () => {
    const log = await sarifOf(['examples/shop'], ROOT);
    const r = log.runs[0]!.results!.find((x) => x.ruleId === 'service-selector-matches-nothing')!;
    expect(r.message.text).toMatch(/Related: \[Deployment shop\/cart\]\(1\)\.$/);
    expect(r.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: 'examples/shop/cart/cart.yaml' }, region: { startLine: 13, startColumn: 7, endLine: 13, endColumn: 13 } },
        message: { text: 'nearest candidate: Deployment cart' },
        logicalLocations: [{ name: 'cart', fullyQualifiedName: 'shop/Deployment/cart', kind: 'resource' }],
      },
    ]);
  });

  it('marks security rules with a string security-severity and others with problem.severity', async () => {
    const log = await sarifOf(['examples/hello'], ROOT);
    for (const rule of log.runs[0]!.tool.driver.rules!) {
      const props = rule.properties as Record<string, unknown>;
      if ('security-severity' in props) {
        expect(typeof props['security-severity']).toBe('string');
        expect(props.tags).toContain('security');
      } else expect(['error', 'warning', 'recommendation']).toContain(props['problem.severity']);
    }
    expect(log.runs[0]!.results).toEqual([]);
  });

  describe('fingerprints', () => {
    const manifest = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector:\n    app: api\n  ports:\n    - port: 80\n';
    const t = tempTree({ 'a/svc.yaml': manifest });
    const moved = tempTree({ 'a/svc.yaml': `# a comment added above\n# and another one\n${manifest}` });
    afterAll(() => {
      t.cleanup();
      moved.cleanup();
    });

    it('are stable across runs and when lines move; the line hash follows the content', async () => {
      const a = (await sarifOf(['a'], t.dir)).runs[0]!.results![0]!;
      const again = (await sarifOf(['a'], t.dir)).runs[0]!.results![0]!;
      const b = (await sarifOf(['a'], moved.dir)).runs[0]!.results![0]!;
      expect(again.partialFingerprints).toEqual(a.partialFingerprints);
      expect(b.locations![0]!.physicalLocation!.region!.startLine).toBe(a.locations![0]!.physicalLocation!.region!.startLine! + 2);
      expect(b.partialFingerprints!['meshlintFingerprint/v1']).toBe(a.partialFingerprints!['meshlintFingerprint/v1']);
    });
  });

  it('percent-encodes URIs and reports input errors as failed-run notifications', async () => {
    const t = tempTree({ 'my dir/svc #1.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {selector: {a: b}, ports: [{port: 1}]}\n' });
    try {
      const r = await runCli(['my dir', 'missing', '-f', 'sarif'], { cwd: t.dir });
      const log = JSON.parse(r.stdout) as Sarif.Log;
      const run = log.runs[0]!;
      expect(run.results![0]!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('my%20dir/svc%20%231.yaml');
      expect(run.invocations![0]!.executionSuccessful).toBe(false);
      expect(run.invocations![0]!.toolExecutionNotifications![0]!.message.text).toBe('missing: no such file or directory');
      expect(r.code).toBe(2);
    } finally {
      t.cleanup();
    }
  });
});
