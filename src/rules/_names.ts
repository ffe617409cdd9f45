/** Suggestions for names that do not resolve: a close spelling in the namespace, or the same name elsewhere. */
import type { Graph } from '../graph/graph.js';

export function similarName(wanted: string, names: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(1, Math.floor(wanted.length / 3)) + 1;
  for (const n of names) {
    if (n === wanted) continue;
    // `cart` vs `cart-v2`: a versioned or suffixed variant counts as one edit
    const d = wanted.startsWith(`${n}-`) || n.startsWith(`${wanted}-`) ? 1 : editDistance(wanted, n, bestD);
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}

/**
 * Edit distance where swapping two neighbouring characters (`wbe` for `web`, the commonest typo) is one edit
 * (optimal string alignment), giving up early once it exceeds `limit`.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let prevMin = 0;
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    // a later row can only improve on this one through a swap with the row before it
    if (rowMin >= limit && prevMin + 1 >= limit) return limit;
    before = prev;
    prev = cur;
    prevMin = rowMin;
  }
  return prev[b.length]!;
}

/** "; did you mean web-svc?" / "; a Service of that name exists in namespace shop" / "". */
export function missingServiceHint(graph: Graph, namespace: string, name: string): string {
  const inNs = graph.inNamespace(namespace, '', 'Service').map((s) => s.name);
  const near = similarName(name, inNs);
  if (near) return `; did you mean ${near}?`;
  const elsewhere = graph.ofKind('', 'Service').filter((s) => s.name === name && s.namespace !== namespace).map((s) => s.namespace);
  if (elsewhere.length) return `; a Service of that name exists in namespace ${elsewhere.join(', ')}, but this reference resolves in ${namespace}`;
  if (inNs.length === 0) return `; the input has no Services in namespace ${namespace}, so it may be defined elsewhere`;
  return '';
}
