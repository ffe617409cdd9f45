/**
 * The core Kubernetes rules (input + references families) over real manifests written by others. Sets that are
 * applied together are linted together; sets that hold alternatives (variants, overlays) are linted one variant
 * at a time, as their READMEs intend. Each expected finding was judged real by reading the manifests; every unit
 * expected clean is a place where an earlier version of meshlint reported a false positive, or a large real
 * install that must stay clean.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, located } from '../../src/index.js';

const corpus = path.resolve(__dirname, '../../../shared/corpus');

const CORE = [
  'manifest-parse-error',
  'manifest-invalid',
  'manifest-duplicate',
  'service-selector-matches-nothing',
  'service-without-endpoints',
  'service-target-port-unresolved',
  'workload-selector-mismatch',
  'networkpolicy-selector-matches-nothing',
  'pdb-selector-matches-nothing',
  'ingress-backend-missing',
  'hpa-target-missing',
];

/** `rule/messageId level file:line:column object` for every finding of the core rules on `paths`. */
async function findings(...paths: string[]): Promise<string[]> {
  const result = await lint({ paths, cwd: corpus, config: false, onlyRules: CORE });
  expect(result.ruleErrors).toEqual([]);
  return located(result).map(
    (l) => `${l.ruleId}/${l.finding.messageId} ${l.level} ${l.uri}:${l.region.startLine}:${l.region.startColumn} ${l.object?.fullyQualifiedName ?? '-'}`,
  );
}

describe.skipIf(!existsSync(corpus))('core rules on the real-world corpus (../shared/corpus; skipped when it is not present)', () => {
  describe('installs that apply cleanly report nothing', () => {
    const clean: [string, string[]][] = [
      ['online-boutique: the 11-service shop', ['online-boutique/kubernetes-manifests']],
      ['online-boutique: with its NetworkPolicy component (every podSelector and peer matches)', ['online-boutique/kubernetes-manifests', 'online-boutique/kustomize/components/network-policies']],
      ['online-boutique: release bundle', ['online-boutique/release']],
      ['bookinfo', ['istio-samples/samples/bookinfo/platform/kube/bookinfo.yaml']],
      // Prometheus and Alertmanager pods are made by the operator from custom resources whose CRDs are in setup/;
      // their Services, NetworkPolicies (targets and peers) and PodDisruptionBudgets must not be reported
      ['kube-prometheus (operator-made pods)', ['kube-prometheus/manifests']],
      ['argo-cd install', ['argo-cd/manifests/install.yaml']],
      ['argo-cd HA install (PDBs, NetworkPolicies with namespaceSelector {})', ['argo-cd/manifests/ha/install.yaml']],
      ['argo-cd namespace install', ['argo-cd/manifests/namespace-install.yaml']],
      ['cert-manager', ['cert-manager']],
      ['ingress-nginx cloud', ['ingress-nginx/deploy/static/provider/cloud/deploy.yaml']],
      ['ingress-nginx bare metal (NodePort)', ['ingress-nginx/deploy/static/provider/baremetal/deploy.yaml']],
      [
        'Istio add-ons',
        ['prometheus', 'grafana', 'jaeger', 'kiali', 'loki'].map((a) => `istio-addons/samples/addons/${a}.yaml`),
      ],
      ['Istio control plane (rendered)', ['mesh-control-planes/istio/pilot_default.golden.yaml']],
      ['Linkerd control plane (rendered)', ['mesh-control-planes/linkerd2/install_default.golden.yaml']],
      ['Linkerd CRDs', ['mesh-control-planes/linkerd2/install_crds.golden.yaml']],
      ['sock-shop monitoring', ['sock-shop/deploy/kubernetes/manifests-monitoring']],
    ];
    for (const [name, paths] of clean) {
      it(name, async () => {
        expect(await findings(...paths)).toEqual([]);
      });
    }
  });

  it('sock-shop: the cart autoscaler targets a Deployment that is called carts (real)', async () => {
    // autoscaling/cart-hsc.yaml: scaleTargetRef {kind: Deployment, name: cart}; complete-demo.yaml defines
    // Deployment sock-shop/carts and nothing named cart, so this autoscaler never scales anything.
    const result = await lint({
      paths: ['sock-shop/deploy/kubernetes/complete-demo.yaml', 'sock-shop/deploy/kubernetes/autoscaling'],
      cwd: corpus,
      config: false,
      onlyRules: CORE,
    });
    const l = located(result);
    expect(l.map((x) => `${x.ruleId} ${x.level} ${x.uri}:${x.region.startLine}:${x.region.startColumn} ${x.object?.fullyQualifiedName}`)).toEqual([
      'hpa-target-missing error sock-shop/deploy/kubernetes/autoscaling/cart-hsc.yaml:11:5 sock-shop/HorizontalPodAutoscaler/cart',
    ]);
    expect(l[0]!.message).toContain('did you mean carts?');
  });

  it('Kuma control plane: placeholder caBundle "XYZ" is not base64, so the API server rejects the webhooks (real)', async () => {
    // The golden file renders caBundle: XYZ in 5 mutating and 3 validating webhooks; caBundle is []byte in the API,
    // decoded from base64, and "XYZ" is not valid base64.
    const f = await findings('mesh-control-planes/kuma/install-control-plane.defaults.golden.yaml');
    expect(f).toHaveLength(8);
    for (const x of f) expect(x).toMatch(/^manifest-invalid\/schema error mesh-control-planes\/kuma\/install-control-plane\.defaults\.golden\.yaml:\d+:7 (Mutating|Validating)WebhookConfiguration\/kuma-/);
  });

  it('two declarations of one Deployment are duplicates, not overlapping controllers (bookinfo variants)', async () => {
    const f = await findings('istio-samples/samples/bookinfo/platform/kube/bookinfo.yaml', 'istio-samples/samples/bookinfo/platform/kube/bookinfo-details.yaml');
    expect(f).toEqual([
      'manifest-duplicate/duplicate warning istio-samples/samples/bookinfo/platform/kube/bookinfo.yaml:35:3 default/Service/details',
      'manifest-duplicate/duplicate warning istio-samples/samples/bookinfo/platform/kube/bookinfo.yaml:56:3 default/Deployment/details-v1',
    ]);
  });

  it('sock-shop jaeger variants redeclare three Deployments: duplicates only, no selector overlap', async () => {
    const f = await findings('sock-shop/deploy/kubernetes/complete-demo.yaml', 'sock-shop/deploy/kubernetes/manifests-jaeger');
    expect(f.filter((x) => !x.startsWith('manifest-duplicate/'))).toEqual([]);
    expect(f.map((x) => x.split(' ').pop())).toEqual(['sock-shop/Deployment/catalogue', 'sock-shop/Deployment/payment', 'sock-shop/Deployment/user']);
  });
});
