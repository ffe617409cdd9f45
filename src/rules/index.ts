/** The rule registry: every rule, in a stable order (family, then id). Each family keeps its own list. */
import type { Rule } from './types.js';
import { EXPOSURE_RULES } from './_family-exposure.js';
import { INPUT_RULES } from './_family-input.js';
import { MESH_REFERENCE_RULES } from './_family-mesh-references.js';
import { MTLS_RULES } from './_family-mtls.js';
import { REFERENCE_RULES } from './_family-references.js';
import { RETRY_RULES } from './_family-retries.js';
import { SIDECAR_RULES } from './_family-sidecar.js';

const FAMILY_ORDER = ['input', 'references', 'exposure', 'mtls', 'sidecar', 'retries'];

export const ALL_RULES: readonly Rule[] = [
  ...INPUT_RULES,
  ...REFERENCE_RULES,
  ...MESH_REFERENCE_RULES,
  ...EXPOSURE_RULES,
  ...MTLS_RULES,
  ...SIDECAR_RULES,
  ...RETRY_RULES,
].sort((a, b) => FAMILY_ORDER.indexOf(a.meta.family) - FAMILY_ORDER.indexOf(b.meta.family) || (a.meta.id < b.meta.id ? -1 : 1));

export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.meta.id === id);
}
