#!/usr/bin/env node
/**
 * Builds schemas/kubernetes-builtin.json, the JSON Schemas that src/load/schema.ts hands to ajv.
 *
 * Source (nothing here is written by hand; every definition comes from these npm packages):
 *   - kubernetes-models@4.3.1 and @kubernetes-models/apimachinery@1.2.2 (MIT, Tommy Chen,
 *     https://github.com/tommy351/kubernetes-models-ts): JSON Schemas generated from the OpenAPI
 *     document of Kubernetes 1.27.1, one module per definition. This is the newest release line
 *     that still ships the schemas as data; 4.4.0 and later ship only precompiled validator code.
 *   - kubernetes-models@5.1.0 and @kubernetes-models/apimachinery@3.0.2 (same project, MIT):
 *     TypeScript declarations for a newer Kubernetes release. Only the property names of each
 *     definition, whether each is optional, and the values of string enums are taken from them,
 *     so that fields added after 1.27 (e.g. the sidecar `restartPolicy` of init containers) are
 *     known and not reported as unknown. Such fields are accepted without a type check.
 *
 * Usage:  node scripts/gen-k8s-schemas.mjs [--tarballs DIR]     (GEN_VERBOSE=1 lists the changes)
 *   Downloads the four tarballs with `npm pack` into a temporary directory (or takes them from
 *   DIR, where they were packed earlier), and rewrites schemas/kubernetes-builtin.json.
 *
 * What the rewrite does to each definition (see class Normalizer):
 *   - `oneOf: [{$ref}, {type: null}]` and `nullable: true` become our own null handling: an
 *     optional field may be null (Kubernetes decodes null as "not set"), a required one or an
 *     array item may not; map values may (they decode to the zero value).
 *   - Definitions that only say `type: object` (RawExtension, FieldsV1, JSONSchemaPropsOrBool...)
 *     carry no structure and accept any value; `int-or-string` and `quantity` unions become type
 *     lists, so ajv reports one readable error instead of one per branch.
 *   - Objects with `properties` are closed (`additionalProperties: false`), as the API server's
 *     strict field validation treats them; maps (`additionalProperties: {...}`) stay open.
 *   - Formats we do not check (int64, double...) are dropped; int32, byte, date-time and quantity
 *     are kept and checked by formats registered in src/load/schema.ts.
 *   - Enums take the values of the newer release too (e.g. the `FailIndex` action of Job pod
 *     failure policies), so that a value added since 1.27 is not reported; a field required in
 *     1.27 but optional in the newer release (e.g. `onPodConditions` of those rules) is optional.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SCHEMA_PACKAGES = [
  { name: 'kubernetes-models', version: '4.3.1', license: 'MIT' },
  { name: '@kubernetes-models/apimachinery', version: '1.2.2', license: 'MIT' },
];
const NAME_PACKAGES = [
  { name: 'kubernetes-models', version: '5.1.0', license: 'MIT' },
  { name: '@kubernetes-models/apimachinery', version: '3.0.2', license: 'MIT' },
];
const KUBERNETES_VERSION = '1.27.1';
const KEPT_FORMATS = new Set(['int32', 'byte', 'date-time', 'quantity']);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outFile = path.join(root, 'schemas', 'kubernetes-builtin.json');

function tarballName(pkg) {
  return `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
}

/** Unpacks each package into its own folder under `work`; returns the folders' `package/` paths. */
function fetchPackages(pkgs, work, tarballDir) {
  const dirs = [];
  for (const pkg of pkgs) {
    let tgz = tarballDir ? path.join(tarballDir, tarballName(pkg)) : undefined;
    if (!tgz || !fs.existsSync(tgz)) {
      execFileSync('npm', ['pack', '--silent', `${pkg.name}@${pkg.version}`], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
      tgz = path.join(work, tarballName(pkg));
    }
    const dest = path.join(work, `${tarballName(pkg)}.d`);
    fs.mkdirSync(dest, { recursive: true });
    execFileSync('tar', ['-xzf', tgz, '-C', dest]);
    dirs.push(path.join(dest, 'package'));
  }
  return dirs;
}

/**
 * Reads the schema modules of a 4.x package. Each `_schemas/<Name>.js` holds one literal
 * `const schema = {...};` and registers it under the definition's id; the literal is JSON.
 * Returns id -> schema, and PascalCase file name -> id.
 */
function readSchemaModules(pkgDir) {
  const dir = path.join(pkgDir, '_schemas');
  const defs = new Map();
  const idByName = new Map();
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.js')) continue;
    const code = fs.readFileSync(path.join(dir, file), 'utf8');
    const lit = /\nconst schema = (\{\}|\{\n[\s\S]*?\n\});\n/.exec(code);
    const reg = /\.register\)\("([^"]+)", schema\)/.exec(code);
    if (!lit || !reg) throw new Error(`unexpected layout in ${file}`);
    defs.set(reg[1], JSON.parse(lit[1]));
    idByName.set(file.slice(0, -3), reg[1]);
  }
  return { defs, idByName };
}

