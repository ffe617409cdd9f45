/** Machine-readable JSON: findings with positions and objects, plus what the run read. */
import type { LintResult } from '../lint.js';
import { TOOL_VERSION } from '../version.js';
import type { LocatedFinding, LocatedRelated } from './results.js';

export function toJson(result: LintResult, located: readonly LocatedFinding[]): object {
  return {
    tool: { name: 'meshlint', version: TOOL_VERSION },
    findings: located.map((l) => ({
      ruleId: l.ruleId,
      level: l.level,
      message: l.message,
      file: l.uri,
      line: l.region.startLine,
      column: l.region.startColumn,
      endLine: l.region.endLine,
      endColumn: l.region.endColumn,
      ...(l.object ? { object: l.object.fullyQualifiedName, kind: l.object.kind, name: l.object.name, namespace: l.object.namespace ?? null } : {}),
      path: l.path,
      exact: l.exact,
      fingerprint: l.fingerprint,
      suppressed: l.suppressed,
      ...(l.finding.suppression?.justification ? { justification: l.finding.suppression.justification } : {}),
      related: l.related.map(relatedJson),
      ...(l.flow ? { flow: l.flow.map(relatedJson) } : {}),
    })),
    summary: {
      files: result.stats.files,
      documents: result.stats.documents,
      objects: result.stats.objects,
      unknownKinds: Object.fromEntries(result.stats.unknownKinds),
      skippedDocuments: result.stats.skippedDocuments,
      inputErrors: result.load.inputErrors,
      ruleErrors: result.ruleErrors,
    },
    files: result.load.accounting,
  };
}

function relatedJson(r: LocatedRelated): object {
  return { file: r.uri, line: r.region.startLine, column: r.region.startColumn, message: r.message, ...(r.object ? { object: r.object.fullyQualifiedName } : {}) };
}
