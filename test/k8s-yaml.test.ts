import { describe, expect, it } from 'vitest';
import { parseText } from '../src/load/parse.js';
import { parseGoInt } from '../src/load/k8s-yaml.js';

describe('scalars are read the way Kubernetes reads them (go-yaml v2 via sigs.k8s.io/yaml)', () => {
  const text = 'a: yes\nb: On\nc: n\nd: 0644\ne: 0x1F\nf: 1_000\ng: "yes"\nh: 8080\ni: -012\nj: 1.5\nk: off\nl: yesno\nm: 0\n';
  const expected = { a: true, b: true, c: false, d: 420, e: 31, f: 1000, g: 'yes', h: 8080, i: -10, j: 1.5, k: false, l: 'yesno', m: 0 };

  it('on the fast path (js-yaml)', () => {
    expect(parseText(text, 'yaml').docs[0]!.value).toEqual(expected);
  });

  it('on the careful path (yaml, taken for anchors), identically', () => {
    const withAnchor = `${text}n: &x 1\no: *x\n`;
    expect(parseText(withAnchor, 'yaml').docs[0]!.value).toEqual({ ...expected, false: 1, o: 1 });
  });

  it('merges `<<` keys on every path, as go-yaml v2 does', () => {
    // an inline map (no alias: the fast reader declines `<<`, js-yaml answers) and an alias (the careful path)
    expect(parseText('a: 1\n<<: {b: 2, a: 9}\n', 'yaml').docs[0]!.value).toEqual({ a: 1, b: 2 });
    expect(parseText('base: &b {b: 2, a: 9}\nx:\n  a: 1\n  <<: *b\n', 'yaml').docs[0]!.value).toEqual({ base: { b: 2, a: 9 }, x: { a: 1, b: 2 } });
  });

  it('parses Go base-0 integers', () => {
    expect([parseGoInt('0644'), parseGoInt('0o17'), parseGoInt('0b101'), parseGoInt('+7'), parseGoInt('08'), parseGoInt('1.0')]).toEqual([420, 15, 5, 7, undefined, undefined]);
  });
});
