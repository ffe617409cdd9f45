import rule from '../../src/rules/mesh-policy-selector-matches-nothing.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

// Thirteen lines: Service and Deployment reviews (namespace shop, labels app=reviews, version=v1, port http 9080).
const app = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: reviews, namespace: shop}
  spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: reviews, namespace: shop}
  spec:
    selector: {matchLabels: {app: reviews}}
    template:
      metadata: {labels: {app: reviews, version: v1}}
      spec: {containers: [{name: reviews, image: reviews, ports: [{name: http, containerPort: 9080}]}]}
  ---
`;

ruleTable(rule, {
  valid: [
    {
      name: 'istio: AuthorizationPolicy and Sidecar selectors match the workload',
      yaml: app + yaml`
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: reviews, namespace: shop}
        spec: {selector: {matchLabels: {app: reviews}}, rules: [{}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: reviews, namespace: shop}
        spec: {workloadSelector: {labels: {version: v1}}, egress: [{hosts: ["./*"]}]}
      `,
    },
    {
      name: 'istio: a root-namespace filter for the ingress gateway, whose pods the input does not hold',
      yaml: app + yaml`
        apiVersion: networking.istio.io/v1alpha3
        kind: EnvoyFilter
        metadata: {name: ratelimit, namespace: istio-system}
        spec:
          workloadSelector: {labels: {istio: ingressgateway}}
          configPatches: []
      `,
    },
    {
      name: 'istio: a root-namespace AuthorizationPolicy selects in every namespace',
      yaml: app + yaml`
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: reviews, namespace: istio-system}
        spec: {selector: {matchLabels: {app: reviews}}, rules: [{}]}
      `,
    },
    {
      name: 'istio: selector-less policies apply namespace-wide, a root PeerAuthentication selector is another rule\'s business',
      yaml: app + yaml`
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: shop}
        spec: {mtls: {mode: STRICT}}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: odd, namespace: istio-system}
        spec: {selector: {matchLabels: {app: nothing-here}}, mtls: {mode: STRICT}}
      `,
    },
    {
      name: 'linkerd: Server selects the pods and the port is declared; the proxy admin port counts as declared',
      yaml: app + yaml`
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: reviews-http, namespace: shop}
        spec: {podSelector: {matchLabels: {app: reviews}}, port: http}
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: admin, namespace: shop}
        spec: {podSelector: {matchLabels: {}}, port: linkerd-admin}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: reviews-http, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: reviews-http}
          requiredAuthenticationRefs: [{name: all, kind: MeshTLSAuthentication, group: policy.linkerd.io}]
      `,
    },
    {
      name: 'kuma: Dataplane labels, MeshSubset tags with generated tags, and a gateway service tag',
      yaml: app + yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshTrafficPermission
        metadata: {name: reviews, namespace: shop}
        spec:
          targetRef: {kind: Dataplane, labels: {app: reviews}}
          from: [{targetRef: {kind: Mesh}, default: {action: Allow}}]
        ---
        apiVersion: kuma.io/v1alpha1
        kind: MeshTimeout
        metadata: {name: reviews, namespace: kuma-system}
        spec:
          targetRef: {kind: MeshSubset, tags: {app: reviews, k8s.kuma.io/namespace: shop, kuma.io/zone: east}}
          to: [{targetRef: {kind: Mesh}, default: {idleTimeout: 20s}}]
        ---
        apiVersion: kuma.io/v1alpha1
        kind: MeshRetry
        metadata: {name: edge, namespace: kuma-system}
        spec:
          targetRef: {kind: MeshSubset, tags: {kuma.io/service: edge-gateway_shop_svc}}
          to: [{targetRef: {kind: Mesh}, default: {http: {numRetries: 1}}}]
      `,
    },
    {
      name: 'consul: an intention for a service registered outside the input (no close spelling)',
      yaml: app + yaml`
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceIntentions
        metadata: {name: collector}
        spec:
          destination: {name: consul-telemetry-collector}
          sources: [{name: "*", action: allow}]
      `,
    },
  ],
  invalid: [
    {
      name: 'istio: AuthorizationPolicy selector with a typo',
      yaml: app + yaml`
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: reviews, namespace: shop}
        spec:
          selector:
            matchLabels: {app: reveiws}
          rules: [{}]
      `,
      errors: [{ messageId: 'noWorkloads', object: 'shop/AuthorizationPolicy/reviews', path: 'spec.selector.matchLabels.app', line: 20, level: 'warning', message: ['app=reveiws', 'searched namespace shop', 'Deployment reviews'] }],
    },
    {
      name: 'istio: Sidecar workloadSelector asks for a version no pod has; targetRef to a missing Service',
      yaml: app + yaml`
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: reviews, namespace: shop}
        spec:
          workloadSelector:
            labels: {app: reviews, version: v2}
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: waypoint, namespace: shop}
        spec:
          targetRefs: [{kind: Service, group: "", name: review}]
          rules: [{}]
      `,
      errors: [
        { messageId: 'noWorkloads', object: 'shop/Sidecar/reviews', path: 'spec.workloadSelector.labels.version', line: 20, message: 'wants version=v2 but has version=v1' },
        { messageId: 'missingTarget', object: 'shop/AuthorizationPolicy/waypoint', path: 'spec.targetRefs[0].name', line: 26, message: ['Service review', 'did you mean reviews?'] },
      ],
    },
    {
      name: 'linkerd: Server podSelector with a typo, and a Server whose port no pod declares',
      yaml: app + yaml`
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: reviews-grpc, namespace: shop}
        spec:
          podSelector:
            matchLabels: {app: review}
          port: http
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: reviews-metrics, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: reviews}}
          port: metrics
      `,
      errors: [
        { messageId: 'noWorkloads', object: 'shop/Server/reviews-grpc', path: 'spec.podSelector.matchLabels.app', line: 20, message: 'app=review' },
        { messageId: 'serverPort', object: 'shop/Server/reviews-metrics', path: 'spec.port', line: 28, message: ['Deployment reviews', 'port metrics'] },
      ],
    },
    {
      name: 'linkerd: authorizations naming a Server that does not exist',
      yaml: app + yaml`
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: reviews, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: reviews-http}
          requiredAuthenticationRefs: []
        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: reviews, namespace: shop}
        spec:
          server: {name: reviews-http}
          client: {unauthenticated: true}
      `,
      errors: [
        { messageId: 'missingTarget', object: 'shop/AuthorizationPolicy/reviews', path: 'spec.targetRef.name', line: 19, level: 'note', message: 'Server reviews-http' },
        { messageId: 'missingTarget', object: 'shop/ServerAuthorization/reviews', path: 'spec.server.name', line: 26, level: 'note' },
      ],
    },
    {
      name: 'kuma: Dataplane labels with a typo, and a MeshService that does not exist',
      yaml: app + yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshTrafficPermission
        metadata: {name: reviews, namespace: shop}
        spec:
          targetRef:
            kind: Dataplane
            labels: {app: reviewz}
          from: [{targetRef: {kind: Mesh}, default: {action: Allow}}]
        ---
        apiVersion: kuma.io/v1alpha1
        kind: MeshTimeout
        metadata: {name: ratings, namespace: shop}
        spec:
          targetRef: {kind: MeshService, name: ratings}
          to: [{targetRef: {kind: Mesh}, default: {idleTimeout: 20s}}]
      `,
      errors: [
        { messageId: 'noWorkloads', object: 'shop/MeshTrafficPermission/reviews', path: 'spec.targetRef.labels.app', line: 21, message: 'app=reviewz' },
        { messageId: 'missingTarget', object: 'shop/MeshTimeout/ratings', path: 'spec.targetRef.name', line: 28, message: 'Service ratings' },
      ],
    },
    {
      name: 'consul: intentions for a misspelt service',
      yaml: app + yaml`
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceIntentions
        metadata: {name: reviews}
        spec:
          destination: {name: reveiws}
          sources: [{name: web, action: allow}]
      `,
      errors: [{ messageId: 'consulUnknown', object: 'default/ServiceIntentions/reviews', path: 'spec.destination.name', line: 19, message: 'did you mean reviews?' }],
    },
  ],
});
