import rule from '../../src/rules/nodeport-sensitive-port.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const redis = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: redis}
  spec:
    selector: {matchLabels: {app: redis}}
    template:
      metadata: {labels: {app: redis}}
      spec:
        containers:
          - name: redis
            image: redis:7
            ports:
              - name: resp
                containerPort: 6379
`;

ruleTable(rule, {
  valid: [
    {
      name: 'ClusterIP Service in front of Redis stays inside the cluster',
      yaml: redis + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: redis}
        spec: {selector: {app: redis}, ports: [{port: 6379}]}
      `,
    },
    {
      name: 'NodePort to a web port',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
      `,
    },
    {
      name: 'allowedPorts takes a port off the list',
      options: { allowedPorts: [6379] },
      yaml: redis + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: redis}
        spec: {type: NodePort, selector: {app: redis}, ports: [{port: 6379}]}
      `,
    },
    {
      name: 'hostPort of a web server',
      yaml: yaml`
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: edge}
        spec:
          selector: {matchLabels: {app: edge}}
          template:
            metadata: {labels: {app: edge}}
            spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 8080, hostPort: 80}]}]}
      `,
    },
  ],
  invalid: [
    {
      name: 'NodePort on port 80 whose pods are Redis: the target port decides',
      yaml: redis + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: cache}
        spec:
          type: NodePort
          selector: {app: redis}
          ports:
            - port: 80
              targetPort: 6379
              nodePort: 30079
      `,
      errors: [
        {
          messageId: 'service',
          object: 'default/Service/cache',
          path: 'spec.ports[0].targetPort',
          line: 24,
          level: 'error',
          message: ['NodePort Service default/cache makes Redis reachable', 'node port 30079 on every node', 'Service port 80, container port 6379 of Deployment default/redis', 'without authentication'],
        },
      ],
    },
    {
      name: 'LoadBalancer to a named target port that resolves to PostgreSQL',
      yaml: yaml`
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: pg, namespace: data}
        spec:
          serviceName: pg
          selector: {matchLabels: {app: pg}}
          template:
            metadata: {labels: {app: pg}}
            spec: {containers: [{name: pg, image: postgres, ports: [{name: sql, containerPort: 5432}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: pg, namespace: data}
        spec:
          type: LoadBalancer
          selector: {app: pg}
          ports: [{port: 5432, targetPort: sql}]
      `,
      errors: [
        {
          messageId: 'service',
          object: 'data/Service/pg',
          path: 'spec.ports[0].targetPort',
          line: 17,
          message: ['PostgreSQL', 'automatically allocated node port on every node and the cloud load balancer', 'Service port 5432 on StatefulSet data/pg'],
        },
      ],
    },
    {
      name: 'Service port 22 in front of an SSH server on 2222: the Service port decides',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: git-ssh}
        spec:
          type: NodePort
          selector: {app: git}
          ports:
            - port: 22
              targetPort: 2222
      `,
      errors: [{ messageId: 'service', object: 'default/Service/git-ssh', path: 'spec.ports[0].port', line: 8, message: ['makes SSH reachable', 'remote login'] }],
    },
    {
      name: 'externalIPs on a ClusterIP Service expose Elasticsearch; the numeric target counts without pods',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: search}
        spec:
          externalIPs: [198.51.100.7]
          selector: {app: search}
          ports: [{port: 80, targetPort: 9200}]
      `,
      errors: [{ messageId: 'service', object: 'default/Service/search', path: 'spec.ports[0].targetPort', line: 7, message: ['Service default/search (externalIPs) makes Elasticsearch HTTP reachable', 'external IP 198.51.100.7', 'Service port 80, container port 9200'] }],
    },
    {
      name: 'the Envoy admin port of an Istio sidecar behind a NodePort',
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: debug, namespace: shop}
        spec:
          type: NodePort
          selector: {app: web}
          ports: [{name: admin, port: 15000}]
      `,
      errors: [{ messageId: 'service', object: 'shop/Service/debug', path: 'spec.ports[0].port', line: 7, message: ['Envoy admin (Istio sidecar)', 'admin/debug endpoint'] }],
    },
    {
      name: 'hostPort 2379 publishes etcd on the node',
      yaml: yaml`
        apiVersion: v1
        kind: Pod
        metadata: {name: etcd, namespace: infra}
        spec:
          containers:
            - name: etcd
              image: etcd
              ports:
                - containerPort: 2379
                  hostPort: 2379
      `,
      errors: [{ messageId: 'hostPort', object: 'infra/Pod/etcd', path: 'spec.containers[0].ports[0].hostPort', line: 10, message: ['hostPort 2379 of Pod infra/etcd publishes etcd client', 'node or cluster control endpoint'] }],
    },
    {
      name: 'host-network pods: an error in an app namespace, a note in kube-system',
      yaml: yaml`
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, namespace: ops}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              hostNetwork: true
              containers: [{name: agent, image: agent, ports: [{containerPort: 6379}]}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: kubelet-proxy, namespace: kube-system}
        spec:
          hostNetwork: true
          containers: [{name: p, image: p, ports: [{containerPort: 10250}]}]
      `,
      errors: [
        { messageId: 'hostNetwork', object: 'ops/DaemonSet/agent', path: 'spec.template.spec.containers[0].ports[0].containerPort', line: 10, level: 'error', message: 'DaemonSet ops/agent shares the node network and declares Redis, so it listens on port 6379' },
        { messageId: 'hostNetwork', object: 'kube-system/Pod/kubelet-proxy', path: 'spec.containers[0].ports[0].containerPort', line: 17, level: 'note', message: 'kubelet API' },
      ],
    },
    {
      name: 'additionalPorts adds Grafana',
      options: { additionalPorts: [{ port: 3000, name: 'Grafana', category: 'other' }] },
      yaml: yaml`
        apiVersion: v1
        kind: Service
        metadata: {name: grafana}
        spec: {type: NodePort, selector: {app: grafana}, ports: [{port: 80, targetPort: 3000}]}
      `,
      errors: [{ messageId: 'service', object: 'default/Service/grafana', path: 'spec.ports[0].targetPort', line: 4, message: ['makes Grafana reachable', 'a port listed as sensitive'] }],
    },
    {
      name: 'sensitivePorts replaces the default list',
      options: { sensitivePorts: [{ port: 8443, name: 'admin console' }] },
      yaml: redis + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: both}
        spec:
          type: NodePort
          selector: {app: redis}
          ports: [{name: redis, port: 6379}, {name: console, port: 8443, targetPort: 6379}]
      `,
      errors: [{ messageId: 'service', object: 'default/Service/both', path: 'spec.ports[1].port', line: 22, message: 'makes admin console reachable' }],
    },
  ],
});
