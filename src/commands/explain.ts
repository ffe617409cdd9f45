/**
 * `meshlint explain <namespace>/<Kind>/<name> [paths...]`: what the graph concluded about one object, with the
 * place in the input that decided each conclusion.
 *
 * - a workload: its Services and the endpoint each Service port resolves to, the injection outcome and the
 *   marker that decided (and the markers that lost), native-sidecar mode, effective inbound mTLS per port and
 *   the policy that set it, the mesh policies that apply, the Sidecar resource / waypoint, routes that reach
 *   it, the calls it makes, and its findings;
 * - a Service: its pods and endpoints per port, routes and calls that reach it;
 * - a policy: the workloads it selects (or the scope it covers).
 *
 * A reference is `<namespace>/<Kind>/<name>` (`Kind/<name>` for cluster-scoped objects). `Kind` may carry its API
 * group (`AuthorizationPolicy.security.istio.io`) when a kind exists in several groups; matching ignores case.
 */
import { callsFrom, callsTo } from '../graph/calls.js';
import type { Graph, PodTemplate } from '../graph/graph.js';
import { describeSelector } from '../graph/labels.js';
import { waypointForService, waypointForTemplate } from '../graph/mesh/ambient.js';
import { policiesApplyingTo } from '../graph/mesh/applies.js';
import { egressHostsOf, sidecarResourceFor } from '../graph/mesh/egress.js';
import { dataPlaneOf, meshTitle, meshVerdicts, nativeSidecarOf } from '../graph/mesh/injection.js';
import type { Decision } from '../graph/mesh/model.js';
import { inboundMtlsOf } from '../graph/mesh/mtls.js';
import { routesTo } from '../graph/mesh/routes.js';
import { policyTargetRefs, workloadsSelectedBy } from '../graph/mesh/targets.js';
import { containerPorts, manualEndpointsOf, serviceView, servicesSelecting } from '../graph/services.js';
import { groupKindKey } from '../load/kinds.js';
import { formatPath, type Path, type Resource } from '../load/types.js';
import type { Io } from '../cli.js';
import { lint, type LintOptions, type LintResult } from '../lint.js';
import { Locator } from '../report/locate.js';
import { similarName } from '../rules/_names.js';
import { describeObject as nameOf, qualifiedName } from '../graph/graph.js';

/** The reference names nothing in the input; the message suggests near names. */
export class ExplainRefError extends Error {}

