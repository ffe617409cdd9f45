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
import { edgePolicies, hopFactor, hopFactorValue, type EdgePolicy, type HopFactor } from './mesh/retries.js';
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
  readonly from: number;
  readonly to: number;
  /** `hopFactor(...).factor` of the edge; the words are built only for the hops of a reported path. */
  readonly factor: number;
  /** `[this]`, made on first use: the hops of a choice that takes only this arc. */
  alone: readonly Arc[] | undefined;
}

interface Choice {
  readonly product: number;
  /** Hops taken from the start node before continuing at `nextNode` (-1: the path ends here). */
  readonly hops: readonly Arc[];
  readonly nextNode: number;
  readonly nextDepth: number;
  readonly approximate: boolean;
}

const SMALL_COMPONENT = 8;
const STEP_CAP = 20_000;
const STOP: Choice = { product: 1, hops: [], nextNode: -1, nextDepth: 0, approximate: false };

/** The worst path from every entry point (memoised per options). */
export function worstPaths(graph: Graph, opts: PathOptions): readonly WorstPath[] {
  return graph.memo(`callpaths:${opts.maxDepth}:${opts.maxConcurrentRetries}`, () => compute(graph, opts));
}

function compute(graph: Graph, opts: PathOptions): WorstPath[] {
  const cg = callGraph(graph);
  const policies = edgePolicies(graph);
  const templates = graph.templates();
  const index = new Map<number, number>();
  for (let i = 0; i < templates.length; i++) index.set(templates[i]!.owner.id, i);
  const n = templates.length;
  const D = Math.max(1, opts.maxDepth);
  const W = D + 1;

  // adjacency with hop factors; only callers with a proxy or edges with retries matter, but every edge keeps the path whole
  const out: Arc[][] = [];
  for (let i = 0; i < n; i++) out.push([]);
  const indeg = new Int32Array(n);
  // Service id → node numbers of the workloads behind it (many edges share a destination)
  const podsOf = new Map<number, number[]>();
  // indexed loops throughout: this runs once per lint, mostly before the optimiser has compiled it, and there a
  // for-of over an array allocates an iterator and a result object per element
  const edges = cg.edges;
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    if (e.self) continue;
    const u = index.get(e.from.owner.id);
    if (u === undefined) continue;
    const factor = hopFactorValue(policies[e.id]!, opts.maxConcurrentRetries);
    let pods = podsOf.get(e.to.id);
    if (pods === undefined) {
      pods = [];
      const selected = serviceView(graph, e.to).pods;
      for (let j = 0; j < selected.length; j++) pods.push(index.get(selected[j]!.owner.id) ?? -1);
      podsOf.set(e.to.id, pods);
    }
    for (let j = 0; j < pods.length; j++) {
      const w = pods[j]!;
      if (w < 0 || w === u) continue;
      out[u]!.push({ edge: e, from: u, to: w, factor, alone: undefined });
      indeg[w]!++;
    }
  }

  const { comp, order } = tarjan(n, out);
  // best[v * W + d]: the worst path from v with at most d hops (undefined: none worse than stopping)
  const best: (Choice | undefined)[] = new Array(n * W);
  const get = (v: number, d: number): Choice => best[v * W + d] ?? STOP;
  // settled[v]: a depth from which v's worst path no longer grows (best at every larger depth is the same
  // choice). A node one hop above nodes settled at depth s sees the same continuations at every depth past
  // s + 1, so it picks what it picked one hop shorter: past that depth the arcs need not be read again, which
  // keeps the work proportional to how deep the graph is rather than to maxDepth. Multi-node components
  // keep maxDepth (no shortcut).
  const settled = new Int32Array(n).fill(D);
  const single = (a: Arc): readonly Arc[] => (a.alone ??= [a]);

  // exitBest(x, k), made once: it only reads components finished before x's, and the path enumeration inside a
  // small component asks for the same (x, k) once per path through x
  let exits: (Choice | undefined)[] | undefined;

  /** Best continuation from x leaving its component, using at most k hops (k ≥ 1 to take an arc). */
  function exitBest(x: number, k: number): Choice {
    if (k < 1) return STOP;
    exits ??= new Array<Choice | undefined>(n * W);
    return (exits[x * W + k] ??= computeExit(x, k));
  }

  function computeExit(x: number, k: number): Choice {
    let arc: Arc | undefined;
    let product = STOP.product;
    let rest = STOP;
    const arcs = out[x]!;
    for (let i = 0; i < arcs.length; i++) {
      const a = arcs[i]!;
      if (comp[a.to] === comp[x]) continue;
      const r = get(a.to, k - 1);
      const p = a.factor * r.product;
      if (p > product) {
        product = p;
        arc = a;
        rest = r;
      }
    }
    return arc ? { product, hops: single(arc), nextNode: arc.to, nextDepth: k - 1, approximate: rest.approximate } : STOP;
  }

  for (let m = 0; m < order.length; m++) {
    const members = order[m]!;
    if (members.length === 1) {
      // most nodes: the best exit for each depth, built only when it beats the path one hop shorter
      const v = members[0]!;
      const arcs = out[v]!;
      if (!arcs.length) {
        settled[v] = 0;
        continue;
      }
      let deepest = 0;
      for (let i = 0; i < arcs.length; i++) if (settled[arcs[i]!.to]! > deepest) deepest = settled[arcs[i]!.to]!;
      const last = Math.min(D, deepest + 1);
      settled[v] = last;
      for (let d = 1; d <= D; d++) {
        const prev = get(v, d - 1);
        if (d > last) {
          best[v * W + d] = prev;
          continue;
        }
        let arc: Arc | undefined;
        let product = STOP.product;
        let rest = STOP;
        for (let i = 0; i < arcs.length; i++) {
          const a = arcs[i]!;
          // no arc of a single-node component stays in it (self calls are not arcs)
          const r = get(a.to, d - 1);
          const p = a.factor * r.product;
          if (p > product) {
            product = p;
            arc = a;
            rest = r;
          }
        }
        best[v * W + d] = arc && product > prev.product ? { product, hops: single(arc), nextNode: arc.to, nextDepth: d - 1, approximate: rest.approximate } : prev;
      }
      continue;
    }
    if (members.length <= SMALL_COMPONENT) {
      for (let i = 0; i < members.length; i++) exactInComponent(members[i]!);
    } else {
      cutComponent(members);
    }
  }

  function exactInComponent(u: number): void {
    const c0 = comp[u];
    const local: Choice[] = [];
    for (let d = 0; d <= D; d++) local.push(STOP);
    let steps = 0;
    let capped = false;
    const visited = new Set<number>([u]);
    const prefix: Arc[] = [];
    const visit = (x: number, prod: number, used: number) => {
      if (++steps > STEP_CAP) {
        capped = true;
        return;
      }
      for (let k = 1; used + k <= D; k++) {
        const ex = exitBest(x, k);
        const p = prod * ex.product;
        const t = used + k;
        if (p > local[t]!.product) local[t] = { product: p, hops: prefix.concat(ex.hops), nextNode: ex.nextNode, nextDepth: ex.nextDepth, approximate: ex.approximate };
      }
      if (used > 0 && prod > local[used]!.product) local[used] = { product: prod, hops: prefix.slice(), nextNode: -1, nextDepth: 0, approximate: false };
      if (used >= D) return;
      const arcs = out[x]!;
      for (let i = 0; i < arcs.length; i++) {
        const a = arcs[i]!;
        if (comp[a.to] !== c0 || visited.has(a.to)) continue;
        visited.add(a.to);
        prefix.push(a);
        visit(a.to, prod * a.factor, used + 1);
        prefix.pop();
        visited.delete(a.to);
        if (capped) return;
      }
    };
    visit(u, 1, 0);
    for (let d = 1; d <= D; d++) {
      const prev = get(u, d - 1);
      const c = local[d]!;
      best[u * W + d] = c.product > prev.product ? (capped ? { ...c, approximate: true } : c) : prev;
    }
  }

  function cutComponent(members: number[]): void {
    const c0 = comp[members[0]!];
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
          if (comp[a.to] === c0 && !seen.has(a.to)) {
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
    for (let j = 0; j < postorder.length; j++) {
      const v = postorder[j]!;
      for (let d = 1; d <= D; d++) {
        let c = exitBest(v, d);
        const arcs = out[v]!;
        for (let i = 0; i < arcs.length; i++) {
          const a = arcs[i]!;
          if (comp[a.to] !== c0 || pos.get(a.to)! >= pos.get(v)!) continue;
          const rest = get(a.to, d - 1);
          const p = a.factor * rest.product;
          if (p > c.product) c = { product: p, hops: single(a), nextNode: a.to, nextDepth: d - 1, approximate: true };
        }
        const prev = get(v, d - 1);
        best[v * W + d] = c.product > prev.product ? c : prev;
      }
    }
  }

  // entry points: callers nobody calls, and for a component nobody outside calls, its worst member
  const entries: number[] = [];
  const compHasOutsideCaller = new Uint8Array(order.length);
  for (let u = 0; u < n; u++) {
    const arcs = out[u]!;
    for (let i = 0; i < arcs.length; i++) if (comp[arcs[i]!.to] !== comp[u]) compHasOutsideCaller[comp[arcs[i]!.to]!] = 1;
  }
  for (let m = 0; m < order.length; m++) {
    const members = order[m]!;
    if (members.length === 1) {
      const v = members[0]!;
      if (indeg[v] === 0 && out[v]!.length) entries.push(v);
      continue;
    }
    if (compHasOutsideCaller[comp[members[0]!]!]) continue;
    let worst = members[0]!;
    for (let i = 0; i < members.length; i++) if (get(members[i]!, D).product > get(worst, D).product) worst = members[i]!;
    entries.push(worst);
  }

  const result: WorstPath[] = [];
  // paths from different entries share their tails: one HopFactor (and its words) per edge
  const factors = new Map<EdgePolicy, HopFactor>();
  for (let j = 0; j < entries.length; j++) {
    const v = entries[j]!;
    const c = get(v, D);
    if (c.product <= 1) continue;
    const hops: Hop[] = [];
    let cur: Choice | undefined = c;
    let approximate = false;
    const seen = new Set<number>([v]);
    while (cur) {
      approximate ||= cur.approximate;
      for (let i = 0; i < cur.hops.length; i++) {
        const a = cur.hops[i]!;
        const policy = policies[a.edge.id]!;
        let factor = factors.get(policy);
        if (factor === undefined) factors.set(policy, (factor = hopFactor(policy, opts.maxConcurrentRetries)));
        hops.push({ edge: a.edge, policy, factor, to: templates[a.to]! });
        seen.add(a.to);
      }
      cur = cur.nextNode >= 0 ? best[cur.nextNode * W + cur.nextDepth] : undefined;
      if (cur && cur.hops.some((a) => seen.has(a.to))) approximate = true;
    }
    result.push({ entry: templates[v]!, hops, product: c.product, approximate });
  }
  return result;
}

