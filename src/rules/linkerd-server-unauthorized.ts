/**
 * Linkerd `Server`s that deny traffic their authors probably meant to let in (semantics.md §3.3, §8 C29):
 *
 * - once a Server covers a port, traffic to it is refused unless an authorization admits it; `accessPolicy`
 *   defaults to `deny` [L-DOC-AUTHZ "Server"]. Authorizations are AuthorizationPolicies targeting the Server, its
 *   namespace or one of its routes, and ServerAuthorizations naming or selecting it.
 * - kubelet probes are authorized by default only while no HTTPRoute is attached to the Server; after that they
 *   must be authorized like any other unauthenticated request [L-DOC-POLICY "Default authorizations"].
 */
import type { PodTemplate } from '../graph/graph.js';
import { linkerdAuthorizationsFor } from '../graph/mesh/mtls.js';
import { workloadsSelectedBy } from '../graph/mesh/targets.js';
import { containerPorts } from '../graph/services.js';
import { getIn, isObject, str, type Path } from '../load/types.js';
import { LINKERD_ROUTE_READS, linkerdRouteAuthorizations, listNames, MODEL_READS, objectName, workloadName } from './_mtls.js';
import { defineRule } from './types.js';

/** The number a port reference (number or container port name) resolves to in a template. */
function portNumber(t: PodTemplate, ref: unknown): number | undefined {
  if (typeof ref === 'number') return ref;
  if (typeof ref !== 'string') return undefined;
  if (/^\d+$/.test(ref)) return Number(ref);
  return containerPorts(t).find((c) => c.name === ref)?.port;
}

/** HTTP probes of a template's containers that target `port`. */
function probesOn(t: PodTemplate, port: number): string[] {
  const out: string[] = [];
  const containers = t.spec.containers;
  if (!Array.isArray(containers)) return out;
  for (const c of containers) {
    if (!isObject(c)) continue;
    for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      const httpGet = getIn(c, [kind, 'httpGet']);
      if (isObject(httpGet) && portNumber(t, httpGet.port) === port) out.push(`container ${str(c.name) ?? '?'} ${kind}`);
    }
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'linkerd-server-unauthorized',
    description: 'A Linkerd Server that no authorization admits traffic to, so every request to its port is refused (or, once routes are attached, kubelet probes are refused).',
    level: 'error',
    family: 'mtls',
    reads: [...new Set<string>([...MODEL_READS, ...LINKERD_ROUTE_READS, 'Server.policy.linkerd.io', 'ServerAuthorization.policy.linkerd.io'])],
    messages: {
      denyAll: '{server} covers port {port} of {workloads} with access policy {policy}, and no AuthorizationPolicy or ServerAuthorization admits any client: every request to that port is refused (HTTP 403 or a closed connection)',
      probesDenied: '{server} has {routes} attached, so kubelet probes ({probes}) are no longer authorized by default, and no authorization admits unauthenticated clients: the probes fail and the pods are restarted or never become ready',
    },
    precision: 'high',
  },
  check({ graph, report }) {
    for (const server of graph.ofKind('policy.linkerd.io', 'Server')) {
      const spec = isObject(server.obj.spec) ? server.obj.spec : {};
      const sel = workloadsSelectedBy(graph, server);
      // A Server that selects nothing denies nothing; mesh-policy-selector-matches-nothing reports it.
      if (sel && sel.templates.length === 0) continue;
      const templates = sel?.templates ?? [];
      const authz = linkerdAuthorizationsFor(graph, server);
      const routes = linkerdRouteAuthorizations(graph, server);
      const policy = str(spec.accessPolicy) ?? 'deny';
      const portRef = spec.port;
      if (authz.length === 0 && routes.authorizations.length === 0) {
        if (policy !== 'deny') continue;
        const path: Path = spec.accessPolicy !== undefined ? ['spec', 'accessPolicy'] : ['spec', 'port'];
        report({
          messageId: 'denyAll',
          data: { server: objectName(server), port: String(portRef ?? '?'), workloads: templates.length ? listNames(templates.map(workloadName)) : 'the selected pods', policy: spec.accessPolicy !== undefined ? policy : 'deny (the default)' },
          resource: server,
          path,
        });
        continue;
      }
      if (!routes.routes.length) continue;
      const admitsPlaintext = authz.some((a) => !a.requiresIdentity) || routes.authorizations.some((a) => !a.requiresIdentity) || policy !== 'deny';
      if (admitsPlaintext) continue;
      const probes = templates.flatMap((t) => {
        const n = portNumber(t, portRef);
        return n === undefined ? [] : probesOn(t, n).map((p) => `${workloadName(t)} ${p}`);
      });
      if (!probes.length) continue;
      report({
        messageId: 'probesDenied',
        data: { server: objectName(server), routes: listNames(routes.routes.map(objectName)), probes: listNames(probes) },
        resource: server,
        path: ['spec', 'port'],
        related: routes.routes.map((r) => ({ resource: r, path: ['spec', 'parentRefs'], message: `${objectName(r)} is attached to the Server` })),
        level: 'warning',
      });
    }
  },
});
