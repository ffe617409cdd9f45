#!/usr/bin/env node
// Lint each group of ../shared/corpus that belongs together, validate the SARIF of each with the shared
// checker, and print what was found per group and rule. Run after `npm run build`:
//   node scripts/corpus-report.mjs [--corpus ../shared/corpus] [--json]
// The groups are deployments someone would apply together; linting a whole set at once would mix
// alternatives (overlays, variants) and report conflicts no single deployment has.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const corpus = path.resolve(args.includes('--corpus') ? args[args.indexOf('--corpus') + 1] : path.join(root, '../shared/corpus'));
// by its real path: the checker runs its command line only when argv[1] is its own file
const checkerPath = path.resolve(corpus, '../tools/sarif-check/validate-sarif.mjs');
const checker = existsSync(checkerPath) ? realpathSync(checkerPath) : checkerPath;
const { lint, format } = await import(path.join(root, 'dist/index.js'));

export const GROUPS = {
  'online-boutique (release, with Istio)': ['online-boutique/release/kubernetes-manifests.yaml', 'online-boutique/release/istio-manifests.yaml'],
  'online-boutique/kubernetes-manifests': ['online-boutique/kubernetes-manifests'],
  'bookinfo (Istio)': [
    'istio-samples/samples/bookinfo/platform/kube/bookinfo.yaml',
    'istio-samples/samples/bookinfo/networking/bookinfo-gateway.yaml',
    'istio-samples/samples/bookinfo/networking/destination-rule-all-mtls.yaml',
    'istio-samples/samples/bookinfo/networking/virtual-service-all-v1.yaml',
  ],
  'emojivoto (Linkerd, kustomize)': ['emojivoto/BuoyantIO-emojivoto/kustomize/deployment'],
  'booksapp (Linkerd)': ['linkerd-examples/BuoyantIO-booksapp/k8s'],
  'HashiCups (Consul)': ['consul-k8s/charts/demo/templates'],
  'consul permissive-mtls case': ['consul-k8s/acceptance/tests/fixtures/cases/permissive-mtls'],
  'kuma counter demo (no mTLS)': ['kuma/kuma-counter-demo/k8s/000-with-kuma.yaml'],
  'kuma counter demo (with mTLS)': ['kuma/kuma-counter-demo/k8s/001-with-mtls.yaml'],
  'gateway-api conformance': ['gateway-api/conformance'],
  'gateway-api examples (standard)': ['gateway-api/examples/standard'],
  'sock-shop (complete demo + autoscaling)': ['sock-shop/deploy/kubernetes/complete-demo.yaml', 'sock-shop/deploy/kubernetes/autoscaling'],
  'ingress-nginx bare metal': ['ingress-nginx/deploy/static/provider/baremetal'],
  'kube-prometheus': ['kube-prometheus/manifests'],
  'argo-cd (install)': ['argo-cd/manifests/install.yaml'],
  'cert-manager': ['cert-manager'],
  'istio add-ons': ['istio-addons/samples/addons'],
  'istio control plane': ['mesh-control-planes/istio'],
  'linkerd control plane': ['mesh-control-planes/linkerd2'],
  'kuma control plane': ['mesh-control-planes/kuma'],
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'meshlint-corpus-'));
const rows = [];
try {
  for (const [name, paths] of Object.entries(GROUPS)) {
    const present = paths.filter((p) => existsSync(path.join(corpus, p)));
    if (present.length === 0) {
      rows.push({ name, missing: true });
      continue;
    }
    const started = performance.now();
    const result = await lint({ paths: present, cwd: corpus, config: false });
    const ms = performance.now() - started;
    const sarif = format(result, 'sarif');
    const file = path.join(tmp, `${rows.length}.sarif`);
    writeFileSync(file, sarif);
    let valid = 'not checked';
    if (existsSync(checker)) {
      try {
        const out = execFileSync('node', [checker, file, '--srcroot', corpus, '--no-multitool'], { encoding: 'utf8' });
        valid = /PASS — (\d+) error/.exec(out) ? `PASS (${/(\d+) warning/.exec(out)?.[1] ?? 0} warnings)` : 'FAIL';
      } catch (e) {
        valid = `FAIL: ${String(e.stdout ?? e.message).split('\n').filter((l) => l.startsWith('ERROR')).slice(0, 3).join(' | ')}`;
      }
    }
    const byRule = {};
    for (const f of result.findings) {
      if (f.suppression) continue;
      const k = `${f.ruleId} (${f.level})`;
      byRule[k] = (byRule[k] ?? 0) + 1;
    }
    rows.push({ name, objects: result.stats.objects, files: result.stats.files, ms: Math.round(ms), valid, byRule, inputErrors: result.load.inputErrors });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

if (args.includes('--json')) console.log(JSON.stringify(rows, null, 2));
else {
  for (const r of rows) {
    if (r.missing) {
      console.log(`\n## ${r.name}: not in this corpus`);
      continue;
    }
    console.log(`\n## ${r.name}: ${r.files} files, ${r.objects} objects, ${r.ms} ms, SARIF ${r.valid}`);
    for (const e of r.inputErrors) console.log(`  input error: ${e.path}: ${e.message}`);
    const entries = Object.entries(r.byRule).sort((a, b) => b[1] - a[1]);
    if (entries.length === 0) console.log('  no findings');
    for (const [k, v] of entries) console.log(`  ${String(v).padStart(4)}  ${k}`);
  }
}
