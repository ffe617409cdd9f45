/** Registry of the `retries` family. */
import type { Rule } from './types.js';

export const RETRY_RULES: readonly Rule[] = [] as Rule[];
