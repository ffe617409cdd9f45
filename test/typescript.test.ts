import { describe, expect, it } from 'vitest';
import { runRules } from '../src/engine.js';
import { lint, type LintResult } from '../src/lint.js';
import { formatPath } from '../src/load/types.js';
import { builtOnUnknown } from '../src/load/unknown.js';
import { located } from '../src/report/index.js';
import { yaml as dedent } from './helpers/rule-tester.js';
import { tempDir } from './helpers/tmp.js';

async function lintFiles(files: Record<string, string>, paths: string[] = ['.'], onlyRules?: string[]): Promise<{ result: LintResult; cwd: string }> {
  const cwd = tempDir(files);
  return { result: await lint({ paths, cwd, config: false, onlyRules }), cwd };
}

function objects(result: LintResult) {
  return result.load.resources.map((r) => ({ id: `${r.namespace ?? ''}/${r.kind}/${r.name}`, obj: r.obj, unknown: r.unknown ?? [] }));
}

function findings(result: LintResult) {
  return located(result).map((l) => ({ rule: l.ruleId, object: l.object?.fullyQualifiedName, path: l.path, at: `${l.uri}:${l.region.startLine}:${l.region.startColumn}` }));
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function pos(text: string, needle: string): string {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not in text: ${needle}`);
  const before = text.slice(0, i).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

const CHART = dedent`
  import { App, Chart, ChartProps } from 'cdk8s';
  import { Construct } from 'constructs';
  import { IntOrString, KubeDeployment, KubeIngress, KubeService } from './imports/k8s';

  const APP = 'web';
  const PORT = 8080;
  const common = { team: 'shop' };

  export interface WebProps extends ChartProps {
    readonly replicas?: number;
    readonly image: string;
  }

  export class WebChart extends Chart {
    constructor(scope: Construct, id: string, props: WebProps) {
      super(scope, id, { namespace: props.namespace, labels: { chart: id } });
      const labels = { app: APP, ...common };
      new KubeDeployment(this, 'deploy', {
        metadata: { name: 'web' },
        spec: {
          replicas: props.replicas ?? 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: props.image, ports: [{ containerPort: PORT, name: 'http' }] }] },
          },
        },
      });
      const svc = new KubeService(this, 'svc', {
        metadata: { name: 'web' },
        spec: { selector: { app: 'webb' }, ports: [{ port: 80, targetPort: IntOrString.fromString('http') }] },
      });
      new KubeIngress(this, 'ing', {
        metadata: { name: 'web' },
        spec: {
          rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: svc.name, port: { number: 81 } } } }] } }],
        },
      });
    }
  }

  const app = new App();
  new WebChart(app, 'prod', { namespace: 'shop', image: 'nginx:1.27', replicas: 3 });
  app.synth();
