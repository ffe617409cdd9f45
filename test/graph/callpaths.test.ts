/**
 * The worst retry paths (src/graph/callpaths.ts) against a brute-force search on random acyclic call graphs,
 * where the dynamic programming is exact: for every entry point, the largest product of hop factors over paths of
 * at most `maxDepth` calls. Chains deeper and shallower than the depths tried make the search stop reading a
 * node's arcs once its continuations no longer change (`settled`), so that shortcut is held equal to the search.
 */
import { describe, expect, it } from 'vitest';
import { callGraph } from '../../src/graph/calls.js';
import { worstPaths } from '../../src/graph/callpaths.js';
import { Graph } from '../../src/graph/graph.js';
import { edgePolicies, hopFactorValue } from '../../src/graph/mesh/retries.js';
import { serviceView } from '../../src/graph/services.js';
import { loadInputs } from '../../src/load/index.js';

async function graphOf(text: string): Promise<Graph> {
  const load = await loadInputs({ paths: [], cwd: process.cwd(), defaultNamespace: 'default', ignore: [], gitignore: false, stdinName: '<stdin>', maxFileBytes: 1 << 26, texts: [{ path: 'm.yaml', text }] });
  return new Graph(load.resources, { defaultNamespace: 'default', cluster: {} });
}

/** Services s0..s(n-1) in an Istio namespace; s(i) calls some s(j) with j > i (acyclic), VirtualServices set retries. */
function manifests(seed: number, n: number): string {
  let state = seed;
  const rnd = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const docs: object[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app', labels: { 'istio-injection': 'enabled' } } }];
  for (let i = 0; i < n; i++) {
    const name = `s${i}`;
    // mostly near neighbours, so that some chains are long
    const callees = new Set<number>();
    for (let j = i + 1; j < n; j++) if (rnd() < (j === i + 1 ? 0.7 : 0.06)) callees.add(j);
    const env = [...callees].map((j, k) => ({ name: `UPSTREAM_${k}_ADDR`, value: `s${j}.app:80` }));
    docs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'app' }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80 }] } });
    docs.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'app' }, spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'a', image: 'x', env }] } } } });
    const r = rnd();
    if (r < 0.7) {
      const retries = r < 0.1 ? { attempts: 2, retryOn: 'connect-failure' } : { attempts: Math.floor(rnd() * 4), retryOn: '5xx' };
      docs.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'app' }, spec: { hosts: [`${name}.app.svc.cluster.local`], http: [{ retries, route: [{ destination: { host: `${name}.app.svc.cluster.local` } }] }] } });
    }
  }
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

/** The largest product of hop factors over paths of at most `depth` calls from each workload (1: stop at once). */
function bruteForce(g: Graph, depth: number): Map<string, number> {
  const policies = edgePolicies(g);
  const arcs = new Map<string, { to: string; factor: number }[]>();
  for (const e of callGraph(g).edges) {
    if (e.self) continue;
    const from = e.from.owner.name;
    for (const t of serviceView(g, e.to).pods) {
      if (t.owner.name === from) continue;
      const l = arcs.get(from) ?? arcs.set(from, []).get(from)!;
      l.push({ to: t.owner.name, factor: hopFactorValue(policies[e.id]!) });
    }
  }
  const worst = (v: string, d: number): number => {
    let best = 1;
    if (d > 0) for (const a of arcs.get(v) ?? []) best = Math.max(best, a.factor * worst(a.to, d - 1));
    return best;
  };
  const out = new Map<string, number>();
  for (const v of arcs.keys()) out.set(v, worst(v, depth));
  return out;
}

describe('worst retry paths', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`equal a brute-force search on an acyclic call graph (seed ${seed})`, async () => {
      const g = await graphOf(manifests(seed, 40));
      expect(callGraph(g).edges.length).toBeGreaterThan(30);
      let longest = 0;
      for (const maxDepth of [1, 2, 3, 5, 12]) {
        const expected = bruteForce(g, maxDepth);
        const paths = worstPaths(g, { maxDepth, maxConcurrentRetries: 100 });
        expect(paths.length).toBeGreaterThan(0);
        for (const p of paths) {
          expect(p.approximate).toBe(false);
          expect(p.hops.length).toBeLessThanOrEqual(maxDepth);
          expect(p.product).toBeCloseTo(expected.get(p.entry.owner.name)!, 9);
          expect(p.hops.reduce((x, h) => x * h.factor.factor, 1)).toBeCloseTo(p.product, 9);
          longest = Math.max(longest, p.hops.length);
        }
        // entries whose worst path is worse than not calling at all are all reported
        const reported = new Set(paths.map((p) => p.entry.owner.name));
        const callers = new Set(callGraph(g).edges.map((e) => e.from.owner.name));
        const called = new Set(callGraph(g).edges.flatMap((e) => serviceView(g, e.to).pods.map((t) => t.owner.name)));
        for (const [v, product] of expected) if (!called.has(v) && callers.has(v) && product > 1) expect(reported.has(v)).toBe(true);
      }
      // the depths tried are both shorter and longer than the chains, so the search both runs out of depth and settles
      expect(longest).toBeGreaterThan(3);
    });
  }
});
