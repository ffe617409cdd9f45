/**
 * Text → documents. Parsing decides meshlint's speed, so the common case goes through fast-yaml.ts, a reader
 * specialised for the block YAML manifests are written in, which answers exactly as js-yaml would or not at
 * all. What it declines, if it is plain YAML without anchors, goes through js-yaml, which is several times
 * faster than composing documents with `yaml`. Anything unusual (anchors and aliases, unknown tags, a syntax
 * error) goes through `yaml`, which bounds alias expansion and keeps going past a broken document so that the
 * file's other documents are still linted. Positions are not kept here: the reporter recovers them lazily
 * from the `yaml` CST for the few objects with findings.
 */
import jsyaml from 'js-yaml';
import { isCollection, isScalar, parseAllDocuments, visit, LineCounter, type Document } from 'yaml';
import { fastLoadAll } from './fast-yaml.js';
import { jsonErrorOffset } from './json-error.js';
import { K8S_SCHEMA, K8S_YAML_TAGS } from './k8s-yaml.js';
import type { JsonValue } from './types.js';

export interface ParsedDoc {
  readonly index: number;
  /** `undefined` for a document that failed to parse. */
  readonly value: JsonValue | undefined;
  readonly error?: { message: string; line: number; column: number };
  /** Helm's `# Source: <chart path>` comment heading this document, when present. */
  readonly origin?: string;
}

export interface ParseOutcome {
  readonly docs: ParsedDoc[];
  /** An error that concerns the file as a whole. */
  readonly fileError?: { message: string; line: number; column: number };
}

/** Aliases multiply data; a document may use this many before it is rejected as an alias bomb. */
const MAX_ALIASES = 100;

// Anchors (`&a`) and aliases (`*a`) stand where a node starts: at the start of a line (after indentation) or
// after `:`, `-`, `?`, `,`, `[` or `{`. Requiring that keeps regexes and globs in quoted strings
// (`"/api/[^/]*"`, `"*/5 * * * *"`) on the fast path; a false positive only costs the slower parser.
const MAYBE_ALIAS = /(?:^|[:?,[{-])[ \t]*[&*][^\s,[\]{}]/m;

export function parseText(text: string, format: 'yaml' | 'json'): ParseOutcome {
  if (format === 'json') return parseJson(text);
  const origins = text.includes('# Source:') ? helmOrigins(text) : undefined;
  // the fast reader never expands aliases (it declines anchors), so its result needs no shared-object check
  const fast = fastLoadAll(text);
  if (fast !== undefined) return { docs: toDocs(fast, origins) };
  const maybeAliases = (text.includes('&') || text.includes('*')) && MAYBE_ALIAS.test(text);
  try {
    const values = jsyaml.loadAll(text, undefined, { schema: K8S_SCHEMA }) as JsonValue[];
    // js-yaml makes an alias the same object as its anchor; when nothing is shared, no alias was used (the
    // pattern matched prose such as "*Warning*" in a description) and the fast result is exact
    if (!maybeAliases || !hasSharedObjects(values)) return { docs: toDocs(values, origins) };
  } catch {
    // fall through: the careful parser reports the error per document and keeps the other documents
  }
  return parseCarefully(text, origins);
}

/** True when some object or array is reachable twice: an alias. Stops at the first repeat, so it is linear. */
function hasSharedObjects(values: readonly JsonValue[]): boolean {
  const seen = new Set<object>();
  const stack: JsonValue[] = [...values];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (seen.has(v)) return true;
    seen.add(v);
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else for (const k in v) stack.push(v[k]!);
  }
  return false;
}

/** One ParsedDoc per value, in a loop rather than a map with a closure (one of each per file). */
function toDocs(values: readonly JsonValue[], origins: Map<number, string> | undefined): ParsedDoc[] {
  const docs = new Array<ParsedDoc>(values.length);
  for (let index = 0; index < values.length; index++) docs[index] = withOrigin({ index, value: values[index] }, origins);
  return docs;
}

function withOrigin(doc: ParsedDoc, origins: Map<number, string> | undefined): ParsedDoc {
  const origin = origins?.get(doc.index);
  return origin === undefined ? doc : { ...doc, origin };
}

function parseCarefully(text: string, origins: Map<number, string> | undefined): ParseOutcome {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, {
    lineCounter,
    merge: true,
    uniqueKeys: true,
    customTags: (tags) => [...K8S_YAML_TAGS, ...tags],
    prettyErrors: false,
    strict: true,
  });
  const list = Array.isArray(documents) ? documents : [];
  if (!Array.isArray(documents)) {
    // `yaml` returns an EmptyStream for input without documents.
    return { docs: [] };
  }
  const docs: ParsedDoc[] = [];
  list.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      const pos = lineCounter.linePos(err.pos[0]);
      const opening = unclosedAt(doc, text, err.pos[0]);
      if (opening !== undefined) {
        // the parser notices a missing `]`, `}` or quote only where it gives up, often lines later or at the
        // end of the file; the place to fix is where the bracket or quote was opened
        const at = lineCounter.linePos(opening.offset);
        const message = `${cleanMessage(err.message)}: the ${opening.what} opened here is not closed (the parser gave up at line ${pos.line}, column ${pos.col})`;
        docs.push(withOrigin({ index, value: undefined, error: { message, line: at.line, column: at.col } }, origins));
        return;
      }
      docs.push(withOrigin({ index, value: undefined, error: { message: cleanMessage(err.message), line: pos.line, column: pos.col } }, origins));
      return;
    }
    try {
      const value = doc.toJS({ maxAliasCount: MAX_ALIASES }) as JsonValue;
      docs.push(withOrigin({ index, value: value ?? null }, origins));
    } catch (e) {
      const start = doc.contents?.range?.[0] ?? 0;
      const pos = lineCounter.linePos(start);
      const msg = e instanceof Error ? e.message : String(e);
      docs.push(withOrigin({ index, value: undefined, error: { message: cleanMessage(msg), line: pos.line, column: pos.col } }, origins));
    }
  });
  return { docs };
}

