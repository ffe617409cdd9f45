/**
 * Kustomize inputs. A directory holding a kustomization is rendered (`kustomize build` when that is on PATH,
 * else `kubectl kustomize`) and its plain YAML files are not read on their own: the rendering already
 * contains them, patched, and reading them too would report every object twice.
 *
 * Findings must point at the file that declared an object, not at the rendered stream. Kustomize can say
 * where each object came from (`buildMetadata: [originAnnotations]`), but users' kustomizations do not ask
 * for it and are never modified: a throwaway wrapper kustomization in a temporary directory includes the
 * user's directory and turns the annotations on. Each object is then found, by kind and name, in its
 * declaring file; the annotation is removed before rules see the object. Values set by a patch or a
 * transformer may not exist in the declaring file; the reporter then shows the nearest enclosing key and
 * says so (`SourceRef.renderedBy`).
 */
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsyaml from 'js-yaml';
import { displayPath } from './discover.js';
import { parseText } from './parse.js';
import { runTool, type ToolOutcome } from './tools.js';
import { isObject, pathKey, str, type FileAccount, type InputError, type JsonObject, type Path, type SourceFile, type SourceRef } from './types.js';

/** The file names kustomize accepts for a kustomization, in its order of preference. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

export function isKustomizationFile(p: string): boolean {
  return (KUSTOMIZATION_FILES as readonly string[]).includes(path.basename(p));
}

/** The kustomization file of a directory, if it has one. */
export async function kustomizationIn(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    const f = path.join(dir, name);
    try {
      if ((await fs.stat(f)).isFile()) return f;
    } catch {
      // not there
    }
  }
  return undefined;
}

/**
 * Split the files found by walking a directory into plain files and kustomization roots. Files inside a root
 * (its resources, patches and anything else below it) are dropped. A root that another root includes (a base
 * of an overlay, directly or through further bases) is not rendered on its own: its objects arrive through the
 * overlay. Overlays are rendered one by one, so two overlays of the same base both appear (name an overlay
 * explicitly to lint just that one).
 */
export function splitKustomize(found: readonly string[]): { files: string[]; roots: string[] } {
  const rootDirs = [...new Set(found.filter(isKustomizationFile).map((f) => path.dirname(f)))].sort();
  if (rootDirs.length === 0) return { files: [...found], roots: [] };
  const inRoot = (f: string) => rootDirs.some((d) => f.startsWith(d + path.sep));
  const files = found.filter((f) => !inRoot(f));
  const included = new Set<string>();
  for (const dir of rootDirs) for (const ref of referencedDirs(dir)) if (ref !== dir) included.add(ref);
  return { files, roots: rootDirs.filter((d) => !included.has(d)) };
}

