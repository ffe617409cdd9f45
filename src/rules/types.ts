/**
 * The contract between rules and the rest of meshlint. A rule is metadata (as data) plus `check`, which asks
 * the graph questions and reports findings as (object, path) pairs; it never parses, prints or keeps state.
 */
import type { Graph, KindKey } from '../graph/graph.js';
import type { Path, Resource, SourceFile } from '../load/types.js';

export type Level = 'error' | 'warning' | 'note';
export type Family = 'references' | 'exposure' | 'mtls' | 'sidecar' | 'retries' | 'input';

/** A JSON Schema (draft 2020-12 subset understood by ajv) for a rule's options. */
export type OptionsSchema = Record<string, unknown>;

export interface RuleMeta<M extends string = string, O extends object = object> {
  /** kebab-case; equals the file name, the docs page name and the SARIF ruleId. */
  readonly id: string;
  /** One sentence; repeated verbatim at the top of the docs page (a test holds them equal). */
  readonly description: string;
  readonly level: Level;
  readonly family: Family;
  /** Group-kind keys (`Service`, `Deployment.apps`, `workloads`) the rule may read; the tester enforces it. */
  readonly reads: readonly KindKey[];
  /** Message templates with `{placeholder}`s, keyed by message id. */
  readonly messages: Readonly<Record<M, string>>;
  readonly options?: { readonly schema: OptionsSchema; readonly defaults: O };
  /** Equivalent checks in other tools (istioctl analyze codes, Kiali, kube-linter...). */
  readonly sources?: readonly { readonly tool: string; readonly id: string }[];
  readonly precision: 'very-high' | 'high' | 'medium' | 'low';
  /** 0.1–10 (GitHub security severity); set for rules about exposure or authentication. */
  readonly securitySeverity?: number;
  readonly tags?: readonly string[];
}

export interface Located {
  readonly resource: Resource;
  /** Path inside the object (not counting a List prefix). */
  readonly path: Path;
}

export interface RelatedLocation extends Located {
  readonly message: string;
}

export type FlowStep = RelatedLocation;

/** A location given directly as file + position (parse errors, unreadable files). */
export interface FileLocation {
  readonly file: SourceFile;
  readonly line?: number;
  readonly column?: number;
  /** Alternatively a path in a document, resolved by the reporter. */
  readonly at?: { readonly source: Resource['source']; readonly path: Path };
  readonly object?: { readonly kind: string; readonly name: string; readonly namespace?: string };
}

export interface Finding {
  readonly ruleId: string;
  readonly messageId: string;
  readonly data: Readonly<Record<string, string | number>>;
  readonly message: string;
  readonly level: Level;
  /** The object the finding belongs to; absent for file-level input problems. */
  readonly resource?: Resource;
  readonly path: Path;
  readonly fileLocation?: FileLocation;
  readonly related: readonly RelatedLocation[];
  readonly flow?: readonly FlowStep[];
  readonly suppression?: { readonly kind: 'inSource' | 'external'; readonly justification?: string };
}

export interface Report<M extends string> {
  readonly messageId: M;
  readonly data?: Readonly<Record<string, string | number>>;
  readonly resource: Resource;
  readonly path: Path;
  /** Overrides the rule's configured level for this finding (e.g. degrade on partial input). */
  readonly level?: Level;
  readonly related?: readonly RelatedLocation[];
  readonly flow?: readonly FlowStep[];
}

/** Facts about the cluster that the input cannot show (namespace labels, versions, mesh-wide policy). */
export type ClusterFacts = Readonly<Record<string, unknown>>;

export interface RuleContext<M extends string, O extends object> {
  readonly graph: Graph;
  readonly options: O;
  readonly cluster: ClusterFacts;
  report(r: Report<M>): void;
  /** For input rules that report file-level problems. */
  reportAt(r: { messageId: M; data?: Readonly<Record<string, string | number>>; at: FileLocation; level?: Level }): void;
}

export interface Rule<M extends string = string, O extends object = object> {
  readonly meta: RuleMeta<M, O>;
  check(ctx: RuleContext<M, O>): void;
}

/** Declare a rule; the generic parameters make message ids and options typed at the call site. */
export function defineRule<M extends string, O extends object = object>(rule: Rule<M, O>): Rule<M, O> {
  return rule;
}

/** Fill `{name}` placeholders. Unknown placeholders are left visible so the tester can catch them. */
export function formatMessage(template: string, data: Readonly<Record<string, string | number>> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (data && key in data ? String(data[key]) : m));
}

export const DOCS_BASE = 'https://github.com/meshlint/meshlint/blob/main/rules-docs/';

/** The docs URL is derived from the id in this one place. */
export function docsUrl(id: string): string {
  return `${DOCS_BASE}${id}.md`;
}

export const LEVEL_RANK: Readonly<Record<Level, number>> = { note: 1, warning: 2, error: 3 };
