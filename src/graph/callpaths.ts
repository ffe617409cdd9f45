/**
 * Retry amplification along call paths (semantics.md §7.1, §7.4): for every entry point of the call graph, the
 * path of at most `maxDepth` calls along which the load factors of the hops multiply the most.
 *
 * The workload graph (caller template → each template behind the called Service) is split into strongly
 * connected components; components are handled sinks first, so every node's best continuation outside its own
 * component is already known (dynamic programming over depth: O(edges × maxDepth)). Inside a small component
 * (a ring of mutually calling services) simple paths are enumerated with a step cap; a large one is cut into a
 * DAG by dropping its back edges, and paths through it are marked approximate. No path visits a workload twice.
 */
import { callGraph, type CallEdge } from './calls.js';
import type { Graph, PodTemplate } from './graph.js';
import { edgePolicy, hopFactor, type EdgePolicy, type HopFactor } from './mesh/retries.js';
import { serviceView } from './services.js';

export interface Hop {
  readonly edge: CallEdge;
  readonly policy: EdgePolicy;
  readonly factor: HopFactor;
  /** The workload behind the Service that the path continues from. */
  readonly to: PodTemplate;
}

export interface WorstPath {
  readonly entry: PodTemplate;
  readonly hops: readonly Hop[];
  readonly product: number;
  /** The path crosses a large cycle that was cut to keep the analysis linear. */
  readonly approximate: boolean;
}

export interface PathOptions {
  readonly maxDepth: number;
  readonly maxConcurrentRetries: number;
}

interface Arc {
  readonly edge: CallEdge;
  readonly to: number;
  readonly f: HopFactor;
}

interface Choice {
  readonly product: number;
  /** Hops taken from the start node before continuing at `next`. */
  readonly hops: readonly { readonly arc: Arc; readonly from: number }[];
  readonly next?: { readonly node: number; readonly depth: number };
  readonly approximate: boolean;
}

const SMALL_COMPONENT = 8;
const STEP_CAP = 20_000;

/** The worst path from every entry point (memoised per options). */
export function worstPaths(graph: Graph, opts: PathOptions): readonly WorstPath[] {
  return graph.memo(`callpaths:${opts.maxDepth}:${opts.maxConcurrentRetries}`, () => compute(graph, opts));
}

