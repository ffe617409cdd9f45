import type { Graph, PodTemplate } from '../graph/graph.js';
import { AMBIENT_READS, waypointForService, waypointForTemplate } from '../graph/mesh/ambient.js';
import { clusterFacts } from '../graph/mesh/facts.js';
import { HOST_READS, resolveHost } from '../graph/mesh/hosts.js';
import { dataPlaneOf } from '../graph/mesh/injection.js';
import { selectEverywhere, TARGET_READS, workloadsSelectedBy } from '../graph/mesh/targets.js';
import { serviceView, servicesSelecting } from '../graph/services.js';
import { getIn, isObject, type JsonValue, type Path, type Resource } from '../load/types.js';
import { INJECTION_READS, nameOf, said } from './_sidecar.js';
import { defineRule } from './types.js';

/**
 * ztunnel enforces L4 only: L7 attributes in an AuthorizationPolicy that ztunnel must enforce make it deny all
 * traffic to the selected workloads, and L7 routing (VirtualService, GAMMA HTTPRoute) for a Service only takes
 * effect in a waypoint [I-DOC-AMB-L4; semantics.md §2.2].
 */
const L7_OPERATION = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];
const L7_SOURCE = ['requestPrincipals', 'notRequestPrincipals'];
const L7_ROUTE = ['match', 'retries', 'timeout', 'fault', 'mirror', 'mirrors', 'rewrite', 'redirect', 'headers', 'corsPolicy', 'directResponse'];

export default defineRule({
  meta: {
    id: 'ambient-l7-without-waypoint',
    description: 'Istio ambient workloads given L7 authorization or L7 routing while no waypoint serves them.',
    level: 'error',
    family: 'sidecar',
    reads: [
      ...new Set([
        ...INJECTION_READS,
        ...AMBIENT_READS,
        ...TARGET_READS,
        ...HOST_READS,
        'Service',
        'AuthorizationPolicy.security.istio.io',
        'VirtualService.networking.istio.io',
        'HTTPRoute.gateway.networking.k8s.io',
      ]),
    ],
    messages: {
      authzDenies: 'this policy uses L7 attributes ({attribute}) and applies to {workloads}, which run in ambient mode ({ambient}) with no waypoint ({waypoint}): ztunnel cannot evaluate L7 rules and denies all traffic to them',
      authzNotEnforced: 'this policy targets Service {service}, whose pods run in ambient mode, but no waypoint serves the Service ({waypoint}): only a waypoint enforces targetRefs policies, so it is not applied',
      routeIgnored: '{feature} for {host} applies to Service {service}, whose pods run in ambient mode ({ambient}) with no waypoint ({waypoint}): ambient clients do not apply L7 routing without a waypoint (only sidecar clients do)',
    },
    precision: 'high',
  },
  check({ graph, report }) {
    for (const ap of graph.ofKind('security.istio.io', 'AuthorizationPolicy')) {
      const l7 = l7AttributeOf(ap);
      const refs = getIn(ap.obj, ['spec', 'targetRefs']) ?? getIn(ap.obj, ['spec', 'targetRef']);
      if (refs !== undefined) {
        const list = Array.isArray(refs) ? refs : [refs];
        list.forEach((ref, i) => {
          if (!isObject(ref) || ref.kind !== 'Service' || typeof ref.name !== 'string') return;
          const ns = typeof ref.namespace === 'string' ? ref.namespace : ap.namespace ?? graph.defaultNamespace;
          const svc = graph.find('', 'Service', ns, ref.name);
          if (!svc) return;
          const pods = serviceView(graph, svc).pods;
          if (!pods.length || !pods.every((t) => dataPlaneOf(graph, t).mode === 'ambient')) return;
          const wp = waypointForService(graph, svc);
          if (wp.waypoint) return;
          report({
            messageId: 'authzNotEnforced',
            data: { service: `${ns}/${svc.name}`, waypoint: said(wp.decidedBy) },
            resource: ap,
            path: Array.isArray(refs) ? ['spec', 'targetRefs', i] : ['spec', 'targetRef'],
            level: wp.decidedBy.assumed ? 'note' : undefined,
          });
        });
        continue;
      }
      if (!l7) continue;
      const ambient = appliesTo(graph, ap).filter((t) => dataPlaneOf(graph, t).mode === 'ambient' && !hasWaypoint(graph, t));
      if (!ambient.length) continue;
      const first = ambient[0]!;
      const dp = dataPlaneOf(graph, first);
      const wp = waypointForTemplate(graph, first);
      report({
        messageId: 'authzDenies',
        data: {
          attribute: l7.name,
          workloads: ambient.slice(0, 3).map((t) => nameOf(t.owner)).join(', ') + (ambient.length > 3 ? ` and ${ambient.length - 3} more` : ''),
          ambient: said(dp.decidedBy),
          waypoint: said(wp.decidedBy),
        },
        resource: ap,
        path: l7.path,
        level: dp.decidedBy.assumed || wp.decidedBy.assumed ? 'note' : undefined,
        related: dp.decidedBy.resource ? [{ resource: dp.decidedBy.resource, path: dp.decidedBy.path, message: 'ambient mode set here' }] : [],
      });
    }

    for (const vs of graph.ofKind('networking.istio.io', 'VirtualService')) {
      const spec = isObject(vs.obj.spec) ? vs.obj.spec : {};
      const gateways = Array.isArray(spec.gateways) ? spec.gateways : undefined;
      if (gateways && !gateways.includes('mesh')) continue;
      const feature = l7RouteFeature(spec.http, ['spec', 'http']);
      if (!feature) continue;
      const hosts = Array.isArray(spec.hosts) ? spec.hosts : [];
      for (const h of hosts) {
        if (typeof h !== 'string') continue;
        const svc = resolveHost(graph, h, vs.namespace ?? graph.defaultNamespace).services[0];
        if (!svc) continue;
        const finding = ambientServiceWithoutWaypoint(graph, svc);
        if (!finding) continue;
        report({ messageId: 'routeIgnored', data: { feature: feature.name, host: h, service: `${svc.namespace}/${svc.name}`, ...finding.data }, resource: vs, path: feature.path, level: finding.level });
        break;
      }
    }

    for (const route of graph.ofKind('gateway.networking.k8s.io', 'HTTPRoute')) {
      const parents = getIn(route.obj, ['spec', 'parentRefs']);
      if (!Array.isArray(parents)) continue;
      const rules = getIn(route.obj, ['spec', 'rules']);
      if (!Array.isArray(rules) || rules.length === 0) continue;
      parents.forEach((p, i) => {
        if (!isObject(p) || p.kind !== 'Service' || (p.group !== '' && p.group !== 'core') || typeof p.name !== 'string') return;
        const ns = typeof p.namespace === 'string' ? p.namespace : route.namespace ?? graph.defaultNamespace;
        const svc = graph.find('', 'Service', ns, p.name);
        if (!svc) return;
        const finding = ambientServiceWithoutWaypoint(graph, svc);
        if (!finding) return;
        report({ messageId: 'routeIgnored', data: { feature: 'HTTPRoute rules', host: `Service ${p.name}`, service: `${ns}/${svc.name}`, ...finding.data }, resource: route, path: ['spec', 'parentRefs', i], level: finding.level });
      });
    }
  },
});

