/**
 * Which files a run reads. Directories are walked with globby (honouring .gitignore and the ignore globs);
 * files named explicitly are read whatever their extension. A path that cannot be used is an InputError,
 * never an exception: the run goes on with the rest.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { globby } from 'globby';
import type { InputError } from './types.js';

export const MANIFEST_EXTENSIONS = ['yaml', 'yml', 'json'];

export interface Discovered {
  /** Absolute paths, sorted, without duplicates. */
  readonly files: string[];
  readonly errors: InputError[];
}

export interface DiscoverOptions {
  readonly cwd: string;
  readonly ignore: readonly string[];
  readonly gitignore: boolean;
}

export async function discoverFiles(paths: readonly string[], options: DiscoverOptions): Promise<Discovered> {
  const found = new Set<string>();
  const errors: InputError[] = [];
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
      found.add(abs);
      continue;
    }
    if (!stat.isDirectory()) {
      errors.push({ path: given, message: 'not a regular file or directory' });
      continue;
    }
    try {
      const entries = await globby(MANIFEST_EXTENSIONS.map((e) => `**/*.${e}`), {
        cwd: abs,
        absolute: true,
        gitignore: options.gitignore,
        ignore: [...options.ignore, '**/node_modules/**', '**/.git/**'],
        dot: false,
        onlyFiles: true,
        followSymbolicLinks: true,
        suppressErrors: true,
        caseSensitiveMatch: false,
      });
      if (entries.length === 0) errors.push({ path: given, message: 'directory contains no .yaml, .yml or .json files' });
      for (const e of entries) found.add(path.normalize(e));
    } catch (e) {
      errors.push({ path: given, message: describeFsError(e, 'cannot list directory') });
    }
  }
  return { files: [...found].sort(), errors };
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

/** Path as users and SARIF see it: relative to the working directory, with `/`. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  if (rel === '' ) return path.basename(abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return abs.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}
