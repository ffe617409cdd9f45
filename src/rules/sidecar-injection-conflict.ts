import { clusterFacts } from '../graph/mesh/facts.js';
import { meshTitle, meshVerdicts } from '../graph/mesh/injection.js';
import { ISTIO_DATAPLANE_MODE, ISTIO_INJECTION_NS_LABEL, ISTIO_REV_LABEL, KUMA_INJECTION, LINKERD_INJECT } from '../graph/mesh/markers.js';
import type { Path } from '../load/types.js';
import { INJECTION_READS, levelOf, pathOnTemplate, relatedTo, said } from './_sidecar.js';
import { defineRule } from './types.js';

/**
 * Injection markers that contradict each other. Namespace-level contradictions are reported on the Namespace
 * object (when the input has it); pod-level ones on the workload, at the marker that lost.
 */
export default defineRule({
  meta: {
    id: 'sidecar-injection-conflict',
    description: 'Contradictory injection markers on a namespace or a workload, where one silently wins over the other.',
    level: 'warning',
    family: 'sidecar',
    reads: INJECTION_READS,
    messages: {
      nsLegacyAndRevision: 'namespace {ns} has both {legacy} and {rev}: istio-injection takes precedence, so {effect}',
      nsSidecarAndAmbient: 'namespace {ns} asks for sidecar injection ({sidecar}) and for ambient ({ambient}): injected sidecars take precedence, so its pods do not run in ambient mode',
      nsSeveralMeshes: 'namespace {ns} enables injection for several meshes ({list}): its pods would get more than one proxy',
      podOverridden: '{loser}; {winner} decides, so {outcome}',
      podOverridesNamespace: '{pod} overrides {ns} ({mesh} lets the pod win), so the pod is injected although the namespace says disabled',
      severalMeshes: 'the pod is injected by {first} ({firstBy}) and by {second} ({secondBy}): two proxies would intercept the same traffic',
    },
    sources: [{ tool: 'istioctl analyze', id: 'IST0123' }],
    precision: 'very-high',
  },
  check({ graph, report }) {
    const facts = clusterFacts(graph);
    for (const nsObj of graph.ofKind('', 'Namespace')) {
      const ns = facts.namespace(nsObj.name);
      const l = ns.labels;
      const a = ns.annotations;
      const at = (key: string, field: 'labels' | 'annotations' = 'labels'): Path => ['metadata', field, key];
      if (l[ISTIO_INJECTION_NS_LABEL] !== undefined && l[ISTIO_REV_LABEL] !== undefined) {
        const legacy = l[ISTIO_INJECTION_NS_LABEL];
        report({
          messageId: 'nsLegacyAndRevision',
          data: {
            ns: ns.name,
            legacy: `${ISTIO_INJECTION_NS_LABEL}=${legacy}`,
            rev: `${ISTIO_REV_LABEL}=${l[ISTIO_REV_LABEL]}`,
            effect: legacy === 'enabled' ? `pods get the default revision, not ${l[ISTIO_REV_LABEL]}` : 'no pod in it is injected',
          },
          resource: nsObj,
          path: at(ISTIO_REV_LABEL),
        });
      }
      const sidecar = l[ISTIO_INJECTION_NS_LABEL] === 'enabled' ? `${ISTIO_INJECTION_NS_LABEL}=enabled` : l[ISTIO_REV_LABEL] !== undefined && l[ISTIO_INJECTION_NS_LABEL] === undefined ? `${ISTIO_REV_LABEL}=${l[ISTIO_REV_LABEL]}` : undefined;
      if (sidecar && l[ISTIO_DATAPLANE_MODE] === 'ambient') {
        report({ messageId: 'nsSidecarAndAmbient', data: { ns: ns.name, sidecar, ambient: `${ISTIO_DATAPLANE_MODE}=ambient` }, resource: nsObj, path: at(ISTIO_DATAPLANE_MODE) });
      }
      const enabling: { mesh: string; marker: string; path: Path }[] = [];
      if (sidecar || l[ISTIO_DATAPLANE_MODE] === 'ambient') {
        enabling.push({ mesh: 'Istio', marker: sidecar ?? `${ISTIO_DATAPLANE_MODE}=ambient`, path: at(sidecar ? (sidecar.startsWith(ISTIO_REV_LABEL) ? ISTIO_REV_LABEL : ISTIO_INJECTION_NS_LABEL) : ISTIO_DATAPLANE_MODE) });
      }
      if (a[LINKERD_INJECT] === 'enabled' || a[LINKERD_INJECT] === 'ingress') enabling.push({ mesh: 'Linkerd', marker: `${LINKERD_INJECT}=${a[LINKERD_INJECT]}`, path: at(LINKERD_INJECT, 'annotations') });
      if (['enabled', 'true', 'yes'].includes(l[KUMA_INJECTION] ?? '')) enabling.push({ mesh: 'Kuma', marker: `${KUMA_INJECTION}=${l[KUMA_INJECTION]}`, path: at(KUMA_INJECTION) });
      if (enabling.length > 1) {
        report({ messageId: 'nsSeveralMeshes', data: { ns: ns.name, list: enabling.map((e) => `${e.mesh} ${e.marker}`).join(', ') }, resource: nsObj, path: enabling[1]!.path });
      }
    }

    for (const t of graph.templates()) {
      const verdicts = meshVerdicts(graph, t);
      let injectingCount = 0;
      for (const v of verdicts) if (v.outcome !== 'none') injectingCount++;
      if (injectingCount > 1) {
        const injecting = verdicts.filter((v) => v.outcome !== 'none');
        const [first, second] = injecting as [(typeof injecting)[0], (typeof injecting)[0]];
        report({
          messageId: 'severalMeshes',
          data: { first: meshTitle(first.mesh), firstBy: said(first.decidedBy), second: meshTitle(second.mesh), secondBy: said(second.decidedBy) },
          resource: t.owner,
          path: pathOnTemplate(t, second.decidedBy.resource === t.owner ? second.decidedBy : first.decidedBy),
          level: levelOf(first.decidedBy, second.decidedBy),
          related: [...relatedTo(first.decidedBy, `${meshTitle(first.mesh)} marker`, t.owner), ...relatedTo(second.decidedBy, `${meshTitle(second.mesh)} marker`, t.owner)],
        });
      }
      for (const v of verdicts) {
        for (const o of v.overridden) {
          if (o.lostTo !== 'marker' || !o.marker) continue;
          if (o.marker.on === 'pod' && o.resource === t.owner) {
            const outcome = v.outcome === 'none' ? 'the pod gets no proxy' : v.outcome === 'ambient' ? 'the pod runs in ambient mode' : `the pod gets the ${meshTitle(v.mesh)} sidecar`;
            report({
              messageId: 'podOverridden',
              data: { loser: o.reason, winner: said(v.decidedBy), outcome },
              resource: t.owner,
              path: o.path,
              level: levelOf(v.decidedBy),
              related: relatedTo(v.decidedBy, 'the marker that wins', t.owner),
            });
          } else if (o.marker.on === 'namespace' && o.marker.value === 'disabled' && v.outcome === 'sidecar' && v.decidedBy.resource === t.owner) {
            report({
              messageId: 'podOverridesNamespace',
              data: { pod: v.decidedBy.reason, ns: o.reason.replace(/,.*$/, ''), mesh: meshTitle(v.mesh) },
              resource: t.owner,
              path: v.decidedBy.path,
              level: 'note',
              related: relatedTo(o, 'namespace marker'),
            });
          }
        }
      }
    }
  },
});
