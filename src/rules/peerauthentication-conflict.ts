/**
 * PeerAuthentications whose effect Istio decides in a way the author probably did not intend (semantics.md §2.3,
 * §8 C23): competing policies at one level (the oldest wins, which manifests cannot show), a selector in the root
 * namespace (ignored), port-level settings Istio rejects or that name no port of the workload, and DISABLE on
 * ambient workloads (ignored).
 */
import type { Graph, PodTemplate } from '../graph/graph.js';
import { clusterFacts } from '../graph/mesh/facts.js';
import { dataPlaneOf } from '../graph/mesh/injection.js';
import { peerAuthenticationMode } from '../graph/mesh/mtls.js';
import { workloadsSelectedBy } from '../graph/mesh/targets.js';
import { containerPorts } from '../graph/services.js';
import { getIn, isObject, type Resource } from '../load/types.js';
import { listNames, MODEL_READS, objectName, servicePortsOf, workloadName } from './_mtls.js';
import { defineRule, type Report } from './types.js';

const PA = ['security.istio.io', 'PeerAuthentication'] as const;

function hasSelector(pa: Resource): boolean {
  const ml = getIn(pa.obj, ['spec', 'selector', 'matchLabels']);
  return isObject(ml) && Object.keys(ml).length > 0;
}

export default defineRule({
  meta: {
    id: 'peerauthentication-conflict',
    description: 'PeerAuthentications that compete or that Istio ignores or rejects: several at one level, a selector in the root namespace, port-level settings without a selector or on ports the workload lacks.',
    level: 'error',
    family: 'mtls',
    reads: [...MODEL_READS],
    messages: {
      competingScope: '{policy} is one of {count} {scope} PeerAuthentications ({others}); Istio applies only the oldest and ignores the rest, and the manifests cannot show which is older, so the effective mTLS mode is undefined',
      competingWorkload: '{policy} selects {workloads}, which {others} also select(s); Istio applies only the oldest workload policy and ignores the others, so the effective mTLS mode of these workloads is undefined',
      rootSelector: '{policy} has a workload selector but lives in the root namespace {root}; Istio ignores PeerAuthentications with a selector there, so it applies to no workload (move it to the workload namespace, or drop the selector to make it mesh-wide)',
      portLevelWithoutSelector: '{policy} sets portLevelMtls without a workload selector; the API server rejects it ("portLevelMtls requires selector")',
      portNotOnWorkload: 'portLevelMtls of {policy} names port {port}, which none of the selected workloads ({workloads}) listens on{hint}; the setting never applies',
      disableOnAmbient: '{policy} sets DISABLE for {count} ambient workload(s) ({workloads}); ambient mode does not support DISABLE and ignores it, so these workloads keep the inherited mode',
    },
    sources: [
      { tool: 'Kiali', id: 'KIA0002' },
      { tool: 'Kiali', id: 'KIA0003' },
    ],
    precision: 'high',
    securitySeverity: 4.0,
  },
  check({ graph, report }) {
    const root = clusterFacts(graph).istio.rootNamespace;
    const all = graph.ofKind(...PA);
    const scopes = new Map<string, Resource[]>();
    const byTemplate = new Map<PodTemplate, Resource[]>();
    for (const pa of all) {
      const ns = pa.namespace ?? graph.defaultNamespace;
      if (!hasSelector(pa)) {
        const l = scopes.get(ns);
        if (l) l.push(pa);
        else scopes.set(ns, [pa]);
        if (isObject(getIn(pa.obj, ['spec', 'portLevelMtls']))) {
          report({ messageId: 'portLevelWithoutSelector', data: { policy: objectName(pa) }, resource: pa, path: ['spec', 'portLevelMtls'] });
        }
        continue;
      }
      const sel = workloadsSelectedBy(graph, pa);
      if (!sel) continue;
      if (sel.ignored) {
        report({ messageId: 'rootSelector', data: { policy: objectName(pa), root }, resource: pa, path: ['spec', 'selector'] });
        continue;
      }
      for (const t of sel.templates) {
        const l = byTemplate.get(t);
        if (l) l.push(pa);
        else byTemplate.set(t, [pa]);
      }
      checkPorts(graph, pa, sel.templates, report);
    }

    for (const [ns, list] of scopes) {
      if (list.length < 2) continue;
      const scope = ns === root ? 'mesh-wide (root namespace)' : `namespace-wide (namespace ${ns})`;
      for (const pa of list) {
        const others = list.filter((o) => o !== pa);
        report({
          messageId: 'competingScope',
          data: { policy: objectName(pa), count: list.length, scope, others: listNames(others.map(objectName)) },
          resource: pa,
          path: ['metadata', 'name'],
          related: others.map((o) => ({ resource: o, path: ['metadata', 'name'], message: `competing ${objectName(o)}` })),
        });
      }
    }

    // One finding per policy that shares a workload with another, naming every policy and workload involved.
    const overlaps = new Map<Resource, { others: Set<Resource>; workloads: PodTemplate[] }>();
    for (const [t, list] of byTemplate) {
      if (list.length < 2) continue;
      for (const pa of list) {
        let o = overlaps.get(pa);
        if (!o) overlaps.set(pa, (o = { others: new Set(), workloads: [] }));
        for (const other of list) if (other !== pa) o.others.add(other);
        o.workloads.push(t);
      }
    }
    for (const pa of all) {
      const o = overlaps.get(pa);
      if (!o) continue;
      const others = [...o.others];
      report({
        messageId: 'competingWorkload',
        data: { policy: objectName(pa), workloads: listNames(o.workloads.map(workloadName)), others: listNames(others.map(objectName)) },
        resource: pa,
        path: ['spec', 'selector', 'matchLabels'],
        related: others.map((x) => ({ resource: x, path: ['spec', 'selector', 'matchLabels'], message: `also selects these workloads: ${objectName(x)}` })),
      });
    }

    // DISABLE is ignored for ambient workloads [I-API-PA; I-DOC-AMB-L4].
    for (const pa of all) {
      const ns = pa.namespace ?? graph.defaultNamespace;
      const { mode, path } = peerAuthenticationMode(pa);
      if (mode !== 'DISABLE') continue;
      const sel = hasSelector(pa) ? workloadsSelectedBy(graph, pa) : undefined;
      if (sel?.ignored) continue;
      const covered = sel ? sel.templates : ns === root ? graph.templates() : graph.templatesIn(ns);
      const ambient = covered.filter((t) => dataPlaneOf(graph, t).mode === 'ambient');
      if (!ambient.length) continue;
      report({
        messageId: 'disableOnAmbient',
        data: { policy: objectName(pa), count: ambient.length, workloads: listNames(ambient.map(workloadName)) },
        resource: pa,
        path,
        level: 'warning',
      });
    }
  },
});

