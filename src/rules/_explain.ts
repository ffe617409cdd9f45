/**
 * Why a selector matched nothing, in words users can act on: the nearest candidate and the label that
 * differs, the namespace searched, and whether the input is too partial to be sure.
 */
import type { Graph, PodTemplate } from '../graph/graph.js';
import { describeMiss, describeRequirement, labelsOf, nearestMiss, selectorMatches, type Selector } from '../graph/labels.js';
import { builtinKind } from '../load/kinds.js';
import { similarName } from './_names.js';
import { isObject, type Path, type Resource } from '../load/types.js';
import type { Level, RelatedLocation } from './types.js';

export interface NoMatchExplanation {
  /** Sentence fragment: "nearest is Deployment shop/web, which has app=web-v2 (wants app=web)". */
  readonly why: string;
  readonly related: RelatedLocation[];
  /** Set when the input is too partial for a warning: the namespace has no workloads at all. */
  readonly level?: Level;
  /** True when something outside the input (an operator's custom resource) probably creates the pods. */
  readonly operatorManaged: boolean;
  /** Selector-relative path of the first requirement the nearest candidate fails. */
  readonly failedPath?: Path;
}

export function explainNoMatch(graph: Graph, namespace: string, sel: Selector): NoMatchExplanation {
  const candidates = graph.templatesIn(namespace);
  if (candidates.length === 0) {
    const elsewhere = graph.templates().length;
    return {
      why: elsewhere
        ? `the input has no workloads in namespace ${namespace} (only in other namespaces), so the pods may be defined elsewhere`
        : 'the input has no workloads at all, so the pods may be defined elsewhere',
      related: [],
      level: 'note',
      operatorManaged: operatorManaged(graph, namespace, sel),
    };
  }
  const near = nearestMiss(sel, candidates, (t) => t.labels);
  if (!near) {
    return { why: `no pod template in namespace ${namespace} matches`, related: [], operatorManaged: operatorManaged(graph, namespace, sel) };
  }
  const first = near.failed[0]!;
  const actual = near.candidate.labels[first.key];
  if (first.op === 'In' && (actual === undefined || !first.values.some((v) => similarName(v, [actual]) !== undefined))) {
    // no candidate is a near miss: say which values the key does have, not an arbitrary "nearest" workload
    const seen = [...new Set(candidates.map((t) => t.labels[first.key]).filter((v): v is string => v !== undefined))].sort();
    const values = seen.length
      ? `values of ${first.key} there: ${seen.slice(0, 6).join(', ')}${seen.length > 6 ? ', …' : ''}`
      : `no pod template there has the label ${first.key}`;
    return {
      why: `searched namespace ${namespace}: no pod template has ${describeRequirement(first)}; ${values}`,
      related: [],
      operatorManaged: operatorManaged(graph, namespace, sel),
      failedPath: first.path,
    };
  }
  return {
    why: nearestText(near.candidate, near.failed.map((r) => ({ wants: describeRequirement(r), has: describeMiss(r, near.candidate.labels) })), namespace),
    related: [{ resource: near.candidate.owner, path: [...near.candidate.path, 'metadata', 'labels'], message: `nearest candidate: ${near.candidate.owner.kind} ${near.candidate.owner.name}` }],
    operatorManaged: operatorManaged(graph, namespace, sel),
    failedPath: near.failed[0]?.path,
  };
}

function nearestText(t: PodTemplate, diffs: { wants: string; has: string }[], namespace: string): string {
  const d = diffs.map((x) => `wants ${x.wants} but ${x.has}`).join('; ');
  return `searched namespace ${namespace}; the nearest candidate, ${t.owner.kind} ${t.owner.name}, ${d}`;
}

/**
 * Custom resources in the namespace that likely make these pods at run time (Prometheus, Kafka, ...): one whose
 * name is a selector value, or whose own labels satisfy the selector.
 */
function operatorManaged(graph: Graph, namespace: string, sel: Selector): boolean {
  if (sel.kind !== 'requirements') return false;
  const values = new Set(sel.requirements.flatMap((r) => r.values));
  for (const r of customResourcesIn(graph, namespace)) {
    if (values.has(r.name)) return true;
    const labels = isObject(r.obj.metadata) ? labelsOf(r.obj.metadata.labels) : {};
    if (Object.keys(labels).length && selectorMatches(sel, labels)) return true;
  }
  return false;
}

function hasCustomKind(graph: Graph): boolean {
  for (const key of graph.kinds()) {
    const dot = key.indexOf('.');
    if (!builtinKind(dot < 0 ? '' : key.slice(dot + 1), dot < 0 ? key : key.slice(0, dot))) return true;
  }
  return false;
}

/** Objects of kinds Kubernetes does not build in (whether or not a CRD in the input declares them). */
function customResourcesIn(graph: Graph, namespace: string): Resource[] {
  const byNs = graph.memo('custom-by-namespace', () => {
    const m = new Map<string, Resource[]>();
    // Usually every kind in the input is built in: the kinds present tell without a pass over every object.
    // (`builtinKind` looks a group-kind key up, and a key splits back into the group and kind that built it.)
    if (!hasCustomKind(graph)) return m;
    for (const r of graph.resources) {
      if (r.namespace === undefined || builtinKind(r.group, r.kind)) continue;
      const l = m.get(r.namespace);
      if (l) l.push(r);
      else m.set(r.namespace, [r]);
    }
    return m;
  });
  return byNs.get(namespace) ?? [];
}
