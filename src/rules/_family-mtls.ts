/** Registry of the `mtls` family (ingress-without-tls is registered by the exposure family's owner). */
import type { Rule } from './types.js';
import authzRequiresMtls from './authz-requires-mtls.js';
import consulMtlsPermissive from './consul-mtls-permissive.js';
import destinationruleTlsOverride from './destinationrule-tls-override.js';
import kumaMtlsDisabled from './kuma-mtls-disabled.js';
import linkerdInboundOpen from './linkerd-inbound-open.js';
import linkerdServerUnauthorized from './linkerd-server-unauthorized.js';
import mtlsNotStrict from './mtls-not-strict.js';
import mtlsPortExcluded from './mtls-port-excluded.js';
import mtlsUnmeshedPeer from './mtls-unmeshed-peer.js';
import peerauthenticationConflict from './peerauthentication-conflict.js';

export const MTLS_RULES: readonly Rule[] = [
  mtlsNotStrict,
  peerauthenticationConflict,
  destinationruleTlsOverride,
  mtlsUnmeshedPeer,
  mtlsPortExcluded,
  authzRequiresMtls,
  linkerdInboundOpen,
  linkerdServerUnauthorized,
  consulMtlsPermissive,
  kumaMtlsDisabled,
] as Rule[];
