/** meshlint as a library: `lint()` then `format()`. */
export { lint, failsAt, countByLevel, type LintOptions, type LintResult, type LintStats } from './lint.js';
export { format, located, FORMATS, type Format, type FormatOptions } from './report/index.js';
export { ALL_RULES } from './rules/index.js';
export type { Finding, Level, Rule, RuleMeta } from './rules/types.js';
export type { Resource, SourceFile } from './load/types.js';
export { TOOL_VERSION } from './version.js';
