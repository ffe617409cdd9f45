import { defineRule } from './types.js';

/** Parse problems are found by the loader; this rule gives them an id, a level and a docs page. */
export default defineRule({
  meta: {
    id: 'manifest-parse-error',
    description: 'A file or document that cannot be read or parsed as YAML or JSON.',
    level: 'error',
    family: 'input',
    reads: [],
    messages: { problem: '{detail}' },
    precision: 'very-high',
  },
  check() {
    // reported from the loader's problems by the engine
  },
});
