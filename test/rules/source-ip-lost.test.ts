import rule from '../../src/rules/source-ip-lost.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const web = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec: {containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: office-only}
  spec:
    podSelector: {matchLabels: {app: web}}
    ingress:
      - from:
          - ipBlock: {cidr: 203.0.113.0/24}
`;

const nginx = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
  spec:
    selector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}
    template:
      metadata: {labels: {app.kubernetes.io/name: ingress-nginx}}
      spec:
        containers:
          - name: controller
            image: registry.k8s.io/ingress-nginx/controller:v1.15.1
            args: [/nginx-ingress-controller, --controller-class=k8s.io/ingress-nginx, --ingress-class=nginx]
            ports: [{name: http, containerPort: 80}]
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
  spec:
    type: NodePort
    selector: {app.kubernetes.io/name: ingress-nginx}
    ports: [{name: http, port: 80, targetPort: http}]
`;

ruleTable(rule, {
  valid: [
    {
      name: 'externalTrafficPolicy Local keeps the client address',
      yaml: web + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {type: LoadBalancer, externalTrafficPolicy: Local, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
      `,
    },
    {
      name: 'a ClusterIP Service has no external traffic',
      yaml: web + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
      `,
    },
    {
      name: 'an Istio AuthorizationPolicy does nothing for pods without a proxy',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: api, image: api}]}
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: api}
        spec:
          selector: {matchLabels: {app: api}}
          rules: [{from: [{source: {ipBlocks: [203.0.113.0/24]}}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api}
        spec: {type: NodePort, selector: {app: api}, ports: [{port: 80}]}
      `,
    },
    {
      name: 'gateway notes can be turned off',
      options: { reportGateways: false },
      yaml: nginx,
    },
  ],
  invalid: [
    {
      name: 'NodePort with the default policy in front of a NetworkPolicy ipBlock',
      yaml: web + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: NodePort
          selector: {app: web}
          ports: [{port: 80, targetPort: 8080}]
      `,
      errors: [
        {
          messageId: 'ipPolicy',
          object: 'default/Service/web',
          path: 'spec.type',
          line: 23,
          level: 'warning',
          message: [
            'NodePort Service default/web keeps externalTrafficPolicy: Cluster (the default)',
            'source-NATed',
            'Deployment default/web',
            'NetworkPolicy default/office-only admits sources by ipBlock 203.0.113.0/24 decides by client IP',
          ],
        },
      ],
    },
    {
      name: 'Istio AuthorizationPolicy ipBlocks on meshed pods behind a LoadBalancer',
      yaml: yaml`
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {istio-injection: enabled}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: shop}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: api, image: api}]}
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: partners, namespace: shop}
        spec:
          selector: {matchLabels: {app: api}}
          action: ALLOW
          rules:
            - from:
                - source: {ipBlocks: [198.51.100.0/24]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: shop}
        spec:
          type: LoadBalancer
          externalTrafficPolicy: Cluster
          selector: {app: api}
          ports: [{port: 443, targetPort: 8443}]
      `,
      errors: [{ messageId: 'ipPolicy', object: 'shop/Service/api', path: 'spec.externalTrafficPolicy', line: 29, message: ['keeps externalTrafficPolicy: Cluster, so', 'AuthorizationPolicy shop/partners matches ipBlocks 198.51.100.0/24'] }],
    },
    {
      name: 'Istio ingress gateway with a mesh-wide remoteIpBlocks policy',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: istio-ingressgateway, namespace: istio-system}
        spec:
          selector: {matchLabels: {istio: ingressgateway}}
          template:
            metadata: {labels: {istio: ingressgateway}}
            spec: {containers: [{name: istio-proxy, image: proxyv2}]}
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: block-bad-actors, namespace: istio-system}
        spec:
          selector: {matchLabels: {istio: ingressgateway}}
          action: DENY
          rules:
            - from:
                - source: {remoteIpBlocks: [192.0.2.0/24]}
            - when:
                - key: remote.ip
                  values: [192.0.2.7]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: istio-ingressgateway, namespace: istio-system}
        spec: {type: LoadBalancer, selector: {istio: ingressgateway}, ports: [{port: 80, targetPort: 8080}]}
      `,
      errors: [
        { messageId: 'ipPolicy', object: 'istio-system/Service/istio-ingressgateway', path: 'spec.type', line: 26, message: ['AuthorizationPolicy istio-system/block-bad-actors matches remoteIpBlocks 192.0.2.0/24 decides by client IP (and 1 more policy)', 'the cloud load balancer'] },
      ],
    },
    {
      name: 'Linkerd Server authorized by a NetworkAuthentication',
      yaml: yaml`
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
            metadata: {labels: {app: webapp}}
            spec: {containers: [{name: webapp, image: webapp, ports: [{name: http, containerPort: 7000}]}]}
        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: Server
        metadata: {name: webapp-http, namespace: books}
        spec: {podSelector: {matchLabels: {app: webapp}}, port: http}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: office, namespace: books}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: webapp-http}
          requiredAuthenticationRefs:
            - {group: policy.linkerd.io, kind: NetworkAuthentication, name: office-net}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: webapp, namespace: books}
        spec: {type: NodePort, selector: {app: webapp}, ports: [{port: 7000}]}
      `,
      errors: [{ messageId: 'ipPolicy', object: 'books/Service/webapp', path: 'spec.type', line: 30, message: 'AuthorizationPolicy books/office requires NetworkAuthentication office-net' }],
    },
    {
      name: 'ingress-nginx on NodePort enforcing an Ingress allowlist',
      yaml: nginx + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata: {name: nginx}
        spec: {controller: k8s.io/ingress-nginx}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: admin
          namespace: shop
          annotations: {nginx.ingress.kubernetes.io/allowlist-source-range: 10.0.0.0/8}
        spec:
          ingressClassName: nginx
          rules: [{host: admin.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: admin, port: {number: 80}}}}]}}]
      `,
      errors: [
        {
          messageId: 'ipPolicy',
          object: 'ingress-nginx/Service/ingress-nginx-controller',
          path: 'spec.type',
          line: 19,
          message: ['NodePort Service ingress-nginx/ingress-nginx-controller', 'Ingress shop/admin sets nginx.ingress.kubernetes.io/allowlist-source-range decides by client IP'],
        },
      ],
    },
    {
      name: 'a gateway without IP rules still loses client addresses (note)',
      yaml: nginx,
      errors: [
        {
          messageId: 'gateway',
          object: 'ingress-nginx/Service/ingress-nginx-controller',
          path: 'spec.type',
          line: 19,
          level: 'note',
          message: ['(the default)', 'a gateway (pod label app.kubernetes.io/name=ingress-nginx marks a gateway)', 'X-Forwarded-For'],
        },
      ],
    },
  ],
});
