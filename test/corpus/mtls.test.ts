/**
 * The `mtls` family on real applications written by others (/work/shared/corpus, read in place, never copied).
 *
 * Known-good applications, each linted the way its own instructions deploy it (namespace labels that the install
 * steps add by hand are declared as cluster facts), must show no error-level finding that is not a real defect.
 * Findings below error level are allowed only when listed in ACCEPTED with the judgement behind them. The
 * deliberately broken inputs must be caught.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { lint } from '../../src/index.js';
import { located } from '../../src/report/index.js';
import type { LocatedFinding } from '../../src/report/results.js';
import { MTLS_RULES } from '../../src/rules/_family-mtls.js';

const corpus = path.resolve(__dirname, '../../../shared/corpus');

async function run(paths: readonly string[], cluster: Record<string, unknown> = {}): Promise<LocatedFinding[]> {
  const res = await lint({ paths: paths.map((p) => path.join(corpus, p)), cwd: corpus, config: parseConfig({ cluster }), rules: MTLS_RULES, gitignore: false });
  expect(res.ruleErrors).toEqual([]);
  return located(res);
}

const brief = (l: LocatedFinding) => `${l.level} ${l.ruleId} ${l.uri}:${l.region.startLine} ${l.message}`;

/**
 * Findings judged correct on the known-good applications (none of them is error-level):
 *
 * - mtls-not-strict notes on bookinfo and online-boutique: neither sample ships a PeerAuthentication, so its
 *   workloads run on Istio's PERMISSIVE default and accept plaintext. That is true of the samples as shipped (Istio's
 *   security guide asks users to add a STRICT policy themselves); it is a note because a mesh-wide policy outside
 *   the input (istio-system) may exist, which `cluster.istio.meshMtls` can declare.
 * - destinationrule-tls-override notes on bookinfo's destination-rule-all-mtls.yaml when the namespace labels are
 *   NOT declared: ISTIO_MUTUAL towards pods whose injection then rests on an assumption (namespace `default` is
 *   unknown). With the label the sample's instructions add (`istio-injection=enabled`) the finding disappears, as it
 *   should: the pods do get sidecars.
 */
const ACCEPTED: readonly { readonly rule: string; readonly level: 'note' | 'warning' }[] = [
  { rule: 'mtls-not-strict', level: 'note' },
  { rule: 'destinationrule-tls-override', level: 'note' },
];

function expectKnownGood(findings: readonly LocatedFinding[]): void {
  expect(findings.filter((l) => l.level === 'error').map(brief), 'error-level findings on a known-good application').toEqual([]);
  const unexpected = findings.filter((l) => !ACCEPTED.some((a) => a.rule === l.ruleId && a.level === l.level));
  expect(unexpected.map(brief), 'findings not judged in ACCEPTED').toEqual([]);
}

const istioDefaultNs = { namespaces: { default: { labels: { 'istio-injection': 'enabled' } } } };
const bookinfo = [
  'istio-samples/samples/bookinfo/platform/kube/bookinfo.yaml',
  'istio-samples/samples/bookinfo/networking/bookinfo-gateway.yaml',
  'istio-samples/samples/bookinfo/networking/destination-rule-all-mtls.yaml',
  'istio-samples/samples/bookinfo/networking/virtual-service-all-v1.yaml',
];

describe.skipIf(!existsSync(corpus))('mtls family on the real-world corpus (../shared/corpus; skipped when it is not present, as in a fresh clone)', () => {
  describe('known-good applications', () => {
    it('istio bookinfo, namespace labelled as its instructions say: only the PERMISSIVE-default notes', async () => {
      const f = await run(bookinfo, istioDefaultNs);
      expectKnownGood(f);
      expect(f.filter((l) => l.ruleId === 'mtls-not-strict').length).toBeGreaterThan(0);
    });

    it('istio bookinfo without namespace facts: assumptions stay notes', async () => {
      expectKnownGood(await run(bookinfo));
    });

    it('online-boutique release manifests with the Istio component', async () => {
      expectKnownGood(await run(['online-boutique/release/kubernetes-manifests.yaml', 'online-boutique/release/istio-manifests.yaml'], istioDefaultNs));
    });

    it('online-boutique plain manifests (no mesh): nothing to say', async () => {
      expect((await run(['online-boutique/kubernetes-manifests'])).map(brief)).toEqual([]);
    });

    it('emojivoto with its Linkerd policy, injected the way `linkerd inject` does it', async () => {
      const files = ['emojivoto/linkerd-website/run.linkerd.io/public/emojivoto.yml', 'emojivoto/linkerd-website/run.linkerd.io/public/emojivoto-policy.yml'];
      expectKnownGood(await run(files, { namespaces: { emojivoto: { annotations: { 'linkerd.io/inject': 'enabled' } } } }));
      expectKnownGood(await run(files));
    });

    it('Consul HashiCups demo', async () => {
      expectKnownGood(await run(['consul-k8s/charts/demo/templates']));
    });

    it('Kuma counter demo with mTLS (and with the gateway step on top)', async () => {
      expectKnownGood(await run(['kuma/kuma-counter-demo/k8s/001-with-mtls.yaml']));
      expectKnownGood(await run(['kuma/kuma-counter-demo/k8s/002-with-gateway.yaml']));
    });
  });

  describe('deliberately broken inputs are caught', () => {
    it('consul-k8s acceptance case permissive-mtls: the permissive ServiceDefaults', async () => {
      const f = await run(['consul-k8s/acceptance/tests/fixtures/cases/permissive-mtls']);
      const hits = f.filter((l) => l.ruleId === 'consul-mtls-permissive');
      expect(hits.map((l) => [l.finding.messageId, l.object?.fullyQualifiedName, l.uri, l.path])).toEqual([
        ['permissive', 'default/ServiceDefaults/static-server', 'consul-k8s/acceptance/tests/fixtures/cases/permissive-mtls/service-defaults-static-server-permissive.yaml', 'spec.mutualTLSMode'],
      ]);
      expect(hits[0]!.message).toContain('allowed by Mesh default/mesh');
    });

    it('Kuma counter demo before mTLS (000-with-kuma): the Mesh without mTLS', async () => {
      const f = await run(['kuma/kuma-counter-demo/k8s/000-with-kuma.yaml']);
      const hits = f.filter((l) => l.ruleId === 'kuma-mtls-disabled');
      expect(hits.map((l) => [l.finding.messageId, l.object?.fullyQualifiedName, l.level])).toEqual([['disabled', 'Mesh/default', 'warning']]);
      expect(hits[0]!.message).toContain('Deployment kuma-demo/kv');
    });
  });
});
