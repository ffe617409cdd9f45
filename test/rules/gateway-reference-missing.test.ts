import rule from '../../src/rules/gateway-reference-missing.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

// Ten lines: Gateway API Gateway `edge` in namespace infra (http:80 from Same; https:443 and tls:8443 from All), then a separator.
const edge = yaml`
  apiVersion: gateway.networking.k8s.io/v1
  kind: Gateway
  metadata: {name: edge, namespace: infra}
  spec:
    gatewayClassName: example
    listeners:
      - {name: http, port: 80, protocol: HTTP}
      - {name: https, port: 443, protocol: HTTPS, allowedRoutes: {namespaces: {from: All}}}
      - {name: tls, port: 8443, protocol: TLS, allowedRoutes: {namespaces: {from: All}, kinds: [{kind: TLSRoute}]}}
  ---
`;

// Five lines: Service web in namespace shop.
const web = yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec: {selector: {app: web}, ports: [{name: http, port: 8080}]}
  ---
`;

// Five lines: Istio Gateway bookinfo-gateway in namespace shop.
const istioGateway = yaml`
  apiVersion: networking.istio.io/v1
  kind: Gateway
  metadata: {name: bookinfo-gateway, namespace: shop}
  spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]}
  ---
`;

ruleTable(rule, {
  valid: [
    {
      name: 'istio: gateways by short name, ns/name and ./name, plus mesh; gateway pods installed outside the input',
      yaml: istioGateway + yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web, namespace: shop}
        spec:
          hosts: ["*"]
          gateways: [bookinfo-gateway, shop/bookinfo-gateway, ./bookinfo-gateway, mesh]
          http: [{route: [{destination: {host: web}}]}]
      `,
    },
    {
      name: 'gateway-api: attachment allowed by namespace, section and port; cross-namespace backend with a ReferenceGrant',
      yaml: edge + web + yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web, namespace: shop}
        spec:
          parentRefs: [{name: edge, namespace: infra, sectionName: https, port: 443}]
          rules: [{backendRefs: [{name: web, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web, namespace: infra}
        spec:
          parentRefs: [{name: edge}]
          rules: [{backendRefs: [{name: web, namespace: shop, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: ReferenceGrant
        metadata: {name: from-infra, namespace: shop}
        spec:
          from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}]
          to: [{group: "", kind: Service}]
      `,
    },
    {
      name: 'gateway-api mesh: a consumer route to a Service in another namespace needs no ReferenceGrant',
      yaml: web + yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web-timeouts, namespace: clients}
        spec:
          parentRefs: [{group: "", kind: Service, name: web, namespace: shop, sectionName: http}]
          rules: [{backendRefs: [{name: web, namespace: shop, port: 8080}]}]
      `,
    },
    {
      name: 'linkerd: HTTPRoute attached to a Server and to a Service spelt group core',
      yaml: web + yaml`
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web-http, namespace: shop}
        spec: {podSelector: {matchLabels: {app: web}}, port: http}
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: web, namespace: shop}
        spec:
          parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http}, {group: core, kind: Service, name: web, port: 8080}]
          rules: [{backendRefs: [{name: web, port: 8080}]}]
      `,
    },
    {
      name: 'kuma: MeshHTTPRoute on an existing MeshGateway',
      yaml: yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshGateway
        mesh: default
        metadata: {name: edge-gateway}
        spec: {selectors: [{match: {kuma.io/service: edge-gateway_shop_svc}}], conf: {listeners: [{port: 80, protocol: HTTP}]}}
        ---
        apiVersion: kuma.io/v1alpha1
        kind: MeshHTTPRoute
        metadata: {name: edge, namespace: kuma-system}
        spec:
          targetRef: {kind: MeshGateway, name: edge-gateway}
          to: [{targetRef: {kind: Mesh}, rules: []}]
      `,
    },
  ],
  invalid: [
    {
      name: 'istio: VirtualService bound to a misspelt Gateway, and to one in a namespace the input does not show',
      yaml: istioGateway + yaml`
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web, namespace: shop}
        spec:
          hosts: ["*"]
          gateways:
            - bookinfo-gatway
            - istio-system/public-gateway
          http: [{route: [{destination: {host: web}}]}]
      `,
      errors: [
        { messageId: 'missingParent', object: 'shop/VirtualService/web', path: 'spec.gateways[0]', line: 12, level: 'error', message: ['Gateway bookinfo-gatway in namespace shop', 'did you mean bookinfo-gateway?', 'does not apply at that gateway'] },
        { messageId: 'missingParent', object: 'shop/VirtualService/web', path: 'spec.gateways[1]', line: 13, level: 'note' },
      ],
    },
    {
      name: 'istio: Gateway selector misses the gateway deployment that the input holds',
      yaml: istioGateway + yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ingress, namespace: shop}
        spec:
          selector: {matchLabels: {istio: ingress}}
          template: {metadata: {labels: {istio: ingress}}, spec: {containers: [{name: istio-proxy, image: proxyv2}]}}
      `,
      errors: [{ messageId: 'noGatewayPods', object: 'shop/Gateway/bookinfo-gateway', path: 'spec.selector.istio', line: 4, level: 'warning', message: ['istio=ingressgateway', 'Deployment shop/ingress', 'has istio=ingress'] }],
    },
    {
      name: 'gateway-api: missing Gateway, unknown section, unknown port, listener refusing the namespace, kind and protocol',
      yaml: edge + yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web, namespace: shop}
        spec:
          parentRefs:
            - {name: egde, namespace: infra}
            - {name: edge, namespace: infra, sectionName: http2}
            - {name: edge, namespace: infra, port: 8080}
            - {name: edge, namespace: infra, sectionName: http}
            - {name: edge, namespace: infra, sectionName: tls}
        ---
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TLSRoute
        metadata: {name: tls, namespace: infra}
        spec:
          parentRefs: [{name: edge, sectionName: http}]
      `,
      errors: [
        { messageId: 'missingParent', object: 'shop/HTTPRoute/web', path: 'spec.parentRefs[0].name', line: 16, message: ['Gateway egde', 'did you mean edge?'] },
        { messageId: 'noListener', object: 'shop/HTTPRoute/web', path: 'spec.parentRefs[1].sectionName', line: 17, message: 'no listener named http2 (listeners: http, https, tls)' },
        { messageId: 'noListener', object: 'shop/HTTPRoute/web', path: 'spec.parentRefs[2].port', line: 18, message: 'no listener on port 8080 (ports: 80, 443, 8443)' },
        { messageId: 'notAllowed', object: 'shop/HTTPRoute/web', path: 'spec.parentRefs[3]', line: 19, message: 'allowedRoutes.namespaces.from is Same (infra), and the route is in shop' },
        { messageId: 'notAllowed', object: 'shop/HTTPRoute/web', path: 'spec.parentRefs[4]', line: 20, message: 'allowedRoutes.kinds lists TLSRoute' },
        { messageId: 'notAllowed', object: 'infra/TLSRoute/tls', path: 'spec.parentRefs[0]', line: 26, message: 'a HTTP listener accepts HTTPRoute and GRPCRoute by default' },
      ],
    },
    {
      name: 'gateway-api: Service parent without group defaults to the Gateway API group',
      yaml: web + yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web, namespace: shop}
        spec:
          parentRefs:
            - {kind: Service, name: web, port: 8080}
          rules: [{backendRefs: [{name: web, port: 8080}]}]
      `,
      errors: [{ messageId: 'wrongGroup', object: 'shop/HTTPRoute/web', path: 'spec.parentRefs[0].kind', line: 11, message: 'group is omitted, so it defaults to gateway.networking.k8s.io' }],
    },
    {
      name: 'gateway-api: cross-namespace backend and certificate without a matching ReferenceGrant',
      yaml: edge + web + yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web, namespace: infra}
        spec:
          parentRefs: [{name: edge}]
          rules: [{backendRefs: [{name: web, namespace: shop, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: ReferenceGrant
        metadata: {name: wrong-kind, namespace: shop}
        spec:
          from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]
          to: [{group: "", kind: Service}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: secure, namespace: infra}
        spec:
          gatewayClassName: example
          listeners:
            - name: https
              port: 443
              protocol: HTTPS
              tls: {certificateRefs: [{name: web-cert, namespace: shop}]}
      `,
      errors: [
        { messageId: 'noGrant', object: 'infra/HTTPRoute/web', path: 'spec.rules[0].backendRefs[0].namespace', line: 21, message: ['Service web in namespace shop', 'ReferenceGrants in shop: wrong-kind'] },
        { messageId: 'noGrant', object: 'infra/Gateway/secure', path: 'spec.listeners[0].tls.certificateRefs[0].namespace', line: 39, message: 'Secret web-cert in namespace shop' },
      ],
    },
    {
      name: 'linkerd: HTTPRoute attached to a Server that does not exist',
      yaml: web + yaml`
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: web, namespace: shop}
        spec:
          parentRefs:
            - {group: policy.linkerd.io, kind: Server, name: web-grpc}
          rules: [{backendRefs: [{name: web, port: 8080}]}]
      `,
      errors: [{ messageId: 'missingParent', object: 'shop/HTTPRoute/web', path: 'spec.parentRefs[0].name', line: 11, level: 'note', message: 'Server web-grpc' }],
    },
    {
      name: 'kuma: MeshHTTPRoute on a MeshGateway that does not exist',
      yaml: yaml`
        apiVersion: kuma.io/v1alpha1
        kind: MeshGateway
        mesh: default
        metadata: {name: edge-gateway}
        spec: {selectors: [{match: {kuma.io/service: edge-gateway_shop_svc}}], conf: {listeners: [{port: 80, protocol: HTTP}]}}
        ---
        apiVersion: kuma.io/v1alpha1
        kind: MeshHTTPRoute
        metadata: {name: edge, namespace: kuma-system}
        spec:
          targetRef: {kind: MeshGateway, name: edge}
          to: [{targetRef: {kind: Mesh}, rules: []}]
      `,
      errors: [{ messageId: 'missingParent', object: 'kuma-system/MeshHTTPRoute/edge', path: 'spec.targetRef.name', line: 11, message: ['MeshGateway edge', 'did you mean edge-gateway?'] }],
    },
  ],
});
