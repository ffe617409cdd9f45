import rule from '../../src/rules/nodeport-bypasses-mesh.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

/** Namespace `shop` with Istio sidecar injection, and a web Deployment listening on 8080. */
const istioShop = yaml`
  apiVersion: v1
  kind: Namespace
  metadata:
    name: shop
    labels: {istio-injection: enabled}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec: {containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]}
`;

const nodePortWeb = yaml`
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec:
    type: NodePort
    selector: {app: web}
    ports:
      - port: 80
        targetPort: 8080
`;

/** Kuma namespace with injection, the default Mesh with the given spec, and a NodePort demo app. */
const kumaDemo = (meshSpec: string) => yaml`
  apiVersion: v1
  kind: Namespace
  metadata: {name: kuma-demo, labels: {kuma.io/sidecar-injection: enabled}}
  ---
  apiVersion: kuma.io/v1alpha1
  kind: Mesh
  metadata: {name: default}
  spec: ${meshSpec}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: demo-app, namespace: kuma-demo}
  spec:
    selector: {matchLabels: {app: demo-app}}
    template:
      metadata: {labels: {app: demo-app}}
      spec: {containers: [{name: app, image: demo}]}
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: demo-app, namespace: kuma-demo}
  spec: {type: NodePort, selector: {app: demo-app}, ports: [{port: 5050}]}
`;

/** Linkerd-injected namespace `books` with a webapp (pod annotations given) and its Service (spec given). */
const linkerdBooks = (podAnnotations: string, serviceSpec: string) => yaml`
  apiVersion: v1
  kind: Namespace
  metadata: {name: books, annotations: {linkerd.io/inject: enabled}}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: webapp, namespace: books}
  spec:
    selector: {matchLabels: {app: webapp}}
    template:
      metadata: {labels: {app: webapp}, annotations: ${podAnnotations}}
      spec: {containers: [{name: webapp, image: webapp, ports: [{name: http, containerPort: 7000}]}]}
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: webapp, namespace: books}
  spec: ${serviceSpec}
`;

