import { describeSelector } from '../graph/labels.js';
import { serviceView } from '../graph/services.js';
import { explainNoMatch } from './_explain.js';
import { defineRule } from './types.js';

export default defineRule({
  meta: {
    id: 'service-selector-matches-nothing',
    description: 'A Service whose selector selects no pod template in its namespace, so it has no endpoints.',
    level: 'warning',
    family: 'references',
    reads: ['Service', 'workloads'],
    messages: {
      noPods: 'Service selector {selector} selects no pods: {why}; connections to the Service will be refused',
    },
    sources: [
      { tool: 'kube-linter', id: 'dangling-service' },
      { tool: 'kube-score', id: 'service-targets-pod' },
    ],
    precision: 'high',
  },
  check({ graph, report }) {
    for (const svc of graph.ofKind('', 'Service')) {
      const view = serviceView(graph, svc);
      if (view.type === 'ExternalName' || view.selector.kind !== 'requirements' || view.pods.length) continue;
      const ns = svc.namespace ?? graph.defaultNamespace;
      const why = explainNoMatch(graph, ns, view.selector);
      if (why.operatorManaged) continue;
      report({
        messageId: 'noPods',
        data: { selector: describeSelector(view.selector), why: why.why },
        resource: svc,
        path: ['spec', 'selector', ...(why.failedPath ?? [])],
        level: why.level,
        related: why.related,
      });
    }
  },
});
