/** Registry of the `sidecar` family. */
import type { Rule } from './types.js';

export const SIDECAR_RULES: readonly Rule[] = [] as Rule[];
