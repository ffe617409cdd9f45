/** Human-readable terminal output, grouped by file, `line:col  level  message  rule`. */
import type { LintResult } from '../lint.js';
import type { LocatedFinding } from './results.js';

export interface StylishOptions {
  readonly color: boolean;
  /** Show suppressed findings too (dimmed). */
  readonly showSuppressed?: boolean;
}

const CODES = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1, green: 32, underline: 4 } as const;

export function toStylish(result: LintResult, located: readonly LocatedFinding[], options: StylishOptions): string {
  const paint = (c: keyof typeof CODES, s: string) => (options.color ? `\u001b[${CODES[c]}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  const shown = located.filter((l) => options.showSuppressed || !l.suppressed);
  let file: string | undefined;
  const levelText = { error: paint('red', 'error  '), warning: paint('yellow', 'warning'), note: paint('cyan', 'note   ') } as const;
  for (const l of shown) {
    if (l.uri !== file) {
      if (file !== undefined) lines.push('');
      file = l.uri;
      lines.push(paint('underline', l.uri));
    }
    const pos = `${l.region.startLine}:${l.region.startColumn}`.padEnd(8);
    const who = l.object ? `${l.object.fullyQualifiedName}: ` : '';
    const msg = `${who}${l.message}${l.suppressed ? ' (suppressed)' : ''}`;
    lines.push(`  ${paint('dim', pos)}${levelText[l.level]}  ${l.suppressed ? paint('dim', msg) : msg}  ${paint('dim', l.ruleId)}`);
    for (const r of l.related) lines.push(`  ${' '.repeat(8)}         ${paint('dim', `↳ ${r.uri}:${r.region.startLine}:${r.region.startColumn} ${r.message}`)}`);
    if (l.flow?.length) {
      l.flow.forEach((s, i) => lines.push(`  ${' '.repeat(8)}         ${paint('dim', `${i + 1}. ${s.uri}:${s.region.startLine} ${s.message}`)}`));
    }
  }
  if (shown.length) lines.push('');
  lines.push(...summaryLines(result, located, paint));
  return lines.join('\n') + '\n';
}

export function summaryLines(result: LintResult, located: readonly LocatedFinding[], paint: (c: keyof typeof CODES, s: string) => string = (_c, s) => s): string[] {
  const out: string[] = [];
  for (const e of result.load.inputErrors) out.push(paint('red', `✖ ${e.path}: ${e.message}`));
  for (const e of result.ruleErrors) out.push(paint('red', `✖ rule ${e.ruleId} failed: ${e.message}`));
  const active = located.filter((l) => !l.suppressed);
  const n = { error: 0, warning: 0, note: 0 };
  for (const l of active) n[l.level]++;
  const suppressed = located.length - active.length;
  const total = active.length;
  const head = total === 0 ? paint('green', '✔ no problems') : paint(n.error ? 'red' : 'yellow', `✖ ${total} problem${total === 1 ? '' : 's'}`);
  out.push(`${head} (${n.error} error${n.error === 1 ? '' : 's'}, ${n.warning} warning${n.warning === 1 ? '' : 's'}, ${n.note} note${n.note === 1 ? '' : 's'}${suppressed ? `, ${suppressed} suppressed` : ''})`);
  const s = result.stats;
  let line = `  ${s.files} file${s.files === 1 ? '' : 's'}, ${s.objects} object${s.objects === 1 ? '' : 's'}`;
  const unknown = [...s.unknownKinds.values()].reduce((a, b) => a + b, 0);
  if (unknown) {
    const list = [...s.unknownKinds].slice(0, 5).map(([k, c]) => `${k} ×${c}`).join(', ');
    line += `; ${unknown} of kinds meshlint does not model (${list}${s.unknownKinds.size > 5 ? ', …' : ''})`;
  }
  if (s.skippedDocuments) line += `; ${s.skippedDocuments} document${s.skippedDocuments === 1 ? ' that is' : 's that are'} not Kubernetes objects, skipped`;
  out.push(paint('dim', line));
  return out;
}
