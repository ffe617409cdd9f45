import { describe, expect, it } from 'vitest';
import { explain, explainCommand, ExplainRefError } from '../../src/commands/explain.js';
import { lint } from '../../src/lint.js';
import { yaml } from '../helpers/rule-tester.js';

const manifests = yaml`
  apiVersion: v1
  kind: Namespace
  metadata: {name: shop, labels: {istio-injection: enabled}}
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
            image: nginx
            ports: [{containerPort: 8080, name: http}]
            env: [{name: CART_ADDR, value: "cart:7070"}]
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: legacy, namespace: shop}
  spec:
    selector: {matchLabels: {app: web, track: legacy}}
    template:
      metadata: {labels: {app: web, track: legacy, sidecar.istio.io/inject: "false"}}
      spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080, name: http}]}]}
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: cart, namespace: shop}
  spec: {selector: {app: cart}, ports: [{name: grpc, port: 7070}]}
  ---
  apiVersion: security.istio.io/v1
  kind: PeerAuthentication
  metadata: {name: default, namespace: shop}
  spec: {mtls: {mode: STRICT}}
  ---
  apiVersion: security.istio.io/v1
  kind: PeerAuthentication
  metadata: {name: web-metrics, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    portLevelMtls: {"8080": {mode: PERMISSIVE}}
  ---
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata: {name: web, namespace: shop}
  spec:
    hosts: [web]
    http: [{route: [{destination: {host: web}}], timeout: 3s}]
`;

async function run() {
  return lint({ paths: [], texts: [{ path: 'app.yaml', text: manifests }], config: false, gitignore: false });
}

describe('meshlint explain', () => {
  it('explains a workload: injection, Services and endpoints, mTLS per port, policies, routes, calls', async () => {
    const out = explain(await run(), 'shop/Deployment/web');
    expect(out).toContain('Deployment shop/web (apps/v1) at app.yaml:5');
    expect(out).toContain('Istio sidecar');
    expect(out).toContain('decided by: label istio-injection=enabled on Namespace shop [Namespace shop metadata.labels.istio-injection at app.yaml:3]');
    expect(out).toContain('Service shop/web (ClusterIP)');
    expect(out).toContain('port 80 (http)/TCP → pod port 8080');
    expect(out).toContain('port 8080: PERMISSIVE — portLevelMtls for port 8080 in PeerAuthentication shop/web-metrics sets PERMISSIVE');
    expect(out).toContain('PeerAuthentication shop/default (PeerAuthentication.security.istio.io, namespace)');
    expect(out).toContain('PeerAuthentication shop/web-metrics (PeerAuthentication.security.istio.io, workload)');
    expect(out).toContain('VirtualService shop/web spec.http[0].route[0].destination → Service web');
    expect(out).toContain('→ Service shop/cart:7070 (CART_ADDR=cart:7070)');
  });

  it('shows the marker that lost and the finding on an opted-out workload', async () => {
    const out = explain(await run(), 'shop/Deployment/legacy');
    expect(out).toContain('no proxy');
    expect(out).toContain('decided by: pod label sidecar.istio.io/inject=false [Deployment shop/legacy spec.template.metadata.labels["sidecar.istio.io/inject"] at app.yaml:25]');
    expect(out).toContain('port 8080: DISABLE');
    expect(out).toMatch(/Findings:\n {2}warning sidecar-not-injected: .*Service shop\/web also sends traffic to Istio-meshed pods of Deployment shop\/web/);
  });

  it('explains a Service: pods with their data plane, endpoints per port, routes', async () => {
    const out = explain(await run(), 'shop/Service/web');
    expect(out).toContain('Deployment shop/web — Istio sidecar');
    expect(out).toContain('Deployment shop/legacy — no proxy');
    expect(out).toContain('port 80 (http)/TCP → targetPort http');
    expect(out).toContain('Deployment shop/web: pod port 8080');
    expect(out).toContain('VirtualService shop/web');
  });

  it('explains a policy: the workloads it selects', async () => {
    const out = explain(await run(), 'shop/PeerAuthentication.security.istio.io/web-metrics');
    expect(out).toContain('selector app=web in shop');
    expect(out).toContain('Deployment shop/web — Istio sidecar');
    expect(out).toContain('Deployment shop/legacy — no proxy');
  });

  it('suggests near names for an unknown reference', async () => {
    const result = await run();
    expect(() => explain(result, 'shop/Deployment/webb')).toThrow(ExplainRefError);
    expect(() => explain(result, 'shop/Deployment/webb')).toThrow('did you mean shop/Deployment/web?');
    expect(() => explain(result, 'other/Service/web')).toThrow('the input has shop/Service/web');
    expect(() => explain(result, 'shop/Deploymnt/web')).toThrow('did you mean kind Deployment?');
    expect(() => explain(result, 'web')).toThrow('use <namespace>/<Kind>/<name>');
  });

  it('the command exits 2 with the message on stderr for an unknown reference', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) };
    const code = await explainCommand('shop/Deployment/nope', { paths: [], texts: [{ path: 'app.yaml', text: manifests }], config: false, gitignore: false }, io);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toContain('meshlint: no shop/Deployment/nope in the input');
    expect(await explainCommand('shop/Service/cart', { paths: [], texts: [{ path: 'app.yaml', text: manifests }], config: false, gitignore: false }, io)).toBe(0);
  });
});
