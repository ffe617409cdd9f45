/**
 * `meshlint summary --sarif <file> [paths...]`: Markdown for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY).
 * The findings table and the counts come from the SARIF file, so the summary shows exactly what was
 * uploaded to code scanning; when paths are given the inputs are loaded again to draw the topology with the
 * findings on it. `--github-output <file>` appends the counts as step outputs (`errors=2` lines); `-o <file>` appends the
 * Markdown to a file (the step summary file is shared by all steps of a job, so it is never overwritten).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { lint, type LintOptions, type LintResult } from '../lint.js';
import type { Level } from '../rules/types.js';
import { topologyMermaid } from './topology.js';
import { callGraphMermaidFromMarks } from './graph.js';
import { callEdges } from '../graph/calls.js';

export interface SummaryRow {
  readonly level: Level;
  readonly ruleId: string;
  readonly helpUri?: string;
  readonly object?: string;
  readonly uri?: string;
  readonly line?: number;
  readonly message: string;
}

export interface SummaryCounts {
  readonly error: number;
  readonly warning: number;
  readonly note: number;
  readonly suppressed: number;
}

/** Where "file:line" cells link to (a blob URL on GitHub); omitted outside a workflow. */
export interface LinkBase {
  readonly server: string;
  readonly repository: string;
  readonly sha: string;
}

export const MAX_ROWS = 100;

export function readSarif(file: string): Sarif.Log {
  const log = JSON.parse(readFileSync(file, 'utf8')) as Sarif.Log;
  if (!log || !Array.isArray(log.runs)) throw new Error(`${file} is not a SARIF log (no "runs")`);
  return log;
}

/** Unsuppressed results as table rows (sorted as meshlint sorts them), plus the counts. */
export function summaryRows(log: Sarif.Log): { rows: SummaryRow[]; counts: SummaryCounts } {
  const rows: SummaryRow[] = [];
  let suppressed = 0;
  for (const run of log.runs) {
    const rules = run.tool.driver.rules ?? [];
    const byId = new Map(rules.map((r) => [r.id, r]));
    for (const res of run.results ?? []) {
      if (res.suppressions?.length) {
        suppressed++;
        continue;
      }
      const rule = (res.ruleIndex !== undefined ? rules[res.ruleIndex] : undefined) ?? (res.ruleId ? byId.get(res.ruleId) : undefined);
      const level = asLevel(res.level ?? rule?.defaultConfiguration?.level);
      const loc = res.locations?.[0];
      const phys = loc?.physicalLocation;
      rows.push({
        level,
        ruleId: res.ruleId ?? rule?.id ?? '?',
        helpUri: rule?.helpUri,
        object: loc?.logicalLocations?.[0]?.fullyQualifiedName,
        uri: phys?.artifactLocation?.uri,
        line: phys?.region?.startLine,
        message: plainMessage(res.message.text ?? ''),
      });
    }
  }
  const counts = { error: 0, warning: 0, note: 0, suppressed };
  for (const r of rows) counts[r.level]++;
  return { rows, counts };
}

function asLevel(l: string | undefined): Level {
  return l === 'error' || l === 'note' ? l : 'warning';
}

/** SARIF message text → plain text: embedded links `[text](id)` keep their text, escaped brackets unescape. */
function plainMessage(s: string): string {
  return s.replace(/(?<!\\)\[((?:[^\]\\]|\\.)*)\]\(\d+\)/g, '$1').replace(/\\([[\]\\])/g, '$1');
}

const ICON: Record<Level, string> = { error: '🔴 error', warning: '🟡 warning', note: '🔵 note' };

/** Text for a Markdown table cell: no line breaks, no column breaks, no HTML. */
function cell(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}