/**
 * Reads the properties of every interface that a 5.x package exports under a definition's
 * PascalCase name (`export type { IDeploymentSpec as IIoK8sApiAppsV1DeploymentSpec, ... }`):
 * PascalCase name -> property name -> { optional, values } (values: see stringValues).
 */
function readPropertyNames(pkgDir) {
  const out = new Map();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '_schemas' && entry.name !== 'node_modules') walk(p);
      } else if (entry.name.endsWith('.d.ts')) {
        readDeclarationFile(p, out);
      }
    }
  };
  walk(pkgDir);
  return out;
}

function readDeclarationFile(file, out) {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const interfaces = new Map();
  const exported = [];
  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st)) interfaces.set(st.name.text, st);
    if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const el of st.exportClause.elements) {
        const local = (el.propertyName ?? el.name).text;
        const alias = el.name.text;
        if (/^IIoK8s/.test(alias)) exported.push([local, alias.slice(1)]);
      }
    }
  }
  for (const [local, name] of exported) {
    const decl = interfaces.get(local);
    if (!decl) continue;
    const props = new Map();
    for (const m of decl.members) {
      if (!ts.isPropertySignature(m) || !m.name) continue;
      if (ts.isStringLiteral(m.name) || ts.isIdentifier(m.name)) {
        props.set(m.name.text, { optional: m.questionToken !== undefined, values: stringValues(m.type) });
      }
    }
    out.set(name, props);
  }
}

/**
 * The allowed values of a property typed as a string literal or a union of them; 'string' for a
 * plain string; undefined for anything else.
 */
function stringValues(type) {
  if (!type) return undefined;
  if (type.kind === ts.SyntaxKind.StringKeyword) return 'string';
  const parts = ts.isUnionTypeNode(type) ? type.types : [type];
  const values = [];
  for (const t of parts) {
    if (!ts.isLiteralTypeNode(t) || !ts.isStringLiteral(t.literal)) return undefined;
    values.push(t.literal.text);
  }
  return values;
}

