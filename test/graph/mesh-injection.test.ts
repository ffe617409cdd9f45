/**
 * The per-workload data-plane model: YAML (and cluster facts) in, the DataPlane out, with the object and path
 * of the marker that decided. One row per precedence rule of each mesh (semantics.md §2.1, §2.2, §3.1, §4, §5).
 */
import { describe, expect, it } from 'vitest';
import { dataPlaneOf, nativeSidecarOf } from '../../src/graph/mesh/injection.js';
import type { MeshName } from '../../src/graph/mesh/model.js';
import { graphOf, pathText, refOf, templateNamed } from '../helpers/mesh-graph.js';

interface Row {
  readonly name: string;
  readonly yaml: string;
  readonly cluster?: Record<string, unknown>;
  /** Workload to ask about, `ns/Kind/name`. */
  readonly workload?: string;
  readonly mesh: MeshName | undefined;
  readonly mode: 'sidecar' | 'ambient' | 'none';
  /** Object whose field decided (`ns/Kind/name`, `Kind/name`), or null for a cluster fact / default. */
  readonly by: string | null;
  readonly path: string;
  readonly reason?: string;
  readonly assumed?: boolean;
  readonly overridden?: readonly string[];
  readonly candidates?: readonly MeshName[];
  readonly native?: boolean;
}