/** Pods the policy applies to through ztunnel: its selector, else its whole namespace (every namespace from the root). */
function appliesTo(graph: Graph, ap: Resource): readonly PodTemplate[] {
  const sel = workloadsSelectedBy(graph, ap);
  if (sel) return sel.templates;
  const ns = ap.namespace ?? graph.defaultNamespace;
  if (ns === clusterFacts(graph).istio.rootNamespace) return selectEverywhere(graph, { kind: 'everything' });
  return graph.templatesIn(ns);
}

/** A waypoint for the pod itself or for any Service in front of it. */
function hasWaypoint(graph: Graph, t: PodTemplate): boolean {
  if (waypointForTemplate(graph, t).waypoint) return true;
  return servicesSelecting(graph, t).some((s) => waypointForService(graph, s).waypoint !== undefined);
}

function ambientServiceWithoutWaypoint(graph: Graph, svc: Resource): { data: { ambient: string; waypoint: string }; level: 'note' | undefined } | undefined {
  const pods = serviceView(graph, svc).pods;
  if (!pods.length || !pods.every((t) => dataPlaneOf(graph, t).mode === 'ambient')) return undefined;
  const wp = waypointForService(graph, svc);
  if (wp.waypoint) return undefined;
  const dp = dataPlaneOf(graph, pods[0]!);
  return { data: { ambient: said(dp.decidedBy), waypoint: said(wp.decidedBy) }, level: dp.decidedBy.assumed || wp.decidedBy.assumed ? 'note' : undefined };
}

/** The first L7 attribute in an AuthorizationPolicy's rules, with its path. */
function l7AttributeOf(ap: Resource): { name: string; path: Path } | undefined {
  const rules = getIn(ap.obj, ['spec', 'rules']);
  if (!Array.isArray(rules)) return undefined;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (!isObject(r)) continue;
    const to = Array.isArray(r.to) ? r.to : [];
    for (let j = 0; j < to.length; j++) {
      const op = getIn(to[j], ['operation']);
      if (!isObject(op)) continue;
      for (const k of L7_OPERATION) if (op[k] !== undefined) return { name: `to.operation.${k}`, path: ['spec', 'rules', i, 'to', j, 'operation', k] };
    }
    const from = Array.isArray(r.from) ? r.from : [];
    for (let j = 0; j < from.length; j++) {
      const src = getIn(from[j], ['source']);
      if (!isObject(src)) continue;
      for (const k of L7_SOURCE) if (src[k] !== undefined) return { name: `from.source.${k}`, path: ['spec', 'rules', i, 'from', j, 'source', k] };
    }
    const when = Array.isArray(r.when) ? r.when : [];
    for (let j = 0; j < when.length; j++) {
      const key = getIn(when[j], ['key']);
      if (typeof key === 'string' && key.startsWith('request.')) return { name: `when ${key}`, path: ['spec', 'rules', i, 'when', j, 'key'] };
    }
  }
  return undefined;
}

/** The first L7-only feature of a VirtualService's http routes (matches, retries, timeouts, faults, splits...). */
function l7RouteFeature(http: JsonValue | undefined, base: Path): { name: string; path: Path } | undefined {
  if (!Array.isArray(http)) return undefined;
  for (let i = 0; i < http.length; i++) {
    const r = http[i];
    if (!isObject(r)) continue;
    for (const k of L7_ROUTE) if (r[k] !== undefined) return { name: `http[${i}].${k}`, path: [...base, i, k] };
    if (Array.isArray(r.route) && r.route.length > 1) return { name: `the weighted split in http[${i}]`, path: [...base, i, 'route'] };
  }
  return undefined;
}
