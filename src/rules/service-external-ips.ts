import { isIP } from 'node:net';
import { exposedServices } from '../graph/exposure.js';
import { dataPlaneOf } from '../graph/mesh/injection.js';
import { listOf, MESH_MODEL_READS, objectLabel, uniqueReads } from './_exposure.js';
import { defineRule } from './types.js';

interface Options {
  readonly allowedExternalIPs: readonly string[];
}

export default defineRule<'externalIPs', Options>({
  meta: {
    id: 'service-external-ips',
    description: 'A Service with externalIPs, which Kubernetes neither validates nor owns: a way to intercept traffic to any address (CVE-2020-8554).',
    level: 'warning',
    family: 'exposure',
    reads: uniqueReads(['Service', 'workloads', 'Namespace'], MESH_MODEL_READS),
    messages: {
      externalIPs:
        '{service} claims externalIPs {ips}: every node hands traffic for those addresses and port {ports} to this Service, and Kubernetes does not check who owns them, so whoever may create Services can capture traffic meant for any address this way (CVE-2020-8554){mesh}',
    },
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          allowedExternalIPs: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Addresses or IPv4 CIDR blocks the cluster administrator hands out on purpose.' },
        },
      },
      defaults: { allowedExternalIPs: [] },
    },
    precision: 'high',
    securitySeverity: 6.3,
  },
  check({ graph, options, report }) {
    for (const e of exposedServices(graph)) {
      if (!e.externalIPs.length) continue;
      const unexpected = e.externalIPs.filter((ip) => !options.allowedExternalIPs.some((a) => addressIn(ip, a)));
      if (!unexpected.length) continue;
      const index = e.externalIPs.indexOf(unexpected[0]!);
      const meshed = e.view.pods.some((t) => dataPlaneOf(graph, t).mode !== 'none');
      report({
        messageId: 'externalIPs',
        data: {
          service: objectLabel(e.service),
          ips: listOf(unexpected),
          ports: listOf(e.view.ports.map((p) => String(p.port ?? '?'))),
          mesh: meshed ? '; the traffic also reaches the meshed pods directly, around the ingress gateway' : '',
        },
        resource: e.service,
        path: ['spec', 'externalIPs', index],
      });
    }
  },
});

/** `ip` equals `allowed`, or lies in it when `allowed` is an IPv4 CIDR block. */
export function addressIn(ip: string, allowed: string): boolean {
  if (ip === allowed) return true;
  const slash = allowed.indexOf('/');
  if (slash < 0 || isIP(ip) !== 4) return false;
  const base = allowed.slice(0, slash);
  const bits = Number(allowed.slice(slash + 1));
  if (isIP(base) !== 4 || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((ipv4(ip) & mask) >>> 0) === ((ipv4(base) & mask) >>> 0);
}

function ipv4(s: string): number {
  return s.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
}
