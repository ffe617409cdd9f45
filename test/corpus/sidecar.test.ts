/**
 * The `sidecar` family over real manifests written by others (/work/shared/corpus, read in place, never copied).
 * Each set is linted the way its own instructions deploy it; namespace labels that those instructions add by hand
 * (`kubectl label namespace default istio-injection=enabled`) are declared as cluster facts. Every expected
 * finding below was judged real by reading the manifests; every set expected clean must stay clean.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { lint } from '../../src/lint.js';
import { locateFindings } from '../../src/report/results.js';
import { SIDECAR_RULES } from '../../src/rules/_family-sidecar.js';

const corpus = path.resolve(__dirname, '../../../shared/corpus');
const ISTIO_DEFAULT_NS = { namespaces: { default: { labels: { 'istio-injection': 'enabled' } } } };

/** `rule/messageId level file:line object` for every sidecar-family finding on `paths`. */
async function findings(paths: string[], cluster: Record<string, unknown> = {}): Promise<string[]> {
  const res = await lint({ paths, cwd: corpus, config: parseConfig({ cluster }), rules: SIDECAR_RULES, gitignore: false });
  expect(res.ruleErrors).toEqual([]);
  return locateFindings(res.findings).map((l) => `${l.ruleId}/${l.finding.messageId} ${l.level} ${l.uri}:${l.region.startLine} ${l.object?.fullyQualifiedName ?? ''}`);
}

