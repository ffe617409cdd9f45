/**
 * A specialised reader for the YAML that Kubernetes manifests are nearly always written in: block mappings
 * and sequences, plain and quoted scalars, comments, `---`/`...` markers, literal and folded block scalars,
 * and one-line flow collections. It walks the text once with charCodeAt and index arithmetic and allocates
 * little beyond the values it returns, which makes it several times faster than js-yaml.
 *
 * Contract: `fastLoadAll(text)` returns exactly what `jsyaml.loadAll(text, undefined, { schema: K8S_SCHEMA })`
 * returns (same documents, values, key order and number kinds), or `undefined` when the text uses anything
 * outside the subset below or anything whose result it cannot be sure of. It never throws. Returning
 * `undefined` is always safe: the caller then parses the text with the general parsers.
 *
 * Declined (bail): anchors, aliases, tags, directives, explicit `?`/`:` entries, `<<` keys, flow collections
 * spanning lines, pairs inside flow sequences, a scalar that is a whole document, a block scalar header alone
 * on its line, tabs except inside quoted scalars, comments and block scalar text, a lone CR, duplicate keys,
 * control characters, and anything js-yaml would reject.
 *
 * Where js-yaml departs from the YAML spec, this reader follows js-yaml (it must give the same answer); the
 * behaviour described in comments below was read from js-yaml 4's lib/loader.js (readPlainScalar,
 * readBlockScalar, readBlockSequence, ...) and is checked by test/fast-yaml.test.ts, which compares the two
 * on hand-written, generated and randomly damaged documents.
 */
import { FALSE, TRUE, parseGoInt } from './k8s-yaml.js';
import type { JsonObject, JsonValue } from './types.js';

// ---------------------------------------------------------------------------------------------------------
// Character codes

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const DQUOTE = 0x22;
const HASH = 0x23;
const PERCENT = 0x25;
const SQUOTE = 0x27;
const PLUS = 0x2b;
const COMMA = 0x2c;
const DASH = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;
const GT = 0x3e;
const QUESTION = 0x3f;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const PIPE = 0x7c;
const RBRACE = 0x7d;

/** Indentation reported for "no further content in this document": end of input or a `---`/`...` marker. */
const END = -1;
/**
 * js-yaml refuses nesting deeper than 100 nodes (its maxDepth option); staying well below that keeps the
 * recursion shallow and never accepts a document js-yaml would reject for depth.
 */
const MAX_DEPTH = 64;

const CLIP = 0;
const STRIP = 1;
const KEEP = 2;

// Characters that cannot begin a plain scalar (YAML 1.2 §7.3.3 c-indicator, plus white space and line
// breaks). `-`, `?` and `:` can, unless white space follows; they are checked separately.
const NOT_PLAIN_START = new Uint8Array(128);
for (let c = 0; c <= SPACE; c++) NOT_PLAIN_START[c] = 1;
for (const ch of ',[]{}#&*!|>\'"%@`') NOT_PLAIN_START[ch.charCodeAt(0)] = 1;
NOT_PLAIN_START[0x7f] = 1;

// What a plain scalar may resolve to, judged by its first character: the schema's null, bool, int and float
// forms all start with one of these, so any other first character means "a string" without further tests.
const STRING = 0;
const WORD = 1; // null (`null`, `Null`, `NULL`) or one of go-yaml v2's booleans
const TILDE = 2; // `~`, null
const NUMERIC = 3; // Go integers and core-schema floats, `.inf` and `.nan` included
const SCALAR_CLASS = new Uint8Array(128);
for (const ch of 'nNyYtTfFoO') SCALAR_CLASS[ch.charCodeAt(0)] = WORD;
SCALAR_CLASS[0x7e] = TILDE;
for (const ch of '0123456789+-.') SCALAR_CLASS[ch.charCodeAt(0)] = NUMERIC;

const NEWLINES = ['', '\n', '\n\n', '\n\n\n', '\n\n\n\n'];
function newlines(k: number): string {
  return k < NEWLINES.length ? NEWLINES[k]! : '\n'.repeat(k);
}

// ---------------------------------------------------------------------------------------------------------
// State of the one parse in progress. Module-level rather than an object so that the hot loops read plain
// variables; fastLoadAll never calls out while parsing, so there is no reentrancy.

let src = '';
let len = 0;
let pos = 0;
/** Offset where the current line starts; a column is `offset - lineStart`. */
let lineStart = 0;
/** Indentation of the content line at `pos` after a node was read, or END. */
let ind = 0;
/** Whether the last nextContentLine skipped a comment line. */
let sawComment = false;
let depth = 0;
/** End (exclusive, trailing spaces dropped) of the plain scalar found by the last scanPlain. */
let plainEnd = 0;

/** Thrown to abandon the fast path; a constant, so bailing builds no stack trace. */
const BAIL: { readonly bail: true } = Object.freeze({ bail: true });
function bail(): never {
  throw BAIL;
}

/**
 * The documents of `text` as js-yaml with K8S_SCHEMA would return them, or `undefined` when the text is
 * outside the subset this reader handles (the caller must then use a general parser).
 */
