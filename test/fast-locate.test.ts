/**
 * The line scanner must give exactly what the CST walk gives whenever it answers (it may decline). Random
 * manifests are written in several styles (indented or flush sequences, quoted keys, comments, block scalars,
 * flow collections) and random paths, present or absent, are located both ways.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadInputs } from '../src/load/index.js';
import type { Path } from '../src/load/types.js';
import { Locator } from '../src/report/locate.js';
import { fastLocate, fastLocateJson } from '../src/report/fast-locate.js';

const key = fc.constantFrom('app', 'name', 'spec', 'ports', 'port', 'labels', 'a.b/c', 'with space', 'x', '8080', 'true', 'has: colon', '#hash', "it's", 'key"q', '-dash', '');
const scalar = fc.oneof(
  fc.constantFrom('web', 'v1', '8080', 'yes', 'a b', 'has # hash', "it's", '', 'line1\nline2\n', 'trailing  ', '- dash', '{x}', '[y]', '*star', '&amp', 'a: b', '|pipe', 'é😀'),
  fc.integer({ min: 0, max: 70000 }),
  fc.constant(null),
  fc.boolean(),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, tie('map'), tie('seq')),
  map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  seq: fc.array(tie('node'), { maxLength: 3 }),
})).node;

function randomPath(obj: unknown, picks: number[]): Path {
  const out: (string | number)[] = [];
  let cur = obj;
  for (const p of picks) {
    if (Array.isArray(cur) && cur.length) {
      const i = p % (cur.length + 1); // one past the end: an absent index
      out.push(i);
      cur = cur[i];
    } else if (cur && typeof cur === 'object' && !Array.isArray(cur)) {
      const keys = Object.keys(cur);
      const k = keys[p % (keys.length + 1)] ?? 'absent-key';
      out.push(k);
      cur = (cur as Record<string, unknown>)[k];
    } else break;
  }
  return out;
}

describe('fast line-scanner locator', () => {
  it('agrees with the CST walk wherever it answers', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }), fc.array(fc.nat(), { maxLength: 5 })), { minLength: 1, maxLength: 3 }),
        fc.record({ indentSeq: fc.boolean(), comments: fc.boolean(), flowLevel: fc.constantFrom(0, 2, 3) }),
        async (docs, style) => {
          const texts = docs.map(([d]) => {
            let t = stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, ...d }, { indentSeq: style.indentSeq, flowCollectionPadding: true, ...(style.flowLevel ? { collectionStyle: 'any' } : {}) });
            if (style.comments) t = t.replace(/\n/g, (m, off: number) => (off % 3 === 0 ? '  # note\n' : m));
            return t;
          });
          const text = texts.join('---\n');
          const load = await loadInputs({ paths: [], cwd: '/', defaultNamespace: 'default', ignore: [], gitignore: false, stdinName: '-', maxFileBytes: 1e8, texts: [{ path: 'f.yaml', text }] });
          const slow = new Locator({ fast: false });
          const fast = new Locator();
          load.resources.forEach((r, i) => {
            const path = randomPath(r.obj, docs[i]?.[1] ?? []);
            expect(fast.locate(r.source, path, { kind: r.kind, name: r.name }), `${JSON.stringify(path)} in\n${text}`).toEqual(slow.locate(r.source, path, { kind: r.kind, name: r.name }));
            if (fastLocate(text, 0, text.length, path) !== undefined) answered++;
          });
        },
      ),
      { numRuns: 1500, seed: 11 },
    );
    expect(answered).toBeGreaterThan(100); // the scanner really is exercised, not always declining
  });

  it('agrees with the CST walk on JSON documents', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.oneof(key, fc.constantFrom('back\\slash', 'quote"d', 'tab\t', 'uni\u00e9')), value, { minKeys: 1, maxKeys: 5 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.constantFrom<string | number>(0, 1, 2, 4, '\t'),
        fc.boolean(),
        async (d, picks, indent, asList) => {
          const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, ...d };
          const text = JSON.stringify(asList ? { apiVersion: 'v1', kind: 'List', items: [obj] } : obj, null, indent) + '\n';
          const load = await loadInputs({ paths: [], cwd: '/', defaultNamespace: 'default', ignore: [], gitignore: false, stdinName: '-', maxFileBytes: 1e8, texts: [{ path: 'f.json', text }] });
          const slow = new Locator({ fast: false });
          const fast = new Locator();
          for (const r of load.resources) {
            const path = randomPath(r.obj, picks);
            expect(fast.locate(r.source, path, { kind: r.kind, name: r.name }), `${JSON.stringify(path)} in\n${text}`).toEqual(slow.locate(r.source, path, { kind: r.kind, name: r.name }));
            if (fastLocateJson(text, 0, text.length, [...r.source.prefix, ...path]) !== undefined) answered++;
          }
        },
      ),
      { numRuns: 800, seed: 12 },
    );
    expect(answered).toBeGreaterThan(500);
  });
});
