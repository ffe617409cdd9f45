import type { PodTemplate } from '../graph/graph.js';
import { dataPlaneOf, meshTitle, nativeSidecarOf } from '../graph/mesh/injection.js';
import type { MeshName } from '../graph/mesh/model.js';
import { isObject, type JsonValue, type Path } from '../load/types.js';
import { INJECTION_READS, said } from './_sidecar.js';
import { defineRule } from './types.js';

/**
 * How a Job's pod tells each proxy to stop once the work is done (semantics.md §1.7, §2.9, §3.1):
 * Istio `POST localhost:15020/quitquitquit` (or `pilot-agent request POST quitquitquit`) [I-DOC-NATIVE-BLOG],
 * Linkerd `linkerd-await --shutdown` or `POST localhost:4191/shutdown` [L-DOC-NATIVE; linkerd.io "Graceful
 * shutdown of Job and Cronjob resources"], Consul `POST localhost:20600/graceful_shutdown` (consul-dataplane
 * lifecycle endpoint), Envoy's admin `/quitquitquit` for Kuma.
 */
const SHUTDOWN: Readonly<Record<MeshName, RegExp>> = {
  istio: /quitquitquit/,
  linkerd: /linkerd-await[^;|&]*--shutdown|\/shutdown\b/,
  consul: /graceful_shutdown/,
  kuma: /quitquitquit/,
};

export default defineRule({
  meta: {
    id: 'sidecar-blocks-job-completion',
    description: 'A Job or CronJob whose pods get a classic (non-native) mesh sidecar and never tell it to stop, so the Job never completes.',
    level: 'warning',
    family: 'sidecar',
    reads: INJECTION_READS,
    messages: {
      blocks: 'the pods get the {mesh} proxy ({injected}) as a regular container ({native}), and nothing in the pod tells it to stop: when {container} exits the proxy keeps running and the Job never completes',
      mayBlock: 'the pods get the {mesh} proxy ({injected}); whether it runs as a native sidecar is not known ({native}). Without a native sidecar and with nothing telling the proxy to stop, the Job never completes',
    },
    precision: 'high',
  },
  check({ graph, report }) {
    for (const t of graph.templates()) {
      if (t.owner.group !== 'batch' || (t.owner.kind !== 'Job' && t.owner.kind !== 'CronJob')) continue;
      const dp = dataPlaneOf(graph, t);
      if (dp.mode !== 'sidecar' || !dp.mesh) continue;
      const native = nativeSidecarOf(graph, t, dp.mesh);
      if (native.native === true) continue;
      if (SHUTDOWN[dp.mesh].test(podText(t))) continue;
      const main = mainContainer(t);
      report({
        messageId: native.native === false ? 'blocks' : 'mayBlock',
        data: { mesh: meshTitle(dp.mesh), injected: said(dp.decidedBy), native: said(native.decidedBy), container: main.name },
        resource: t.owner,
        path: main.path,
        level: native.native === undefined || dp.decidedBy.assumed || native.decidedBy.assumed ? 'note' : undefined,
        related: dp.decidedBy.resource && dp.decidedBy.resource !== t.owner ? [{ resource: dp.decidedBy.resource, path: dp.decidedBy.path, message: 'injection marker' }] : [],
      });
    }
  },
});

/** Commands, arguments, lifecycle hooks and env values of every container, as one text to search. */
function podText(t: PodTemplate): string {
  const parts: string[] = [];
  const walk = (v: JsonValue | undefined): void => {
    if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) Object.values(v).forEach(walk);
  };
  for (const field of ['containers', 'initContainers'] as const) {
    const list = t.spec[field];
    if (!Array.isArray(list)) continue;
    for (const c of list) if (isObject(c)) [c.command, c.args, c.lifecycle, c.env].forEach(walk);
  }
  return parts.join(' ');
}

function mainContainer(t: PodTemplate): { name: string; path: Path } {
  const list = t.spec.containers;
  const first = Array.isArray(list) ? list[0] : undefined;
  const name = isObject(first) && typeof first.name === 'string' ? first.name : 'the main container';
  return { name, path: [...t.path, 'spec', 'containers', ...(Array.isArray(list) && list.length ? [0] : [])] };
}
