import { describe, expect, it } from 'vitest';
import { pathKey, type Path, type Resource, type SourceFile, type SourceRef } from '../src/load/types.js';
import { builtOnUnknown, isUncertain } from '../src/load/unknown.js';
import { Locator } from '../src/report/locate.js';
import type { Finding } from '../src/rules/types.js';

const TEXT = 'line one\nconst x = { spec: { port: 80 } };\n';
const file: SourceFile = { path: 'src/x.ts', text: TEXT, format: 'typescript' };

function offsets(needle: string): readonly [number, number] {
  const i = TEXT.indexOf(needle);
  return [i, i + needle.length];
}

describe('loader-supplied position maps', () => {
  const source: SourceRef = {
    file,
    docIndex: 0,
    prefix: [],
    positions: new Map<string, readonly [number, number]>([
      [pathKey([]), offsets('const x')],
      [pathKey(['spec']), offsets('spec')],
      [pathKey(['spec', 'port']), offsets('port: 80')],
    ]),
  };
  const at = (p: Path) => {
    const l = new Locator().locate(source, p);
    return `${l.uri}:${l.region.startLine}:${l.region.startColumn}-${l.region.endLine}:${l.region.endColumn} ${l.exact ? 'exact' : 'approximate'}`;
  };

  it('are used instead of the YAML CST, exact for a mapped path', () => {
    expect(at(['spec', 'port'])).toBe('src/x.ts:2:21-2:29 exact');
    expect(at([])).toBe('src/x.ts:2:1-2:8 exact');
  });

  it('fall back to the longest mapped prefix', () => {
    expect(at(['spec', 'port', 'name'])).toBe('src/x.ts:2:21-2:29 approximate');
    expect(at(['metadata', 'name'])).toBe('src/x.ts:2:1-2:8 approximate');
  });

  it('say why when a rendered object is located in its declaring file only approximately', () => {
    const rendered: SourceRef = { ...source, renderedBy: 'kustomize (overlays/prod)' };
    const l = new Locator().locate(rendered, ['spec', 'replicas']);
    expect(l.exact).toBe(false);
    expect(l.note).toBe('spec.replicas is not written in src/x.ts; kustomize (overlays/prod) sets or changes it, so the nearest enclosing key is shown');
    expect(new Locator().locate(rendered, ['spec', 'port']).note).toBeUndefined();
  });
});

describe('unknown values', () => {
  const resource = { unknown: [['spec', 'selector', 'tier'], ['spec', 'template', 'metadata', 'labels']] } as unknown as Resource;

  it('make a path uncertain when it, an ancestor or a descendant is unknown', () => {
    expect(isUncertain(resource, ['spec', 'selector', 'tier'])).toBe(true);
    expect(isUncertain(resource, ['spec', 'selector'])).toBe(true); // a descendant is unknown
    expect(isUncertain(resource, ['spec', 'template', 'metadata', 'labels', 'app'])).toBe(true); // an ancestor is incomplete
    expect(isUncertain(resource, ['spec', 'selector', 'app'])).toBe(false); // a sibling is known
    expect(isUncertain(resource, ['spec', 'ports', 0])).toBe(false);
    expect(isUncertain({} as Resource, [])).toBe(false);
  });

  it('drop a finding whose own or related path is uncertain', () => {
    const known = {} as Resource;
    const f = (res: Resource, path: Path, related: Finding['related'] = []): Finding => ({ ruleId: 'r', messageId: 'm', data: {}, message: '', level: 'warning', resource: res, path, related });
    expect(builtOnUnknown(f(resource, ['spec', 'selector', 'app']))).toBe(false);
    expect(builtOnUnknown(f(resource, ['spec', 'selector']))).toBe(true);
    expect(builtOnUnknown(f(known, ['spec'], [{ resource, path: ['spec', 'template', 'metadata', 'labels'], message: '' }]))).toBe(true);
  });
});
