/**
 * Kuma meshes without mTLS, or with mTLS that accepts plaintext (semantics.md §5, §8 C31). Up to Kuma 2.x, mTLS is
 * off until `Mesh.spec.mtls.enabledBackend` names a backend, and MeshTrafficPermission does nothing without it
 * [KU-DOC-MTLS; KU-DOC-MTP]; a backend or a MeshTLS policy in PERMISSIVE mode accepts plaintext [KU-DOC-MESHTLS].
 * From Kuma 3.0 (`cluster.kuma.version`), `Mesh.mtls` is gone and identities come from MeshIdentity [KU-MTLS-RM].
 */
import type { PodTemplate } from '../graph/graph.js';
import { atLeast, clusterFacts } from '../graph/mesh/facts.js';
import { dataPlaneOf, templatesOfMesh } from '../graph/mesh/injection.js';
import { KUMA_MESH } from '../graph/mesh/markers.js';
import { kumaMeshOf } from '../graph/mesh/mtls.js';
import { getIn, isObject, str, type Path, type Resource } from '../load/types.js';
import { listNames, MODEL_READS, objectName, workloadName, workloadPath } from './_mtls.js';
import { defineRule } from './types.js';

export default defineRule({
  meta: {
    id: 'kuma-mtls-disabled',
    description: 'A Kuma Mesh without mTLS enabled (traffic permissions do nothing) or with a permissive mTLS backend or MeshTLS policy.',
    level: 'warning',
    family: 'mtls',
    reads: [...new Set<string>([...MODEL_READS, 'Mesh.kuma.io', 'MeshTLS.kuma.io', 'MeshTrafficPermission.kuma.io', 'MeshIdentity.kuma.io'])],
    messages: {
      disabled: 'Mesh {mesh} enables no mTLS backend (spec.mtls.enabledBackend is not set), so mTLS is off for the whole mesh: traffic between its workloads{members} is plaintext and unauthenticated{permissions}',
      unknownBackend: 'Mesh {mesh} enables mTLS backend {backend}, which spec.mtls.backends does not define (it has {backends})',
      permissive: 'Mesh {mesh} enables mTLS backend {backend} in PERMISSIVE mode: its workloads{members} also accept plaintext, from which no identity can be checked',
      meshTlsPermissive: '{policy} sets mode Permissive: the workloads it targets also accept plaintext, from which no identity can be checked',
      mtlsRemoved: 'Mesh {mesh} configures spec.mtls, which Kuma {version} no longer reads (mTLS comes from MeshIdentity); the block is ignored',
      noIdentity: 'Mesh {mesh} has no MeshIdentity, and Kuma {version} takes mTLS identities only from MeshIdentity: mTLS is off for its workloads{members}',
      outsideInput: '{workload} joins Kuma mesh {mesh}, which is not in the input: {reason}',
    },
    precision: 'high',
    securitySeverity: 6.5,
  },
  check({ graph, report }) {
    const facts = clusterFacts(graph);
    const v3 = atLeast(facts.kuma.version, 3, 0) === true;
    const meshOfPolicy = (r: Resource) => {
      const labels = isObject(r.obj.metadata) && isObject(r.obj.metadata.labels) ? r.obj.metadata.labels : {};
      return str(labels[KUMA_MESH]) ?? str(getIn(r.obj, ['spec', 'mesh'])) ?? facts.kuma.defaultMesh;
    };
    const members = new Map<string, PodTemplate[]>();
    for (const t of templatesOfMesh(graph, 'kuma')) {
      const dp = dataPlaneOf(graph, t);
      if (dp.mesh !== 'kuma' || dp.mode === 'none') continue;
      const name = kumaMeshOf(graph, t).name;
      const l = members.get(name);
      if (l) l.push(t);
      else members.set(name, [t]);
    }
    const memberText = (name: string) => {
      const l = members.get(name);
      return l?.length ? ` (${listNames(l.map(workloadName))})` : '';
    };
    const inInput = new Set<string>();

    for (const mesh of graph.ofKind('kuma.io', 'Mesh')) {
      inInput.add(mesh.name);
      const mtls = getIn(mesh.obj, ['spec', 'mtls']);
      if (v3) {
        const version = facts.kuma.version!.raw;
        if (isObject(mtls)) report({ messageId: 'mtlsRemoved', data: { mesh: mesh.name, version }, resource: mesh, path: ['spec', 'mtls'], level: 'note' });
        if (!graph.ofKind('kuma.io', 'MeshIdentity').some((id) => meshOfPolicy(id) === mesh.name)) {
          report({ messageId: 'noIdentity', data: { mesh: mesh.name, version, members: memberText(mesh.name) }, resource: mesh, path: ['metadata', 'name'] });
        }
        continue;
      }
      const enabled = isObject(mtls) ? str(mtls.enabledBackend) : undefined;
      if (!enabled) {
        const mtps = graph.ofKind('kuma.io', 'MeshTrafficPermission').filter((p) => meshOfPolicy(p) === mesh.name);
        const permissions = mtps.length ? `; these traffic permissions have no effect without mTLS: ${listNames(mtps.map(objectName))}` : '';
        report({
          messageId: 'disabled',
          data: { mesh: mesh.name, members: memberText(mesh.name), permissions },
          resource: mesh,
          path: ['spec', 'mtls', 'enabledBackend'],
          related: mtps.slice(0, 5).map((p) => ({ resource: p, path: ['spec'], message: `${objectName(p)} is inert without mTLS` })),
        });
        continue;
      }
      const backends = isObject(mtls) && Array.isArray(mtls.backends) ? mtls.backends : [];
      const i = backends.findIndex((b) => isObject(b) && b.name === enabled);
      if (i < 0) {
        const names = backends.map((b) => (isObject(b) ? str(b.name) : undefined)).filter((x): x is string => x !== undefined);
        report({ messageId: 'unknownBackend', data: { mesh: mesh.name, backend: enabled, backends: names.join(', ') || 'none' }, resource: mesh, path: ['spec', 'mtls', 'enabledBackend'] });
        continue;
      }
      if (getIn(backends[i], ['mode']) === 'PERMISSIVE') {
        report({ messageId: 'permissive', data: { mesh: mesh.name, backend: enabled, members: memberText(mesh.name) }, resource: mesh, path: ['spec', 'mtls', 'backends', i, 'mode'] });
      }
    }

    for (const p of graph.ofKind('kuma.io', 'MeshTLS')) {
      for (const field of ['from', 'rules'] as const) {
        const list = getIn(p.obj, ['spec', field]);
        if (!Array.isArray(list)) continue;
        list.forEach((entry, i) => {
          const path: Path = ['spec', field, i, 'default', 'mode'];
          if (getIn(entry, ['default', 'mode']) === 'Permissive') report({ messageId: 'meshTlsPermissive', data: { policy: objectName(p) }, resource: p, path });
        });
      }
    }

    // Workloads of meshes the input does not define: the cluster facts (or Kuma's default, no mTLS) decide.
    if (v3) return;
    for (const [name, templates] of members) {
      if (inInput.has(name)) continue;
      const declared = facts.kuma.meshes[name]?.mtls;
      if (declared === 'STRICT') continue;
      const reason =
        declared === 'off'
          ? `cluster.kuma.meshes.${name}.mtls is off, so traffic between its workloads is plaintext and unauthenticated`
          : declared === 'PERMISSIVE'
            ? `cluster.kuma.meshes.${name}.mtls is PERMISSIVE, so its workloads also accept plaintext, from which no identity can be checked`
            : `cluster.kuma.meshes does not describe it, and Kuma creates meshes without mTLS, so mTLS is assumed off and traffic between its workloads plaintext (declare cluster.kuma.meshes.${name}.mtls to settle it)`;
      for (const t of templates) {
        report({ messageId: 'outsideInput', data: { workload: workloadName(t), mesh: name, reason }, resource: t.owner, path: workloadPath(t), level: declared ? undefined : 'note' });
      }
    }
  },
});
