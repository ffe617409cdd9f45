import { describeSelector, labelSelector } from '../graph/labels.js';
import { getIn } from '../load/types.js';
import { explainNoMatch } from './_explain.js';
import { defineRule } from './types.js';

export default defineRule({
  meta: {
    id: 'pdb-selector-matches-nothing',
    description: 'A PodDisruptionBudget whose selector selects no pods, so it protects nothing.',
    level: 'warning',
    family: 'references',
    reads: ['PodDisruptionBudget.policy', 'workloads'],
    messages: {
      noSelector: 'PodDisruptionBudget has no selector; in policy/v1 a null selector matches no pods, so it protects nothing',
      emptyBeta: 'selector is {how}; in policy/v1beta1 an empty or null selector selects no pods (policy/v1 reads {} as every pod), so this budget protects nothing',
      noPods: 'selector {selector} selects no pods, so this budget protects nothing: {why}',
    },
    precision: 'high',
  },
  check({ graph, report }) {
    for (const pdb of graph.ofKind('policy', 'PodDisruptionBudget')) {
      const ns = pdb.namespace ?? graph.defaultNamespace;
      const raw = getIn(pdb.obj, ['spec', 'selector']);
      const sel = labelSelector(raw, 'nothing');
      if (pdb.version === 'v1beta1' && (sel.kind === 'everything' || (sel.kind === 'nothing' && sel.reason !== 'invalid'))) {
        // policy/v1beta1 PodDisruptionBudgetSpec.selector: "An empty selector ({}) also selects no pods"
        const how = sel.kind === 'everything' ? 'empty' : sel.reason === 'null' ? 'null' : 'absent';
        report({ messageId: 'emptyBeta', data: { how }, resource: pdb, path: sel.kind === 'everything' ? ['spec', 'selector'] : ['spec'] });
        continue;
      }
      if (sel.kind === 'nothing') {
        if (sel.reason !== 'invalid' && pdb.version === 'v1') report({ messageId: 'noSelector', resource: pdb, path: ['spec'] });
        continue;
      }
      if (sel.kind !== 'requirements' || graph.select(ns, sel).length) continue;
      const why = explainNoMatch(graph, ns, sel);
      if (why.operatorManaged) continue;
      report({
        messageId: 'noPods',
        data: { selector: describeSelector(sel), why: why.why },
        resource: pdb,
        path: ['spec', 'selector', ...(why.failedPath ?? [])],
        level: why.level,
        related: why.related,
      });
    }
  },
});
