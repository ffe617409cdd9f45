import { nodePortClaims, serviceExposure, type NodePortClaim } from '../graph/exposure.js';
import { listOf, objectLabel } from './_exposure.js';
import { defineRule } from './types.js';

interface Options {
  readonly nodePortRange: string;
  readonly reportDynamicBand: boolean;
}

/** `--service-node-port-range` default [K-DOC-SVC "type: NodePort"; K-KEP3668]. */
const DEFAULT_RANGE = '30000-32767';

type Messages = 'outOfRange' | 'duplicate' | 'duplicateInService' | 'notAllowed' | 'dynamicBand';

export default defineRule<Messages, Options>({
  meta: {
    id: 'nodeport-conflict',
    description: 'An explicit nodePort that the API server rejects: outside the node port range, already claimed by another Service, repeated in one Service, or set on a Service type that takes none.',
    level: 'error',
    family: 'exposure',
    reads: ['Service', 'workloads'],
    messages: {
      outOfRange: '{field} {port} is outside the node port range {range} ({rangeSource}), so the API server rejects {service}',
      duplicate: '{field} {port} is also claimed by {others}: node ports are one pool for the whole cluster, so whichever Service is applied second is rejected',
      duplicateInService: 'node port {port}/{protocol} is used twice in {service}; the API server rejects the Service',
      notAllowed: '{service} {why}, so the API server rejects {field} {port}',
      dynamicBand:
        'node port {port} is a fixed choice in the band Kubernetes fills first with automatically allocated node ports ({dynamic}), so another Service may take it before this one is applied; fixed node ports are safest in {static}',
    },
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          nodePortRange: { type: 'string', pattern: '^[0-9]{1,5}-[0-9]{1,5}$', description: 'The API server\'s --service-node-port-range.' },
          reportDynamicBand: { type: 'boolean' },
        },
      },
      defaults: { nodePortRange: DEFAULT_RANGE, reportDynamicBand: true },
    },
    precision: 'very-high',
  },
  check({ graph, options, report }) {
    const [lo, hi] = options.nodePortRange.split('-').map(Number) as [number, number];
    const range = `${lo}-${hi}`;
    const rangeSource = options.nodePortRange === DEFAULT_RANGE ? 'the Kubernetes default; set the nodePortRange option if your API server uses another --service-node-port-range' : 'from the nodePortRange option';
    const offset = staticBandSize(hi - lo + 1);

    for (const [port, claims] of nodePortClaims(graph)) {
      for (const c of claims) {
        const service = objectLabel(c.service);
        if (!c.typeAllows || (c.field === 'healthCheckNodePort' && serviceExposure(graph, c.service).externalTrafficPolicy !== 'Local')) {
          const why =
            c.field === 'healthCheckNodePort'
              ? 'sets healthCheckNodePort, which only a LoadBalancer Service with externalTrafficPolicy: Local may have'
              : `is type ${c.type}, which takes no node ports`;
          report({ messageId: 'notAllowed', data: { service, why, field: c.field, port }, resource: c.service, path: c.path });
          continue;
        }
        if (port < lo || port > hi) {
          report({ messageId: 'outOfRange', data: { field: c.field, port, range, rangeSource, service }, resource: c.service, path: c.path });
          continue;
        }
        const same = claims.filter((o) => o !== c && o.service === c.service);
        if (same.some((o) => o.protocol === c.protocol && claims.indexOf(o) < claims.indexOf(c))) {
          report({ messageId: 'duplicateInService', data: { port, protocol: c.protocol, service }, resource: c.service, path: c.path });
          continue;
        }
        const others = claims.filter((o) => o.service !== c.service && o.typeAllows && !sameIdentity(o, c));
        if (others.length) {
          report({
            messageId: 'duplicate',
            data: { field: c.field, port, others: listOf([...new Set(others.map((o) => objectLabel(o.service)))]) },
            resource: c.service,
            path: c.path,
            related: others.map((o) => ({ resource: o.service, path: o.path, message: `${objectLabel(o.service)} claims ${port} here` })),
          });
          continue;
        }
        if (options.reportDynamicBand && c.field === 'nodePort' && offset > 0 && port >= lo + offset) {
          report({
            messageId: 'dynamicBand',
            data: { port, dynamic: `${lo + offset}-${hi}`, static: `${lo}-${lo + offset - 1}` },
            resource: c.service,
            path: c.path,
            level: 'note',
          });
        }
      }
    }
  },
});

/**
 * Size of the lower ("static") band of the node port range: `min(max(16, size/32), 128)`, and none for ranges
 * of 16 ports or fewer (KEP-3668; Kubernetes blog "Avoid Collisions Assigning Ports to NodePort Services", whose
 * worked example gives 30000-30085 for the default range). Automatic allocation takes the upper band first.
 */
export function staticBandSize(size: number): number {
  if (size <= 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / 32)), 128);
}

/** The same object written twice (an overlay and its base): a manifest-duplicate, not a node port conflict. */
function sameIdentity(a: NodePortClaim, b: NodePortClaim): boolean {
  return a.service.kind === b.service.kind && a.service.namespace === b.service.namespace && a.service.name === b.service.name;
}
