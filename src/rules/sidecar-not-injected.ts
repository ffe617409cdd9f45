import type { PodTemplate } from '../graph/graph.js';
import { APPLIES_READS, policiesSelecting } from '../graph/mesh/applies.js';
import { dataPlaneOf, meshTitle, meshVerdicts, templatesWithoutProxy, type LostMarker, type MarkerRef, type MeshVerdict } from '../graph/mesh/injection.js';
import type { Decision } from '../graph/mesh/model.js';
import { serviceView, servicesSelecting } from '../graph/services.js';
import { INJECTION_READS, levelOf, nameOf, pathOnTemplate, relatedTo, said, templateName } from './_sidecar.js';
import { defineRule, type RelatedLocation } from './types.js';

/**
 * A workload ends up without a proxy although something expects one: its own injection marker (defeated by
 * hostNetwork, an ignored namespace, an invalid value, a missing namespace label, a marker form the mesh does
 * not read), the other pods behind its Service, or a mesh policy that selects it.
 */
export default defineRule({
  meta: {
    id: 'sidecar-not-injected',
    description: 'A workload that ends up without a mesh proxy while its own markers, its Service or a mesh policy expect one.',
    level: 'warning',
    family: 'sidecar',
    reads: [...new Set([...INJECTION_READS, 'Service', ...APPLIES_READS])],
    messages: {
      markerDefeated: '{mesh} injection is asked for, but the pod gets no proxy: {why}',
      rejected: 'the {mesh} injection webhook rejects these pods: {why}',
      bySiblings: 'the pod gets no proxy ({why}), but Service {service} also sends traffic to {mesh}-meshed pods of {others}: clients see meshed and unmeshed endpoints behind one name',
      byPolicy: 'the pod gets no proxy ({why}), but {policy} selects it and only takes effect through a {mesh} proxy',
    },
    sources: [
      { tool: 'istioctl analyze', id: 'IST0103' },
      { tool: 'istioctl analyze', id: 'IST0102' },
    ],
    precision: 'high',
  },
  check({ graph, report }) {
    for (const t of templatesWithoutProxy(graph)) {
      const dp = dataPlaneOf(graph, t);
      if (dp.mode !== 'none') continue;
      const verdicts = meshVerdicts(graph, t);

      const rejected = verdicts.find((v) => v.rejected);
      if (rejected) {
        report({ messageId: 'rejected', data: { mesh: meshTitle(rejected.mesh), why: said(rejected.decidedBy) }, resource: t.owner, path: pathOnTemplate(t, rejected.decidedBy), level: levelOf(rejected.decidedBy), related: relatedTo(rejected.decidedBy, 'the marker', t.owner) });
        continue;
      }

      const defeated = defeatedMarker(t, verdicts);
      if (defeated) {
        const { verdict, why, at } = defeated;
        report({
          messageId: 'markerDefeated',
          data: { mesh: meshTitle(verdict.mesh), why: said({ ...verdict.decidedBy, reason: why }) },
          resource: t.owner,
          path: pathOnTemplate(t, at),
          level: levelOf(verdict.decidedBy, at),
          related: relatedTo(verdict.decidedBy, 'decided here', t.owner),
        });
        continue;
      }

      const why = said(dp.decidedBy);
      const siblings = meshedSiblings(graph, t);
      if (siblings) {
        report({
          messageId: 'bySiblings',
          data: { why, service: siblings.service, others: siblings.others, mesh: meshTitle(siblings.mesh) },
          resource: t.owner,
          path: pathOnTemplate(t, dp.decidedBy),
          level: levelOf(dp.decidedBy, ...siblings.decisions),
          related: [...siblings.related, ...relatedTo(dp.decidedBy, 'decided here', t.owner)],
        });
        continue;
      }

      // Only policies that select the workload itself count (policiesApplyingTo lists those first).
      const policy = policiesSelecting(graph, t).find((p) => expectsProxy(p.resource.group, p.resource.kind));
      if (policy) {
        const mesh = meshOfGroup(policy.resource.group);
        report({
          messageId: 'byPolicy',
          data: { why, policy: nameOf(policy.resource), mesh },
          resource: t.owner,
          path: pathOnTemplate(t, dp.decidedBy),
          level: levelOf(dp.decidedBy),
          related: [{ resource: policy.resource, path: ['spec'], message: `${policy.resource.kind} that selects the workload` }, ...relatedTo(dp.decidedBy, 'decided here', t.owner)],
        });
      }
    }
  },
});

