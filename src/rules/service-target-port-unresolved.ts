import { containerPorts, namedPortOtherProtocol, serviceView } from '../graph/services.js';
import { defineRule, type RelatedLocation } from './types.js';

export default defineRule({
  meta: {
    id: 'service-target-port-unresolved',
    description: 'A Service port whose named targetPort no selected pod declares with the same name and protocol.',
    level: 'error',
    family: 'references',
    reads: ['Service', 'workloads'],
    messages: {
      none: 'targetPort "{target}" ({protocol}) is declared by none of the {count} selected pod template(s){hint}; the port has no endpoints',
      some: 'targetPort "{target}" ({protocol}) is not declared by {missing} of the {count} selected pod templates ({which}); those pods get no traffic on this port',
    },
    precision: 'high',
  },
  check({ graph, report }) {
    for (const svc of graph.ofKind('', 'Service')) {
      const view = serviceView(graph, svc);
      if (view.headless || view.pods.length === 0) continue;
      for (const port of view.ports) {
        if (typeof port.targetPort !== 'string' || port.unresolved.length === 0) continue;
        const related: RelatedLocation[] = port.unresolved.slice(0, 5).map((t) => {
          const declared = containerPorts(t);
          return {
            resource: t.owner,
            path: declared[0]?.path ?? [...t.path, 'spec', 'containers'],
            message: `${t.owner.kind} ${t.owner.name} declares ${declared.length ? declared.map((p) => p.name ? `${p.name}=${p.port}/${p.protocol}` : `${p.port}/${p.protocol}`).join(', ') : 'no container ports'}`,
          };
        });
        const path = [...port.path, port.targetPortSet ? 'targetPort' : 'port'];
        if (port.unresolved.length === view.pods.length) {
          const other = view.pods.map((t) => namedPortOtherProtocol(t, port.targetPort as string, port.protocol)).find((x) => x);
          const hint = other ? ` (container ${other.container} declares it with protocol ${other.protocol})` : '';
          report({ messageId: 'none', data: { target: port.targetPort, protocol: port.protocol, count: view.pods.length, hint }, resource: svc, path, related });
        } else {
          report({
            messageId: 'some',
            level: 'warning',
            data: {
              target: port.targetPort,
              protocol: port.protocol,
              missing: port.unresolved.length,
              count: view.pods.length,
              which: port.unresolved.slice(0, 3).map((t) => `${t.owner.kind} ${t.owner.name}`).join(', ') + (port.unresolved.length > 3 ? ', …' : ''),
            },
            resource: svc,
            path,
            related,
          });
        }
      }
    }
  },
});
