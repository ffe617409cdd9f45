import type { Graph, PodTemplate } from '../graph/graph.js';
import { describeMiss, describeRequirement, equalitySelector, failedRequirements, labelSelector, selectorMatches, type Requirement, type Selector } from '../graph/labels.js';
import { getIn, isObject, type Resource } from '../load/types.js';
import { defineRule } from './types.js';

/** Controllers whose `spec.selector` must select their own template (semantics.md §1.5). */
const CONTROLLERS = new Set(['Deployment.apps', 'ReplicaSet.apps', 'StatefulSet.apps', 'DaemonSet.apps', 'ReplicationController', 'Job.batch']);

export default defineRule({
  meta: {
    id: 'workload-selector-mismatch',
    description: 'A workload whose selector does not select its own pod template, or controllers in one namespace whose selectors overlap.',
    level: 'error',
    family: 'references',
    reads: ['workloads'],
    messages: {
      missing: '{kind} has no spec.selector; apps/v1 requires one that matches the pod template labels',
      empty: 'selector is empty, which would select every pod in the namespace; the API server rejects an empty selector for a {kind}',
      mismatch: 'selector does not select the pod template: it wants {wants} but the template {has}; the API server rejects this {kind}',
      overlap: 'selector {selector} also selects the pods of {other}; both controllers will fight over the same pods',
      adopts: 'selector {selector} also selects {other}, which no controller owns; this {kind} will adopt it and count it as one of its replicas',
    },
    sources: [{ tool: 'kube-linter', id: 'mismatching-selector' }],
    precision: 'high',
  },
  check({ graph, report }) {
    const reported = new Set<string>();
    for (const t of graph.templates()) {
      const owner = t.owner;
      if (!isController(owner)) continue;
      const sel = selectorOf(owner);
      if (sel === 'skip') continue;
      if (sel === 'missing') {
        report({ messageId: 'missing', data: { kind: owner.kind }, resource: owner, path: ['spec'] });
        continue;
      }
      if (sel.kind === 'everything' && owner.group === 'apps') {
        report({ messageId: 'empty', data: { kind: owner.kind }, resource: owner, path: ['spec', 'selector'] });
        continue;
      }
      const failed = selectorMatches(sel, t.labels) ? NO_FAILURES : failedRequirements(sel, t.labels);
      if (failed.length) {
        const f = failed[0]!;
        report({
          messageId: 'mismatch',
          data: { wants: describeRequirement(f), has: describeMiss(f, t.labels), kind: owner.kind },
          resource: owner,
          path: ['spec', 'selector', ...f.path],
          related: [{ resource: owner, path: [...t.path, 'metadata', 'labels'], message: 'pod template labels' }],
        });
        continue;
      }
      if (sel.kind !== 'requirements') continue;
      for (const other of overlapping(graph, t, sel)) {
        const pair = [owner.id, other.owner.id].sort((a, b) => a - b).join(':');
        if (reported.has(pair)) continue;
        reported.add(pair);
        const bare = other.owner.kind === 'Pod' && other.owner.group === '';
        report({
          messageId: bare ? 'adopts' : 'overlap',
          level: 'warning',
          data: { selector: sel.requirements.map(describeRequirement).join(','), other: `${other.owner.kind} ${other.owner.name}`, kind: owner.kind },
          resource: owner,
          path: ['spec', 'selector'],
          related: [{ resource: other.owner, path: [...other.path, 'metadata', 'labels'], message: `pods of ${other.owner.kind} ${other.owner.name}` }],
        });
      }
    }
  },
});

const NO_FAILURES: readonly Requirement[] = [];

/**
 * Whether the owner's group-kind key (`Kind.group`, or `Kind` for the core group) is in CONTROLLERS, tested
 * without building or interning the key: this runs for every workload.
 */
function isController(r: Resource): boolean {
  if (r.group === '') return CONTROLLERS.has(r.kind);
  if (r.group === 'apps') return r.kind === 'Deployment' || r.kind === 'ReplicaSet' || r.kind === 'StatefulSet' || r.kind === 'DaemonSet';
  if (r.group === 'batch') return r.kind === 'Job';
  return false;
}

function selectorOf(owner: Resource): Selector | 'missing' | 'skip' {
  const raw = getIn(owner.obj, ['spec', 'selector']);
  if (owner.kind === 'ReplicationController') {
    // an absent selector defaults to the template labels
    return raw === undefined || raw === null ? 'skip' : equalitySelector(raw);
  }
  if (owner.kind === 'Job') {
    // the Job controller generates a unique selector unless manualSelector is set
    return getIn(owner.obj, ['spec', 'manualSelector']) === true && isObject(raw) ? labelSelector(raw, 'nothing') : 'skip';
  }
  if (raw === undefined || raw === null) return owner.version === 'v1' ? 'missing' : 'skip';
  const sel = labelSelector(raw, 'nothing');
  // an empty selector is rejected for the apps kinds; older groups defaulted it from the template labels
  return sel.kind === 'everything' && owner.group !== 'apps' ? 'skip' : sel;
}

/** Other controllers' templates this selector also picks; an owner and what it owns are not an overlap. */
function overlapping(graph: Graph, t: PodTemplate, sel: Selector): PodTemplate[] {
  return graph.select(t.namespace, sel).filter((o) => {
    if (o.owner === t.owner) return false;
    // two declarations of one object are manifest-duplicate's business, not an overlap
    if (graph.sameIdentity(o.owner).includes(t.owner)) return false;
    if (o.owner.kind === 'Job' || o.owner.kind === 'CronJob') return false;
    if (o.owner.kind === 'Pod' && o.owner.group === '') {
      // a Deployment's pods are picked by its ReplicaSets, whose selectors add pod-template-hash, so a bare Pod
      // is not adopted; nor is a Pod that already has a controller
      if (t.owner.kind === 'Deployment' || hasController(o.owner)) return false;
    }
    return !owns(t.owner, o.owner) && !owns(o.owner, t.owner);
  });
}

function hasController(r: Resource): boolean {
  const refs = getIn(r.obj, ['metadata', 'ownerReferences']);
  return Array.isArray(refs) && refs.some((ref) => isObject(ref) && ref.controller === true);
}

function owns(a: Resource, b: Resource): boolean {
  const refs = getIn(b.obj, ['metadata', 'ownerReferences']);
  return Array.isArray(refs) && refs.some((r) => isObject(r) && r.kind === a.kind && r.name === a.name);
}
