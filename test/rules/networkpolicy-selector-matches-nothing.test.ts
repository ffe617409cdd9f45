import rule from '../../src/rules/networkpolicy-selector-matches-nothing.js';
import { deployment } from '../helpers/fixtures.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const web = deployment('web', '{app: web, tier: front}');
const api = deployment('api', '{app: api, tier: back}');

/**
 * `---` and NetworkPolicy `metrics` on app=api admitting app=prometheus from the namespaces `namespaceSelector`
 * (a flow map) picks; 10 lines, the peer's podSelector on the last one.
 */
function metricsPolicy(namespaceSelector: string): string {
  return yaml`
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: metrics}
    spec:
      podSelector: {matchLabels: {app: api}}
      ingress:
        - from:
            - namespaceSelector: ${namespaceSelector}
              podSelector: {matchLabels: {app: prometheus}}
  `;
}

ruleTable(rule, {
  valid: [
    {
      name: 'podSelector {} selects every pod in the namespace',
      yaml: yaml`
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
      `,
    },
    {
      name: 'absent podSelector defaults to all pods, even with no workloads in the input',
      yaml: yaml`
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-ingress, namespace: shop}
        spec: {policyTypes: [Ingress]}
      `,
    },
    {
      name: 'podSelector and peer match; unset namespace equals explicit default',
      yaml: web + '---\n' + api + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: api-from-web, namespace: default}
        spec:
          podSelector: {matchLabels: {app: api}}
          ingress:
            - from: [{podSelector: {matchLabels: {app: web}}}]
      `,
    },
    {
      name: 'NotIn matches pods that lack the key',
      yaml: web + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: not-batch}
        spec:
          podSelector:
            matchExpressions: [{key: workload-type, operator: NotIn, values: [batch]}]
      `,
    },
    {
      name: 'peer in another namespace named through kubernetes.io/metadata.name',
      yaml: api + '---\n' + deployment('prometheus', '{app: prometheus}', 'monitoring') + metricsPolicy('{matchLabels: {kubernetes.io/metadata.name: monitoring}}'),
    },
    {
      name: 'peer namespaceSelector on labels the input does not show: not judged',
      yaml: api + metricsPolicy('{matchLabels: {team: observability}}'),
    },
    {
      name: 'peer namespace named by metadata.name but absent from the input: not judged',
      yaml: api + metricsPolicy('{matchLabels: {kubernetes.io/metadata.name: monitoring}}'),
    },
    {
      name: 'namespaceSelector-only and ipBlock peers have no pod selector to check',
      yaml: api + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: mixed}
        spec:
          podSelector: {matchLabels: {app: api}}
          ingress:
            - from:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}
                - ipBlock: {cidr: 10.0.0.0/8}
                - podSelector: {}
      `,
    },
    {
      name: 'pods made by an operator custom resource (Prometheus) count as present',
      yaml: yaml`
        apiVersion: monitoring.coreos.com/v1
        kind: Prometheus
        metadata:
          name: k8s
          namespace: monitoring
          labels: {app.kubernetes.io/name: prometheus}
        spec: {replicas: 2}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: prometheus, namespace: monitoring}
        spec:
          podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}
          ingress:
            - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}]
      `,
    },
    {
      name: 'namespace labels declared as cluster facts let a label namespaceSelector be evaluated',
      cluster: { namespaces: { monitoring: { labels: { team: 'observability' } } } },
      yaml: api + '---\n' + deployment('prometheus', '{app: prometheus}', 'monitoring') + metricsPolicy('{matchLabels: {team: observability}}'),
    },
  ],
  invalid: [
    {
      name: 'podSelector value typo, nearest workload named',
      yaml: web + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-ingress}
        spec:
          podSelector:
            matchLabels:
              app: wbe
      `,
      errors: [
        {
          messageId: 'noTarget',
          object: 'default/NetworkPolicy/web-ingress',
          path: 'spec.podSelector.matchLabels.app',
          line: 17,
          column: 7,
          level: 'warning',
          message: ['podSelector app=wbe selects no pods, so this policy isolates nothing', 'searched namespace default'],
        },
      ],
    },
    {
      name: 'matchExpressions requirement no template satisfies',
      yaml: web + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: canary}
        spec:
          podSelector:
            matchExpressions:
              - {key: track, operator: Exists}
      `,
      errors: [{ messageId: 'noTarget', object: 'default/NetworkPolicy/canary', path: 'spec.podSelector.matchExpressions[0]', line: 17, column: 9 }],
    },
    {
      name: 'ingress peer selects nothing in the policy namespace (no namespaceSelector = own namespace)',
      yaml: web + '---\n' + deployment('worker', '{app: worker}', 'jobs') + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-from-worker}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
            - from:
                - podSelector: {matchLabels: {app: worker}}
      `,
      errors: [
        {
          messageId: 'noPeer',
          object: 'default/NetworkPolicy/web-from-worker',
          path: 'spec.ingress[0].from[0].podSelector.matchLabels.app',
          line: 29,
          column: 39,
          level: 'warning',
          message: 'ingress peer app=worker selects no pods in namespace default, so it allows no traffic from any pod',
        },
      ],
    },
    {
      name: 'egress peer says "to"; a null namespaceSelector is the own namespace',
      yaml: web + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-egress}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Egress]
          egress:
            - to:
                - namespaceSelector: null
                  podSelector: {matchLabels: {app: redis}}
      `,
      errors: [
        {
          messageId: 'noPeer',
          object: 'default/NetworkPolicy/web-egress',
          path: 'spec.egress[0].to[0].podSelector.matchLabels.app',
          line: 20,
          column: 39,
          message: 'egress peer app=redis selects no pods in namespace default, so it allows no traffic to any pod',
        },
      ],
    },
    {
      name: 'peer in a namespace named by kubernetes.io/metadata.name that the input defines',
      yaml: api + '---\n' + deployment('grafana', '{app: grafana}', 'monitoring') + metricsPolicy('{matchLabels: {kubernetes.io/metadata.name: monitoring}}'),
      errors: [
        {
          messageId: 'noPeer',
          object: 'default/NetworkPolicy/metrics',
          path: 'spec.ingress[0].from[0].podSelector.matchLabels.app',
          line: 30,
          column: 39,
          level: 'warning',
          message: 'selects no pods in namespace monitoring,',
        },
      ],
    },
    {
      name: 'namespaceSelector {} reaches namespaces outside the input: lowered to note and said so',
      yaml: api + '---\n' + deployment('grafana', '{app: grafana}', 'monitoring') + metricsPolicy('{}'),
      errors: [
        {
          messageId: 'noPeer',
          object: 'default/NetworkPolicy/metrics',
          path: 'spec.ingress[0].from[0].podSelector.matchLabels.app',
          line: 30,
          column: 39,
          level: 'note',
          message: 'namespaces default, monitoring (the namespaceSelector may also select namespaces the input does not define)',
        },
      ],
    },
    {
      name: 'metadata.name In a list with a namespace outside the input: lowered to note',
      yaml: api + '---\n' + deployment('grafana', '{app: grafana}', 'monitoring') + metricsPolicy('{matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [monitoring, observability]}]}'),
      errors: [
        {
          messageId: 'noPeer',
          object: 'default/NetworkPolicy/metrics',
          path: 'spec.ingress[0].from[0].podSelector.matchLabels.app',
          line: 30,
          column: 39,
          level: 'note',
          message: 'namespace monitoring (the namespaceSelector may also select namespaces the input does not define)',
        },
      ],
    },
    {
      name: 'no workloads in the namespace: lowered to note and the message says the input looks partial',
      yaml: deployment('web', '{app: web}', 'shop') + yaml`
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web}
        spec:
          podSelector: {matchLabels: {app: web}}
      `,
      errors: [
        {
          messageId: 'noTarget',
          object: 'default/NetworkPolicy/web',
          path: 'spec.podSelector',
          line: 16,
          column: 3,
          level: 'note',
          message: 'the input has no workloads in namespace default (only in other namespaces)',
        },
      ],
    },
    {
      name: 'policy in a kind: List, one finding per dead selector',
      yaml: yaml`
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Pod
            metadata: {name: db, namespace: data, labels: {app: db}}
            spec: {containers: [{name: db, image: postgres}]}
          - apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db, namespace: data}
            spec:
              podSelector: {matchLabels: {app: database}}
              ingress:
                - from: [{podSelector: {matchLabels: {role: backend}}}]
      `,
      errors: [
        { messageId: 'noTarget', object: 'data/NetworkPolicy/db', path: 'spec.podSelector.matchLabels.app', line: 12, column: 35 },
        { messageId: 'noPeer', object: 'data/NetworkPolicy/db', path: 'spec.ingress[0].from[0].podSelector.matchLabels.role', line: 14, column: 47 },
      ],
    },
  ],
});