function refId(ref) {
  return ref.replace(/#$/, '');
}

/** A definition that says nothing but `type: object` (or nothing at all): any value passes. */
function isStructureless(s) {
  const keys = Object.keys(s);
  return keys.length === 0 || (keys.length === 1 && s.type === 'object');
}

/** `oneOf` whose branches are plain typed scalars (int-or-string, quantity) -> one type list. */
function mergeScalarUnion(branches) {
  const types = [];
  let format;
  for (const b of branches) {
    const keys = Object.keys(b);
    if (typeof b.type !== 'string' || keys.some((k) => k !== 'type' && k !== 'format')) return undefined;
    types.push(b.type);
    if (b.format) {
      if (format && format !== b.format) return undefined;
      format = b.format;
    }
  }
  // Stable order: integer/number before string, as in "must be integer or string".
  types.sort((a, b) => (a === 'string' ? 1 : 0) - (b === 'string' ? 1 : 0));
  const out = { type: types };
  if (format && KEPT_FORMATS.has(format)) out.format = format;
  return out;
}

/**
 * Brings an enum up to date with the newer release: values it added are allowed too, and an enum
 * the newer release no longer declares is dropped. Other schemas are returned as they are.
 */
function freshenEnum(schema, newerValues) {
  if (!Array.isArray(schema?.enum) || newerValues === undefined) return schema;
  const { enum: values, ...rest } = schema;
  if (newerValues === 'string') return rest;
  return { ...rest, enum: [...new Set([...values, ...newerValues])].sort() };
}

function withNull(type) {
  const list = Array.isArray(type) ? [...type] : [type];
  if (!list.includes('null')) list.push('null');
  return list;
}

class Normalizer {
  constructor(rawDefs, newer) {
    this.raw = rawDefs;
    this.newer = newer; // id -> property name -> { optional, values }, from the newer declarations
    this.scalar = new Map(); // id -> inlinable scalar schema, or true for "anything"
    this.unknownRefs = new Set();
    this.relaxed = []; // required fields made optional by the newer release
    for (const [id, s] of rawDefs) {
      if (isStructureless(s)) this.scalar.set(id, true);
      else if (Array.isArray(s.oneOf)) {
        const merged = mergeScalarUnion(s.oneOf);
        if (merged) this.scalar.set(id, merged);
      } else if (typeof s.type === 'string' && s.type !== 'object' && s.type !== 'array' && !s.properties) {
        this.scalar.set(id, this.value(s, false));
      }
    }
  }

  /**
   * Normalizes a definition at the top level. Object definitions accept null themselves, so that
   * an optional field can refer to them with a bare `$ref`; positions where null is not allowed
   * (required fields, array items) add `type: "object"` next to the `$ref`.
   */
  definition(id) {
    const s = this.raw.get(id);
    const sc = this.scalar.get(id);
    if (sc !== undefined) return sc;
    if (s.type !== 'object') throw new Error(`definition ${id} is neither a scalar nor an object`);
    return this.value(s, true, id);
  }

  ref(target, nullable) {
    if (!this.raw.has(target)) {
      this.unknownRefs.add(target);
      return true;
    }
    const sc = this.scalar.get(target);
    if (sc === true) return true;
    if (sc) {
      const copy = structuredClone(sc);
      if (nullable) copy.type = withNull(copy.type);
      return copy;
    }
    return nullable ? { $ref: target } : { $ref: target, type: 'object' };
  }

  /** Normalizes a value schema; `nullable` says whether null is accepted in this position. */
  value(s, nullable, ownId) {
    if (s === true || s === false) return s;
    if (typeof s.$ref === 'string') return this.ref(refId(s.$ref), nullable);
    if (Array.isArray(s.oneOf)) {
      const nonNull = s.oneOf.filter((b) => b.type !== 'null');
      const hadNull = nonNull.length !== s.oneOf.length;
      if (nonNull.length === 1) return this.value(nonNull[0], nullable && hadNull);
      const merged = mergeScalarUnion(nonNull);
      if (merged) {
        if (nullable) merged.type = withNull(merged.type);
        return merged;
      }
      throw new Error(`unhandled oneOf: ${JSON.stringify(s)}`);
    }
    if (isStructureless(s)) return true;
    const newer = ownId ? this.newer.get(ownId) : undefined;
    // A field required in 1.27 that the newer release made optional is optional here too.
    const required = (s.required ?? []).filter((name) => !newer?.get(name)?.optional);
    for (const name of s.required ?? []) if (!required.includes(name)) this.relaxed.push(`${ownId}.${name}`);
    const out = {};
    for (const [key, v] of Object.entries(s)) {
      switch (key) {
        case 'type':
          out.type = nullable ? withNull(v) : v;
          break;
        case 'nullable':
          break; // replaced by our own rule: optional fields may be null
        case 'format':
          if (KEPT_FORMATS.has(v)) out.format = v;
          break;
        case 'enum':
          out.enum = nullable ? [...v, null] : v;
          break;
        case 'required':
          if (required.length) out.required = required;
          break;
        case 'items':
          out.items = this.value(v, false);
          break;
        case 'additionalProperties':
          // Map values: Kubernetes decodes `key: null` as the zero value, so null passes.
          out.additionalProperties = this.value(v, true);
          break;
        case 'properties': {
          const props = {};
          for (const name of Object.keys(v).sort()) {
            props[name] = this.value(freshenEnum(v[name], newer?.get(name)?.values), !required.includes(name));
          }
          for (const name of newer?.keys() ?? []) if (!(name in props)) props[name] = true;
          out.properties = Object.fromEntries(Object.entries(props).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
          break;
        }
        default:
          throw new Error(`unhandled keyword ${key} in ${JSON.stringify(s).slice(0, 200)}`);
      }
    }
    if (out.properties && !('additionalProperties' in s)) out.additionalProperties = false;
    return out;
  }
}

/** Kinds: definitions whose apiVersion and kind are each pinned to one value. */
function findKinds(defs) {
  const kinds = {};
  for (const [id, s] of defs) {
    const av = s.properties?.apiVersion?.enum;
    const k = s.properties?.kind?.enum;
    if (!Array.isArray(av) || av.length !== 1 || !Array.isArray(k) || k.length !== 1) continue;
    const [group, version] = av[0].includes('/') ? av[0].split('/') : ['', av[0]];
    kinds[`${group}/${version}/${k[0]}`] = id;
  }
  return Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Adds to `into` the ids that `schema` refers to through `$ref`. */
function collectRefs(schema, into) {
  if (Array.isArray(schema)) {
    for (const v of schema) collectRefs(v, into);
  } else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === '$ref' && typeof v === 'string') into.add(v);
      else if (k === 'properties') for (const p of Object.values(v)) collectRefs(p, into);
      else if (k !== 'enum' && k !== 'required') collectRefs(v, into);
    }
  }
}

