import { describeObject } from '../graph/graph.js';
import { getIn, str, type Resource } from '../load/types.js';
import { defineRule } from './types.js';

export default defineRule({
  meta: {
    id: 'manifest-duplicate',
    description: 'Two objects with the same API group, kind, namespace and name: one silently replaces the other when applied.',
    level: 'warning',
    family: 'input',
    reads: [],
    messages: {
      duplicate: '{object} is declared again; it was first declared in {first} and applying both keeps only the last one',
    },
    precision: 'very-high',
  },
  check({ graph, report }) {
    // duplicates come from the graph's identity index, then in input order like every other rule's findings
    const again: Resource[] = [];
    for (const same of graph.duplicateIdentities()) for (let i = 1; i < same.length; i++) again.push(same[i]!);
    again.sort((a, b) => a.id - b.id);
    for (const r of again) {
      // nameless objects are reported by manifest-invalid; they do not share an identity
      if (r.name === '') continue;
      // metadata.generateName gives every created object a fresh name
      if (!str(getIn(r.obj, ['metadata', 'name']))) continue;
      const first = graph.sameIdentity(r)[0]!;
      report({
        messageId: 'duplicate',
        data: { object: describeObject(r), first: first.source.origin ?? first.source.file.path },
        resource: r,
        path: ['metadata', 'name'],
        related: [{ resource: first, path: ['metadata', 'name'], message: 'first declaration' }],
      });
    }
  },
});