/**
 * The flow collection or quoted scalar left open where the parser reported an error at `errorAt`: the node
 * `yaml` built for it ends exactly there (it runs until the parser gives up) and its text lacks the closing
 * character. Undefined when the error is of another kind.
 */
function unclosedAt(doc: Document.Parsed, text: string, errorAt: number): { offset: number; what: string } | undefined {
  let found: { offset: number; what: string } | undefined;
  visit(doc, {
    Node(_key, node) {
      const range = node.range;
      if (!range || range[1] !== errorAt || found) return;
      const [start, end] = range;
      if (isCollection(node) && node.flow) {
        const open = text[start];
        const close = open === '[' ? ']' : open === '{' ? '}' : undefined;
        if (close !== undefined && text.slice(start, end).trimEnd().slice(-1) !== close) found = { offset: start, what: `"${open}"` };
      } else if (isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) {
        if (!quoteClosed(text, start, end)) found = { offset: start, what: `quote (${text[start]})` };
      }
    },
  });
  return found;
}

/** Whether the quoted scalar opened at text[start] finds its closing quote before `end` (escapes skipped). */
function quoteClosed(text: string, start: number, end: number): boolean {
  const q = text[start];
  for (let i = start + 1; i < end; i++) {
    const c = text[i];
    if (q === '"' && c === '\\') i++;
    else if (c === q) {
      if (q === "'" && text[i + 1] === "'") i++; // '' is an escaped single quote
      else return true;
    }
  }
  return false;
}

function cleanMessage(message: string): string {
  // `yaml` sometimes appends a position or a code excerpt; the reporter prints its own position.
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').trim();
}

function parseJson(text: string): ParseOutcome {
  try {
    const value = JSON.parse(text) as JsonValue;
    return { docs: [{ index: 0, value }] };
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const { line, column } = jsonErrorPosition(text, raw);
    // Node quotes the surrounding input after the reason; the reporter shows the position instead.
    const reason = raw.replace(/ (?:in JSON )?at position \d+.*$/s, '').replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '');
    return { docs: [], fileError: { message: `invalid JSON: ${reason}`, line, column } };
  }
}

/** Node 20 does not always say where JSON broke; then our own scanner finds the offset. */
function jsonErrorPosition(text: string, message: string): { line: number; column: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  return offsetToLineColumn(text, pos ? Number(pos[1]) : (jsonErrorOffset(text) ?? text.length));
}

export function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** A `---` at column 0, alone or followed by white space or content. */
function isDocumentMarker(line: string): boolean {
  return line.startsWith('---') && (line.length === 3 || line[3] === ' ' || line[3] === '\t' || line[3] === '\r');
}

/**
 * Offset where each document starts, counted as both YAML parsers count them (see helmOrigins). Lets the
 * reporter parse only the documents that have findings.
 */
export function documentStarts(text: string): number[] {
  const starts = [0];
  let docHasContent = false;
  let seenMarker = false;
  let pos = 0;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    if (text.startsWith('---', pos) && isDocumentMarker(text.slice(pos, Math.min(nl, pos + 4)))) {
      if (seenMarker || docHasContent) starts.push(pos);
      else starts[0] = pos;
      seenMarker = true;
      docHasContent = false;
    } else if (!docHasContent) {
      const line = text.slice(pos, nl);
      if (line.trim() !== '' && !line.startsWith('#') && !line.startsWith('%')) docHasContent = true;
    }
    pos = nl + 1;
  }
  return starts;
}

/**
 * Map document index → chart path for `helm template` output: the `# Source: <path>` comment that helm writes
 * at the top of each document (documents counted as in documentStarts).
 */
export function helmOrigins(text: string): Map<number, string> {
  const out = new Map<number, string>();
  const starts = documentStarts(text);
  starts.forEach((start, i) => {
    const m = /^# Source: (.+)$/m.exec(text.slice(start, starts[i + 1] ?? text.length));
    if (m) out.set(i, m[1]!.trim());
  });
  return out;
}
