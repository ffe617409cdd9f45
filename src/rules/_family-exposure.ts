/** Registry of the `exposure` family. */
import type { Rule } from './types.js';

export const EXPOSURE_RULES: readonly Rule[] = [] as Rule[];
