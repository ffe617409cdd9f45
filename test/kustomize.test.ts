import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, type LintResult } from '../src/lint.js';
import { renderKustomizations, splitKustomize } from '../src/load/kustomize.js';
import { located } from '../src/report/index.js';
import { tempDir } from './helpers/tmp.js';

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const BASE = {
  'app/base/kustomization.yaml': 'resources:\n- deploy.yaml\n- svc.yaml\nconfigMapGenerator:\n- name: settings\n  literals: [mode=fast]\ngeneratorOptions: {disableNameSuffixHash: true}\n',
  'app/base/deploy.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  selector:',
    '    matchLabels: {app: web}',
    '  template:',
    '    metadata:',
    '      labels: {app: web}',
    '    spec:',
    '      containers:',
    '      - name: web',
    '        image: nginx',
    '        ports: [{name: http, containerPort: 8080}]',
    '',
  ].join('\n'),
  'app/base/svc.yaml': [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: web',
    'spec:',
    '  selector: {app: webb}',
    '  ports: [{port: 80}]',
    '',
  ].join('\n'),
  'app/overlays/prod/kustomization.yaml': [
    'namePrefix: prod-',
    'namespace: prod',
    'resources:',
    '- ../../base',
    'patches:',
    '- target: {kind: Service}',
    '  patch: |',
    '    - op: add',
    '      path: /spec/ports/0/targetPort',
    '      value: metrics',
    '',
  ].join('\n'),
  // a plain file inside the overlay that the kustomization does not list: not read on its own
  'app/overlays/prod/notes.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stray}\n',
  'other/plain.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\n',
};

function summary(result: LintResult) {
  return located(result).map((l) => ({ rule: l.ruleId, object: l.object?.fullyQualifiedName, at: `${l.uri}:${l.region.startLine}:${l.region.startColumn}`, exact: l.exact, message: l.message }));
}

describe.skipIf(!hasKubectl())('kustomize', () => {
  it('renders an overlay found while walking, skips its base and files, and maps objects to their declaring files', async () => {
    const cwd = tempDir(BASE);
    const before = Object.fromEntries(Object.keys(BASE).map((f) => [f, readFileSync(path.join(cwd, f), 'utf8')]));
    const result = await lint({ paths: ['.'], cwd, config: false, onlyRules: ['service-selector-matches-nothing', 'service-target-port-unresolved'] });

    expect(result.load.resources.map((r) => `${r.namespace}/${r.kind}/${r.name} ← ${r.source.file.path}${r.source.prefix.length ? ` ${r.source.prefix.join('.')}` : ''}`)).toEqual([
      'prod/ConfigMap/prod-settings ← app/base/kustomization.yaml configMapGenerator.0',
      'prod/Service/prod-web ← app/base/svc.yaml',
      'prod/Deployment/prod-web ← app/base/deploy.yaml',
      'default/ConfigMap/plain ← other/plain.yaml',
    ]);
    // the origin annotation was added for meshlint and is gone before rules run
    for (const r of result.load.resources) expect(JSON.stringify(r.obj)).not.toContain('config.kubernetes.io/origin');
    expect(result.load.accounting.map((a) => [a.path, a.objects, a.note?.replace('kustomize build', 'kubectl kustomize')])).toEqual([
      ['app/overlays/prod', 3, 'kustomization rendered with kubectl kustomize; objects located in 3 declaring file(s)'],
      ['other/plain.yaml', 1, undefined],
    ]);

    expect(summary(result)).toEqual([
      {
        rule: 'service-selector-matches-nothing',
        object: 'prod/Service/prod-web',
        at: 'app/base/svc.yaml:6:14',
        exact: true,
        message: expect.stringContaining('Service selector app=webb selects no pods') as unknown,
      },
    ]);
    // users' files are never modified
    for (const [f, text] of Object.entries(before)) expect(readFileSync(path.join(cwd, f), 'utf8')).toBe(text);
  });

  it('says so when a patch set the value and the base file shows only the enclosing key', async () => {
    const cwd = tempDir({ ...BASE, 'app/base/svc.yaml': BASE['app/base/svc.yaml'].replace('webb', 'web') });
    const result = await lint({ paths: ['app/overlays/prod'], cwd, config: false, onlyRules: ['service-target-port-unresolved'] });
    expect(summary(result)).toEqual([
      {
        rule: 'service-target-port-unresolved',
        object: 'prod/Service/prod-web',
        // `ports: [{port: 80}]`: the list item, since targetPort exists only after the patch
        at: 'app/base/svc.yaml:7:11',
        exact: false,
        message: expect.stringContaining(
          '(spec.ports[0].targetPort is not written in app/base/svc.yaml; kustomize (app/overlays/prod) sets or changes it, so the nearest enclosing key is shown)',
        ) as unknown,
      },
    ]);
  });

  it('renders a kustomization named by its file, and a base named directly', async () => {
    const cwd = tempDir(BASE);
    const byFile = await lint({ paths: ['app/base/kustomization.yaml'], cwd, config: false, onlyRules: [] });
    expect(byFile.load.resources.map((r) => `${r.namespace}/${r.kind}/${r.name}`)).toEqual([
      'default/ConfigMap/settings',
      'default/Service/web',
      'default/Deployment/web',
    ]);
    const byDir = await lint({ paths: ['app/base'], cwd, config: false, onlyRules: [] });
    expect(byDir.load.resources.map((r) => r.name)).toEqual(['settings', 'web', 'web']);
  });

  it('reports a kustomization that does not build as an input error', async () => {
    const cwd = tempDir({ 'k/kustomization.yaml': 'resources:\n- missing.yaml\n' });
    const result = await lint({ paths: ['k'], cwd, config: false });
    expect(result.load.inputErrors).toHaveLength(1);
    expect(result.load.inputErrors[0]!.path).toBe('k');
    expect(result.load.inputErrors[0]!.message).toMatch(/^(kubectl kustomize|kustomize build) failed: .*missing\.yaml/);
  });
});

describe('kustomize without a renderer', () => {
  it('says that neither kustomize nor kubectl is on PATH', async () => {
    const cwd = tempDir({ 'k/kustomization.yaml': 'resources: []\n' });
    const out = await renderKustomizations([path.join(cwd, 'k')], { cwd, env: { PATH: tempDir() } });
    expect(out.errors).toEqual([
      {
        path: 'k',
        message:
          'this directory has a kustomization, but neither "kustomize" nor "kubectl" is on PATH to render it; install one of them, or render it yourself and pipe the result: kubectl kustomize DIR | meshlint -',
      },
    ]);
  });

  it('renders overlays, not the bases they include', () => {
    const cwd = tempDir({
      'a/base/kustomization.yaml': 'resources: [x.yaml]\n',
      'a/dev/kustomization.yaml': 'resources: [../base]\n',
      'a/prod/Kustomization': 'resources: [../base, "https://example.com/remote"]\n',
    });
    const found = ['a/base/kustomization.yaml', 'a/base/x.yaml', 'a/dev/kustomization.yaml', 'a/prod/Kustomization', 'a/top.yaml'].map((f) => path.join(cwd, f));
    const split = splitKustomize(found);
    expect(split.roots.map((r) => path.relative(cwd, r))).toEqual(['a/dev', 'a/prod']);
    expect(split.files.map((f) => path.relative(cwd, f))).toEqual(['a/top.yaml']);
  });
});
