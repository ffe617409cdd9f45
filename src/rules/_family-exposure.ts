/** Registry of the `exposure` family (and ingress-without-tls, whose family is `mtls` in the catalogue). */
import ingressWithoutTls from './ingress-without-tls.js';
import nodeportBypassesMesh from './nodeport-bypasses-mesh.js';
import nodeportConflict from './nodeport-conflict.js';
import nodeportSensitivePort from './nodeport-sensitive-port.js';
import nodeportUnrestricted from './nodeport-unrestricted.js';
import serviceExternalIps from './service-external-ips.js';
import sourceIpLost from './source-ip-lost.js';
import type { Rule } from './types.js';

export const EXPOSURE_RULES: readonly Rule[] = [
  nodeportSensitivePort,
  nodeportBypassesMesh,
  nodeportUnrestricted,
  nodeportConflict,
  serviceExternalIps,
  sourceIpLost,
  ingressWithoutTls,
] as Rule[];