export function fastLoadAll(text: string): JsonValue[] | undefined {
  // js-yaml returns no documents at all for an empty text (but one null document for a lone comment).
  if (text.length === 0) return [];
  // js-yaml rejects NUL anywhere, even in comments.
  if (text.indexOf('\0') !== -1) return undefined;
  // A CR not followed by LF is a line break of its own to js-yaml; that is too rare to support, and ruling it
  // out here lets every scan below treat CR as "the first half of CRLF".
  for (let cr = text.indexOf('\r'); cr !== -1; cr = text.indexOf('\r', cr + 2)) {
    if (text.charCodeAt(cr + 1) !== LF) return undefined;
  }
  // js-yaml appends a line break when the text lacks one; doing the same means that every line, the last
  // included, ends with LF, so scans within a line need no bounds checks.
  src = text.charCodeAt(text.length - 1) === LF ? text : text + '\n';
  len = src.length;
  depth = 0;
  keyTop = 0;
  itemTop = 0;
  try {
    // A byte order mark at the very start is dropped (js-yaml does the same).
    lineStart = pos = src.charCodeAt(0) === 0xfeff ? 1 : 0;
    while (src.charCodeAt(pos) === SPACE) pos++;
    // js-yaml's loop condition, including its quirk: the final line break alone does not start a document,
    // but any other text does (a file holding only a comment or two blank lines is one null document).
    // The documents collect on the entry stack like a sequence's, for an array of exactly their number.
    while (pos < len - 1) {
      const doc = readDocument();
      itemStack[itemTop++] = doc;
    }
    return takeItems(0);
  } catch {
    // BAIL, or anything unforeseen (a stack overflow included): the general parser decides.
    return undefined;
  } finally {
    src = '';
    // quoted keys may be slices of the text: do not keep the last text alive through them (and drop the
    // slots a huge mapping needed rather than clear them after every later text)
    if (keyStack.length > 1024) keyStack.length = 0;
    else keyStack.fill('');
    // nor the documents through the entries of their sequences
    if (itemStack.length > 1024) itemStack.length = 0;
    else itemStack.fill(null);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Documents and lines

function readDocument(): JsonValue {
  pos = lineStart;
  let indent = nextContentLine();
  if (indent === 0) {
    // `%YAML`/`%TAG` directives; and at a document start js-yaml takes any three dashes in column 0 as the
    // marker even when text follows them directly (`---x`), unlike everywhere else.
    const c = src.charCodeAt(pos);
    if (c === PERCENT || (c === DASH && src.charCodeAt(pos + 1) === DASH && src.charCodeAt(pos + 2) === DASH)) bail();
  }
  if (indent === END && pos < len && src.charCodeAt(pos) === DASH) {
    // `---`, optionally followed by a comment; content on the marker line (`--- |`, `--- !tag`) bails
    finishLine(pos + 3);
    indent = nextContentLine();
  }
  let value: JsonValue = null;
  if (indent !== END) {
    const c = src.charCodeAt(pos);
    if (isSeqDash(pos)) value = parseSequence(indent);
    else if (c === LBRACKET || c === LBRACE) {
      value = parseFlow();
      finishLine(pos);
      ind = nextContentLine();
    } else value = parseMapping(indent, undefined);
    // whatever follows the root node must be the end of the text or a document marker
    if (ind !== END) bail();
  }
  if (pos < len && src.charCodeAt(pos) === DOT) {
    // `...` ends the document; js-yaml then skips blank lines and comments before looking for the next one
    finishLine(pos + 3);
    nextContentLine();
  }
  return value;
}

/**
 * From the start of a line (`pos`), skip blank and comment lines. Leaves `pos` at the first non-space
 * character of the next content line and `lineStart` at its start, and returns its indentation; returns END
 * at the end of the text or at a `---`/`...` marker in column 0 (then `pos` is on the marker).
 */
function nextContentLine(): number {
  const s = src;
  let i = pos;
  sawComment = false;
  for (;;) {
    const start = i;
    while (s.charCodeAt(i) === SPACE) i++;
    const c = s.charCodeAt(i);
    if (c === LF) i++;
    else if (c === CR) i += 2;
    else if (c === HASH) {
      i = s.indexOf('\n', i) + 1;
      sawComment = true;
    } else {
      lineStart = start;
      pos = i;
      if (i >= len) return END;
      // js-yaml rejects tabs in indentation; a tab after spaces on a blank line it would accept, but such
      // lines are rare enough to leave to it
      if (c === TAB) bail();
      if (i === start && (c === DASH || c === DOT) && isMarker(i)) return END;
      return i - start;
    }
  }
}

/** `---` or `...` followed by white space or a line break (the caller checks that it is in column 0). */
function isMarker(i: number): boolean {
  const c = src.charCodeAt(i);
  if (src.charCodeAt(i + 1) !== c || src.charCodeAt(i + 2) !== c) return false;
  const d = src.charCodeAt(i + 3);
  return d === SPACE || d === LF || d === CR || d === TAB;
}

/** After a node on this line: only spaces and a comment may follow. Moves `pos` to the next line's start. */
function finishLine(i: number): void {
  while (src.charCodeAt(i) === SPACE) i++;
  const c = src.charCodeAt(i);
  if (c === LF) pos = i + 1;
  else if (c === CR) pos = i + 2;
  // a comment needs white space before it; js-yaml also accepts `"x"#c` and `[a]#c`, which are rare
  else if (c === HASH && src.charCodeAt(i - 1) === SPACE) pos = src.indexOf('\n', i) + 1;
  else bail();
}

/** `-` as a block sequence entry indicator: followed by a space or a line break. */
function isSeqDash(i: number): boolean {
  if (src.charCodeAt(i) !== DASH) return false;
  const d = src.charCodeAt(i + 1);
  return d === SPACE || d === LF || d === CR;
}

// ---------------------------------------------------------------------------------------------------------
// Block collections. Each parse function starts with `pos` on its first entry and returns with `pos` and
// `ind` describing the first content line that does not belong to it.

/**
 * A block mapping whose keys are in column `n`. `firstKey` is given when the caller has already read the
 * first key (a compact mapping in a sequence entry, `- name: x`); `pos` is then just after its `:`.
 */
function parseMapping(n: number, firstKey: string | undefined): JsonObject {
  if (++depth > MAX_DEPTH) bail();
  const obj: JsonObject = {};
  const base = keyTop;
  let key = firstKey === undefined ? readKey() : firstKey;
  for (;;) {
    let i = pos;
    while (src.charCodeAt(i) === SPACE) i++;
    const c = src.charCodeAt(i);
    let value: JsonValue;
    if (c === LF || c === CR || c === HASH) {
      // Nothing after the colon: the value is a block collection on the following lines, a sequence in the
      // key's own column (YAML allows `key:\n- a` for block sequences only), or null.
      pos = c === HASH ? src.indexOf('\n', i) + 1 : c === LF ? i + 1 : i + 2;
      ind = nextContentLine();
      if (ind > n) value = parseNode(ind, n, false);
      else if (ind === n && isSeqDash(pos)) value = parseSequence(n);
      else value = null;
    } else {
      pos = i;
      value = parseInlineValue(n);
    }
    setKey(obj, key, value);
    // after the value: a nested mapping read for it used the slots above and gave them back
    keyStack[keyTop++] = key;
    if (ind !== n) break;
    key = readKey();
  }
  if (hasDuplicate(obj, base)) bail();
  keyTop = base;
  // a line indented deeper than the keys but not inside a value: js-yaml's "bad indentation"
  if (ind > n) bail();
  depth--;
  return obj;
}

/** A block sequence whose `-` indicators are in column `s`; `pos` is on the first `-`. */
function parseSequence(s: number): JsonValue[] {
  if (++depth > MAX_DEPTH) bail();
  const base = itemTop;
  for (;;) {
    let i = pos + 1;
    while (src.charCodeAt(i) === SPACE) i++;
    const c = src.charCodeAt(i);
    if (c === LF || c === CR || c === HASH) {
      // `-` alone: the entry is a block collection on the following lines if they are indented deeper,
      // else null
      pos = c === HASH ? src.indexOf('\n', i) + 1 : c === LF ? i + 1 : i + 2;
      ind = nextContentLine();
      if (ind > s) {
        const v = parseNode(ind, s, false);
        itemStack[itemTop++] = v;
      } else {
        itemStack[itemTop++] = null;
        // js-yaml quirk (readBlockSequence): after an empty entry it reads on without checking indentation,
        // so a following `- ` line becomes an entry of this sequence even when it is indented less
        if (ind !== END && isSeqDash(pos)) continue;
        break;
      }
    } else {
      pos = i;
      const v = parseNode(i - lineStart, s, true);
      itemStack[itemTop++] = v;
    }
    if (ind !== s || !isSeqDash(pos)) break;
  }
  if (ind > s) bail();
  depth--;
  return takeItems(base);
}

/**
 * A node at `pos`, in column `col`, that is the entry of a sequence or the value of a mapping whose
 * indicators are in column `container`: either on the line of its `- ` (`inline`), or alone on a line
 * below its `key:` or `-`. It may be the first key of a mapping whose keys are in column `col`.
 */
function parseNode(col: number, container: number, inline: boolean): JsonValue {
  // `- - a`, or a sequence on the lines below
  if (isSeqDash(pos)) return parseSequence(col);
  const c = src.charCodeAt(pos);
  let v: JsonValue;
  if (c === DQUOTE || c === SQUOTE) {
    v = c === DQUOTE ? readDoubleQuoted() : readSingleQuoted();
    let i = pos;
    while (src.charCodeAt(i) === SPACE) i++;
    if (src.charCodeAt(i) === COLON) {
      // `"key": value`: the first key of a mapping (js-yaml rejects a key that spans lines)
      const d = src.charCodeAt(i + 1);
      if (quotedMultiLine || (d !== SPACE && d !== LF && d !== CR)) bail();
      pos = i + 1;
      return parseMapping(col, v);
    }
    finishLine(pos);
  } else if (c === LBRACKET || c === LBRACE) {
    v = parseFlow();
    finishLine(pos);
  } else if (c === PIPE || c === GT) {
    // a block scalar header alone on its line takes its indentation from the parent, not from the header
    if (!inline) bail();
    v = readBlockScalar(container);
  } else {
    if (!plainStart(pos)) bail();
    const start = pos;
    const stop = scanPlain(start);
    if (src.charCodeAt(stop) === COLON) {
      // `key: value`: the first key of a mapping, whose keys are all in this column
      pos = stop + 1;
      return parseMapping(col, plainKey(start, plainEnd));
    }
    v = plainValue(start, stop, container);
    if (ind > container) bail();
    return v;
  }
  ind = nextContentLine();
  // a deeper line after a complete scalar: js-yaml's "bad indentation"
  if (ind > container) bail();
  return v;
}

/**
 * A value that starts on the line of its key (after `key: `), in a mapping whose keys are in column `n`.
 * Unlike a sequence entry it cannot open a block collection there (`key: a: b` and `key: - a` bail).
 */
function parseInlineValue(n: number): JsonValue {
  const c = src.charCodeAt(pos);
  let v: JsonValue;
  if (c === DQUOTE) {
    v = readDoubleQuoted();
    finishLine(pos);
  } else if (c === SQUOTE) {
    v = readSingleQuoted();
    finishLine(pos);
  } else if (c === PIPE || c === GT) {
    v = readBlockScalar(n);
  } else if (c === LBRACKET || c === LBRACE) {
    v = parseFlow();
    finishLine(pos);
  } else {
    if (!plainStart(pos)) bail();
    const start = pos;
    v = plainValue(start, scanPlain(start), n);
    if (ind > n) bail();
    return v;
  }
  ind = nextContentLine();
  // a deeper line after a complete scalar: js-yaml's "bad indentation"
  if (ind > n) bail();
  return v;
}

/**
 * The value of a plain scalar whose first line scanPlain stopped at `stop`, in a collection with indicators
 * in column `n`; also moves to the next content line (sets `pos` and `ind`). Like js-yaml's readPlainScalar,
 * it continues on following lines indented deeper than `n`: lines are joined with a space, or with n-1 line
 * feeds after n line breaks (YAML 1.2 §7.3.3, line folding); a comment ends it, even one on its own line.
 */
function plainValue(start: number, stop: number, n: number): JsonValue {
  let c = src.charCodeAt(stop);
  // `key: a: b`, or a continuation line holding `key: value`: errors to js-yaml
  if (c === COLON) bail();
  const end = plainEnd;
  // the text once the scalar has a second line; a one-line scalar (nearly all) goes through the value cache
  let text: string | undefined;
  while (c !== HASH) {
    const from = (pos = stop + (c === CR ? 2 : 1));
    ind = nextContentLine();
    if (ind <= n || sawComment) return text === undefined ? plainScalar(start, end) : resolvePlain(text);
    // a continuation line: count the blank lines before it
    let breaks = 1;
    for (let i = src.indexOf('\n', from); i !== -1 && i < lineStart; i = src.indexOf('\n', i + 1)) breaks++;
    const k = pos;
    stop = scanPlain(k);
    c = src.charCodeAt(stop);
    if (c === COLON) bail();
    if (text === undefined) text = src.slice(start, end);
    text += (breaks === 1 ? ' ' : newlines(breaks - 1)) + src.slice(k, plainEnd);
  }
  pos = src.indexOf('\n', stop) + 1;
  ind = nextContentLine();
  return text === undefined ? plainScalar(start, end) : resolvePlain(text);
}

/** A mapping key at `pos` followed by `:` and white space; leaves `pos` just after the colon. */
function readKey(): string {
  const c = src.charCodeAt(pos);
  let key: string;
  if (c === DQUOTE) key = readDoubleQuoted();
  else if (c === SQUOTE) key = readSingleQuoted();
  else {
    // `? ` and `: ` (explicit entries), `- ` in a mapping, `[`, `{`, `&`, `*`, `!`... all bail here
    if (!plainStart(pos)) bail();
    const start = pos;
    const stop = scanPlain(start);
    // a line without `: ` is a scalar where a key was due: multi-line scalar or error, either way not ours
    if (src.charCodeAt(stop) !== COLON) bail();
    pos = stop + 1;
    return plainKey(start, plainEnd);
  }
  // js-yaml rejects a key that spans lines
  if (quotedMultiLine) bail();
  let i = pos;
  while (src.charCodeAt(i) === SPACE) i++;
  if (src.charCodeAt(i) !== COLON) bail();
  const d = src.charCodeAt(i + 1);
  if (d !== SPACE && d !== LF && d !== CR) bail();
  pos = i + 1;
  return key;
}

/**
 * Store a pair as js-yaml does (setProperty in its loader): `__proto__` becomes an own property instead of
 * replacing the object's prototype. A repeated key, an error to js-yaml, is caught by hasDuplicate.
 */
function setKey(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

// The keys of the mappings being read, outermost first: a mapping's keys sit from the `keyTop` it started at,
// above those of the mappings that contain it. One array for the whole parse instead of an Object.keys copy
// per mapping, which was about a tenth of all the garbage the parse made.
const keyStack: string[] = [];
let keyTop = 0;
// The entries of the sequences being read, the same way: a sequence gets an array of exactly its length at
// the end. Pushing onto a fresh array gave every sequence room for 17 entries at its first push, and most
// sequences have one to three (containers, ports, hosts): that room was garbage, or held for the whole run.
const itemStack: JsonValue[] = [];
let itemTop = 0;

/** The entries from `base` up as a new array, releasing their slots. */
function takeItems(base: number): JsonValue[] {
  const arr = itemStack.slice(base, itemTop);
  itemTop = base;
  return arr;
}

/**
 * Up to this many keys a mapping is checked pair by pair (at most 120 string comparisons, nearly all of
 * internalized strings, hence pointer comparisons); a larger one counts its own properties instead, which
 * allocates but keeps the check linear.
 */
const PAIRWISE_MAX = 16;

/**
 * Whether a key of the mapping whose keys start at `base` was repeated (an error to js-yaml). Distinct key
 * strings are distinct properties (`__proto__` included, which setKey stores as an own property), so equal
 * strings are exactly the repeated keys. Past PAIRWISE_MAX keys: a repeated key overwrote its property, so
 * the object has fewer own keys than pairs were stored.
 */
function hasDuplicate(obj: JsonObject, base: number): boolean {
  const count = keyTop - base;
  if (count > PAIRWISE_MAX) return Object.keys(obj).length !== count;
  for (let i = base + 1; i < keyTop; i++) {
    const k = keyStack[i];
    for (let j = base; j < i; j++) if (keyStack[j] === k) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Scalars

/** Whether a plain scalar may start at `i` in block context (js-yaml readPlainScalar's first test). */
function plainStart(i: number): boolean {
  const c = src.charCodeAt(i);
  if (c < 128 && NOT_PLAIN_START[c] === 1) return false;
  if (c === DASH || c === QUESTION || c === COLON) {
    const d = src.charCodeAt(i + 1);
    return d !== SPACE && d !== LF && d !== CR && d !== TAB;
  }
  return true;
}

/**
 * Scan a one-line plain scalar in block context from `i`. Returns where it stops: at `:` followed by white
 * space (it was a key), at `#` after a space (a comment), or at the line break. Sets `plainEnd` to the end
 * of its text without trailing spaces. Tabs bail: js-yaml treats them as separation space in ways (the
 * "tab in indentation" checks) not worth reproducing.
 */
function scanPlain(i: number): number {
  const s = src;
  let end = i;
  for (;;) {
    const c = s.charCodeAt(i);
    if (c > COLON) {
      if (c < 0x7f) end = ++i;
      else end = i = checkHigh(i, c);
    } else if (c === SPACE) i++;
    else if (c === COLON) {
      const d = s.charCodeAt(i + 1);
      if (d === SPACE || d === LF || d === CR) break;
      end = ++i;
    } else if (c === HASH) {
      if (s.charCodeAt(i - 1) === SPACE) break;
      end = ++i;
    } else if (c === LF || c === CR) break;
    else if (c < SPACE) bail();
    else end = ++i;
  }
  plainEnd = end;
  return i;
}

/**
 * A character at or above DEL in a plain or block scalar: js-yaml rejects DEL, the C1 controls (all but
 * NEL; NEL bails here too, being rare), U+FFFE, U+FFFF and unpaired surrogates. Returns the index after it.
 */
function checkHigh(i: number, c: number): number {
  if (c <= 0x9f) bail();
  if (c >= 0xd800 && c <= 0xdfff) {
    if (c <= 0xdbff) {
      const d = src.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) return i + 2;
    }
    bail();
  }
  if (c >= 0xfffe) bail();
  return i + 1;
}

// Keys repeat endlessly across manifests (`apiVersion`, `metadata`, `name`, label keys). Plain keys go through
// a small cache of internalized strings, indexed by a hash of the key's characters: a hit costs a pass over
// those characters and saves the slice, the schema resolution and V8's string-table lookup when the property
// is stored (about 6% of the parse time on the benchmark repositories).
const KEY_CACHE_SIZE = 4096; // a power of two
const keySource: string[] = new Array<string>(KEY_CACHE_SIZE).fill('');
const keyValue: string[] = new Array<string>(KEY_CACHE_SIZE).fill('');

/**
 * The internalized (unique, hashed) copy of a string, as V8 keeps property names; also detaches it from
 * the text it was sliced from, so the cache does not keep whole files alive.
 */
function internalize(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

/** A plain key as js-yaml stores it: resolved by the schema, then converted with String(). */
function plainKey(start: number, end: number): string {
  const s = src;
  const l = end - start;
  let h = l;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  const slot = (h ^ (h >>> 13)) & (KEY_CACHE_SIZE - 1);
  const cached = keySource[slot]!;
  if (cached.length === l) {
    let j = 0;
    while (j < l && cached.charCodeAt(j) === s.charCodeAt(start + j)) j++;
    if (j === l) return keyValue[slot]!;
  }
  const t = src.slice(start, end);
  let key = t;
  const c = t.charCodeAt(0);
  if (c < 128 && SCALAR_CLASS[c] !== STRING) {
    // `1` → "1", `0x10` → "16", `1.0` → "1", `yes` → "true", `~` → "null", `.inf` → "Infinity"
    const v = resolvePlain(t);
    if (typeof v !== 'string') key = String(v);
  }
  // `<<` is an ordinary key to K8S_SCHEMA (merge keys belong to js-yaml's default schema, not the core one),
  // but the careful parser merges it; leaving such documents to the slower path keeps meshlint's answer
  // what it was before this reader existed
  if (c === 0x3c && t === '<<') bail();
  keySource[slot] = internalize(t);
  return (keyValue[slot] = internalize(key));
}

// Values repeat too: a repository's manifests hold a few thousand distinct scalars in hundreds of thousands
// of places (`v1`, `TCP`, `http`, `true`, `Deployment`, label values, ports). One-line plain scalars go
// through a second cache, which hands out one internalized string (or the resolved number or boolean) per
// text instead of a fresh slice each time: less garbage while parsing, less heap held by the parsed
// documents, and strings that rules compare and hash as fast as the constants and keys they meet.
const VALUE_CACHE_SIZE = 8192; // a power of two
/**
 * Longer scalars (names, hosts, images) repeat less: with a limit of 40, internalizing them cost more parse
 * time than their sharing saved later.
 */
const VALUE_CACHE_MAX_LENGTH = 24;
const valueSource: string[] = new Array<string>(VALUE_CACHE_SIZE).fill('');
const valueCached: JsonValue[] = new Array<JsonValue>(VALUE_CACHE_SIZE).fill('');

/** The value of the one-line plain scalar `src[start, end)` (not a key), shared with earlier equal scalars. */
function plainScalar(start: number, end: number): JsonValue {
  const l = end - start;
  if (l > VALUE_CACHE_MAX_LENGTH) return resolvePlain(src.slice(start, end));
  const s = src;
  let h = l;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  const slot = (h ^ (h >>> 13)) & (VALUE_CACHE_SIZE - 1);
  const cached = valueSource[slot]!;
  if (cached.length === l) {
    let j = 0;
    while (j < l && cached.charCodeAt(j) === s.charCodeAt(start + j)) j++;
    if (j === l) return valueCached[slot]!;
  }
  const t = internalize(s.slice(start, end));
  const v = resolvePlain(t);
  valueSource[slot] = t;
  return (valueCached[slot] = v);
}

/**
 * A plain scalar's value under K8S_SCHEMA, whose implicit types js-yaml tries in this order: null (js-yaml
 * lib/type/null.js: `~`, `null`, `Null`, `NULL`), bool (go-yaml v2's words, resolve.go, via k8s-yaml.ts),
 * int (Go's base-0 ParseInt, parseGoInt), float (js-yaml lib/type/float.js); anything else is a string.
 */
function resolvePlain(t: string): JsonValue {
  const c = t.charCodeAt(0);
  const k = c < 128 ? SCALAR_CLASS[c] : STRING;
  if (k === STRING) return t;
  if (k === NUMERIC) return resolveNumber(t);
  if (k === TILDE) return t.length === 1 ? null : t;
  const l = t.length;
  if (l > 5) return t;
  if (l === 4 && (t === 'null' || t === 'Null' || t === 'NULL')) return null;
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return t;
}

function resolveNumber(t: string): JsonValue {
  const l = t.length;
  const c = t.charCodeAt(0);
  if (c >= 0x31 && c <= 0x39 && l <= 15) {
    // Digits without sign, underscore or leading zero (ports, replicas): what parseGoInt returns, computed
    // without its regular expressions. Fifteen digits stay below 2^53, so the sum is exact.
    let v = c - 0x30;
    let i = 1;
    for (; i < l; i++) {
      const d = t.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === l) return v;
  }
  const n = parseGoInt(t);
  if (n !== undefined) return n;
  const f = coreFloat(t);
  return f === undefined ? t : f;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * The core schema's float, as js-yaml resolves it (lib/type/float.js): `[-+]?digits[.digits*][e[-+]digits]`, `.digits[e...]`
 * (unsigned), `[-+]?.inf` and `.nan` in lower, title or upper case. No underscores (`1_000.5` is a string),
 * and a finite-looking form that overflows (`1e999`) is a string too, since js-yaml requires parseFloat to
 * give a finite number. Integers never get here: the Go integer type is tried first.
 */
function coreFloat(t: string): number | undefined {
  const l = t.length;
  let i = 0;
  let c = t.charCodeAt(0);
  const signed = c === PLUS || c === DASH;
  if (signed) c = t.charCodeAt(++i);
  if (c === DOT) {
    if (l - i === 4) {
      const w = t.slice(i);
      if (w === '.inf' || w === '.Inf' || w === '.INF') return t.charCodeAt(0) === DASH ? -Infinity : Infinity;
      if (!signed && (w === '.nan' || w === '.NaN' || w === '.NAN')) return NaN;
    }
    if (signed) return undefined;
    const d0 = ++i;
    while (isDigit(t.charCodeAt(i))) i++;
    if (i === d0) return undefined;
  } else {
    const d0 = i;
    while (isDigit(t.charCodeAt(i))) i++;
    if (i === d0) return undefined;
    if (t.charCodeAt(i) === DOT) {
      i++;
      while (isDigit(t.charCodeAt(i))) i++;
    }
  }
  c = t.charCodeAt(i);
  if (c === 0x65 || c === 0x45) {
    c = t.charCodeAt(++i);
    if (c === PLUS || c === DASH) i++;
    const e0 = i;
    while (isDigit(t.charCodeAt(i))) i++;
    if (i === e0) return undefined;
  }
  if (i !== l) return undefined;
  const v = parseFloat(t);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * A double-quoted scalar at `pos`; leaves `pos` after the closing quote. Across lines it folds as js-yaml
 * does: trailing white space of a line is dropped, one line break becomes a space, n breaks become n-1 line
 * feeds, leading white space of the next line is dropped, and an escaped line break joins the lines
 * (js-yaml drops the blank lines after one, too).
 */
function readDoubleQuoted(): string {
  let i = pos + 1;
  let seg = i;
  // end of the segment without its trailing white space, used when the line ends
  let segEnd = i;
  let out = '';
  quotedMultiLine = false;
  for (;;) {
    const c = src.charCodeAt(i);
    if (c === DQUOTE) break;
    if (c > SPACE) {
      if (c !== BACKSLASH) {
        segEnd = ++i;
        continue;
      }
      out += src.slice(seg, i);
      // the escapes js-yaml knows (YAML 1.2 §5.7); any other bails
      let ch: string;
      let width = 2;
      switch (src.charCodeAt(i + 1)) {
        case LF:
        case CR:
          i = quotedFold(i + 1);
          seg = segEnd = i;
          continue;
        case 0x30: ch = '\0'; break;
        case 0x61: ch = '\x07'; break;
        case 0x62: ch = '\b'; break;
        case 0x74: case TAB: ch = '\t'; break;
        case 0x6e: ch = '\n'; break;
        case 0x76: ch = '\v'; break;
        case 0x66: ch = '\f'; break;
        case 0x72: ch = '\r'; break;
        case 0x65: ch = '\x1b'; break;
        case SPACE: ch = ' '; break;
        case DQUOTE: ch = '"'; break;
        case 0x2f: ch = '/'; break;
        case BACKSLASH: ch = '\\'; break;
        case 0x4e: ch = '\x85'; break;
        case 0x5f: ch = '\xa0'; break;
        case 0x4c: ch = '\u2028'; break;
        case 0x50: ch = '\u2029'; break;
        case 0x78: ch = hexEscape(i + 2, 2); width = 4; break;
        case 0x75: ch = hexEscape(i + 2, 4); width = 6; break;
        case 0x55: ch = hexEscape(i + 2, 8); width = 10; break;
        default: bail();
      }
      out += ch;
      i += width;
      seg = segEnd = i;
    } else if (c === SPACE || c === TAB) i++;
    else if (c === LF || c === CR) {
      out += src.slice(seg, segEnd);
      i = quotedFold(i);
      out += foldBreaks === 1 ? ' ' : newlines(foldBreaks - 1);
      seg = segEnd = i;
    } else bail(); // control characters, which js-yaml rejects in quoted scalars
  }
  pos = i + 1;
  return out + src.slice(seg, i);
}

/** Line breaks crossed by the last quotedFold. */
let foldBreaks = 0;
/** Whether the last quoted scalar read spanned lines. */
let quotedMultiLine = false;

/**
 * From a line break at `i` inside a quoted scalar, skip it and any blank lines; returns the offset of the
 * next line's first non-space character and sets `foldBreaks`. The indentation of continuation lines does
 * not matter to js-yaml (at most a warning), but a document marker in column 0 is an error, and so is the
 * end of the text.
 */
function quotedFold(i: number): number {
  let breaks = 0;
  for (;;) {
    i += src.charCodeAt(i) === CR ? 2 : 1;
    breaks++;
    const ls = i;
    while (src.charCodeAt(i) === SPACE) i++;
    const c = src.charCodeAt(i);
    if (c === LF || c === CR) continue;
    // tabs in this white space js-yaml skips too, but then remembers them as "tab in indentation"
    if (i >= len || c === TAB) bail();
    if (i === ls && (c === DASH || c === DOT) && isMarker(i)) bail();
    foldBreaks = breaks;
    quotedMultiLine = true;
    return i;
  }
}

function hexEscape(at: number, digits: number): string {
  let v = 0;
  for (let k = 0; k < digits; k++) {
    const c = src.charCodeAt(at + k);
    const lc = c | 0x20;
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (lc >= 0x61 && lc <= 0x66) d = lc - 0x61 + 10;
    else bail();
    v = v * 16 + d;
  }
  // js-yaml would build a garbled surrogate pair beyond Unicode's range
  if (v > 0x10ffff) bail();
  return String.fromCodePoint(v);
}

/** A single-quoted scalar at `pos` (`''` is a quote); folds across lines like readDoubleQuoted. */
function readSingleQuoted(): string {
  let i = pos + 1;
  let seg = i;
  let segEnd = i;
  let out = '';
  quotedMultiLine = false;
  for (;;) {
    const c = src.charCodeAt(i);
    if (c > SPACE) {
      if (c !== SQUOTE) segEnd = ++i;
      else if (src.charCodeAt(i + 1) === SQUOTE) {
        out += src.slice(seg, i + 1);
        seg = segEnd = i += 2;
      } else break;
    } else if (c === SPACE || c === TAB) i++;
    else if (c === LF || c === CR) {
      out += src.slice(seg, segEnd);
      i = quotedFold(i);
      out += foldBreaks === 1 ? ' ' : newlines(foldBreaks - 1);
      seg = segEnd = i;
    } else bail();
  }
  pos = i + 1;
  return out + src.slice(seg, i);
}

/**
 * A literal (`|`) or folded (`>`) block scalar whose header is at `pos`, as the value of a collection with
 * indicators in column `n`. The algorithm follows js-yaml's readBlockScalar (which departs from the spec
 * in places, e.g. for more-indented lines in folded scalars) so that the text is the same:
 * - the content indentation is that of the first non-blank line, at least n + 1; before it is known,
 *   whitespace-only lines raise it too;
 * - a non-blank line indented less ends the scalar; blank lines (spaces up to the indentation) are kept
 *   according to the chomping indicator;
 * - folded: lines are joined with a space, except around blank lines and lines starting with white space.
 * Returns with `pos` at the start of the line that ended the scalar.
 */
function readBlockScalar(n: number): string {
  const folded = src.charCodeAt(pos) === GT;
  let i = pos + 1;
  let c = src.charCodeAt(i);
  let chomp = CLIP;
  // An indentation indicator (`|2`) fixes the content indentation at n + digit (YAML 1.2 §8.1.1.1); it may
  // come before or after the chomping indicator.
  let explicit = 0;
  for (let k = 0; k < 2; k++) {
    if (c === DASH || c === PLUS) {
      if (chomp !== CLIP) bail();
      chomp = c === DASH ? STRIP : KEEP;
    } else if (c >= 0x31 && c <= 0x39) {
      if (explicit !== 0) bail();
      explicit = c - 0x30;
    } else break;
    c = src.charCodeAt(++i);
  }
  // the rest of the header: an optional comment after white space; anything else (`|0`, `|x`) bails
  if (c === SPACE) {
    while (c === SPACE) c = src.charCodeAt(++i);
    if (c === HASH) {
      i = src.indexOf('\n', i);
      c = LF;
    }
  }
  if (c === LF) i++;
  else if (c === CR) i += 2;
  else bail();

  let textIndent = explicit === 0 ? n + 1 : n + explicit;
  let detected = explicit !== 0;
  let didRead = false;
  let moreIndented = false;
  let empty = 0;
  let out = '';
  while (i < len) {
    const ls = i;
    if (detected) {
      const lim = ls + textIndent;
      while (i < lim && src.charCodeAt(i) === SPACE) i++;
    } else {
      while (src.charCodeAt(i) === SPACE) i++;
      if (i - ls > textIndent) textIndent = i - ls;
    }
    c = src.charCodeAt(i);
    if (c === LF) {
      empty++;
      i++;
      continue;
    }
    if (c === CR) {
      empty++;
      i += 2;
      continue;
    }
    if (i - ls < textIndent) {
      // the end of the scalar; a tab here would be read by js-yaml as separation space of the parent
      if (c === TAB) bail();
      i = ls;
      break;
    }
    if (folded) {
      if (c === SPACE || c === TAB) {
        moreIndented = true;
        out += newlines(didRead ? empty + 1 : empty);
      } else if (moreIndented) {
        moreIndented = false;
        out += newlines(empty + 1);
      } else if (empty === 0) {
        if (didRead) out += ' ';
      } else out += newlines(empty);
    } else out += newlines(didRead ? empty + 1 : empty);
    didRead = true;
    detected = true;
    empty = 0;
    const from = i;
    for (;;) {
      c = src.charCodeAt(i);
      if (c >= SPACE && c < 0x7f) i++;
      else if (c === LF || c === CR) break;
      else if (c === TAB) i++;
      else if (c < SPACE) bail();
      else i = checkHigh(i, c);
    }
    out += src.slice(from, i);
    i += c === CR ? 2 : 1;
  }
  if (chomp === KEEP) out += newlines(didRead ? empty + 1 : empty);
  else if (chomp === CLIP && didRead) out += '\n';
  pos = i;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// One-line flow collections: `[]`, `{}`, `[80, 443]`, `["a", 'b']`, `{a: 1, "b": [x, y]}`. Keys must be
// scalars, and every flow mapping entry needs a value.

function parseFlow(): JsonValue {
  if (++depth > MAX_DEPTH) bail();
  const open = src.charCodeAt(pos);
  let i = pos + 1;
  let result: JsonValue;
  if (open === LBRACKET) {
    const base = itemTop;
    for (;;) {
      while (src.charCodeAt(i) === SPACE) i++;
      // `]` right after `[` or after a comma: js-yaml allows one trailing comma
      if (src.charCodeAt(i) === RBRACKET) break;
      pos = i;
      const v = flowNode();
      itemStack[itemTop++] = v;
      i = pos;
      while (src.charCodeAt(i) === SPACE) i++;
      const c = src.charCodeAt(i);
      if (c === COMMA) i++;
      else if (c === RBRACKET) break;
      else bail(); // `:` (a pair inside a sequence), a missing comma, the end of the line...
    }
    result = takeItems(base);
  } else {
    const obj: JsonObject = {};
    const base = keyTop;
    for (;;) {
      while (src.charCodeAt(i) === SPACE) i++;
      if (src.charCodeAt(i) === RBRACE) break;
      pos = i;
      const k = flowScalar(true);
      const key = typeof k === 'string' ? k : String(k);
      if (key === '<<') bail(); // see plainKey
      i = pos;
      while (src.charCodeAt(i) === SPACE) i++;
      // only `key: value` entries; a key without value (`{a, b}`) bails
      if (src.charCodeAt(i) !== COLON) bail();
      i++;
      while (src.charCodeAt(i) === SPACE) i++;
      pos = i;
      setKey(obj, key, flowNode());
      keyStack[keyTop++] = key;
      i = pos;
      while (src.charCodeAt(i) === SPACE) i++;
      const c = src.charCodeAt(i);
      if (c === COMMA) i++;
      else if (c === RBRACE) break;
      else bail();
    }
    if (hasDuplicate(obj, base)) bail();
    keyTop = base;
    result = obj;
  }
  pos = i + 1;
  depth--;
  return result;
}

/** An entry of a flow sequence or a value of a flow mapping: a nested one-line collection or a scalar. */
function flowNode(): JsonValue {
  const c = src.charCodeAt(pos);
  return c === LBRACKET || c === LBRACE ? parseFlow() : flowScalar(false);
}

/**
 * A quoted or plain scalar inside a one-line flow collection. A plain scalar ends at `,`, `]`, `}` or (for a
 * key) at `: `; inside it, `:` is text unless white space, a flow indicator or the line end follows (as in
 * js-yaml: `[nginx:1.25]`). A `:` that would end it elsewhere, `#`, `[` or `{` inside it, or the end of the
 * line bail rather than follow js-yaml's finer rules (`[a: b]` is a mapping in a sequence). Keys come back
 * resolved but not yet converted to strings.
 */
function flowScalar(isKey: boolean): JsonValue {
  const c = src.charCodeAt(pos);
  if (c === DQUOTE || c === SQUOTE) {
    const q = c === DQUOTE ? readDoubleQuoted() : readSingleQuoted();
    if (quotedMultiLine) bail();
    return q;
  }
  // in flow context `-` and `?` cannot start a plain scalar before a flow indicator either (`[-]`, `[?]`)
  if (!plainStart(pos) || ((c === DASH || c === QUESTION) && flowIndicatorAt(pos + 1))) bail();
  const start = pos;
  let i = start;
  let end = start;
  for (;;) {
    const d = src.charCodeAt(i);
    if (d === COMMA || d === RBRACKET || d === RBRACE || d === LBRACKET || d === LBRACE) break;
    if (d === COLON) {
      const e = src.charCodeAt(i + 1);
      if (e === SPACE && isKey) break;
      if (e <= SPACE || flowIndicatorAt(i + 1)) bail();
    }
    if (d === SPACE) i++;
    else if (d === HASH || d < SPACE) bail();
    else if (d < 0x7f) end = ++i;
    else end = i = checkHigh(i, d);
  }
  pos = i;
  return plainScalar(start, end);
}

function flowIndicatorAt(i: number): boolean {
  const c = src.charCodeAt(i);
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}
