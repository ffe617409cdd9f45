/**
 * Findings → located results, in one stable order, with stable fingerprints. Every output format starts
 * from this list, so the terminal, JSON, SARIF and annotations always agree.
 */
import { createHash } from 'node:crypto';
import { formatPath, type Resource } from '../load/types.js';
import type { Finding, Level, RelatedLocation } from '../rules/types.js';
import { Locator, type Region } from './locate.js';
import { qualifiedName } from '../graph/graph.js';

export interface ObjectRef {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly apiVersion?: string;
  /** `<namespace>/<Kind>/<name>`, or `<Kind>/<name>` for cluster-scoped objects. */
  readonly fullyQualifiedName: string;
}

export interface LocatedRelated {
  readonly uri: string;
  readonly region: Region;
  readonly message: string;
  readonly object?: ObjectRef;
}

export interface LocatedFinding {
  readonly finding: Finding;
  readonly ruleId: string;
  readonly level: Level;
  readonly message: string;
  readonly uri: string;
  readonly region: Region;
  /** False when the exact path did not exist and an ancestor is shown instead. */
  readonly exact: boolean;
  readonly rendered: boolean;
  readonly object?: ObjectRef;
  readonly path: string;
  readonly related: readonly LocatedRelated[];
  readonly flow?: readonly LocatedRelated[];
  /** Stable across runs and line moves: rule, object identity and path. */
  readonly fingerprint: string;
  readonly suppressed: boolean;
}

export function objectRef(r: Resource): ObjectRef {
  return {
    kind: r.kind,
    name: r.name,
    namespace: r.namespace,
    apiVersion: r.apiVersion,
    fullyQualifiedName: qualifiedName(r),
  };
}

export function locateFindings(findings: readonly Finding[], locator = new Locator()): LocatedFinding[] {
  const located = findings.map((f) => locateOne(f, locator));
  located.sort(compareLocated);
  // identical identities (same rule, object and path) get an occurrence suffix, assigned in stable order
  const seen = new Map<string, number>();
  return located.map((l) => {
    const n = (seen.get(l.fingerprint) ?? 0) + 1;
    seen.set(l.fingerprint, n);
    return n === 1 ? l : { ...l, fingerprint: `${l.fingerprint}:${n}` };
  });
}

function locateOne(f: Finding, locator: Locator): LocatedFinding {
  let uri: string;
  let region: Region;
  let exact = true;
  let rendered = false;
  let note: string | undefined;
  let object: ObjectRef | undefined;
  if (f.resource) {
    const loc = locator.locate(f.resource.source, f.path, { kind: f.resource.kind, name: f.resource.name });
    ({ uri, region, exact, note } = loc);
    rendered = loc.rendered ?? false;
    object = objectRef(f.resource);
  } else {
    const fl = f.fileLocation!;
    if (fl.at) {
      const loc = locator.locate(fl.at.source, fl.at.path);
      ({ uri, region, exact } = loc);
      rendered = loc.rendered ?? false;
    } else {
      uri = fl.file.path;
      region = locator.point(fl.file, fl.line, fl.column);
    }
    if (fl.object) {
      const o = fl.object;
      object = { kind: o.kind, name: o.name, namespace: o.namespace, fullyQualifiedName: o.namespace ? `${o.namespace}/${o.kind}/${o.name}` : `${o.kind}/${o.name}` };
    }
  }
  const related = f.related.map((r) => locateRelated(r, locator));
  const flow = f.flow?.map((r) => locateRelated(r, locator));
  const identity = object ? `${object.apiVersion ?? ''}|${object.fullyQualifiedName}|${formatPath(f.path)}` : `${uri}|${f.message}`;
  const fingerprint = createHash('sha256').update(`${f.ruleId}|${f.messageId}|${identity}`).digest('hex').slice(0, 32);
  return {
    finding: f,
    ruleId: f.ruleId,
    level: f.level,
    // a location the loader could only approximate (kustomize patches) says so in every output format
    message: note ? `${f.message} (${note})` : f.message,
    uri,
    region,
    exact,
    rendered,
    object,
    path: formatPath(f.path),
    related,
    flow,
    fingerprint,
    suppressed: f.suppression !== undefined,
  };
}

function locateRelated(r: RelatedLocation, locator: Locator): LocatedRelated {
  const loc = locator.locate(r.resource.source, r.path, { kind: r.resource.kind, name: r.resource.name });
  return { uri: loc.uri, region: loc.region, message: r.message, object: objectRef(r.resource) };
}

function compareLocated(a: LocatedFinding, b: LocatedFinding): number {
  return (
    cmp(a.uri, b.uri) ||
    a.region.startLine - b.region.startLine ||
    a.region.startColumn - b.region.startColumn ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.message, b.message) ||
    cmp(a.fingerprint, b.fingerprint)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
