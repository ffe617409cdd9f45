/**
 * Which files a run reads. Directories are walked with globby (honouring .gitignore and the ignore globs);
 * files named explicitly are read whatever their extension. A path that cannot be used is an InputError,
 * never an exception: the run goes on with the rest.
 */
import { promises as fs, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { globbySync } from 'globby';
import { isKustomizationFile, kustomizationIn, splitKustomize } from './kustomize.js';
import { isTypeScriptPath, looksLikeManifestSource, TYPESCRIPT_EXTENSIONS } from './typescript.js';
import { gitignoreFilter, GITIGNORE_PATTERN } from './gitignore.js';
import type { InputError } from './types.js';

export const MANIFEST_EXTENSIONS = ['yaml', 'yml', 'json'];
/** A constant: a regular expression literal in the loop below would be a new object per walked file. */
const TS_FILE = /\.[mc]?ts$/i;

export interface Discovered {
  /** Absolute paths, sorted, without duplicates. */
  readonly files: string[];
  readonly errors: InputError[];
  /**
   * Kustomization roots (absolute directories) to render instead of reading their files: a directory
   * named on the command line that holds a kustomization, a named kustomization file's directory, and
   * roots found while walking (see splitKustomize for which of those are rendered).
   */
  readonly kustomizations: string[];
}

export interface DiscoverOptions {
  readonly cwd: string;
  readonly ignore: readonly string[];
  readonly gitignore: boolean;
}

export async function discoverFiles(paths: readonly string[], options: DiscoverOptions): Promise<Discovered> {
  const found = new Set<string>();
  const errors: InputError[] = [];
  const kustomizations = new Set<string>();
  for (const given of paths) {
    const abs = path.resolve(options.cwd, given);
    let stat;
    try {
      stat = await fs.stat(abs);
    } catch (e) {
      errors.push({ path: given, message: describeFsError(e, 'cannot read path') });
      continue;
    }
    if (stat.isFile()) {
      if (isKustomizationFile(abs)) kustomizations.add(path.dirname(abs));
      else found.add(abs);
      continue;
    }
    if (!stat.isDirectory()) {
      errors.push({ path: given, message: 'not a regular file or directory' });
      continue;
    }
    if (await kustomizationIn(abs)) {
      kustomizations.add(abs);
      continue;
    }
    try {
      const patterns = [...MANIFEST_EXTENSIONS, ...TYPESCRIPT_EXTENSIONS].map((e) => `**/*.${e}`);
      // the synchronous walk: on thousands of small directories the async one spent most of its time in
      // promise and callback round trips (measured 2-3x slower on the bench repository)
      // relative entries, made absolute below: fast-glob's `absolute` resolves every entry with path.resolve,
      // which is most of the garbage the walk makes
      const relative = globbySync([...patterns, '**/Kustomization', GITIGNORE_PATTERN], {
        cwd: abs,
        absolute: false,
        gitignore: false, // applied below, in one pass (see gitignore.ts)
        ignore: [...options.ignore, '**/node_modules/**', '**/.git/**'],
        dot: false,
        onlyFiles: true,
        followSymbolicLinks: true,
        suppressErrors: true,
        caseSensitiveMatch: false,
      });
      const listed = relative.map((rel) => absoluteEntry(abs, rel));
      const gitignores = listed.filter((e) => e.endsWith('/.gitignore'));
      const isIgnored = options.gitignore ? gitignoreFilter(abs, gitignores) : () => false;
      const walked = listed.filter((e) => !e.endsWith('/.gitignore') && !isIgnored(e));
      const split = splitKustomize(walked.map(normalized));
      for (const k of split.roots) kustomizations.add(k);
      // TypeScript found by walking is read only when it imports a manifest library (cheap string test)
      const entries: string[] = [];
      for (const e of split.files) {
        if (TS_FILE.test(e)) {
          if (isTypeScriptPath(e) && importsManifestLibrary(e)) entries.push(e);
        } else if (path.extname(e) !== '') entries.push(e); // extensionless: a case variant of `Kustomization`
      }
      if (entries.length === 0 && split.roots.length === 0) errors.push({ path: given, message: 'directory contains no .yaml, .yml or .json files' });
      for (const e of entries) found.add(e);
    } catch (e) {
      errors.push({ path: given, message: describeFsError(e, 'cannot list directory') });
    }
  }
  return { files: [...found].sort(), errors, kustomizations: [...kustomizations].sort() };
}

/**
 * The path fast-glob's `absolute` option gives a walked entry: path.resolve(root, rel) with backslashes turned
 * into slashes (on every platform). `root` comes from path.resolve, so for an entry that is names joined by
 * single slashes (what a walk yields) resolving is a concatenation; anything else takes the long way.
 */
function absoluteEntry(root: string, rel: string): string {
  if (
    path.sep === '/' &&
    rel !== '' &&
    rel.charCodeAt(0) !== 0x2f && // `/`
    rel.charCodeAt(0) !== 0x2e && // `.`, `..`, `./`
    rel.charCodeAt(rel.length - 1) !== 0x2f &&
    !rel.includes('/.') &&
    !rel.includes('//') &&
    !rel.includes('\\') &&
    !root.includes('\\')
  ) {
    return root.endsWith('/') ? root + rel : `${root}/${rel}`;
  }
  return path.resolve(root, rel).replace(/\\/g, '/');
}

/**
 * path.normalize, skipped where it cannot change anything: on POSIX, an absolute path without `//` and
 * without a segment starting with `.` (hence no `.` or `..` segment) is already normal.
 */
function normalized(p: string): string {
  if (path.sep === '/' && p.charCodeAt(0) === 0x2f && !p.includes('//') && !p.includes('/.')) return p;
  return path.normalize(p);
}

/** Synchronous, like the manifest reads in index.ts: many small files cost more in promise round trips than in reading. */
function importsManifestLibrary(abs: string): boolean {
  try {
    if (statSync(abs).size > 4 * 1024 * 1024) return false;
    return looksLikeManifestSource(readFileSync(abs, 'utf8'));
  } catch {
    return false;
  }
}

export function describeFsError(e: unknown, fallback: string): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links (a symlink loop?)';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e instanceof Error ? `${fallback}: ${e.message}` : fallback;
  }
}

// what displayPath looks for, built once rather than concatenated again for every file
const SEP_DOTDOT = `${path.sep}..`;
const SEP_DOT_SEP = `${path.sep}.${path.sep}`;
const SEP_SEP = path.sep + path.sep;

// The working directory with a trailing separator, kept for the next call: a run asks for thousands of files
// under one directory, and a fresh concatenation per file was flattened again by each startsWith.
let lastCwd: string | undefined;
let lastPrefix = '';
function cwdPrefix(cwd: string): string {
  if (cwd !== lastCwd) {
    lastPrefix = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
    lastCwd = cwd;
  }
  return lastPrefix;
}

/** Path as users and SARIF see it: relative to the working directory, with `/`. */
export function displayPath(abs: string, cwd: string): string {
  // the common case, a file under the working directory, without path.relative's normalising work
  const prefix = cwdPrefix(cwd);
  if (abs.startsWith(prefix) && path.isAbsolute(cwd) && !abs.includes(SEP_DOTDOT) && !abs.includes(SEP_DOT_SEP) && !abs.includes(SEP_SEP, prefix.length - 1)) {
    const rel = abs.slice(prefix.length);
    if (rel !== '') return path.sep === '/' ? rel : rel.split(path.sep).join('/');
  }
  const rel = path.relative(cwd, abs);
  if (rel === '' ) return path.basename(abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return abs.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}
