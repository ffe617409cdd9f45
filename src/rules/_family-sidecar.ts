/** Registry of the `sidecar` family. */
import type { Rule } from './types.js';
import ambientL7WithoutWaypoint from './ambient-l7-without-waypoint.js';
import portProtocolUndeclared from './port-protocol-undeclared.js';
import sidecarBlocksJobCompletion from './sidecar-blocks-job-completion.js';
import sidecarInitContainerNetwork from './sidecar-init-container-network.js';
import sidecarInjectionConflict from './sidecar-injection-conflict.js';
import sidecarNotInjected from './sidecar-not-injected.js';
import sidecarEgressMissingHost from './sidecar-egress-missing-host.js';
import sidecarReservedConflict from './sidecar-reserved-conflict.js';

export const SIDECAR_RULES: readonly Rule[] = [
  sidecarNotInjected,
  sidecarInjectionConflict,
  sidecarBlocksJobCompletion,
  sidecarInitContainerNetwork,
  sidecarReservedConflict,
  portProtocolUndeclared,
  ambientL7WithoutWaypoint,
  sidecarEgressMissingHost,
] as Rule[];
