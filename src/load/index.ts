/**
 * Inputs → Resource[]. Every file the run touches is accounted for: its objects become Resources, its
 * problems become findings of the `input` rules, and documents that are not Kubernetes objects are counted.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { describeFsError, discoverFiles, displayPath } from './discover.js';
import { renderHelm, type HelmInput } from './helm.js';
import { builtinKind, groupKindKey, splitApiVersion } from './kinds.js';
import { renderKustomizations } from './kustomize.js';
import { parseText, type ParsedDoc } from './parse.js';
import { isTypeScriptPath, loadTypeScript } from './typescript.js';
import {
  isObject,
  str,
  type FileAccount,
  type InputError,
  type JsonObject,
  type LoadProblem,
  type LoadResult,
  type Path,
  type Resource,
  type SourceFile,
  type SourceRef,
} from './types.js';

export interface LoadOptions {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly defaultNamespace: string;
  readonly ignore: readonly string[];
  readonly gitignore: boolean;
  /** Text for the path `-`. */
  readonly stdin?: string;
  readonly stdinName: string;
  /** Files larger than this are reported, not parsed. */
  readonly maxFileBytes: number;
  /** Extra in-memory inputs (tests, editor buffers, rendered kustomize/helm output). */
  readonly texts?: readonly { path: string; text: string }[];
  /** A chart to render with `helm template` (src/load/helm.ts). */
  readonly helm?: HelmInput;
  /** Text that replaces a file's content on disk, by absolute path (unsaved editor buffers). */
  readonly overrides?: ReadonlyMap<string, string>;
  /** Environment for the external renderers (kustomize, kubectl, helm); default: the process's. */
  readonly env?: NodeJS.ProcessEnv;
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

interface RawObject {
  readonly obj: JsonObject;
  readonly source: SourceRef;
  readonly unknown?: readonly Path[];
}

export async function loadInputs(options: LoadOptions): Promise<LoadResult> {
  const problems: LoadProblem[] = [];
  const accounting: FileAccount[] = [];
  const inputErrors: InputError[] = [];
  const files: SourceFile[] = [];
  const raws: RawObject[] = [];

  const fsPaths = options.paths.filter((p) => p !== '-');
  const discovered = fsPaths.length
    ? await discoverFiles(fsPaths, { cwd: options.cwd, ignore: options.ignore, gitignore: options.gitignore })
    : { files: [], errors: [], kustomizations: [] };
  inputErrors.push(...discovered.errors);

  if (discovered.kustomizations.length) {
    const k = await renderKustomizations(discovered.kustomizations, { cwd: options.cwd, env: options.env });
    inputErrors.push(...k.errors);
    files.push(...k.files);
    accounting.push(...k.accounting);
    for (const o of k.objects) addObject(o.obj, o.source, raws, problems);
  }

  const texts: { path: string; absPath?: string; text: string }[] = [];
  const reads = readAll(discovered.files, options.maxFileBytes, options.overrides);
  for (const r of reads) {
    const shown = displayPath(r.abs, options.cwd);
    if ('text' in r) texts.push({ path: shown, absPath: r.abs, text: r.text });
    else {
      const file: SourceFile = { path: shown, absPath: r.abs, text: '', format: formatOf(shown) };
      files.push(file);
      problems.push({ ruleId: 'manifest-parse-error', file, message: r.error });
      accounting.push({ path: shown, documents: 0, objects: 0, skipped: 0, status: 'error', note: r.error });
    }
  }
  if (options.paths.includes('-')) texts.push({ path: options.stdinName, text: stripBom(options.stdin ?? '') });
  for (const t of options.texts ?? []) texts.push({ path: t.path, text: stripBom(t.text) });
  if (options.helm) {
    const h = await renderHelm(options.helm, { cwd: options.cwd, env: options.env });
    if (h.error) inputErrors.push(h.error);
    if (h.text) texts.push(h.text);
  }

  for (const t of texts) {
    const file: SourceFile = { path: t.path, absPath: t.absPath, text: t.text, format: formatOf(t.path) };
    files.push(file);
    if (file.format === 'typescript') {
      const ts = await loadTypeScript(file);
      problems.push(...ts.problems);
      accounting.push(ts.account);
      for (const o of ts.objects) addObject(o.obj, o.source, raws, problems, o.unknown);
    } else accounting.push(loadFile(file, raws, problems));
  }

  const resources = buildResources(raws, options.defaultNamespace, problems);
  return { files, resources, problems, inputErrors, accounting };
}

