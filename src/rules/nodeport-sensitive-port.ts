import { exposedServices, hostEntries } from '../graph/exposure.js';
import { containerPorts } from '../graph/services.js';
import {
  categoryRisk,
  DEFAULT_SENSITIVE_PORTS,
  hostEntryLabel,
  reachedVia,
  SENSITIVE_PORT_OPTION_PROPERTIES,
  serviceLabel,
  workloadLabel,
  type SensitivePort,
} from './_exposure.js';
import { defineRule, type RelatedLocation } from './types.js';

interface Options {
  readonly sensitivePorts: readonly SensitivePort[];
  readonly additionalPorts: readonly SensitivePort[];
  readonly allowedPorts: readonly number[];
}

export default defineRule<'service' | 'hostPort' | 'hostNetwork', Options>({
  meta: {
    id: 'nodeport-sensitive-port',
    description: 'A NodePort, LoadBalancer, externalIPs Service or a host port that exposes a sensitive port (database, cache, broker, remote shell, mesh or Kubernetes admin) outside the cluster.',
    level: 'error',
    family: 'exposure',
    reads: ['Service', 'workloads'],
    messages: {
      service: '{service} makes {name} reachable from outside the cluster through {via} ({where}): {risk}',
      hostPort: '{entry} publishes {name} on port {port} of the node it runs on: {risk}',
      hostNetwork: '{entry} shares the node network and declares {name}, so it listens on port {port} of every address of its node: {risk}',
    },
    options: {
      schema: { type: 'object', additionalProperties: false, properties: SENSITIVE_PORT_OPTION_PROPERTIES },
      defaults: { sensitivePorts: DEFAULT_SENSITIVE_PORTS, additionalPorts: [], allowedPorts: [] },
    },
    sources: [{ tool: 'kube-linter', id: 'ssh-port' }],
    precision: 'high',
    securitySeverity: 8.0,
  },
  check({ graph, options, report }) {
    const table = new Map<number, SensitivePort>();
    for (const p of [...options.sensitivePorts, ...options.additionalPorts]) table.set(p.port, p);
    for (const p of options.allowedPorts) table.delete(p);

    for (const e of exposedServices(graph)) {
      for (const p of e.view.ports) {
        const servicePort = p.port !== undefined ? table.get(p.port) : undefined;
        // The port the pods listen on says which software answers; the Service port is what clients dial.
        // Without pods in the input, a numeric targetPort still names the port.
        const targetHit = p.endpoints.find((ep) => table.has(ep.port));
        const numericTarget = !p.endpoints.length && typeof p.targetPort === 'number' ? table.get(p.targetPort) : undefined;
        const hit = (targetHit ? table.get(targetHit.port) : numericTarget) ?? servicePort;
        if (!hit) continue;
        const byTarget = targetHit !== undefined || numericTarget !== undefined;
        const targetNumber = targetHit?.port ?? (typeof p.targetPort === 'number' ? p.targetPort : undefined);
        let where = `Service port ${p.port ?? '?'}`;
        if (byTarget && targetNumber !== p.port) where += `, container port ${targetNumber}${targetHit ? ` of ${workloadLabel(targetHit.template)}` : ''}`;
        else if (targetHit) where += ` on ${workloadLabel(targetHit.template)}`;
        const related: RelatedLocation[] = [];
        if (targetHit) {
          const declared = targetHit.declaredAt ?? containerPorts(targetHit.template).find((cp) => cp.port === targetHit.port)?.path;
          if (declared) related.push({ resource: targetHit.template.owner, path: declared, message: `${workloadLabel(targetHit.template)} listens on ${targetHit.port} here` });
        }
        report({
          messageId: 'service',
          data: { service: serviceLabel(e), name: hit.name, via: reachedVia(e, p), where, risk: categoryRisk(hit.category) },
          resource: e.service,
          path: byTarget && p.targetPortSet ? [...p.path, 'targetPort'] : [...p.path, 'port'],
          related,
        });
      }
    }

    for (const h of hostEntries(graph)) {
      const hit = table.get(h.hostPort) ?? table.get(h.port.port);
      if (!hit) continue;
      const viaHostPort = h.port.hostPort !== undefined;
      report({
        messageId: viaHostPort ? 'hostPort' : 'hostNetwork',
        data: { entry: viaHostPort ? hostEntryLabel(h) : workloadLabel(h.template), name: hit.name, port: h.hostPort, risk: categoryRisk(hit.category) },
        resource: h.template.owner,
        path: h.path,
        // Control-plane components (etcd, kubelet helpers) run this way in kube-system by design.
        level: !viaHostPort && h.template.namespace === 'kube-system' ? 'note' : undefined,
      });
    }
  },
});
