/**
 * The locator keeps, per file and document, the lines the line scanner split and the document's kind, and
 * reuses them for every later location in that document. A cache keyed wrongly would hand one document's
 * lines to another (same index in another file, the next document in the same file) and move findings
 * silently, so locations are checked against a fresh locator per call and against the CST walk, in an
 * order that jumps between files and documents.
 */
import { describe, expect, it } from 'vitest';
import { loadInputs } from '../src/load/index.js';
import type { Path, Resource } from '../src/load/types.js';
import { Locator } from '../src/report/locate.js';
import { locateFindings } from '../src/report/results.js';
import type { Finding } from '../src/rules/types.js';

// Two files whose documents have the same kinds at the same indexes but different layouts: lines split for one
// document and handed to another (the same index in the other file, or another document of the same file)
// still pass the kind check and make the scanner answer confidently with a range from the wrong place.
const A = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
    name: http
---
# a comment line shifts the next document
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: app
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web2
  labels:
    app: web2
spec:
  ports:
    - port: 81
      name: http2
`;
const B = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: other
spec:
  ports:
  - port: 9090
    targetPort: 9091
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: other
spec:
  template:
    spec:
      containers:
      - name: api
        image: api:1
`;

async function load(): Promise<Resource[]> {
  const result = await loadInputs({
    paths: [],
    cwd: '/',
    defaultNamespace: 'default',
    ignore: [],
    gitignore: false,
    stdinName: '-',
    maxFileBytes: 1e8,
    texts: [
      { path: 'a.yaml', text: A },
      { path: 'b.yaml', text: B },
    ],
  });
  return result.resources;
}

function by(resources: Resource[], file: string, kind: string): Resource {
  const r = resources.find((x) => x.source.file.path === file && x.kind === kind);
  if (!r) throw new Error(`${kind} in ${file}`);
  return r;
}

describe('locator per-document cache', () => {
  it('gives every location the answer of a fresh locator, across files and documents', async () => {
    const resources = await load();
    const asks: [Resource, Path][] = [];
    const paths: Path[] = [['spec', 'ports', 0, 'port'], ['metadata', 'name'], ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort'], ['spec', 'absent'], ['kind'], []];
    // interleave: each round visits every object, so consecutive asks always change document or file
    for (const p of paths) for (const r of resources) asks.push([r, p]);
    expect(new Set(resources.map((r) => `${r.source.file.path}#${r.source.docIndex}`)).size).toBe(5);
    const shared = new Locator();
    for (const [r, p] of asks) {
      const expectKind = { kind: r.kind, name: r.name };
      const got = shared.locate(r.source, p, expectKind);
      expect(got, `${r.source.file.path} ${r.kind} ${JSON.stringify(p)}`).toEqual(new Locator().locate(r.source, p, expectKind));
      expect(got).toEqual(new Locator({ fast: false }).locate(r.source, p, expectKind));
    }
    // without an expected kind (no check of the document), in the same interleaved order
    for (const [r, p] of asks) expect(shared.locate(r.source, p), `${r.source.file.path} ${r.kind} ${JSON.stringify(p)}`).toEqual(new Locator({ fast: false }).locate(r.source, p));
    // spot checks that the ranges are the ones in each document, not another's
    const svcB = resources.find((x) => x.source.file.path === 'b.yaml' && x.kind === 'Service')!;
    expect(shared.locate(svcB.source, ['spec', 'ports', 0, 'port']).region).toEqual({ startLine: 8, startColumn: 5, endLine: 8, endColumn: 15 });
    const web2 = resources.find((x) => x.name === 'web2')!;
    expect(shared.locate(web2.source, ['spec', 'ports', 0, 'port']).region).toEqual({ startLine: 34, startColumn: 7, endLine: 34, endColumn: 15 });
  });

  it('locates related locations and flow steps in other files and documents as on their own', async () => {
    const resources = await load();
    const svcA = resources.find((x) => x.name === 'web2')!;
    const depA = by(resources, 'a.yaml', 'Deployment');
    const depB = by(resources, 'b.yaml', 'Deployment');
    const svcB = by(resources, 'b.yaml', 'Service');
    const finding = (resource: Resource, path: Path, related: [Resource, Path][], flow: [Resource, Path][]): Finding => ({
      ruleId: 'test-rule',
      messageId: 'm',
      data: {},
      message: `finding on ${resource.kind} ${resource.name}`,
      level: 'warning',
      resource,
      path,
      related: related.map(([r, p]) => ({ resource: r, path: p, message: `related ${r.name}` })),
      flow: flow.map(([r, p]) => ({ resource: r, path: p, message: `step ${r.name}` })),
    });
    const findings = [
      finding(svcA, ['spec', 'ports', 0], [[depB, ['spec', 'template', 'spec', 'containers', 0, 'image']], [svcB, ['spec', 'ports', 0, 'targetPort']]], [[depA, ['metadata', 'name']], [svcB, ['metadata', 'namespace']]]),
      finding(svcB, ['spec', 'ports', 0, 'port'], [[depA, ['spec', 'template', 'spec', 'containers', 0, 'ports', 0]], [svcA, ['metadata', 'name']]], [[depB, ['metadata', 'name']]]),
      finding(depB, ['spec', 'missing', 'key'], [[svcA, ['spec', 'ports', 0, 'name']]], []),
    ];
    const together = locateFindings(findings);
    // each finding located alone (a locator that has seen nothing else), then ordered the same way
    const alone = findings.flatMap((f) => locateFindings([f]));
    const key = (l: { fingerprint: string }) => l.fingerprint;
    expect([...together].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...alone].sort((a, b) => key(a).localeCompare(key(b))));
    const slow = findings.flatMap((f) => locateFindings([f], new Locator({ fast: false })));
    expect([...together].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...slow].sort((a, b) => key(a).localeCompare(key(b))));
    const first = together.find((l) => l.finding === findings[0])!;
    expect(first.related.map((r) => [r.uri, r.region.startLine])).toEqual([
      ['b.yaml', 21],
      ['b.yaml', 9],
    ]);
    expect(first.flow!.map((r) => [r.uri, r.region.startLine])).toEqual([
      ['a.yaml', 14],
      ['b.yaml', 5],
    ]);
  });
});
