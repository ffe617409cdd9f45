/**
 * Scalars as Kubernetes reads them. kubectl and the API server decode YAML with sigs.k8s.io/yaml, which is
 * built on go-yaml v2 and resolves plain scalars the YAML 1.1 way: `y`, `yes`, `on` (any of their usual
 * capitalisations) are booleans, and integers go through Go's base-0 ParseInt, so `0644` is octal 420 and
 * `1_000` is 1000. Reading `hostNetwork: yes` as a string, or `defaultMode: 0644` as 644, would make
 * meshlint disagree with the cluster (source: go-yaml v2 resolve.go, its resolve table and int parsing).
 */
import jsyaml from 'js-yaml';
import type { ScalarTag } from 'yaml';

// exported for the fast parser (fast-yaml.ts), which must resolve booleans exactly as this schema does
export const TRUE: ReadonlySet<string> = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
export const FALSE: ReadonlySet<string> = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

// Go's ParseInt with base 0: optional sign, then 0x/0o/0b prefixes, a leading 0 for octal, underscores allowed.
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[1-9][0-9_]*|0)$/;

export function parseGoInt(text: string): number | undefined {
  // most plain scalars are words: reject them on the first character before trying the pattern
  const c = text.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45)) return undefined;
  if (!GO_INT.test(text)) return undefined;
  const neg = text.startsWith('-');
  let body = text.replace(/^[-+]/, '').replace(/_/g, '');
  if (body === '') return undefined;
  let base = 10;
  if (/^0[xX]/.test(body)) [base, body] = [16, body.slice(2)];
  else if (/^0[bB]/.test(body)) [base, body] = [2, body.slice(2)];
  else if (/^0[oO]/.test(body)) [base, body] = [8, body.slice(2)];
  else if (body.length > 1 && body.startsWith('0')) [base, body] = [8, body.slice(1)];
  if (body === '') return undefined;
  const v = parseInt(body, base);
  return Number.isNaN(v) ? undefined : neg ? -v : v;
}

// bool and int are asked about every plain scalar, so both answer "no" cheaply for ordinary words
const boolType = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  // the longest boolean word has five letters: longer scalars are not hashed into the sets at all
  resolve: (data: unknown) => typeof data === 'string' && data.length <= 5 && (TRUE.has(data) || FALSE.has(data)),
  construct: (data: string) => TRUE.has(data),
  predicate: (v: unknown) => typeof v === 'boolean',
});

const intType = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && parseGoInt(data) !== undefined,
  construct: (data: string) => parseGoInt(data),
  predicate: (v: unknown) => typeof v === 'number' && Number.isInteger(v),
});

/** js-yaml's core schema with go-yaml v2's booleans and integers in place of YAML 1.2's. */
// `<<` merge keys are YAML 1.1, which go-yaml v2 implements; the careful `yaml` path merges them too (merge:
// true). js-yaml merges a mapping pair whose key resolves to this tag.
const mergeType = new jsyaml.Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<',
});

export const K8S_SCHEMA = jsyaml.CORE_SCHEMA.extend({ implicit: [boolType, intType, mergeType] });

/** The same resolution for the `yaml` package (the careful parser). */
export const K8S_YAML_TAGS: ScalarTag[] = [
  {
    tag: 'tag:yaml.org,2002:bool',
    default: true,
    test: /^(?:[yYnN]|[Yy]es|YES|[Nn]o|NO|[Tt]rue|TRUE|[Ff]alse|FALSE|[Oo]n|ON|[Oo]ff|OFF)$/,
    resolve: (s: string) => TRUE.has(s),
  },
  {
    tag: 'tag:yaml.org,2002:int',
    default: true,
    test: GO_INT,
    resolve: (s: string) => parseGoInt(s) ?? s,
  },
];
