/** Registry of the mesh half of the `references` family. */
import type { Rule } from './types.js';
import authzPrincipalUnknown from './authz-principal-unknown.js';
import gatewayReferenceMissing from './gateway-reference-missing.js';
import hostShortnameWrongNamespace from './host-shortname-wrong-namespace.js';
import meshPolicySelectorMatchesNothing from './mesh-policy-selector-matches-nothing.js';
import routeDestinationMissing from './route-destination-missing.js';
import routeSubsetUndefined from './route-subset-undefined.js';
import serviceprofileServiceMissing from './serviceprofile-service-missing.js';
import subsetMatchesNothing from './subset-matches-nothing.js';

export const MESH_REFERENCE_RULES: readonly Rule[] = [
  routeDestinationMissing,
  routeSubsetUndefined,
  subsetMatchesNothing,
  meshPolicySelectorMatchesNothing,
  authzPrincipalUnknown,
  gatewayReferenceMissing,
  hostShortnameWrongNamespace,
  serviceprofileServiceMissing,
] as Rule[];
