/**
 * Hostile and broken inputs: each gets a clear message naming the file (and line where there is one), the
 * rest of the run is unaffected, and nothing prints a stack trace.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFsError } from '../src/load/discover.js';
import { runCli, tempTree } from './helpers/cli.js';
import { yaml } from './helpers/rule-tester.js';

const good = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: orphan}
  spec: {selector: {app: nothing-here}, ports: [{port: 80}]}
`;

const aliasBomb = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'kind: ConfigMap',
  'apiVersion: v1',
  'metadata: {name: bomb}',
  '',
].join('\n');

interface JsonOut {
  findings: { ruleId: string; file: string; line: number; column: number; message: string }[];
  files: { path: string; status: string; objects: number; note?: string }[];
  summary: { inputErrors: { path: string; message: string }[] };
}

describe('bad input', () => {
  const t = tempTree({
    'k8s/good.yaml': good,
    'k8s/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  key: [unclosed\n',
    'k8s/multi.yaml': good.replace('orphan', 'first') + '---\nkey: : :\n  - nope\n---\n' + good.replace('orphan', 'third'),
    'k8s/binary.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]),
    'k8s/empty.yaml': '',
    'k8s/comments-only.yml': '# nothing here\n---\n',
    'k8s/bomb.yaml': aliasBomb,
    'k8s/proto.yaml': yaml`
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: proto
        __proto__: {polluted: true}
        labels: {constructor: x}
      data: {__proto__: "y"}
    `,
    'k8s/bad.json': '{"apiVersion": "v1", "kind": "Service",\n  "metadata": {"name": "j"},\n  "spec": }\n',
    'k8s/dupkeys.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n  name: dup2\n',
    'k8s/list.yaml': yaml`
      apiVersion: v1
      kind: List
      items:
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: in-list}
        - "not an object"
    `,
    'k8s/scalar.yaml': 'just a string\n',
    'k8s/tags.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tagged\ndata:\n  ref: !Ref something\n',
  });
  // A directory that links to itself, for the walker.
  mkdirSync(path.join(t.dir, 'k8s', 'loop'));
  symlinkSync(path.join(t.dir, 'k8s', 'loop'), path.join(t.dir, 'k8s', 'loop', 'again'));
  afterAll(t.cleanup);

  it('reports every broken file by name and position and still lints the good ones', async () => {
    const r = await runCli(['k8s', '-f', 'json', '--no-gitignore'], { cwd: t.dir });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as JsonOut;
    const by = (file: string) => out.findings.filter((f) => f.file === `k8s/${file}`).map((f) => [f.ruleId, f.line, f.column, f.message]);

    // the parser notices the missing ] at the end of the input
    // at the `[` left open, not at the end of the file where the parser gave up
    expect(by('broken.yaml')).toEqual([
      ['manifest-parse-error', 6, 8, 'Flow sequence in block collection must be sufficiently indented and end with a ]: the "[" opened here is not closed (the parser gave up at line 7, column 1)'],
    ]);
    expect(by('binary.yaml')).toEqual([['manifest-parse-error', 1, 1, 'binary file (NUL byte at offset 4); not parsed']]);
    expect(by('bad.json')).toEqual([['manifest-parse-error', 3, 11, expect.stringMatching(/^invalid JSON: /)]]);
    expect(by('dupkeys.yaml')).toEqual([['manifest-parse-error', 5, 3, expect.stringMatching(/unique|duplicate/i)]]);
    expect(by('bomb.yaml')).toEqual([['manifest-parse-error', 1, 1, expect.stringMatching(/alias/i)]]);
    // the broken middle document of multi.yaml does not hide its neighbours
    expect(by('multi.yaml').map((f) => f[0]).sort()).toEqual(['manifest-parse-error', 'service-selector-matches-nothing', 'service-selector-matches-nothing']);
    expect(by('scalar.yaml')).toEqual([['manifest-invalid', 1, 1, 'document is a string, not a Kubernetes object']]);
    expect(by('list.yaml')).toEqual([['manifest-invalid', 7, 5, 'item 1 of the List is not an object']]);
    // __proto__ keys stay data; nothing is polluted. In metadata it is an unknown field (the API server's
    // strict field validation rejects it); under `data`, a free-form map, it is a legitimate key.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(by('proto.yaml')).toEqual([['manifest-invalid', 5, 3, 'unknown field "metadata.__proto__" (schema of v1 ConfigMap)']]);
    // an unknown tag is not an error in Kubernetes terms: the value is kept as a string
    expect(by('tags.yaml')).toEqual([]);

    const status = Object.fromEntries(out.files.map((f) => [f.path, f.status]));
    expect(status).toMatchObject({
      'k8s/good.yaml': 'ok',
      'k8s/empty.yaml': 'empty',
      'k8s/comments-only.yml': 'empty',
      'k8s/binary.yaml': 'error',
      'k8s/broken.yaml': 'error',
      'k8s/list.yaml': 'ok',
    });
    expect(out.files.find((f) => f.path === 'k8s/list.yaml')?.objects).toBe(1);
    expect(r.code).toBe(1);
  });

  it('files over --max-file-size are reported, not read', async () => {
    const big = tempTree({ 'big.yaml': `${good}---\n${'# padding line to make the file large\n'.repeat(40_000)}` });
    try {
      const r = await runCli(['big.yaml', '--max-file-size', '1', '-f', 'json'], { cwd: big.dir });
      const out = JSON.parse(r.stdout) as JsonOut;
      expect(out.findings.map((f) => [f.ruleId, f.line, f.message])).toEqual([
        ['manifest-parse-error', 1, expect.stringMatching(/^file is \d+ bytes, over the limit of 1048576 bytes \(--max-file-size\); not parsed$/)],
      ]);
    } finally {
      big.cleanup();
    }
  });

  it('a special file named explicitly is an input error; permission errors are worded for people', async () => {
    const d = tempTree({});
    try {
      execFileSync('mkfifo', [path.join(d.dir, 'pipe.yaml')]);
      const r = await runCli(['pipe.yaml', '-f', 'json'], { cwd: d.dir });
      expect(r.code).toBe(2);
      expect((JSON.parse(r.stdout) as JsonOut).summary.inputErrors).toEqual([{ path: 'pipe.yaml', message: 'not a regular file or directory' }]);
      expect(r.stderr).toBe('meshlint: pipe.yaml: not a regular file or directory\n');
    } finally {
      d.cleanup();
    }
    // Tests may run as root, where chmod 000 does not stop a read; the wording is what users see.
    expect(describeFsError({ code: 'EACCES' }, 'x')).toBe('permission denied');
    expect(describeFsError({ code: 'ELOOP' }, 'x')).toBe('too many levels of symbolic links (a symlink loop?)');
  });

  it('an empty directory is named as such', async () => {
    const d = tempTree({ 'docs/readme.md': '# no manifests\n' });
    try {
      const r = await runCli(['docs'], { cwd: d.dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('✖ docs: directory contains no .yaml, .yml or .json files');
    } finally {
      d.cleanup();
    }
  });
});
