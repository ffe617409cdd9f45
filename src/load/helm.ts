/**
 * Helm charts: `--helm <chart> [--values <file>...]` runs `helm template` and lints its output. The output's
 * `# Source: <chart>/templates/x.yaml` comments already map documents to templates (parse.ts); here they are
 * rewritten so that, for a chart in a local directory, they name the template as a path relative to the
 * working directory (`deploy/web/templates/x.yaml` rather than `web/templates/x.yaml`), which is what SARIF
 * consumers and editors can open. Lines stay those of the rendered document (see locate.ts).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { displayPath } from './discover.js';
import { runTool } from './tools.js';
import type { InputError } from './types.js';

export interface HelmInput {
  /** A chart directory, a packaged chart (.tgz) or a repository reference (`repo/chart`). */
  readonly chart: string;
  readonly values: readonly string[];
  /** Passed as `--namespace`, so that `.Release.Namespace` matches the namespace meshlint assumes. */
  readonly namespace?: string;
}

export interface HelmOutcome {
  readonly text?: { readonly path: string; readonly text: string };
  readonly error?: InputError;
}

export async function renderHelm(input: HelmInput, options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<HelmOutcome> {
  const args = ['template', input.chart];
  for (const v of input.values) args.push('--values', v);
  if (input.namespace) args.push('--namespace', input.namespace);
  const r = await runTool('helm', args, { cwd: options.cwd, env: options.env });
  if (!r.ok) {
    const message = r.notFound
      ? 'helm not found on PATH; install Helm 3, or render the chart yourself and pipe it in: helm template CHART | meshlint -'
      : r.message;
    return { error: { path: input.chart, message } };
  }
  const chartDir = await localChartDir(path.resolve(options.cwd, input.chart));
  const text = chartDir ? rewriteSources(r.stdout, chartDir, options.cwd) : r.stdout;
  return { text: { path: `helm template ${input.chart}`, text } };
}

async function localChartDir(abs: string): Promise<string | undefined> {
  try {
    return (await fs.stat(path.join(abs, 'Chart.yaml'))).isFile() ? abs : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `# Source: web/templates/a.yaml` → `# Source: charts/web/templates/a.yaml` when the chart lives in
 * `charts/web`. The first segment is the chart's name, which need not equal the directory's name.
 */
export function rewriteSources(text: string, chartDir: string, cwd: string): string {
  const shown = displayPath(chartDir, cwd);
  return text.replace(/^# Source: ([^/\r\n]+)\/(.*)$/gm, (_m, _chart: string, rest: string) => `# Source: ${shown}/${rest}`);
}
