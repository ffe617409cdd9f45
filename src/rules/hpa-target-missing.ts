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
    reads: ['HorizontalPodAutoscaler.autoscaling', 'workloads'],
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
      const builtinGroup = SCALABLE[kind];
      let group = apiVersion !== undefined ? splitApiVersion(apiVersion).group : builtinGroup;
      if (builtinGroup !== undefined && apiVersion !== undefined && group !== builtinGroup) {
        if (group === 'extensions') group = builtinGroup; // the old group: the target is still the same object
        else {
          report({ messageId: 'wrongGroup', data: { apiVersion, kind, expected: builtinGroup ? `${builtinGroup}/v1` : 'v1' }, resource: hpa, path: ['spec', 'scaleTargetRef', 'apiVersion'] });
          continue;
        }
      }
      if (group === undefined) continue;
      // a custom kind is only checked when the input holds objects of that kind (otherwise it may live elsewhere)
      if (builtinGroup === undefined && !hasKind(graph.kinds(), groupKindKey(group, kind))) continue;
      if (graph.find(group, kind, ns, name)) continue;
      const candidates = graph.inNamespace(ns, group, kind).map((r) => r.name);
      const near = similarName(name, candidates);
      const otherKinds = graph.templatesIn(ns).filter((t) => t.owner.name === name && t.owner.kind !== kind).map((t) => t.owner.kind);
      const hint = near ? `; did you mean ${near}?` : otherKinds.length ? `; a ${otherKinds[0]} of that name exists` : '';
      report({
        messageId: 'missing',
        data: { kind, name, namespace: ns, hint },
        resource: hpa,
        path: ['spec', 'scaleTargetRef', 'name'],
        level: graph.templatesIn(ns).length === 0 ? 'note' : undefined,
      });
    }
  },
});

function hasKind(kinds: Iterable<string>, key: string): boolean {
  for (const k of kinds) if (k === key) return true;
  return false;
}
