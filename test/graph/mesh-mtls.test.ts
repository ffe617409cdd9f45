/**
 * Effective inbound mTLS per workload and port: YAML in, the mode and the policy (object + path) that set it.
 * Istio precedence mesh → namespace → workload → port (semantics.md §2.3), Linkerd policy (§3.3), Consul
 * mutualTLSMode (§4), Kuma Mesh mTLS and MeshTLS (§5).
 */
import { describe, expect, it } from 'vitest';
import type { MeshName, MtlsMode } from '../../src/graph/mesh/model.js';
import { inboundMtlsOf, peerAuthenticationsFor } from '../../src/graph/mesh/mtls.js';
import { graphOf, pathText, refOf, templateNamed } from '../helpers/mesh-graph.js';

interface Row {
  readonly name: string;
  readonly yaml: string;
  readonly cluster?: Record<string, unknown>;
  readonly port?: number;
  readonly mesh: MeshName | undefined;
  readonly mode: MtlsMode;
  readonly by: string | null;
  readonly path: string;
  readonly reason?: string;
  readonly assumed?: boolean;
}

const W = 'shop/Deployment/web';

function workload(o: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web, namespace: shop}',
    'spec:',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    `    metadata: {labels: ${JSON.stringify({ app: 'web', ...(o.labels ?? {}) })}, annotations: ${JSON.stringify(o.annotations ?? {})}}`,
    '    spec:',
    '      containers: [{name: web, image: nginx, ports: [{containerPort: 8080, name: http}, {containerPort: 9090, name: admin}]}]',
    '---',
    '',
  ].join('\n');
}

const istioNs = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}\n---\n';
const ambientNs = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio.io/dataplane-mode: ambient}}\n---\n';
const linkerdNs = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, annotations: {linkerd.io/inject: enabled}}\n---\n';
const kumaNs = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {kuma.io/sidecar-injection: enabled}}\n---\n';

function pa(name: string, ns: string, body: string): string {
  return `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${body.split('\n').map((l) => `  ${l}`).join('\n')}\n---\n`;
}

const server = (name: string, port: number | string, extra = '') => `apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  port: ${port}\n${extra}---\n`;

