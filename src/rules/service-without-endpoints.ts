import { manualEndpointsOf, serviceView } from '../graph/services.js';
import { defineRule } from './types.js';

export default defineRule({
  meta: {
    id: 'service-without-endpoints',
    description: 'A Service without a selector for which the input has no Endpoints or EndpointSlice, so nothing in the input gives it endpoints.',
    level: 'note',
    family: 'references',
    reads: ['Service', 'Endpoints', 'EndpointSlice.discovery.k8s.io', 'workloads'],
    messages: {
      noEndpoints:
        'Service has {how} and the input has no Endpoints named {name} nor an EndpointSlice labelled kubernetes.io/service-name={name}; unless a controller outside the input manages them, the Service has no endpoints',
    },
    precision: 'medium',
  },
  check({ graph, report }) {
    for (const svc of graph.ofKind('', 'Service')) {
      const view = serviceView(graph, svc);
      if (view.type === 'ExternalName' || view.selector.kind !== 'nothing') continue;
      if (view.selector.reason === 'invalid' || manualEndpointsOf(graph, svc).length) continue;
      const how = view.selector.reason === 'empty' ? 'an empty selector (which selects nothing, unlike a NetworkPolicy selector)' : 'no selector';
      report({
        messageId: 'noEndpoints',
        data: { how, name: svc.name },
        resource: svc,
        path: view.selector.reason === 'empty' ? ['spec', 'selector'] : ['spec'],
      });
    }
  },
});
