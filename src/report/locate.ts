/**
 * (object, path) → file, line and column. This is the only place that knows positions. It works on the
 * `yaml` package's CST (no composition, so it is cheap) and only for files that have findings. A path that
 * ends at a missing key falls back to the nearest existing ancestor, and says so (`exact: false`).
 */
import { CST, Parser } from 'yaml';
import { documentStarts } from '../load/parse.js';
import { documentLines, fastLocate, fastLocateJson, type DocumentLines } from './fast-locate.js';
import { formatPath, pathKey, type Path, type SourceFile, type SourceRef } from '../load/types.js';

export interface Region {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  /** Exclusive, as SARIF wants it. */
  readonly endColumn: number;
}

export interface ResolvedLocation {
  /** Path users see (for Helm output, the chart template path). */
  readonly uri: string;
  readonly region: Region;
  /** False when the path was not found and an ancestor was used. */
  readonly exact: boolean;
  /** For rendered Helm output: lines are counted from the document's `# Source:` line. */
  readonly rendered?: boolean;
  /** Why the location is only approximate, in words, when the loader knows (kustomize patches). */
  readonly note?: string;
}

interface FileIndex {
  readonly lineStarts: number[];
  /** Offset where each document starts (see documentStarts). */
  readonly starts: number[];
  /** Documents parsed so far, by index; offsets in them are relative to `base`. */
  readonly docs: Map<number, ParsedDocument | undefined>;
  /** The whole file parsed at once: only when the document boundaries disagree with the object. */
  whole?: CST.Document[];
  /**
   * Per document, what the line scanner needs again for every finding, related location and flow step in it:
   * its lines (split once, not once per path) and its `kind:` value. Null when the scanner declines the document.
   */
  readonly scanned: Map<number, ScannedDocument | null>;
}

interface ScannedDocument {
  readonly lines: DocumentLines;
  /** The `kind:` value as written (quotes removed), or undefined when the scanner cannot place the key exactly. */
  readonly kind: string | undefined;
}

interface ParsedDocument {
  readonly doc: CST.Document;
  readonly base: number;
}

type Token = CST.Token;

export class Locator {
  private readonly cache = new Map<SourceFile, FileIndex>();

  /** `fast: false` always walks the CST (tests compare both). */
  constructor(private readonly options: { fast?: boolean } = {}) {}

  private index(file: SourceFile): FileIndex {
    let idx = this.cache.get(file);
    if (!idx) {
      idx = { lineStarts: lineStarts(file.text), starts: documentStarts(file.text), docs: new Map(), scanned: new Map() };
      this.cache.set(file, idx);
    }
    return idx;
  }

  /**
   * Document `i`, parsed on its own: only documents with findings are parsed, which matters for large
   * multi-document files (an install bundle with one finding).
   */
  private document(file: SourceFile, idx: FileIndex, i: number): ParsedDocument | undefined {
    if (idx.docs.has(i)) return idx.docs.get(i);
    let parsed: ParsedDocument | undefined;
    const base = idx.starts[i];
    if (base !== undefined) {
      const end = idx.starts[i + 1] ?? file.text.length;
      const doc = firstDocument(file.text.slice(base, end));
      parsed = doc ? { doc, base } : undefined;
    }
    idx.docs.set(i, parsed);
    return parsed;
  }

  private wholeFile(file: SourceFile, idx: FileIndex): CST.Document[] {
    if (!idx.whole) {
      idx.whole = [];
      try {
        for (const tok of new Parser().parse(file.text)) if (tok.type === 'document') idx.whole.push(tok);
      } catch {
        // the CST parser does not throw on bad YAML, but nothing here may end the run
      }
    }
    return idx.whole;
  }

  /** The document holding the object: by index, checked against its kind and name, else searched nearby. */
  private pick(file: SourceFile, idx: FileIndex, source: SourceRef, expect: { kind: string; name: string } | undefined): ParsedDocument | undefined {
    const own = this.document(file, idx, source.docIndex);
    if (!expect || source.prefix.length || (own && docMatches(own.doc, expect))) return own;
    const whole = this.wholeFile(file, idx);
    const found = pickDocument(whole, source.docIndex, expect);
    return found ? { doc: found, base: 0 } : own;
  }

  /** Position of `path` inside the object at `source`. */
  locate(source: SourceRef, path: Path, expect?: { kind: string; name: string }): ResolvedLocation {
    const loc = source.positions ? this.fromPositions(source, path) : this.fromCst(source, path, expect);
    if (loc.exact || !source.renderedBy || path.length === 0) return loc;
    const note = `${formatPath(path)} is not written in ${loc.uri}; ${source.renderedBy} sets or changes it, so the nearest enclosing key is shown`;
    return { ...loc, note };
  }

