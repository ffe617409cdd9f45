/**
 * Wording shared by the mesh reference rules: how to name an object, a nearest-candidate explanation over
 * several namespaces, and the hint for a name that does not resolve.
 */
import type { Graph } from '../graph/graph.js';
import { describeMiss, describeRequirement, nearestMiss, type Selector } from '../graph/labels.js';
import type { Resource } from '../load/types.js';
import { explainNoMatch, type NoMatchExplanation } from './_explain.js';
import { editDistance, similarName } from './_names.js';
import { servicesNamed } from '../graph/mesh/hosts.js';

/** `VirtualService shop/reviews`. */
export function describe(r: Resource): string {
  return r.namespace !== undefined ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}

/**
 * Why a selector picked nothing: per namespace via explainNoMatch, or, when the selector searches every
 * namespace, the nearest template anywhere.
 */
export function explainSelection(graph: Graph, sel: Selector, namespaces: readonly string[] | 'all'): NoMatchExplanation {
  if (namespaces !== 'all' && namespaces.length === 1) return explainNoMatch(graph, namespaces[0]!, sel);
  const nss = namespaces === 'all' ? [...graph.namespaces()].sort() : namespaces;
  const candidates = nss.flatMap((ns) => graph.templatesIn(ns));
  const where = namespaces === 'all' ? 'every namespace' : `namespaces ${nss.join(', ')}`;
  if (candidates.length === 0) {
    return { why: `the input has no workloads in ${where}, so the pods may be defined elsewhere`, related: [], level: 'note', operatorManaged: false };
  }
  const near = nearestMiss(sel, candidates, (t) => t.labels);
  if (!near) return { why: `no pod template in ${where} matches`, related: [], operatorManaged: false };
  const t = near.candidate;
  const diffs = near.failed.map((r) => `wants ${describeRequirement(r)} but ${describeMiss(r, t.labels)}`).join('; ');
  return {
    why: `searched ${where}; the nearest candidate, ${t.owner.kind} ${t.namespace}/${t.owner.name}, ${diffs}`,
    related: [{ resource: t.owner, path: [...t.path, 'metadata', 'labels'], message: `nearest candidate: ${t.owner.kind} ${t.owner.name}` }],
    operatorManaged: false,
    failedPath: near.failed[0]?.path,
  };
}

/** "; did you mean x?" among `names`, or "". */
export function didYouMean(wanted: string, names: Iterable<string>): string {
  const near = similarName(wanted, [...names].filter((n) => n !== wanted));
  return near ? `; did you mean ${near}?` : '';
}

/**
 * A name at most two edits away (a typo), never a prefix variant such as `web` for `web-v2`. Used where a close
 * spelling is the only evidence that a reference is wrong, so it must be strict.
 */
export function closeSpelling(wanted: string, names: Iterable<string>): string | undefined {
  if (wanted.length < 4) return undefined;
  let best: string | undefined;
  let bestD = 3;
  for (const n of names) {
    if (n === wanted) continue;
    const d = editDistance(wanted, n, bestD);
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}

/** Hint for a Service name that does not resolve in `namespace`: a close spelling there, or the same name elsewhere. */
export function serviceHint(graph: Graph, namespace: string, name: string): string {
  const inNs = graph.inNamespace(namespace, '', 'Service').map((s) => s.name);
  const near = similarName(name, inNs);
  if (near) return `; did you mean ${near}?`;
  const elsewhere = [...new Set(servicesNamed(graph, name).map((s) => s.namespace ?? graph.defaultNamespace))].filter((n) => n !== namespace).sort();
  if (elsewhere.length) return `; a Service of that name exists in namespace ${elsewhere.join(', ')}, but this reference resolves in ${namespace}`;
  if (inNs.length === 0) return `; the input has no Services in namespace ${namespace}, so it may be defined elsewhere`;
  return '';
}