`;

describe('TypeScript sources', () => {
  it('reads cdk8s constructs with constants, spreads, construct references and the chart namespace and labels', async () => {
    const { result } = await lintFiles({ 'main.ts': CHART }, ['main.ts'], []);
    expect(objects(result)).toEqual([
      {
        id: 'shop/Deployment/web',
        obj: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'shop', labels: { chart: 'prod' } },
          spec: {
            replicas: 3,
            selector: { matchLabels: { app: 'web', team: 'shop' } },
            template: {
              metadata: { labels: { app: 'web', team: 'shop' } },
              spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 8080, name: 'http' }] }] },
            },
          },
        },
        unknown: [],
      },
      {
        id: 'shop/Service/web',
        obj: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web', namespace: 'shop', labels: { chart: 'prod' } },
          spec: { selector: { app: 'webb' }, ports: [{ port: 80, targetPort: 'http' }] },
        },
        unknown: [],
      },
      {
        id: 'shop/Ingress/web',
        obj: {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'web', namespace: 'shop', labels: { chart: 'prod' } },
          spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 81 } } } }] } }] },
        },
        unknown: [],
      },
    ]);
    expect(result.load.accounting).toEqual([
      { path: 'main.ts', documents: 3, objects: 3, skipped: 0, status: 'ok', note: '3 object(s) read statically from TypeScript' },
    ]);
  });

  it('points findings at the offending property in the .ts file', async () => {
    const { result } = await lintFiles({ 'main.ts': CHART }, ['main.ts'], ['service-selector-matches-nothing', 'ingress-backend-missing']);
    expect(findings(result)).toEqual([
      { rule: 'service-selector-matches-nothing', object: 'shop/Service/web', path: 'spec.selector.app', at: `main.ts:${pos(CHART, "app: 'webb'")}` },
      { rule: 'ingress-backend-missing', object: 'shop/Ingress/web', path: 'spec.rules[0].http.paths[0].backend.service.port.number', at: `main.ts:${pos(CHART, 'number: 81')}` },
    ]);
    // the related location (the Service's ports) is in the .ts file too
    const ingress = located(result).find((l) => l.ruleId === 'ingress-backend-missing')!;
    expect(ingress.related.map((r) => `${r.uri}:${r.region.startLine}:${r.region.startColumn}`)).toEqual([`main.ts:${pos(CHART, 'ports: [{ port: 80')}`]);
  });

  it('leaves out what cannot be known statically, lists it, and builds no finding on it', async () => {
    const source = dedent`
      import { Chart } from 'cdk8s';
      import { Construct } from 'constructs';
      import { KubeDeployment, KubeService } from './imports/k8s';
      import { settings } from './settings';

      export function addApi(scope: Construct, backend: string) {
        new KubeService(scope, 'api', { metadata: { name: 'api' }, spec: { selector: { app: process.env.APP_LABEL! } } });
        new KubeService(scope, 'partial', { metadata: { name: 'partial' }, spec: { selector: { app: 'api', tier: backend } } });
        new KubeDeployment(scope, 'api-deploy', {
          metadata: { name: 'api' },
          spec: {
            selector: { matchLabels: { app: 'api' } },
            template: { metadata: { labels: { app: 'api', ...settings.labels } }, spec: { containers: [{ name: 'api', image: settings.image }] } },
          },
        });
      }
    `;
    const { result } = await lintFiles({ 'api.ts': source }, ['api.ts'], ['service-selector-matches-nothing', 'service-without-endpoints']);
    expect(objects(result).map((o) => [o.id, o.unknown])).toEqual([
      ['default/Service/api', [['spec', 'selector', 'app']]],
      ['default/Service/partial', [['spec', 'selector', 'tier']]],
      ['default/Deployment/api', [['spec', 'template', 'metadata', 'labels'], ['spec', 'template', 'spec', 'containers', 0, 'image']]],
    ]);
    expect(objects(result)[0]!.obj.spec).toEqual({ selector: {} });
    // without the filter, Service "api" (selector value unknown, so `{}` in obj) would get a finding about an
    // empty selector at spec.selector, an ancestor of the unknown path
    expect(findings(result)).toEqual([]);
    const raw = runRules(result.graph, result.rules, {}, []).findings;
    expect(raw.map((f) => [f.ruleId, f.resource?.name, formatPath(f.path)])).toEqual([['service-without-endpoints', 'api', 'spec.selector']]);
    expect(raw.map(builtOnUnknown)).toEqual([true]);
  });

  it('marks the name cdk8s generates as unknown instead of reporting a missing name', async () => {
    const source = dedent`
      import { App, Chart } from 'cdk8s';
      import { KubeConfigMap } from './imports/k8s';
      const app = new App();
      const chart = new Chart(app, 'base', { namespace: 'tools' });
      new KubeConfigMap(chart, 'settings', { data: { a: 'b' } });
    `;
    const { result } = await lintFiles({ 'cm.ts': source }, ['cm.ts']);
    expect(objects(result)).toEqual([
      {
        id: 'tools/ConfigMap/<generated:base/settings>',
        obj: { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' }, metadata: { name: '<generated:base/settings>', namespace: 'tools' } },
        unknown: [['metadata', 'name']],
      },
    ]);
    expect(result.findings).toEqual([]);
  });

  it('yields one set of objects per chart instantiation', async () => {
    const source = dedent`
      import { App, Chart, ChartProps } from 'cdk8s';
      import { Construct } from 'constructs';
      import { KubeService } from './imports/k8s';
      class Svc extends Chart {
        constructor(scope: Construct, id: string, props: ChartProps = {}) {
          super(scope, id, props);
          new KubeService(this, 'svc', { metadata: { name: 'cart' }, spec: { ports: [{ port: 80 }] } });
        }
      }
      const app = new App();
      new Svc(app, 'dev', { namespace: 'dev' });
      new Svc(app, 'prod', { namespace: 'prod' });
      new Svc(app, 'plain');
    `;
    const { result } = await lintFiles({ 'svc.ts': source }, ['svc.ts']);
    expect(objects(result).map((o) => o.id)).toEqual(['dev/Service/cart', 'prod/Service/cart', 'default/Service/cart']);
  });

  it('treats the namespace of a chart class that is not instantiated in the file as unknown', async () => {
    const source = dedent`
      import { Chart, ChartProps } from 'cdk8s';
      import { Construct } from 'constructs';
      import { KubeService } from './imports/k8s';
      export class Svc extends Chart {
        constructor(scope: Construct, id: string, props: ChartProps = {}) {
          super(scope, id, props);
          new KubeService(this, 'svc', { metadata: { name: 'cart' }, spec: { ports: [{ port: 80 }] } });
        }
      }
    `;
    const { result } = await lintFiles({ 'svc.ts': source }, ['svc.ts']);
    expect(objects(result).map((o) => [o.id, o.unknown])).toEqual([['default/Service/cart', [['metadata', 'namespace'], ['metadata', 'labels']]]]);
  });

  it('reads kubernetes-models constructors, typed object literals, ApiObject and generated CRD classes', async () => {
    const files = {
      'models.ts': dedent`
        import { Deployment } from 'kubernetes-models/apps/v1';
        import { Service } from 'kubernetes-models/v1';
        import type { V1ConfigMap } from '@kubernetes/client-node';
        export const deploy = new Deployment({ metadata: { name: 'm' }, spec: { selector: { matchLabels: { app: 'm' } }, template: { metadata: { labels: { app: 'm' } } } } });
        export const svc = new Service({ metadata: { name: 'm' }, spec: { selector: { app: 'm' } } });
        const cm: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typed' } };
        const notAManifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'untyped' } };
        export default [cm, notAManifest];
      `,
      'mesh.ts': dedent`
        import { App, ApiObject, Chart } from 'cdk8s';
        import { VirtualService } from './imports/networking.istio.io';
        const app = new App();
        const chart = new Chart(app, 'mesh', { namespace: 'mesh' });
        new VirtualService(chart, 'vs', { metadata: { name: 'reviews' }, spec: { hosts: ['reviews'] } });
        new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'raw' } });
      `,
      'imports/networking.istio.io.ts': dedent`
        // generated by cdk8s
        import { ApiObject, ApiObjectMetadata, GroupVersionKind } from 'cdk8s';
        export class VirtualService extends ApiObject {
          public static readonly GVK: GroupVersionKind = {
            apiVersion: 'networking.istio.io/v1beta1',
            kind: 'VirtualService',
          }
        }
      `,
    };
    const { result } = await lintFiles(files);
    expect(objects(result).map((o) => `${o.id} ${String(o.obj.apiVersion)}`)).toEqual([
      'mesh/VirtualService/reviews networking.istio.io/v1beta1',
      'mesh/Secret/raw v1',
      'default/Deployment/m apps/v1',
      'default/Service/m v1',
      'default/ConfigMap/typed v1',
    ]);
    // the generated imports file is not itself read as a source of manifests
    expect(result.load.accounting.map((a) => a.path)).toEqual(['mesh.ts', 'models.ts']);
  });

  it('reads .ts files found by walking only when they import a manifest library', async () => {
    const { result } = await lintFiles({
      'app/main.ts': CHART,
      'app/util.ts': 'export const x = 1;\n',
      'app/types.d.ts': "import { Chart } from 'cdk8s';\n",
      'app/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: plain}\n',
    });
    expect(result.load.accounting.map((a) => a.path)).toEqual(['app/main.ts', 'app/svc.yaml']);
  });

  it('reports a TypeScript syntax error at its position', async () => {
    const { result } = await lintFiles({ 'bad.ts': "import { Chart } from 'cdk8s';\nconst x = ;\n" }, ['bad.ts']);
    expect(findings(result)).toEqual([{ rule: 'manifest-parse-error', object: undefined, path: '', at: 'bad.ts:2:11' }]);
  });
});