  /** Loader-supplied positions: the longest mapped prefix of the path. */
  private fromPositions(source: SourceRef, path: Path): ResolvedLocation {
    const positions = source.positions!;
    const full = [...source.prefix, ...path];
    for (let n = full.length; n >= 0; n--) {
      const range = positions.get(pathKey(full.slice(0, n)));
      if (!range) continue;
      const region = toRegion(this.lines(source.file), range[0], range[1], source.file.text);
      return { uri: source.file.path, region, exact: n === full.length };
    }
    return { uri: source.file.path, region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 }, exact: false };
  }

  private readonly lineCache = new Map<SourceFile, number[]>();

  private lines(file: SourceFile): number[] {
    let l = this.cache.get(file)?.lineStarts ?? this.lineCache.get(file);
    if (!l) this.lineCache.set(file, (l = lineStarts(file.text)));
    return l;
  }

  private fromCst(source: SourceRef, path: Path, expect: { kind: string; name: string } | undefined): ResolvedLocation {
    const file = source.file;
    const idx = this.index(file);
    const fast = this.options.fast === false ? undefined : this.fromLines(file, idx, source, path, expect);
    if (fast) return fast;
    const picked = this.pick(file, idx, source, expect);
    let range: [number, number] | undefined;
    let exact = true;
    if (picked?.doc.value) {
      const found = walk(picked.doc.value, [...source.prefix, ...path]);
      range = [found.range[0] + picked.base, found.range[1] + picked.base];
      exact = found.exact;
    } else if (picked) {
      range = [picked.doc.offset + picked.base, picked.doc.offset + picked.base];
      exact = path.length === 0;
    }
    if (!range) return { uri: file.path, region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 }, exact: false };
    const region = toRegion(idx.lineStarts, range[0], range[1], file.text);
    if (source.origin) {
      const base = helmBaseLine(idx.lineStarts, file.text, picked ? picked.doc.offset + picked.base : undefined);
      return {
        uri: source.origin,
        region: { ...region, startLine: region.startLine - base, endLine: region.endLine - base },
        exact,
        rendered: true,
      };
    }
    return { uri: file.path, region, exact };
  }

  /** The line scanner (fast-locate.ts), when it can answer with certainty for this document. */
  private fromLines(file: SourceFile, idx: FileIndex, source: SourceRef, path: Path, expect: { kind: string; name: string } | undefined): ResolvedLocation | undefined {
    if (file.format === 'json') return this.fromJson(file, idx, source, path);
    const start = idx.starts[source.docIndex];
    if (start === undefined) return undefined;
    const end = idx.starts[source.docIndex + 1] ?? file.text.length;
    const scanned = this.scan(file, idx, source.docIndex, start, end);
    if (!scanned) return undefined;
    // the document index must hold this object; otherwise the CST path searches for it
    if (expect && !source.prefix.length && scanned.kind !== expect.kind) return undefined;
    const found = fastLocate(file.text, start, end, [...source.prefix, ...path], scanned.lines);
    if (!found) return undefined;
    const region = toRegion(idx.lineStarts, found.range[0], found.range[1], file.text);
    if (source.origin) {
      const base = helmBaseLine(idx.lineStarts, file.text, start);
      return { uri: source.origin, region: { ...region, startLine: region.startLine - base, endLine: region.endLine - base }, exact: found.exact, rendered: true };
    }
    return { uri: file.path, region, exact: found.exact };
  }

  /** Document `i` split into lines, with its kind, once per locator (null: the line scanner declines it). */
  private scan(file: SourceFile, idx: FileIndex, i: number, start: number, end: number): ScannedDocument | null {
    let s = idx.scanned.get(i);
    if (s === undefined) {
      const lines = documentLines(file.text, start, end);
      if (lines === undefined) s = null;
      else {
        const k = fastLocate(file.text, start, end, ['kind'], lines);
        const kind = k?.exact ? unquote(file.text.slice(k.range[0], k.range[1]).replace(/^kind:\s*/, '')) : undefined;
        s = { lines, kind };
      }
      idx.scanned.set(i, s);
    }
    return s;
  }

  /** A JSON file holds one document: the JSON scanner, when it is sure. */
  private fromJson(file: SourceFile, idx: FileIndex, source: SourceRef, path: Path): ResolvedLocation | undefined {
    if (source.docIndex !== 0 || source.origin) return undefined;
    const found = fastLocateJson(file.text, 0, file.text.length, [...source.prefix, ...path]);
    if (!found) return undefined;
    return { uri: file.path, region: toRegion(idx.lineStarts, found.range[0], found.range[1], file.text), exact: found.exact };
  }

  /** Region for a 1-based line/column given by a parser error (clamped to the file). */
  point(file: SourceFile, line: number | undefined, column: number | undefined): Region {
    const idx = this.index(file);
    const l = Math.min(Math.max(line ?? 1, 1), idx.lineStarts.length);
    const start = idx.lineStarts[l - 1]!;
    const end = l < idx.lineStarts.length ? idx.lineStarts[l]! - 1 : file.text.length;
    const lineLen = Math.max(0, end - start - (file.text[end - 1] === '\r' ? 1 : 0));
    const c = Math.min(Math.max(column ?? 1, 1), lineLen + 1);
    return { startLine: l, startColumn: c, endLine: l, endColumn: Math.max(c + 1, lineLen + 1) };
  }
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

