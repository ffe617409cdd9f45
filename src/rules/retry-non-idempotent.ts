import { callEdges, type CallEdge } from '../graph/calls.js';
import { edgePolicies, type SetBy } from '../graph/mesh/retries.js';
import { getIn, isObject, str, type JsonValue, type Path, type Resource } from '../load/types.js';
import { IDEMPOTENT_ANNOTATION, IDEMPOTENT_METHODS, INCLUDE_DEFAULTS_SCHEMA, listNames, markedIdempotent, named, RETRY_READS, setterKey, target, unsafeConditions } from './_retries.js';
import { defineRule } from './types.js';

interface Options {
  includeMeshDefaults: boolean;
}

const arr = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);

/** Methods a route is limited to, when every match names one; undefined = any method. */
function limitedTo(matches: JsonValue[], method: (m: JsonValue) => string | undefined): string[] | undefined {
  if (!matches.length) return undefined;
  const out: string[] = [];
  for (const m of matches) {
    const x = method(m);
    if (!x) return undefined;
    out.push(x.toUpperCase());
  }
  return out;
}

function unsafeMethods(methods: string[] | undefined): string {
  if (!methods) return 'any method';
  const bad = methods.filter((m) => !IDEMPOTENT_METHODS.has(m));
  return bad.length ? bad.join(', ') : '';
}

