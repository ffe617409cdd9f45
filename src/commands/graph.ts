/**
 * `meshlint graph [paths] --format json|mermaid|dot`: the call graph (workload → Service:port calls with their
 * evidence, attempts and timeouts), the edges that policies permit and the edges that routes declare, each kind
 * kept apart, with the findings of the lint run on each node. Objects are named as in SARIF logical locations
 * (`<namespace>/<Kind>/<name>`).
 *
 * The builders are exported for the GitHub Action's job summary: `callGraphMermaid(report)` renders on GitHub,
 * and `callGraphMermaidFromMarks` takes the same inputs as the topology chart it can replace.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { callGraph, objectName, type CallEdge, type Evidence } from '../graph/calls.js';
import { permitEdges, routingEdges } from '../graph/flows.js';
import type { Graph } from '../graph/graph.js';
import { dataPlaneOf } from '../graph/mesh/injection.js';
import { edgePolicy, formatMs, hopFactor, round, type SetBy } from '../graph/mesh/retries.js';
import { serviceView } from '../graph/services.js';
import { lint, type LintOptions, type LintResult } from '../lint.js';
import { formatPath, type Resource } from '../load/types.js';
import { located } from '../report/index.js';
import type { Level } from '../rules/types.js';

export const GRAPH_FORMATS = ['json', 'mermaid', 'dot'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];
export type EdgeKind = 'call' | 'permits' | 'routes';

export interface NodeFinding {
  readonly ruleId: string;
  readonly level: Level;
  readonly message: string;
  readonly uri?: string;
  readonly line?: number;
}

export interface GraphNode {
  readonly id: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly role: 'workload' | 'service' | 'route' | 'policy';
  /** Workloads: the mesh whose proxy they run (`none` without one). */
  readonly mesh?: string;
  /** Services: the workloads they select. */
  readonly backedBy?: readonly string[];
  readonly findings: readonly NodeFinding[];
}

export interface SettingJson {
  readonly object: string | null;
  readonly path: string | null;
  readonly reason: string;
  readonly default: boolean;
  readonly source?: string;
  readonly assumed?: boolean;
}

export interface EvidenceJson {
  readonly object: string;
  readonly path: string;
  readonly text: string;
  readonly source: string;
  readonly via?: { readonly object: string; readonly path: string };
}

export interface CallEdgeJson {
  readonly from: string;
  readonly to: string;
  readonly port: number | null;
  readonly kind: 'call';
  readonly mesh: string;
  readonly protocol: string;
  /** Attempts per request (1 + retries); null when only a retry budget limits them. */
  readonly attempts: number | null;
  /** Load multiplier on the destination when it fails (1 = none); see retry-amplification. */
  readonly loadFactor: number;
  readonly retryOn: readonly string[];
  readonly perTryTimeout: string | null;
  readonly timeout: string | null;
  readonly budget: string | null;
  readonly outlierDetection: boolean;
  readonly self: boolean;
  readonly portNote?: string;
  readonly settings: Readonly<Record<'attempts' | 'retryOn' | 'perTryTimeout' | 'timeout' | 'budget' | 'outlierDetection', SettingJson>>;
  readonly notes: readonly string[];
  readonly evidence: readonly EvidenceJson[];
}

export interface PermitEdgeJson {
  readonly from: string;
  readonly to: string;
  readonly port: number | null;
  readonly kind: 'permits';
  readonly api: string;
  readonly evidence: readonly EvidenceJson[];
}

export interface RouteEdgeJson {
  readonly from: string;
  readonly to: string;
  readonly port: number | null;
  readonly kind: 'routes';
  readonly api: string;
  readonly weight?: number;
  readonly evidence: readonly EvidenceJson[];
}

export type GraphEdge = CallEdgeJson | PermitEdgeJson | RouteEdgeJson;

