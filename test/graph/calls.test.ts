/**
 * The call graph: which values count as calls (precision first) and what evidence each edge carries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callGraph, hostRefsByPattern, resolveDnsName, simpleHostRef, type CallEdge } from '../../src/graph/calls.js';
import { Graph } from '../../src/graph/graph.js';
import { loadInputs } from '../../src/load/index.js';
import { formatPath } from '../../src/load/types.js';
import { yaml } from '../helpers/rule-tester.js';

async function graphOf(text: string, cluster: Record<string, unknown> = {}): Promise<Graph> {
  const load = await loadInputs({ paths: [], cwd: process.cwd(), defaultNamespace: 'default', ignore: [], gitignore: false, stdinName: '<stdin>', maxFileBytes: 1 << 26, texts: [{ path: 'm.yaml', text }] });
  return new Graph(load.resources, { defaultNamespace: 'default', cluster });
}

const summary = (e: CallEdge) => `${e.from.owner.name} -> ${e.to.namespace}/${e.to.name}:${e.port?.port ?? e.portWritten ?? '?'}`;

const services = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: cart, namespace: shop}
  spec: {selector: {app: cart}, ports: [{name: grpc, port: 7070}]}
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: billing, namespace: shop}
  spec: {selector: {app: billing}, ports: [{name: http, port: 80}, {name: admin, port: 9000}]}
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: postgres, namespace: data}
  spec: {selector: {app: postgres}, ports: [{port: 5432}]}
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: redis, namespace: shop}
  spec: {selector: {app: redis}, ports: [{port: 6379}]}
`;

/** A Deployment in namespace shop; containers and extra template metadata given as objects (written as JSON, which is YAML). */
function deployment(name: string, containers: object[], annotations?: Record<string, string>): string {
  const meta = { labels: { app: name }, ...(annotations ? { annotations } : {}) };
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: ${JSON.stringify(meta)}
    spec:
      containers: ${JSON.stringify(containers)}
`;
}

describe('call edges from environment variables', () => {
  it('reads host:port, name.namespace, FQDNs, URLs with paths and gRPC dns targets', async () => {
    const g = await graphOf(services + '---\n' + deployment('web', [{ name: 'web', image: 'web', env: [
      { name: 'CART_SERVICE_ADDR', value: 'cart:7070' },
      { name: 'BILLING_URL', value: 'http://billing.shop.svc.cluster.local/api/v1' },
      { name: 'DB_DSN', value: 'postgres://app:s3cret@postgres.data:5432/app?sslmode=disable' },
      { name: 'CART_GRPC', value: 'dns:///cart.shop:7070' },
      { name: 'ADMIN', value: 'billing.shop:9000' },
    ] }]));
    const edges = callGraph(g).edges;
    expect(edges.map(summary).sort()).toEqual(['web -> data/postgres:5432', 'web -> shop/billing:80', 'web -> shop/billing:9000', 'web -> shop/cart:7070']);
    const cart = edges.find((e) => e.to.name === 'cart')!;
    expect(cart.evidence.map((e) => e.text)).toEqual(['CART_SERVICE_ADDR=cart:7070', 'CART_GRPC=dns:///cart.shop:7070']);
    expect(formatPath(cart.evidence[0]!.path)).toBe('spec.template.spec.containers[0].env[0].value');
    const billing = edges.find((e) => e.to.name === 'billing' && e.port?.port === 80)!;
    expect(billing.portAssumed).toBe('http:// implies port 80');
    // credentials in URLs are masked in evidence
    expect(edges.find((e) => e.to.name === 'postgres')!.evidence[0]!.text).toBe('DB_DSN=postgres://app:***@postgres.data:5432/app?sslmode=disable');
  });

  it('does not treat a value that merely equals a Service name as a call', async () => {
    const g = await graphOf(services + '---\n' + deployment('web', [{ name: 'web', image: 'web', env: [
      { name: 'OTEL_SERVICE_NAME', value: 'billing' },
      { name: 'APP_NAME', value: 'cart' },
      { name: 'POSTGRES_USER', value: 'postgres' },
      { name: 'GREETING', value: 'hello cart' },
      { name: 'LOG_FORMAT', value: 'redis:%s' },
      { name: 'CONNECTION', value: 'host=localhost port=5432 user=postgres' },
    ] }]));
    expect(callGraph(g).edges).toEqual([]);
  });

  it('reads a bare name only under a key that says it is an address, and takes the only port', async () => {
    const g = await graphOf(services + '---\n' + deployment('web', [{ name: 'web', image: 'web', env: [{ name: 'REDIS_HOST', value: 'redis' }, { name: 'billingHost', value: 'billing' }] }]));
    const edges = callGraph(g).edges;
    expect(edges.map(summary).sort()).toEqual(['web -> shop/billing:?', 'web -> shop/redis:6379']);
    expect(edges.find((e) => e.to.name === 'redis')!.portAssumed).toBe("the Service's only port");
  });

  it('keeps a call to a port the Service does not expose under a named key, with the written port', async () => {
    const g = await graphOf(services + '---\n' + deployment('web', [{ name: 'web', image: 'web', env: [{ name: 'CART_ADDR', value: 'cart:8080' }] }]));
    const [edge] = callGraph(g).edges;
    expect(edge!.port).toBeUndefined();
    expect(edge!.portWritten).toBe(8080);
  });

  it('marks calls to a Service that selects the caller itself', async () => {
    const g = await graphOf(services + '---\n' + deployment('cart', [{ name: 'cart', image: 'cart', env: [{ name: 'PEERS', value: 'cart:7070' }] }]));
    expect(callGraph(g).edges[0]!.self).toBe(true);
  });
});

describe('call edges from ConfigMaps, Secrets, arguments and annotations', () => {
  it('reads envFrom, valueFrom and mounted files (JSON, YAML, properties), with the ConfigMap key as evidence', async () => {
    const g = await graphOf(services + '---\n' + yaml`
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-env, namespace: shop}
      data: {CART_ADDR: "cart:7070", MODE: billing}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-files, namespace: shop}
      data:
        app.json: '{"billing": {"endpoint": "http://billing.shop:80"}, "name": "cart"}'
        app.properties: |
          spring.redis.host=redis
          app.title=billing
        notes.txt: "talk to billing.shop:9000 for admin"
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: web-db, namespace: shop}
      data: {url: cG9zdGdyZXM6Ly91OnBAcG9zdGdyZXMuZGF0YTo1NDMyL2Ri}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
              - name: web
                image: web
                envFrom: [{configMapRef: {name: web-env}}]
                env: [{name: DATABASE_URL, valueFrom: {secretKeyRef: {name: web-db, key: url}}}]
                volumeMounts: [{name: files, mountPath: /etc/web}]
            volumes: [{name: files, configMap: {name: web-files}}]
    `);
    const edges = callGraph(g).edges;
    expect(edges.map(summary).sort()).toEqual(['web -> data/postgres:5432', 'web -> shop/billing:80', 'web -> shop/billing:9000', 'web -> shop/cart:7070', 'web -> shop/redis:6379']);
    const secret = edges.find((e) => e.to.name === 'postgres')!.evidence[0]!;
    expect(secret.source).toBe('secret');
    expect(secret.text).toBe('DATABASE_URL (value of Secret key url, not shown)');
    expect(formatPath(secret.via!.path)).toBe('spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef');
    const props = edges.find((e) => e.to.name === 'redis')!.evidence[0]!;
    expect(props.resource.name).toBe('web-files');
    expect(formatPath(props.path)).toBe('data["app.properties"]');
  });

  it('reads container args (flag=value, flag value) and URLs inside shell scripts', async () => {
    const g = await graphOf(services + '---\n' + deployment('web', [{ name: 'web', image: 'web',
      args: ['--upstream=http://cart.shop:7070', '--redis-host', 'redis', '--name', 'billing'],
      command: ['sh', '-c', 'until wget -q http://billing.shop.svc.cluster.local:9000/health; do sleep 1; done'] }]));
    expect(callGraph(g).edges.map(summary).sort()).toEqual(['web -> shop/billing:9000', 'web -> shop/cart:7070', 'web -> shop/redis:6379']);
  });

  it('reads Consul upstream annotations (the number is the local bind port) and reports upstreams it cannot resolve', async () => {
    const g = await graphOf(services + '---\n' + deployment('web', [{ name: 'web', image: 'web' }], { 'consul.hashicorp.com/connect-inject': 'true', 'consul.hashicorp.com/connect-service-upstreams': 'cart:1234, billing:9000, ledger:8080, cart:7070:dc2' }));
    const cg = callGraph(g);
    expect(cg.edges.map(summary).sort()).toEqual(['web -> shop/billing:9000', 'web -> shop/cart:7070']);
    expect(cg.edges.find((e) => e.to.name === 'cart')!.portAssumed).toContain('1234 is the local bind port');
    expect(cg.unresolved.map((u) => u.reason)).toEqual(['no Kubernetes Service registers the Consul service ledger', 'the upstream is in datacenter dc2']);
  });

  it('reads meshlint.io/calls for calls the manifests cannot show', async () => {
    const g = await graphOf(services + '---\n' + deployment('web', [{ name: 'web', image: 'web' }], { 'meshlint.io/calls': 'cart, billing:admin, postgres.data:5432, nothing.shop' }));
    const cg = callGraph(g);
    expect(cg.edges.map(summary).sort()).toEqual(['web -> data/postgres:5432', 'web -> shop/billing:9000', 'web -> shop/cart:7070']);
    expect(cg.edges[0]!.evidence[0]!.source).toBe('annotation');
    expect(cg.unresolved.map((u) => u.reason)).toEqual(['no Service nothing in namespace shop']);
  });

  it('reads a Secret whose stringData replaces a data key in place, and skips entries that can name nothing', async () => {
    // data: url (replaced by stringData), cache (names redis); stringData adds extra; LEVEL names nothing
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const g = await graphOf(services + '---\n' + yaml`
      apiVersion: v1
      kind: Secret
      metadata: {name: web-conf, namespace: shop}
      data: {LEVEL: ${b64('debug')}, url: ${b64('http://nothing:1')}, cache: ${b64('redis:6379')}, bad: "not base64!"}
      stringData: {url: "cart:7070", extra: "billing.shop:9000", bad: "postgres.data:5432"}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: web, image: web, envFrom: [{secretRef: {name: web-conf}}]}]
    `);
    const edges = callGraph(g).edges;
    // the order of the merged entries: data keys in place (url taking stringData's text), then stringData's own keys
    expect(edges.map(summary)).toEqual(['web -> shop/cart:7070', 'web -> shop/redis:6379', 'web -> shop/billing:9000', 'web -> data/postgres:5432']);
    expect(edges.map((e) => formatPath(e.evidence[0]!.path))).toEqual(['stringData.url', 'data.cache', 'stringData.extra', 'stringData.bad']);
  });

  it('indexes edges by caller and by destination', async () => {
    const g = await graphOf(services + '---\n' + deployment('web', [{ name: 'web', image: 'web', env: [{ name: 'A', value: 'cart:7070' }, { name: 'B', value: 'redis:6379' }] }]));
    const cg = callGraph(g);
    const web = g.templates().find((t) => t.owner.name === 'web')!;
    expect(cg.byCaller.get(web.owner.id)!.length).toBe(2);
    const cart = g.find('', 'Service', 'shop', 'cart')!;
    expect(cg.byService.get(cart.id)!.map((e) => e.from.owner.name)).toEqual(['web']);
  });

  it('holds in its indexes exactly the edges, in order, and env evidence that reads like any other', async () => {
    const env = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `CART_ADDR_${i}`, value: i % 2 ? 'cart:7070' : 'http://u:secret@cart.shop:7070' }));
    const g = await graphOf(services + '---\n' + [
      deployment('web', [{ name: 'web', image: 'web', env: [...env(3), { name: 'REDIS_HOST', value: 'redis' }, { name: 'BILLING', value: 'billing.shop:9000' }] }]),
      deployment('api', [{ name: 'api', image: 'api', env: [{ name: 'A', value: 'billing.shop:80' }, { name: 'B', value: 'cart:7070' }] }]),
      deployment('job', [{ name: 'job', image: 'job', env: env(20) }]),
    ].join('---\n'));
    const cg = callGraph(g);
    expect(cg.edges.map((e) => e.id)).toEqual(cg.edges.map((_, i) => i));
    for (const t of g.templates()) expect(cg.byCaller.get(t.owner.id) ?? []).toEqual(cg.edges.filter((e) => e.from === t));
    for (const svc of g.ofKind('', 'Service')) expect(cg.byService.get(svc.id) ?? []).toEqual(cg.edges.filter((e) => e.to === svc));
    const job = cg.edges.filter((e) => e.from.owner.name === 'job');
    expect(job.map(summary)).toEqual(['job -> shop/cart:7070']);
    expect(job[0]!.evidence.length).toBe(20);
    const ev = job[0]!.evidence[1]!;
    expect({ resource: ev.resource, path: ev.path, text: ev.text, source: ev.source, via: ev.via }).toEqual({
      resource: job[0]!.from.owner,
      path: ['spec', 'template', 'spec', 'containers', 0, 'env', 1, 'value'],
      text: 'CART_ADDR_1=cart:7070',
      source: 'env',
      via: undefined,
    });
    expect(ev.path).toBe(ev.path);
    expect(job[0]!.evidence[0]!.text).toBe('CART_ADDR_0=http://u:***@cart.shop:7070');
  });
});

describe('reading values', () => {
  it('reads a single host:port or plain URL by its shortcut exactly as by the general patterns', () => {
    const atoms = ['a', 'cart', 'x-1', 'svc', '9', '-', '.', ':', '80', '99999', '123456', '/', '//', 'http', 'dns', 'A', '_', '~', '?q=1', '=', ' ', ',', '@', 'u:p@', '[', ']', '+', '#', 'b.c', 'host=', 'ü'];
    const prefixes = ['', 'http://', 'dns:///', 'xds:///', 'file:///', 'grpc://', 'a.b://', 'redis://'];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.array(fc.constantFrom(...atoms), { minLength: 1, maxLength: 8 }), fc.boolean(), (prefix, parts, bare) => {
        const text = prefix + parts.join('');
        const quick = simpleHostRef(text);
        if (quick !== undefined) expect(quick).toStrictEqual(hostRefsByPattern(text, bare));
      }),
      { numRuns: 20000, seed: 7 },
    );
    expect(simpleHostRef('cart.shop:7070')).toStrictEqual(hostRefsByPattern('cart.shop:7070', false));
    expect(simpleHostRef('http://billing.shop.svc.cluster.local/api/v1')).toStrictEqual(hostRefsByPattern('http://billing.shop.svc.cluster.local/api/v1', false));
    expect(simpleHostRef('host=cart')).toBeUndefined();
  });

  it('resolves the DNS forms a pod can use', async () => {
    const g = await graphOf(services + '---\n' + yaml`
      apiVersion: v1
      kind: Service
      metadata: {name: ledger, namespace: data}
      spec: {selector: {app: ledger}, ports: [{port: 80}]}
    `);
    const name = (host: string, ns = 'shop') => {
      const s = resolveDnsName(g, host, ns)?.service;
      return s ? `${s.namespace}/${s.name}` : undefined;
    };
    expect(name('cart')).toBe('shop/cart');
    expect(name('cart', 'data')).toBeUndefined();
    expect(name('CART.shop')).toBe('shop/cart');
    expect(name('cart.shop.svc')).toBe('shop/cart');
    expect(name('cart.shop.svc.cluster.local')).toBe('shop/cart');
    expect(name('cart-0.cart.shop.svc.cluster.local')).toBe('shop/cart');
    expect(name('cart-0.cart.shop')).toBeUndefined();
    expect(name('cart.shop.svc.other.domain')).toBeUndefined();
    expect(name('ledger.data', 'shop')).toBe('data/ledger');
    expect(name('ledger.service.consul', 'data')).toBe('data/ledger');
    expect(name('localhost')).toBeUndefined();
    expect(name('x.y.z')).toBeUndefined();
  });

  it('reads a JSON file whose strings escape the name of a Service', async () => {
    // the raw text has no word "cart", only the escaped form; decoded, the value names cart.shop
    const g = await graphOf(services + '---\n' + yaml`
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: web-files, namespace: shop}
      data:
        app.json: '{"upstream": {"url": "http://\\u0063art.shop:7070"}}'
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: web, image: web}]
            volumes: [{name: files, configMap: {name: web-files}}]
    `);
    expect(callGraph(g).edges.map(summary)).toEqual(['web -> shop/cart:7070']);
  });
});
