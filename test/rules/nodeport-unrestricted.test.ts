import rule from '../../src/rules/nodeport-unrestricted.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const web = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec: {containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]}
`;

const officeOnly = yaml`
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: web-from-office}
  spec:
    podSelector: {matchLabels: {app: web}}
    ingress:
      - from: [{ipBlock: {cidr: 203.0.113.0/24}}]
        ports: [{port: http}]
`;

ruleTable(rule, {
  valid: [
    {
      name: 'NodePort whose pods a NetworkPolicy restricts (named port)',
      yaml: web + officeOnly + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 8080, nodePort: 30080}]}
      `,
    },
    {
      name: 'a policy that admits only another port still isolates the exposed one',
      yaml: web + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: metrics-only}
        spec:
          podSelector: {}
          ingress: [{ports: [{port: 9090}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
      `,
    },
    {
      name: 'LoadBalancer with source ranges and no node ports',
      yaml: web + officeOnly + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: LoadBalancer
          allocateLoadBalancerNodePorts: false
          loadBalancerSourceRanges: [203.0.113.0/24]
          selector: {app: web}
          ports: [{port: 443, targetPort: 8080}]
      `,
    },
    {
      name: 'internal load balancer without ranges',
      yaml: web + officeOnly + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations: {service.beta.kubernetes.io/aws-load-balancer-internal: 'true'}
        spec: {type: LoadBalancer, allocateLoadBalancerNodePorts: false, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
      `,
    },
    {
      name: 'ClusterIP Service without a policy is not an entry point',
      yaml: web + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
      `,
    },
    {
      name: 'reportHostNetwork: false',
      options: { reportHostNetwork: false },
      yaml: yaml`
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: node-exporter}
        spec:
          selector: {matchLabels: {app: node-exporter}}
          template:
            metadata: {labels: {app: node-exporter}}
            spec: {hostNetwork: true, containers: [{name: e, image: e, ports: [{containerPort: 9100}]}]}
      `,
    },
  ],
  invalid: [
    {
      name: 'NodePort and no NetworkPolicy',
      yaml: web + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: NodePort
          selector: {app: web}
          ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
      `,
      errors: [
        {
          messageId: 'noPolicy',
          object: 'default/Service/web',
          path: 'spec.selector',
          line: 15,
          level: 'warning',
          message: 'NodePort Service default/web is reachable through node port 30080 on every node, and no NetworkPolicy restricts ingress to Deployment default/web',
        },
      ],
    },
    {
      name: 'a selecting policy whose rule has no from admits everyone',
      yaml: web + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-http}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
            - ports: [{port: 8080}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
      `,
      errors: [{ messageId: 'openPolicy', object: 'default/Service/web', path: 'spec.selector', line: 21, message: ['NetworkPolicy default/allow-http selects Deployment default/web but rule spec.ingress[0] has no from', 'on port 8080'] }],
    },
    {
      name: 'an ipBlock of 0.0.0.0/0 admits everyone',
      yaml: web + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: world}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
          ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
      `,
      errors: [{ messageId: 'openPolicy', object: 'default/Service/web', path: 'spec.selector', line: 21, message: 'admits ipBlock 0.0.0.0/0' }],
    },
    {
      name: 'LoadBalancer open to the internet, pods unrestricted',
      yaml: web + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web-external}
        spec:
          type: LoadBalancer
          selector: {app: web}
          ports: [{name: http, port: 80, targetPort: 8080}]
      `,
      errors: [
        { messageId: 'lbOpen', object: 'default/Service/web-external', path: 'spec.type', line: 14, message: 'sets no loadBalancerSourceRanges, so its load balancer accepts connections from any address' },
        { messageId: 'noPolicy', object: 'default/Service/web-external', path: 'spec.selector', line: 15, message: 'reachable through node ports on every node and the cloud load balancer' },
      ],
    },
    {
      name: 'loadBalancerSourceRanges do not cover the node ports',
      yaml: web + officeOnly + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: LoadBalancer
          loadBalancerSourceRanges: [203.0.113.0/24]
          selector: {app: web}
          ports: [{port: 443, targetPort: 8080, nodePort: 31443}]
      `,
      errors: [
        {
          messageId: 'rangesBypassed',
          object: 'default/Service/web',
          path: 'spec.loadBalancerSourceRanges',
          line: 24,
          message: ['loadBalancerSourceRanges (203.0.113.0/24) only limit the cloud load balancer', 'still holds node port 31443 on every node'],
        },
      ],
    },
    {
      name: 'the older source-ranges annotation counts as ranges',
      yaml: web + officeOnly + yaml`
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations: {service.beta.kubernetes.io/load-balancer-source-ranges: '203.0.113.0/24, 198.51.100.0/24'}
        spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 443, targetPort: 8080}]}
      `,
      errors: [{ messageId: 'rangesBypassed', object: 'default/Service/web', path: 'metadata.annotations["service.beta.kubernetes.io/load-balancer-source-ranges"]', line: 23, message: ['203.0.113.0/24, 198.51.100.0/24', 'its node ports'] }],
    },
    {
      name: 'an ingress gateway open to everyone is a note',
      yaml: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
        spec:
          selector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}
          template:
            metadata: {labels: {app.kubernetes.io/name: ingress-nginx}}
            spec: {containers: [{name: controller, image: controller, ports: [{name: http, containerPort: 80}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
        spec: {type: LoadBalancer, selector: {app.kubernetes.io/name: ingress-nginx}, ports: [{port: 80, targetPort: http}]}
      `,
      errors: [
        { messageId: 'lbOpen', object: 'ingress-nginx/Service/ingress-nginx-controller', path: 'spec.type', line: 13, level: 'note', message: 'it is a gateway (pod label app.kubernetes.io/name=ingress-nginx marks a gateway)' },
        { messageId: 'noPolicy', object: 'ingress-nginx/Service/ingress-nginx-controller', path: 'spec.selector', line: 13, level: 'note' },
      ],
    },
    {
      name: 'hostPort without a policy, and a host-network pod',
      yaml: yaml`
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: edge}
        spec:
          selector: {matchLabels: {app: edge}}
          template:
            metadata: {labels: {app: edge}}
            spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 8080, hostPort: 80}]}]}
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: node-exporter}
        spec:
          selector: {matchLabels: {app: node-exporter}}
          template:
            metadata: {labels: {app: node-exporter}}
            spec:
              hostNetwork: true
              containers: [{name: e, image: e, ports: [{containerPort: 9100}, {containerPort: 9101}]}]
      `,
      errors: [
        { messageId: 'hostPortOpen', object: 'default/DaemonSet/edge', path: 'spec.template.spec.containers[0].ports[0].hostPort', line: 8, message: 'hostPort 80 of DaemonSet default/edge opens port 80 on its node to any address' },
        { messageId: 'hostNetwork', object: 'default/DaemonSet/node-exporter', path: 'spec.template.spec.hostNetwork', line: 18, level: 'note', message: 'NetworkPolicy does not reliably apply to host-network pods' },
      ],
    },
  ],
});
