/** GitHub Actions workflow commands (`::error file=…,line=…::message`), which annotate pull requests. */
import type { LintResult } from '../lint.js';
import type { LocatedFinding } from './results.js';
import { summaryLines } from './stylish.js';

const COMMAND = { error: 'error', warning: 'warning', note: 'notice' } as const;

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function toGithub(result: LintResult, located: readonly LocatedFinding[]): string {
  const lines = located
    .filter((l) => !l.suppressed)
    .map((l) => {
      const r = l.region;
      const props = [
        `file=${escapeProperty(l.uri)}`,
        `line=${r.startLine}`,
        `col=${r.startColumn}`,
        `endLine=${r.endLine}`,
        `endColumn=${r.endColumn}`,
        `title=${escapeProperty(`meshlint ${l.ruleId}`)}`,
      ];
      const who = l.object ? `${l.object.fullyQualifiedName}: ` : '';
      return `::${COMMAND[l.level]} ${props.join(',')}::${escapeData(who + l.message)}`;
    });
  for (const e of result.load.inputErrors) lines.push(`::error title=meshlint input::${escapeData(`${e.path}: ${e.message}`)}`);
  lines.push(...summaryLines(result, located));
  return lines.join('\n') + '\n';
}