const rows: Row[] = [
  // ---------------------------------------------------------------- Istio
  { name: 'istio: nothing anywhere is PERMISSIVE, assumed', yaml: istioNs + workload(), mesh: 'istio', mode: 'PERMISSIVE', by: null, path: '', assumed: true, reason: "Istio's default PERMISSIVE" },
  { name: 'istio: mesh-wide mode declared in cluster facts', yaml: istioNs + workload(), cluster: { istio: { meshMtls: 'STRICT' } }, mesh: 'istio', mode: 'STRICT', by: null, path: '', assumed: false, reason: 'cluster.istio.meshMtls' },
  { name: 'istio: mesh-wide PeerAuthentication in the root namespace', yaml: istioNs + workload() + pa('default', 'istio-system', 'mtls: {mode: STRICT}'), mesh: 'istio', mode: 'STRICT', by: 'istio-system/PeerAuthentication/default', path: 'spec.mtls.mode' },
  {
    name: 'istio: namespace level overrides mesh level',
    yaml: istioNs + workload() + pa('default', 'istio-system', 'mtls: {mode: STRICT}') + pa('ns', 'shop', 'mtls: {mode: PERMISSIVE}'),
    mesh: 'istio', mode: 'PERMISSIVE', by: 'shop/PeerAuthentication/ns', path: 'spec.mtls.mode',
  },
  {
    name: 'istio: workload level overrides namespace level',
    yaml: istioNs + workload() + pa('ns', 'shop', 'mtls: {mode: STRICT}') + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nmtls: {mode: DISABLE}'),
    mesh: 'istio', mode: 'DISABLE', by: 'shop/PeerAuthentication/web', path: 'spec.mtls.mode',
  },
  {
    name: 'istio: an UNSET workload policy inherits',
    yaml: istioNs + workload() + pa('ns', 'shop', 'mtls: {mode: STRICT}') + pa('web', 'shop', 'selector: {matchLabels: {app: web}}'),
    mesh: 'istio', mode: 'STRICT', by: 'shop/PeerAuthentication/ns', path: 'spec.mtls.mode',
  },
  {
    name: 'istio: portLevelMtls keyed by the container port',
    yaml: istioNs + workload() + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nmtls: {mode: STRICT}\nportLevelMtls:\n  8080: {mode: PERMISSIVE}'),
    port: 8080, mesh: 'istio', mode: 'PERMISSIVE', by: 'shop/PeerAuthentication/web', path: 'spec.portLevelMtls["8080"].mode',
  },
  {
    name: 'istio: another port keeps the workload mode',
    yaml: istioNs + workload() + pa('web', 'shop', 'selector: {matchLabels: {app: web}}\nmtls: {mode: STRICT}\nportLevelMtls:\n  8080: {mode: PERMISSIVE}'),
    port: 9090, mesh: 'istio', mode: 'STRICT', by: 'shop/PeerAuthentication/web', path: 'spec.mtls.mode',
  },
  {
    name: 'istio: a selector in the root namespace is ignored',
    yaml: istioNs + workload() + pa('ns', 'shop', 'mtls: {mode: STRICT}') + pa('root-web', 'istio-system', 'selector: {matchLabels: {app: web}}\nmtls: {mode: DISABLE}'),
    mesh: 'istio', mode: 'STRICT', by: 'shop/PeerAuthentication/ns', path: 'spec.mtls.mode',
  },
  {
    name: 'istio: two namespace-wide policies: the first is taken and the decision is marked assumed',
    yaml: istioNs + workload() + pa('a', 'shop', 'mtls: {mode: STRICT}') + pa('b', 'shop', 'mtls: {mode: PERMISSIVE}'),
    mesh: 'istio', mode: 'STRICT', by: 'shop/PeerAuthentication/a', path: 'spec.mtls.mode', assumed: true, reason: 'keeps the oldest',
  },
  {
    name: 'istio ambient: DISABLE is ignored',
    yaml: ambientNs + workload() + pa('ns', 'shop', 'mtls: {mode: DISABLE}'),
    mesh: 'istio', mode: 'PERMISSIVE', by: null, path: '', reason: 'which ambient ignores',
  },
  {
    name: 'istio: an excluded inbound port bypasses the proxy',
    yaml: istioNs + workload({ annotations: { 'traffic.sidecar.istio.io/excludeInboundPorts': '9090' } }) + pa('ns', 'shop', 'mtls: {mode: STRICT}'),
    port: 9090, mesh: 'istio', mode: 'DISABLE', by: W, path: 'spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeInboundPorts"]',
  },
  { name: 'no proxy: DISABLE', yaml: workload() + pa('ns', 'shop', 'mtls: {mode: STRICT}'), mesh: undefined, mode: 'DISABLE', by: null, path: '', reason: 'no proxy' },
  // ---------------------------------------------------------------- Linkerd
  { name: 'linkerd: default all-unauthenticated accepts plaintext (assumed)', yaml: linkerdNs + workload(), port: 8080, mesh: 'linkerd', mode: 'PERMISSIVE', by: null, path: '', assumed: true, reason: 'all-unauthenticated' },
  {
    name: 'linkerd: namespace default policy all-authenticated',
    yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, annotations: {linkerd.io/inject: enabled, config.linkerd.io/default-inbound-policy: all-authenticated}}\n---\n' + workload(),
    port: 8080, mesh: 'linkerd', mode: 'STRICT', by: 'Namespace/shop', path: 'metadata.annotations["config.linkerd.io/default-inbound-policy"]',
  },
  { name: 'linkerd: a Server with no authorization denies everything', yaml: linkerdNs + workload() + server('web-http', 'http'), port: 8080, mesh: 'linkerd', mode: 'STRICT', by: 'shop/Server/web-http', path: 'spec.port', reason: 'all traffic is refused' },
  {
    name: 'linkerd: a Server whose authorization requires MeshTLSAuthentication',
    yaml: linkerdNs + workload() + server('web-http', 8080) + 'apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: web-authn, namespace: shop}\nspec:\n  targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}\n  requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: clients}]\n',
    port: 8080, mesh: 'linkerd', mode: 'STRICT', by: 'shop/AuthorizationPolicy/web-authn', path: 'spec',
  },
  {
    name: 'linkerd: a NetworkAuthentication lets plaintext in',
    yaml: linkerdNs + workload() + server('web-http', 8080) + 'apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: web-net, namespace: shop}\nspec:\n  targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}\n  requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: NetworkAuthentication, name: cluster}]\n',
    port: 8080, mesh: 'linkerd', mode: 'PERMISSIVE', by: 'shop/AuthorizationPolicy/web-net', path: 'spec',
  },
  {
    name: 'linkerd: a skip port bypasses the proxy',
    yaml: linkerdNs + workload({ annotations: { 'config.linkerd.io/skip-inbound-ports': '9090' } }),
    port: 9090, mesh: 'linkerd', mode: 'DISABLE', by: W, path: 'spec.template.metadata.annotations["config.linkerd.io/skip-inbound-ports"]',
  },
  // ---------------------------------------------------------------- Consul
  { name: 'consul: strict by default', yaml: workload({ annotations: { 'consul.hashicorp.com/connect-inject': 'true' } }), mesh: 'consul', mode: 'STRICT', by: null, path: '', assumed: true },
  {
    name: 'consul: permissive ServiceDefaults allowed by the Mesh entry',
    yaml: workload({ annotations: { 'consul.hashicorp.com/connect-inject': 'true' } }) +
      'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}\n---\n' +
      'apiVersion: consul.hashicorp.com/v1alpha1\nkind: ServiceDefaults\nmetadata: {name: web, namespace: shop}\nspec: {protocol: http, mutualTLSMode: permissive}\n---\n' +
      'apiVersion: consul.hashicorp.com/v1alpha1\nkind: Mesh\nmetadata: {name: mesh, namespace: consul}\nspec: {allowEnablingPermissiveMutualTLS: true}\n',
    mesh: 'consul', mode: 'PERMISSIVE', by: 'shop/ServiceDefaults/web', path: 'spec.mutualTLSMode',
  },
  {
    name: 'consul: permissive without the Mesh opt-in is rejected',
    yaml: workload({ annotations: { 'consul.hashicorp.com/connect-inject': 'true' } }) +
      'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}\n---\n' +
      'apiVersion: consul.hashicorp.com/v1alpha1\nkind: ServiceDefaults\nmetadata: {name: web, namespace: shop}\nspec: {mutualTLSMode: permissive}\n---\n' +
      'apiVersion: consul.hashicorp.com/v1alpha1\nkind: Mesh\nmetadata: {name: mesh, namespace: consul}\nspec: {}\n',
    mesh: 'consul', mode: 'STRICT', by: 'shop/ServiceDefaults/web', path: 'spec.mutualTLSMode', reason: 'rejects the entry',
  },
  {
    name: 'consul: permissive ProxyDefaults, Mesh entry outside the input',
    yaml: workload({ annotations: { 'consul.hashicorp.com/connect-inject': 'true' } }) + 'apiVersion: consul.hashicorp.com/v1alpha1\nkind: ProxyDefaults\nmetadata: {name: global, namespace: consul}\nspec: {mutualTLSMode: permissive}\n',
    mesh: 'consul', mode: 'PERMISSIVE', by: 'consul/ProxyDefaults/global', path: 'spec.mutualTLSMode', assumed: true,
  },
  // ---------------------------------------------------------------- Kuma
  { name: 'kuma: Mesh without enabledBackend', yaml: kumaNs + workload() + 'apiVersion: kuma.io/v1alpha1\nkind: Mesh\nmetadata: {name: default}\nspec: {}\n', mesh: 'kuma', mode: 'DISABLE', by: 'Mesh/default', path: 'spec' },
  {
    name: 'kuma: Mesh with a builtin backend enabled',
    yaml: kumaNs + workload() + 'apiVersion: kuma.io/v1alpha1\nkind: Mesh\nmetadata: {name: default}\nspec:\n  mtls:\n    enabledBackend: ca-1\n    backends: [{name: ca-1, type: builtin}]\n',
    mesh: 'kuma', mode: 'STRICT', by: 'Mesh/default', path: 'spec.mtls.enabledBackend',
  },
  {
    name: 'kuma: PERMISSIVE backend',
    yaml: kumaNs + workload() + 'apiVersion: kuma.io/v1alpha1\nkind: Mesh\nmetadata: {name: default}\nspec:\n  mtls:\n    enabledBackend: ca-1\n    backends: [{name: ca-1, type: builtin, mode: PERMISSIVE}]\n',
    mesh: 'kuma', mode: 'PERMISSIVE', by: 'Mesh/default', path: 'spec.mtls.backends[0].mode',
  },
  { name: 'kuma: Mesh outside the input is assumed without mTLS', yaml: kumaNs + workload(), mesh: 'kuma', mode: 'DISABLE', by: null, path: '', assumed: true },
  { name: 'kuma: Mesh mTLS declared in cluster facts', yaml: kumaNs + workload(), cluster: { kuma: { meshes: { default: { mtls: 'STRICT' } } } }, mesh: 'kuma', mode: 'STRICT', by: null, path: '', assumed: false },
  {
    name: 'kuma: a MeshTLS policy makes it Permissive',
    yaml: kumaNs + workload() + 'apiVersion: kuma.io/v1alpha1\nkind: Mesh\nmetadata: {name: default}\nspec:\n  mtls:\n    enabledBackend: ca-1\n    backends: [{name: ca-1, type: builtin}]\n---\n' +
      'apiVersion: kuma.io/v1alpha1\nkind: MeshTLS\nmetadata: {name: permissive, namespace: kuma-system, labels: {kuma.io/mesh: default}}\nspec:\n  targetRef: {kind: Mesh}\n  from:\n    - targetRef: {kind: Mesh}\n      default: {mode: Permissive}\n',
    mesh: 'kuma', mode: 'PERMISSIVE', by: 'kuma-system/MeshTLS/permissive', path: 'spec.from[0].default.mode',
  },
];

