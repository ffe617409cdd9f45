import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { outputLines, renderSummary } from '../src/commands/summary.js';
import { topologyMermaid } from '../src/commands/topology.js';
import { lint } from '../src/lint.js';
import { yaml as dedent } from './helpers/rule-tester.js';

function log(results: Sarif.Result[]): Sarif.Log {
  return {
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'meshlint', rules: [{ id: 'r-one', helpUri: 'https://x/r-one', defaultConfiguration: { level: 'error' } }, { id: 'r-two' }] } },
        results,
      },
    ],
  };
}

const at = (uri: string, line: number, fqn: string): Sarif.Location => ({
  physicalLocation: { artifactLocation: { uri }, region: { startLine: line } },
  logicalLocations: [{ fullyQualifiedName: fqn }],
});

describe('job summary', () => {
  it('turns SARIF results into table rows and counts, with cell text made safe', () => {
    const md = renderSummary(
      log([
        { ruleId: 'r-one', ruleIndex: 0, message: { text: 'value \\[a|b\\] is <bad>. Related: [Service ns/x](1).' }, locations: [at('k8s/a.yaml', 3, 'ns/Service/<generated:c/x>')] },
        { ruleId: 'r-two', ruleIndex: 1, level: 'note', message: { text: 'two\nlines' }, locations: [at('k8s/b.yaml', 9, 'ns/Deployment/d')] },
        { ruleId: 'r-two', level: 'warning', message: { text: 'hidden' }, suppressions: [{ kind: 'inSource' }] },
      ]),
    );
    expect(md).toBe(
      [
        '## meshlint',
        '',
        '**2 findings**: 1 error, 0 warnings, 1 note; 1 suppressed.',
        '',
        '| Level | Rule | Object | Location | Message |',
        '| --- | --- | --- | --- | --- |',
        '| 🔴 error | [r-one](https://x/r-one) | ns/Service/&lt;generated:c/x&gt; | k8s/a.yaml:3 | value [a\\|b] is &lt;bad&gt;. Related: Service ns/x. |',
        '| 🔵 note | r-two | ns/Deployment/d | k8s/b.yaml:9 | two lines |',
        '',
      ].join('\n'),
    );
    expect(outputLines(log([]))).toBe('errors=0\nwarnings=0\nnotes=0\ntotal=0\n');
    expect(renderSummary(log([]))).toBe('## meshlint\n\n**No findings.**\n');
  });

  it('draws Ingress → Service → workload, a missing backend Service, and findings on nodes', async () => {
    const text = dedent`
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: front}
      spec:
        rules:
        - http:
            paths:
            - {path: /a, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            - {path: /b, pathType: Prefix, backend: {service: {name: "gone#1", port: {number: 80}}}}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {selector: {app: web}, ports: [{port: 80}]}
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: web}
      spec:
        selector: {matchLabels: {app: web}}
        template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: unrelated}
    `;
    const result = await lint({ paths: [], texts: [{ path: 'a.yaml', text }], config: false, onlyRules: [] });
    const marks = new Map([['default/Service/web', ['warning', 'error'] as const]]);
    expect(topologyMermaid(result.graph, new Map([...marks].map(([k, v]) => [k, [...v]])))).toBe(
      [
        'flowchart LR',
        '  o0["Ingress<br/>default/front"]',
        '  o1["Service<br/>default/web · 2 findings"]:::error',
        '  missing_0_gone_1["Service<br/>default/gone#35;1<br/>(not in the input)"]:::missing',
        '  o2["StatefulSet<br/>default/web"]',
        '  o0 --> o1',
        '  o0 --> missing_0_gone_1',
        '  o1 --> o2',
        '  classDef error fill:#ffebe9,stroke:#cf222e,color:#1f2328',
        '  classDef warning fill:#fff8c5,stroke:#9a6700,color:#1f2328',
        '  classDef note fill:#ddf4ff,stroke:#0969da,color:#1f2328',
        '  classDef missing fill:#f6f8fa,stroke:#cf222e,stroke-dasharray:4 3,color:#1f2328',
        '',
      ].join('\n'),
    );
  });

  it('keeps only the parts with findings when the picture is large', async () => {
    const services = Array.from({ length: 12 }, (_, i) => `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {selector: {app: a${i}}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, labels: {app: a${i}}}\nspec: {containers: [{name: c, image: i}]}\n`).join('---\n');
    const result = await lint({ paths: [], texts: [{ path: 'many.yaml', text: services }], config: false, onlyRules: [] });
    const chart = topologyMermaid(result.graph, new Map([['default/Pod/p3', ['note']]]), { maxNodes: 5 });
    expect(chart.split('\n').filter((l) => /^\s+o\d/.test(l))).toEqual(['  o6["Service<br/>default/s3"]', '  o7["Pod<br/>default/p3 · 1 finding"]:::note', '  o6 --> o7']);
  });
});

describe('job summary picture', () => {
  it('draws the call graph, with findings on its nodes, when the manifests show calls', async () => {
    const text = dedent`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
              - name: web
                image: web:1
                env:
                  - {name: CART_ADDR, value: "cart.shop:7070"}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: cart, namespace: shop}
      spec:
        selector: {app: carts}
        ports: [{name: grpc, port: 7070}]
    `;
    const result = await lint({ paths: [], texts: [{ path: 'app.yaml', text }], config: false });
    const { format } = await import('../src/report/index.js');
    const md = renderSummary(JSON.parse(format(result, 'sarif')) as Sarif.Log, { result });
    expect(md).toContain('### Call graph');
    expect(md).not.toContain('### Topology');
    const chart = md.slice(md.indexOf('```mermaid'));
    expect(chart).toContain('web');
    expect(chart).toContain('cart');
    expect(chart).toMatch(/-->/);
    expect(chart).toMatch(/warning/); // the Service selecting no pods is marked
  });
});
