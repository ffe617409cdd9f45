/** Registry of the core Kubernetes half of the `references` family. */
import type { Rule } from './types.js';
import hpaTargetMissing from './hpa-target-missing.js';
import ingressBackendMissing from './ingress-backend-missing.js';
import networkpolicySelectorMatchesNothing from './networkpolicy-selector-matches-nothing.js';
import pdbSelectorMatchesNothing from './pdb-selector-matches-nothing.js';
import serviceSelectorMatchesNothing from './service-selector-matches-nothing.js';
import serviceTargetPortUnresolved from './service-target-port-unresolved.js';
import serviceWithoutEndpoints from './service-without-endpoints.js';
import workloadSelectorMismatch from './workload-selector-mismatch.js';

export const REFERENCE_RULES: readonly Rule[] = [
  serviceSelectorMatchesNothing,
  serviceWithoutEndpoints,
  serviceTargetPortUnresolved,
  workloadSelectorMismatch,
  networkpolicySelectorMatchesNothing,
  pdbSelectorMatchesNothing,
  ingressBackendMissing,
  hpaTargetMissing,
] as Rule[];
