import rule from '../../src/rules/authz-requires-mtls.js';
import { ruleTable, yaml } from '../helpers/rule-tester.js';

const ns = (labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {${labels}}\n---\n`;
const istio = ns('istio-injection: enabled');
const paMode = (mode: string) => `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec: {mtls: {mode: ${mode}}}\n---\n`;

const web = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
  ---
`;

const ap = (spec: string, name = 'web') => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
  namespace: shop
spec:
${spec.split('\n').map((l) => `  ${l}`).join('\n')}
---
`;

const denyPrincipals = 'selector: {matchLabels: {app: web}}\naction: DENY\nrules:\n- from:\n  - source:\n      principals: [cluster.local/ns/shop/sa/bad]';
const allowPrincipals = 'selector: {matchLabels: {app: web}}\nrules:\n- from:\n  - source:\n      principals: [cluster.local/ns/shop/sa/front]';

ruleTable(rule, {
  valid: [
    { name: 'istio: DENY by principal on a STRICT workload', yaml: istio + paMode('STRICT') + web + ap(denyPrincipals) },
    { name: 'istio: ALLOW by principal with STRICT declared mesh-wide', yaml: istio + web + ap(allowPrincipals), cluster: { istio: { meshMtls: 'STRICT' } } },
    { name: 'istio: DENY with notPrincipals fails closed for plaintext', yaml: istio + web + ap('action: DENY\nrules:\n- from:\n  - source:\n      notPrincipals: [cluster.local/ns/shop/sa/front]') },
    { name: 'istio: policy without identity fields', yaml: istio + web + ap('action: DENY\nrules:\n- to:\n  - operation: {methods: [DELETE]}') },
    { name: 'istio: workload without a proxy (the policy is not enforced at all, another rule’s business)', yaml: ns('team: a') + web + ap(denyPrincipals) },
    { name: 'istio: policy attached to a waypoint through targetRefs', yaml: istio + web + ap('targetRefs: [{kind: Service, group: "", name: web}]\naction: DENY\nrules:\n- from:\n  - source: {principals: [x]}') },
    {
      name: 'istio: the policy restricts to a port that a STRICT port-level setting covers',
      yaml: istio + web + `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  mtls: {mode: PERMISSIVE}\n  portLevelMtls: {8080: {mode: STRICT}}\n---\n` + ap(denyPrincipals + '\n  to:\n  - operation: {ports: ["8080"]}'),
    },
  ],
  invalid: [
    {
      name: 'istio: DENY by principal on a PERMISSIVE workload is bypassed by plaintext',
      yaml: istio + paMode('PERMISSIVE') + web + ap(denyPrincipals),
      errors: [
        {
          messageId: 'denyBypassed',
          object: 'shop/AuthorizationPolicy/web',
          path: 'spec.rules[0].from[0].source.principals',
          line: 33,
          level: 'warning',
          message: ['AuthorizationPolicy shop/web denies callers by source.principals, but Deployment shop/web also accept(s) plaintext (PERMISSIVE: namespace-wide PeerAuthentication shop/default sets PERMISSIVE)', 'the request gets through'],
        },
      ],
    },
    {
      name: 'istio: DENY by namespace with the PERMISSIVE default only assumed is a note',
      yaml: istio + web + ap('action: DENY\nrules:\n- from:\n  - source:\n      namespaces: [untrusted]'),
      errors: [{ messageId: 'denyBypassed', object: 'shop/AuthorizationPolicy/web', path: 'spec.rules[0].from[0].source.namespaces', line: 27, level: 'note', message: ['source.namespaces', '[assumed'] }],
    },
    {
      name: 'istio: ALLOW with notNamespaces lets plaintext in',
      yaml: istio + paMode('PERMISSIVE') + web + ap('rules:\n- from:\n  - source:\n      notNamespaces: [untrusted]'),
      errors: [{ messageId: 'allowOpen', object: 'shop/AuthorizationPolicy/web', path: 'spec.rules[0].from[0].source.notNamespaces', line: 31, level: 'warning', message: 'passes the exclusion and is allowed' }],
    },
    {
      name: 'istio: ALLOW by principal under PERMISSIVE denies plaintext callers (note)',
      yaml: istio + paMode('PERMISSIVE') + web + ap(allowPrincipals),
      errors: [{ messageId: 'allowDeniesPlaintext', object: 'shop/AuthorizationPolicy/web', path: 'spec.rules[0].from[0].source.principals', line: 32, level: 'note', message: 'plaintext callers have no identity and are denied' }],
    },
    {
      name: 'istio: ALLOW by principal under DISABLE denies everything',
      yaml: istio + paMode('DISABLE') + web + ap(allowPrincipals),
      errors: [{ messageId: 'allowDeniesPlaintext', object: 'shop/AuthorizationPolicy/web', path: 'spec.rules[0].from[0].source.principals', line: 32, level: 'warning', message: 'denies every request there' }],
    },
    {
      name: 'istio: a when condition on source.principal in a namespace-wide DENY',
      yaml: istio + paMode('PERMISSIVE') + web + ap('action: DENY\nrules:\n- when:\n  - key: source.principal\n    values: [cluster.local/ns/shop/sa/bad]', 'deny-bad'),
      errors: [{ messageId: 'denyBypassed', object: 'shop/AuthorizationPolicy/deny-bad', path: 'spec.rules[0].when[0].values', line: 32, message: 'denies callers by when source.principal' }],
    },
    {
      name: 'istio ambient: a selector policy enforced by ztunnel under PERMISSIVE',
      yaml: ns('istio.io/dataplane-mode: ambient') + paMode('PERMISSIVE') + web + ap(denyPrincipals),
      errors: [{ messageId: 'denyBypassed', object: 'shop/AuthorizationPolicy/web', path: 'spec.rules[0].from[0].source.principals', line: 33 }],
    },
  ],
});
