import { HOST_READS, clusterDomainOf, expandHost } from '../graph/mesh/hosts.js';
import { serviceHint } from './_mesh-refs.js';
import { defineRule } from './types.js';

export default defineRule({
  meta: {
    id: 'serviceprofile-service-missing',
    description: 'A Linkerd ServiceProfile whose name is not the cluster name of a Service in the input, so no proxy ever uses it.',
    level: 'warning',
    family: 'references',
    reads: [...HOST_READS, 'ServiceProfile.linkerd.io'],
    messages: {
      noService: 'ServiceProfile {name} names Service {service} in namespace {namespace}, which does not exist{hint}; Linkerd looks profiles up by the Service\'s name, so this one applies to nothing',
      wrongDomain: 'ServiceProfile {name} ends in .svc.{domain} but the cluster domain is {clusterDomain}{assumed}; Linkerd looks profiles up by <service>.<namespace>.svc.{clusterDomain}, so this one applies to nothing',
      shortName: 'ServiceProfile {name} is not a fully qualified Service name; Linkerd looks profiles up by <service>.<namespace>.svc.{clusterDomain}, so this one applies to nothing{hint}',
    },
    precision: 'high',
  },
  check({ graph, report }) {
    const domain = clusterDomainOf(graph);
    for (const sp of graph.ofKind('linkerd.io', 'ServiceProfile')) {
      const ns = sp.namespace ?? graph.defaultNamespace;
      const e = expandHost(graph, sp.name, ns);
      const path = ['metadata', 'name'];
      if (e.form === 'cluster' && e.designates) {
        const { name, namespace } = e.designates;
        if (graph.find('', 'Service', namespace, name)) continue;
        const partial = graph.inNamespace(namespace, '', 'Service').length === 0;
        report({ messageId: 'noService', data: { name: sp.name, service: name, namespace, hint: serviceHint(graph, namespace, name) }, resource: sp, path, level: partial ? 'note' : undefined });
      } else if (e.form === 'short' || e.form === 'partial') {
        const hint = e.designates && graph.find('', 'Service', e.designates.namespace, e.designates.name) ? `; write ${e.designates.name}.${e.designates.namespace}.svc.${domain.value}` : '';
        report({ messageId: 'shortName', data: { name: sp.name, clusterDomain: domain.value, hint }, resource: sp, path });
      } else if (e.form === 'external') {
        // `<svc>.<ns>.svc.<other domain>`: written for another cluster domain. Other external names may be
        // profiles for hosts outside the cluster, which Linkerd also accepts.
        const m = /^[a-z0-9-]+\.[a-z0-9-]+\.svc\.(.+)$/.exec(sp.name);
        if (!m) continue;
        report({
          messageId: 'wrongDomain',
          data: { name: sp.name, domain: m[1]!, clusterDomain: domain.value, assumed: domain.assumed ? ' (assumed: set cluster facts clusterDomain if yours differs)' : '' },
          resource: sp,
          path,
          level: domain.assumed ? 'note' : undefined,
        });
      }
    }
  },
});