/** Iterative Tarjan: component id per node, and components in reverse topological order (sinks first). */
function tarjan(n: number, out: readonly (readonly { readonly to: number }[])[]): { comp: Int32Array; order: number[][] } {
  const indexOf = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n).fill(-1);
  // both stacks hold a node at most once, so n slots suffice; typed arrays instead of a pair per visited node
  const stack = new Int32Array(n);
  const stackPos = new Int32Array(n);
  let sp = 0;
  const workNode = new Int32Array(n);
  const workArc = new Int32Array(n);
  let wp = 0;
  const order: number[][] = [];
  let counter = 0;
  for (let s = 0; s < n; s++) {
    if (indexOf[s] !== -1) continue;
    workNode[0] = s;
    workArc[0] = 0;
    wp = 1;
    indexOf[s] = low[s] = counter++;
    stackPos[s] = sp;
    stack[sp++] = s;
    onStack[s] = 1;
    while (wp) {
      const v = workNode[wp - 1]!;
      const arcs = out[v]!;
      const k = workArc[wp - 1]!;
      if (k < arcs.length) {
        workArc[wp - 1] = k + 1;
        const w = arcs[k]!.to;
        if (indexOf[w] === -1) {
          indexOf[w] = low[w] = counter++;
          stackPos[w] = sp;
          stack[sp++] = w;
          onStack[w] = 1;
          workNode[wp] = w;
          workArc[wp] = 0;
          wp++;
        } else if (onStack[w]) low[v] = Math.min(low[v]!, indexOf[w]!);
        continue;
      }
      wp--;
      if (wp) {
        const parent = workNode[wp - 1]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === indexOf[v]) {
        // v and everything above it on the stack, top first; sized up front (most components are one node)
        const members: number[] = new Array<number>(sp - stackPos[v]!);
        for (let i = 0; i < members.length; i++) {
          const w = stack[--sp]!;
          onStack[w] = 0;
          comp[w] = order.length;
          members[i] = w;
        }
        order.push(members);
      }
    }
  }
  return { comp, order };
}