function compute(graph: Graph, opts: PathOptions): WorstPath[] {
  const cg = callGraph(graph);
  const templates = graph.templates();
  const index = new Map<number, number>();
  templates.forEach((t, i) => index.set(t.owner.id, i));
  const n = templates.length;
  const D = Math.max(1, opts.maxDepth);

  // adjacency with hop factors; only callers with a proxy or edges with retries matter, but every edge keeps the path whole
  const out: Arc[][] = Array.from({ length: n }, () => []);
  const indeg = new Int32Array(n);
  for (const e of cg.edges) {
    if (e.self) continue;
    const u = index.get(e.from.owner.id);
    if (u === undefined) continue;
    const f = hopFactor(edgePolicy(graph, e), opts.maxConcurrentRetries);
    for (const t of serviceView(graph, e.to).pods) {
      const w = index.get(t.owner.id);
      if (w === undefined || w === u) continue;
      out[u]!.push({ edge: e, to: w, f });
      indeg[w]!++;
    }
  }

  const { comp, order } = tarjan(n, out);
  // best[v * (D + 1) + d]: the worst path from v with at most d hops
  const best: (Choice | undefined)[] = new Array(n * (D + 1));
  const stop: Choice = { product: 1, hops: [], approximate: false };
  const get = (v: number, d: number): Choice => best[v * (D + 1) + d] ?? stop;

  const exitBest = (x: number, k: number, members: ReadonlySet<number> | undefined): Choice => {
    // best continuation from x leaving its component, using at most k hops (k ≥ 1 to take an arc)
    let c: Choice = stop;
    if (k < 1) return c;
    for (const a of out[x]!) {
      if (members?.has(a.to) || (!members && comp[a.to] === comp[x])) continue;
      const rest = get(a.to, k - 1);
      const p = a.f.factor * rest.product;
      if (p > c.product) c = { product: p, hops: [{ arc: a, from: x }], next: { node: a.to, depth: k - 1 }, approximate: rest.approximate };
    }
    return c;
  };

  for (const members of order) {
    const set = new Set(members);
    if (members.length === 1) {
      const v = members[0]!;
      for (let d = 1; d <= D; d++) {
        const c = exitBest(v, d, set);
        const prev = get(v, d - 1);
        best[v * (D + 1) + d] = c.product > prev.product ? c : prev;
      }
      continue;
    }
    const small = members.length <= SMALL_COMPONENT;
    if (small) {
      for (const u of members) exactInComponent(u, set);
    } else {
      cutComponent(members, set);
    }
  }

  function exactInComponent(u: number, set: Set<number>): void {
    const local: Choice[] = Array.from({ length: D + 1 }, () => stop);
    let steps = 0;
    let capped = false;
    const visited = new Set<number>([u]);
    const prefix: { arc: Arc; from: number }[] = [];
    const visit = (x: number, prod: number, used: number) => {
      if (++steps > STEP_CAP) {
        capped = true;
        return;
      }
      for (let k = 1; used + k <= D; k++) {
        const ex = exitBest(x, k, set);
        const p = prod * ex.product;
        const t = used + k;
        if (p > local[t]!.product) local[t] = { product: p, hops: [...prefix, ...ex.hops], next: ex.next, approximate: ex.approximate };
      }
      if (used > 0 && prod > local[used]!.product) local[used] = { product: prod, hops: [...prefix], approximate: false };
      if (used >= D) return;
      for (const a of out[x]!) {
        if (!set.has(a.to) || visited.has(a.to)) continue;
        visited.add(a.to);
        prefix.push({ arc: a, from: x });
        visit(a.to, prod * a.f.factor, used + 1);
        prefix.pop();
        visited.delete(a.to);
        if (capped) return;
      }
    };
    visit(u, 1, 0);
    for (let d = 1; d <= D; d++) {
      const prev = best[u * (D + 1) + d - 1] ?? stop;
      const c = local[d]!;
      best[u * (D + 1) + d] = c.product > prev.product ? (capped ? { ...c, approximate: true } : c) : prev;
    }
  }

  function cutComponent(members: number[], set: Set<number>): void {
    // DFS order inside the component; arcs to a node earlier in the order are dropped
    const pos = new Map<number, number>();
    const seen = new Set<number>();
    const postorder: number[] = [];
    for (const s of members) {
      if (seen.has(s)) continue;
      const stack: [number, number][] = [[s, 0]];
      seen.add(s);
      while (stack.length) {
        const top = stack[stack.length - 1]!;
        const arcs = out[top[0]]!;
        let pushed = false;
        while (top[1] < arcs.length) {
          const a = arcs[top[1]++]!;
          if (set.has(a.to) && !seen.has(a.to)) {
            seen.add(a.to);
            stack.push([a.to, 0]);
            pushed = true;
            break;
          }
        }
        if (!pushed) {
          postorder.push(top[0]);
          stack.pop();
        }
      }
    }
    postorder.forEach((v, i) => pos.set(v, i));
    // postorder: successors (in the kept DAG) come first
    for (const v of postorder) {
      for (let d = 1; d <= D; d++) {
        let c = exitBest(v, d, set);
        for (const a of out[v]!) {
          if (!set.has(a.to) || pos.get(a.to)! >= pos.get(v)!) continue;
          const rest = get(a.to, d - 1);
          const p = a.f.factor * rest.product;
          if (p > c.product) c = { product: p, hops: [{ arc: a, from: v }], next: { node: a.to, depth: d - 1 }, approximate: true };
        }
        const prev = get(v, d - 1);
        best[v * (D + 1) + d] = c.product > prev.product ? c : prev;
      }
    }
  }

  // entry points: callers nobody calls, and for a component nobody outside calls, its worst member
  const entries: number[] = [];
  const compHasOutsideCaller = new Set<number>();
  for (let u = 0; u < n; u++) for (const a of out[u]!) if (comp[a.to] !== comp[u]) compHasOutsideCaller.add(comp[a.to]!);
  for (const members of order) {
    if (members.length === 1) {
      const v = members[0]!;
      if (indeg[v] === 0 && out[v]!.length) entries.push(v);
      continue;
    }
    if (compHasOutsideCaller.has(comp[members[0]!]!)) continue;
    let worst = members[0]!;
    for (const v of members) if (get(v, D).product > get(worst, D).product) worst = v;
    entries.push(worst);
  }

  const result: WorstPath[] = [];
  for (const v of entries) {
    const c = get(v, D);
    if (c.product <= 1) continue;
    const hops: Hop[] = [];
    let cur: Choice | undefined = c;
    let approximate = false;
    const seen = new Set<number>([v]);
    while (cur) {
      approximate ||= cur.approximate;
      for (const h of cur.hops) {
        hops.push({ edge: h.arc.edge, policy: edgePolicy(graph, h.arc.edge), factor: h.arc.f, to: templates[h.arc.to]! });
        seen.add(h.arc.to);
      }
      cur = cur.next ? best[cur.next.node * (D + 1) + cur.next.depth] : undefined;
      if (cur && cur.hops.some((h) => seen.has(h.arc.to))) approximate = true;
    }
    result.push({ entry: templates[v]!, hops, product: c.product, approximate });
  }
  return result;
}

/** Iterative Tarjan: component id per node, and components in reverse topological order (sinks first). */
function tarjan(n: number, out: readonly (readonly Arc[])[]): { comp: Int32Array; order: number[][] } {
  const indexOf = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const order: number[][] = [];
  let counter = 0;
  for (let s = 0; s < n; s++) {
    if (indexOf[s] !== -1) continue;
    const work: [number, number][] = [[s, 0]];
    indexOf[s] = low[s] = counter++;
    stack.push(s);
    onStack[s] = 1;
    while (work.length) {
      const top = work[work.length - 1]!;
      const v = top[0];
      const arcs = out[v]!;
      if (top[1] < arcs.length) {
        const w = arcs[top[1]++]!.to;
        if (indexOf[w] === -1) {
          indexOf[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, indexOf[w]!);
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === indexOf[v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = order.length;
          members.push(w);
        } while (w !== v);
        order.push(members);
      }
    }
  }
  return { comp, order };
}
