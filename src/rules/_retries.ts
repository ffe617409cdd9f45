/** Shared pieces of the `retries` family: kinds read, locations of edges and settings, words for messages. */
import { CALL_READS, callEdges, type CallEdge } from '../graph/calls.js';
import type { Graph } from '../graph/graph.js';
import { meshTitle } from '../graph/mesh/injection.js';
import { edgePolicies, RETRY_POLICY_READS, type EdgePolicy, type SetBy } from '../graph/mesh/retries.js';
import type { Path, Resource } from '../load/types.js';
import type { RelatedLocation } from './types.js';
export { namespaceOf as nsOf } from '../graph/graph.js';
import { namespaceOf as nsOf } from '../graph/graph.js';

/** Every group-kind the call graph and the edge policies may read. */
export const RETRY_READS: readonly string[] = [...new Set<string>([...CALL_READS, ...RETRY_POLICY_READS])];

export const IDEMPOTENT_ANNOTATION = 'meshlint.io/idempotent';
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);


/** `Deployment shop/web`. */
export function named(graph: Graph, r: Resource): string {
  return `${r.kind} ${nsOf(graph, r)}/${r.name}`;
}

/** `cart:7070` or `cart` (namespace added when it differs from `fromNs`). */
export function target(graph: Graph, edge: CallEdge, fromNs?: string): string {
  const ns = nsOf(graph, edge.to);
  const name = fromNs !== undefined && ns === fromNs ? edge.to.name : `${ns}/${edge.to.name}`;
  return edge.port?.port !== undefined ? `${name}:${edge.port.port}` : name;
}

/** Where an edge is declared: its first piece of evidence. */
export function edgeLocation(edge: CallEdge): { resource: Resource; path: Path } {
  const e = edge.evidence[0]!;
  return { resource: e.resource, path: e.path };
}

/** Where a setting was made, or, for a default, the fallback location. */
export function settingLocation(setBy: SetBy, fallback: { resource: Resource; path: Path }): { resource: Resource; path: Path } {
  return setBy.resource ? { resource: setBy.resource, path: setBy.path } : fallback;
}

/** Key that groups findings by the object and path that set something. */
export function setterKey(setBy: SetBy): string {
  // edges that share a policy share its SetBy objects, and rules group every edge by them
  let k = setterKeys.get(setBy);
  if (k === undefined) setterKeys.set(setBy, (k = setBy.resource ? `${setBy.resource.id}|${JSON.stringify(setBy.path)}` : `default|${setBy.reason}`));
  return k;
}

const setterKeys = new WeakMap<SetBy, string>();

export function meshWord(p: EdgePolicy): string {
  return p.mesh ? meshTitle(p.mesh) : 'no mesh';
}

/** "Istio default (2 retries ...) [I-RETRY]" style: the reason plus the citation of a default. */
export function because(setBy: SetBy): string {
  const src = setBy.isDefault && setBy.source ? ` ${setBy.source}` : '';
  const assumed = setBy.assumed ? ' (assumed)' : '';
  return `${setBy.reason}${src}${assumed}`;
}

/** A flow step / related location for one hop: the object that set the hop's retries, else the call's evidence. */
export function hopStep(graph: Graph, i: number, edge: CallEdge, policy: EdgePolicy, factorText: string): RelatedLocation {
  const loc = settingLocation(policy.attempts.setBy, edgeLocation(edge));
  return {
    ...loc,
    message: `hop ${i + 1}: ${edge.from.owner.name} → ${target(graph, edge)} ×${factorText}: ${because(policy.attempts.setBy)}`,
  };
}

/** The names of the callers, shortened: "frontend, checkout and 3 more". */
export function listNames(names: readonly string[], max = 4): string {
  const uniq = [...new Set(names)].sort();
  if (uniq.length <= max) return uniq.length > 1 ? `${uniq.slice(0, -1).join(', ')} and ${uniq[uniq.length - 1]}` : (uniq[0] ?? '');
  return `${uniq.slice(0, max).join(', ')} and ${uniq.length - max} more`;
}

/** Retry conditions that can re-send a request the server already processed [E-ROUTER condition definitions]. */
export function unsafeConditions(retryOn: readonly string[]): string[] {
  return retryOn.filter((c) => {
    const v = c.toLowerCase();
    return v === '5xx' || v === 'gateway-error' || v === 'reset' || v === 'retriable-4xx' || (/^\d{3}$/.test(v) && (Number(v) >= 500 || v === '409')) || /^5\d\d-\d{3}$/.test(v);
  });
}

/** Opted out by `meshlint.io/idempotent: "true"` on the route object or the Service. */
export function markedIdempotent(...objects: (Resource | undefined)[]): boolean {
  return objects.some((r) => {
    const ann = r?.obj.metadata;
    return typeof ann === 'object' && ann !== null && !Array.isArray(ann) && typeof ann.annotations === 'object' && ann.annotations !== null && !Array.isArray(ann.annotations) && (ann.annotations as Record<string, unknown>)[IDEMPOTENT_ANNOTATION] === 'true';
  });
}

/** Options shared by the edge rules. */
export const INCLUDE_DEFAULTS_SCHEMA = {
  includeMeshDefaults: { type: 'boolean', description: 'Also report what a mesh does by default (Istio/Kuma default retries), not only what objects configure.' },
} as const;

/**
 * Call edges whose policy `accept`s, grouped by the object that set the accepted setting and the destination
 * (Service and port), so that one finding covers every caller a setting affects.
 */
export function groupEdges(graph: Graph, accept: (p: EdgePolicy) => SetBy | undefined): { p: EdgePolicy; setBy: SetBy; callers: string[] }[] {
  const groups = new Map<string, { p: EdgePolicy; setBy: SetBy; callers: string[] }>();
  const policies = edgePolicies(graph);
  for (const edge of callEdges(graph)) {
    if (edge.self) continue;
    const p = policies[edge.id]!;
    const setBy = accept(p);
    if (!setBy) continue;
    const key = `${setterKey(setBy)}|${edge.to.id}|${edge.port?.index ?? '-'}`;
    const g = groups.get(key);
    if (g) g.callers.push(edge.from.owner.name);
    else groups.set(key, { p, setBy, callers: [edge.from.owner.name] });
  }
  return [...groups.values()];
}

/** The object that set something, or, for a mesh default, the destination Service's port. */
export function setterOrPort(p: EdgePolicy, setBy: SetBy): { resource: Resource; path: Path } {
  if (setBy.resource) return { resource: setBy.resource, path: setBy.path };
  return { resource: p.edge.to, path: p.edge.port ? [...p.edge.port.path] : ['spec', 'ports'] };
}
