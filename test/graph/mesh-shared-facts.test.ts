/**
 * The mesh model computes some facts once per namespace (the data plane and verdicts of workloads without markers
 * of their own, their inbound mTLS, the policies that apply namespace- or mesh-wide) and once per graph (reverse
 * indexes from workloads to the Services, Servers and policies that select them). Whatever order rules ask in, a
 * workload's answers must be the ones it gets when it is the only one asked: these tests ask every workload of a
 * mixed namespace in both orders, each on a fresh graph, and compare with asking it alone.
 */
import { describe, expect, it } from 'vitest';
import type { Graph, PodTemplate } from '../../src/graph/graph.js';
import { policiesApplyingTo } from '../../src/graph/mesh/applies.js';
import { dataPlaneOf, meshVerdicts, sidecarTemplates, templatesOfMesh, templatesWithoutProxy } from '../../src/graph/mesh/injection.js';
import { inboundMtlsOf, linkerdServersFor, peerAuthenticationsFor } from '../../src/graph/mesh/mtls.js';
import { containerPorts, servicesSelecting, serviceView } from '../../src/graph/services.js';
import { graphOf, refOf } from '../helpers/mesh-graph.js';

const YAML = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}, annotations: {linkerd.io/inject: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: plain}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ns-wide, namespace: shop}
spec: {mtls: {mode: PERMISSIVE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: strict-api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  mtls: {mode: STRICT}
  portLevelMtls: {"9090": {mode: DISABLE}}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: api-authz, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec: {egress: [{hosts: ["./*"]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: web, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}, annotations: {traffic.sidecar.istio.io/excludeInboundPorts: "9100"}}
    spec: {containers: [{name: app, image: api, ports: [{name: http, containerPort: 8080}, {containerPort: 9090}, {containerPort: 9100}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: opted-out, namespace: shop}
spec:
  selector: {matchLabels: {app: opted-out}}
  template:
    metadata: {labels: {app: opted-out, sidecar.istio.io/inject: "false"}}
    spec: {containers: [{name: app, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: host, namespace: shop}
spec:
  selector: {matchLabels: {app: host}}
  template:
    metadata: {labels: {app: host}}
    spec: {hostNetwork: true, containers: [{name: app, image: x, ports: [{containerPort: 8080, hostPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: manual, namespace: shop}
spec:
  selector: {matchLabels: {app: manual}}
  template:
    metadata: {labels: {app: manual}}
    spec: {containers: [{name: app, image: x}, {name: linkerd-proxy, image: proxy}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: native, namespace: shop}
spec:
  selector: {matchLabels: {app: native}}
  template:
    metadata: {labels: {app: native}, annotations: {sidecar.istio.io/nativeSidecar: "true"}}
    spec: {containers: [{name: app, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: consul, namespace: shop}
spec:
  selector: {matchLabels: {app: consul}}
  template:
    metadata: {labels: {app: consul}, annotations: {consul.hashicorp.com/connect-inject: "true"}}
    spec: {containers: [{name: app, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: lonely, namespace: plain}
spec:
  selector: {matchLabels: {app: lonely}}
  template:
    metadata: {labels: {app: lonely}}
    spec: {containers: [{name: app, image: x, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{port: 80, targetPort: http}, {name: grpc, port: 9090}]}
---
apiVersion: v1
kind: Service
metadata: {name: lonely, namespace: plain}
spec: {selector: {app: lonely}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: manual-http, namespace: shop}
spec: {podSelector: {matchLabels: {app: manual}}, port: 4191}
`;

/** Everything the shared tables answer about one workload, as plain data. */
function facts(graph: Graph, t: PodTemplate): unknown {
  return {
    dataPlane: dataPlaneOf(graph, t),
    verdicts: meshVerdicts(graph, t),
    inbound: inboundMtlsOf(graph, t),
    ports: [8080, 9090, 9100, 4191].map((p) => inboundMtlsOf(graph, t, p)),
    peerAuthentications: peerAuthenticationsFor(graph, t),
    applying: policiesApplyingTo(graph, t).map((p) => `${p.scope} ${refOf(p.resource)}`),
    services: servicesSelecting(graph, t).map(refOf),
    servers: linkerdServersFor(graph, t).map(refOf),
  };
}

function plain(v: unknown): unknown {
  // resources as references, so that the comparison is about the answers, not object identity
  return JSON.parse(JSON.stringify(v, (k, x) => (k === 'resource' || k === 'owner' ? refOf(x) : x)));
}

describe('facts shared by a namespace or a graph', () => {
  it('give every workload the answers it gets when asked alone, whatever the order', async () => {
    const alone = new Map<string, unknown>();
    const first = await graphOf(YAML);
    for (const t of first.podTemplates) {
      const g = await graphOf(YAML);
      const same = g.podTemplates.find((x) => x.owner.id === t.owner.id)!;
      alone.set(refOf(t.owner)!, plain(facts(g, same)));
    }
    for (const order of ['forward', 'backward'] as const) {
      const g = await graphOf(YAML);
      const ts = order === 'forward' ? [...g.podTemplates] : [...g.podTemplates].reverse();
      for (const t of ts) expect(plain(facts(g, t)), `${refOf(t.owner)} (${order})`).toEqual(alone.get(refOf(t.owner)!));
    }
  });

  it('group workloads by data plane in input order', async () => {
    const g = await graphOf(YAML);
    const names = (ts: readonly PodTemplate[]) => ts.map((t) => t.owner.name);
    expect(names(sidecarTemplates(g))).toEqual(g.podTemplates.filter((t) => dataPlaneOf(g, t).mode === 'sidecar').map((t) => t.owner.name));
    expect(names(templatesWithoutProxy(g))).toEqual(g.podTemplates.filter((t) => dataPlaneOf(g, t).mode === 'none').map((t) => t.owner.name));
    for (const mesh of ['istio', 'linkerd', 'consul', 'kuma'] as const) {
      expect(names(templatesOfMesh(g, mesh)), mesh).toEqual(g.podTemplates.filter((t) => dataPlaneOf(g, t).mesh === mesh && dataPlaneOf(g, t).mode !== 'none').map((t) => t.owner.name));
    }
  });

  it('resolve named target ports the same before and after the container port lists are built', async () => {
    const a = await graphOf(YAML);
    const b = await graphOf(YAML);
    // b builds the lists first (as rules that read container ports do), a resolves from the raw spec
    for (const t of b.podTemplates) containerPorts(t);
    const endpoints = (g: Graph) => g.ofKind('', 'Service').map((s) => plain(serviceView(g, s).ports));
    expect(endpoints(a)).toEqual(endpoints(b));
  });
});
