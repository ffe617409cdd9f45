/** Registry of the `input` family. */
import type { Rule } from './types.js';
import manifestDuplicate from './manifest-duplicate.js';
import manifestInvalid from './manifest-invalid.js';
import manifestParseError from './manifest-parse-error.js';

export const INPUT_RULES: readonly Rule[] = [manifestParseError, manifestInvalid, manifestDuplicate] as Rule[];
