import { clusterDomainOf } from '../graph/mesh/hosts.js';
import { LINKERD_RETRY_ANNOTATIONS, LINKERD_TIMEOUT_ANNOTATIONS } from '../graph/mesh/retries.js';
import { gatewayRouteParents } from '../graph/mesh/routes.js';
import { getIn, isObject, str, type JsonObject, type Resource } from '../load/types.js';
import { named, nsOf, RETRY_READS } from './_retries.js';
import { defineRule } from './types.js';

const ALL = [...LINKERD_RETRY_ANNOTATIONS, ...LINKERD_TIMEOUT_ANNOTATIONS];

const NO_ANNOTATIONS: JsonObject = {};

/** The object's annotations as written (read in place: only string values count, see `has`). */
function annotations(r: Resource): JsonObject {
  return isObject(r.obj.metadata) && isObject(r.obj.metadata.annotations) ? r.obj.metadata.annotations : NO_ANNOTATIONS;
}

function has(a: JsonObject, key: string): boolean {
  return typeof a[key] === 'string';
}

function hasAny(a: JsonObject, keys: readonly string[]): boolean {
  for (const k of keys) if (typeof a[k] === 'string') return true;
  return false;
}

const GRPC_CONDITIONS = ['retry.linkerd.io/grpc'];
const HTTP_CONDITIONS = ['retry.linkerd.io/http'];
const ANY_CONDITIONS = ['retry.linkerd.io/http', 'retry.linkerd.io/grpc'];
const KNOBS = ['retry.linkerd.io/limit', 'retry.linkerd.io/timeout'];

