/**
 * Edge policies are shared between edges whose policies read the same inputs (src/graph/mesh/retries.ts
 * `sharedPolicy`): callers of one Service port, in one namespace or in namespaces that no object involved names.
 * These inputs are built so that the caller's namespace, labels, mesh and Consul name do matter for some edges
 * (VirtualServices in several namespaces, exportTo, sourceNamespace and sourceLabels routes, DestinationRules on
 * every step of the lookup path, consumer routes, ServiceProfiles in callers' namespaces, Kuma policies in callers'
 * namespaces and for subsets, Consul ServiceDefaults per caller): every shared policy must equal the policy
 * computed for its edge alone.
 */
import { describe, expect, it } from 'vitest';
import { callGraph } from '../../src/graph/calls.js';
import { Graph } from '../../src/graph/graph.js';
import { edgePolicies, edgePolicy, hopFactor, hopFactorValue, unsharedEdgePolicy, type EdgePolicy } from '../../src/graph/mesh/retries.js';
import { loadInputs } from '../../src/load/index.js';

async function graphOf(text: string): Promise<Graph> {
  const load = await loadInputs({ paths: [], cwd: process.cwd(), defaultNamespace: 'default', ignore: [], gitignore: false, stdinName: '<stdin>', maxFileBytes: 1 << 26, texts: [{ path: 'm.yaml', text }] });
  return new Graph(load.resources, { defaultNamespace: 'default', cluster: {} });
}

const FEATURES = ['vsRank', 'sourceNamespace', 'sourceLabels', 'vsExportTo', 'routeDestination', 'drNamespace', 'drExportTo', 'drSelector', 'consumerRoute', 'profiles', 'kuma', 'consul'] as const;
type Feature = (typeof FEATURES)[number];

/**
 * Manifests for one seed: per mesh, Services called from every namespace of the mesh, and random policy objects
 * with the given features only (one feature at a time keeps the others from hiding a namespace that it makes matter).
 */
