/**
 * Consul ServiceDefaults/ProxyDefaults with `mutualTLSMode: permissive` (semantics.md §4, §8 C30). In permissive
 * mode connections to the service port skip mTLS and "Intentions are not enforced for non-mTLS connections"
 * [C-SD-TYPES MutualTLSMode]; the mode only matters with transparent proxy, and Consul refuses to switch an entry
 * to permissive unless the Mesh entry sets `allowEnablingPermissiveMutualTLS` [C-MESH-TYPES; hashicorp/consul
 * agent/consul/state/config_entry.go `checkMutualTLSMode`].
 */
import type { PodTemplate } from '../graph/graph.js';
import { clusterFacts } from '../graph/mesh/facts.js';
import { dataPlaneOf } from '../graph/mesh/injection.js';
import { CONSUL_TRANSPARENT_PROXY } from '../graph/mesh/markers.js';
import { consulServices } from '../graph/mesh/targets.js';
import { getIn, str } from '../load/types.js';
import { listNames, MODEL_READS, objectName, workloadName } from './_mtls.js';
import { defineRule } from './types.js';

export default defineRule({
  meta: {
    id: 'consul-mtls-permissive',
    description: 'A Consul ServiceDefaults or ProxyDefaults entry with mutualTLSMode permissive (plaintext accepted, intentions not enforced for it), or permissive without the Mesh opt-in (rejected).',
    level: 'warning',
    family: 'mtls',
    reads: [...new Set<string>([...MODEL_READS, 'ServiceDefaults.consul.hashicorp.com', 'ProxyDefaults.consul.hashicorp.com', 'Mesh.consul.hashicorp.com'])],
    messages: {
      permissive: '{entry} sets mutualTLSMode permissive{scope}: connections to the service port are accepted without mTLS and intentions are not enforced for them{allowed}',
      rejected: '{entry} sets mutualTLSMode permissive, but {why}; Consul refuses to switch an entry to permissive without that opt-in, so this entry does not sync (an entry that is already permissive would stay so)',
      noEffect: '{entry} sets mutualTLSMode permissive, but transparent proxy is off for {workloads} ({why}); the mode only applies with transparent proxy, so it has no effect there',
    },
    precision: 'high',
    securitySeverity: 6.0,
  },
  check({ graph, report }) {
    const facts = clusterFacts(graph);
    const meshes = graph.ofKind('consul.hashicorp.com', 'Mesh');
    const mesh = meshes.find((m) => m.name === 'mesh') ?? meshes[0];
    const allowed = mesh ? getIn(mesh.obj, ['spec', 'allowEnablingPermissiveMutualTLS']) === true : facts.consul.allowEnablingPermissiveMutualTLS;
    const entries = [...graph.ofKind('consul.hashicorp.com', 'ServiceDefaults'), ...graph.ofKind('consul.hashicorp.com', 'ProxyDefaults')];
    for (const entry of entries) {
      if (str(getIn(entry.obj, ['spec', 'mutualTLSMode'])) !== 'permissive') continue;
      const path = ['spec', 'mutualTLSMode'];
      if (allowed === false) {
        const why = mesh
          ? `${objectName(mesh)} does not set allowEnablingPermissiveMutualTLS: true`
          : 'cluster.consul.allowEnablingPermissiveMutualTLS is false';
        report({ messageId: 'rejected', data: { entry: objectName(entry), why }, resource: entry, path, related: mesh ? [{ resource: mesh, path: ['spec'], message: `${objectName(mesh)} lacks the opt-in` }] : [] });
        continue;
      }
      const templates: readonly PodTemplate[] =
        entry.kind === 'ProxyDefaults' ? graph.templates().filter((t) => dataPlaneOf(graph, t).mesh === 'consul') : (consulServices(graph).get(entry.name)?.templates ?? []);
      const noTproxy = templates.filter((t) => !transparentProxy(t, facts.consul.transparentProxyDefault));
      if (templates.length && noTproxy.length === templates.length) {
        const annotated = noTproxy.some((t) => t.annotations[CONSUL_TRANSPARENT_PROXY] !== undefined);
        report({
          messageId: 'noEffect',
          data: { entry: objectName(entry), workloads: listNames(noTproxy.map(workloadName)), why: annotated ? `pod annotation ${CONSUL_TRANSPARENT_PROXY}=false` : 'cluster.consul.transparentProxyDefault is false' },
          resource: entry,
          path,
          level: 'note',
        });
        continue;
      }
      const scope = entry.kind === 'ProxyDefaults' ? ' for every service in the mesh' : templates.length ? ` for service ${entry.name} (${listNames(templates.map(workloadName))})` : ` for service ${entry.name}`;
      const allowedText = mesh
        ? ` (allowed by ${objectName(mesh)})`
        : allowed === true
          ? ' (allowed per cluster.consul.allowEnablingPermissiveMutualTLS)'
          : '; the Mesh entry is not in the input, so it is assumed to allow permissive mode (declare cluster.consul.allowEnablingPermissiveMutualTLS to settle it)';
      report({ messageId: 'permissive', data: { entry: objectName(entry), scope, allowed: allowedText }, resource: entry, path, related: mesh ? [{ resource: mesh, path: ['spec', 'allowEnablingPermissiveMutualTLS'], message: 'the opt-in that allows it' }] : [] });
    }
  },
});

/** Transparent proxy for a pod: its annotation, else the Helm default [C-VALUES transparentProxy.defaultEnabled]. */
function transparentProxy(t: PodTemplate, byDefault: boolean): boolean {
  const a = t.annotations[CONSUL_TRANSPARENT_PROXY];
  if (a === undefined) return byDefault;
  return !['false', '0', 'f', 'F', 'FALSE', 'False'].includes(a);
}