/** Local directories a kustomization pulls in through resources, bases and components. */
function referencedDirs(dir: string): string[] {
  let text: string | undefined;
  for (const name of KUSTOMIZATION_FILES) {
    try {
      text = readFileSync(path.join(dir, name), 'utf8');
      break;
    } catch {
      // try the next name
    }
  }
  if (text === undefined) return [];
  let doc: unknown;
  try {
    doc = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
  } catch {
    return [];
  }
  if (!isObject(doc)) return [];
  const out: string[] = [];
  for (const key of ['resources', 'bases', 'components']) {
    const list = doc[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (typeof item !== 'string' || /^[a-z][a-z0-9+.-]*:\/\//i.test(item) || item.startsWith('git@')) continue;
      out.push(path.resolve(dir, item));
    }
  }
  return out;
}

export interface RenderedObject {
  readonly obj: JsonObject;
  readonly source: SourceRef;
}

export interface KustomizeOutcome {
  readonly objects: RenderedObject[];
  /** Files that declared the rendered objects (read so that locations and fingerprints work). */
  readonly files: SourceFile[];
  readonly accounting: FileAccount[];
  readonly errors: InputError[];
}

export interface KustomizeOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

type Renderer = 'kustomize' | 'kubectl';

/** Render each root and map its objects back to their declaring files. */
export async function renderKustomizations(roots: readonly string[], options: KustomizeOptions): Promise<KustomizeOutcome> {
  const out: KustomizeOutcome = { objects: [], files: [], accounting: [], errors: [] };
  const declaring = new Map<string, DeclaringFile | null>();
  let renderer: Renderer | undefined;
  for (const root of roots) {
    const shown = displayPath(root, options.cwd);
    const rendered = await render(root, options, renderer);
    if (!rendered.ok) {
      out.errors.push({ path: shown, message: rendered.message });
      continue;
    }
    renderer = rendered.renderer;
    const before = out.objects.length;
    const used = new Set<SourceFile>();
    const parsed = parseText(rendered.text, 'yaml');
    for (const doc of parsed.docs) {
      if (!isObject(doc.value)) continue;
      const obj = doc.value;
      const origin = takeOrigin(obj);
      const source = sourceFor(obj, origin, rendered.wrapperDir, root, shown, declaring, options.cwd);
      if (!out.files.includes(source.file)) out.files.push(source.file);
      used.add(source.file);
      out.objects.push({ obj, source });
    }
    const n = out.objects.length - before;
    out.accounting.push({
      path: shown,
      documents: parsed.docs.length,
      objects: n,
      skipped: parsed.docs.length - n,
      status: n ? 'ok' : 'empty',
      note: `kustomization rendered with ${rendered.renderer === 'kustomize' ? 'kustomize build' : 'kubectl kustomize'}; objects located in ${used.size} declaring file(s)`,
    });
  }
  return out;
}

type RenderOutcome = { ok: true; text: string; wrapperDir: string; renderer: Renderer } | { ok: false; message: string };

async function render(root: string, options: KustomizeOptions, known: Renderer | undefined): Promise<RenderOutcome> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'meshlint-kustomize-'));
  try {
    // kustomize only accepts a relative path to another kustomization directory, never an absolute one
    const rel = path.relative(tmp, root).split(path.sep).join('/');
    await fs.writeFile(path.join(tmp, 'kustomization.yaml'), `resources:\n- ${JSON.stringify(rel)}\nbuildMetadata: [originAnnotations]\n`);
    const tries: [Renderer, string, string[]][] = [
      ['kustomize', 'kustomize', ['build', tmp]],
      ['kubectl', 'kubectl', ['kustomize', tmp]],
    ];
    let last: ToolOutcome | undefined;
    for (const [name, cmd, args] of tries) {
      if (known && known !== name) continue;
      last = await runTool(cmd, args, { cwd: root, env: options.env });
      if (last.ok) return { ok: true, text: last.stdout, wrapperDir: tmp, renderer: name };
      if (!last.notFound) return { ok: false, message: last.message.split(tmp).join('<wrapper>') };
    }
    return {
      ok: false,
      message:
        'this directory has a kustomization, but neither "kustomize" nor "kubectl" is on PATH to render it; ' +
        'install one of them, or render it yourself and pipe the result: kubectl kustomize DIR | meshlint -',
    };
  } finally {
    // the wrapper is only read by the renderer; origin paths are resolved against it below, lexically
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

interface Origin {
  readonly path?: string;
  readonly repo?: string;
  readonly configuredIn?: string;
}

/** Read and remove the origin annotation (and an `annotations` map it leaves empty). */
function takeOrigin(obj: JsonObject): Origin | undefined {
  const meta = obj.metadata;
  if (!isObject(meta) || !isObject(meta.annotations)) return undefined;
  const raw = meta.annotations[ORIGIN_ANNOTATION];
  if (typeof raw !== 'string') return undefined;
  delete meta.annotations[ORIGIN_ANNOTATION];
  if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  try {
    const v = jsyaml.load(raw, { schema: jsyaml.CORE_SCHEMA });
    if (!isObject(v)) return undefined;
    return { path: str(v.path), repo: str(v.repo), configuredIn: str(v.configuredIn) };
  } catch {
    return undefined;
  }
}

interface DeclaringFile {
  readonly file: SourceFile;
  readonly value: JsonObject | undefined;
  /** Objects of the file: kind, name and where they are. */
  readonly objects: { kind: string; name: string; docIndex: number; prefix: Path }[];
}

function readDeclaring(abs: string, cwd: string, cache: Map<string, DeclaringFile | null>): DeclaringFile | undefined {
  const hit = cache.get(abs);
  if (hit !== undefined) return hit ?? undefined;
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    cache.set(abs, null);
    return undefined;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const file: SourceFile = { path: displayPath(abs, cwd), absPath: abs, text, format: /\.json$/i.test(abs) ? 'json' : 'yaml' };
  const objects: DeclaringFile['objects'] = [];
  const parsed = parseText(text, file.format === 'json' ? 'json' : 'yaml');
  let first: JsonObject | undefined;
  for (const doc of parsed.docs) {
    const v = doc.value;
    if (!isObject(v)) continue;
    first ??= v;
    const add = (o: JsonObject, prefix: Path) => {
      const kind = str(o.kind);
      const name = isObject(o.metadata) ? str(o.metadata.name) : undefined;
      if (kind) objects.push({ kind, name: name ?? '', docIndex: doc.index, prefix });
    };
    if (typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) {
      v.items.forEach((item, i) => isObject(item) && add(item, ['items', i]));
    } else add(v, []);
  }
  const entry: DeclaringFile = { file, value: first, objects };
  cache.set(abs, entry);
  return entry;
}

function sourceFor(
  obj: JsonObject,
  origin: Origin | undefined,
  wrapperDir: string,
  root: string,
  shownRoot: string,
  cache: Map<string, DeclaringFile | null>,
  cwd: string,
): SourceRef {
  const renderedBy = `kustomize (${shownRoot})`;
  const kind = str(obj.kind) ?? '';
  const name = isObject(obj.metadata) ? (str(obj.metadata.name) ?? '') : '';
  if (origin?.path && !origin.repo) {
    const decl = readDeclaring(path.resolve(wrapperDir, origin.path), cwd, cache);
    const found = decl && pickObject(decl.objects, kind, name);
    if (decl && found) return { file: decl.file, docIndex: found.docIndex, prefix: found.prefix, renderedBy };
    if (decl) return headOf(decl.file, renderedBy);
  }
  if (origin?.configuredIn && !origin.repo) {
    // generated by a ConfigMap/Secret generator: point at the generator entry in its kustomization
    const decl = readDeclaring(path.resolve(wrapperDir, origin.configuredIn), cwd, cache);
    if (decl) {
      const entry = generatorEntry(decl.value, kind, name);
      if (entry) return { file: decl.file, docIndex: 0, prefix: entry, renderedBy };
      return headOf(decl.file, renderedBy);
    }
  }
  // remote base, or no origin at all: the kustomization that was rendered is the best file to name
  const rootFile = KUSTOMIZATION_FILES.map((n) => path.join(root, n)).find((f) => readDeclaring(f, cwd, cache));
  const decl = rootFile ? readDeclaring(rootFile, cwd, cache) : undefined;
  if (decl) return headOf(decl.file, renderedBy);
  const file: SourceFile = { path: shownRoot, absPath: root, text: '', format: 'yaml' };
  return headOf(file, renderedBy);
}

/** A source that maps every path to the first line of the file (always inexact). */
function headOf(file: SourceFile, renderedBy: string): SourceRef {
  const nl = file.text.indexOf('\n');
  const end = nl === -1 ? file.text.length : nl;
  return { file, docIndex: 0, prefix: [], renderedBy, positions: new Map([[pathKey([]), [0, Math.max(end, 0)] as const]]) };
}

/**
 * The declaring file's object for a rendered one. Names differ when the overlay adds a prefix or a suffix,
 * so after an exact match the longest declared name contained in the rendered name wins; a file with a single
 * object of the kind needs no name at all.
 */
function pickObject(objects: DeclaringFile['objects'], kind: string, name: string): DeclaringFile['objects'][number] | undefined {
  const sameKind = objects.filter((o) => o.kind === kind);
  const exact = sameKind.find((o) => o.name === name);
  if (exact) return exact;
  const contained = sameKind.filter((o) => o.name !== '' && name.includes(o.name)).sort((a, b) => b.name.length - a.name.length);
  if (contained[0]) return contained[0];
  return sameKind.length === 1 ? sameKind[0] : undefined;
}

/** Path to the generator entry that produced a ConfigMap or Secret (`configMapGenerator[2]`). */
function generatorEntry(kustomization: JsonObject | undefined, kind: string, name: string): Path | undefined {
  if (!kustomization) return undefined;
  const key = kind === 'Secret' ? 'secretGenerator' : kind === 'ConfigMap' ? 'configMapGenerator' : undefined;
  if (!key) return undefined;
  const list = kustomization[key];
  if (!Array.isArray(list)) return undefined;
  let best: { i: number; len: number } | undefined;
  list.forEach((g, i) => {
    const n = isObject(g) ? str(g.name) : undefined;
    if (n && name.includes(n) && (!best || n.length > best.len)) best = { i, len: n.length };
  });
  return best ? [key, best.i] : [key];
}