function manifests(seed: number, features: readonly Feature[] = FEATURES): string {
  const on = (f: Feature) => features.includes(f);
  let state = seed;
  const rnd = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const chance = (p: number) => rnd() < p;
  const docs: object[] = [];
  const meshes: Record<string, string[]> = { istio: ['i1', 'i2', 'i3', 'istio-system'], linkerd: ['l1', 'l2', 'l3'], kuma: ['k1', 'k2', 'k3', 'kuma-system'], consul: ['c1', 'c2'] };
  for (const [mesh, nss] of Object.entries(meshes)) {
    for (const ns of nss) {
      docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: mesh === 'istio' ? { 'istio-injection': 'enabled' } : mesh === 'kuma' ? { 'kuma.io/sidecar-injection': 'enabled' } : {}, annotations: mesh === 'linkerd' ? { 'linkerd.io/inject': 'enabled' } : {} } });
    }
  }
  const fq = (name: string, ns: string) => `${name}.${ns}.svc.cluster.local`;
  let n = 0;
  for (const [mesh, nss] of Object.entries(meshes)) {
    const home = nss.filter((ns) => !ns.endsWith('-system'));
    const svcs = Array.from({ length: 8 }, (_, i) => ({ name: `${mesh[0]}s${i}`, ns: pick(home), ports: chance(0.3) ? [80, 9090] : [pick([80, 8080])] }));
    const other = (ns: string) => pick(nss.filter((x) => x !== ns));
    const podMeta = (app: string) => ({ labels: { app, tier: n % 2 ? 'web' : 'api' }, annotations: mesh === 'consul' ? { 'consul.hashicorp.com/connect-inject': 'true' } : {} });
    for (const s of svcs) {
      docs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: s.name, namespace: s.ns, annotations: chance(0.3) ? { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '2', 'timeout.linkerd.io/request': '2s' } : {} }, spec: { selector: { app: s.name }, ports: s.ports.map((port) => ({ name: port === 9090 ? 'grpc' : 'http', port, appProtocol: port === 9090 ? 'grpc' : 'http' })) } });
      docs.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: s.name, namespace: s.ns }, spec: { selector: { matchLabels: { app: s.name } }, template: { metadata: podMeta(s.name), spec: { containers: [{ name: 'a', image: 'x' }] } } } });
      for (const ns of [...nss, ...nss]) {
        const caller = `c${n++}`;
        const env = s.ports.map((port, i) => ({ name: `UPSTREAM_${i}_ADDR`, value: `${s.name}.${s.ns}:${port}` }));
        docs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: caller, namespace: ns }, spec: { selector: { app: caller }, ports: [{ name: 'http', port: 80 }] } });
        docs.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: caller, namespace: ns }, spec: { selector: { matchLabels: { app: caller } }, template: { metadata: podMeta(caller), spec: { containers: [{ name: 'a', image: 'x', env }] } } } });
        if (mesh === 'consul' && on('consul')) docs.push({ apiVersion: 'consul.hashicorp.com/v1alpha1', kind: 'ServiceDefaults', metadata: { name: caller, namespace: ns }, spec: { protocol: 'http', ...(chance(0.5) ? { upstreamConfig: { overrides: [{ name: s.name, passiveHealthCheck: { maxFailures: 2 } }] } } : {}) } });
      }
      const retries = () => ({ attempts: 1 + Math.floor(rnd() * 4), retryOn: pick(['5xx', 'gateway-error,connect-failure', 'reset']), ...(chance(0.5) ? { perTryTimeout: '1s' } : {}) });
      if (mesh === 'istio') {
        for (let v = Math.floor(rnd() * 3); v > 0; v--) {
          docs.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: `${s.name}-vs${v}`, namespace: on('vsRank') && chance(0.5) ? other(s.ns) : s.ns }, spec: {
            hosts: [fq(s.name, s.ns)], ...(on('vsExportTo') && chance(0.3) ? { exportTo: [pick(['.', 'i1', 'i2', '*'])] } : {}),
            http: [
              ...(on('sourceNamespace') && chance(0.6) ? [{ match: [{ sourceNamespace: pick(nss) }], retries: retries(), timeout: '2s', route: [{ destination: { host: fq(s.name, s.ns) } }] }] : []),
              ...(on('sourceLabels') && chance(0.3) ? [{ match: [{ sourceLabels: { tier: 'web' } }], retries: retries(), route: [{ destination: { host: fq(s.name, s.ns) } }] }] : []),
              ...(chance(0.5) ? [{ match: [{ uri: { prefix: '/api' } }], retries: retries(), route: [{ destination: { host: fq(s.name, s.ns) } }] }] : []),
              ...(chance(0.5) ? [{ retries: retries(), timeout: '5s', route: [{ destination: { host: on('routeDestination') ? pick([fq(s.name, s.ns), fq(pick(svcs).name, pick(nss))]) : fq(s.name, s.ns) } }] }] : []),
            ] } });
        }
        for (let d = Math.floor(rnd() * 3); d > 0; d--) {
          docs.push({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: `${s.name}-dr${d}`, namespace: on('drNamespace') ? pick([s.ns, other(s.ns), 'istio-system']) : s.ns }, spec: {
            host: pick([fq(s.name, s.ns), `*.${s.ns}.svc.cluster.local`]), ...(on('drExportTo') && chance(0.3) ? { exportTo: [pick(['.', 'i1', '*'])] } : {}), ...(on('drSelector') && chance(0.3) ? { workloadSelector: { matchLabels: { tier: 'api' } } } : {}),
            trafficPolicy: { ...(chance(0.5) ? { connectionPool: { http: { maxRetries: pick([2, 500]) } } } : {}), ...(chance(0.5) ? { outlierDetection: { consecutive5xxErrors: 2 } } : {}), ...(chance(0.2) ? { portLevelSettings: [{ port: { number: s.ports[0] }, connectionPool: { http: { maxRetries: 3 } } }] } : {}) } } });
        }
      }
      if ((mesh === 'istio' || mesh === 'linkerd') && chance(0.4)) {
        docs.push({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: `${s.name}-rt`, namespace: on('consumerRoute') && chance(0.5) ? other(s.ns) : s.ns, annotations: chance(0.5) ? { 'retry.linkerd.io/http': '5xx' } : {} }, spec: { parentRefs: [{ group: '', kind: 'Service', name: s.name, namespace: s.ns }], rules: [{ timeouts: { request: pick(['1s', '4s']) }, ...(chance(0.5) ? { retry: { attempts: 2 } } : {}), backendRefs: [{ name: s.name, namespace: s.ns, port: s.ports[0] }] }] } });
      }
      if (mesh === 'linkerd') {
        for (let p = Math.floor(rnd() * 3); p > 0; p--) docs.push({ apiVersion: 'linkerd.io/v1alpha2', kind: 'ServiceProfile', metadata: { name: fq(s.name, s.ns), namespace: on('profiles') ? pick(nss) : s.ns }, spec: { routes: [{ name: 'r', condition: { method: 'GET' }, isRetryable: chance(0.7), timeout: pick(['1s', '2s']) }], ...(chance(0.5) ? { retryBudget: { retryRatio: pick([0.1, 0.5]), minRetriesPerSecond: 3, ttl: '10s' } } : {}) } });
      }
      if (mesh === 'kuma' && on('kuma')) {
        for (let p = Math.floor(rnd() * 3); p > 0; p--) {
          docs.push({ apiVersion: 'kuma.io/v1alpha1', kind: pick(['MeshRetry', 'MeshTimeout']), metadata: { name: `${s.name}-p${p}`, namespace: pick(nss) }, spec: {
            targetRef: chance(0.6) ? { kind: 'Mesh' } : { kind: 'MeshSubset', tags: { tier: 'web' } },
            to: [{ targetRef: chance(0.5) ? { kind: 'MeshService', name: s.name, namespace: s.ns } : { kind: 'Mesh' }, default: { http: { numRetries: 1 + Math.floor(rnd() * 4), perTryTimeout: '1s', requestTimeout: pick(['2s', '20s']) } } }] } });
        }
      }
      if (mesh === 'consul' && chance(0.5)) docs.push({ apiVersion: 'consul.hashicorp.com/v1alpha1', kind: 'ServiceRouter', metadata: { name: s.name, namespace: s.ns }, spec: { routes: [{ match: { http: { pathPrefix: '/' } }, destination: { numRetries: 2, retryOnStatusCodes: [503], requestTimeout: '2s' } }] } });
    }
  }
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

