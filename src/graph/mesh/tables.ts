/**
 * Per-graph lookup tables for the mesh model's hottest facts. `graph.memo(ns, id, compute)` needs a fresh
 * closure on every call, even when the fact is already known; rules ask for per-workload facts (data plane,
 * inbound mTLS) tens of thousands of times per run, so those go through a Map fetched once per call with a
 * shared factory instead: the lookup allocates nothing.
 */
import type { Graph } from '../graph.js';

function newMap(): Map<unknown, unknown> {
  return new Map();
}

/** The graph's table named `key` (created empty on first use). */
export function tableOf<K, V>(graph: Graph, key: string): Map<K, V> {
  return graph.memo(key, newMap) as Map<K, V>;
}
