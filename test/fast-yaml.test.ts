/**
 * The fast reader (src/load/fast-yaml.ts) must give exactly what js-yaml with K8S_SCHEMA gives whenever it
 * answers, and must answer (not bail) for the YAML manifests are normally written in: otherwise meshlint
 * silently loses its fast path. Values are compared through `repr`, which tells -0 from 0, NaN from null,
 * 1 from "1", and sees key order and own `__proto__` properties.
 */
import fc from 'fast-check';
import jsyaml from 'js-yaml';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fastLoadAll } from '../src/load/fast-yaml.js';
import { K8S_SCHEMA } from '../src/load/k8s-yaml.js';
import { parseText } from '../src/load/parse.js';

/** A canonical text for a parsed value: exact numbers, typed scalars, key order, prototypes. */
function repr(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(repr).join(',')}]`;
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) === Object.prototype ? '' : '!proto ';
    const rec = v as Record<string, unknown>;
    return `${proto}{${Object.getOwnPropertyNames(v).map((k) => `${JSON.stringify(k)}:${repr(rec[k])}`).join(',')}}`;
  }
  return `?${typeof v}`;
}

function jsLoad(text: string): unknown[] | 'error' {
  try {
    return jsyaml.loadAll(text, undefined, { schema: K8S_SCHEMA }) as unknown[];
  } catch {
    return 'error';
  }
}

/** Cases in the subset: [name, text, expected documents]. Each must be accepted and equal js-yaml. */
const ACCEPTED: [string, string, unknown[]][] = [
  // structure
  ['nested mappings', 'a:\n  b:\n    c: 1\n  d: x\ne: z\n', [{ a: { b: { c: 1 }, d: 'x' }, e: 'z' }]],
  ['indented sequence', 'ports:\n  - 80\n  - 443\n', [{ ports: [80, 443] }]],
  ['sequence in the key column', 'args:\n- a\n- b\nnext: 1\n', [{ args: ['a', 'b'], next: 1 }]],
  ['compact mappings in a sequence', 'c:\n- name: web\n  image: nginx\n- name: side\n', [{ c: [{ name: 'web', image: 'nginx' }, { name: 'side' }] }]],
  ['sequence under a compact key, in its column', '- a:\n  - x\n  b: 1\n', [[{ a: ['x'], b: 1 }]]],
  ['nested sequences on one line', '- - a\n  - b\n- c\n', [[['a', 'b'], 'c']]],
  ['entry on the line below its dash', '-\n  a: 1\n-\n  - x\n', [[{ a: 1 }, ['x']]]],
  ['empty entries and values', 'a:\nb:\n  -\n  - ~\n', [{ a: null, b: [null, null] }]],
  ['root indented', '  a: 1\n  b:\n    - x\n', [{ a: 1, b: ['x'] }]],
  ['quoted keys', '"a b": 1\n\'c\': 2\n', [{ 'a b': 1, c: 2 }]],
  ['quoted first key of a compact mapping', '- "k": v\n  j: w\n', [[{ k: 'v', j: 'w' }]]],
  ['spaces before the colon', 'a   : 1\n"b" : 2\n', [{ a: 1, b: 2 }]],
  // scalars (go-yaml v2 booleans and Go integers, core floats and nulls)
  ['booleans', 'a: yes\nb: On\nc: n\nd: FALSE\ne: y\nf: yesno\ng: "yes"\n', [{ a: true, b: true, c: false, d: false, e: true, f: 'yesno', g: 'yes' }]],
  ['nulls', 'a: ~\nb: null\nc: Null\nd: NULL\ne: nULL\nf:\ng: "~"\n', [{ a: null, b: null, c: null, d: null, e: 'nULL', f: null, g: '~' }]],
  ['Go integers', 'a: 0644\nb: 0x1F\nc: 0o17\nd: 0b101\ne: 1_000\nf: -012\ng: +7\nh: -0\ni: 0\nj: 12345678901234567890\n', [{ a: 420, b: 31, c: 15, d: 5, e: 1000, f: -10, g: 7, h: -0, i: 0, j: 12345678901234567890 }]],
  ['core floats', 'a: 1.5\nb: 1e3\nc: 08\nd: -0.0\ne: .5\nf: 1.\ng: .inf\nh: -.Inf\ni: .NAN\nj: 1_000.5\nk: 1e400\nl: -.5\nm: +.inf\n', [{ a: 1.5, b: 1000, c: 8, d: -0, e: 0.5, f: 1, g: Infinity, h: -Infinity, i: NaN, j: '1_000.5', k: '1e400', l: '-.5', m: Infinity }]],
  ['keys are converted with String()', '1: a\n0x10: b\n1.0e1: c\ntrue: d\nno: e\n~: f\n.inf: g\n-0: h\n', [{ 1: 'a', 16: 'b', 10: 'c', true: 'd', false: 'e', null: 'f', Infinity: 'g', 0: 'h' }]],
  ['colons and hashes inside plain scalars', 'a: a:b\nb: http://x.y:80/p?q#f\nc: a#b\nd: x # comment\ne: "#" # c\nf: a::b\n', [{ a: 'a:b', b: 'http://x.y:80/p?q#f', c: 'a#b', d: 'x', e: '#', f: 'a::b' }]],
  ['indicators inside plain scalars', 'a: -x\nb: ?y\nc: a - b\nd: x, y [z] {w}\ne: --\nf: :x\n', [{ a: '-x', b: '?y', c: 'a - b', d: 'x, y [z] {w}', e: '--', f: ':x' }]],
  ['unicode', 'ключ: значение\nemoji: 😀 ok\n"é": \'ü\'\n', [{ ключ: 'значение', emoji: '😀 ok', é: 'ü' }]],
  ['single quotes', "a: 'it''s'\nb: ''\nc: '# not a comment'\nd: 'yes'\n", [{ a: "it's", b: '', c: '# not a comment', d: 'yes' }]],
  ['double-quoted escapes', 'a: "q\\" b\\\\ s\\/ n\\n t\\t"\nb: "\\x41\\u00e9\\U0001F600"\nc: "\\0\\a\\b\\e\\v\\f\\r\\ \\N\\_\\L\\P"\nd: ""\n', [{ a: 'q" b\\ s/ n\n t\t', b: 'Aé😀', c: '\0\x07\b\x1b\v\f\r \x85\xa0\u2028\u2029', d: '' }]],
  ['__proto__ is an own key', '__proto__:\n  polluted: 1\nconstructor: x\n', [JSON.parse('{"__proto__":{"polluted":1},"constructor":"x"}')]],
  // multi-line scalars
  ['multi-line plain scalar', 'description: Operation contains information\n  about a running\n\n  operation\nnext: 1\n', [{ description: 'Operation contains information about a running\noperation', next: 1 }]],
  ['multi-line plain scalar ended by a comment line', 'a: one\n  two\n  # c\nb: 1\n', [{ a: 'one two', b: 1 }]],
  ['multi-line quoted scalars', 'a: "one\n  two  \n\n  three\\\n  four"\nb: \'x\n  y\'\n', [{ a: 'one two\nthreefour', b: 'x y' }]],
  // block scalars
  ['literal', 'a: |\n  x\n    y\n\n  z\nb: 1\n', [{ a: 'x\n  y\n\nz\n', b: 1 }]],
  ['literal strip and keep', 'a: |-\n  x\n\nb: |+\n  y\n\n\nc: |\n\nd: end\n', [{ a: 'x', b: 'y\n\n\n', c: '', d: 'end' }]],
  ['folded', 'a: >\n  one\n  two\n\n  three\n    more\n  four\nb: >-\n  x\n  y\n', [{ a: 'one two\nthree\n  more\nfour\n', b: 'x y' }]],
  ['folded keep, header comment', 'a: >+ # c\n  x\n\n', [{ a: 'x\n\n' }]],
  ['indentation indicator', 'a: |2-\n    lead\n  x\n', [{ a: '  lead\nx' }]],
  ['block scalar in a sequence and at end of text', '- |\n  a\n  b', [['a\nb\n']]],
  ['comment-looking lines inside a block scalar', 'a: |\n  # kept\n  x\n# outside\nb: 1\n', [{ a: '# kept\nx\n', b: 1 }]],
  // flow collections on one line
  ['flow collections', 'a: []\nb: {}\nc: ["a", \'b\', c]\nd: [80, 443,]\ne: {x: 1, "y": [a, {z: ~}]}\n', [{ a: [], b: {}, c: ['a', 'b', 'c'], d: [80, 443], e: { x: 1, y: ['a', { z: null }] } }]],
  ['flow collection entries', '- [a b, c]  # c\n- {k: v}\n- [nginx:1.25, "x"]\n- {a: b:c}\n', [[['a b', 'c'], { k: 'v' }, ['nginx:1.25', 'x'], { a: 'b:c' }]]],
  // js-yaml reads on after an empty entry without checking indentation (readBlockSequence)
  ['a less indented entry after an empty one joins the inner sequence', 'k:\n  -\n- x\n', [{ k: [null, 'x'] }]],
  // documents
  ['document markers', '--- # first\na: 1\n---\nb: 2\n...\n', [{ a: 1 }, { b: 2 }]],
  ['empty documents', '---\n---\n', [null, null]],
  ['trailing marker', 'a: 1\n---\n', [{ a: 1 }, null]],
  ['only a comment', '# nothing\n', [null]],
  ['empty text', '', []],
  ['one line break', '\n', []],
  ['two line breaks', '\n\n', [null]],
  ['document end then comments', 'a: 1\n...\n# c\n', [{ a: 1 }]],
  ['lone document end marker', '...\n', [null]],
  ['helm output', '---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/b.yaml\nkind: B\n', [{ kind: 'A' }, { kind: 'B' }]],
  ['CRLF line breaks', 'a: 1\r\nb:\r\n  - x # c\r\nc: |\r\n  l1\r\n  l2\r\n', [{ a: 1, b: ['x'], c: 'l1\nl2\n' }]],
  ['byte order mark', '\ufeffa: 1\n', [{ a: 1 }]],
  ['no final line break', 'a: 1\nb: x', [{ a: 1, b: 'x' }]],
];

/** Inputs the fast reader must decline. */
const DECLINED: [string, string][] = [
  ['anchor', 'a: &x 1\n'],
  ['alias', 'a: 1\nb: *x\n'],
  ['tag', 'a: !!str 1\n'],
  ['local tag', 'a: !foo x\n'],
  ['directive', '%YAML 1.2\n---\na: 1\n'],
  ['complex key', '? a\n: 1\n'],
  ['merge key', 'a:\n  <<: {b: 1}\n'],
  ['duplicate key', 'a: 1\na: 2\n'],
  ['duplicate after conversion', '1: a\n01: b\n'],
  ['tab in indentation', 'a:\n\tb: 1\n'],
  ['tab separator', 'a:\tb\n'],
  ['root scalar', 'hello\n'],
  ['flow collection over lines', 'a: [1,\n  2]\n'],
  ['flow mapping key without value', 'a: {b}\n'],
  ['mapping inside a flow sequence', 'a: [b: c]\n'],
  ['mapping on its key line', 'a: b: c\n'],
  ['unterminated double quote', 'a: "x\n'],
  ['unknown escape', 'a: "\\q"\n'],
  ['NUL byte', 'a: "\0"\n'],
  ['lone CR', 'a: 1\rb: 2\n'],
  ['control character', 'a: x\x01\n'],
  ['content on the marker line', '--- a: 1\n'],
  ['three dashes glued to text at a document start', '---x: 1\n'],
  ['bad indentation', 'a: 1\n b: 2\n'],
  ['block scalar header alone on its line', 'a:\n  |\n  x\n'],
  ['multi-line key', '"a\n b": 1\n'],
  ['deep nesting', `${Array.from({ length: 80 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`],
  ['comment glued to a quoted scalar', 'a: "x"#c\n'],
  ['explicit indentation 0', 'a: |0\n  x\n'],
];

describe('fastLoadAll: hand-written cases', () => {
  it.each(ACCEPTED)('%s', (_name, text, expected) => {
    const fast = fastLoadAll(text);
    expect(fast, 'the fast reader declined').toBeDefined();
    expect(repr(fast)).toBe(repr(expected));
    expect(repr(fast)).toBe(repr(jsLoad(text)));
  });

  it.each(DECLINED)('declines: %s', (_name, text) => {
    expect(fastLoadAll(text)).toBeUndefined();
  });

  it('is the path parseText takes, with Helm origins', () => {
    const text = '---\n# Source: chart/templates/svc.yaml\nkind: Service\nspec:\n  ports: [80]\n';
    expect(fastLoadAll(text)).toBeDefined();
    expect(parseText(text, 'yaml').docs).toEqual([{ index: 0, value: { kind: 'Service', spec: { ports: [80] } }, origin: 'chart/templates/svc.yaml' }]);
    // declined text still parses, through the general parsers
    expect(parseText('a: &x 1\nb: *x\n', 'yaml').docs[0]!.value).toEqual({ a: 1, b: 1 });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Generated documents

const TRICKY = [
  'yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'False', '0644', '08', '0x1F', '0o17', '0b101', '1_000', '1_000.5', '1e3',
  '1.', '.5', '-.5', '.inf', '-.Inf', '.nan', '-.nan', '~', 'null', 'NULL', '', '-', '--', '---', '...', ':', 'a:b', 'a: b',
  '#', 'a #b', 'a#b', '? a', '- a', '-1', '+1', '-0', '-0.0', '1e400', '12345678901234567890', '"', "'", "it's",
  'say "hi"', '\\', 'http://x.y:80/p?q=1#f', '*.example.com', '&x', '*x', '!tag', '%p', '@a', '|', '>', '[a]', '{a: 1}',
  'a, b', 'é', '日本', '😀', ' lead', 'trail ', 'two  spaces', 'line1\nline2', 'line1\n\nline3\n', 'a\tb', '\u2028',
  '\x85', '\x7f', '\x01', '__proto__', 'constructor', '<<', `${'word '.repeat(25)}end`, 'multi\n  indented\n', '\n',
];
const K8S_KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'app', 'spec', 'ports', 'port', 'targetPort', 'containers', 'image', 'app.kubernetes.io/name', 'with space', '8080', 'true', 'null', '1.5', '0x10', 'y'];
const keyArb = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...K8S_KEYS) }, { weight: 1, arbitrary: fc.constantFrom(...TRICKY) });
const scalarArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', ' ', ':', '#', '-', '"', "'", '\\', '\n', 'é', '😀', '1', '0', '.', 'e', '[', '{', ',', '!', '&', '*', '|', '>'), maxLength: 10 }) },
  { weight: 2, arbitrary: fc.integer({ min: -70000, max: 70000 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const nodeArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalarArb, tie('map'), tie('seq')),
  map: fc.dictionary(keyArb, tie('node'), { maxKeys: 5 }),
  seq: fc.array(tie('node'), { maxLength: 4 }),
})).node;
/** Kubernetes-like: every document is a mapping. */
const docArb = fc.dictionary(keyArb, nodeArb, { minKeys: 1, maxKeys: 6 });

interface Style {
  readonly indent: number;
  readonly sameColumnSequences: boolean;
  readonly comments: boolean;
  readonly blankLines: boolean;
  readonly crlf: boolean;
  readonly blockScalars: boolean;
  readonly flow: boolean;
  readonly foldPlain: boolean;
  readonly singleQuotes: boolean;
}
const styleArb: fc.Arbitrary<Style> = fc.record({
  indent: fc.constantFrom(1, 2, 3, 4),
  sameColumnSequences: fc.boolean(),
  comments: fc.boolean(),
  blankLines: fc.boolean(),
  crlf: fc.boolean(),
  blockScalars: fc.boolean(),
  flow: fc.boolean(),
  foldPlain: fc.boolean(),
  singleQuotes: fc.boolean(),
});

// A plain scalar this emitter dares to write as is; everything else is quoted or a block scalar.
const PLAIN_SAFE = /^[A-Za-z0-9_./~+][A-Za-z0-9_./~+ :-]*$/;

/**
 * A YAML writer of our own, for the styles that dumpers do not produce: compact `- key:` entries, sequences
 * in their key's column, comments and blank lines anywhere, CRLF, literal/folded scalars, folded plain
 * scalars. It need not be exact: each text is judged by comparing with js-yaml, not with the input value.
 */
class Emitter {
  private readonly out: string[] = [];
  private seed: number;

  constructor(private readonly st: Style, seed: number) {
    this.seed = (seed >>> 0) || 1;
  }

  private rnd(): number {
    // xorshift32: deterministic for a given fast-check seed
    let s = this.seed;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.seed = s >>> 0;
    return this.seed / 4294967296;
  }

  private line(text: string): void {
    const { st } = this;
    this.out.push(st.comments && this.rnd() < 0.15 ? `${text}  # note` : text);
    if (st.blankLines && this.rnd() < 0.1) this.out.push(' '.repeat(Math.floor(this.rnd() * 4)));
    if (st.comments && this.rnd() < 0.1) this.out.push(`${' '.repeat(Math.floor(this.rnd() * 6))}# comment`);
  }

  private scalar(v: unknown, indent: number): string {
    if (v === null) return ['null', '~', ''][Math.floor(this.rnd() * 3)]!;
    if (typeof v === 'number') return Object.is(v, -0) ? '-0.0' : Number.isNaN(v) ? '.nan' : v === Infinity ? '.inf' : v === -Infinity ? '-.inf' : String(v);
    if (typeof v !== 'string') return String(v);
    if (PLAIN_SAFE.test(v) && !v.includes(': ') && !v.endsWith(':') && !v.endsWith(' ')) {
      if (this.st.foldPlain && v.includes(' ') && this.rnd() < 0.5) return v.replace(/ (?=\S)/g, (m) => (this.rnd() < 0.4 ? `\n${' '.repeat(indent + 1 + Math.floor(this.rnd() * 3))}` : m));
      return v;
    }
    if (this.st.blockScalars && v.includes('\n') && !/[\x00-\x08\x0b-\x1f\x7f-\x9f\t]/.test(v) && this.rnd() < 0.7) {
      const pad = ' '.repeat(indent + 2);
      const header = (this.rnd() < 0.5 ? '|' : '>') + ['', '-', '+'][Math.floor(this.rnd() * 3)]!;
      return `${header}\n${v.split('\n').map((l) => (l === '' ? '' : pad + l)).join('\n')}`;
    }
    if (this.st.singleQuotes && !/[\x00-\x1f\x7f-\x9f]/.test(v)) return `'${v.replace(/'/g, "''")}'`;
    return JSON.stringify(v);
  }

  private key(k: string): string {
    return PLAIN_SAFE.test(k) && !k.includes(': ') && !k.endsWith(':') && !k.endsWith(' ') ? k : JSON.stringify(k);
  }

  private flow(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map((x) => this.flow(x)).join(', ')}]`;
    if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${this.flow(x)}`).join(', ')}}`;
    return typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : this.scalar(v, 0);
  }

  private isEmpty(v: unknown): boolean {
    return Array.isArray(v) ? v.length === 0 : Object.keys(v as object).length === 0;
  }

  node(v: unknown, indent: number): void {
    const pad = ' '.repeat(indent);
    if (Array.isArray(v)) {
      for (const item of v) {
        if (item === null || typeof item !== 'object') this.line(`${pad}- ${this.scalar(item, indent)}`);
        else if (this.isEmpty(item) || (this.st.flow && this.rnd() < 0.3)) this.line(`${pad}- ${this.flow(item)}`);
        else if (Array.isArray(item) || this.rnd() < 0.2) {
          this.line(`${pad}-`);
          this.node(item, indent + this.st.indent);
        } else {
          // compact: the first key on the dash line
          const at = this.out.length;
          this.node(item, indent + 2);
          this.out[at] = `${pad}- ${this.out[at]!.slice(indent + 2)}`;
        }
      }
      return;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === null || typeof x !== 'object') this.line(`${pad}${this.key(k)}: ${this.scalar(x, indent)}`);
      else if (this.isEmpty(x) || (this.st.flow && this.rnd() < 0.3)) this.line(`${pad}${this.key(k)}: ${this.flow(x)}`);
      else {
        this.line(`${pad}${this.key(k)}:`);
        this.node(x, Array.isArray(x) && this.st.sameColumnSequences ? indent : indent + this.st.indent);
      }
    }
  }

  documents(docs: unknown[]): string {
    docs.forEach((d, i) => {
      if (i > 0 || this.rnd() < 0.3) this.out.push(this.rnd() < 0.3 ? '--- # next' : '---');
      if (this.st.comments && this.rnd() < 0.3) this.out.push('# Source: chart/templates/x.yaml');
      this.node(d, 0);
    });
    const text = `${this.out.join('\n')}\n`;
    return this.st.crlf ? text.replace(/\n/g, '\r\n') : text;
  }
}

const dumpOptionsArb = fc.record({
  indent: fc.constantFrom(1, 2, 4),
  noArrayIndent: fc.boolean(),
  flowLevel: fc.constantFrom(-1, -1, 1, 2),
  lineWidth: fc.constantFrom(-1, 20, 80),
  quotingType: fc.constantFrom<'"' | "'">('"', "'"),
  forceQuotes: fc.boolean(),
});

/** Writes documents in one of several styles: js-yaml's dumper, the `yaml` package's, or our own emitter. */
const textArb = fc.oneof(
  fc.tuple(fc.array(docArb, { minLength: 1, maxLength: 3 }), dumpOptionsArb).map(([docs, o]) => ({ docs, text: docs.map((d) => jsyaml.dump(d, o)).join('---\n') })),
  fc.tuple(fc.array(docArb, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([docs, indentSeq]) => ({ docs, text: docs.map((d) => stringify(d, { indentSeq })).join('---\n') })),
  fc.tuple(fc.array(docArb, { minLength: 1, maxLength: 3 }), styleArb, fc.nat()).map(([docs, st, seed]) => ({ docs, text: new Emitter(st, seed).documents(docs) })),
);

/** The property every answer must have: declined, or exactly js-yaml's documents. */
function agrees(text: string): { accepted: boolean; jsOk: boolean } {
  let fast: unknown[] | undefined;
  expect(() => (fast = fastLoadAll(text))).not.toThrow();
  const js = jsLoad(text);
  if (fast === undefined) return { accepted: false, jsOk: js !== 'error' };
  if (js === 'error') throw new Error(`accepted a text js-yaml rejects: ${JSON.stringify(text)}`);
  expect(repr(fast), JSON.stringify(text)).toBe(repr(js));
  return { accepted: true, jsOk: true };
}

describe('fastLoadAll: repeated keys', () => {
  /** The fast reader answers exactly when js-yaml does, and then with the same documents. */
  function agrees(text: string): void {
    const expected = jsLoad(text);
    const fast = fastLoadAll(text);
    if (expected === 'error') expect(fast, text).toBeUndefined();
    else {
      expect(fast, `declined:\n${text}`).toBeDefined();
      expect(repr(fast)).toBe(repr(expected));
    }
  }
  const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);

  // small mappings are checked pair by pair, large ones by counting properties: both sides of the limit
  it.each([2, 3, 15, 16, 17, 40])('finds a repeat at any position among %i keys, at any depth', (n) => {
    const names = keys(n);
    const positions: [number, number][] = [[0, 1], [0, n - 1], [n - 2, n - 1], [Math.floor(n / 2), n - 1], [1, Math.floor(n / 2)]];
    for (const [i, j] of positions) {
      if (i >= j) continue;
      const repeated = names.map((k, x) => (x === j ? names[i]! : k));
      for (const list of [names, repeated]) {
        agrees(list.map((k, x) => `${k}: ${x}\n`).join(''));
        agrees(`top:\n${list.map((k, x) => `  ${k}: ${x}\n`).join('')}after: 1\n`);
        agrees(`- a: 1\n${list.map((k, x) => `  ${k}:\n    v: ${x}\n`).join('')}- b: 2\n`);
        agrees(`m: {${list.map((k, x) => `${k}: ${x}`).join(', ')}}\n`);
      }
    }
  });

  it('tells keys of different mappings apart', () => {
    // the same key at every level, in sibling mappings and in sequence entries is no repeat
    agrees('a:\n  a:\n    a: 1\n  b: 2\nb:\n  a: 3\n');
    agrees('- name: a\n  port: 1\n- name: b\n  port: 2\n');
    agrees('a: {a: {a: 1}, b: [a, {a: 2}]}\nb: {a: 1}\n');
    agrees('x:\n  y: 1\n---\nx:\n  y: 2\n');
    // but a key of the outer mapping repeated after a nested mapping that reused its slots is
    agrees('a:\n  x: 1\n  y: 2\nb: 1\na: 3\n');
    agrees('a:\n  x: 1\nb:\n  a: 1\n  b: 2\nb: 3\n');
    agrees('a: {x: 1, y: {x: 2}, x: 3}\n');
    agrees('- a: 1\n  b:\n    c: 1\n  a: 2\n');
  });

  it('compares keys as js-yaml stores them', () => {
    agrees('"a": 1\na: 2\n');
    agrees("'1': a\n1: b\n");
    agrees('0x10: a\n16: b\n');
    agrees('yes: a\n"true": b\n');
    agrees('a: {"b": 1, b: 2}\n');
    agrees('__proto__: 1\n__proto__: 2\n');
    agrees('__proto__: 1\nx: {__proto__: 2}\n');
    agrees(`__proto__: 1\n${keys(20).map((k) => `${k}: 1\n`).join('')}__proto__: 2\n`);
    agrees(`${keys(20).map((k) => `${k}: 1\n`).join('')}__proto__: 2\n`);
  });

  it('starts afresh after a parse that stopped inside a mapping', () => {
    // a later, unrelated parse still answers correctly after one that bailed half-way through a mapping
    expect(fastLoadAll('a:\n  b:\n    c: 1\n    c: 2\n')).toBeUndefined();
    expect(repr(fastLoadAll('c: 1\nb: 2\n'))).toBe(repr([{ c: 1, b: 2 }]));
  });
});

describe('fastLoadAll: nested sequences', () => {
  it('gives each sequence exactly its own entries, at every depth', () => {
    const texts = [
      '- [a, [b, c], d]\n- - x\n  - - y\n    - z\n  - w\n- k: [1, 2]\n  j:\n  - 3\n  - - 4\n    - []\n  l: 5\n- last\n',
      'a:\n- -\n  - b\n-\n- c: [d, {e: [f, g]}, h]\nz: [[], [[]], [1, [2, [3]]]]\n',
      // an empty entry followed by a less indented `- ` line (js-yaml reads it into the same sequence)
      'a:\n  -\n- b\n',
      `big:\n${Array.from({ length: 1500 }, (_, i) => `- [${i}, x${i}]\n`).join('')}after: [1]\n`,
      'after: [a, [b]]\n',
    ];
    for (const text of texts) {
      const fast = fastLoadAll(text);
      expect(fast, `declined:\n${text}`).toBeDefined();
      expect(repr(fast)).toBe(repr(jsLoad(text)));
    }
    // a parse abandoned inside nested sequences leaves nothing behind for the next one
    expect(fastLoadAll('- - a\n  - [b, &x c]\n')).toBeUndefined();
    expect(repr(fastLoadAll('- d\n'))).toBe(repr([['d']]));
  });
});

describe('fastLoadAll: repeated scalars', () => {
  it('resolves every scalar by its own text, however often texts repeat or share a cache slot', () => {
    // many distinct short texts (more than the value cache has slots) of every resolvable kind, each used
    // several times, in block and flow context; then the same texts again in a second parse
    const words = ['1', '01', '010', '0x1F', '0o17', '0b101', '1_000', '-0', '+1', '1.0', '1e3', '.5', '.inf', '-.Inf', '.nan',
      '~', 'null', 'Null', 'NULL', 'nul', 'y', 'Y', 'yes', 'No', 'on', 'OFF', 'true', 'False', 'tru', 'TCP', 'v1', 'apps/v1',
      'x'.repeat(24), 'y'.repeat(25), `${'z'.repeat(12)}1`, '12345678901234567890', '123456789012345'];
    const values: string[] = [...words];
    for (let i = 0; values.length < 12_000; i++) values.push(i % 3 === 0 ? String(i) : i % 3 === 1 ? `w${i.toString(36)}` : `${i}.${i % 7}`);
    const text = (offset: number) =>
      Array.from({ length: 40 }, (_, d) => {
        const slice = values.slice(d * 300, d * 300 + 300);
        const block = slice.map((v, i) => `  k${i}: ${v}\n`).join('');
        const seq = slice.map((v) => `  - ${v}\n`).join('');
        return `---\nm:\n${block}s:\n${seq}f: [${slice.slice(offset).join(', ')}]\nw: {${words.map((w, i) => `a${i}: ${w}`).join(', ')}}\n`;
      }).join('');
    for (const t of [text(0), text(5), text(0)]) {
      const fast = fastLoadAll(t);
      expect(fast, 'the fast reader declined').toBeDefined();
      expect(repr(fast)).toBe(repr(jsLoad(t)));
    }
  });
});

describe('fastLoadAll: generated manifests', () => {
  it('agrees with js-yaml, and accepts most well-formed documents', () => {
    let accepted = 0;
    let wellFormed = 0;
    fc.assert(
      fc.property(textArb, ({ text }) => {
        const r = agrees(text);
        if (r.jsOk) wellFormed++;
        if (r.accepted) accepted++;
      }),
      { numRuns: 1500, seed: 20260611 },
    );
    // The generators write control characters, tabs and `<<` keys on purpose, which are declined; the rest of
    // the well-formed texts must take the fast path.
    expect(wellFormed).toBeGreaterThan(1000);
    expect(accepted / wellFormed).toBeGreaterThan(0.75);
  });

  it('accepts ordinary manifests written in every style', () => {
    // Only Kubernetes-looking values: no control characters, tabs or merge keys, which are declined on purpose.
    const plainValue = fc.oneof(fc.constantFrom('web', 'nginx:1.25', 'yes', '0644', '1e3', '~', 'a: b', '#x', "it's", 'é 😀', '', 'two words here', 'l1\nl2\n'), fc.integer({ min: 0, max: 65535 }), fc.boolean(), fc.constant(null));
    const objArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, plainValue, tie('map'), tie('seq')),
      map: fc.dictionary(fc.constantFrom(...K8S_KEYS), tie('node'), { maxKeys: 4 }),
      seq: fc.array(tie('node'), { maxLength: 3 }),
    })).node;
    const manifest = fc.dictionary(fc.constantFrom(...K8S_KEYS), objArb, { minKeys: 1, maxKeys: 5 });
    let declined = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.array(manifest, { minLength: 1, maxLength: 3 }), styleArb, fc.nat(), dumpOptionsArb, fc.nat({ max: 2 }), (docs, st, seed, o, writer) => {
        const text = writer === 0 ? new Emitter(st, seed).documents(docs) : writer === 1 ? docs.map((d) => jsyaml.dump(d, o)).join('---\n') : docs.map((d) => stringify(d)).join('---\n');
        const r = agrees(text);
        // texts js-yaml rejects (e.g. keys `y` and `true` both meaning "true") do not count
        if (r.jsOk) runs++;
        if (r.jsOk && !r.accepted) declined++;
      }),
      { numRuns: 800, seed: 7 },
    );
    expect(declined / runs).toBeLessThan(0.02);
  });

  it('never throws on damaged documents, and answers only when js-yaml agrees', () => {
    const edits = fc.array(
      fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), fc.constantFrom(' ', '\n', ':', '-', '#', '"', "'", '\t', '|', '>', '[', ']', '{', '}', ',', '\\', 'a', '0', '\r', '&', '*', '!', '?', '.', 'é', '\0', '\ufeff', '- ', ': ', '---\n', '...\n', '  ')),
      { minLength: 1, maxLength: 4 },
    );
    let accepted = 0;
    fc.assert(
      fc.property(textArb, edits, ({ text }, ops) => {
        let t = text;
        for (const [p, op, s] of ops) {
          const i = p % (t.length + 1);
          t = op === 'delete' ? t.slice(0, i) + t.slice(i + 1) : op === 'insert' ? t.slice(0, i) + s + t.slice(i) : t.slice(0, i) + s + t.slice(i + 1);
        }
        if (agrees(t).accepted) accepted++;
      }),
      { numRuns: 1500, seed: 99 },
    );
    // many damaged texts are still valid YAML; some of them must have been checked, not just declined
    expect(accepted).toBeGreaterThan(200);
  });
});