/** Every field of an EdgePolicy read through its accessors, as a plain object (policies read their shared core). */
const FIELDS = ['edge', 'mesh', 'mode', 'protocol', 'attempts', 'retryOn', 'overloadRetries', 'connectOnly', 'perTryTimeoutMs', 'timeoutMs', 'backoff', 'bound', 'outlierDetection', 'route', 'notes'] as const;
function fieldsOf(p: EdgePolicy): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of FIELDS) out[k] = p[k];
  return out;
}

const CASES: readonly { seed: number; features?: readonly Feature[] }[] = [{ seed: 1 }, { seed: 2 }, { seed: 3 }, ...FEATURES.map((f, i) => ({ seed: 10 + i, features: [f] })), { seed: 30, features: ['routeDestination', 'drNamespace'] }];

describe('shared edge policies', () => {
  for (const { seed, features } of CASES) {
    it(`equal the policy computed for each edge alone (seed ${seed}, ${features?.join(', ') ?? 'every feature'})`, async () => {
      const g = await graphOf(manifests(seed, features));
      const edges = callGraph(g).edges;
      expect(edges.length).toBeGreaterThan(100);
      const policies = edgePolicies(g);
      // the input is only a test if callers of one Service port do get different policies
      const byTarget = new Map<string, Set<string>>();
      // each computed policy has a notes list of its own, so edges that share a policy share that list
      const holders = new Map<object, number>();
      for (const e of edges) {
        const p = policies[e.id]!;
        expect(p).toBe(edgePolicy(g, e));
        expect(p).toStrictEqual(unsharedEdgePolicy(g, e));
        expect(fieldsOf(p)).toStrictEqual(fieldsOf(unsharedEdgePolicy(g, e)));
        expect(p.edge).toBe(e);
        holders.set(p.notes, (holders.get(p.notes) ?? 0) + 1);
        expect(hopFactorValue(p)).toBe(hopFactor(p).factor);
        const k = `${e.to.id}|${e.port?.index}`;
        const l = byTarget.get(k) ?? byTarget.set(k, new Set()).get(k)!;
        l.add(JSON.stringify([p.mesh, p.attempts, p.timeoutMs, p.bound, p.outlierDetection, p.route?.label], (key, v) => (key === 'resource' ? v?.id : v)));
      }
      expect([...byTarget.values()].filter((s) => s.size > 1).length).toBeGreaterThan(0);
      // and edges do share: otherwise the comparison above proves nothing about sharing
      expect([...holders.values()].some((n) => n > 1)).toBe(true);
    });
  }
});

