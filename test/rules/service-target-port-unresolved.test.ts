import rule from '../../src/rules/service-target-port-unresolved.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

/**
 * A Deployment `name` labelled app=<app> whose one container declares `ports`, with optional init containers
 * (both in flow YAML). Always 10 lines.
 */
function deployment(name: string, app: string, ports: string, initContainers = '[]'): string {
  return yaml`
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: ${name}}
    spec:
      selector: {matchLabels: {app: ${app}}}
      template:
        metadata: {labels: {app: ${app}}}
        spec:
          containers: [{name: main, image: example/app, ports: ${ports}}]
          initContainers: ${initContainers}
  `;
}

/** `---` and Service `web` selecting app=web with port 80 → targetPort `http`; 5 lines, the port on the last. */
const webService = yaml`
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: web}
  spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
`;

ruleTable(rule, {
  valid: [
    {
      name: 'named targetPort declared with the same name and the default protocol',
      yaml: deployment('web', 'web', '[{name: http, containerPort: 8080}]') + webService,
    },
    {
      name: 'numeric targetPort is never checked against containerPort',
      yaml: deployment('web', 'web', '[{name: http, containerPort: 8080}]') + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80, targetPort: 9999}]}
      `,
    },
    {
      name: 'targetPort omitted: the port number is used (identity map)',
      yaml: deployment('web', 'web', '[]') + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 8080}]}
      `,
    },
    {
      name: 'UDP name resolves against the UDP declaration (DNS on TCP and UDP)',
      yaml: deployment('dns', 'dns', '[{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53}]') + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: dns}
        spec:
          selector: {app: dns}
          ports:
            - {name: dns, port: 53, protocol: UDP, targetPort: dns}
            - {name: dns-tcp, port: 53, protocol: TCP, targetPort: dns-tcp}
      `,
    },
    {
      name: 'named port declared by a native sidecar (init container with restartPolicy Always)',
      yaml: deployment(
        'web',
        'web',
        '[]',
        '[{name: proxy, image: envoy, restartPolicy: Always, ports: [{name: proxy-http, containerPort: 15001}]}]',
      ) + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80, targetPort: proxy-http}]}
      `,
    },
    {
      name: 'headless Service: targetPort is ignored for clusterIP None',
      yaml: deployment('db', 'db', '[{name: pg, containerPort: 5432}]') + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db}
        spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432, targetPort: postgres}]}
      `,
    },
    {
      name: 'selector selecting nothing is reported by service-selector-matches-nothing, not here',
      yaml: deployment('web', 'web', '[]') + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: other}, ports: [{port: 80, targetPort: http}]}
      `,
    },
    {
      name: 'per-pod resolution: two workloads map the same name to different numbers',
      yaml:
        deployment('web-v1', 'web', '[{name: http, containerPort: 8080}]') +
        '---\n' +
        deployment('web-v2', 'web', '[{name: http, containerPort: 9090}]') +
        webService,
    },
    {
      name: 'Pod and CronJob templates are pods too',
      yaml: yaml`
        apiVersion: v1
        kind: Pod
        metadata: {name: one, labels: {app: batch}}
        spec: {containers: [{name: c, image: busybox, ports: [{name: metrics, containerPort: 9100}]}]}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          schedule: '0 3 * * *'
          jobTemplate:
            spec:
              template:
                metadata: {labels: {app: batch}}
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: c, image: busybox, ports: [{name: metrics, containerPort: 9100}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: batch-metrics}
        spec: {selector: {app: batch}, ports: [{port: 9100, targetPort: metrics}]}
      `,
    },
  ],
  invalid: [
    {
      name: 'named targetPort that no selected pod declares',
      yaml: deployment('web', 'web', '[{name: web, containerPort: 8080}]') + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports:
            - port: 80
              targetPort: http
      `,
      errors: [
        {
          messageId: 'none',
          object: 'default/Service/web',
          path: 'spec.ports[0].targetPort',
          line: 19,
          column: 7,
          level: 'error',
          data: { target: 'http', protocol: 'TCP', count: 1 },
          message: 'targetPort "http" (TCP) is declared by none of the 1 selected pod template(s); the port has no endpoints',
        },
      ],
    },
    {
      name: 'the name exists but with another protocol (UDP Service port, TCP container port)',
      yaml: deployment('dns', 'dns', '[{name: dns, containerPort: 53}]') + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: dns}
        spec:
          selector: {app: dns}
          ports:
            - {name: dns, port: 53, protocol: UDP, targetPort: dns}
      `,
      errors: [
        {
          messageId: 'none',
          object: 'default/Service/dns',
          path: 'spec.ports[0].targetPort',
          line: 18,
          column: 44,
          data: { protocol: 'UDP' },
          message: '(container main declares it with protocol TCP)',
        },
      ],
    },
    {
      name: 'a regular init container (not a native sidecar) does not serve ports',
      yaml: deployment(
        'web',
        'web',
        '[]',
        '[{name: setup, image: busybox, ports: [{name: http, containerPort: 8080}]}]',
      ) + webService,
      errors: [{ messageId: 'none', object: 'default/Service/web', path: 'spec.ports[0].targetPort', line: 15, column: 49 }],
    },
    {
      name: 'only some selected pod templates declare the name: warning naming the ones that do not',
      yaml:
        deployment('web-v1', 'web', '[{name: http, containerPort: 8080}]') +
        '---\n' +
        deployment('web-v2', 'web', '[{name: web, containerPort: 8080}]') +
        webService,
      errors: [
        {
          messageId: 'some',
          object: 'default/Service/web',
          path: 'spec.ports[0].targetPort',
          line: 26,
          column: 49,
          level: 'warning',
          data: { missing: 1, count: 2, which: 'Deployment web-v2' },
        },
      ],
    },
    {
      name: 'second port of a multi-port Service, in a List',
      yaml: yaml`
        apiVersion: v1
        kind: List
        items:
          - apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: data}
            spec:
              serviceName: db
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, image: postgres, ports: [{name: pg, containerPort: 5432}]}]}
          - apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: data}
            spec:
              selector: {app: db}
              ports:
                - {name: pg, port: 5432, targetPort: pg}
                - {name: metrics, port: 9187, targetPort: metrics}
      `,
      errors: [{ messageId: 'none', object: 'data/Service/db', path: 'spec.ports[1].targetPort', line: 20, column: 39 }],
    },
  ],
});