export interface CallGraphReport {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

// ---------------------------------------------------------------------------------------------------------
// Building

/** Findings of a lint run keyed by object name. */
export function findingsByObject(result: LintResult): Map<string, NodeFinding[]> {
  const m = new Map<string, NodeFinding[]>();
  for (const l of located(result)) {
    if (!l.object || l.suppressed) continue;
    const k = l.object.fullyQualifiedName;
    const list = m.get(k) ?? m.set(k, []).get(k)!;
    list.push({ ruleId: l.ruleId, level: l.level, message: l.message, uri: l.uri, line: l.region.startLine });
  }
  return m;
}

export function callGraphFromResult(result: LintResult, kinds?: readonly EdgeKind[]): CallGraphReport {
  return buildCallGraphReport(result.graph, findingsByObject(result), kinds);
}

export function buildCallGraphReport(graph: Graph, findings: ReadonlyMap<string, readonly NodeFinding[]>, kinds: readonly EdgeKind[] = ['call', 'permits', 'routes']): CallGraphReport {
  const nodes = new Map<string, GraphNode>();
  const node = (r: Resource, role: GraphNode['role']): string => {
    const id = objectName(r);
    if (!nodes.has(id)) {
      const extra: { mesh?: string; backedBy?: string[] } = {};
      if (role === 'workload') {
        const t = graph.templateOf(r);
        extra.mesh = t ? (dataPlaneOf(graph, t).mesh ?? 'none') : undefined;
      }
      if (role === 'service') extra.backedBy = serviceView(graph, r).pods.map((t) => objectName(t.owner));
      nodes.set(id, { id, kind: r.kind, namespace: r.namespace, name: r.name, role, ...extra, findings: findings.get(id) ?? [] });
    }
    return id;
  };
  const edges: GraphEdge[] = [];
  if (kinds.includes('call')) {
    for (const e of callGraph(graph).edges) {
      const from = node(e.from.owner, 'workload');
      const to = node(e.to, 'service');
      for (const t of serviceView(graph, e.to).pods) node(t.owner, 'workload');
      edges.push(callEdgeJson(graph, e, from, to));
    }
  }
  if (kinds.includes('permits')) {
    for (const p of permitEdges(graph)) {
      edges.push({ from: node(p.from.owner, 'workload'), to: node(p.to, 'service'), port: p.port ?? null, kind: 'permits', api: p.api, evidence: [{ object: objectName(p.policy), path: formatPath(p.path), text: `${p.policy.kind} ${p.policy.name}`, source: 'policy' }] });
    }
  }
  if (kinds.includes('routes')) {
    for (const r of routingEdges(graph)) {
      edges.push({ from: node(r.from, 'route'), to: node(r.to, 'service'), port: r.port ?? null, kind: 'routes', api: r.api, ...(r.weight !== undefined ? { weight: r.weight } : {}), evidence: [{ object: objectName(r.from), path: formatPath(r.path), text: `${r.from.kind} ${r.from.name}`, source: 'route' }] });
    }
  }
  // objects with findings that the edges do not reach are listed too, so every finding has a node
  for (const [id, list] of findings) {
    if (nodes.has(id) || !list.length) continue;
    const parts = id.split('/');
    const [namespace, kind, name] = parts.length === 3 ? parts : [undefined, parts[0]!, parts[1]!];
    nodes.set(id, { id, kind: kind!, namespace, name: name!, role: 'policy', findings: list });
  }
  const sorted = [...nodes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { nodes: sorted, edges };
}

function setting(s: SetBy): SettingJson {
  return {
    object: s.resource ? objectName(s.resource) : null,
    path: s.resource ? formatPath(s.path) : null,
    reason: s.reason,
    default: s.isDefault,
    ...(s.source ? { source: s.source } : {}),
    ...(s.assumed ? { assumed: true } : {}),
  };
}

function evidenceJson(e: Evidence): EvidenceJson {
  return { object: objectName(e.resource), path: formatPath(e.path), text: e.text, source: e.source, ...(e.via ? { via: { object: objectName(e.via.resource), path: formatPath(e.via.path) } } : {}) };
}

function callEdgeJson(graph: Graph, e: CallEdge, from: string, to: string): CallEdgeJson {
  const p = edgePolicy(graph, e);
  const f = hopFactor(p);
  return {
    from,
    to,
    port: e.port?.port ?? null,
    kind: 'call',
    mesh: p.mesh ?? 'none',
    protocol: p.protocol.value,
    attempts: p.attempts.value ?? null,
    loadFactor: Number(round(f.factor)),
    retryOn: p.retryOn.value,
    perTryTimeout: p.perTryTimeoutMs.value !== undefined ? formatMs(p.perTryTimeoutMs.value) : null,
    timeout: p.timeoutMs.value !== undefined ? formatMs(p.timeoutMs.value) : null,
    budget: p.bound.value?.text ?? null,
    outlierDetection: p.outlierDetection.value,
    self: e.self,
    ...(e.portWritten !== undefined ? { portNote: `the evidence names port ${e.portWritten}, which the Service does not expose` } : e.portAssumed ? { portNote: `port assumed: ${e.portAssumed}` } : {}),
    settings: {
      attempts: setting(p.attempts.setBy),
      retryOn: setting(p.retryOn.setBy),
      perTryTimeout: setting(p.perTryTimeoutMs.setBy),
      timeout: setting(p.timeoutMs.setBy),
      budget: setting(p.bound.setBy),
      outlierDetection: setting(p.outlierDetection.setBy),
    },
    notes: p.notes,
    evidence: e.evidence.map(evidenceJson),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

export function callGraphJson(report: CallGraphReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

const LEVELS: readonly Level[] = ['error', 'warning', 'note'];

function worstLevel(n: GraphNode): Level | undefined {
  return LEVELS.find((l) => n.findings.some((f) => f.level === l));
}

function edgeLabel(e: GraphEdge): string {
  if (e.kind === 'permits') return `permits (${e.api})`;
  if (e.kind === 'routes') return e.weight !== undefined ? `routes ${e.weight}%` : 'routes';
  const parts: string[] = [];
  if (e.port !== null) parts.push(`:${e.port}`);
  if (e.attempts === null) parts.push(e.budget ?? 'budget');
  else if (e.attempts > 1) parts.push(`${e.attempts}×${e.loadFactor !== e.attempts ? ` (load ×${e.loadFactor})` : ''}`);
  if (e.timeout) parts.push(`timeout ${e.timeout}`);
  return parts.join(' · ');
}

/** Edges worth drawing when the picture must be cut: retries that multiply, and anything touching a finding. */
function selectForDrawing(report: CallGraphReport, maxNodes: number): { nodes: GraphNode[]; edges: GraphEdge[]; omitted: number } {
  if (report.nodes.length <= maxNodes) return { nodes: [...report.nodes], edges: [...report.edges], omitted: 0 };
  const byId = new Map(report.nodes.map((n) => [n.id, n]));
  const keep = new Set<string>();
  for (const n of report.nodes) if (n.findings.length) keep.add(n.id);
  for (const e of report.edges) if (e.kind === 'call' && e.loadFactor > 1) keep.add(e.from).add(e.to);
  let ids = [...keep].slice(0, maxNodes);
  const kept = new Set(ids);
  ids = ids.filter((id) => byId.has(id));
  return { nodes: ids.map((id) => byId.get(id)!), edges: report.edges.filter((e) => kept.has(e.from) && kept.has(e.to)), omitted: report.nodes.length - ids.length };
}

/** Mermaid flowchart (renders on GitHub inside a ```mermaid block). */
export function callGraphMermaid(report: CallGraphReport, options: { maxNodes?: number } = {}): string {
  const { nodes, edges, omitted } = selectForDrawing(report, options.maxNodes ?? 150);
  const ids = new Map(nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart LR'];
  for (const n of nodes) {
    const badge = n.findings.length ? `<br/>${n.findings.length} finding${n.findings.length === 1 ? '' : 's'}` : '';
    const shape = n.role === 'service' ? ['([', '])'] : n.role === 'route' ? ['[/', '/]'] : ['[', ']'];
    const cls = worstLevel(n);
    lines.push(`  ${ids.get(n.id)}${shape[0]}"${mermaidText(`${n.kind}<br/>${n.namespace ? `${n.namespace}/` : ''}${n.name}${n.mesh && n.mesh !== 'none' ? ` (${n.mesh})` : ''}${badge}`)}"${shape[1]}${cls ? `:::${cls}` : ''}`);
  }
  const drawn = new Set<string>();
  for (const n of nodes) {
    if (n.role !== 'service' || !n.backedBy) continue;
    for (const w of n.backedBy) {
      if (!ids.has(w)) continue;
      lines.push(`  ${ids.get(n.id)} --- ${ids.get(w)}`);
    }
  }
  for (const e of edges) {
    const a = ids.get(e.from);
    const b = ids.get(e.to);
    if (!a || !b) continue;
    const label = mermaidText(edgeLabel(e));
    const key = `${a}|${b}|${e.kind}|${label}`;
    if (drawn.has(key)) continue;
    drawn.add(key);
    const arrow = e.kind === 'call' ? '-->' : e.kind === 'routes' ? '==>' : '-.->';
    lines.push(label ? `  ${a} ${arrow}|"${label}"| ${b}` : `  ${a} ${arrow} ${b}`);
  }
  lines.push(
    '  classDef error fill:#ffebe9,stroke:#cf222e,color:#1f2328',
    '  classDef warning fill:#fff8c5,stroke:#9a6700,color:#1f2328',
    '  classDef note fill:#ddf4ff,stroke:#0969da,color:#1f2328',
  );
  const note = omitted ? `%% ${omitted} objects without findings or multiplying retries are not drawn\n` : '';
  return note + lines.join('\n') + '\n';
}

/** Drop-in for the job summary's topology chart: same inputs (findings' levels per object name). */
export function callGraphMermaidFromMarks(graph: Graph, marks: ReadonlyMap<string, readonly Level[]>, options: { maxNodes?: number } = {}): string {
  const findings = new Map<string, NodeFinding[]>();
  for (const [k, levels] of marks) findings.set(k, levels.map((level) => ({ ruleId: '', level, message: '' })));
  return callGraphMermaid(buildCallGraphReport(graph, findings), options);
}

/** Graphviz DOT. */
export function callGraphDot(report: CallGraphReport): string {
  const ids = new Map(report.nodes.map((n, i) => [n.id, `n${i}`]));
  const colour: Record<Level, string> = { error: '#cf222e', warning: '#9a6700', note: '#0969da' };
  const lines = ['digraph meshlint {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];'];
  for (const n of report.nodes) {
    const lvl = worstLevel(n);
    const shape = n.role === 'service' ? 'ellipse' : n.role === 'route' ? 'parallelogram' : 'box';
    const label = `${n.kind}\\n${n.namespace ? `${n.namespace}/` : ''}${n.name}${n.findings.length ? `\\n${n.findings.length} finding(s)` : ''}`;
    lines.push(`  ${ids.get(n.id)} [label="${dotText(label)}", shape=${shape}${lvl ? `, color="${colour[lvl]}", penwidth=2` : ''}];`);
  }
  for (const n of report.nodes) {
    for (const w of n.backedBy ?? []) if (ids.has(w)) lines.push(`  ${ids.get(n.id)} -> ${ids.get(w)} [style=dotted, arrowhead=none];`);
  }
  for (const e of report.edges) {
    const a = ids.get(e.from);
    const b = ids.get(e.to);
    if (!a || !b) continue;
    const style = e.kind === 'call' ? 'solid' : e.kind === 'routes' ? 'bold' : 'dashed';
    lines.push(`  ${a} -> ${b} [label="${dotText(edgeLabel(e))}", style=${style}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function mermaidText(s: string): string {
  return s
    .split('<br/>')
    .map((part) => part.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;'))
    .join('<br/>');
}

function dotText(s: string): string {
  return s.replace(/"/g, '\\"');
}

export function renderCallGraph(report: CallGraphReport, format: GraphFormat): string {
  return format === 'json' ? callGraphJson(report) : format === 'mermaid' ? callGraphMermaid(report) : callGraphDot(report);
}

// ---------------------------------------------------------------------------------------------------------
// Command

export async function graphCommand(
  options: LintOptions,
  cmd: { format?: string; outputFile?: string },
  io: { stdout: (s: string) => void; stderr: (s: string) => void; cwd: string },
): Promise<number> {
  const format = (cmd.format ?? 'json') as GraphFormat;
  if (!GRAPH_FORMATS.includes(format)) {
    io.stderr(`meshlint: graph: unknown format "${cmd.format}" (choose ${GRAPH_FORMATS.join(', ')})\n`);
    return 2;
  }
  if (!options.paths.length && !options.helm) {
    io.stderr('meshlint: graph: no paths given (use "." for the current directory)\n');
    return 2;
  }
  const result = await lint(options);
  const out = renderCallGraph(callGraphFromResult(result), format);
  if (cmd.outputFile) {
    const file = path.resolve(io.cwd, cmd.outputFile);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, out);
  } else io.stdout(out);
  for (const e of result.load.inputErrors) io.stderr(`meshlint: ${e.path}: ${e.message}\n`);
  return result.load.inputErrors.length ? 2 : 0;
}
