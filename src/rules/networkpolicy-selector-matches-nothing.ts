import type { Graph } from '../graph/graph.js';
import { describeSelector, labelSelector, labelsOf, selectorMatches, type Selector } from '../graph/labels.js';
import { getIn, isObject, type JsonValue, type Path } from '../load/types.js';
import { explainNoMatch } from './_explain.js';
import { defineRule, type ClusterFacts } from './types.js';

const NAME_LABEL = 'kubernetes.io/metadata.name';

const SECTIONS = [
  ['ingress', 'from', 'ingress'],
  ['egress', 'to', 'egress'],
] as const;

export default defineRule({
  meta: {
    id: 'networkpolicy-selector-matches-nothing',
    description: 'A NetworkPolicy whose podSelector, or a peer selector in its rules, selects no pods.',
    level: 'warning',
    family: 'references',
    reads: ['NetworkPolicy.networking.k8s.io', 'Namespace', 'workloads'],
    messages: {
      noTarget: 'podSelector {selector} selects no pods, so this policy isolates nothing: {why}',
      noPeer: '{direction} peer {selector} selects no pods in {where}, so it allows no traffic {fromTo} any pod: {why}',
    },
    sources: [{ tool: 'kube-linter', id: 'dangling-networkpolicy' }],
    precision: 'high',
  },
  check({ graph, report, cluster }) {
    for (const np of graph.ofKind('networking.k8s.io', 'NetworkPolicy')) {
      const ns = np.namespace ?? graph.defaultNamespace;
      const target = labelSelector(getIn(np.obj, ['spec', 'podSelector']), 'everything');
      if (target.kind === 'requirements' && graph.select(ns, target).length === 0) {
        const why = explainNoMatch(graph, ns, target);
        if (!why.operatorManaged) {
          report({
            messageId: 'noTarget',
            data: { selector: describeSelector(target), why: why.why },
            resource: np,
            path: ['spec', 'podSelector', ...(why.failedPath ?? [])],
            level: why.level,
            related: why.related,
          });
        }
      }
      for (const [section, peersKey, direction] of SECTIONS) {
        const rules = getIn(np.obj, ['spec', section]);
        if (!Array.isArray(rules)) continue;
        rules.forEach((rule, i) => {
          const peers = isObject(rule) ? rule[peersKey] : undefined;
          if (!Array.isArray(peers)) return;
          peers.forEach((peer, j) => {
            if (!isObject(peer) || peer.podSelector === undefined) return;
            const sel = labelSelector(peer.podSelector, 'everything');
            if (sel.kind !== 'requirements') return;
            const scope = peerNamespaces(graph, cluster, ns, peer.namespaceSelector);
            if (scope === undefined) return;
            const namespaces = scope.namespaces;
            if (namespaces.some((n) => graph.select(n, sel).length > 0)) return;
            const base: Path = ['spec', section, i, peersKey, j, 'podSelector'];
            const why = explainNoMatch(graph, namespaces[0]!, sel);
            if (why.operatorManaged) return;
            let where = namespaces.length === 1 ? `namespace ${namespaces[0]}` : `namespaces ${namespaces.join(', ')}`;
            if (!scope.certain) where += ` (the namespaceSelector may also select namespaces the input does not define)`;
            report({
              messageId: 'noPeer',
              data: { direction, fromTo: section === 'ingress' ? 'from' : 'to', selector: describeSelector(sel), where, why: why.why },
              resource: np,
              path: [...base, ...(why.failedPath ?? [])],
              level: scope.certain ? why.level : 'note',
              related: why.related,
            });
          });
        });
      }
    }
  },
});

/**
 * Namespaces of the input that a peer's namespaceSelector picks, or undefined when that depends on namespace
 * labels the input does not show. Only the own namespace (no namespaceSelector) and `kubernetes.io/metadata.name`
 * requirements are certain (semantics.md §1.5); any other selector may also pick namespaces outside the input.
 */
function peerNamespaces(graph: Graph, cluster: ClusterFacts, own: string, raw: JsonValue | undefined): { namespaces: string[]; certain: boolean } | undefined {
  // an absent (or null) namespaceSelector means the policy's own namespace
  if (raw === undefined || raw === null) return { namespaces: [own], certain: true };
  const sel: Selector = labelSelector(raw, 'everything');
  if (sel.kind === 'nothing') return undefined;
  if (sel.kind === 'everything') return { namespaces: [...graph.namespaces()].sort(), certain: false };
  const onlyName = sel.requirements.every((r) => r.key === NAME_LABEL);
  const out: string[] = [];
  for (const n of [...graph.namespaces()].sort()) {
    const labels = namespaceLabels(graph, cluster, n);
    if (!labels.known && !onlyName) return undefined;
    if (selectorMatches(sel, labels.labels)) out.push(n);
  }
  if (!out.length) return undefined;
  // certain only when every namespace the selector names is in the input (a name outside it may hold the pods)
  const known = graph.namespaces();
  const certain = onlyName && sel.requirements.every((r) => r.op === 'In' && r.values.every((v) => known.has(v)));
  return { namespaces: out, certain };
}

function namespaceLabels(graph: Graph, cluster: ClusterFacts, name: string): { labels: Record<string, string>; known: boolean } {
  const obj = graph.find('', 'Namespace', undefined, name);
  const facts = isObject(cluster.namespaces) ? cluster.namespaces[name] : undefined;
  const fromFacts = isObject(facts) ? labelsOf(facts.labels) : {};
  const fromObj = obj && isObject(obj.obj.metadata) ? labelsOf(obj.obj.metadata.labels) : {};
  return { labels: { ...fromObj, ...fromFacts, [NAME_LABEL]: name }, known: obj !== undefined || isObject(facts) };
}
