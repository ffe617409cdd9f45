import type { Graph } from '../graph/graph.js';
import { groupKindKey, splitApiVersion } from '../load/kinds.js';
import { getIn, str } from '../load/types.js';
import { similarName } from './_names.js';
import { defineRule } from './types.js';

/** Built-in kinds with a scale subresource; for these a missing target is certain, not a guess. */
const SCALABLE: Record<string, string> = { Deployment: 'apps', StatefulSet: 'apps', ReplicaSet: 'apps', ReplicationController: '' };

export default defineRule({
  meta: {
    id: 'hpa-target-missing',
    description: 'A HorizontalPodAutoscaler whose scaleTargetRef names an object that does not exist.',
    level: 'error',
    family: 'references',
    reads: ['HorizontalPodAutoscaler.autoscaling', 'workloads', 'Deployment.apps', 'StatefulSet.apps', 'ReplicaSet.apps', 'ReplicationController'],
    messages: {
      missing: 'scaleTargetRef {kind} {name} does not exist in namespace {namespace}{hint}; the autoscaler cannot scale anything',
      wrongGroup: 'scaleTargetRef apiVersion {apiVersion} does not serve {kind}; use {expected}',
    },
    sources: [{ tool: 'kube-linter', id: 'dangling-horizontalpodautoscaler' }],
    precision: 'high',
  },
  check({ graph, report }) {
    for (const hpa of graph.ofKind('autoscaling', 'HorizontalPodAutoscaler')) {
      const ns = hpa.namespace ?? graph.defaultNamespace;
      const kind = str(getIn(hpa.obj, ['spec', 'scaleTargetRef', 'kind']));
      const name = str(getIn(hpa.obj, ['spec', 'scaleTargetRef', 'name']));
      if (!kind || !name) continue;
      const apiVersion = str(getIn(hpa.obj, ['spec', 'scaleTargetRef', 'apiVersion']));
      const builtinGroup = Object.prototype.hasOwnProperty.call(SCALABLE, kind) ? SCALABLE[kind] : undefined;
      let group = apiVersion !== undefined ? splitApiVersion(apiVersion).group : builtinGroup;
      if (builtinGroup !== undefined && apiVersion !== undefined && group !== builtinGroup) {
        if (group === 'extensions') group = builtinGroup; // the old group: the target is still the same object
        else {
          report({ messageId: 'wrongGroup', data: { apiVersion, kind, expected: builtinGroup ? `${builtinGroup}/v1` : 'v1' }, resource: hpa, path: ['spec', 'scaleTargetRef', 'apiVersion'] });
          continue;
        }
      }
      if (group === undefined) continue;
      const local = graph.templatesIn(ns);
      let candidates: string[];
      if (builtinGroup !== undefined) {
        if (graph.find(group, kind, ns, name)) continue;
        candidates = graph.inNamespace(ns, group, kind).map((r) => r.name);
      } else {
        // a custom kind is only checked when the input holds workloads of that kind (otherwise it may live
        // elsewhere, or be a scalable resource without a pod template that meshlint does not model)
        const key = groupKindKey(group, kind);
        if (!workloadKinds(graph).has(key)) continue;
        candidates = local.filter((t) => groupKindKey(t.owner.group, t.owner.kind) === key).map((t) => t.owner.name);
        if (candidates.includes(name)) continue;
      }
      const near = similarName(name, candidates);
      const otherKinds = local.filter((t) => t.owner.name === name && t.owner.kind !== kind).map((t) => t.owner.kind);
      let hint = near ? `; did you mean ${near}?` : otherKinds.length ? `; a ${otherKinds[0]} of that name exists` : '';
      if (local.length === 0) hint += `; the input has no workloads in namespace ${ns}, so the target may be defined elsewhere`;
      report({
        messageId: 'missing',
        data: { kind, name, namespace: ns, hint },
        resource: hpa,
        path: ['spec', 'scaleTargetRef', 'name'],
        level: local.length === 0 ? 'note' : undefined,
      });
    }
  },
});

/** Group-kind keys of every object in the input that carries a pod template. */
function workloadKinds(graph: Graph): ReadonlySet<string> {
  return graph.memo('hpa:workload-kinds', () => new Set(graph.templates().map((t) => groupKindKey(t.owner.group, t.owner.kind))));
}