function offsetToPos(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

function toRegion(starts: number[], from: number, to: number, text: string): Region {
  const s = offsetToPos(starts, from);
  // keep regions on one line when the value spans several (a block): the key line is what users need
  let end = to;
  const nl = text.indexOf('\n', from);
  if (nl !== -1 && nl < end) end = text[nl - 1] === '\r' ? nl - 1 : nl;
  if (end <= from) end = from + 1;
  const e = offsetToPos(starts, end);
  return { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column };
}

/** Lines of a rendered Helm document are counted from its `# Source:` comment. */
function helmBaseLine(starts: number[], text: string, docOffset: number | undefined): number {
  if (docOffset === undefined) return 0;
  const docLine = offsetToPos(starts, docOffset).line;
  // the Source comment is at or just after the document start
  for (let l = docLine; l < Math.min(docLine + 3, starts.length); l++) {
    const s = starts[l - 1]!;
    if (text.startsWith('# Source:', s)) return l;
  }
  return docLine - 1;
}

function firstDocument(text: string): CST.Document | undefined {
  try {
    for (const tok of new Parser().parse(text)) if (tok.type === 'document') return tok;
  } catch {
    // as above: never fatal
  }
  return undefined;
}

/** Search the documents around `index` for the object (the parsers may count documents differently). */
function pickDocument(docs: CST.Document[], index: number, expect: { kind: string; name: string }): CST.Document | undefined {
  for (let d = 0; d <= 2; d++) {
    for (const i of d === 0 ? [index] : [index - d, index + d]) {
      const c = docs[i];
      if (c && docMatches(c, expect)) return c;
    }
  }
  return docs[index];
}

function docMatches(doc: CST.Document, expect: { kind: string; name: string }): boolean {
  if (!doc.value) return false;
  const kind = walk(doc.value, ['kind']);
  if (!kind.exact || !kind.scalar || kind.scalar !== expect.kind) return false;
  const name = walk(doc.value, ['metadata', 'name']);
  return !name.exact || name.scalar === expect.name || expect.name === '';
}

interface WalkResult {
  range: [number, number];
  exact: boolean;
  scalar?: string;
}

/** Follow `path` through CST collections. The range is the key (plus a scalar value on the same line). */
function walk(root: Token, path: Path): WalkResult {
  let node: Token = root;
  let range = tokenRange(root);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const step = child(node, seg);
    if (!step) return { range, exact: false };
    node = step.value ?? step.key!;
    const last = i === path.length - 1;
    if (step.key && step.value && last) {
      const k = tokenRange(step.key);
      const v = tokenRange(step.value);
      const scalar = isScalar(step.value) ? scalarText(step.value) : undefined;
      range = isScalar(step.value) ? [k[0], v[1]] : k;
      return { range, exact: true, scalar };
    }
    range = step.key && !step.value ? tokenRange(step.key) : tokenRange(node);
  }
  return { range, exact: true, scalar: isScalar(node) ? scalarText(node) : undefined };
}

interface Step {
  key?: Token;
  value?: Token;
}

function child(node: Token, seg: string | number): Step | undefined {
  if (node.type === 'block-map' || (node.type === 'flow-collection' && node.start.source === '{')) {
    if (typeof seg !== 'string') return undefined;
    for (const item of node.items) {
      const key = item.key;
      if (!key || !isScalar(key)) continue;
      if (scalarText(key) === seg) return { key, value: item.value ?? undefined };
    }
    return undefined;
  }
  if (node.type === 'block-seq' || (node.type === 'flow-collection' && node.start.source === '[')) {
    if (typeof seg !== 'number') return undefined;
    const item = node.items[seg];
    if (!item) return undefined;
    return item.value ? { value: item.value } : undefined;
  }
  return undefined;
}

function isScalar(t: Token): boolean {
  return t.type === 'scalar' || t.type === 'single-quoted-scalar' || t.type === 'double-quoted-scalar' || t.type === 'block-scalar';
}

function scalarText(t: Token): string | undefined {
  if (!isScalar(t)) return undefined;
  const r = CST.resolveAsScalar(t as CST.FlowScalar | CST.BlockScalar);
  return r ? r.value : undefined;
}

function tokenRange(t: Token): [number, number] {
  switch (t.type) {
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'alias':
      return [t.offset, t.offset + t.source.length];
    case 'block-scalar':
      return [t.offset, t.offset + t.source.length];
    case 'block-map':
    case 'block-seq': {
      const first = t.items[0];
      const start = first?.start[0]?.offset ?? t.offset;
      return [Math.min(start, t.offset), endOf(t)];
    }
    case 'flow-collection':
      return [t.start.offset, t.end[0] ? t.end[0].offset + t.end[0].source.length : t.start.offset + 1];
    default:
      return [t.offset, t.offset + ('source' in t && typeof t.source === 'string' ? t.source.length : 0)];
  }
}

function endOf(t: CST.BlockMap | CST.BlockSequence): number {
  const last = t.items[t.items.length - 1];
  if (!last) return t.offset;
  const v = last.value ?? ('key' in last ? last.key : undefined);
  return v ? tokenRange(v)[1] : t.offset;
}

/** A one-line scalar without its quotes (enough to compare a `kind:` value). */
function unquote(v: string): string {
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}