type MessageId = 'competingScope' | 'competingWorkload' | 'rootSelector' | 'portLevelWithoutSelector' | 'portNotOnWorkload' | 'disableOnAmbient';
type Reporter = (r: Report<MessageId>) => void;

/**
 * `portLevelMtls` keys are container (target) ports [I-API-PA]. A key is suspicious when no selected workload
 * declares it as a container port and no Service sends traffic to it; when a Service *port* has that number
 * the message says which target port was probably meant. Workloads that declare no ports at all say nothing.
 */
function checkPorts(graph: Graph, pa: Resource, templates: readonly PodTemplate[], report: Reporter): void {
  const plm = getIn(pa.obj, ['spec', 'portLevelMtls']);
  if (!isObject(plm) || templates.length === 0) return;
  const known = new Set<number>();
  const servicePorts = new Map<number, string>();
  for (const t of templates) {
    for (const cp of containerPorts(t)) known.add(cp.port);
    for (const e of servicePortsOf(graph, t)) {
      known.add(e.targetPort);
      if (e.servicePort !== undefined && e.servicePort !== e.targetPort) servicePorts.set(e.servicePort, `${objectName(e.service)} port ${e.servicePort} targets container port ${e.targetPort}`);
    }
  }
  if (known.size === 0) return;
  for (const key of Object.keys(plm)) {
    const port = Number(key);
    if (!Number.isInteger(port) || known.has(port)) continue;
    const svc = servicePorts.get(port);
    report({
      messageId: 'portNotOnWorkload',
      data: {
        policy: objectName(pa),
        port: key,
        workloads: listNames(templates.map(workloadName)),
        hint: svc ? ` (${svc}: portLevelMtls is keyed by the container port, not the Service port)` : ` (they listen on ${[...known].sort((a, b) => a - b).join(', ')})`,
      },
      resource: pa,
      path: ['spec', 'portLevelMtls', key],
    });
  }
}