function ns(name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: ${JSON.stringify(labels)}\n  annotations: ${JSON.stringify(annotations)}\n---\n`;
}

function deploy(o: { ns?: string; labels?: Record<string, string>; annotations?: Record<string, string>; spec?: string; name?: string; kind?: string } = {}): string {
  const kind = o.kind ?? 'Deployment';
  const api = kind === 'Job' ? 'batch/v1' : 'apps/v1';
  return [
    `apiVersion: ${api}`,
    `kind: ${kind}`,
    `metadata: {name: ${o.name ?? 'web'}, namespace: ${o.ns ?? 'shop'}}`,
    'spec:',
    ...(kind === 'Job' ? [] : ['  selector: {matchLabels: {app: web}}']),
    '  template:',
    `    metadata: {labels: ${JSON.stringify({ app: 'web', ...(o.labels ?? {}) })}, annotations: ${JSON.stringify(o.annotations ?? {})}}`,
    '    spec:',
    ...(o.spec ? o.spec.split('\n').map((l) => `      ${l}`) : []),
    '      containers: [{name: web, image: nginx}]',
    '',
  ].join('\n');
}

const W = 'shop/Deployment/web';

const rows: Row[] = [
  // ---------------------------------------------------------------- Istio, stage 1
  { name: 'istio: namespace istio-injection=enabled injects', yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy(), mesh: 'istio', mode: 'sidecar', by: 'Namespace/shop', path: 'metadata.labels.istio-injection', assumed: false },
  { name: 'istio: pod label false opts out of an enabled namespace', yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy({ labels: { 'sidecar.istio.io/inject': 'false' } }), mesh: undefined, mode: 'none', by: W, path: 'spec.template.metadata.labels["sidecar.istio.io/inject"]' },
  {
    name: 'istio: namespace disabled beats pod label true',
    yaml: ns('shop', { 'istio-injection': 'disabled' }) + deploy({ labels: { 'sidecar.istio.io/inject': 'true' } }),
    mesh: undefined, mode: 'none', by: 'Namespace/shop', path: 'metadata.labels.istio-injection',
    overridden: ['cannot opt in while the namespace has istio-injection=disabled'], candidates: ['istio'],
  },
  { name: 'istio: istio-injection=true matches no webhook', yaml: ns('shop', { 'istio-injection': 'true' }) + deploy(), mesh: undefined, mode: 'none', by: 'Namespace/shop', path: 'metadata.labels.istio-injection', reason: 'only "enabled" does' },
  {
    name: 'istio: istio-injection wins over istio.io/rev on the namespace',
    yaml: ns('shop', { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' }) + deploy(),
    mesh: 'istio', mode: 'sidecar', by: 'Namespace/shop', path: 'metadata.labels.istio-injection', overridden: ['istio.io/rev=canary on Namespace shop, ignored'],
  },
  { name: 'istio: pod label true opts in where the namespace has no label', yaml: ns('shop') + deploy({ labels: { 'sidecar.istio.io/inject': 'true' } }), mesh: 'istio', mode: 'sidecar', by: W, path: 'spec.template.metadata.labels["sidecar.istio.io/inject"]', assumed: false },
  {
    name: 'istio: annotation true cannot opt in (unknown namespace: assumed)',
    yaml: deploy({ annotations: { 'sidecar.istio.io/inject': 'true' } }),
    mesh: undefined, mode: 'none', by: null, path: '', assumed: true, reason: 'assumed to have no istio-injection or istio.io/rev label',
    overridden: ['cannot opt a pod in: the webhook\'s object selector reads labels only'], candidates: ['istio'],
  },
  {
    name: 'istio: namespace revision label from cluster facts',
    yaml: deploy(), cluster: { namespaces: { shop: { labels: { 'istio.io/rev': '1-22' } } } },
    mesh: 'istio', mode: 'sidecar', by: null, path: '', reason: 'istio.io/rev=1-22 on namespace shop (cluster.namespaces)',
  },
  {
    name: 'istio: a revision that is not installed injects nothing',
    yaml: deploy(), cluster: { namespaces: { shop: { labels: { 'istio.io/rev': '1-22' } } }, istio: { revisions: ['default', '1-23'] } },
    mesh: undefined, mode: 'none', by: null, path: '', reason: 'revision 1-22 is not installed',
  },
  { name: 'istio: pod revision label in an unlabelled namespace', yaml: ns('shop') + deploy({ labels: { 'istio.io/rev': 'canary' } }), mesh: 'istio', mode: 'sidecar', by: W, path: 'spec.template.metadata.labels["istio.io/rev"]' },
  // ---------------------------------------------------------------- Istio, stage 2
  { name: 'istio: hostNetwork is never injected', yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy({ spec: 'hostNetwork: true' }), mesh: undefined, mode: 'none', by: W, path: 'spec.template.spec.hostNetwork' },
  { name: 'istio: kube-system is never injected', yaml: ns('kube-system', { 'istio-injection': 'enabled' }) + deploy({ ns: 'kube-system' }), workload: 'kube-system/Deployment/web', mesh: undefined, mode: 'none', by: null, path: '', reason: 'Istio never injects' },
  {
    name: 'istio: annotation false still opts out inside the webhook',
    yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy({ annotations: { 'sidecar.istio.io/inject': 'false' } }),
    mesh: undefined, mode: 'none', by: W, path: 'spec.template.metadata.annotations["sidecar.istio.io/inject"]',
  },
  // injectRequired() (istio/istio pkg/kube/inject/inject.go): y/yes/true/on inject, anything else but "" does not
  {
    name: 'istio: "yes" is read as true by the injector',
    yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy({ labels: { 'sidecar.istio.io/inject': 'yes' } }),
    mesh: 'istio', mode: 'sidecar', by: W, path: 'spec.template.metadata.labels["sidecar.istio.io/inject"]',
  },
  {
    name: 'istio: a value the injector does not know means no injection',
    yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy({ labels: { 'sidecar.istio.io/inject': 'enabled' } }),
    mesh: undefined, mode: 'none', by: W, path: 'spec.template.metadata.labels["sidecar.istio.io/inject"]', reason: 'not one of y, yes, true, on',
  },
  { name: 'istio: autoInject disabled needs an explicit true', yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy(), cluster: { istio: { autoInject: 'disabled' } }, mesh: undefined, mode: 'none', by: null, path: '', reason: 'cluster.istio.autoInject is disabled' },
  {
    name: 'istio: autoInject disabled, annotation true injects',
    yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy({ annotations: { 'sidecar.istio.io/inject': 'true' } }), cluster: { istio: { autoInject: 'disabled' } },
    mesh: 'istio', mode: 'sidecar', by: W, path: 'spec.template.metadata.annotations["sidecar.istio.io/inject"]',
  },
  { name: 'istio: enableNamespacesByDefault injects unlabelled namespaces', yaml: ns('shop') + deploy(), cluster: { istio: { enableNamespacesByDefault: true } }, mesh: 'istio', mode: 'sidecar', by: null, path: '', reason: 'enableNamespacesByDefault' },
  {
    name: 'istio: neverInjectSelector',
    yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy(), cluster: { istio: { neverInjectSelector: [{ matchLabels: { app: 'web' } }] } },
    mesh: undefined, mode: 'none', by: null, path: '', reason: 'neverInjectSelector',
  },
  {
    name: 'istio: manifest already injected by istioctl kube-inject',
    yaml: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}, {name: istio-proxy, image: proxyv2}]\n',
    mesh: 'istio', mode: 'sidecar', by: W, path: 'spec.template.spec.containers[1].name',
  },
  // ---------------------------------------------------------------- Istio ambient
  { name: 'ambient: namespace dataplane-mode=ambient', yaml: ns('shop', { 'istio.io/dataplane-mode': 'ambient' }) + deploy(), mesh: 'istio', mode: 'ambient', by: 'Namespace/shop', path: 'metadata.labels["istio.io/dataplane-mode"]' },
  {
    name: 'ambient: pod dataplane-mode=none opts out',
    yaml: ns('shop', { 'istio.io/dataplane-mode': 'ambient' }) + deploy({ labels: { 'istio.io/dataplane-mode': 'none' } }),
    mesh: undefined, mode: 'none', by: 'Namespace/shop', path: 'metadata', overridden: ['the pod opts out'],
  },
  {
    name: 'ambient: sidecar injection takes precedence over ambient',
    yaml: ns('shop', { 'istio.io/dataplane-mode': 'ambient' }) + deploy({ labels: { 'sidecar.istio.io/inject': 'true' } }),
    mesh: 'istio', mode: 'sidecar', by: W, path: 'spec.template.metadata.labels["sidecar.istio.io/inject"]', overridden: ['sidecar injection takes precedence'],
  },
  // ---------------------------------------------------------------- Linkerd
  { name: 'linkerd: namespace annotation enabled', yaml: ns('shop', {}, { 'linkerd.io/inject': 'enabled' }) + deploy(), mesh: 'linkerd', mode: 'sidecar', by: 'Namespace/shop', path: 'metadata.annotations["linkerd.io/inject"]' },
  {
    name: 'linkerd: pod enabled overrides namespace disabled (opposite of Istio)',
    yaml: ns('shop', {}, { 'linkerd.io/inject': 'disabled' }) + deploy({ annotations: { 'linkerd.io/inject': 'enabled' } }),
    mesh: 'linkerd', mode: 'sidecar', by: W, path: 'spec.template.metadata.annotations["linkerd.io/inject"]', overridden: ['in Linkerd the pod wins'],
  },
  { name: 'linkerd: pod disabled in an enabled namespace', yaml: ns('shop', {}, { 'linkerd.io/inject': 'enabled' }) + deploy({ annotations: { 'linkerd.io/inject': 'disabled' } }), mesh: undefined, mode: 'none', by: W, path: 'spec.template.metadata.annotations["linkerd.io/inject"]' },
  { name: 'linkerd: an invalid pod value means no injection', yaml: ns('shop', {}, { 'linkerd.io/inject': 'enabled' }) + deploy({ annotations: { 'linkerd.io/inject': 'true' } }), mesh: undefined, mode: 'none', by: W, path: 'spec.template.metadata.annotations["linkerd.io/inject"]', reason: 'is not a valid value' },
  { name: 'linkerd: an invalid namespace value means no injection at all', yaml: ns('shop', {}, { 'linkerd.io/inject': 'on' }) + deploy({ annotations: { 'linkerd.io/inject': 'enabled' } }), mesh: undefined, mode: 'none', by: 'Namespace/shop', path: 'metadata.annotations["linkerd.io/inject"]' },
  { name: 'linkerd: hostNetwork', yaml: deploy({ annotations: { 'linkerd.io/inject': 'enabled' }, spec: 'hostNetwork: true' }), mesh: undefined, mode: 'none', by: W, path: 'spec.template.spec.hostNetwork' },
  { name: 'linkerd: automountServiceAccountToken false', yaml: deploy({ annotations: { 'linkerd.io/inject': 'enabled' }, spec: 'automountServiceAccountToken: false' }), mesh: undefined, mode: 'none', by: W, path: 'spec.template.spec.automountServiceAccountToken' },
  {
    name: 'linkerd: namespace annotation from cluster facts',
    yaml: deploy(), cluster: { namespaces: { shop: { annotations: { 'linkerd.io/inject': 'enabled' } } } },
    mesh: 'linkerd', mode: 'sidecar', by: null, path: '', reason: '(cluster.namespaces)',
  },
  // ---------------------------------------------------------------- Consul
  { name: 'consul: pod annotation true', yaml: deploy({ annotations: { 'consul.hashicorp.com/connect-inject': 'true' } }), mesh: 'consul', mode: 'sidecar', by: W, path: 'spec.template.metadata.annotations["consul.hashicorp.com/connect-inject"]' },
  { name: 'consul: connectInject.default true injects unannotated pods', yaml: deploy(), cluster: { meshes: ['consul'], consul: { connectInjectDefault: true } }, mesh: 'consul', mode: 'sidecar', by: null, path: '', reason: 'connectInjectDefault is true' },
  { name: 'consul: opt-out with connectInject.default true', yaml: deploy({ annotations: { 'consul.hashicorp.com/connect-inject': 'false' } }), cluster: { meshes: ['consul'], consul: { connectInjectDefault: true } }, mesh: undefined, mode: 'none', by: W, path: 'spec.template.metadata.annotations["consul.hashicorp.com/connect-inject"]' },
  { name: 'consul: a non-boolean value is rejected', yaml: deploy({ annotations: { 'consul.hashicorp.com/connect-inject': 'enabled' } }), mesh: undefined, mode: 'none', by: W, path: 'spec.template.metadata.annotations["consul.hashicorp.com/connect-inject"]', reason: 'rejects the pod' },
  { name: 'consul: denied namespace', yaml: deploy({ annotations: { 'consul.hashicorp.com/connect-inject': 'true' } }), cluster: { consul: { denyNamespaces: ['shop'] } }, mesh: undefined, mode: 'none', by: null, path: '', reason: 'denyNamespaces' },
  // ---------------------------------------------------------------- Kuma
  { name: 'kuma: namespace label enabled', yaml: ns('shop', { 'kuma.io/sidecar-injection': 'enabled' }) + deploy(), mesh: 'kuma', mode: 'sidecar', by: 'Namespace/shop', path: 'metadata.labels["kuma.io/sidecar-injection"]' },
  {
    name: 'kuma: pod label without the namespace label does nothing',
    yaml: ns('shop') + deploy({ labels: { 'kuma.io/sidecar-injection': 'enabled' } }),
    mesh: undefined, mode: 'none', by: 'Namespace/shop', path: 'metadata', assumed: false, reason: 'which the pod webhook requires', overridden: ['has no effect'],
  },
  {
    name: 'kuma: pod label without the namespace label, namespace unknown',
    yaml: deploy({ labels: { 'kuma.io/sidecar-injection': 'enabled' } }),
    mesh: undefined, mode: 'none', by: null, path: '', assumed: true,
  },
  {
    name: 'kuma: pod enabled wins over namespace disabled',
    yaml: ns('shop', { 'kuma.io/sidecar-injection': 'disabled' }) + deploy({ labels: { 'kuma.io/sidecar-injection': 'enabled' } }),
    mesh: 'kuma', mode: 'sidecar', by: W, path: 'spec.template.metadata.labels["kuma.io/sidecar-injection"]', overridden: ['in Kuma the pod wins'],
  },
  { name: 'kuma: the control-plane namespace is excluded', yaml: ns('kuma-system', { 'kuma.io/sidecar-injection': 'enabled' }) + deploy({ ns: 'kuma-system' }), workload: 'kuma-system/Deployment/web', mesh: undefined, mode: 'none', by: null, path: '', reason: 'excludes namespace kuma-system' },
  // ---------------------------------------------------------------- several meshes, installed meshes
  {
    name: 'two meshes select one workload',
    yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy({ annotations: { 'linkerd.io/inject': 'enabled' } }),
    mesh: 'istio', mode: 'sidecar', by: 'Namespace/shop', path: 'metadata.labels.istio-injection', candidates: ['istio', 'linkerd'], overridden: ['Linkerd injects its proxy too'],
  },
  {
    name: 'a mesh that cluster.meshes says is not installed injects nothing',
    yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy(), cluster: { meshes: ['linkerd'] },
    mesh: undefined, mode: 'none', by: null, path: '', reason: 'Istio is not installed',
  },
  { name: 'no marker anywhere, namespace unknown', yaml: deploy(), mesh: undefined, mode: 'none', by: null, path: '', assumed: true, reason: 'no mesh injection marker on the pod' },
  // ---------------------------------------------------------------- native sidecars
  { name: 'native: Istio pod annotation', yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy({ annotations: { 'sidecar.istio.io/nativeSidecar': 'true' } }), mesh: 'istio', mode: 'sidecar', by: 'Namespace/shop', path: 'metadata.labels.istio-injection', native: true },
  { name: 'native: Istio auto on kubelet 1.33', yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy(), cluster: { kubernetesVersion: '1.33' }, mesh: 'istio', mode: 'sidecar', by: 'Namespace/shop', path: 'metadata.labels.istio-injection', native: true },
  { name: 'native: Istio auto on kubelet 1.30', yaml: ns('shop', { 'istio-injection': 'enabled' }) + deploy(), cluster: { kubernetesVersion: '1.30' }, mesh: 'istio', mode: 'sidecar', by: 'Namespace/shop', path: 'metadata.labels.istio-injection', native: false },
  { name: 'native: Linkerd 2.20 default', yaml: deploy({ annotations: { 'linkerd.io/inject': 'enabled' } }), cluster: { linkerd: { version: '2.20.0' } }, mesh: 'linkerd', mode: 'sidecar', by: W, path: 'spec.template.metadata.annotations["linkerd.io/inject"]', native: true },
];

describe('dataPlaneOf', () => {
  for (const row of rows) {
    it(row.name, async () => {
      const graph = await graphOf(row.yaml, row.cluster);
      const t = templateNamed(graph, row.workload ?? W);
      const dp = dataPlaneOf(graph, t);
      expect({ mesh: dp.mesh, mode: dp.mode, by: refOf(dp.decidedBy.resource), path: pathText(dp.decidedBy.path) }).toEqual({ mesh: row.mesh, mode: row.mode, by: row.by, path: row.path });
      if (row.reason) expect(dp.decidedBy.reason).toContain(row.reason);
      if (row.assumed !== undefined) expect(dp.decidedBy.assumed).toBe(row.assumed);
      for (const o of row.overridden ?? []) expect(dp.overridden.map((d) => d.reason).join(' | ')).toContain(o);
      if (row.candidates) expect(dp.candidates).toEqual(row.candidates);
      if (row.native !== undefined) expect(dp.nativeSidecar).toBe(row.native);
    });
  }

  it('native sidecar mode is unknown when the kubelet version is not declared', async () => {
    const graph = await graphOf(ns('shop', { 'istio-injection': 'enabled' }) + deploy());
    const t = templateNamed(graph, W);
    const n = nativeSidecarOf(graph, t, 'istio');
    expect(n.native).toBeUndefined();
    expect(n.decidedBy.assumed).toBe(true);
    expect(dataPlaneOf(graph, t).nativeSidecar).toBe(false);
  });
});
