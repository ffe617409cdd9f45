/**
 * A Mermaid flowchart of how traffic reaches workloads (Ingress → Service → workload), with findings marked
 * on the objects they belong to. This is the picture the job summary shows until the call graph
 * (src/graph/calls.ts, `meshlint graph --format mermaid`) can draw workload → Service calls; replace
 * `topologyMermaid` then, keeping its inputs and output.
 */
import { qualifiedName, type Graph } from '../graph/graph.js';
import { serviceView } from '../graph/services.js';
import { getIn, isObject, str, type Path, type Resource } from '../load/types.js';
import type { Level } from '../rules/types.js';

export interface TopologyOptions {
  /** Above this many nodes only the parts of the picture that carry findings are drawn. */
  readonly maxNodes?: number;
}

interface DrawNode {
  readonly id: string;
  readonly label: string;
  readonly cls?: Level | 'missing';
}

const LEVEL_ORDER: readonly Level[] = ['error', 'warning', 'note'];

/**
 * @param marks findings per object, keyed by `<namespace>/<Kind>/<name>` (`<Kind>/<name>` when cluster-scoped),
 *   the names SARIF logical locations carry
 */
export function topologyMermaid(graph: Graph, marks: ReadonlyMap<string, readonly Level[]>, options: TopologyOptions = {}): string {
  const maxNodes = options.maxNodes ?? 60;
  const nodes = new Map<string, DrawNode>();
  const edges: [string, string][] = [];
  const node = (r: Resource): string => {
    const id = `o${r.id}`;
    if (!nodes.has(id)) {
      const levels = marks.get(fqn(r)) ?? [];
      const worst = LEVEL_ORDER.find((l) => levels.includes(l));
      const badge = levels.length ? ` · ${levels.length} finding${levels.length === 1 ? '' : 's'}` : '';
      nodes.set(id, { id, label: `${r.kind}<br/>${r.namespace ? `${r.namespace}/` : ''}${r.name}${badge}`, cls: worst });
    }
    return id;
  };
  const seenEdge = new Set<string>();
  const edge = (a: string, b: string) => {
    const k = `${a}>${b}`;
    if (seenEdge.has(k)) return;
    seenEdge.add(k);
    edges.push([a, b]);
  };

  const ingresses = [...graph.ofKind('networking.k8s.io', 'Ingress'), ...graph.ofKind('extensions', 'Ingress')];
  for (const ing of ingresses) {
    const ns = ing.namespace ?? graph.defaultNamespace;
    for (const name of ingressServiceNames(ing)) {
      const svc = graph.find('', 'Service', ns, name);
      if (svc) edge(node(ing), node(svc));
      else {
        const id = `missing_${ing.id}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
        nodes.set(id, { id, label: `Service<br/>${ns}/${name}<br/>(not in the input)`, cls: 'missing' });
        edge(node(ing), id);
      }
    }
  }
  for (const svc of graph.ofKind('', 'Service')) {
    for (const t of serviceView(graph, svc).pods) edge(node(svc), node(t.owner));
  }
  // objects with findings appear even when nothing connects them
  for (const r of graph.resources) if (marks.has(fqn(r))) node(r);

  let shown = [...nodes.values()];
  let shownEdges = edges;
  let note = '';
  if (shown.length > maxNodes) {
    const keep = componentsWithFindings(shown, edges);
    shown = shown.filter((n) => keep.has(n.id));
    shownEdges = edges.filter(([a, b]) => keep.has(a) && keep.has(b));
    if (shown.length > maxNodes) {
      const first = new Set(shown.slice(0, maxNodes).map((n) => n.id));
      note = `%% ${shown.length - maxNodes} more objects with findings are not drawn\n`;
      shown = shown.filter((n) => first.has(n.id));
      shownEdges = shownEdges.filter(([a, b]) => first.has(a) && first.has(b));
    }
  }
  const lines = ['flowchart LR'];
  for (const n of shown) lines.push(`  ${n.id}["${escapeLabel(n.label)}"]${n.cls ? `:::${n.cls}` : ''}`);
  for (const [a, b] of shownEdges) lines.push(`  ${a} --> ${b}`);
  lines.push(
    '  classDef error fill:#ffebe9,stroke:#cf222e,color:#1f2328',
    '  classDef warning fill:#fff8c5,stroke:#9a6700,color:#1f2328',
    '  classDef note fill:#ddf4ff,stroke:#0969da,color:#1f2328',
    '  classDef missing fill:#f6f8fa,stroke:#cf222e,stroke-dasharray:4 3,color:#1f2328',
  );
  return note + lines.join('\n') + '\n';
}

function fqn(r: Resource): string {
  return qualifiedName(r);
}

/** Mermaid reads `"`, `<`, `>` and `#` inside labels; entity codes keep them literal (`<br/>` is kept as a line break). */
function escapeLabel(s: string): string {
  return s
    .split('<br/>')
    .map((part) => part.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;'))
    .join('<br/>');
}

/** Service names an Ingress sends to (v1 `service.name` and v1beta1 `serviceName`). */
function ingressServiceNames(ing: Resource): string[] {
  const out = new Set<string>();
  const add = (backend: unknown) => {
    if (!isObject(backend)) return;
    const name = isObject(backend.service) ? str(backend.service.name) : str(backend.serviceName);
    if (name) out.add(name);
  };
  const spec: Path = ['spec'];
  add(getIn(ing.obj, [...spec, 'defaultBackend']));
  add(getIn(ing.obj, [...spec, 'backend']));
  const rules = getIn(ing.obj, [...spec, 'rules']);
  if (Array.isArray(rules)) {
    for (const rule of rules) {
      const paths = getIn(rule, ['http', 'paths']);
      if (Array.isArray(paths)) for (const p of paths) add(isObject(p) ? p.backend : undefined);
    }
  }
  return [...out];
}

/** Nodes in the connected components that contain at least one marked node. */
function componentsWithFindings(nodes: readonly DrawNode[], edges: readonly [string, string][]): Set<string> {
  const adj = new Map<string, string[]>();
  for (const [a, b] of edges) {
    (adj.get(a) ?? adj.set(a, []).get(a)!).push(b);
    (adj.get(b) ?? adj.set(b, []).get(b)!).push(a);
  }
  const keep = new Set<string>();
  const stack = nodes.filter((n) => n.cls !== undefined).map((n) => n.id);
  while (stack.length) {
    const id = stack.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    for (const next of adj.get(id) ?? []) if (!keep.has(next)) stack.push(next);
  }
  return keep;
}