describe.skipIf(!existsSync(corpus))('sidecar family on the corpus (needs ../shared/corpus; skipped when it is absent)', () => {
  it('bookinfo in an injected namespace: clean (ports named http, no jobs, no init containers)', async () => {
    expect(await findings(['istio-samples/samples/bookinfo/platform/kube/bookinfo.yaml', 'istio-samples/samples/bookinfo/networking'], ISTIO_DEFAULT_NS)).toEqual([]);
  });

  it('bookinfo with no namespace facts: nothing is asserted about injection', async () => {
    expect(await findings(['istio-samples/samples/bookinfo'])).toEqual([]);
  });

  it('online boutique in an injected namespace: the load generator probes the frontend from an init container', async () => {
    // Real: frontend-check runs `wget http://${FRONTEND_ADDR}` as a regular init container; with a classic Istio
    // sidecar, capture is installed before it runs and the proxy starts after it. A note, because whether the
    // nodes give native sidecars (kubelet 1.33+) is not declared.
    expect(await findings(['online-boutique/release'], ISTIO_DEFAULT_NS)).toEqual([
      'sidecar-init-container-network/noNetwork note online-boutique/release/kubernetes-manifests.yaml:468 default/Deployment/loadgenerator',
    ]);
    // The kustomize base lists the same Deployment; the Istio component adds only gateway and egress objects.
    expect(await findings(['online-boutique/kustomize/base', 'online-boutique/kustomize/components/service-mesh-istio'], ISTIO_DEFAULT_NS)).toEqual([
      'sidecar-init-container-network/noNetwork note online-boutique/kustomize/base/loadgenerator.yaml:41 default/Deployment/loadgenerator',
    ]);
  });

  it('emojivoto: the kustomize deployment is clean; the raw emojivoto.yml with the policy file is not meshed', async () => {
    expect(await findings(['emojivoto/BuoyantIO-emojivoto/kustomize/deployment'])).toEqual([]);
    // True to the input: emojivoto.yml declares Namespace emojivoto without linkerd.io/inject and its pods carry
    // no annotation, so the Servers of emojivoto-policy.yml select unmeshed pods. Upstream pipes the file through
    // `linkerd inject` at apply time, which meshlint cannot see: lint the injected output, or declare the
    // namespace annotation in cluster facts.
    expect(await findings(['emojivoto/linkerd-website/run.linkerd.io/public/emojivoto.yml', 'emojivoto/linkerd-website/run.linkerd.io/public/emojivoto-policy.yml'])).toEqual([
      'sidecar-not-injected/byPolicy warning emojivoto/linkerd-website/run.linkerd.io/public/emojivoto.yml:86 emojivoto/Deployment/emoji',
      'sidecar-not-injected/byPolicy warning emojivoto/linkerd-website/run.linkerd.io/public/emojivoto.yml:125 emojivoto/Deployment/vote-bot',
      'sidecar-not-injected/byPolicy warning emojivoto/linkerd-website/run.linkerd.io/public/emojivoto.yml:158 emojivoto/Deployment/voting',
      'sidecar-not-injected/byPolicy warning emojivoto/linkerd-website/run.linkerd.io/public/emojivoto.yml:197 emojivoto/Deployment/web',
    ]);
    // Declaring what `linkerd inject` would do (the namespace annotation) settles it.
    expect(
      await findings(['emojivoto/linkerd-website/run.linkerd.io/public/emojivoto.yml', 'emojivoto/linkerd-website/run.linkerd.io/public/emojivoto-policy.yml'], {
        namespaces: { emojivoto: { annotations: { 'linkerd.io/inject': 'enabled' } } },
      }),
    ).toEqual([]);
  });

  it('linkerd booksapp: the meshed MySQL init Job has no shutdown call', async () => {
    expect(await findings(['linkerd-examples/linkerd-website/run.linkerd.io/public/booksapp.yml'])).toEqual([]);
    // Real before Linkerd 2.20 (classic sidecar): the Job's pod never completes. A note: the version is not declared.
    expect(await findings(['linkerd-examples/BuoyantIO-booksapp/booksapp-trafficsplit.yml'])).toEqual([
      'sidecar-blocks-job-completion/mayBlock note linkerd-examples/BuoyantIO-booksapp/booksapp-trafficsplit.yml:74 default/Job/mysql-init',
    ]);
    expect(await findings(['linkerd-examples/BuoyantIO-booksapp/booksapp-trafficsplit.yml'], { linkerd: { version: '2.20.0' } })).toEqual([]);
  });

  it('the whole linkerd-examples set: another definition of the same workload is not a "meshed sibling"', async () => {
    // False positive fixed: booksapp.yml (not injected) and booksapp-trafficsplit.yml (injected) both define
    // Deployment default/webapp; the second is another variant of the same workload, not a sibling behind the
    // Service. The same holds for a DaemonSet and a Deployment of one name (emojivoto variants).
    const all = await findings(['linkerd-examples']);
    expect(all.filter((f) => f.includes('bySiblings'))).toEqual([]);
    expect((await findings(['emojivoto'])).filter((f) => f.includes('bySiblings'))).toEqual([]);
  });

  it('consul HashiCups demo: clean (every pod opts in, no Jobs)', async () => {
    expect(await findings(['consul-k8s/charts/demo/templates'])).toEqual([]);
  });

  it('consul job fixture: consul-dataplane keeps the Job running', async () => {
    // Real: the acceptance test (TestConnectInject_ProxyLifecycleShutdownJob) has to exec
    // `curl -XPOST 127.0.0.1:20600/graceful_shutdown` into the pod before the Job can complete; the manifest
    // itself never stops the proxy.
    expect(await findings(['consul-k8s/acceptance/tests/fixtures/cases/jobs/job-client-inject'])).toEqual([
      'sidecar-blocks-job-completion/blocks warning consul-k8s/acceptance/tests/fixtures/bases/job-client/job.yaml:18 default/Job/job-client',
    ]);
  });

  it('kuma counter demo, every variant: clean', async () => {
    for (const f of ['000-with-kuma.yaml', '001-with-mtls.yaml', '002-with-gateway.yaml', '003-migration-demo.yaml']) {
      expect(await findings([`kuma/kuma-counter-demo/k8s/${f}`])).toEqual([]);
    }
  });
});