export function renderSummary(log: Sarif.Log, options: { result?: LintResult; links?: LinkBase; title?: string } = {}): string {
  const { rows, counts } = summaryRows(log);
  const out: string[] = [`## ${options.title ?? 'meshlint'}`, ''];
  const total = counts.error + counts.warning + counts.note;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const tally = `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}`;
  out.push(total ? `**${plural(total, 'finding')}**: ${tally}${counts.suppressed ? `; ${counts.suppressed} suppressed` : ''}.` : `**No findings.**${counts.suppressed ? ` ${counts.suppressed} suppressed.` : ''}`);
  if (options.result) {
    const s = options.result.stats;
    out.push('', `Linted ${plural(s.objects, 'object')} from ${plural(s.files, 'file')}.`);
  }
  if (rows.length) {
    out.push('', '| Level | Rule | Object | Location | Message |', '| --- | --- | --- | --- | --- |');
    for (const r of rows.slice(0, MAX_ROWS)) {
      const rule = r.helpUri ? `[${r.ruleId}](${r.helpUri})` : r.ruleId;
      const where = r.uri ? `${r.uri}${r.line ? `:${r.line}` : ''}` : '';
      const located = where && options.links && r.uri ? `[${cell(where)}](${blobUrl(options.links, r.uri, r.line)})` : cell(where);
      out.push(`| ${ICON[r.level]} | ${rule} | ${cell(r.object ?? '')} | ${located} | ${cell(r.message)} |`);
    }
    if (rows.length > MAX_ROWS) out.push('', `…and ${rows.length - MAX_ROWS} more; the SARIF file and code scanning have them all.`);
  }
  if (options.result) {
    const marks = new Map<string, Level[]>();
    for (const r of rows) if (r.object) (marks.get(r.object) ?? marks.set(r.object, []).get(r.object)!).push(r.level);
    // the call graph when the manifests show calls; otherwise how traffic enters (Ingress → Service → workload)
    if (callEdges(options.result.graph).length) {
      const chart = callGraphMermaidFromMarks(options.result.graph, marks, { maxNodes: 60 });
      out.push('', '### Call graph', '', 'Who calls whom, as the manifests show it, with the attempts each call can make; objects with findings are coloured by their most severe finding.', '', '```mermaid', chart.trimEnd(), '```');
    } else {
      const chart = topologyMermaid(options.result.graph, marks);
      out.push('', '### Topology', '', 'Ingress → Service → workload; objects with findings are coloured by their most severe finding.', '', '```mermaid', chart.trimEnd(), '```');
    }
  }
  return out.join('\n') + '\n';
}

function blobUrl(l: LinkBase, uri: string, line: number | undefined): string {
  return `${l.server.replace(/\/$/, '')}/${l.repository}/blob/${l.sha}/${uri}${line ? `#L${line}` : ''}`;
}

/** `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` and `GITHUB_SHA` when all are set (inside a workflow). */
export function linksFromEnv(env: Readonly<Record<string, string | undefined>>): LinkBase | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_SHA: sha } = env;
  return server && repository && sha ? { server, repository, sha } : undefined;
}

/** Step outputs in the `name=value` form $GITHUB_OUTPUT takes. */
export function outputLines(log: Sarif.Log): string {
  const { counts } = summaryRows(log);
  const total = counts.error + counts.warning + counts.note;
  return `errors=${counts.error}\nwarnings=${counts.warning}\nnotes=${counts.note}\ntotal=${total}\n`;
}

export function appendOutputs(file: string, log: Sarif.Log): void {
  appendFileSync(file, outputLines(log));
}

export interface SummaryCommand {
  readonly sarif: string;
  /** Lint these inputs again to draw the topology; without them the summary has the table only. */
  readonly lintOptions?: LintOptions;
  readonly githubOutput?: string;
  readonly outputFile?: string;
}

/** Exit code 0, or 2 when the SARIF file cannot be read. */
export async function summaryCommand(cmd: SummaryCommand, io: { stdout: (s: string) => void; stderr: (s: string) => void; cwd: string; env: Readonly<Record<string, string | undefined>> }): Promise<number> {
  let log: Sarif.Log;
  try {
    log = readSarif(path.resolve(io.cwd, cmd.sarif));
  } catch (e) {
    io.stderr(`meshlint summary: cannot read ${cmd.sarif}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const result = cmd.lintOptions ? await lint(cmd.lintOptions) : undefined;
  const markdown = renderSummary(log, { result, links: linksFromEnv(io.env) });
  if (cmd.outputFile) appendFileSync(path.resolve(io.cwd, cmd.outputFile), markdown);
  else io.stdout(markdown);
  if (cmd.githubOutput) appendOutputs(path.resolve(io.cwd, cmd.githubOutput), log);
  return 0;
}
