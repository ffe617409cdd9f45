/** Registry of the mesh half of the `references` family. */
import type { Rule } from './types.js';

export const MESH_REFERENCE_RULES: readonly Rule[] = [] as Rule[];