describe('inboundMtlsOf', () => {
  for (const row of rows) {
    it(row.name, async () => {
      const graph = await graphOf(row.yaml, row.cluster);
      const m = inboundMtlsOf(graph, templateNamed(graph, W), row.port);
      expect({ mesh: m.mesh, mode: m.mode, by: refOf(m.decidedBy.resource), path: pathText(m.decidedBy.path) }).toEqual({ mesh: row.mesh, mode: row.mode, by: row.by, path: row.path });
      if (row.reason) expect(m.decidedBy.reason).toContain(row.reason);
      if (row.assumed !== undefined) expect(m.decidedBy.assumed).toBe(row.assumed);
    });
  }

  it('peerAuthenticationsFor lists each level and the ignored root selector', async () => {
    const graph = await graphOf(
      istioNs + workload() + pa('mesh', 'istio-system', 'mtls: {mode: STRICT}') + pa('root-web', 'istio-system', 'selector: {matchLabels: {app: web}}') + pa('ns', 'shop', 'mtls: {mode: STRICT}') + pa('web', 'shop', 'selector: {matchLabels: {app: web}}') + pa('other', 'shop', 'selector: {matchLabels: {app: other}}'),
    );
    const p = peerAuthenticationsFor(graph, templateNamed(graph, W));
    expect({ mesh: p.mesh.map(refOf), namespace: p.namespace.map(refOf), workload: p.workload.map(refOf), ignoredRoot: p.ignoredRoot.map(refOf) }).toEqual({
      mesh: ['istio-system/PeerAuthentication/mesh'],
      namespace: ['shop/PeerAuthentication/ns'],
      workload: ['shop/PeerAuthentication/web'],
      ignoredRoot: ['istio-system/PeerAuthentication/root-web'],
    });
  });
});
