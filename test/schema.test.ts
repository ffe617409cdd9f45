import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasSchema, validateManifest } from '../src/load/schema.js';
import type { JsonObject } from '../src/load/types.js';

function gvk(obj: JsonObject): [string, string, string] {
  const apiVersion = String(obj.apiVersion);
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return [group, version, String(obj.kind)];
}

function check(obj: JsonObject) {
  return validateManifest(...gvk(obj), obj);
}

function deployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web', 'app.kubernetes.io/name': 'web' }, annotations: { 'example.com/anything': 'x' }, creationTimestamp: null },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
      template: {
        metadata: { labels: { app: 'web' }, creationTimestamp: null },
        spec: {
          initContainers: [{ name: 'proxy', image: 'envoy:1.30', restartPolicy: 'Always' }],
          containers: [
            {
              name: 'app',
              image: 'nginx:1.27',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'MODE', value: 'prod' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1, memory: '1.5Gi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
              livenessProbe: { tcpSocket: { port: 8080 } },
            },
          ],
          volumes: [{ name: 'cfg', configMap: { name: 'web' } }],
        },
      },
    },
    status: {},
  };
}

const VALID: JsonObject[] = [
  deployment(),
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, trafficDistribution: 'PreferClose', ports: [{ port: 80, targetPort: 'http' }, { name: 'm', port: 9090, targetPort: 9090, protocol: 'TCP' }] },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j' },
    spec: {
      completionMode: 'Indexed',
      completions: 4,
      backoffLimitPerIndex: 1,
      podFailurePolicy: { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [42] } }] },
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'j' }] } },
    },
  },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { 'app.yaml': 'a: 1\n', ANY_KEY: 'v' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { password: 'aHVudGVyMg==', multi: 'aHVu\ndGVyMg==' }, stringData: { plain: 'text' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web' }, automountServiceAccountToken: false },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 1'] }], restartPolicy: 'Never' } },
  { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] },
  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
    },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'a' } }, updateStrategy: { rollingUpdate: { maxUnavailable: 1 } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'a', image: 'a' }] } } },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly' },
    spec: { schedule: '0 3 * * *', timeZone: 'Etc/UTC', jobTemplate: { spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'j', image: 'j' }] } } } } },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web' },
    spec: { ingressClassName: 'nginx', rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'deny' },
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }], ports: [{ port: 'http' }, { port: 5432, protocol: 'TCP' }] }] },
  },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { maxUnavailable: '50%', selector: { matchLabels: { app: 'web' } } } },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'q' }, spec: { minAvailable: 1 } },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  },
  { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'old' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 } },
  {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'http', port: 8080 }],
  },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'b' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
  },
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'A widget.',
              properties: {
                spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, additionalProperties: true },
                size: { 'x-kubernetes-int-or-string': true, default: 1 },
                tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
              },
            },
          },
        },
      ],
    },
  },
];

describe('hasSchema', () => {
  it('knows the built-in kinds the linter cares about', () => {
    const kinds: [string, string, string][] = [
      ['', 'v1', 'Pod'], ['', 'v1', 'Service'], ['', 'v1', 'Endpoints'], ['', 'v1', 'ConfigMap'], ['', 'v1', 'Secret'],
      ['', 'v1', 'ServiceAccount'], ['', 'v1', 'Namespace'], ['', 'v1', 'PersistentVolumeClaim'],
      ['apps', 'v1', 'Deployment'], ['apps', 'v1', 'ReplicaSet'], ['apps', 'v1', 'StatefulSet'], ['apps', 'v1', 'DaemonSet'],
      ['batch', 'v1', 'Job'], ['batch', 'v1', 'CronJob'],
      ['networking.k8s.io', 'v1', 'Ingress'], ['networking.k8s.io', 'v1', 'NetworkPolicy'], ['networking.k8s.io', 'v1', 'IngressClass'],
      ['policy', 'v1', 'PodDisruptionBudget'],
      ['autoscaling', 'v1', 'HorizontalPodAutoscaler'], ['autoscaling', 'v2', 'HorizontalPodAutoscaler'],
      ['discovery.k8s.io', 'v1', 'EndpointSlice'],
      ['rbac.authorization.k8s.io', 'v1', 'Role'], ['rbac.authorization.k8s.io', 'v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io', 'v1', 'RoleBinding'], ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding'],
      ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition'],
    ];
    for (const [g, v, k] of kinds) expect(hasSchema(g, v, k), `${g}/${v}/${k}`).toBe(true);
  });

  it('does not claim custom or unknown kinds', () => {
    expect(hasSchema('networking.istio.io', 'v1beta1', 'VirtualService')).toBe(false);
    expect(hasSchema('', 'v1', 'Deployment')).toBe(false);
    expect(hasSchema('apps', 'v2', 'Deployment')).toBe(false);
    expect(hasSchema('', 'v1', 'toString')).toBe(false);
  });
});