describe('shared edge policies in hand-written cases', () => {
  const ns = (name: string, mesh: 'istio' | 'kuma') => `apiVersion: v1
kind: Namespace
metadata: {name: ${name}, labels: {${mesh === 'istio' ? 'istio-injection: enabled' : 'kuma.io/sidecar-injection: enabled'}}}
`;
  const svc = (name: string, namespace: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${namespace}}
spec: {selector: {app: ${name}}, ports: [{name: http, port: 80, appProtocol: http}]}
`;
  const deploy = (name: string, namespace: string, labels: Record<string, string>, calls?: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: ${JSON.stringify({ app: name, ...labels })}}
    spec: {containers: [{name: a, image: x${calls ? `, env: [{name: UPSTREAM_ADDR, value: "${calls}"}]` : ''}}]}
`;
  const check = async (text: string) => {
    const g = await graphOf(text);
    for (const e of callGraph(g).edges) expect(edgePolicy(g, e)).toStrictEqual(unsharedEdgePolicy(g, e));
    return g;
  };

  it('reads the DestinationRule of a route destination in the caller\'s namespace', async () => {
    // s (i1) routes to t (i2); a DestinationRule for t in i3 applies to callers in i3 only
    const g = await check([ns('i1', 'istio'), ns('i2', 'istio'), ns('i3', 'istio'), svc('s', 'i1'), svc('t', 'i2'), deploy('s', 'i1', {}), deploy('t', 'i2', {}),
      deploy('a', 'i1', {}, 's.i1:80'), deploy('b', 'i3', {}, 's.i1:80'), deploy('c', 'i2', {}, 's.i1:80'),
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: s, namespace: i1}
spec: {hosts: [s.i1.svc.cluster.local], http: [{route: [{destination: {host: t.i2.svc.cluster.local}}]}]}
`,
      `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: t, namespace: i3}
spec: {host: t.i2.svc.cluster.local, trafficPolicy: {connectionPool: {http: {maxRetries: 2}}}}
`].join('---\n'));
    const bound = (from: string) => edgePolicy(g, callGraph(g).edges.find((e) => e.from.owner.name === from)!).bound.value?.maxConcurrent;
    expect([bound('a'), bound('b'), bound('c')]).toEqual([undefined, 2, undefined]);
  });

  it('tells apart callers in one namespace that a MeshSubset policy selects or not', async () => {
    const g = await check([ns('k1', 'kuma'), svc('s', 'k1'), deploy('s', 'k1', {}),
      deploy('a', 'k1', { tier: 'web' }, 's.k1:80'), deploy('b', 'k1', { tier: 'api' }, 's.k1:80'), deploy('c', 'k1', { tier: 'web' }, 's.k1:80'),
      `apiVersion: kuma.io/v1alpha1
kind: MeshRetry
metadata: {name: web, namespace: k1}
spec: {targetRef: {kind: MeshSubset, tags: {tier: web}}, to: [{targetRef: {kind: Mesh}, default: {http: {numRetries: 7}}}]}
`].join('---\n'));
    const attempts = (from: string) => edgePolicy(g, callGraph(g).edges.find((e) => e.from.owner.name === from)!).attempts.value;
    expect([attempts('a'), attempts('b'), attempts('c')]).toEqual([8, 6, 8]);
  });
});
