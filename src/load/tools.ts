/**
 * Running the external renderers (kustomize, kubectl, helm). No shell is involved: arguments are passed as
 * an array, so paths with spaces or quotes are safe. A missing executable is reported as such, so that the
 * caller can say which tool to install instead of printing a spawn error.
 */
import { execFile } from 'node:child_process';

export type ToolOutcome =
  | { readonly ok: true; readonly stdout: string; readonly stderr: string }
  | { readonly ok: false; readonly notFound: boolean; readonly message: string };

export interface ToolOptions {
  readonly cwd: string;
  /** Defaults to the process environment; tests pass their own PATH. */
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** Rendered streams can be large; the default 1 MiB buffer of execFile is not enough for a real chart. */
const MAX_OUTPUT = 512 * 1024 * 1024;

export function runTool(command: string, args: readonly string[], options: ToolOptions): Promise<ToolOutcome> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: MAX_OUTPUT, timeout: options.timeoutMs ?? 300_000, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ ok: true, stdout, stderr });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          resolve({ ok: false, notFound: true, message: `${command} not found on PATH` });
          return;
        }
        const detail = firstLines(stderr || error.message, 6);
        resolve({ ok: false, notFound: false, message: `${command} ${args[0] ?? ''} failed: ${detail}` });
      },
    );
  });
}

/** The useful part of a tool's error output: its first lines, without Go log prefixes. */
function firstLines(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => l.replace(/^[EWI]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] /, '').trim())
    .filter((l) => l !== '')
    .slice(0, n)
    .join(' / ');
}