describe('validateManifest', () => {
  it('returns undefined when no schema is known', () => {
    expect(validateManifest('example.com', 'v1', 'Widget', { apiVersion: 'example.com/v1', kind: 'Widget', spec: { anything: 1 } })).toBeUndefined();
    expect(validateManifest('', 'v1', 'NotAKind', { apiVersion: 'v1', kind: 'NotAKind' })).toBeUndefined();
  });

  it('accepts valid objects of many kinds', () => {
    for (const obj of VALID) expect(check(obj), `${String(obj.kind)} ${JSON.stringify(obj.metadata)}`).toEqual([]);
  });

  it('reports a wrong type at the value, with what it got', () => {
    const d = deployment();
    (d.spec as JsonObject).replicas = 'three';
    expect(check(d)).toEqual([{ path: ['spec', 'replicas'], message: 'spec.replicas must be integer, got string "three"' }]);
  });

  it('reports a wrong type deep inside lists with numeric indexes', () => {
    const d = deployment();
    const c = ((((d.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0] as JsonObject;
    (c.env as JsonObject[]).push({ name: 'PORT', value: 8080 });
    expect(check(d)).toEqual([
      { path: ['spec', 'template', 'spec', 'containers', 0, 'env', 2, 'value'], message: 'spec.template.spec.containers[0].env[2].value must be string, got number 8080' },
    ]);
  });

  it('reports a missing required field at the parent, naming the field', () => {
    const d = deployment();
    const c = ((((d.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0] as JsonObject;
    delete c.name;
    delete (d.spec as JsonObject).selector;
    expect(check(d)).toEqual([
      { path: ['spec', 'template', 'spec', 'containers', 0], message: 'spec.template.spec.containers[0] is missing required field "name"' },
      { path: ['spec'], message: 'spec is missing required field "selector"' },
    ]);
  });

  it('reports a missing required top-level field without a path prefix', () => {
    const rb: JsonObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' }, subjects: [] };
    expect(check(rb)).toEqual([{ path: [], message: 'missing required field "roleRef"' }]);
  });

  it('accepts both forms of int-or-string fields and rejects other types', () => {
    const svc: JsonObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }, { port: 82, targetPort: true }, { port: 83, targetPort: 1.5 }] },
    };
    expect(check(svc)).toEqual([
      { path: ['spec', 'ports', 2, 'targetPort'], message: 'spec.ports[2].targetPort must be integer or string, got boolean true' },
      { path: ['spec', 'ports', 3, 'targetPort'], message: 'spec.ports[3].targetPort must be integer or string, got number 1.5' },
    ]);
  });

  it('reports unknown fields of closed objects at the unknown key', () => {
    const d = deployment();
    (d.spec as JsonObject).replica = 2;
    (d.metadata as JsonObject).label = { a: 'b' };
    expect(check(d)).toEqual([
      { path: ['metadata', 'label'], message: 'unknown field "metadata.label"' },
      { path: ['spec', 'replica'], message: 'unknown field "spec.replica"' },
    ]);
    expect(check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, datas: {}, $patch: 'delete' })).toEqual([
      { path: ['$patch'], message: 'unknown field "$patch"' },
      { path: ['datas'], message: 'unknown field "datas"' },
    ]);
    const pod: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i', imagePullPolicyy: 'Always' }] } };
    expect(check(pod)).toEqual([
      { path: ['spec', 'containers', 0, 'imagePullPolicyy'], message: 'unknown field "spec.containers[0].imagePullPolicyy"' },
    ]);
  });

  it('lets maps and free-form fields hold any key', () => {
    expect(check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { 'a.b/c': 'd' }, annotations: { 'x/y': '{"json": true}' } }, data: { 'weird key/with.dots': 'v' }, binaryData: { b: 'AA==' } })).toEqual([]);
    const rev: JsonObject = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1, data: { any: { nested: ['thing'] } } };
    expect(check(rev)).toEqual([]);
  });

  it('accepts null for optional fields, creationTimestamp: null and status: {}', () => {
    const d = deployment();
    (d.spec as JsonObject).strategy = null;
    (d.metadata as JsonObject).annotations = null;
    (d.metadata as JsonObject).labels = { app: 'web', empty: null };
    expect(check(d)).toEqual([]);
  });

  it('rejects null where a value is required', () => {
    const d = deployment();
    (d.spec as JsonObject).template = null;
    expect(check(d)).toEqual([{ path: ['spec', 'template'], message: 'spec.template must be object, got null' }]);
  });

  it('checks quantities, base64 data, timestamps and 32-bit integers', () => {
    const d = deployment();
    const c = ((((d.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0] as JsonObject;
    c.resources = { limits: { cpu: 'lots', memory: '2Gi' } };
    (d.spec as JsonObject).replicas = 3_000_000_000;
    (d.metadata as JsonObject).creationTimestamp = 'yesterday';
    expect(check(d)).toEqual([
      { path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'cpu'], message: 'spec.template.spec.containers[0].resources.limits.cpu must be a quantity such as 500m, 2, 1.5Gi or 128Mi, got string "lots"' },
      { path: ['metadata', 'creationTimestamp'], message: 'metadata.creationTimestamp must be an RFC 3339 date-time such as 2024-01-31T12:00:00Z, got string "yesterday"' },
      { path: ['spec', 'replicas'], message: 'spec.replicas must be a 32-bit integer, got number 3000000000' },
    ]);
    const secret: JsonObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'hunter2!' } };
    expect(check(secret)).toEqual([{ path: ['data', 'password'], message: 'data.password must be base64-encoded, got string "hunter2!"' }]);
  });

  it('checks enums, with the values of newer releases', () => {
    const d = deployment();
    const c = ((((d.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0] as JsonObject;
    c.imagePullPolicy = 'always';
    expect(check(d)).toEqual([
      { path: ['spec', 'template', 'spec', 'containers', 0, 'imagePullPolicy'], message: 'spec.template.spec.containers[0].imagePullPolicy must be one of "Always", "IfNotPresent", "Never", got string "always"' },
    ]);
  });

  it('quotes awkward keys in paths and messages', () => {
    const cm: JsonObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'app.yaml': 5 } };
    expect(check(cm)).toEqual([{ path: ['data', 'app.yaml'], message: 'data["app.yaml"] must be string, got number 5' }]);
  });

  it('reports a non-object where an object is expected, once', () => {
    const d = deployment();
    d.spec = 'oops';
    expect(check(d)).toEqual([{ path: ['spec'], message: 'spec must be object, got string "oops"' }]);
  });

  it('caps the issues per object, most specific first, in a stable order', () => {
    const containers: JsonObject[] = [];
    for (let i = 0; i < 15; i++) containers.push({ image: 'x', ports: [{ containerPort: 'p' }] });
    const pod: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers, nodeName: 5 } };
    const first = check(pod);
    expect(first).toHaveLength(10);
    expect(check(pod)).toEqual(first);
    const depths = (first ?? []).map((i) => i.path.length);
    expect([...depths].sort((a, b) => b - a)).toEqual(depths);
    expect(first?.[0]).toEqual({ path: ['spec', 'containers', 0, 'ports', 0, 'containerPort'], message: 'spec.containers[0].ports[0].containerPort must be integer, got string "p"' });
    expect(first?.[1]?.path).toEqual(['spec', 'containers', 1, 'ports', 0, 'containerPort']);
  });

  it('compiles the schema of every kind in the schema file', () => {
    const file = JSON.parse(readFileSync(new URL('../schemas/kubernetes-builtin.json', import.meta.url), 'utf8')) as { kinds: Record<string, string> };
    const keys = Object.keys(file.kinds);
    expect(keys.length).toBeGreaterThan(150);
    for (const key of keys) {
      const [group = '', version = '', kind = ''] = key.split('/');
      const apiVersion = group ? `${group}/${version}` : version;
      const issues = validateManifest(group, version, kind, { apiVersion, kind });
      expect(issues, key).toBeDefined();
      for (const issue of issues ?? []) expect(issue.message, key).toMatch(/missing required field/);
    }
  });
});