export default defineRule<'route' | 'serviceProfile' | 'meshDefault', Options>({
  meta: {
    id: 'retry-non-idempotent',
    description: 'Retries on server errors or resets for requests that are not limited to idempotent methods, which can repeat work the server already did.',
    level: 'warning',
    family: 'retries',
    reads: [...RETRY_READS, 'ServiceRouter.consul.hashicorp.com', 'MeshRetry.kuma.io'],
    messages: {
      route: '{object} retries on {conditions} for {methods}: a 5xx, gateway error or reset can come after the server has already acted, so a POST or PATCH may run twice; limit the route to idempotent methods, drop those conditions, or mark it with ' + IDEMPOTENT_ANNOTATION + ': "true" if the API is idempotent',
      serviceProfile: '{object} marks {count} route(s) isRetryable for non-idempotent methods ({routes}); Linkerd retries their failed responses, so those requests may run twice unless the API is idempotent (then annotate the profile with ' + IDEMPOTENT_ANNOTATION + ': "true")',
      meshDefault: 'Kuma retries HTTP calls to {target} on gateway-error for every method ({policy}, and Kuma\'s conditions when retryOn is unset include GatewayError [KU-RETRY-XDS]); callers {callers} may see non-idempotent requests repeated: set retryOn without GatewayError in a MeshRetry for POST-heavy services, or mark the Service ' + IDEMPOTENT_ANNOTATION + ': "true"',
    },
    options: {
      schema: { type: 'object', additionalProperties: false, properties: { ...INCLUDE_DEFAULTS_SCHEMA } },
      defaults: { includeMeshDefaults: true },
    },
    precision: 'medium',
    tags: ['reliability'],
  },
  check({ graph, options, report }) {
    const flag = (resource: Resource, path: Path, conditions: string[], methods: string[] | undefined) => {
      const m = unsafeMethods(methods);
      if (!conditions.length || !m || markedIdempotent(resource)) return;
      report({ messageId: 'route', data: { object: named(graph, resource), conditions: [...new Set(conditions)].join(', '), methods: m === 'any method' ? 'requests of any method' : `${m} requests` }, resource, path });
    };

    // Istio VirtualService routes
    for (const vs of graph.ofKind('networking.istio.io', 'VirtualService')) {
      arr(getIn(vs.obj, ['spec', 'http'])).forEach((r, i) => {
        if (!isObject(r) || !isObject(r.retries)) return;
        const attempts = typeof r.retries.attempts === 'number' ? r.retries.attempts : 0;
        const retryOn = str(r.retries.retryOn);
        if (attempts <= 0 || !retryOn) return;
        const methods = limitedTo(arr(r.match), (m) => (isObject(m) && isObject(m.method) ? str(m.method.exact) : undefined));
        flag(vs, ['spec', 'http', i, 'retries', 'retryOn'], unsafeConditions(retryOn.split(',').map((x) => x.trim())), methods);
      });
    }
    // Gateway API HTTPRoute retry codes
    for (const route of graph.ofKind('gateway.networking.k8s.io', 'HTTPRoute')) {
      arr(getIn(route.obj, ['spec', 'rules'])).forEach((r, i) => {
        if (!isObject(r) || !isObject(r.retry)) return;
        const codes = arr(r.retry.codes).filter((c): c is number => typeof c === 'number').map(String);
        const methods = limitedTo(arr(r.matches), (m) => (isObject(m) ? str(m.method) : undefined));
        flag(route, ['spec', 'rules', i, 'retry', ...(r.retry.codes !== undefined ? ['codes'] : [])], unsafeConditions(codes), methods);
      });
    }
    // Linkerd retry annotations on Services and routes
    for (const r of [...graph.ofKind('', 'Service'), ...graph.ofKind('gateway.networking.k8s.io', 'HTTPRoute'), ...graph.ofKind('policy.linkerd.io', 'HTTPRoute')]) {
      const ann = isObject(r.obj.metadata) && isObject(r.obj.metadata.annotations) ? r.obj.metadata.annotations : undefined;
      const http = ann ? str(ann['retry.linkerd.io/http']) : undefined;
      if (!http) continue;
      const conds = unsafeConditions(http.split(',').map((x) => x.trim()));
      let methods: string[] | undefined;
      if (r.kind === 'HTTPRoute') {
        const rules = arr(getIn(r.obj, ['spec', 'rules']));
        const all = rules.flatMap((x) => (isObject(x) ? [limitedTo(arr(x.matches), (m) => (isObject(m) ? str(m.method) : undefined))] : []));
        methods = all.length && all.every((x) => x) ? all.flatMap((x) => x!) : undefined;
      }
      flag(r, ['metadata', 'annotations', 'retry.linkerd.io/http'], conds, methods);
    }
    // Linkerd ServiceProfiles: one finding per profile
    for (const sp of graph.ofKind('linkerd.io', 'ServiceProfile')) {
      if (markedIdempotent(sp)) continue;
      const bad: { name: string; i: number }[] = [];
      arr(getIn(sp.obj, ['spec', 'routes'])).forEach((r, i) => {
        if (!isObject(r) || r.isRetryable !== true) return;
        const c = isObject(r.condition) ? r.condition : {};
        const method = str(c.method) ?? arr(c.all).map((x) => (isObject(x) ? str(x.method) : undefined)).find(Boolean);
        if (method && IDEMPOTENT_METHODS.has(method.toUpperCase())) return;
        bad.push({ name: str(r.name) ?? `#${i}`, i });
      });
      if (!bad.length) continue;
      report({
        messageId: 'serviceProfile',
        data: { object: named(graph, sp), count: bad.length, routes: listNames(bad.map((b) => b.name), 3) },
        resource: sp,
        path: ['spec', 'routes', bad[0]!.i, 'isRetryable'],
      });
    }
    // Consul ServiceRouter destinations
    for (const router of graph.ofKind('consul.hashicorp.com', 'ServiceRouter')) {
      arr(getIn(router.obj, ['spec', 'routes'])).forEach((r, i) => {
        if (!isObject(r) || !isObject(r.destination)) return;
        const d = r.destination;
        const conds = [...arr(d.retryOn).filter((x): x is string => typeof x === 'string'), ...arr(d.retryOnStatusCodes).filter((x): x is number => typeof x === 'number').map(String)];
        const methods = arr(getIn(r, ['match', 'http', 'methods'])).filter((m): m is string => typeof m === 'string').map((m) => m.toUpperCase());
        flag(router, ['spec', 'routes', i, 'destination', d.retryOn !== undefined ? 'retryOn' : 'retryOnStatusCodes'], unsafeConditions(conds), methods.length ? methods : undefined);
      });
    }
    // Kuma MeshRetry with explicit conditions
    for (const mr of graph.ofKind('kuma.io', 'MeshRetry')) {
      arr(getIn(mr.obj, ['spec', 'to'])).forEach((to, i) => {
        const ro = getIn(to, ['default', 'http', 'retryOn']);
        if (!Array.isArray(ro)) return;
        const conds = ro.filter((x): x is string => typeof x === 'string').map((x) => ({ '5xx': '5xx', gatewayerror: 'gateway-error', reset: 'reset', retriable4xx: 'retriable-4xx' })[x.toLowerCase().replace(/[_\-]/g, '')] ?? x);
        flag(mr, ['spec', 'to', i, 'default', 'http', 'retryOn'], unsafeConditions(conds), undefined);
      });
    }
    // Kuma's default conditions (retryOn unset) include gateway-error, for every method
    if (options.includeMeshDefaults) {
      const groups = new Map<string, { callers: string[]; edge: CallEdge; setBy: SetBy }>();
      const policies = edgePolicies(graph);
      for (const edge of callEdges(graph)) {
        const p = policies[edge.id]!;
        if (p.mesh !== 'kuma' || p.retryOn.setBy.source !== '[KU-RETRY-XDS]') continue;
        if ((p.attempts.value ?? 1) <= 1 || !unsafeConditions(p.retryOn.value).length || markedIdempotent(edge.to)) continue;
        const key = `${setterKey(p.retryOn.setBy)}|${edge.to.id}`;
        const g = groups.get(key);
        if (g) g.callers.push(edge.from.owner.name);
        else groups.set(key, { callers: [edge.from.owner.name], edge, setBy: p.retryOn.setBy });
      }
      for (const { callers, edge, setBy } of groups.values()) {
        const loc = setBy.resource ? { resource: setBy.resource, path: setBy.path } : { resource: edge.to, path: edge.port ? [...edge.port.path] : ['spec', 'ports'] };
        report({ messageId: 'meshDefault', data: { target: target(graph, edge), callers: listNames(callers), policy: setBy.resource ? `${named(graph, setBy.resource)} sets numRetries without retryOn` : 'the default policy mesh-retry-all' }, ...loc });
      }
    }
  },
});
