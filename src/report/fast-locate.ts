/**
 * A path → range resolver for plain block YAML that works on the text's lines and indentation, without
 * building a syntax tree. Manifests are nearly always written in this style, and on runs with thousands of
 * findings the CST parser was most of the reporting time. Anything this scanner is not sure about (flow
 * collections on the way, tabs, anchors, aliases, tags, complex keys, a key that is not where it expects)
 * returns `undefined`, and the caller falls back to the CST walk, which handles all of YAML. The ranges
 * follow the CST walk's conventions exactly (a property test compares the two).
 */
import type { Path } from '../load/types.js';

export interface FastResult {
  readonly range: [number, number];
  readonly exact: boolean;
}

export interface Line {
  readonly start: number;
  readonly end: number; // exclusive, without the line break
  readonly indent: number;
  /** Offset of the first non-space character, or -1 for a blank or comment-only line. */
  readonly content: number;
}

/**
 * Resolve `path` in the document occupying text[start, end). The document must be a block mapping at
 * column 0 (after an optional `---` line and comments).
 */
export function fastLocate(text: string, start: number, end: number, path: Path, split?: DocumentLines): FastResult | undefined {
  const lines = split ?? splitLines(text, start, end);
  if (!lines) return undefined;
  // the root: the first content line that is not a document marker, at column 0
  let i = 0;
  while (i < lines.length && (lines[i]!.content === -1 || isMarker(text, lines[i]!))) i++;
  if (i >= lines.length || lines[i]!.indent !== 0) return undefined;
  let node: NodeRef = { kind: 'block', firstLine: i, column: 0, lastLine: lines.length - 1 };
  let range: [number, number] = [lines[i]!.content, lines[i]!.end];
  for (let s = 0; s < path.length; s++) {
    const seg = path[s]!;
    const last = s === path.length - 1;
    if (node.kind !== 'block') return undefined;
    const step: EntryStep | ItemStep | 'unsure' | undefined = typeof seg === 'number' ? seqItem(text, lines, node, seg) : mapEntry(text, lines, node, seg);
    if (step === 'unsure') return undefined;
    if (step === undefined) return { range, exact: false };
    if (step.kind === 'entry') {
      if (last) {
        return { range: step.scalarEnd !== undefined ? [step.keyStart, step.scalarEnd] : [step.keyStart, step.keyEnd], exact: true };
      }
      node = step.value;
      if (node.kind === 'block') {
        const r = blockRange(text, lines, node);
        if (!r) return undefined;
        range = r;
      } else range = [step.keyStart, step.keyEnd];
    } else {
      if (last) return { range: step.range, exact: true };
      range = step.range;
      node = step.value;
    }
  }
  return { range, exact: true };
}

/** Where the value of a key or item lives: a block region of lines, a scalar on the line, or something else. */
type NodeRef =
  | { readonly kind: 'block'; readonly firstLine: number; readonly column: number; readonly lastLine: number }
  | { readonly kind: 'scalar' }
  | { readonly kind: 'other' };

type EntryStep = { kind: 'entry'; keyStart: number; keyEnd: number; scalarEnd?: number; value: NodeRef };
type ItemStep = { kind: 'item'; range: [number, number]; value: NodeRef };

/**
 * The lines of text[start, end) as the scanner reads them, or undefined when it will not read this document
 * (tabs in indentation). A caller that locates several paths in one document splits it once with
 * `documentLines` and passes the result to each `fastLocate` call for the same text, start and end.
 */
export type DocumentLines = readonly Line[];

export function documentLines(text: string, start: number, end: number): DocumentLines | undefined {
  return splitLines(text, start, end);
}

function splitLines(text: string, start: number, end: number): Line[] | undefined {
  const out: Line[] = [];
  let pos = start;
  while (pos < end) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1 || nl > end) nl = end;
    let stop = nl;
    if (stop > pos && text.charCodeAt(stop - 1) === 13) stop--;
    let c = pos;
    while (c < stop && text.charCodeAt(c) === 32) c++;
    if (c < stop && text.charCodeAt(c) === 9) return undefined; // tabs: leave it to the real parser
    const blank = c === stop || text.charCodeAt(c) === 35; // '#'
    out.push({ start: pos, end: stop, indent: c - pos, content: blank ? -1 : c });
    pos = nl + 1;
  }
  return out;
}