type ReadOutcome = { abs: string; text: string } | { abs: string; error: string };

/**
 * Synchronous on purpose: for thousands of small files, promise-based reads spent more time in libuv round
 * trips (open, fstat, read, close) than parsing took. Binaries and oversized files get a message, never a throw.
 */
function readAll(paths: readonly string[], maxBytes: number, overrides?: ReadonlyMap<string, string>): ReadOutcome[] {
  return paths.map((abs) => {
    const text = overrides?.get(abs);
    return text !== undefined ? { abs, text: stripBom(text) } : readOne(abs, maxBytes);
  });
}

// One buffer for every read: files are read one at a time, and their bytes are needed only until they are
// decoded. A buffer per file (twice the file's size, to see the end of the file) was garbage, and external
// memory that V8 counts towards its next collection. Manifests are small; a larger file gets a buffer of
// its own for that read.
const SCRATCH_BYTES = 1024 * 1024;
let scratch: Buffer | undefined;
/** The first 8 KiB of `scratch`, where binary files are recognised, as a view made once. */
let scratchHead: Buffer | undefined;
const BINARY_PROBE_BYTES = 8192;

function readOne(abs: string, maxBytes: number): ReadOutcome {
  let fd: number | undefined;
  try {
    fd = openSync(abs, 'r');
    if (scratch === undefined) {
      scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
      scratchHead = scratch.subarray(0, BINARY_PROBE_BYTES);
    }
    // Read to the end without asking the size first: an fstat per file was a syscall and a Stats object
    // (with its dates) per file. The size is asked only when the content outgrows the scratch buffer or the
    // limit, or the read fails, so that the answers stay those of a check made before reading: an oversized
    // file is reported with its size, and one that grows past the limit while being read says so.
    let buf = scratch;
    let len = 0;
    let sized = false;
    for (;;) {
      if (len === buf.length || len > maxBytes) {
        if (!sized) {
          const { size } = fstatSync(fd);
          if (size > maxBytes) return tooLarge(abs, size, maxBytes);
          sized = true;
        }
        if (len > maxBytes) return { abs, error: `file grew over the limit of ${maxBytes} bytes (--max-file-size) while read; not parsed` };
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, len);
        buf = bigger;
      }
      let n: number;
      try {
        n = readSync(fd, buf, len, buf.length - len, null);
      } catch (e) {
        // e.g. a directory: had its size been checked first, an oversized one would have said so
        if (!sized) {
          const { size } = fstatSync(fd);
          if (size > maxBytes) return tooLarge(abs, size, maxBytes);
        }
        throw e;
      }
      if (n === 0) break;
      len += n;
    }
    // a NUL found in the scratch buffer's head at or past `len` is a byte of an earlier file: none in this one
    let nul = buf === scratch ? scratchHead!.indexOf(0) : buf.subarray(0, BINARY_PROBE_BYTES).indexOf(0);
    if (nul >= len) nul = -1;
    if (nul !== -1) return { abs, error: `binary file (NUL byte at offset ${nul}); not parsed` };
    return { abs, text: stripBom(buf.toString('utf8', 0, len)) };
  } catch (e) {
    return { abs, error: `cannot read file: ${describeFsError(e, 'read failed')}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function tooLarge(abs: string, size: number, maxBytes: number): ReadOutcome {
  return { abs, error: `file is ${size} bytes, over the limit of ${maxBytes} bytes (--max-file-size); not parsed` };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// Patterns as constants: a regular expression literal builds a new object each time it is evaluated, and
// these are evaluated per file or per document.
const JSON_PATH = /\.json$/i;
/** What every TypeScript path ends with; the full test (isTypeScriptPath) runs only for those. */
const TS_ENDING = /ts$/i;

function formatOf(p: string): SourceFile['format'] {
  if (JSON_PATH.test(p)) return 'json';
  if (TS_ENDING.test(p) && isTypeScriptPath(p)) return 'typescript';
  return 'yaml'; // YAML is a superset of JSON: stdin and other names parse either
}

function loadFile(file: SourceFile, raws: RawObject[], problems: LoadProblem[]): FileAccount {
  if (file.text.trim() === '') return { path: file.path, documents: 0, objects: 0, skipped: 0, status: 'empty', note: 'empty file' };
  const outcome = parseText(file.text, file.format === 'json' ? 'json' : 'yaml');
  if (outcome.fileError) {
    problems.push({ ruleId: 'manifest-parse-error', file, message: outcome.fileError.message, line: outcome.fileError.line, column: outcome.fileError.column });
    return { path: file.path, documents: 0, objects: 0, skipped: 0, status: 'error', note: outcome.fileError.message };
  }
  let documents = 0;
  let objects = 0;
  let skipped = 0;
  let errors = 0;
  for (const doc of outcome.docs) {
    if (doc.error) {
      errors++;
      documents++;
      problems.push({ ruleId: 'manifest-parse-error', file, message: doc.error.message, line: doc.error.line, column: doc.error.column });
      continue;
    }
    if (doc.value === null || doc.value === undefined) continue;
    documents++;
    const before = raws.length;
    skipped += collectObjects(file, doc, raws, problems);
    objects += raws.length - before;
  }
  const status: FileAccount['status'] = errors ? 'error' : documents === 0 ? 'empty' : 'ok';
  const notes: string[] = [];
  if (skipped) notes.push(`${skipped} document(s) that are not Kubernetes objects skipped`);
  if (errors) notes.push(`${errors} document(s) did not parse`);
  return { path: file.path, documents, objects, skipped, status, note: notes.length ? notes.join('; ') : undefined };
}

/** Returns how many documents were not Kubernetes objects (counted, not reported). */
function collectObjects(file: SourceFile, doc: ParsedDoc, raws: RawObject[], problems: LoadProblem[]): number {
  const value = doc.value;
  // `# Source:` names the chart template only for rendered streams (stdin, --helm). A rendered file that is
  // committed to the repository is itself what users edit and what code scanning can show, so it keeps its path.
  const origin = doc.origin !== undefined && file.absPath === undefined ? doc.origin : undefined;
  const source = sourceRef(file, doc.index, NO_PREFIX, origin);
  if (!isObject(value)) {
    problems.push({
      ruleId: 'manifest-invalid',
      file,
      message: `document is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not a Kubernetes object`,
      at: { source, path: [] },
    });
    return 0;
  }
  const kind = str(value.kind);
  const apiVersion = str(value.apiVersion);
  if (kind === undefined && apiVersion === undefined) return 1;
  if (kind !== undefined && kind.endsWith('List') && Array.isArray(value.items)) {
    const items = value.items;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const itemSource = sourceRef(file, doc.index, ['items', i], origin);
      if (isObject(item)) addObject(item, itemSource, raws, problems);
      else problems.push({ ruleId: 'manifest-invalid', file, message: `item ${i} of the ${kind} is not an object`, at: { source: itemSource, path: [] } });
    }
    return 0;
  }
  return addObject(value, source, raws, problems) ? 0 : 1;
}