function main() {
  const args = process.argv.slice(2);
  const tIdx = args.indexOf('--tarballs');
  const tarballDir = tIdx >= 0 ? path.resolve(args[tIdx + 1]) : undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlint-k8s-schemas-'));
  try {
    const schemaDirs = fetchPackages(SCHEMA_PACKAGES, work, tarballDir);
    const nameDirs = fetchPackages(NAME_PACKAGES, work, tarballDir);

    const raw = new Map();
    const idByName = new Map();
    for (const dir of schemaDirs) {
      const r = readSchemaModules(dir);
      for (const [k, v] of r.defs) raw.set(k, v);
      for (const [k, v] of r.idByName) idByName.set(k, v);
    }
    const newer = new Map(); // id -> property name -> { optional, values } in the newer release
    let added = 0;
    for (const dir of nameDirs) {
      for (const [name, props] of readPropertyNames(dir)) {
        const id = idByName.get(name);
        if (!id) continue; // a definition the older schemas do not have: nothing to extend
        newer.set(id, props);
        const known = raw.get(id).properties;
        if (known) added += [...props.keys()].filter((p) => !(p in known)).length;
      }
    }

    const norm = new Normalizer(raw, newer);
    const kinds = findKinds(raw);
    // Keep only what the kinds reach, in a stable order.
    const keep = new Set();
    const queue = Object.values(kinds);
    const defs = new Map();
    while (queue.length) {
      const id = queue.pop();
      if (keep.has(id)) continue;
      keep.add(id);
      const d = norm.definition(id);
      defs.set(id, d);
      const refs = new Set();
      collectRefs(d, refs);
      for (const r of refs) if (!keep.has(r)) queue.push(r);
    }
    if (norm.unknownRefs.size) throw new Error(`dangling references: ${[...norm.unknownRefs].join(', ')}`);
    const ids = [...defs.keys()].sort();
    const unmatched = ids.filter((id) => defs.get(id).properties && !newer.has(id));
    if (process.env.GEN_VERBOSE) {
      for (const id of unmatched) console.log(`no newer declaration for ${id}`);
      for (const field of norm.relaxed) console.log(`optional in the newer release: ${field}`);
    }

    const meta = {
      generatedBy: 'scripts/gen-k8s-schemas.mjs (do not edit by hand; rerun the script)',
      kubernetesVersion: KUBERNETES_VERSION,
      schemasFrom: SCHEMA_PACKAGES.map((p) => `${p.name}@${p.version} (${p.license})`),
      newerReleaseFrom: NAME_PACKAGES.map((p) => `${p.name}@${p.version} (${p.license})`),
      propertiesAddedFromNewerRelease: added,
      requiredFieldsMadeOptional: norm.relaxed.length,
      objectsWithoutNewerDeclaration: unmatched.length,
    };
    const lines = [];
    lines.push('{');
    lines.push(`"meta": ${JSON.stringify(meta)},`);
    lines.push('"kinds": {');
    const kindKeys = Object.keys(kinds);
    kindKeys.forEach((k, i) => lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(kinds[k])}${i < kindKeys.length - 1 ? ',' : ''}`));
    lines.push('},');
    lines.push('"definitions": {');
    ids.forEach((id, i) => lines.push(`${JSON.stringify(id)}: ${JSON.stringify(defs.get(id))}${i < ids.length - 1 ? ',' : ''}`));
    lines.push('}');
    lines.push('}');
    const text = lines.join('\n') + '\n';
    JSON.parse(text); // sanity
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, text);
    console.log(`wrote ${path.relative(root, outFile)}: ${Object.keys(kinds).length} kinds, ${ids.length} definitions, ${added} property names from the newer release, ${text.length} bytes`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
