import { validateManifest } from '../load/schema.js';
import { defineRule } from './types.js';

export default defineRule({
  meta: {
    id: 'manifest-invalid',
    description: 'An object whose fields do not match the schema of its kind (wrong type, missing required field), or a document that is not an object.',
    level: 'error',
    family: 'input',
    reads: [],
    messages: {
      problem: '{detail}',
      schema: '{detail} (schema of {apiVersion} {kind})',
    },
    precision: 'high',
  },
  check({ graph, report }) {
    for (const r of graph.resources) {
      const issues = validateManifest(r.group, r.version, r.kind, r.obj);
      if (!issues) continue;
      for (const issue of issues) {
        report({ messageId: 'schema', data: { detail: issue.message, apiVersion: r.apiVersion, kind: r.kind }, resource: r, path: issue.path });
      }
    }
  },
});
