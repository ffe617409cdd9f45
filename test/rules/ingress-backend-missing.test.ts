import rule from '../../src/rules/ingress-backend-missing.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

/** Service `name` with ports http=80 and admin=9000, optionally in a namespace; 8 lines. */
function service(name = 'web', namespace?: string): string {
  return yaml`
    apiVersion: v1
    kind: Service
    metadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ''}}
    spec:
      selector: {app: ${name}}
      ports:
        - {name: http, port: 80, targetPort: 8080}
        - {name: admin, port: 9000}
  `;
}

/** `---` and Ingress `web` with the flow-map `defaultBackend`; 6 lines, the backend on the last. */
function ingress(defaultBackend: string): string {
  return yaml`
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: web}
    spec:
      defaultBackend: ${defaultBackend}
  `;
}

ruleTable(rule, {
  valid: [
    {
      name: 'networking.k8s.io/v1 backend by port number and by port name; unset namespace equals explicit default',
      yaml: service('web', 'default') + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          ingressClassName: nginx
          defaultBackend: {service: {name: web, port: {number: 80}}}
          rules:
            - host: shop.example.com
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                  - {path: /admin, pathType: Prefix, backend: {service: {name: web, port: {name: admin}}}}
      `,
    },
    {
      name: 'extensions/v1beta1 and networking.k8s.io/v1beta1 shapes (serviceName/servicePort)',
      yaml: service() + yaml`
        ---
        apiVersion: extensions/v1beta1
        kind: Ingress
        metadata: {name: old}
        spec:
          backend: {serviceName: web, servicePort: 80}
          rules:
            - http:
                paths:
                  - {path: /, backend: {serviceName: web, servicePort: http}}
        ---
        apiVersion: networking.k8s.io/v1beta1
        kind: Ingress
        metadata: {name: older}
        spec:
          rules:
            - http:
                paths:
                  - {path: /, backend: {serviceName: web, servicePort: '9000'}}
      `,
    },
    {
      name: 'resource backends are not Services',
      yaml: yaml`
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: static}
        spec:
          defaultBackend:
            resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static-assets}
      `,
    },
    {
      name: 'ExternalName Service without ports accepts any port',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: ext}
        spec: {type: ExternalName, externalName: api.example.com}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: ext}
        spec:
          defaultBackend: {service: {name: ext, port: {number: 443}}}
      `,
    },
    {
      name: 'Ingress and Service in separate files of one run',
      files: {
        'app/service.yaml': service('web', 'shop'),
        'ingress/web.json': JSON.stringify({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'web', namespace: 'shop' },
          spec: { defaultBackend: { service: { name: 'web', port: { name: 'http' } } } },
        }),
      },
    },
  ],
  invalid: [
    {
      name: 'backend Service name with a typo: did-you-mean hint',
      yaml: service() + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          rules:
            - http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: wbe
                        port: {number: 80}
      `,
      errors: [
        {
          messageId: 'noService',
          object: 'default/Ingress/web',
          path: 'spec.rules[0].http.paths[0].backend.service.name',
          line: 21,
          column: 17,
          level: 'error',
          message: 'backend Service wbe does not exist in namespace default; did you mean web?; requests for this path get 503',
        },
      ],
    },
    {
      name: 'Service of that name only in another namespace',
      yaml: service('web', 'shop') + '---\n' + service('api') + ingress('{service: {name: web, port: {number: 80}}}'),
      errors: [
        {
          messageId: 'noService',
          object: 'default/Ingress/web',
          path: 'spec.defaultBackend.service.name',
          line: 23,
          column: 30,
          message: 'a Service of that name exists in namespace shop, but this reference resolves in default',
        },
      ],
    },
    {
      name: 'no Services at all in the Ingress namespace: lowered to note, says the input may be partial',
      yaml: yaml`
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: shop}
        spec:
          defaultBackend: {service: {name: web, port: {number: 80}}}
      `,
      errors: [
        {
          messageId: 'noService',
          object: 'shop/Ingress/web',
          path: 'spec.defaultBackend.service.name',
          line: 5,
          column: 30,
          level: 'note',
          message: 'the input has no Services in namespace shop, so it may be defined elsewhere',
        },
      ],
    },
    {
      name: 'port number the Service does not expose',
      yaml: service() + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          defaultBackend:
            service:
              name: web
              port:
                number: 8080
      `,
      errors: [
        {
          messageId: 'noPort',
          object: 'default/Ingress/web',
          path: 'spec.defaultBackend.service.port.number',
          line: 18,
          column: 9,
          level: 'error',
          message: 'backend Service web has no port 8080 (it has http=80, admin=9000); requests for this path get 503',
        },
      ],
    },
    {
      name: 'port name the Service does not define',
      yaml: service() + ingress('{service: {name: web, port: {name: https}}}'),
      errors: [{ messageId: 'noPort', object: 'default/Ingress/web', path: 'spec.defaultBackend.service.port.name', line: 14, column: 48, data: { port: '"https"' } }],
    },
    {
      name: 'extensions/v1beta1: missing Service and missing servicePort',
      yaml: service() + yaml`
        ---
        apiVersion: extensions/v1beta1
        kind: Ingress
        metadata: {name: old}
        spec:
          rules:
            - http:
                paths:
                  - {path: /a, backend: {serviceName: api, servicePort: 80}}
                  - {path: /b, backend: {serviceName: web, servicePort: 443}}
      `,
      errors: [
        { messageId: 'noService', object: 'default/Ingress/old', path: 'spec.rules[0].http.paths[0].backend.serviceName', line: 17, column: 34 },
        { messageId: 'noPort', object: 'default/Ingress/old', path: 'spec.rules[0].http.paths[1].backend.servicePort', line: 18, column: 52, data: { port: '443' } },
      ],
    },
    {
      name: 'Ingress inside a kind: List',
      yaml: yaml`
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {selector: {app: web}, ports: [{port: 80}]}
          - apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec:
              defaultBackend: {service: {name: web, port: {number: 8080}}}
      `,
      errors: [{ messageId: 'noPort', object: 'default/Ingress/web', path: 'spec.defaultBackend.service.port.number', line: 12, column: 52, message: 'it has 80' }],
    },
  ],
});
