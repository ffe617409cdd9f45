/**
 * The exposure rules (and ingress-without-tls) on manifests nobody here wrote: sock-shop (NodePort front end and
 * monitoring UIs), Online Boutique (LoadBalancer frontend beside an Istio install) and the ingress-nginx
 * bare-metal install (NodePort controller). Every finding is listed with its line, and the messages are checked
 * for the explanation. The corpus lives outside the repository; a fresh clone has none and skips.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { lint } from '../../src/lint.js';
import { locateFindings } from '../../src/report/results.js';
import { EXPOSURE_RULES } from '../../src/rules/_family-exposure.js';

const corpus = path.resolve(__dirname, '../../../shared/corpus');
const RULES = EXPOSURE_RULES.map((r) => r.meta.id);

interface Seen {
  readonly rule: string;
  readonly messageId: string;
  readonly object: string | null;
  readonly file: string;
  readonly line: number;
  readonly level: string;
  readonly message: string;
}

async function run(paths: readonly string[], cluster: Record<string, unknown> = {}): Promise<Seen[]> {
  const result = await lint({ paths, cwd: corpus, config: parseConfig({ cluster }), gitignore: false, onlyRules: RULES });
  expect(result.ruleErrors).toEqual([]);
  return locateFindings(result.findings)
    .map((l) => ({
      rule: l.ruleId,
      messageId: l.finding.messageId,
      object: l.object?.fullyQualifiedName ?? null,
      file: l.uri,
      line: l.region.startLine,
      level: l.level,
      message: l.message,
    }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.rule < b.rule ? -1 : 1)));
}

const short = (s: Seen) => `${s.rule}/${s.messageId} ${s.level} ${s.object} ${path.basename(s.file)}:${s.line}`;

describe.skipIf(!existsSync(corpus))(`exposure rules on the shared corpus (${corpus}; skipped when absent)`, () => {
  it('sock-shop: NodePort front end and monitoring UIs open on every node, fixed ports in the dynamic band', async () => {
    const seen = await run(['sock-shop/deploy/kubernetes']);
    expect(seen.map(short)).toEqual([
      'nodeport-unrestricted/noPolicy warning kube-system/Service/monitoring-grafana grafana-service.yaml:22',
      'nodeport-unrestricted/noPolicy warning sock-shop/Service/front-end complete-demo.yaml:318',
      'nodeport-unrestricted/noPolicy warning jaeger/Service/jaeger-query jaeger.yaml:80',
      'nodeport-unrestricted/lbOpen warning jaeger/Service/jaeger-query jaeger.yaml:82',
      'nodeport-conflict/dynamicBand note kube-system/Service/kibana kibana.yml:38',
      'nodeport-unrestricted/noPolicy warning kube-system/Service/kibana kibana.yml:39',
      'nodeport-unrestricted/noPolicy warning monitoring/Service/prometheus 07-prometheus-svc.yaml:11',
      'nodeport-conflict/dynamicBand note monitoring/Service/prometheus 07-prometheus-svc.yaml:19',
    ]);
    const frontEnd = seen.find((s) => s.object === 'sock-shop/Service/front-end')!;
    expect(frontEnd.message).toContain('node port 30001 on every node');
    expect(frontEnd.message).toContain('no NetworkPolicy restricts ingress to Deployment sock-shop/front-end');
    expect(seen.find((s) => s.messageId === 'lbOpen')!.message).toContain('accepts connections from any address');
    expect(seen.find((s) => s.object === 'kube-system/Service/kibana' && s.rule === 'nodeport-conflict')!.message).toContain('(30086-32767)');
  });

  it('online-boutique: the LoadBalancer frontend skips the Istio gateway; the gateways serve plain HTTP', async () => {
    const meshed = { namespaces: { default: { labels: { 'istio-injection': 'enabled' } } } };
    const seen = await run(['online-boutique/release', 'online-boutique/istio-manifests'], meshed);
    expect(seen.map(short)).toEqual([
      'ingress-without-tls/istioServer warning default/Gateway/frontend-gateway frontend-gateway.yaml:26',
      'ingress-without-tls/gatewayListener warning default/Gateway/istio-gateway istio-manifests.yaml:44',
      'nodeport-unrestricted/lbOpen warning default/Service/frontend-external kubernetes-manifests.yaml:136',
      'nodeport-unrestricted/noPolicy warning default/Service/frontend-external kubernetes-manifests.yaml:137',
      'nodeport-bypasses-mesh/plaintext warning default/Service/frontend-external kubernetes-manifests.yaml:140',
    ]);
    const bypass = seen.find((s) => s.rule === 'nodeport-bypasses-mesh')!;
    expect(bypass.message).toContain('lets outside clients reach Deployment default/frontend directly');
    expect(bypass.message).toContain('Istio accepts them in plaintext on port 8080');
    expect(bypass.message).toContain('[assumed');
    expect(seen.find((s) => s.messageId === 'istioServer')!.message).toContain('VirtualService default/frontend-ingress serves content on it');
    expect(seen.find((s) => s.messageId === 'gatewayListener')!.message).toContain('HTTPRoute default/frontend-route serves content on it');
  });

  it('online-boutique without a mesh: the frontend is only exposed, and its NetworkPolicy admits everyone', async () => {
    const seen = await run([
      'online-boutique/kustomize/base/frontend.yaml',
      'online-boutique/kustomize/components/network-policies/network-policy-frontend.yaml',
      'online-boutique/kustomize/components/network-policies/network-policy-deny-all.yaml',
    ]);
    expect(seen.map(short)).toEqual([
      'nodeport-unrestricted/lbOpen warning default/Service/frontend-external frontend.yaml:130',
      'nodeport-unrestricted/openPolicy warning default/Service/frontend-external frontend.yaml:131',
    ]);
    expect(seen[1]!.message).toContain('NetworkPolicy default/frontend selects Deployment default/frontend but rule spec.ingress[0] has no from');
  });

  it('ingress-nginx bare metal: the NodePort controller is a gateway, open by design, and loses client addresses', async () => {
    const seen = await run(['ingress-nginx/deploy/static/provider/baremetal']);
    expect(seen.map(short)).toEqual([
      'nodeport-unrestricted/noPolicy note ingress-nginx/Service/ingress-nginx-controller deploy.yaml:361',
      'source-ip-lost/gateway note ingress-nginx/Service/ingress-nginx-controller deploy.yaml:365',
    ]);
    expect(seen[0]!.message).toContain('it is a gateway (pod label app.kubernetes.io/name=ingress-nginx marks a gateway)');
    expect(seen[1]!.message).toContain('keeps externalTrafficPolicy: Cluster (the default)');
    expect(seen[1]!.message).toContain('X-Forwarded-For');
  });

  it('ingress-nginx cloud: externalTrafficPolicy Local keeps client addresses; the public load balancer is a note', async () => {
    const seen = await run(['ingress-nginx/deploy/static/provider/cloud']);
    expect(seen.map(short)).toEqual([
      'nodeport-unrestricted/noPolicy note ingress-nginx/Service/ingress-nginx-controller deploy.yaml:362',
      'nodeport-unrestricted/lbOpen note ingress-nginx/Service/ingress-nginx-controller deploy.yaml:366',
    ]);
  });
});
