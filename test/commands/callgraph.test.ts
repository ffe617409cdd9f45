/**
 * `meshlint graph`: JSON, Mermaid and DOT output of the call graph, and the call chain of retry-amplification as a
 * SARIF code flow.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callGraphDot, callGraphFromResult, callGraphJson, callGraphMermaid, callGraphMermaidFromMarks, type CallEdgeJson } from '../../src/commands/graph.js';
import { parseConfig } from '../../src/config/load.js';
import { format, lint } from '../../src/index.js';
import { runCli, tempTree } from '../helpers/cli.js';
import { app, join, ns, svc, vsRetries } from '../rules/retries-fixtures.js';
import { yaml } from '../helpers/rule-tester.js';

const manifests = join(
  ns('shop', 'istio'),
  app('web', 'shop', { API_URL: 'http://api:8080', OTEL_SERVICE_NAME: 'web' }),
  app('api', 'shop', { DB_ADDR: 'db:9090' }),
  app('db', 'shop'),
  svc('api', 'shop', 8080),
  svc('db', 'shop', 9090),
  vsRetries('api', 'shop', 3, { timeout: '10s' }),
  vsRetries('db', 'shop', 3),
  yaml`
    apiVersion: security.istio.io/v1
    kind: AuthorizationPolicy
    metadata: {name: api, namespace: shop}
    spec:
      selector: {matchLabels: {app: api}}
      action: ALLOW
      rules: [{from: [{source: {principals: [cluster.local/ns/shop/sa/default]}}]}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: web, namespace: shop}
    spec:
      rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}]}}]
  `,
);

async function result() {
  return lint({ paths: [], texts: [{ path: 'shop.yaml', text: manifests }], config: parseConfig({}) });
}

describe('call graph report', () => {
  it('lists call, permits and routes edges with the SARIF object names', async () => {
    const report = callGraphFromResult(await result());
    const calls = report.edges.filter((e): e is CallEdgeJson => e.kind === 'call');
    expect(calls.map((e) => `${e.from} -> ${e.to}:${e.port}`).sort()).toEqual(['shop/Deployment/api -> shop/Service/db:9090', 'shop/Deployment/web -> shop/Service/api:8080']);
    const api = calls.find((e) => e.to === 'shop/Service/api')!;
    expect(api).toMatchObject({ mesh: 'istio', protocol: 'http', attempts: 4, loadFactor: 4, timeout: '10s', perTryTimeout: null, budget: null, outlierDetection: false });
    expect(api.settings.attempts).toMatchObject({ object: 'shop/VirtualService/api', path: 'spec.http[0].retries.attempts', default: false });
    expect(api.settings.budget.default).toBe(true);
    expect(api.evidence).toEqual([{ object: 'shop/Deployment/web', path: 'spec.template.spec.containers[0].env[0].value', text: 'API_URL=http://api:8080', source: 'env' }]);
    const permits = report.edges.filter((e) => e.kind === 'permits');
    expect(permits.map((e) => `${e.from} -> ${e.to}`).sort()).toEqual(['shop/Deployment/api -> shop/Service/api', 'shop/Deployment/db -> shop/Service/api', 'shop/Deployment/web -> shop/Service/api']);
    const routes = report.edges.filter((e) => e.kind === 'routes');
    expect(routes.map((e) => `${e.from} -> ${e.to}`).sort()).toEqual(['shop/Ingress/web -> shop/Service/api', 'shop/VirtualService/api -> shop/Service/api', 'shop/VirtualService/db -> shop/Service/db']);
    const web = report.nodes.find((n) => n.id === 'shop/Deployment/web')!;
    expect(web.mesh).toBe('istio');
    expect(web.findings.map((f) => f.ruleId)).toContain('retry-amplification');
    expect(report.nodes.find((n) => n.id === 'shop/Service/db')!.backedBy).toEqual(['shop/Deployment/db']);
    expect(JSON.parse(callGraphJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('renders Mermaid (for GitHub) and DOT', async () => {
    const r = await result();
    const report = callGraphFromResult(r);
    const mermaid = callGraphMermaid(report);
    expect(mermaid.split('\n')[0]).toBe('flowchart LR');
    expect(mermaid).toMatch(/n\d+ -->\|":8080 · 4× · timeout 10s"\| n\d+/);
    expect(mermaid).toMatch(/n\d+ -\.->\|"permits \(istio\)"\| n\d+/);
    expect(mermaid).toMatch(/n\d+ ==>\|"routes"\| n\d+/);
    expect(mermaid).toContain(':::warning');
    expect(mermaid).not.toMatch(/\["[^"]*"[^\]]*"\]/); // no unescaped quote inside a label
    const dot = callGraphDot(report);
    expect(dot.startsWith('digraph meshlint {')).toBe(true);
    expect(dot).toContain('label=":8080 · 4× · timeout 10s", style=solid');
    const marks = new Map([['shop/Deployment/web', ['warning' as const]]]);
    expect(callGraphMermaidFromMarks(r.graph, marks)).toContain('flowchart LR');
  });

  it('cuts a large picture to the parts that matter', async () => {
    const report = callGraphFromResult(await result());
    const small = callGraphMermaid(report, { maxNodes: 3 });
    expect(small.startsWith('%% ')).toBe(true);
    expect(small.match(/^ {2}n\d+[[(]/gm)!.length).toBeLessThanOrEqual(3);
  });
});

describe('retry-amplification as a SARIF code flow', () => {
  it('has one thread-flow location per hop, at the object that set that hop', async () => {
    const sarif = JSON.parse(format(await result(), 'sarif'));
    const res = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'retry-amplification');
    expect(res.message.text).toContain('4 × 4 = 16');
    const locs = res.codeFlows[0].threadFlows[0].locations;
    expect(locs.map((l: { location: { logicalLocations: { fullyQualifiedName: string }[] } }) => l.location.logicalLocations[0]!.fullyQualifiedName)).toEqual(['shop/VirtualService/api', 'shop/VirtualService/db']);
    expect(locs.map((l: { executionOrder: number }) => l.executionOrder)).toEqual([1, 2]);
    expect(res.relatedLocations).toHaveLength(2);
  });
});

describe('meshlint graph command', () => {
  const t = tempTree({ 'k8s/shop.yaml': manifests });
  afterAll(t.cleanup);

  it('prints JSON by default and Mermaid or DOT on request', async () => {
    const json = await runCli(['graph', 'k8s'], { cwd: t.dir });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).edges.length).toBeGreaterThan(0);
    const mermaid = await runCli(['graph', 'k8s', '--format', 'mermaid'], { cwd: t.dir });
    expect(mermaid.stdout.startsWith('flowchart LR')).toBe(true);
    const dot = await runCli(['graph', 'k8s', '-f', 'dot', '-o', 'out/graph.dot'], { cwd: t.dir });
    expect(dot.code).toBe(0);
    expect(dot.stdout).toBe('');
  });

  it('rejects an unknown format and missing paths with exit code 2', async () => {
    expect((await runCli(['graph', 'k8s', '--format', 'sarif'], { cwd: t.dir })).code).toBe(2);
    expect((await runCli(['graph'], { cwd: t.dir })).code).toBe(2);
  });

  it('is listed in --help', async () => {
    expect((await runCli(['--help'], { cwd: path.resolve(__dirname, '..', '..') })).stdout).toContain('meshlint graph');
  });
});
