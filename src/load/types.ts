/** A step inside a parsed object: a mapping key or a sequence index. */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** Plain JSON-like value as produced by the YAML/JSON parsers. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One input text: a file on disk, stdin, or a rendered stream (kustomize, helm). */
export interface SourceFile {
  /** Path shown to users and written to SARIF: relative to the working directory, `/`-separated. */
  readonly path: string;
  /** Absolute path on disk, when there is one. */
  readonly absPath?: string;
  /** Full text; kept so that locations and fingerprints can be computed lazily. */
  readonly text: string;
  readonly format: 'yaml' | 'json';
}

/** Where an object came from: the file, the document inside it, and a path prefix (e.g. `items[3]` in a List). */
export interface SourceRef {
  readonly file: SourceFile;
  /** 0-based index of the YAML document inside the file (JSON files: always 0). */
  readonly docIndex: number;
  /** Path from the document root to the object (non-empty for items of `kind: List`). */
  readonly prefix: Path;
  /**
   * For rendered Helm streams: the chart path from the `# Source:` comment above the document.
   * Findings are reported against this path, with lines counted from the start of the document.
   */
  readonly origin?: string;
}

/** One Kubernetes object from the input, with identity resolved once. */
export interface Resource {
  /** Dense index in load order; stable within one run. */
  readonly id: number;
  readonly apiVersion: string;
  /** API group: `""` for core, `apps`, `networking.istio.io`, ... */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly name: string;
  /** Effective namespace (the configured default when unset); `undefined` for cluster-scoped kinds. */
  readonly namespace: string | undefined;
  /** True when metadata.namespace was absent and the default was applied. */
  readonly namespaceDefaulted: boolean;
  /** True when the kind is known to the built-in registry or declared by a CRD in the input. */
  readonly known: boolean;
  readonly obj: JsonObject;
  readonly source: SourceRef;
}

/** A problem found while reading or parsing; reported as a finding of an `input` rule. */
export interface LoadProblem {
  readonly ruleId: 'manifest-parse-error' | 'manifest-invalid';
  readonly file: SourceFile;
  readonly message: string;
  /** 1-based; absent when the problem concerns the whole file or is located through `at`. */
  readonly line?: number;
  readonly column?: number;
  /** A problem inside a parsed document: the reporter resolves the path to a range. */
  readonly at?: { readonly source: SourceRef; readonly path: Path };
  /** Object the problem belongs to, when there is one (for logical locations). */
  readonly object?: { readonly kind: string; readonly name: string; readonly namespace?: string };
}

/** A path the user named that could not be used at all (missing, unreadable directory...). */
export interface InputError {
  readonly path: string;
  readonly message: string;
}

export interface LoadResult {
  readonly files: SourceFile[];
  readonly resources: Resource[];
  readonly problems: LoadProblem[];
  readonly inputErrors: InputError[];
  /** Every file the run looked at, with what became of it (nothing is dropped silently). */
  readonly accounting: FileAccount[];
}

export interface FileAccount {
  readonly path: string;
  readonly documents: number;
  readonly objects: number;
  /** Documents that are not Kubernetes objects (values files, tool configs): counted, not linted. */
  readonly skipped: number;
  readonly status: 'ok' | 'empty' | 'error' | 'skipped';
  readonly note?: string;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Read a nested value without throwing on missing or mistyped intermediates. */
export function getIn(v: unknown, path: Path): JsonValue | undefined {
  let cur: unknown = v;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
      cur = cur[seg];
    }
  }
  return cur as JsonValue | undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
