import rule from '../../src/rules/ingress-without-tls.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const backend = '{service: {name: web, port: {number: 80}}}';

ruleTable(rule, {
  valid: [
    {
      name: 'Ingress whose tls section covers its host',
      yaml: yaml`
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          tls: [{hosts: [shop.example.com], secretName: shop-tls}]
          rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: ${backend}}]}}]
      `,
    },
    {
      name: 'Ingress whose TLS the AWS load balancer terminates',
      yaml: yaml`
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          annotations: {alb.ingress.kubernetes.io/certificate-arn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'}
        spec:
          rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: ${backend}}]}}]
      `,
    },
    {
      name: 'Istio Gateway redirecting HTTP to HTTPS',
      yaml: yaml`
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: web}
        spec:
          selector: {istio: ingressgateway}
          servers:
            - port: {number: 80, name: http, protocol: HTTP}
              hosts: [shop.example.com]
              tls: {httpsRedirect: true}
      `,
    },
    {
      name: 'Istio HTTP server with an HTTPS sibling on the same gateway pods (another Gateway, wildcard host)',
      yaml: yaml`
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: plain}
        spec:
          selector: {istio: ingressgateway}
          servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [shop/shop.example.com]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: secure, namespace: istio-system}
        spec:
          selector: {istio: ingressgateway}
          servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ['*.example.com'], tls: {mode: SIMPLE, credentialName: wildcard}}]
      `,
    },
    {
      name: 'Istio HTTP server that only answers ACME challenges',
      yaml: yaml`
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: acme, namespace: istio-system}
        spec:
          selector: {istio: ingressgateway}
          servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: acme, namespace: istio-system}
        spec:
          hosts: ['*']
          gateways: [acme]
          http:
            - match: [{uri: {prefix: /.well-known/acme-challenge/}}]
              route: [{destination: {host: cm-acme-http-solver, port: {number: 8089}}}]
      `,
    },
    {
      name: 'egress gateways carry traffic out of the mesh',
      yaml: yaml`
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: egress}
        spec:
          selector: {istio: egressgateway}
          servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [api.example.com]}]
      `,
    },
    {
      name: 'Gateway API HTTP listener beside an HTTPS listener for every host',
      yaml: yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: web}
        spec:
          gatewayClassName: istio
          listeners:
            - {name: http, port: 80, protocol: HTTP, hostname: shop.example.com}
            - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: shop-tls}]}}
      `,
    },
    {
      name: 'Gateway API HTTP listener whose only route redirects to https',
      yaml: yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: web}
        spec:
          gatewayClassName: eg
          listeners: [{name: http, port: 80, protocol: HTTP}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: to-https}
        spec:
          parentRefs: [{name: web, sectionName: http}]
          rules: [{filters: [{type: RequestRedirect, requestRedirect: {scheme: https, statusCode: 301}}]}]
      `,
    },
  ],
  invalid: [
    {
      name: 'Ingress without tls',
      yaml: yaml`
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: shop}
        spec:
          ingressClassName: nginx
          rules:
            - host: shop.example.com
              http: {paths: [{path: /, pathType: Prefix, backend: ${backend}}]}
      `,
      errors: [
        {
          messageId: 'ingressNoTls',
          object: 'shop/Ingress/web',
          path: 'spec.tls',
          line: 5,
          level: 'warning',
          message: ['Ingress shop/web has no tls section, so it serves shop.example.com over plain HTTP', "the mesh's mTLS only protects the hops behind it"],
        },
      ],
    },
    {
      name: 'Ingress host left out of the tls section',
      yaml: yaml`
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          tls: [{hosts: [shop.example.com], secretName: shop-tls}]
          rules:
            - host: shop.example.com
              http: {paths: [{path: /, pathType: Prefix, backend: ${backend}}]}
            - host: admin.example.com
              http: {paths: [{path: /, pathType: Prefix, backend: ${backend}}]}
      `,
      errors: [{ messageId: 'ingressHostUncovered', object: 'default/Ingress/web', path: 'spec.rules[1].host', line: 9, message: 'host admin.example.com of Ingress default/web is in no tls entry' }],
    },
    {
      name: 'Istio Gateway HTTP server serving content without a redirect',
      yaml: yaml`
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: frontend-gateway}
        spec:
          selector: {istio: ingressgateway}
          servers:
            - port:
                number: 80
                name: http
                protocol: HTTP
              hosts: ['*']
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: frontend-ingress}
        spec:
          hosts: ['*']
          gateways: [frontend-gateway]
          http: [{route: [{destination: {host: frontend, port: {number: 80}}}]}]
      `,
      errors: [
        {
          messageId: 'istioServer',
          object: 'default/Gateway/frontend-gateway',
          path: 'spec.servers[0].port.protocol',
          line: 10,
          message: ['Gateway default/frontend-gateway server http accepts plain HTTP on port 80 for hosts *', 'VirtualService default/frontend-ingress serves content on it instead of redirecting to https'],
        },
      ],
    },
    {
      name: 'Istio HTTPS sibling for another host only',
      yaml: yaml`
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: web}
        spec:
          selector: {app: edge}
          servers:
            - {port: {number: 80, name: http, protocol: HTTP}, hosts: [shop.example.com, api.example.com]}
            - {port: {number: 443, name: https, protocol: HTTPS}, hosts: [shop.example.com], tls: {mode: SIMPLE, credentialName: shop}}
      `,
      errors: [{ messageId: 'istioServer', object: 'default/Gateway/web', path: 'spec.servers[0].port.protocol', line: 7, message: 'for hosts shop.example.com, api.example.com without tls.httpsRedirect' }],
    },
    {
      name: 'Gateway API HTTP listener without a TLS sibling for its host',
      yaml: yaml`
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: web, namespace: shop}
        spec:
          gatewayClassName: istio
          listeners:
            - name: http
              port: 80
              protocol: HTTP
              hostname: shop.example.com
            - {name: other, port: 443, protocol: HTTPS, hostname: other.example.com}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: shop, namespace: shop}
        spec:
          parentRefs: [{name: web}]
          rules: [{backendRefs: [{name: web, port: 80}]}]
      `,
      errors: [
        {
          messageId: 'gatewayListener',
          object: 'shop/Gateway/web',
          path: 'spec.listeners[0].protocol',
          line: 9,
          message: ['Gateway shop/web listener http accepts plain HTTP on port 80 for shop.example.com', 'HTTPRoute shop/shop serves content on it instead of redirecting to https'],
        },
      ],
    },
  ],
});
