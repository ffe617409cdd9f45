/** SARIF 2.1.0 for GitHub code scanning and SARIF viewers (see shared design/sarif.md for each choice). */
import type * as Sarif from 'sarif';
import type { LintResult } from '../lint.js';
import { docsUrl, type Level, type Rule } from '../rules/types.js';
import { lineHashesFor } from './linehash.js';
import type { LocatedFinding, LocatedRelated } from './results.js';
import { TOOL_VERSION } from '../version.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifOptions {
  /** Category for GitHub (automationDetails.id is `<category>/`). */
  readonly category?: string;
}

export function toSarif(result: LintResult, located: readonly LocatedFinding[], options: SarifOptions = {}): Sarif.Log {
  const rules = result.rules.map((a) => a.rule);
  const ruleIndex = new Map(rules.map((r, i) => [r.meta.id, i]));
  const texts = new Map(result.load.files.map((f) => [f.path, f.text]));
  // the lines each file needs a hash for, so that every file is hashed once and only as far as needed
  const wantedLines = new Map<string, Set<number>>();
  for (const l of located) {
    if (l.rendered || !texts.has(l.uri)) continue;
    let s = wantedLines.get(l.uri);
    if (!s) wantedLines.set(l.uri, (s = new Set()));
    s.add(l.region.startLine);
  }
  const hashCache = new Map<string, Map<number, string>>();
  const lineHash = (l: LocatedFinding): string | undefined => {
    const wanted = wantedLines.get(l.uri);
    if (l.rendered || !wanted) return undefined;
    let hashes = hashCache.get(l.uri);
    if (!hashes) hashCache.set(l.uri, (hashes = lineHashesFor(texts.get(l.uri)!, wanted)));
    return hashes.get(l.region.startLine);
  };

  const results: Sarif.Result[] = located.map((l) => {
    const related = l.related.map((r, i) => relatedLocation(r, i + 1));
    const links = l.related.length ? ` Related: ${l.related.map((r, i) => `[${describeRelated(r)}](${i + 1})`).join(', ')}.` : '';
    const res: Sarif.Result = {
      ruleId: l.ruleId,
      ruleIndex: ruleIndex.get(l.ruleId),
      level: l.level,
      message: { text: escapeBrackets(l.message) + links },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: encodeUri(l.uri) }, region: { ...l.region } },
          ...(l.object ? { logicalLocations: [{ name: l.object.name, fullyQualifiedName: l.object.fullyQualifiedName, kind: 'resource' }] } : {}),
        },
      ],
      partialFingerprints: { 'meshlintFingerprint/v1': l.fingerprint },
    };
    const hash = lineHash(l);
    if (hash) res.partialFingerprints!.primaryLocationLineHash = hash;
    if (related.length) res.relatedLocations = related;
    if (l.flow?.length) {
      res.codeFlows = [
        {
          threadFlows: [
            {
              locations: l.flow.map((step, i) => ({
                // no nestingLevel: the VS Code viewer indents by (nestingLevel - 1) steps, so 0 would pull steps left
                location: relatedLocation(step),
                executionOrder: i + 1,
              })),
            },
          ],
        },
      ];
    }
    if (l.finding.suppression) {
      res.suppressions = [{ kind: l.finding.suppression.kind, status: 'accepted', ...(l.finding.suppression.justification ? { justification: l.finding.suppression.justification } : {}) }];
    }
    const props: Record<string, unknown> = {};
    if (l.path) props.path = l.path;
    if (!l.exact) props.locationApproximate = true;
    if (l.rendered) props.renderedDocumentLines = true;
    if (Object.keys(props).length) res.properties = props;
    return res;
  });

  const notifications: Sarif.Notification[] = [
    ...result.load.inputErrors.map((e) => ({ level: 'error' as const, message: { text: `${e.path}: ${e.message}` }, descriptor: { id: 'input-error' } })),
    ...result.ruleErrors.map((e) => ({ level: 'error' as const, message: { text: `rule ${e.ruleId} failed: ${e.message}` }, descriptor: { id: 'rule-error' } })),
  ];
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: 'meshlint',
        semanticVersion: TOOL_VERSION,
        version: TOOL_VERSION,
        informationUri: 'https://github.com/meshlint/meshlint',
        rules: rules.map(ruleDescriptor),
      },
    },
    automationDetails: { id: `${options.category ?? 'meshlint'}/` },
    invocations: [
      {
        executionSuccessful: !notifications.some((n) => n.level === 'error'),
        ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
      },
    ],
    columnKind: 'utf16CodeUnits',
    results,
  };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

function describeRelated(r: LocatedRelated): string {
  return r.object ? `${r.object.kind} ${r.object.fullyQualifiedName.split('/').filter((_, i, a) => i !== a.length - 2).join('/')}` : r.uri;
}

/** `[` and `]` in message text would be read as embedded links; escape them (SARIF §3.11.6). */
function escapeBrackets(s: string): string {
  return s.replace(/[[\]]/g, (c) => `\\${c}`);
}

/** A location with a message; `id` only for related locations (thread-flow steps are referenced by position). */
function relatedLocation(r: LocatedRelated, id?: number): Sarif.Location {
  return {
    ...(id !== undefined ? { id } : {}),
    physicalLocation: { artifactLocation: { uri: encodeUri(r.uri) }, region: { ...r.region } },
    message: { text: r.message },
    ...(r.object ? { logicalLocations: [{ name: r.object.name, fullyQualifiedName: r.object.fullyQualifiedName, kind: 'resource' }] } : {}),
  };
}

/** Percent-encode each path segment; keep `/` separators (a repo-relative uri-reference). */
export function encodeUri(p: string): string {
  return p.split('/').map((s) => encodeURIComponent(s)).join('/');
}

const PROBLEM_SEVERITY: Record<Level, string> = { error: 'error', warning: 'warning', note: 'recommendation' };

function ruleDescriptor(rule: Rule): Sarif.ReportingDescriptor {
  const m = rule.meta;
  const url = docsUrl(m.id);
  const properties: Record<string, unknown> = {
    tags: [m.family, ...(m.tags ?? []), ...(m.securitySeverity !== undefined ? ['security'] : [])],
    precision: m.precision,
  };
  if (m.securitySeverity !== undefined) properties['security-severity'] = m.securitySeverity.toFixed(1);
  else properties['problem.severity'] = PROBLEM_SEVERITY[m.level];
  if (m.sources?.length) properties.equivalents = m.sources.map((s) => `${s.tool} ${s.id}`);
  return {
    id: m.id,
    name: m.id.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''),
    shortDescription: { text: m.description },
    fullDescription: { text: m.description },
    help: {
      text: `${m.description} Documentation: ${url}`,
      markdown: `${m.description}\n\n[Documentation of ${m.id}](${url})`,
    },
    helpUri: url,
    defaultConfiguration: { level: m.level },
    properties,
  };
}