/** The prefix of an object that is a whole document: one shared empty path (paths are read-only). */
const NO_PREFIX: Path = Object.freeze([]);

/** A SourceRef with `origin` only when there is one, built as a plain literal (a spread copies slowly). */
function sourceRef(file: SourceFile, docIndex: number, prefix: Path, origin: string | undefined): SourceRef {
  return origin === undefined ? { file, docIndex, prefix } : { file, docIndex, prefix, origin };
}

/**
 * Files of tools that reuse the apiVersion/kind convention but never reach a cluster (kustomization.yaml,
 * kubeconfig, Helm's Chart.yaml, skaffold.yaml...). They have no `metadata`, which every API object has.
 */
function isToolConfig(obj: JsonObject): boolean {
  if (typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith('kustomize.config.k8s.io/')) return true;
  if (isObject(obj.metadata)) return false;
  const kind = str(obj.kind);
  const apiVersion = str(obj.apiVersion);
  if (kind === undefined || apiVersion === undefined) return true;
  const { group } = splitApiVersion(apiVersion);
  return builtinKind(group, kind) === undefined;
}

/** Returns false when the document is not a Kubernetes object (counted by the caller, not reported). */
function addObject(obj: JsonObject, source: SourceRef, raws: RawObject[], problems: LoadProblem[], unknown?: readonly Path[]): boolean {
  if (isToolConfig(obj)) return false;
  const missing: string[] = [];
  if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') missing.push('apiVersion');
  if (typeof obj.kind !== 'string' || obj.kind === '') missing.push('kind');
  if (missing.length) {
    const present = missing.length === 1 ? (missing[0] === 'kind' ? 'apiVersion' : 'kind') : undefined;
    problems.push({
      ruleId: 'manifest-invalid',
      file: source.file,
      message: `object has no ${missing.join(' and ')}${present ? ` (it has ${present})` : ''}; it cannot be identified`,
      at: { source, path: present ? [present] : [] },
    });
    return true;
  }
  raws.push(unknown?.length ? { obj, source, unknown } : { obj, source });
  return true;
}

