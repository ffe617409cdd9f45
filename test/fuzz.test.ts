/**
 * Property tests: random manifests, and random mutations of their text, go through load → graph → rules →
 * every output format. Nothing may throw, no rule may fail, every input file is accounted for, and every
 * SARIF result has a usable region.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { format, lint } from '../src/index.js';
import { Locator } from '../src/report/locate.js';

const word = fc.constantFrom('app', 'web', 'api', 'db', 'tier', 'front', 'v1', 'v2', 'shop', 'default', 'http', 'grpc', '');
const labels = fc.dictionary(word, word, { maxKeys: 3 });
const port = fc.oneof(fc.integer({ min: 1, max: 65535 }), word, fc.constant(null));
const junk = fc.jsonValue({ maxDepth: 2 });

const podTemplate = fc.record({
  metadata: fc.record({ labels, annotations: fc.option(fc.dictionary(fc.constantFrom('meshlint.io/ignore', 'x'), word, { maxKeys: 1 }), { nil: undefined }) }),
  spec: fc.record({
    containers: fc.array(fc.record({ name: word, image: word, ports: fc.array(fc.record({ name: word, containerPort: port, protocol: fc.constantFrom('TCP', 'UDP') }), { maxLength: 2 }) }), { maxLength: 2 }),
    initContainers: fc.option(fc.array(fc.record({ name: word, restartPolicy: fc.constantFrom('Always', 'Never'), ports: fc.array(fc.record({ name: word, containerPort: port }), { maxLength: 1 }) }), { maxLength: 1 }), { nil: undefined }),
  }),
});

const meta = fc.record({ name: word, namespace: fc.option(word, { nil: undefined }), labels: fc.option(labels, { nil: undefined }) });
const labelSelector = fc.oneof(
  fc.record({ matchLabels: labels }),
  fc.record({ matchExpressions: fc.array(fc.record({ key: word, operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Bogus'), values: fc.array(word, { maxLength: 2 }) }), { maxLength: 2 }) }),
  fc.constant(null),
  fc.constant({}),
  junk,
);

const manifest = fc.oneof(
  fc.record({ apiVersion: fc.constant('apps/v1'), kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'), metadata: meta, spec: fc.record({ selector: labelSelector, template: podTemplate }) }),
  fc.record({ apiVersion: fc.constant('batch/v1'), kind: fc.constant('CronJob'), metadata: meta, spec: fc.record({ jobTemplate: fc.record({ spec: fc.record({ template: podTemplate }) }) }) }),
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Pod'), metadata: fc.record({ name: word, labels }), spec: podTemplate.map((t) => t.spec) }),
  fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Service'),
    metadata: meta,
    spec: fc.record({ type: fc.constantFrom('ClusterIP', 'NodePort', 'ExternalName', undefined), selector: fc.oneof(labels, junk), clusterIP: fc.constantFrom('None', undefined), ports: fc.array(fc.record({ name: word, port, targetPort: port, protocol: fc.constantFrom('TCP', 'UDP', undefined) }), { maxLength: 3 }) }),
  }),
  fc.record({ apiVersion: fc.constant('networking.k8s.io/v1'), kind: fc.constant('NetworkPolicy'), metadata: meta, spec: fc.record({ podSelector: labelSelector, ingress: fc.array(fc.record({ from: fc.array(fc.record({ podSelector: labelSelector, namespaceSelector: fc.option(labelSelector, { nil: undefined }) }), { maxLength: 2 }) }), { maxLength: 2 }) }) }),
  fc.record({ apiVersion: fc.constant('policy/v1'), kind: fc.constant('PodDisruptionBudget'), metadata: meta, spec: fc.record({ selector: labelSelector }) }),
  fc.record({ apiVersion: fc.constant('networking.k8s.io/v1'), kind: fc.constant('Ingress'), metadata: meta, spec: fc.record({ rules: fc.array(fc.record({ http: fc.record({ paths: fc.array(fc.record({ backend: fc.oneof(fc.record({ service: fc.record({ name: word, port: fc.record({ number: port }) }) }), junk) }), { maxLength: 2 }) }) }), { maxLength: 2 }) }) }),
  fc.record({ apiVersion: fc.constant('autoscaling/v2'), kind: fc.constant('HorizontalPodAutoscaler'), metadata: meta, spec: fc.record({ scaleTargetRef: fc.record({ apiVersion: fc.constantFrom('apps/v1', 'example.com/v1', undefined), kind: fc.constantFrom('Deployment', 'Rollout', 'StatefulSet'), name: word }) }) }),
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('List'), items: fc.array(fc.oneof(fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('ConfigMap'), metadata: meta }), junk), { maxLength: 3 }) }),
  fc.record({ apiVersion: fc.constantFrom('example.com/v1', 'v1', 'networking.istio.io/v1'), kind: word, metadata: fc.option(meta, { nil: undefined }), spec: junk }),
  junk,
);

/** Text-level damage: the kinds of mistakes people and tools make in YAML files. */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('\t', ': ', '- ', '---\n', '&a ', '*a', '[', '}', '"', '\u0000', '\ufeff', '\r\n', '<<: *a\n', '!!binary ', '? ', '|\n', 'é😀') }),
);

