/**
 * Reading and finding files (src/load/index.ts readOne, src/load/discover.ts): the size limit and its two
 * messages, binary files, files larger than the read buffer, and the paths the directory walk yields.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles, displayPath } from '../src/load/discover.js';
import { loadInputs, type LoadOptions } from '../src/load/index.js';
import { tempTree } from './helpers/cli.js';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';

function options(dir: string, maxFileBytes: number, paths: string[] = ['.']): LoadOptions {
  return { paths, cwd: dir, defaultNamespace: 'default', ignore: [], gitignore: false, stdinName: '<stdin>', maxFileBytes };
}

/** Per file: its parse problem, or how many objects it gave. */
async function outcome(dir: string, maxFileBytes: number): Promise<Record<string, string | number>> {
  const r = await loadInputs(options(dir, maxFileBytes));
  const out: Record<string, string | number> = {};
  for (const a of r.accounting) out[a.path] = a.status === 'error' ? (a.note ?? 'error') : a.objects;
  return out;
}

describe('reading files', () => {
  it('applies the size limit by the file size, and reports it with the size', async () => {
    const t = tempTree({ 'at.yaml': CM, 'over.yaml': `${CM}# one more\n` });
    try {
      const limit = Buffer.byteLength(CM);
      expect(await outcome(t.dir, limit)).toEqual({
        'at.yaml': 1,
        'over.yaml': `file is ${limit + 11} bytes, over the limit of ${limit} bytes (--max-file-size); not parsed`,
      });
      expect(await outcome(t.dir, 0)).toEqual({
        'at.yaml': `file is ${limit} bytes, over the limit of 0 bytes (--max-file-size); not parsed`,
        'over.yaml': `file is ${limit + 11} bytes, over the limit of 0 bytes (--max-file-size); not parsed`,
      });
    } finally {
      t.cleanup();
    }
  });

  it('reads files larger than its buffer whole, and refuses those over the limit without reading them all', async () => {
    const value = 'x'.repeat(3 * 1024 * 1024 + 5);
    const big = `${CM}data:\n  big: ${value}\n`;
    const t = tempTree({ 'big.yaml': big, 'small.yaml': CM });
    try {
      const r = await loadInputs(options(t.dir, 64 * 1024 * 1024));
      const cm = r.resources.find((x) => x.source.file.path === 'big.yaml');
      expect((cm?.obj.data as Record<string, string>).big).toBe(value);
      expect(r.files.find((f) => f.path === 'big.yaml')?.text).toBe(big);
      expect(r.resources.filter((x) => x.source.file.path === 'small.yaml')).toHaveLength(1);
      expect((await outcome(t.dir, 2 * 1024 * 1024))['big.yaml']).toBe(`file is ${big.length} bytes, over the limit of ${2 * 1024 * 1024} bytes (--max-file-size); not parsed`);
    } finally {
      t.cleanup();
    }
  });

  it('recognises binary files by a NUL in the first 8 KiB of each file only', async () => {
    const pad = (n: number) => `# ${'p'.repeat(n - 3)}\n`;
    const t = tempTree({
      // read in this order: a long file with a NUL, then files shorter than where that NUL was
      'a-nul-5000.yaml': Buffer.concat([Buffer.from(pad(5000)), Buffer.from([0]), Buffer.from(`\n${pad(3000)}`)]),
      'b-clean.yaml': CM,
      'c-nul-8191.yaml': Buffer.concat([Buffer.from(pad(8191)), Buffer.from([0]), Buffer.from('\n')]),
      'd-nul-8192.yaml': Buffer.concat([Buffer.from(`${CM}${pad(8192 - Buffer.byteLength(CM))}`), Buffer.from([0]), Buffer.from('\n')]),
      'e-short.yaml': `${CM.slice(0, -1)}x\n`,
      'f-bom.yaml': `\ufeff${CM}`,
      'g-empty.yaml': '',
    });
    try {
      const out = await outcome(t.dir, 1 << 20);
      expect(out['a-nul-5000.yaml']).toBe('binary file (NUL byte at offset 5000); not parsed');
      expect(out['b-clean.yaml']).toBe(1);
      expect(out['c-nul-8191.yaml']).toBe('binary file (NUL byte at offset 8191); not parsed');
      // past the probe the NUL is left to the parser
      expect(out['d-nul-8192.yaml']).not.toMatch(/^binary file/);
      expect(out['e-short.yaml']).toBe(1);
      expect(out['f-bom.yaml']).toBe(1);
      expect(out['g-empty.yaml']).toBe(0);
      const r = await loadInputs(options(t.dir, 1 << 20));
      expect(r.files.find((f) => f.path === 'f-bom.yaml')?.text).toBe(CM);
      expect(r.resources.find((x) => x.source.file.path === 'e-short.yaml')?.name).toBe('cx');
    } finally {
      t.cleanup();
    }
  });
});

describe('finding files', () => {
  it('gives the walked files as normalized absolute paths, whatever the root looks like', async () => {
    const t = tempTree({});
    try {
      // a root below a dot directory, names with dots, nesting
      const root = path.join(t.dir, '.hidden', 'repo');
      const rels = ['a.yaml', 'sub/b.yml', 'c..d/e/f.json', 'x.y/z.yaml', 'deep/er/est/g.yaml'];
      for (const rel of rels) {
        mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        writeFileSync(path.join(root, rel), CM);
      }
      const expected = rels.map((rel) => path.join(root, rel)).sort();
      for (const [cwd, given] of [[root, '.'], [root, './'], [root, 'sub/..'], [t.dir, '.hidden/repo/'], [path.join(root, 'sub'), '..'], ['/', root.slice(1)]] as const) {
        const found = await discoverFiles([given], { cwd, ignore: [], gitignore: false });
        expect(found.files, `${cwd} ${given}`).toEqual(expected);
        expect(found.errors).toEqual([]);
      }
    } finally {
      t.cleanup();
    }
  });

  it('shows paths relative to each working directory in turn', () => {
    expect(displayPath('/a/b/c.yaml', '/a')).toBe('b/c.yaml');
    expect(displayPath('/a/b/c.yaml', '/a/b')).toBe('c.yaml');
    expect(displayPath('/a/b/c.yaml', '/a/')).toBe('b/c.yaml');
    expect(displayPath('/a/b/c.yaml', '/')).toBe('a/b/c.yaml');
    // outside the working directory: the absolute path
    expect(displayPath('/a/b/c.yaml', '/x')).toBe('/a/b/c.yaml');
    expect(displayPath('/a/b/c.yaml', '/a')).toBe('b/c.yaml');
  });
});
