/** Registry of the `mtls` family. */
import type { Rule } from './types.js';

export const MTLS_RULES: readonly Rule[] = [] as Rule[];