function isMarker(text: string, l: Line): boolean {
  return l.indent === 0 && (text.startsWith('---', l.content) || text.startsWith('...', l.content));
}

/** Lines [from, to] that belong to a block whose items sit at `column` (stops at a shallower content line). */
function blockEnd(lines: readonly Line[], from: number, column: number, limit: number): number {
  let last = from;
  for (let j = from + 1; j <= limit; j++) {
    const l = lines[j]!;
    if (l.content === -1) continue;
    if (l.indent < column) break;
    last = j;
  }
  return last;
}

const SPECIAL = /^[&*!|>{[?%@`]/;

/**
 * Parse the key at `at` on a line: plain or quoted, followed by `:` and a space or the line end. A quoted key
 * comes back as `key`; a plain one is text[at, end) and is not copied out (`key` undefined), because the
 * scanner reads many keys to find one and compares them in place (`keyIs`).
 */
function readKey(text: string, at: number, lineEnd: number): { key: string | undefined; end: number; afterColon: number } | 'unsure' | undefined {
  const ch = text[at];
  if (ch === '"' || ch === "'") {
    let j = at + 1;
    let key = '';
    while (j < lineEnd) {
      const c = text[j]!;
      if (ch === "'" && c === "'" && text[j + 1] === "'") {
        key += "'";
        j += 2;
        continue;
      }
      if (ch === '"' && c === '\\') return 'unsure';
      if (c === ch) break;
      key += c;
      j++;
    }
    if (j >= lineEnd || text[j + 1] !== ':') return undefined;
    const after = j + 2;
    if (after < lineEnd && text[after] !== ' ') return undefined;
    return { key, end: j + 1, afterColon: after };
  }
  if (ch === undefined || SPECIAL.test(ch) || ch === '#') return 'unsure';
  // a plain key ends at the first ": " (or ":" at the end of the line)
  let j = at;
  while (j < lineEnd) {
    const c = text.charCodeAt(j);
    if (c === 58 /* : */ && (j + 1 === lineEnd || text.charCodeAt(j + 1) === 32)) break;
    if (c === 35 /* # */ && text.charCodeAt(j - 1) === 32) return undefined;
    j++;
  }
  if (j >= lineEnd) return undefined;
  let keyEnd = j;
  while (keyEnd > at && text.charCodeAt(keyEnd - 1) === 32) keyEnd--;
  return { key: undefined, end: keyEnd, afterColon: j + 1 };
}

/** Whether the key `readKey` read at `at` is `seg`. */
function keyIs(text: string, at: number, k: { key: string | undefined; end: number }, seg: string): boolean {
  if (k.key !== undefined) return k.key === seg;
  return k.end - at === seg.length && text.startsWith(seg, at);
}

/** The value after `key:` at `from` on its line: a scalar ending before a comment, nothing, or a special form. */
function inlineValue(text: string, from: number, lineEnd: number): { kind: 'none' } | { kind: 'scalar'; end: number } | { kind: 'special' } {
  let v = from;
  while (v < lineEnd && text.charCodeAt(v) === 32) v++;
  if (v >= lineEnd || text.charCodeAt(v) === 35) return { kind: 'none' };
  const c = text[v]!;
  if (c === '"' || c === "'") {
    // quoted scalar on one line; a quote that does not close on this line is a multi-line scalar: unsure
    let j = v + 1;
    while (j < lineEnd) {
      if (c === '"' && text[j] === '\\') {
        j += 2;
        continue;
      }
      if (text[j] === c) {
        if (c === "'" && text[j + 1] === "'") {
          j += 2;
          continue;
        }
        return { kind: 'scalar', end: j + 1 };
      }
      j++;
    }
    return { kind: 'special' };
  }
  if ((c === '|' || c === '>') && /^[|>][-+0-9]*[ ]*(?:#.*)?$/.test(text.slice(v, lineEnd))) return { kind: 'scalar', end: lineEnd };
  if (SPECIAL.test(c) || (c === '-' && (v + 1 === lineEnd || text[v + 1] === ' '))) return { kind: 'special' };
  // plain scalar up to a " #" comment or the end of the line, trailing spaces dropped
  let j = v;
  let stop = lineEnd;
  while (j < lineEnd) {
    if (text.charCodeAt(j) === 35 && text.charCodeAt(j - 1) === 32) {
      stop = j;
      break;
    }
    j++;
  }
  while (stop > v && text.charCodeAt(stop - 1) === 32) stop--;
  return { kind: 'scalar', end: stop };
}

/** The value region of an entry whose key ends its line: the following more-indented block (or a sequence at the same column). */
function valueBlock(lines: readonly Line[], keyLine: number, keyColumn: number, limit: number, text: string): NodeRef {
  let j = keyLine + 1;
  while (j <= limit && lines[j]!.content === -1) j++;
  if (j > limit) return { kind: 'other' };
  const l = lines[j]!;
  const isDash = text.charCodeAt(l.content) === 45 && (l.content + 1 === l.end || text.charCodeAt(l.content + 1) === 32);
  if (l.indent > keyColumn) return { kind: 'block', firstLine: j, column: l.indent, lastLine: blockEnd(lines, j, l.indent, limit) };
  if (l.indent === keyColumn && isDash) {
    // a sequence flush with its key: it ends at the next line in that column that is not an item
    let last = j;
    for (let k = j + 1; k <= limit; k++) {
      const m = lines[k]!;
      if (m.content === -1) continue;
      if (m.indent < keyColumn) break;
      if (m.indent === keyColumn && !(text.charCodeAt(m.content) === 45 && (m.content + 1 === m.end || text.charCodeAt(m.content + 1) === 32))) break;
      last = k;
    }
    return { kind: 'block', firstLine: j, column: keyColumn, lastLine: last };
  }
  return { kind: 'other' }; // an empty value (null)
}

function mapEntry(text: string, lines: readonly Line[], node: Extract<NodeRef, { kind: 'block' }>, seg: string): EntryStep | 'unsure' | undefined {
  for (let j = node.firstLine; j <= node.lastLine; j++) {
    const l = lines[j]!;
    if (l.content === -1) continue;
    // entries of this mapping start at `column`; the first one may follow "- " on an item line
    let at: number;
    if (j === node.firstLine && node.column > l.indent) at = l.start + node.column;
    else if (l.indent === node.column) at = l.content;
    else continue;
    if (text.charCodeAt(at) === 45 && (at + 1 === l.end || text.charCodeAt(at + 1) === 32)) {
      // "- " at the mapping's own column: the items of a sequence written flush under the previous key
      if (j === node.firstLine) return 'unsure'; // or the block is a sequence, not a mapping
      continue;
    }
    const k = readKey(text, at, l.end);
    if (k === 'unsure') return 'unsure';
    if (k === undefined) return 'unsure';
    if (!keyIs(text, at, k, seg)) continue;
    const v = inlineValue(text, k.afterColon, l.end);
    if (v.kind === 'scalar') return { kind: 'entry', keyStart: at, keyEnd: k.end, scalarEnd: v.end, value: { kind: 'scalar' } };
    if (v.kind === 'special') return { kind: 'entry', keyStart: at, keyEnd: k.end, value: { kind: 'other' } };
    return { kind: 'entry', keyStart: at, keyEnd: k.end, value: valueBlock(lines, j, at - l.start, node.lastLine, text) };
  }
  return undefined;
}

function seqItem(text: string, lines: readonly Line[], node: Extract<NodeRef, { kind: 'block' }>, index: number): ItemStep | 'unsure' | undefined {
  let n = -1;
  for (let j = node.firstLine; j <= node.lastLine; j++) {
    const l = lines[j]!;
    if (l.content === -1 || l.indent !== node.column) continue;
    if (!(text.charCodeAt(l.content) === 45 && (l.content + 1 === l.end || text.charCodeAt(l.content + 1) === 32))) return 'unsure';
    n++;
    if (n !== index) continue;
    // the item's content: after "- " on this line, or the block below
    let c = l.content + 1;
    while (c < l.end && text.charCodeAt(c) === 32) c++;
    const itemEnd = blockEnd(lines, j, node.column + 1, node.lastLine);
    if (c >= l.end || text.charCodeAt(c) === 35) {
      const value = valueBlock(lines, j, node.column, itemEnd, text);
      if (value.kind !== 'block') return 'unsure';
      const first = lines[value.firstLine]!;
      return { kind: 'item', range: [first.content, first.end], value };
    }
    if (SPECIAL.test(text[c]!) || text[c] === '-') return 'unsure';
    const k = readKey(text, c, l.end);
    if (k === 'unsure') return 'unsure';
    if (k !== undefined) {
      // "- key: ..." starts a mapping whose entries sit at column c
      let stop = l.end;
      if (itemEnd === j) {
        const v = inlineValue(text, k.afterColon, l.end);
        if (v.kind === 'scalar') stop = v.end;
        else if (v.kind === 'none') stop = k.end;
        else return 'unsure';
      }
      return { kind: 'item', range: [c, stop], value: { kind: 'block', firstLine: j, column: c - l.start, lastLine: itemEnd } };
    }
    const v = inlineValue(text, c, l.end);
    if (v.kind !== 'scalar') return 'unsure';
    return { kind: 'item', range: [c, v.end], value: { kind: 'scalar' } };
  }
  return undefined;
}

/**
 * A block's range as the CST gives it, clamped to its first line: from its first token to the end of that
 * line when the block goes on below, else to the end of its last token (a trailing comment is not included).
 */
function blockRange(text: string, lines: readonly Line[], node: Extract<NodeRef, { kind: 'block' }>): [number, number] | undefined {
  const l = lines[node.firstLine]!;
  const from = firstToken(text, l, node.column);
  if (node.lastLine > node.firstLine) return [from, l.end];
  const end = lastTokenEnd(text, from, l.end);
  return end === undefined ? undefined : [from, end];
}

/** End of the last token of a one-line entry or item starting at `at` (undefined when unsure). */
function lastTokenEnd(text: string, at: number, lineEnd: number): number | undefined {
  let c = at;
  while (text.charCodeAt(c) === 45 && (c + 1 === lineEnd || text.charCodeAt(c + 1) === 32)) {
    c++;
    while (c < lineEnd && text.charCodeAt(c) === 32) c++;
    if (c >= lineEnd || text.charCodeAt(c) === 35) return undefined;
  }
  const k = readKey(text, c, lineEnd);
  if (k === 'unsure') return undefined;
  const v = inlineValue(text, k ? k.afterColon : c, lineEnd);
  if (v.kind === 'scalar') return v.end;
  if (v.kind === 'none' && k) return k.end;
  return undefined;
}

/** Where a block's content starts on its first line: at the column of its entries (after "- " for an item). */
function firstToken(text: string, l: Line, column: number): number {
  return l.indent < column ? l.start + column : l.content;
}

// ---------------------------------------------------------------------------------------------------------
// JSON documents. A `.json` manifest would otherwise be handed to the YAML CST parser, which reads JSON as
// YAML flow collections at a fraction of its block speed. This scanner follows the JSON grammar directly and
// returns the ranges the CST walk gives for the same text (the property test holds the two equal): a
// collection is `{`/`[` through its closing bracket, a key is its quoted token, and the final step of a path
// is `"key": scalar` when the value is a scalar, else the key alone. Keys with escapes are left to the CST.

/**
 * Resolve `path` in the JSON value at text[start, end). Undefined when the text is not what this scanner
 * expects (the caller then walks the CST).
 */
export function fastLocateJson(text: string, start: number, end: number, path: Path): FastResult | undefined {
  let pos = skipJsonSpace(text, start, end);
  let valueStart = pos;
  let valueEnd = skipJsonValue(text, pos, end);
  if (valueEnd < 0) return undefined;
  let range: [number, number] = [valueStart, valueEnd];
  for (let s = 0; s < path.length; s++) {
    const seg = path[s]!;
    const open = text.charCodeAt(valueStart);
    let keyStart = -1;
    let keyEnd = -1;
    let found = false;
    pos = skipJsonSpace(text, valueStart + 1, end);
    if (open === 123 /* { */ && typeof seg === 'string') {
      while (pos < end && text.charCodeAt(pos) !== 125 /* } */) {
        if (text.charCodeAt(pos) !== 34) return undefined;
        const kEnd = skipJsonString(text, pos, end);
        if (kEnd < 0) return undefined;
        const raw = text.slice(pos + 1, kEnd - 1);
        if (raw.includes('\\')) return undefined;
        let p = skipJsonSpace(text, kEnd, end);
        if (text.charCodeAt(p) !== 58 /* : */) return undefined;
        p = skipJsonSpace(text, p + 1, end);
        const vEnd = skipJsonValue(text, p, end);
        if (vEnd < 0) return undefined;
        if (raw === seg) {
          // the first of duplicate keys, as the CST walk picks
          keyStart = pos;
          keyEnd = kEnd;
          valueStart = p;
          valueEnd = vEnd;
          found = true;
          break;
        }
        pos = skipJsonSpace(text, vEnd, end);
        if (text.charCodeAt(pos) === 44 /* , */) pos = skipJsonSpace(text, pos + 1, end);
      }
    } else if (open === 91 /* [ */ && typeof seg === 'number') {
      for (let i = 0; pos < end && text.charCodeAt(pos) !== 93 /* ] */; i++) {
        const vEnd = skipJsonValue(text, pos, end);
        if (vEnd < 0) return undefined;
        if (i === seg) {
          valueStart = pos;
          valueEnd = vEnd;
          found = true;
          break;
        }
        pos = skipJsonSpace(text, vEnd, end);
        if (text.charCodeAt(pos) === 44 /* , */) pos = skipJsonSpace(text, pos + 1, end);
      }
    }
    if (!found) return { range, exact: false };
    const scalar = text.charCodeAt(valueStart) !== 123 && text.charCodeAt(valueStart) !== 91;
    if (s === path.length - 1 && keyStart !== -1) return { range: scalar ? [keyStart, valueEnd] : [keyStart, keyEnd], exact: true };
    range = [valueStart, valueEnd];
  }
  return { range, exact: true };
}

function skipJsonSpace(text: string, pos: number, end: number): number {
  while (pos < end) {
    const c = text.charCodeAt(pos);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    pos++;
  }
  return pos;
}

/** End of the string token starting at `pos` (a `"`), or -1. */
function skipJsonString(text: string, pos: number, end: number): number {
  for (let i = pos + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i + 1;
    else if (c === 10 || c === 13) return -1;
  }
  return -1;
}

/** End of the JSON value starting at `pos`, or -1 when it is not one this scanner reads with certainty. */
function skipJsonValue(text: string, pos: number, end: number): number {
  const c = text.charCodeAt(pos);
  if (c === 34) return skipJsonString(text, pos, end);
  if (c === 123 || c === 91) {
    // a collection: skip to its matching bracket, stepping over strings
    let depth = 0;
    for (let i = pos; i < end; i++) {
      const d = text.charCodeAt(i);
      if (d === 34) {
        const e = skipJsonString(text, i, end);
        if (e < 0) return -1;
        i = e - 1;
      } else if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        if (--depth === 0) return i + 1;
      }
    }
    return -1;
  }
  // numbers, true, false, null: up to the next delimiter
  let i = pos;
  while (i < end) {
    const d = text.charCodeAt(i);
    if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
    if (d === 35 /* # */ || d === 34 || d === 58) return -1; // not JSON: leave it to the CST
    i++;
  }
  return i > pos ? i : -1;
}
