/**
 * Minimal, fast YAML writer for the benchmark generator.
 *
 * It only has to handle the plain data the generator builds (maps, sequences, strings, numbers,
 * booleans, null), but it varies its style the way hand-written and tool-written manifests do:
 * 2 or 4 space indentation, indented or kubectl-style sequences, short flow sequences, single or
 * double quotes, literal block scalars for multi-line text. Keys whose value is `undefined` are
 * skipped, as JSON.stringify does.
 */

export type Scalar = string | number | boolean | null;
export type Value = Scalar | undefined | Value[] | { [key: string]: Value };
export type Obj = { [key: string]: Value };

export interface YamlStyle {
  /** Spaces per nesting level for mappings. */
  readonly indent: 2 | 4;
  /** `true`: `- item` is indented under its key; `false`: kubectl style, at the key's column. */
  readonly indentSequences: boolean;
  /** Write short sequences of simple words as `[a, b]`. */
  readonly flowSequences: boolean;
  /** Prefer 'single quotes' when a string needs quoting and allows it. */
  readonly singleQuotes: boolean;
}

export const DEFAULT_STYLE: YamlStyle = { indent: 2, indentSequences: true, flowSequences: false, singleQuotes: false };

const SPACES = ' '.repeat(256);
function pad(n: number): string {
  return n <= SPACES.length ? SPACES.slice(0, n) : ' '.repeat(n);
}

/** Words a YAML 1.1 or 1.2 reader could take for something other than a string. */
const RESERVED = new Set([
  'true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', '~',
  'True', 'False', 'Yes', 'No', 'On', 'Off', 'Y', 'N', 'Null',
  'TRUE', 'FALSE', 'YES', 'NO', 'ON', 'OFF', 'NULL',
]);

/**
 * A plain scalar: starts with a letter, `_` or `/`; words made of safe characters, joined by a
 * single space or by `:` that is not followed by a space. So it never contains `: `, ` #`, or flow
 * indicators, and never looks like a number, a date or a boolean.
 */
const PLAIN = /^[A-Za-z_/][\w./@()*-]*(?:[ :][\w./@()*-]+)*$/;
const PLAIN_KEY = /^[A-Za-z_][\w./-]*$/;
const FLOW_WORD = /^[A-Za-z_/][\w./-]*$/;

function quote(s: string, style: YamlStyle): string {
  if (style.singleQuotes && !/['\n\\]/.test(s) && !/[\u0000-\u001f\u007f-\u009f]/.test(s)) return `'${s}'`;
  return JSON.stringify(s);
}

function scalarText(v: Scalar, style: YamlStyle): string {
  if (typeof v === 'string') {
    if (PLAIN.test(v) && !RESERVED.has(v)) return v;
    return quote(v, style);
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? '.inf' : v < 0 ? '-.inf' : '.nan';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return 'null';
}

function keyText(k: string): string {
  return PLAIN_KEY.test(k) && !RESERVED.has(k) ? k : JSON.stringify(k);
}

function isScalar(v: Value): v is Scalar {
  return v === null || typeof v !== 'object';
}

function isMultiline(v: Value): v is string {
  return (
    typeof v === 'string' &&
    v.includes('\n') &&
    !v.endsWith('\n\n') &&
    !/^[ \t\n]/.test(v) &&
    !/[ \t](\n|$)/.test(v) &&
    !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(v)
  );
}

/** Literal block scalar: `head |` (or `|-` without a final newline), then the lines at `indent`. */
function blockScalar(s: string, indent: number, out: string[], head: string): void {
  const clip = s.endsWith('\n');
  const body = clip ? s.slice(0, -1) : s;
  out.push(`${head} |${clip ? '' : '-'}`);
  const p = pad(indent);
  for (const line of body.split('\n')) out.push(line === '' ? '' : p + line);
}

function flowList(v: Value[]): string | undefined {
  if (v.length === 0 || v.length > 6) return undefined;
  const parts: string[] = [];
  for (const item of v) {
    if (typeof item !== 'string' || !FLOW_WORD.test(item) || RESERVED.has(item)) return undefined;
    parts.push(item);
  }
  return `[${parts.join(', ')}]`;
}

function writeMap(obj: { [key: string]: Value }, indent: number, out: string[], style: YamlStyle, firstPrefix?: string): void {
  let first = true;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined) continue;
    const head = (first && firstPrefix !== undefined ? firstPrefix : pad(indent)) + keyText(k) + ':';
    first = false;
    writeEntry(v, head, indent, out, style);
  }
  if (first) {
    // Empty mapping in a sequence position.
    out.push(`${firstPrefix ?? pad(indent)}{}`);
  }
}

/** Write the value of a mapping entry whose `head` (`  key:`) is already formed. */
function writeEntry(v: Value, head: string, indent: number, out: string[], style: YamlStyle): void {
  if (isMultiline(v)) {
    blockScalar(v, indent + style.indent, out, head);
  } else if (isScalar(v)) {
    out.push(`${head} ${scalarText(v, style)}`);
  } else if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push(`${head} []`);
      return;
    }
    const flow = style.flowSequences ? flowList(v) : undefined;
    if (flow !== undefined) {
      out.push(`${head} ${flow}`);
      return;
    }
    out.push(head);
    writeSeq(v, style.indentSequences ? indent + style.indent : indent, out, style);
  } else if (v !== undefined) {
    if (Object.keys(v).every((k) => v[k] === undefined)) {
      out.push(`${head} {}`);
      return;
    }
    out.push(head);
    writeMap(v, indent + style.indent, out, style);
  }
}

function writeSeq(items: Value[], indent: number, out: string[], style: YamlStyle): void {
  const dash = `${pad(indent)}- `;
  for (const item of items) {
    if (item === undefined) {
      out.push(`${dash}null`);
    } else if (isMultiline(item)) {
      blockScalar(item, indent + 2, out, `${pad(indent)}-`);
    } else if (isScalar(item)) {
      out.push(dash + scalarText(item, style));
    } else if (Array.isArray(item)) {
      if (item.length === 0) out.push(`${dash}[]`);
      else {
        out.push(`${pad(indent)}-`);
        writeSeq(item, indent + 2, out, style);
      }
    } else {
      writeMap(item, indent + 2, out, style, dash);
    }
  }
}

/** One YAML document body (no `---`), ending with a newline. */
export function toYaml(doc: Obj, style: YamlStyle = DEFAULT_STYLE): string {
  const out: string[] = [];
  writeMap(doc, 0, out, style);
  out.push('');
  return out.join('\n');
}
