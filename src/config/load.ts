/**
 * `meshlint.config.yaml`: found upward from the working directory or named with `--config`. Only YAML or
 * JSON is read: linting a repository must never execute code from it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parseDocument } from 'yaml';
import { isObject, type JsonObject } from '../load/types.js';
import type { Level } from '../rules/types.js';
import { CONFIG_SCHEMA } from './schema.js';

export const CONFIG_FILE_NAMES = ['meshlint.config.yaml', 'meshlint.config.yml', 'meshlint.config.json', '.meshlint.yaml'];

export type RuleSetting = { level?: Level | 'off'; options?: JsonObject };

export interface Config {
  readonly file?: string;
  readonly namespace?: string;
  readonly ignore: readonly string[];
  readonly failLevel?: Level | 'never';
  readonly rules: Readonly<Record<string, RuleSetting>>;
  readonly cluster: JsonObject;
}

export class ConfigError extends Error {}

export const EMPTY_CONFIG: Config = { ignore: [], rules: {}, cluster: {} };

/** Nearest config file at or above `cwd`, or undefined. */
export function findConfig(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const n of CONFIG_FILE_NAMES) {
      const p = path.join(dir, n);
      if (existsSync(p)) return p;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `cwd` only shapes how the file is named in messages. */
export function loadConfigFile(absFile: string, cwd = process.cwd()): Config {
  const rel = path.relative(cwd, absFile);
  const file = rel && !rel.startsWith('..') ? rel : absFile;
  let text: string;
  try {
    text = readFileSync(absFile, 'utf8');
  } catch (e) {
    throw new ConfigError(`${file}: cannot read configuration: ${e instanceof Error ? e.message : String(e)}`);
  }
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) {
    const err = doc.errors[0]!;
    throw new ConfigError(`${file}:${err.linePos?.[0].line ?? 1}:${err.linePos?.[0].col ?? 1}: ${err.message.split('\n')[0]}`);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 50 }) ?? {};
  return parseConfig(value, file, (p) => linePos(doc, text, p));
}

let validator: ReturnType<Ajv['compile']> | undefined;

/** Validate a parsed config object; errors name the file, line and the offending setting. */
export function parseConfig(value: unknown, file = '<config>', locate?: (p: string[]) => string): Config {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(CONFIG_SCHEMA);
  if (!validator(value)) {
    const lines = (validator.errors ?? []).slice(0, 10).map((e) => `  ${locate ? locate(pathOf(e)) : file}: ${describeError(e)}`);
    throw new ConfigError(`invalid configuration in ${file}:\n${lines.join('\n')}`);
  }
  const v = value as JsonObject;
  const rules: Record<string, RuleSetting> = {};
  if (isObject(v.rules)) {
    for (const [id, setting] of Object.entries(v.rules)) {
      if (typeof setting === 'string') rules[id] = { level: setting as Level | 'off' };
      else if (isObject(setting)) rules[id] = { level: setting.level as Level | 'off' | undefined, options: isObject(setting.options) ? setting.options : undefined };
    }
  }
  return {
    file: file === '<config>' ? undefined : file,
    namespace: typeof v.namespace === 'string' ? v.namespace : undefined,
    ignore: Array.isArray(v.ignore) ? (v.ignore as string[]) : [],
    failLevel: v.failLevel as Config['failLevel'],
    rules,
    cluster: isObject(v.cluster) ? v.cluster : {},
  };
}

function pathOf(e: ErrorObject): string[] {
  const p = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'additionalProperties') p.push(String((e.params as { additionalProperty: string }).additionalProperty));
  return p;
}

function describeError(e: ErrorObject): string {
  const where = pathOf(e).join('.') || '(top level)';
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown setting "${where}"`;
    case 'enum':
      return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(', ')}`;
    case 'type':
      return `${where} must be ${(e.params as { type: string }).type}`;
    case 'anyOf':
      return `${where} must be a level (off, error, warning, note) or { level, options }`;
    default:
      return `${where} ${e.message ?? 'is invalid'}`;
  }
}

function linePos(doc: ReturnType<typeof parseDocument>, text: string, p: string[]): string {
  let node: unknown = doc.contents;
  let range: [number, number, number] | undefined;
  for (const seg of p) {
    if (!node || typeof node !== 'object' || !('get' in node)) break;
    const n = (node as { get(k: string, keep: true): unknown }).get(seg, true);
    if (!n) {
      // the key itself when the value is missing
      break;
    }
    node = n;
    const r = (n as { range?: [number, number, number] }).range;
    if (r) range = r;
  }
  const offset = range?.[0] ?? 0;
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col}`;
}