function mutate(text: string, muts: readonly { op: 'delete' | 'insert'; at: number; len?: number; text?: string }[]): string {
  let t = text;
  for (const m of muts) {
    const at = t.length ? m.at % (t.length + 1) : 0;
    t = m.op === 'delete' ? t.slice(0, at) + t.slice(at + (m.len ?? 1)) : t.slice(0, at) + (m.text ?? '') + t.slice(at);
  }
  return t;
}

async function runAll(files: { path: string; text: string }[]): Promise<void> {
  const result = await lint({ paths: [], texts: files, config: false, cwd: '/nonexistent-root' });
  expect(result.ruleErrors).toEqual([]);
  const accounted = new Set(result.load.accounting.map((a) => a.path));
  for (const f of files) expect(accounted.has(f.path), `file ${f.path} accounted for`).toBe(true);
  for (const fmt of ['stylish', 'json', 'github'] as const) format(result, fmt);
  const sarif = JSON.parse(format(result, 'sarif')) as { runs: { results: { locations: { physicalLocation: { region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }[] }[] }[] };
  for (const r of sarif.runs[0]!.results) {
    const reg = r.locations[0]!.physicalLocation.region;
    expect(reg.startLine).toBeGreaterThanOrEqual(1);
    expect(reg.startColumn).toBeGreaterThanOrEqual(1);
    expect(reg.endLine).toBeGreaterThanOrEqual(reg.startLine);
    if (reg.endLine === reg.startLine) expect(reg.endColumn).toBeGreaterThan(reg.startColumn);
  }
}

/** Every object's `kind` key is found on a line that says so: the reporter picked the right document. */
async function checkKindLocations(files: { path: string; text: string }[]): Promise<void> {
  const result = await lint({ paths: [], texts: files, config: false, cwd: '/nonexistent-root' });
  const locator = new Locator();
  for (const r of result.load.resources) {
    const loc = locator.locate(r.source, ['kind'], { kind: r.kind, name: r.name });
    const line = r.source.file.text.split('\n')[loc.region.startLine - 1] ?? '';
    expect(line, `${r.source.file.path}: ${r.kind}/${r.name}`).toMatch(new RegExp(`kind: ?['"]?${r.kind.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  }
}

describe('fuzz: load → graph → rules → reports', () => {
  it('locates every object in its own document, whatever the document layout', async () => {
    const doc = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constantFrom('ConfigMap', 'Service', 'Secret'), metadata: fc.record({ name: fc.constantFrom('a', 'b', 'c') }) });
    const separator = fc.constantFrom('---\n', '---\n# comment\n', '\n---\n\n', '--- # note\n', '...\n---\n');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(doc, separator, fc.boolean()), { minLength: 1, maxLength: 6 }), fc.boolean(), async (docs, leadingMarker) => {
        const text = (leadingMarker ? '---\n' : '') + docs.map(([d, sep, empty], i) => (i ? sep : '') + (empty ? '---\n' : '') + stringify(d)).join('');
        await checkKindLocations([{ path: 'multi.yaml', text }]);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('never throws on random manifests spread over files', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(manifest, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }), fc.boolean(), async (fileDocs, asJson) => {
        const files = fileDocs.map((docs, i) =>
          asJson && i === 0 ? { path: `f${i}.json`, text: JSON.stringify(docs[0]) } : { path: `dir${i % 2}/f${i}.yaml`, text: docs.map((d) => stringify(d)).join('---\n') },
        );
        await runAll(files);
      }),
      { numRuns: 150, seed: 20261122 },
    );
  });

  it('never throws on mutated manifests', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(manifest, { minLength: 1, maxLength: 5 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), async (docs, muts) => {
        const text = docs.map((d) => stringify(d)).join('---\n');
        await runAll([
          { path: 'mutated.yaml', text: mutate(text, muts) },
          { path: 'mutated.json', text: mutate(JSON.stringify(docs[0]), muts) },
          { path: 'intact.yaml', text },
        ]);
      }),
      { numRuns: 200, seed: 42 },
    );
  });
});
