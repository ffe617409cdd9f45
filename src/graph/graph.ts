/**
 * The graph of the cluster that the input describes. It is built once per run: indexes by identity, by
 * kind and by namespace, and pod templates indexed by label, so that a rule's question ("which pods does
 * this selector pick?") costs a few lookups instead of a scan. Derived facts (a Service's endpoints, a
 * workload's mesh state) are computed on first use and memoised with `memo`.
 */
import { groupKindKey, podTemplatePath } from '../load/kinds.js';
import { getIn, isObject, pushTo as push, str, type JsonObject, type Path, type Resource } from '../load/types.js';
import { labelsOf, RUNTIME_LABEL_KEYS, selectorMatches, type Labels, type Selector } from './labels.js';

/** A pod as a workload will create it: the template's labels and spec, and the object that owns it. */
export interface PodTemplate {
  readonly owner: Resource;
  readonly namespace: string;
  /** Path from the owner's root to the template (`[]` for a Pod). */
  readonly path: Path;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly spec: JsonObject;
}

export interface GraphOptions {
  readonly defaultNamespace: string;
  /** Facts about the cluster that the input cannot show (the configuration's `cluster:` section). */
  readonly cluster?: Readonly<Record<string, unknown>>;
}

/** Group-kind keys read by rules; `workloads` stands for every kind that carries a pod template. */
export type KindKey = string;
export const WORKLOADS: KindKey = 'workloads';

export class Graph {
  readonly resources: readonly Resource[];
  readonly defaultNamespace: string;
  readonly cluster: Readonly<Record<string, unknown>>;
  readonly podTemplates: readonly PodTemplate[];
  /** When set (by the rule tester), every kind a query touches is recorded here. */
  readLog: Set<KindKey> | undefined;

  private readonly byKind = new Map<string, Resource[]>();
  /** group-kind key → namespace ('' when cluster-scoped) → name → objects; nested so lookups build no key strings */
  private readonly byIdentity = new Map<string, Map<string, Map<string, Resource[]>>>();
  /** Identities declared more than once, in order of their second declaration; each list in input order. */
  private readonly sharedIdentities: Resource[][] = [];
  /** namespace → group-kind key → objects */
  private readonly byNsKind = new Map<string, Map<string, Resource[]>>();
  private readonly templatesByNs = new Map<string, PodTemplate[]>();
  private readonly templateByOwner = new Map<number, PodTemplate>();
  /** namespace → label key → label value → templates */
  private readonly labelIndex = new Map<string, Map<string, Map<string, PodTemplate[]>>>();
  private readonly memos = new Map<unknown, unknown>();
  private readonly memoTables = new Map<string, Map<unknown, unknown>>();
  private readonly namespaceSet = new Set<string>();

  constructor(resources: readonly Resource[], options: GraphOptions) {
    this.resources = resources;
    this.defaultNamespace = options.defaultNamespace;
    this.cluster = options.cluster ?? {};
    const templates: PodTemplate[] = [];
    for (const r of resources) {
      const gk = groupKindKey(r.group, r.kind);
      push(this.byKind, gk, r);
      let byNs = this.byIdentity.get(gk);
      if (!byNs) this.byIdentity.set(gk, (byNs = new Map()));
      const ns = r.namespace ?? '';
      let byName = byNs.get(ns);
      if (!byName) byNs.set(ns, (byName = new Map()));
      const same = byName.get(r.name);
      if (same === undefined) byName.set(r.name, [r]);
      else {
        if (same.length === 1) this.sharedIdentities.push(same);
        same.push(r);
      }
      if (r.namespace !== undefined) {
        let kinds = this.byNsKind.get(r.namespace);
        if (!kinds) {
          this.byNsKind.set(r.namespace, (kinds = new Map()));
          this.namespaceSet.add(r.namespace);
        }
        push(kinds, gk, r);
      }
      if (r.group === '' && r.kind === 'Namespace') this.namespaceSet.add(r.name);
      const t = templateOf(r);
      if (t) {
        templates.push(t);
        this.templateByOwner.set(r.id, t);
        push(this.templatesByNs, t.namespace, t);
        let byKey = this.labelIndex.get(t.namespace);
        if (!byKey) this.labelIndex.set(t.namespace, (byKey = new Map()));
        // for-in over labelsOf's plain object: the keys of Object.entries, in its order, without its pair arrays
        const labels = t.labels;
        for (const k in labels) {
          let byValue = byKey.get(k);
          if (!byValue) byKey.set(k, (byValue = new Map()));
          push(byValue, labels[k]!, t);
        }
      }
    }
    this.podTemplates = templates;
  }

  private note(key: KindKey): void {
    this.readLog?.add(key);
  }

  /** All objects of one API group and kind. */
  ofKind(group: string, kind: string): readonly Resource[] {
    const gk = groupKindKey(group, kind);
    this.note(gk);
    return this.byKind.get(gk) ?? EMPTY;
  }

  /** Objects of one group and kind in one namespace. */
  inNamespace(namespace: string, group: string, kind: string): readonly Resource[] {
    const gk = groupKindKey(group, kind);
    this.note(gk);
    return this.byNsKind.get(namespace)?.get(gk) ?? EMPTY;
  }

  /** The object with this identity (the first, when the input declares it twice). */
  find(group: string, kind: string, namespace: string | undefined, name: string): Resource | undefined {
    const gk = groupKindKey(group, kind);
    this.note(gk);
    return this.byIdentity.get(gk)?.get(namespace ?? '')?.get(name)?.[0];
  }

