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