/**
 * A marker of some mesh asked for a proxy and lost for a reason other than a deliberate opt-out or a
 * contradicting explicit marker (those belong to sidecar-injection-conflict). Returns the explanation and the
 * marker on the workload to point at (or the deciding field).
 */
function defeatedMarker(t: PodTemplate, verdicts: readonly MeshVerdict[]): { verdict: MeshVerdict; why: string; at: Decision } | undefined {
  for (const v of verdicts) {
    if (!v.wanted || v.outcome !== 'none') continue;
    const d = v.decidedBy;
    if (d.marker && isOptOut(v.mesh, d.marker)) continue;
    const absent = v.overridden.find((o: LostMarker) => o.lostTo === 'absence' && o.resource === t.owner);
    if (absent) return { verdict: v, why: absent.reason.includes(d.reason) ? absent.reason : `${absent.reason}; ${d.reason}`, at: absent };
    const pod = v.overridden.find((o: LostMarker) => o.resource === t.owner && o.lostTo !== 'marker');
    if (pod) return { verdict: v, why: `${pod.reason}; ${d.reason}`, at: pod };
    // Conflicts between explicit markers are reported by sidecar-injection-conflict.
    if (v.overridden.some((o) => o.resource === t.owner && o.lostTo === 'marker')) continue;
    return { verdict: v, why: d.reason, at: d };
  }
  return undefined;
}

/** The marker value is the mesh's documented way to say "no proxy here". */
function isOptOut(mesh: MeshVerdict['mesh'], m: MarkerRef): boolean {
  switch (mesh) {
    case 'istio':
      return m.value === 'false' || (m.on === 'namespace' && m.value === 'disabled') || m.value === 'none';
    case 'linkerd':
      return m.value === 'disabled';
    case 'consul':
      return ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(m.value);
    case 'kuma':
      return m.value === 'disabled' || m.value === 'false' || m.value === 'no';
  }
}

/** Another pod template behind one of the workload's Services runs a proxy. */
function meshedSiblings(graph: Parameters<typeof dataPlaneOf>[0], t: PodTemplate): { service: string; others: string; mesh: NonNullable<ReturnType<typeof dataPlaneOf>['mesh']>; decisions: Decision[]; related: RelatedLocation[] } | undefined {
  for (const svc of servicesSelecting(graph, t)) {
    // Another definition of the same workload (the same name under another kind or in another file: a
    // kustomize variant or a docs alternative) is not a sibling.
    const others = serviceView(graph, svc).pods.filter((o) => o !== t && o.owner.name !== t.owner.name);
    const meshed = others.filter((o) => dataPlaneOf(graph, o).mode !== 'none');
    if (!meshed.length) continue;
    const first = dataPlaneOf(graph, meshed[0]!);
    return {
      service: `${svc.namespace}/${svc.name}`,
      others: meshed.slice(0, 3).map(templateName).join(', ') + (meshed.length > 3 ? ` and ${meshed.length - 3} more` : ''),
      mesh: first.mesh!,
      decisions: meshed.map((o) => dataPlaneOf(graph, o).decidedBy),
      related: [{ resource: svc, path: ['spec', 'selector'], message: 'Service selecting both' }, { resource: meshed[0]!.owner, path: [...meshed[0]!.path, 'metadata'], message: `meshed: ${first.decidedBy.reason}` }],
    };
  }
  return undefined;
}

/** Policies that only do something in a proxy (an Istio Gateway selects gateway pods, not sidecars). */
function expectsProxy(group: string, kind: string): boolean {
  if (group === 'networking.istio.io' && kind === 'Gateway') return false;
  return group.endsWith('istio.io') || group.endsWith('linkerd.io') || group === 'kuma.io' || group === 'consul.hashicorp.com';
}

function meshOfGroup(group: string): string {
  return group.endsWith('istio.io') ? 'Istio' : group.endsWith('linkerd.io') ? 'Linkerd' : group === 'kuma.io' ? 'Kuma' : 'Consul';
}