  /** Every object sharing one identity; more than one is a duplicate. */
  sameIdentity(r: Resource): readonly Resource[] {
    return this.byIdentity.get(groupKindKey(r.group, r.kind))?.get(r.namespace ?? '')?.get(r.name) ?? EMPTY;
  }

  /** Every identity declared more than once (each list in input order): duplicates without a scan. */
  duplicateIdentities(): readonly (readonly Resource[])[] {
    return this.sharedIdentities;
  }

  /** Groups and kinds present in the input. */
  kinds(): IterableIterator<string> {
    return this.byKind.keys();
  }

  /** Namespaces named anywhere in the input (as an object's namespace or as a Namespace object). */
  namespaces(): ReadonlySet<string> {
    return this.namespaceSet;
  }

  templates(): readonly PodTemplate[] {
    this.note(WORKLOADS);
    return this.podTemplates;
  }

  templatesIn(namespace: string): readonly PodTemplate[] {
    this.note(WORKLOADS);
    return this.templatesByNs.get(namespace) ?? EMPTY;
  }

  templateOf(owner: Resource): PodTemplate | undefined {
    this.note(WORKLOADS);
    return this.templateByOwner.get(owner.id);
  }

  /** Pod templates in `namespace` that `sel` selects. Uses the label index for `In` requirements. */
  select(namespace: string, sel: Selector): PodTemplate[] {
    this.note(WORKLOADS);
    if (sel.kind === 'nothing') return [];
    const all = this.templatesByNs.get(namespace) ?? EMPTY;
    if (sel.kind === 'everything') return all.slice();
    // the smallest candidate list any `In` requirement allows; most selectors have a single-value one
    let candidates: readonly PodTemplate[] | undefined;
    const byKey = this.labelIndex.get(namespace);
    for (const r of sel.requirements) {
      if (r.op !== 'In' || RUNTIME_LABEL_KEYS.has(r.key)) continue;
      const byValue = byKey?.get(r.key);
      if (byValue === undefined) return [];
      let list: readonly PodTemplate[] | undefined;
      if (r.values.length === 1) list = byValue.get(r.values[0]!);
      else {
        const merged: PodTemplate[] = [];
        for (const v of r.values) {
          const l = byValue.get(v);
          if (l) for (const t of l) merged.push(t);
        }
        list = merged;
      }
      if (list === undefined || list.length === 0) return [];
      if (candidates === undefined || list.length < candidates.length) candidates = list;
    }
    const out: PodTemplate[] = [];
    for (const t of candidates ?? all) if (selectorMatches(sel, t.labels)) out.push(t);
    return out;
  }

  /**
   * Compute a derived fact once per graph. Either one string key (`service:12`), or a constant namespace and
   * an id (`memo('service', svc.id, ...)`): the second form builds no key string, which matters because
   * rules ask for per-workload facts hundreds of thousands of times on large inputs.
   */
  memo<T>(key: string, compute: () => T): T;
  memo<T>(namespace: string, id: number | string, compute: () => T): T;
  memo<T>(keyOrNs: string, idOrCompute: number | string | (() => T), maybeCompute?: () => T): T {
    let table: Map<unknown, unknown>;
    let id: unknown;
    let compute: () => T;
    if (typeof idOrCompute === 'function') {
      table = this.memos;
      id = keyOrNs;
      compute = idOrCompute;
    } else {
      let t = this.memoTables.get(keyOrNs);
      if (!t) this.memoTables.set(keyOrNs, (t = new Map()));
      table = t;
      id = idOrCompute;
      compute = maybeCompute!;
    }
    // one lookup on the hot path; `undefined` results are stored as a marker so they are computed once too
    const hit = table.get(id);
    if (hit !== undefined) return (hit === UNDEFINED ? undefined : hit) as T;
    const v = compute();
    table.set(id, v === undefined ? UNDEFINED : v);
    return v;
  }
}

const EMPTY: readonly never[] = Object.freeze([]);
const UNDEFINED = Symbol('undefined');


export function identityKey(group: string, kind: string, namespace: string | undefined, name: string): string {
  return `${groupKindKey(group, kind)}|${namespace ?? ''}|${name}`;
}

/** A workload's pod template, found by its kind, or by shape for custom kinds (Argo Rollouts and the like). */
function templateOf(r: Resource): PodTemplate | undefined {
  if (r.namespace === undefined) return undefined;
  let path = podTemplatePath(r.group, r.kind);
  if (path === undefined) {
    if (r.known) return undefined;
    if (!Array.isArray(getIn(r.obj, ['spec', 'template', 'spec', 'containers']))) return undefined;
    path = ['spec', 'template'];
  }
  const tpl = path.length ? getIn(r.obj, path) : r.obj;
  if (!isObject(tpl)) return undefined;
  const meta = isObject(tpl.metadata) ? tpl.metadata : {};
  const spec = isObject(tpl.spec) ? tpl.spec : {};
  return { owner: r, namespace: r.namespace, path, labels: labelsOf(meta.labels), annotations: labelsOf(meta.annotations), spec };
}

/** `name.namespace` style display used in messages. */
export function describeObject(r: Resource): string {
  return r.namespace !== undefined ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}


/** An object's effective namespace: its own, or the configured default (for cluster-scoped kinds too). */
export function namespaceOf(graph: Graph, r: Resource): string {
  return r.namespace ?? graph.defaultNamespace;
}

/** `<namespace>/<Kind>/<name>`, or `<Kind>/<name>` when cluster-scoped: the name SARIF logical locations carry. */
export function qualifiedName(r: Resource): string {
  return r.namespace !== undefined ? `${r.namespace}/${r.kind}/${r.name}` : `${r.kind}/${r.name}`;
}
