import rule from '../../src/rules/authz-principal-unknown.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

// Sixteen lines: Deployments web (namespace front, service account web) and api (namespace shop, account api).
const app = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: front}
  spec:
    selector: {matchLabels: {app: web}}
    template: {metadata: {labels: {app: web}}, spec: {serviceAccountName: web, containers: [{name: web, image: web}]}}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: api, namespace: shop}
  spec:
    selector: {matchLabels: {app: api}}
    template: {metadata: {labels: {app: api}}, spec: {serviceAccountName: api, containers: [{name: api, image: api}]}}
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: api, namespace: shop}
  spec: {selector: {app: api}, ports: [{port: 8080}]}
  ---
`;

const istioAllow = (principals: string) => yaml`
  apiVersion: security.istio.io/v1
  kind: AuthorizationPolicy
  metadata: {name: api, namespace: shop}
  spec:
    selector: {matchLabels: {app: api}}
    rules:
      - from:
          - source:
              principals: [${principals}]
`;

ruleTable(rule, {
  valid: [
    { name: 'istio: principal of a workload in the input', yaml: app + istioAllow('cluster.local/ns/front/sa/web') },
    {
      name: 'istio: a caller in a namespace the input does not show (the ingress gateway) and wildcards',
      yaml: app + istioAllow('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account, "*/ns/front/sa/*", "*"'),
    },
    {
      name: 'istio: cluster.local stands for the local trust domain, whatever it is',
      cluster: { istio: { trustDomain: 'corp.example' } },
      yaml: app + istioAllow('cluster.local/ns/front/sa/web, corp.example/ns/front/sa/web'),
    },
    {
      name: 'istio: a declared ServiceAccount counts, and the default account exists in every namespace',
      yaml: app + yaml`
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: batch, namespace: shop}
        ---
      ` + istioAllow('cluster.local/ns/shop/sa/batch, cluster.local/ns/jobs/sa/default'),
    },
    {
      name: 'linkerd: MeshTLSAuthentication identities and identityRefs of workloads in the input',
      yaml: app + yaml`
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: web, namespace: shop}
        spec:
          identities: [web.front.serviceaccount.identity.linkerd.cluster.local, "*.front.serviceaccount.identity.linkerd.cluster.local"]
          identityRefs: [{kind: ServiceAccount, name: api}]
      `,
    },
    {
      name: 'consul: source registered outside the input, and a wildcard',
      yaml: app + yaml`
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceIntentions
        metadata: {name: api}
        spec:
          destination: {name: api}
          sources: [{name: ingress-gateway, action: allow}, {name: "*", action: deny}]
      `,
    },
    {
      name: 'kuma: MeshTrafficPermission sources by MeshSubset tags and by a gateway service name',
      yaml: app + yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshTrafficPermission
        metadata: {name: api, namespace: shop}
        spec:
          targetRef: {kind: Dataplane, labels: {app: api}}
          from:
            - {targetRef: {kind: MeshSubset, tags: {app: web, k8s.kuma.io/namespace: front}}, default: {action: Allow}}
            - {targetRef: {kind: MeshSubset, tags: {kuma.io/service: edge-gateway_front_svc}}, default: {action: Allow}}
      `,
    },
  ],
  invalid: [
    {
      name: 'istio: principal names a service account no workload of the namespace runs as',
      yaml: app + istioAllow('cluster.local/ns/front/sa/webb'),
      errors: [
        {
          messageId: 'unknownAccount',
          object: 'shop/AuthorizationPolicy/api',
          path: 'spec.rules[0].from[0].source.principals[0]',
          line: 28,
          level: 'warning',
          message: ['service account webb in namespace front', 'accounts in front: web', 'did you mean web?', 'ALLOW rule never matches'],
        },
      ],
    },
    {
      name: 'istio: misspelt namespace of a principal, and of a namespaces entry',
      yaml: app + yaml`
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: api, namespace: shop}
        spec:
          action: DENY
          rules:
            - from:
                - source: {principals: [cluster.local/ns/fornt/sa/web]}
                - source: {namespaces: [frnot]}
      `,
      errors: [
        { messageId: 'unknownNamespace', object: 'shop/AuthorizationPolicy/api', path: 'spec.rules[0].from[0].source.principals[0]', line: 27, message: ['namespace fornt', 'namespace front', 'DENY rule never matches'] },
        { messageId: 'unknownNamespace', object: 'shop/AuthorizationPolicy/api', path: 'spec.rules[0].from[1].source.namespaces[0]', line: 28, message: 'namespace frnot' },
      ],
    },
    {
      name: 'istio: foreign trust domain is a note while the mesh trust domain is assumed',
      yaml: app + istioAllow('example.org/ns/front/sa/web'),
      errors: [{ messageId: 'foreignTrustDomain', object: 'shop/AuthorizationPolicy/api', path: 'spec.rules[0].from[0].source.principals[0]', line: 28, level: 'note', message: 'assumed' }],
    },
    {
      name: 'istio: foreign trust domain is a warning when the trust domain is declared',
      cluster: { istio: { trustDomain: 'corp.example', trustDomainAliases: ['old.example'] } },
      yaml: app + istioAllow('example.org/ns/front/sa/web'),
      errors: [{ messageId: 'foreignTrustDomain', object: 'shop/AuthorizationPolicy/api', path: 'spec.rules[0].from[0].source.principals[0]', line: 28, level: 'warning', message: 'aliases: old.example' }],
    },
    {
      name: 'linkerd: MeshTLSAuthentication identity and ServerAuthorization account unknown',
      yaml: app + yaml`
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: web, namespace: shop}
        spec:
          identities: [webapp.front.serviceaccount.identity.linkerd.cluster.local]
        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: api, namespace: shop}
        spec:
          server: {name: api}
          client:
            meshTLS:
              serviceAccounts: [{name: wbe, namespace: front}]
      `,
      errors: [
        { messageId: 'unknownAccount', object: 'shop/MeshTLSAuthentication/web', path: 'spec.identities[0]', line: 24, message: ['service account webapp in namespace front', 'accounts in front: web'] },
        { messageId: 'unknownAccount', object: 'shop/ServerAuthorization/api', path: 'spec.client.meshTLS.serviceAccounts[0].name', line: 33, message: 'did you mean web?' },
      ],
    },
    {
      name: 'consul: misspelt intention source',
      yaml: app + yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: payments}
        spec: {selector: {app: payments}, ports: [{port: 8080}]}
        ---
        apiVersion: consul.hashicorp.com/v1alpha1
        kind: ServiceIntentions
        metadata: {name: api}
        spec:
          destination: {name: api}
          sources:
            - {name: paymnets, action: allow}
      `,
      errors: [{ messageId: 'consulUnknown', object: 'default/ServiceIntentions/api', path: 'spec.sources[0].name', line: 31, message: 'did you mean payments?' }],
    },
    {
      name: 'kuma: permission sources that match no dataplane',
      yaml: app + yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshTrafficPermission
        metadata: {name: api, namespace: shop}
        spec:
          targetRef: {kind: Dataplane, labels: {app: api}}
          from:
            - targetRef:
                kind: MeshSubset
                tags: {app: wbe}
              default: {action: Allow}
            - targetRef: {kind: MeshService, name: webb_front_svc_80}
              default: {action: Allow}
      `,
      errors: [
        { messageId: 'kumaNoSource', object: 'shop/MeshTrafficPermission/api', path: 'spec.from[0].targetRef.tags.app', line: 28, message: 'app=wbe' },
        { messageId: 'kumaMissing', object: 'shop/MeshTrafficPermission/api', path: 'spec.from[1].targetRef.name', line: 30, level: 'note', message: 'no Service webb in namespace front' },
      ],
    },
  ],
});
