/**
 * Our primaryLocationLineHash must equal GitHub's. The shared SARIF checker carries an independent
 * implementation checked against codeql-action's test vectors; random texts are compared with it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineHashes, lineHashesFor } from '../src/report/linehash.js';

const CHECKER = path.resolve(__dirname, '../../shared/tools/sarif-check/validate-sarif.mjs');

describe.skipIf(!existsSync(CHECKER))('line hashes equal the reference implementation (skipped without ../shared/tools)', () => {
  it('for random texts with CR, CRLF, tabs, long lines and non-ASCII', async () => {
    const { lineHashes: reference } = (await import(CHECKER)) as { lineHashes: (t: string) => string[] };
    const piece = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('\n', '\r\n', '\r', '\t', '  ', 'é😀', 'x'.repeat(150), 'same line\n'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        expect(lineHashes(text)).toEqual(reference(text));
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe('lineHashesFor', () => {
  it('gives the same values for the requested lines as hashing everything', () => {
    const text = 'a: 1\nb: 2\n\na: 1\n  c: [x]\n';
    const all = lineHashes(text);
    const some = lineHashesFor(text, new Set([2, 4]));
    expect([...some]).toEqual([[2, all[2]], [4, all[4]]]);
  });
});

describe('lineHashesFor occurrence counts', () => {
  // Identical lines far from the end of the text share one hash, so their counts run 1, 2, 3...: this checks
  // the occurrence table with one hash repeated thousands of times (a long probe chain) and in a small file.
  it.each([300, 20000])('counts repeats in a text of %i identical lines', (n) => {
    const text = 'same: line\n'.repeat(n);
    const want = [1, 2, 3, Math.floor(n / 2), n - 20];
    const got = lineHashesFor(text, new Set(want));
    const hash = got.get(1)!.split(':')[0];
    expect(want.map((l) => got.get(l))).toEqual(want.map((l) => `${hash}:${l}`));
  });

  it('gives the same answer whatever was hashed before', () => {
    const a = 'x: 1\ny: 2\nx: 1\n'.repeat(50);
    const b = 'apiVersion: v1\nkind: Service\n  a: [b]\n'.repeat(40);
    const lines = new Set([1, 3, 7, 60, 119]);
    const bFirst = lineHashesFor(b, lines);
    lineHashesFor(a, new Set([1, 2, 150]));
    lineHashesFor('z\n'.repeat(5000), new Set([4000]));
    expect(lineHashesFor(b, lines)).toEqual(bFirst);
    expect([...lineHashesFor(b, lines)]).toEqual([...lines].map((l) => [l, lineHashes(b)[l]]));
  });
});