ruleTable(rule, {
  valid: [
    {
      name: 'NodePort to pods without a proxy',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: web}]}
      ` + nodePortWeb,
    },
    {
      name: 'ClusterIP Service to meshed pods',
      yaml: istioShop + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
      `,
    },
    {
      name: 'the Istio ingress gateway itself is meant to be exposed',
      yaml: yaml`
        apiVersion: v1
        kind: Namespace
        metadata: {name: istio-ingress, labels: {istio-injection: enabled}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: istio-ingressgateway, namespace: istio-ingress}
        spec:
          selector: {matchLabels: {istio: ingressgateway}}
          template:
            metadata: {labels: {istio: ingressgateway}}
            spec: {containers: [{name: istio-proxy, image: auto}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: istio-ingressgateway, namespace: istio-ingress}
        spec: {type: LoadBalancer, selector: {istio: ingressgateway}, ports: [{port: 443, targetPort: 8443}]}
      `,
    },
    {
      name: 'pods selected by an Istio Gateway count as a gateway whatever their labels',
      yaml: istioShop + nodePortWeb + yaml`
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: shop}
        spec:
          selector: {app: web}
          servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*'], tls: {httpsRedirect: true}}]
      `,
    },
    {
      name: 'an ingress controller in Linkerd ingress mode',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: contour, namespace: edge}
        spec:
          selector: {matchLabels: {app: contour}}
          template:
            metadata:
              labels: {app: contour}
              annotations: {linkerd.io/inject: ingress}
            spec: {containers: [{name: envoy, image: envoy}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: contour, namespace: edge}
        spec: {type: LoadBalancer, selector: {app: contour}, ports: [{port: 80}]}
      `,
    },
    {
      name: 'UDP never passes a mesh proxy',
      yaml: istioShop + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: dns, namespace: shop}
        spec: {type: NodePort, selector: {app: web}, ports: [{port: 53, protocol: UDP}]}
      `,
    },
  ],
  invalid: [
    {
      name: 'Istio, no PeerAuthentication: plaintext under the assumed PERMISSIVE default',
      yaml: istioShop + nodePortWeb,
      errors: [
        {
          messageId: 'plaintext',
          object: 'shop/Service/web',
          path: 'spec.ports[0]',
          line: 23,
          level: 'warning',
          message: [
            'NodePort Service shop/web lets outside clients reach Deployment shop/web directly through an automatically allocated node port on every node, around the ingress gateway',
            'Istio accepts them in plaintext on port 8080',
            "Istio's default PERMISSIVE applies",
            '[assumed',
          ],
        },
      ],
    },
    {
      name: 'Istio, namespace-wide STRICT: outside clients are refused',
      yaml: istioShop + nodePortWeb + yaml`
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: shop}
        spec: {mtls: {mode: STRICT}}
      `,
      errors: [
        {
          messageId: 'refused',
          object: 'shop/Service/web',
          path: 'spec.ports[0]',
          line: 23,
          message: ['Istio requires mTLS on port 8080', 'namespace-wide PeerAuthentication shop/default sets STRICT', 'connections will be refused'],
        },
      ],
    },
    {
      name: 'Istio, STRICT workload policy with a PERMISSIVE hole on the exposed port',
      yaml: istioShop + nodePortWeb + yaml`
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          mtls: {mode: STRICT}
          portLevelMtls:
            8080: {mode: PERMISSIVE}
      `,
      errors: [{ messageId: 'plaintext', object: 'shop/Service/web', path: 'spec.ports[0]', line: 23, message: 'portLevelMtls for port 8080 in PeerAuthentication shop/web sets PERMISSIVE' }],
    },
    {
      name: 'Istio ambient namespace behind externalIPs',
      yaml: yaml`
        apiVersion: v1
        kind: Namespace
        metadata: {name: apps, labels: {istio.io/dataplane-mode: ambient}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: apps}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: api, image: api}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: apps}
        spec:
          externalIPs: [203.0.113.10]
          selector: {app: api}
          ports: [{port: 443, targetPort: 8443}]
      `,
      errors: [{ messageId: 'plaintext', object: 'apps/Service/api', path: 'spec.ports[0]', line: 20, message: ['Service apps/api (externalIPs)', 'external IP 203.0.113.10', 'Istio accepts them in plaintext on port 8443'] }],
    },
    {
      name: 'Linkerd with the default all-unauthenticated policy behind a LoadBalancer',
      yaml: linkerdBooks('{}', '{type: LoadBalancer, selector: {app: webapp}, ports: [{port: 80, targetPort: http}]}'),
      errors: [{ messageId: 'plaintext', object: 'books/Service/webapp', path: 'spec.ports[0]', line: 17, message: ['Linkerd accepts them in plaintext on port 7000', 'default inbound policy all-unauthenticated', 'the cloud load balancer'] }],
    },
    {
      name: 'Linkerd workload that only admits authenticated clients',
      yaml: linkerdBooks('{config.linkerd.io/default-inbound-policy: all-authenticated}', '{type: NodePort, selector: {app: webapp}, ports: [{port: 7000, nodePort: 30700}]}'),
      errors: [{ messageId: 'refused', object: 'books/Service/webapp', path: 'spec.ports[0]', line: 17, message: ['node port 30700 on every node', 'Linkerd requires mTLS on port 7000', 'all-authenticated'] }],
    },
    {
      name: 'Kuma mesh without mTLS: plaintext, and MeshTrafficPermission would not apply',
      yaml: kumaDemo('{}'),
      errors: [{ messageId: 'plaintext', object: 'kuma-demo/Service/demo-app', path: 'spec.ports[0]', line: 22, message: ['Kuma accepts them in plaintext on port 5050', 'Mesh default sets no mtls.enabledBackend'] }],
    },
    {
      name: 'Kuma mesh with mTLS: refused',
      yaml: kumaDemo('{mtls: {enabledBackend: ca-1, backends: [{name: ca-1, type: builtin}]}}'),
      errors: [{ messageId: 'refused', object: 'kuma-demo/Service/demo-app', path: 'spec.ports[0]', line: 22, message: ['Kuma requires mTLS on port 5050', 'Mesh default enables mTLS backend ca-1'] }],
    },
    {
      name: 'Consul pod that opted in: strict by default, so outside clients are refused',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: frontend, namespace: hashicups}
        spec:
          selector: {matchLabels: {app: frontend}}
          template:
            metadata:
              labels: {app: frontend}
              annotations: {consul.hashicorp.com/connect-inject: 'true'}
            spec: {containers: [{name: frontend, image: frontend}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: frontend, namespace: hashicups}
        spec: {type: LoadBalancer, selector: {app: frontend}, ports: [{port: 3000}]}
      `,
      errors: [{ messageId: 'refused', object: 'hashicups/Service/frontend', path: 'spec.ports[0]', line: 15, message: ["Consul requires mTLS on port 3000", "Consul's default strict applies", '[assumed'] }],
    },
    {
      name: 'hostPort into an Istio-meshed pod',
      yaml: yaml`
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {istio-injection: enabled}}
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: edge-cache, namespace: shop}
        spec:
          selector: {matchLabels: {app: edge-cache}}
          template:
            metadata: {labels: {app: edge-cache}}
            spec:
              containers:
                - name: cache
                  image: varnish
                  ports: [{containerPort: 6081, hostPort: 80}]
      `,
      errors: [{ messageId: 'plaintext', object: 'shop/DaemonSet/edge-cache', path: 'spec.template.spec.containers[0].ports[0].hostPort', line: 16, message: ['hostPort 80 of DaemonSet shop/edge-cache', 'port 80 of its node', 'plaintext on port 6081'] }],
    },
    {
      name: 'gateway markers are configurable: with an empty list the ingress gateway counts as an app',
      options: { gatewayLabels: [], gatewayAnnotations: [] },
      yaml: yaml`
        apiVersion: v1
        kind: Namespace
        metadata: {name: istio-ingress, labels: {istio-injection: enabled}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: istio-ingressgateway, namespace: istio-ingress}
        spec:
          selector: {matchLabels: {istio: ingressgateway}}
          template:
            metadata: {labels: {istio: ingressgateway}}
            spec: {containers: [{name: istio-proxy, image: auto}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: istio-ingressgateway, namespace: istio-ingress}
        spec: {type: LoadBalancer, selector: {istio: ingressgateway}, ports: [{port: 443, targetPort: 8443}]}
      `,
      errors: [{ messageId: 'plaintext', object: 'istio-ingress/Service/istio-ingressgateway', path: 'spec.ports[0]', line: 17 }],
    },
  ],
});