export function explain(result: LintResult, ref: string): string {
  const graph = result.graph;
  const targets = resolveRef(graph, ref);
  const locator = new Locator();
  const out: string[] = [];
  for (const r of targets) {
    const w = new Writer(locator);
    header(w, r);
    const t = graph.templateOf(r);
    if (t) explainWorkload(w, graph, t);
    else if (r.group === '' && r.kind === 'Service') explainService(w, graph, r);
    else explainPolicy(w, graph, r);
    findingsOf(w, result, r);
    out.push(w.text());
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Reference resolution

function resolveRef(graph: Graph, ref: string): Resource[] {
  const parts = ref.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new ExplainRefError(`"${ref}" is not a reference: use <namespace>/<Kind>/<name>, or <Kind>/<name> for cluster-scoped objects`);
  }
  const [ns, kindSpec, name] = parts.length === 3 ? (parts as [string, string, string]) : [undefined, parts[0]!, parts[1]!];
  const dot = kindSpec.indexOf('.');
  const kind = (dot < 0 ? kindSpec : kindSpec.slice(0, dot)).toLowerCase();
  const group = dot < 0 ? undefined : kindSpec.slice(dot + 1).toLowerCase();
  const sameKind = graph.resources.filter((r) => r.kind.toLowerCase() === kind && (group === undefined || r.group.toLowerCase() === group));
  const found = sameKind.filter((r) => r.name === name && (ns === undefined ? r.namespace === undefined : r.namespace === ns));
  if (found.length) return found;
  const display = qualifiedName;
  const hints: string[] = [];
  const inNs = sameKind.filter((r) => r.namespace === ns);
  const near = similarName(name, inNs.map((r) => r.name));
  if (near) hints.push(`did you mean ${display(inNs.find((r) => r.name === near)!)}?`);
  const elsewhere = sameKind.filter((r) => r.name === name);
  if (elsewhere.length) hints.push(`the input has ${elsewhere.map(display).join(', ')}`);
  if (!sameKind.length) {
    const kinds = [...new Set(graph.resources.map((r) => r.kind))];
    const k = similarName(kind, kinds.map((x) => x.toLowerCase()));
    hints.push(k ? `no object of kind ${kindSpec} in the input; did you mean kind ${kinds.find((x) => x.toLowerCase() === k)}?` : `no object of kind ${kindSpec} in the input`);
  }
  throw new ExplainRefError(`no ${ref} in the input${hints.length ? `: ${hints.join('; ')}` : ''}`);
}

// ---------------------------------------------------------------------------------------------------------
// Output

class Writer {
  private readonly lines: string[] = [];
  constructor(private readonly locator: Locator) {}

  line(s = '', depth = 0): void {
    this.lines.push(`${'  '.repeat(depth)}${s}`.trimEnd());
  }

  section(title: string): void {
    this.lines.push('', `${title}:`);
  }

  /** `file:line` of a path in an object. */
  where(r: Resource, path: Path): string {
    const loc = this.locator.locate(r.source, path, { kind: r.kind, name: r.name });
    return `${loc.uri}:${loc.region.startLine}`;
  }

  /** A decision with where it was written, or "(cluster facts / default)". */
  decision(d: Decision): string {
    const at = d.resource ? ` [${nameOf(d.resource)} ${formatPath(d.path) || '(object)'} at ${this.where(d.resource, d.path)}]` : d.assumed ? ' [assumed]' : ' [cluster facts / default]';
    return `${d.reason}${at}`;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}


function header(w: Writer, r: Resource): void {
  w.line(`${nameOf(r)} (${r.apiVersion}) at ${w.where(r, [])}`);
}

// ---------------------------------------------------------------------------------------------------------
// Workloads

function explainWorkload(w: Writer, graph: Graph, t: PodTemplate): void {
  const dp = dataPlaneOf(graph, t);
  w.section('Data plane');
  w.line(dp.mode === 'none' ? 'no proxy' : `${meshTitle(dp.mesh!)} ${dp.mode}`, 1);
  w.line(`decided by: ${w.decision(dp.decidedBy)}`, 1);
  if (dp.mode === 'sidecar' && dp.mesh) {
    const n = nativeSidecarOf(graph, t, dp.mesh);
    w.line(`native sidecar: ${n.native === undefined ? 'unknown' : n.native ? 'yes' : 'no'} (${w.decision(n.decidedBy)})`, 1);
  }
  for (const o of dp.overridden) w.line(`lost: ${w.decision(o)}`, 1);
  for (const v of meshVerdicts(graph, t)) {
    if (!v.wanted && v.outcome === 'none' && v.mesh !== dp.mesh) continue;
    w.line(`${meshTitle(v.mesh)}: ${v.outcome}${v.rejected ? ' (the webhook rejects the pod)' : ''} — ${w.decision(v.decidedBy)}`, 1);
  }

  const svcs = servicesSelecting(graph, t);
  w.section('Services selecting it');
  if (!svcs.length) w.line('none', 1);
  for (const s of svcs) {
    const view = serviceView(graph, s);
    w.line(`Service ${s.namespace}/${s.name} (${view.type}${view.headless ? ', headless' : ''})`, 1);
    for (const p of view.ports) {
      const ep = p.endpoints.find((e) => e.template === t);
      const to = ep ? `pod port ${ep.port}` : p.unresolved.includes(t) ? `no endpoint: this pod does not declare "${String(p.targetPort)}"` : 'no endpoint';
      w.line(`port ${p.port ?? '?'}${p.name ? ` (${p.name})` : ''}/${p.protocol} → ${to}`, 2);
    }
  }

  w.section('Inbound mTLS');
  const ports = [...new Set([...containerPorts(t).map((c) => c.port), ...svcs.flatMap((s) => serviceView(graph, s).ports.flatMap((p) => p.endpoints.filter((e) => e.template === t).map((e) => e.port)))])].sort((a, b) => a - b);
  if (!ports.length) {
    const m = inboundMtlsOf(graph, t);
    w.line(`workload: ${m.mode} — ${w.decision(m.decidedBy)}`, 1);
  }
  for (const port of ports) {
    const m = inboundMtlsOf(graph, t, port);
    w.line(`port ${port}: ${m.mode} — ${w.decision(m.decidedBy)}`, 1);
  }

  w.section('Policies that apply');
  const applied = policiesApplyingTo(graph, t);
  if (!applied.length) w.line('none in the input', 1);
  for (const p of applied) w.line(`${nameOf(p.resource)} (${groupKindKey(p.resource.group, p.resource.kind)}, ${p.scope}) at ${w.where(p.resource, [])}`, 1);
  if (dp.mesh === 'istio' && dp.mode === 'sidecar') {
    const sc = sidecarResourceFor(graph, t);
    if (sc) {
      const hosts = egressHostsOf(sc);
      w.line(`Sidecar resource: ${nameOf(sc)}; egress ${hosts ? hosts.map((h) => h.raw).join(', ') || 'nothing' : 'not restricted'}`, 1);
    }
  }
  if (dp.mode === 'ambient') {
    const wp = waypointForTemplate(graph, t);
    w.line(`waypoint (workload traffic): ${wp.waypoint ? `${wp.waypoint.namespace}/${wp.waypoint.name}` : 'none'} — ${w.decision(wp.decidedBy)}`, 1);
    for (const s of svcs) {
      const sw = waypointForService(graph, s);
      w.line(`waypoint (Service ${s.name}): ${sw.waypoint ? `${sw.waypoint.namespace}/${sw.waypoint.name}` : 'none'} — ${w.decision(sw.decidedBy)}`, 1);
    }
  }

  w.section('Routes that reach it');
  let routes = 0;
  for (const s of svcs) {
    for (const e of routesTo(graph, s)) {
      routes++;
      w.line(`${nameOf(e.route)} ${formatPath(e.path)} → Service ${s.name}${e.to.port !== undefined ? `:${e.to.port}` : ''}${e.to.subset ? ` subset ${e.to.subset}` : ''}${e.weight !== undefined ? ` (weight ${e.weight})` : ''} at ${w.where(e.route, e.path)}`, 1);
    }
  }
  if (!routes) w.line('none in the input', 1);

  w.section('Calls it makes');
  const calls = callsFrom(graph, t);
  if (!calls.length) w.line('none found in the input', 1);
  for (const c of calls) w.line(`→ Service ${c.to.namespace}/${c.to.name}${c.port?.port !== undefined ? `:${c.port.port}` : ''} (${c.evidence[0]?.text ?? 'evidence'})`, 1);
}

// ---------------------------------------------------------------------------------------------------------
// Services

function explainService(w: Writer, graph: Graph, svc: Resource): void {
  const view = serviceView(graph, svc);
  w.section('Selector');
  w.line(view.type === 'ExternalName' ? `ExternalName ${view.externalName ?? '?'}` : describeSelector(view.selector), 1);
  w.section('Pods and endpoints');
  if (!view.pods.length) {
    const manual = manualEndpointsOf(graph, svc);
    w.line(manual.length ? `no pods; manual endpoints: ${manual.map(nameOf).join(', ')}` : 'no pods selected', 1);
  }
  for (const t of view.pods) {
    const dp = dataPlaneOf(graph, t);
    w.line(`${nameOf(t.owner)} — ${dp.mode === 'none' ? 'no proxy' : `${meshTitle(dp.mesh!)} ${dp.mode}`} (${dp.decidedBy.reason})`, 1);
  }
  for (const p of view.ports) {
    w.line(`port ${p.port ?? '?'}${p.name ? ` (${p.name})` : ''}/${p.protocol}${p.appProtocol ? ` appProtocol ${p.appProtocol}` : ''} → targetPort ${String(p.targetPort)}`, 1);
    for (const e of p.endpoints) w.line(`${nameOf(e.template.owner)}: pod port ${e.port}`, 2);
    for (const u of p.unresolved) w.line(`${nameOf(u.owner)}: no such named port`, 2);
  }
  w.section('Routes that reach it');
  const routes = routesTo(graph, svc);
  if (!routes.length) w.line('none in the input', 1);
  for (const e of routes) w.line(`${nameOf(e.route)} ${formatPath(e.path)} at ${w.where(e.route, e.path)}`, 1);
  w.section('Callers');
  const calls = callsTo(graph, svc);
  if (!calls.length) w.line('none found in the input', 1);
  for (const c of calls) w.line(`${nameOf(c.from.owner)} (${c.evidence[0]?.text ?? 'evidence'})`, 1);
}

// ---------------------------------------------------------------------------------------------------------
// Policies and everything else

function explainPolicy(w: Writer, graph: Graph, r: Resource): void {
  const sel = workloadsSelectedBy(graph, r);
  const refs = policyTargetRefs(graph, r);
  if (!sel && !refs.length) {
    w.section('Applies to');
    w.line('no workload selector or target reference that meshlint models (namespace- or mesh-wide, or not a policy)', 1);
    return;
  }
  if (sel) {
    w.section('Selects');
    if (sel.ignored) w.line(`ignored: ${sel.reason ?? ''}`, 1);
    if (sel.selector) w.line(`selector ${describeSelector(sel.selector)} in ${sel.namespaces === 'all' ? 'every namespace' : sel.namespaces.join(', ')}`, 1);
    if (!sel.templates.length) w.line(`no workload${sel.reason ? `: ${sel.reason}` : ''}`, 1);
    for (const t of sel.templates) {
      const dp = dataPlaneOf(graph, t);
      w.line(`${nameOf(t.owner)} — ${dp.mode === 'none' ? 'no proxy' : `${meshTitle(dp.mesh!)} ${dp.mode}`}`, 1);
    }
  }
  if (refs.length) {
    w.section('Target references');
    for (const t of refs) w.line(`${t.kind} ${t.namespace}/${t.name}: ${t.status}${t.reason ? ` (${t.reason})` : ''}`, 1);
  }
}

function findingsOf(w: Writer, result: LintResult, r: Resource): void {
  const own = result.findings.filter((f) => f.resource === r);
  w.section('Findings');
  if (!own.length) w.line('none', 1);
  for (const f of own) w.line(`${f.level} ${f.ruleId}: ${f.message} (${formatPath(f.path) || 'object'} at ${w.where(r, f.path)})`, 1);
}

/** The CLI entry: lint the inputs, print the explanation; exit 2 when the reference names nothing. */
export async function explainCommand(ref: string | undefined, options: LintOptions, io: Pick<Io, 'stdout' | 'stderr'>): Promise<number> {
  if (!ref) {
    io.stderr('meshlint: explain needs a reference: meshlint explain <namespace>/<Kind>/<name> [paths...]\n');
    return 2;
  }
  const result = await lint(options);
  for (const e of result.load.inputErrors) io.stderr(`meshlint: ${e.path}: ${e.message}\n`);
  try {
    io.stdout(explain(result, ref));
  } catch (e) {
    if (!(e instanceof ExplainRefError)) throw e;
    io.stderr(`meshlint: ${e.message}\n`);
    return 2;
  }
  return result.load.inputErrors.length ? 2 : 0;
}