/** Learn scope from CRDs in the input, then give every object its identity and effective namespace. */
function buildResources(raws: readonly RawObject[], defaultNamespace: string, problems: LoadProblem[]): Resource[] {
  const crdScope = new Map<string, boolean>();
  for (const { obj } of raws) {
    if (obj.kind !== 'CustomResourceDefinition') continue;
    const spec = obj.spec;
    if (!isObject(spec) || !isObject(spec.names)) continue;
    const group = str(spec.group);
    const kind = str(spec.names.kind);
    if (group !== undefined && kind !== undefined) crdScope.set(groupKindKey(group, kind), spec.scope !== 'Cluster');
  }
  const out: Resource[] = [];
  for (const { obj, source, unknown } of raws) {
    const apiVersion = obj.apiVersion as string;
    const kind = obj.kind as string;
    const { group, version } = splitApiVersion(apiVersion);
    const builtin = builtinKind(group, kind);
    const fromCrd = crdScope.get(groupKindKey(group, kind));
    const namespaced = builtin ? builtin.namespaced : fromCrd ?? true;
    const metadata = isObject(obj.metadata) ? obj.metadata : undefined;
    const givenNs = str(metadata?.namespace);
    let name = str(metadata?.name);
    if (name === undefined || name === '') {
      const generate = str(metadata?.generateName);
      if (generate) name = `${generate}*`;
      else {
        problems.push({
          ruleId: 'manifest-invalid',
          file: source.file,
          message: `${kind} has no metadata.name`,
          at: { source, path: metadata ? ['metadata'] : [] },
          object: { kind, name: '' },
        });
        name = '';
      }
    }
    const resource: Resource = {
      id: out.length,
      apiVersion,
      group,
      version,
      kind,
      name,
      namespace: namespaced ? givenNs || defaultNamespace : undefined,
      namespaceDefaulted: namespaced && !givenNs,
      known: builtin !== undefined || fromCrd !== undefined,
      obj,
      source,
    };
    // added only when present, as before (a spread of an empty object copied every resource slowly)
    if (unknown) (resource as { unknown?: readonly Path[] }).unknown = unknown;
    out.push(resource);
  }
  return out;
}

/** For callers that build a SourceRef path relative to the object. */
export function objectPath(source: SourceRef, path: Path): Path {
  return source.prefix.length ? [...source.prefix, ...path] : path;
}

export { displayPath } from './discover.js';