export default defineRule<'profileWins' | 'budgetFields' | 'budgetTtl' | 'limitOnly' | 'limitZero' | 'wrongKind' | 'routeReplaces'>({
  meta: {
    id: 'linkerd-retry-shadowed',
    description: 'Linkerd retry or timeout settings that are silently overridden by a ServiceProfile or a route, or written in a way that does nothing.',
    level: 'warning',
    family: 'retries',
    reads: [...RETRY_READS, 'GRPCRoute.gateway.networking.k8s.io'],
    messages: {
      profileWins: '{object} sets {keys}, but ServiceProfile {profile} exists for this Service, and Linkerd ignores retry and timeout annotations when a ServiceProfile applies [L-DOC-RETRY]{scope}; move the settings into the profile or delete the profile',
      budgetFields: '{object} sets retryBudget without {missing}: Linkerd copies the block as written, so the missing field is 0 instead of its default ({defaults}) [L-PROFILE]',
      budgetTtl: '{object} sets retryBudget without ttl: Linkerd cannot parse the empty duration and rejects the whole profile, so none of its routes, retries or timeouts apply [L-PROFILE]',
      limitOnly: '{object} sets {keys} but no {conditions}: with no status codes to retry, Linkerd only retries requests that failed without a response (or timed out per retry.linkerd.io/timeout), never a 5xx [L-GRPC-OUT]',
      limitZero: '{object} sets retry.linkerd.io/limit "0", which Linkerd reads as unset: the limit becomes 1 retry rather than none [L-HTTPRS]; remove the retry annotations to disable retries',
      wrongKind: '{object} sets {key}, which Linkerd does not read on a {kind} ({use} instead) [L-DOC-RETRY]',
      routeReplaces: '{object} sets {keys}, but {route} (attached to this Service) sets its own retry annotations, and a route\'s retry annotations replace all of the Service\'s for the requests it matches [L-DOC-RETRY]',
    },
    precision: 'high',
    tags: ['reliability'],
  },
  check({ graph, report }) {
    const domain = clusterDomainOf(graph).value;
    // ServiceProfile name → profiles (any namespace: a client-namespace profile shadows for its clients)
    const profiles = new Map<string, Resource[]>();
    for (const sp of graph.ofKind('linkerd.io', 'ServiceProfile')) {
      const l = profiles.get(sp.name);
      if (l) l.push(sp);
      else profiles.set(sp.name, [sp]);
    }
    const routesOf = new Map<number, Resource[]>();
    for (const p of gatewayRouteParents(graph)) {
      if (p.kind !== 'Service' || p.status !== 'ok' || !p.target) continue;
      const l = routesOf.get(p.target.id);
      if (l) l.push(p.route);
      else routesOf.set(p.target.id, [p.route]);
    }

    for (const svc of graph.ofKind('', 'Service')) {
      const ann = annotations(svc);
      const routes = routesOf.get(svc.id) ?? [];
      // Without routes, only the Service's own retry/timeout annotations can be shadowed: most have none.
      if (routes.length === 0 && !hasAny(ann, ALL)) continue;
      const keys = ALL.filter((k) => has(ann, k));
      const sps = profiles.size ? (profiles.get(`${svc.name}.${nsOf(graph, svc)}.svc.${domain}`) ?? []) : [];
      const withRouteAnn = routes.filter((r) => ALL.some((k) => has(annotations(r), k)));
      if (sps.length && (keys.length || withRouteAnn.length)) {
        const own = sps.find((sp) => nsOf(graph, sp) === nsOf(graph, svc));
        const sp = own ?? sps[0]!;
        const scope = own ? '' : ` (the profile is in namespace ${nsOf(graph, sp)}, so this holds for clients there)`;
        const targets: { r: Resource; keys: string[] }[] = [...(keys.length ? [{ r: svc, keys }] : []), ...withRouteAnn.map((r) => ({ r, keys: ALL.filter((k) => has(annotations(r), k)) }))];
        for (const t of targets) {
          report({ messageId: 'profileWins', data: { object: named(graph, t.r), keys: t.keys.join(', '), profile: `${nsOf(graph, sp)}/${sp.name}`, scope }, resource: t.r, path: ['metadata', 'annotations', t.keys[0]!] });
        }
        continue;
      }
      const svcRetry = LINKERD_RETRY_ANNOTATIONS.filter((k) => has(ann, k));
      const replacing = routes.filter((r) => LINKERD_RETRY_ANNOTATIONS.some((k) => has(annotations(r), k)));
      if (svcRetry.length && replacing.length) {
        report({ messageId: 'routeReplaces', data: { object: named(graph, svc), keys: svcRetry.join(', '), route: named(graph, replacing[0]!) }, resource: svc, path: ['metadata', 'annotations', svcRetry[0]!] });
      }
    }

    // combinations that do nothing, on Services and routes
    for (const list of [graph.ofKind('', 'Service'), graph.ofKind('gateway.networking.k8s.io', 'HTTPRoute'), graph.ofKind('gateway.networking.k8s.io', 'GRPCRoute'), graph.ofKind('policy.linkerd.io', 'HTTPRoute')]) {
      for (const r of list) {
        const ann = annotations(r);
        if (ann === NO_ANNOTATIONS) continue;
        const isGrpcRoute = r.kind === 'GRPCRoute';
        const isHttpRoute = r.kind === 'HTTPRoute';
        if (isGrpcRoute && has(ann, 'retry.linkerd.io/http')) {
          report({ messageId: 'wrongKind', data: { object: named(graph, r), key: 'retry.linkerd.io/http', kind: 'GRPCRoute', use: 'retry.linkerd.io/grpc' }, resource: r, path: ['metadata', 'annotations', 'retry.linkerd.io/http'] });
        }
        if (isHttpRoute && has(ann, 'retry.linkerd.io/grpc')) {
          report({ messageId: 'wrongKind', data: { object: named(graph, r), key: 'retry.linkerd.io/grpc', kind: 'HTTPRoute', use: 'retry.linkerd.io/http, or a GRPCRoute' }, resource: r, path: ['metadata', 'annotations', 'retry.linkerd.io/grpc'] });
        }
        const limit = ann['retry.linkerd.io/limit'];
        if (typeof limit === 'string' && limit.trim() === '0') {
          report({ messageId: 'limitZero', data: { object: named(graph, r) }, resource: r, path: ['metadata', 'annotations', 'retry.linkerd.io/limit'] });
          continue;
        }
        if (!hasAny(ann, KNOBS)) continue;
        const conditionKeys = isGrpcRoute ? GRPC_CONDITIONS : isHttpRoute ? HTTP_CONDITIONS : ANY_CONDITIONS;
        const knobs = KNOBS.filter((k) => has(ann, k));
        if (knobs.length && !hasAny(ann, conditionKeys)) {
          report({ messageId: 'limitOnly', data: { object: named(graph, r), keys: knobs.join(' and '), conditions: conditionKeys.join(' or ') }, resource: r, path: ['metadata', 'annotations', knobs[0]!] });
        }
      }
    }

    // ServiceProfile budgets written partially
    for (const sp of graph.ofKind('linkerd.io', 'ServiceProfile')) {
      const rb = getIn(sp.obj, ['spec', 'retryBudget']);
      if (!isObject(rb)) continue;
      if (str(rb.ttl) === undefined) {
        report({ messageId: 'budgetTtl', data: { object: named(graph, sp) }, resource: sp, path: ['spec', 'retryBudget'] });
        continue;
      }
      const missing = [rb.retryRatio === undefined ? 'retryRatio' : '', rb.minRetriesPerSecond === undefined ? 'minRetriesPerSecond' : ''].filter(Boolean);
      if (missing.length) {
        const defaults = missing.map((m) => (m === 'retryRatio' ? 'retryRatio 0.2' : 'minRetriesPerSecond 10')).join(', ');
        report({ messageId: 'budgetFields', data: { object: named(graph, sp), missing: missing.join(' and '), defaults }, resource: sp, path: ['spec', 'retryBudget'] });
      }
    }
  },
});
