/**
 * The call graph and the retries family on real applications written by others: the env-var call graph of
 * online-boutique, emojivoto's calls and its Linkerd ServiceProfile budgets, and the Consul HashiCups upstreams and
 * intentions. Every expected edge was checked against the manifests; every expected finding was judged by reading
 * them (see the comments).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callGraphFromResult, type CallEdgeJson } from '../../src/commands/graph.js';
import { parseConfig } from '../../src/config/load.js';
import { lint, located } from '../../src/index.js';

const corpus = path.resolve(__dirname, '../../../shared/corpus');

const RETRIES = [
  'retry-amplification',
  'retry-without-budget',
  'retry-non-idempotent',
  'retry-pertry-timeout-exceeds-timeout',
  'retry-attempts-exceed-timeout',
  'timeout-inversion',
  'retry-without-timeout',
  'retry-without-outlier-detection',
  'linkerd-retry-shadowed',
  'retry-field-unsupported',
];

async function run(paths: string[], cluster: Record<string, unknown> = {}) {
  const result = await lint({ paths, cwd: corpus, config: parseConfig({ cluster }), onlyRules: RETRIES });
  expect(result.ruleErrors).toEqual([]);
  return result;
}

function calls(result: Awaited<ReturnType<typeof run>>): string[] {
  return callGraphFromResult(result)
    .edges.filter((e): e is CallEdgeJson => e.kind === 'call')
    .map((e) => `${e.from} -> ${e.to}:${e.port}`)
    .sort();
}

function findings(result: Awaited<ReturnType<typeof run>>): string[] {
  return located(result).map((l) => `${l.ruleId} ${l.level} ${l.object?.fullyQualifiedName} ${l.path}`);
}

describe.skipIf(!existsSync(corpus))('call graph on the real-world corpus (../shared/corpus; skipped when it is not present)', () => {
  describe('online-boutique: the call graph is in *_SERVICE_ADDR variables', () => {
    const files = ['online-boutique/release/kubernetes-manifests.yaml'];

    it('finds every address the services are given, and nothing else', async () => {
      const result = await run(files);
      expect(calls(result)).toEqual([
        'default/Deployment/cartservice -> default/Service/redis-cart:6379',
        'default/Deployment/checkoutservice -> default/Service/cartservice:7070',
        'default/Deployment/checkoutservice -> default/Service/currencyservice:7000',
        'default/Deployment/checkoutservice -> default/Service/emailservice:5000',
        'default/Deployment/checkoutservice -> default/Service/paymentservice:50051',
        'default/Deployment/checkoutservice -> default/Service/productcatalogservice:3550',
        'default/Deployment/checkoutservice -> default/Service/shippingservice:50051',
        'default/Deployment/frontend -> default/Service/adservice:9555',
        'default/Deployment/frontend -> default/Service/cartservice:7070',
        'default/Deployment/frontend -> default/Service/checkoutservice:5050',
        'default/Deployment/frontend -> default/Service/currencyservice:7000',
        'default/Deployment/frontend -> default/Service/productcatalogservice:3550',
        'default/Deployment/frontend -> default/Service/recommendationservice:8080',
        'default/Deployment/frontend -> default/Service/shippingservice:50051',
        // the init container waits for the frontend and the main container load-tests it: one edge, two pieces of evidence
        'default/Deployment/loadgenerator -> default/Service/frontend:80',
        'default/Deployment/recommendationservice -> default/Service/productcatalogservice:3550',
      ]);
      const lg = callGraphFromResult(result).edges.find((e): e is CallEdgeJson => e.kind === 'call' && e.from === 'default/Deployment/loadgenerator')!;
      expect(lg.evidence.map((e) => e.path)).toEqual(['spec.template.spec.containers[0].env[0].value', 'spec.template.spec.initContainers[0].env[0].value']);
      // no mesh: nothing to report
      expect(findings(result)).toEqual([]);
    });

    it("with Istio injection, Istio's default retries of gRPC UNAVAILABLE multiply along loadgenerator → frontend → gRPC services", async () => {
      const result = await run([...files, 'online-boutique/release/istio-manifests.yaml'], { namespaces: { default: { labels: { 'istio-injection': 'enabled' } } } });
      const f = findings(result);
      // Real by Istio's defaults (2 retries on gRPC UNAVAILABLE per hop, no budget), with no VirtualService retries in
      // the app: 1 × 3 × 3 = 9 ≥ 8. The gRPC ports are named `grpc`, so the default does fire under overload.
      expect(f.filter((x) => x.startsWith('retry-amplification'))).toEqual(['retry-amplification warning default/Deployment/loadgenerator spec.template.spec.containers[0].env[0].value']);
      const amp = located(result).find((l) => l.ruleId === 'retry-amplification')!;
      expect(amp.message).toContain('1 × 3 × 3 = 9');
      expect(amp.flow).toHaveLength(3);
      // One per gRPC Service that meshed callers retry by default with no budget (the HTTP frontend retries only
      // connection failures, redis-cart is TCP): real per the rule's definition; silence with includeMeshDefaults: false.
      expect(f.filter((x) => x.startsWith('retry-without-budget')).sort()).toEqual(
        ['adservice', 'cartservice', 'checkoutservice', 'currencyservice', 'emailservice', 'paymentservice', 'productcatalogservice', 'recommendationservice', 'shippingservice'].map(
          (s) => `retry-without-budget warning default/Service/${s} spec.ports[0]`,
        ),
      );
      expect(f.filter((x) => !x.startsWith('retry-amplification') && !x.startsWith('retry-without-budget'))).toEqual([]);
    });
  });

  describe('emojivoto under Linkerd, with the training ServiceProfiles', () => {
    const dir = 'emojivoto/BuoyantIO-emojivoto';
    const files = [
      ...['ns', 'web', 'emoji', 'voting', 'vote-bot'].map((f) => `${dir}/kustomize/deployment/${f}.yml`),
      ...['emoji-svc-profile', 'voting-svc-profile', 'web-service-profile-with-retry-budget'].map((f) => `${dir}/training/service-profiles/${f}.yml`),
    ];
    const linkerd = { namespaces: { emojivoto: { annotations: { 'linkerd.io/inject': 'enabled' } } } };

    it('finds web → emoji-svc, voting-svc and vote-bot → web-svc, with the profiles\' budgets on each edge', async () => {
      const result = await run(files, linkerd);
      expect(calls(result)).toEqual([
        'emojivoto/Deployment/vote-bot -> emojivoto/Service/web-svc:80',
        'emojivoto/Deployment/web -> emojivoto/Service/emoji-svc:8080',
        'emojivoto/Deployment/web -> emojivoto/Service/voting-svc:8080',
      ]);
      const edges = callGraphFromResult(result).edges.filter((e): e is CallEdgeJson => e.kind === 'call');
      for (const e of edges) {
        expect(e.mesh).toBe('linkerd');
        expect(e.attempts).toBeNull(); // isRetryable: limited only by the budget
        expect(e.budget).toBe('retry budget 0.1 % + 10/s');
        expect(e.settings.budget.object).toMatch(/^emojivoto\/ServiceProfile\//);
      }
    });

    it('reports the retryable POST routes and the missing timeouts', async () => {
      const f = findings(await run(files, linkerd));
      expect(f).toEqual([
        // False positive by design: ListAll and FindByShortcode are gRPC reads sent as POST; meshlint cannot tell reads
        // from writes and asks for the meshlint.io/idempotent annotation.
        'retry-non-idempotent warning emojivoto/ServiceProfile/emoji-svc.emojivoto.svc.cluster.local spec.routes[0].isRetryable',
        'retry-without-timeout note emojivoto/ServiceProfile/emoji-svc.emojivoto.svc.cluster.local spec.routes[0].isRetryable',
        // Real: VotePoop, VoteJoy... are writes; a retried vote after a 5xx may be counted twice.
        'retry-non-idempotent warning emojivoto/ServiceProfile/voting-svc.emojivoto.svc.cluster.local spec.routes[0].isRetryable',
        'retry-without-timeout note emojivoto/ServiceProfile/voting-svc.emojivoto.svc.cluster.local spec.routes[0].isRetryable',
        // Real: the GET routes are retried with no timeout in the profile (a hung request is never retried).
        'retry-without-timeout note emojivoto/ServiceProfile/web-svc.emojivoto.svc.cluster.local spec.routes[0].isRetryable',
      ]);
    });
  });

  describe('Consul HashiCups', () => {
    const dir = 'consul-k8s/charts/demo/templates';

    it('turns the upstream annotations into calls and the intentions into permits, and ignores look-alike values', async () => {
      const result = await run([dir]);
      // POSTGRES_USER=postgres and "user=postgres" in db-configmap name the Service but are not calls; the
      // localhost URLs go through the upstream listeners, which the annotations already give.
      expect(calls(result)).toEqual([
        'default/Deployment/nginx -> default/Service/frontend:3000',
        'default/Deployment/nginx -> default/Service/public-api:8080',
        'default/Deployment/products-api -> default/Service/postgres:5432',
        'default/Deployment/public-api -> default/Service/payments:1800',
        'default/Deployment/public-api -> default/Service/products-api:9090',
      ]);
      const report = callGraphFromResult(result);
      expect(report.edges.filter((e) => e.kind === 'permits').map((e) => `${e.from} -> ${e.to}`).sort()).toEqual([
        'default/Deployment/nginx -> default/Service/frontend',
        'default/Deployment/nginx -> default/Service/public-api',
        'default/Deployment/products-api -> default/Service/postgres',
        'default/Deployment/public-api -> default/Service/payments',
        'default/Deployment/public-api -> default/Service/products-api',
      ]);
      // every call is permitted by an intention
      const permitted = new Set(report.edges.filter((e) => e.kind === 'permits').map((e) => `${e.from}>${e.to}`));
      for (const e of report.edges.filter((x) => x.kind === 'call')) expect(permitted.has(`${e.from}>${e.to}`)).toBe(true);
      const pg = report.edges.find((e): e is CallEdgeJson => e.kind === 'call' && e.to === 'default/Service/postgres')!;
      expect(pg).toMatchObject({ mesh: 'consul', protocol: 'tcp', attempts: 1, timeout: null });
      const api = report.edges.find((e): e is CallEdgeJson => e.kind === 'call' && e.to === 'default/Service/public-api')!;
      expect(api).toMatchObject({ mesh: 'consul', protocol: 'http', attempts: 1, timeout: '15s' });
      // Consul retries nothing by default: no retries-family finding
      expect(findings(result)).toEqual([]);
    });
  });
});
