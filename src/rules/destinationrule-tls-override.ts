/**
 * DestinationRule `tls` settings that fight the servers' mTLS (semantics.md §2.4 "Auto mTLS interaction", §8 C24).
 * Istio uses any `tls` block of the applicable policy as written and only falls back to automatic mTLS when there
 * is none [I-TLS buildUpstreamTLSSettings]. So DISABLE or SIMPLE towards sidecars that require mTLS breaks the
 * traffic, DISABLE towards PERMISSIVE sidecars silently sends plaintext, and ISTIO_MUTUAL towards a backend
 * without an Istio sidecar (or with the port excluded from capture) breaks it. Ambient backends are reached
 * through HBONE whatever the tls mode, so they are left out. Port-level settings replace the whole top-level
 * policy for their port, `tls` included [I-API-DR port_level_settings].
 */
import type { Graph, PodTemplate } from '../graph/graph.js';
import { dataPlaneOf } from '../graph/mesh/injection.js';
import { HOST_READS, resolveHost } from '../graph/mesh/hosts.js';
import { inboundMtlsOf } from '../graph/mesh/mtls.js';
import type { Decision } from '../graph/mesh/model.js';
import { serviceView } from '../graph/services.js';
import { getIn, isObject, str, type JsonObject, type Path, type Resource } from '../load/types.js';
import { because, listNames, MODEL_READS, objectName, workloadName } from './_mtls.js';
import { defineRule, type Report } from './types.js';

type MessageId = 'breaksStrict' | 'plaintext' | 'mutualToUnmeshed' | 'portLevelDropsTls';

interface Scope {
  /** "trafficPolicy", "subset v2", "port 8080 settings of subset v2". */
  readonly where: string;
  readonly policy: JsonObject;
  readonly path: Path;
  readonly subsetLabels?: Readonly<Record<string, string>>;
}

interface Target {
  readonly template: PodTemplate;
  readonly port: number;
}

export default defineRule({
  meta: {
    id: 'destinationrule-tls-override',
    description: 'A DestinationRule tls mode that overrides automatic mTLS against the servers: DISABLE or SIMPLE towards sidecars (broken under STRICT, plaintext under PERMISSIVE), ISTIO_MUTUAL towards pods without an Istio sidecar.',
    level: 'error',
    family: 'mtls',
    reads: [...new Set<string>([...MODEL_READS, ...HOST_READS, 'DestinationRule.networking.istio.io'])],
    messages: {
      breaksStrict: 'In the {where} of {rule}, tls.mode {mode} applies to {host}, but {backends} require(s) mTLS ({reason}); {consequence}',
      plaintext: 'In the {where} of {rule}, tls.mode DISABLE applies to {host}: meshed clients send plaintext to {backends}, which accept(s) it ({reason}); without this setting Istio would use mTLS automatically',
      mutualToUnmeshed: 'In the {where} of {rule}, tls.mode ISTIO_MUTUAL applies to {host}, but {backends} cannot terminate Istio mTLS ({reason}); the clients\' TLS handshakes fail',
      portLevelDropsTls: 'portLevelSettings for port {port} in {rule} has no tls block, so the top-level tls.mode {mode} does not apply to port {port} (port-level settings replace the top-level policy as a whole); that port gets Istio\'s automatic choice instead',
    },
    sources: [
      { tool: 'istioctl analyze', id: 'IST0113' },
      { tool: 'istioctl analyze', id: 'IST0115' },
      { tool: 'Kiali', id: 'KIA0207' },
      { tool: 'Kiali', id: 'KIA0208' },
    ],
    precision: 'high',
    securitySeverity: 6.0,
  },
  check({ graph, report }) {
    for (const dr of graph.ofKind('networking.istio.io', 'DestinationRule')) {
      const spec = isObject(dr.obj.spec) ? dr.obj.spec : {};
      const host = str(spec.host);
      if (!host) continue;
      const services = resolveHost(graph, host, dr.namespace ?? graph.defaultNamespace).services;
      if (!services.length) continue;
      const scopes: Scope[] = [];
      if (isObject(spec.trafficPolicy)) scopes.push({ where: 'trafficPolicy', policy: spec.trafficPolicy, path: ['spec', 'trafficPolicy'] });
      if (Array.isArray(spec.subsets)) {
        spec.subsets.forEach((s, i) => {
          if (!isObject(s) || !isObject(s.trafficPolicy)) return;
          const labels: Record<string, string> = {};
          if (isObject(s.labels)) for (const [k, v] of Object.entries(s.labels)) if (typeof v === 'string') labels[k] = v;
          scopes.push({ where: `trafficPolicy of subset ${str(s.name) ?? i}`, policy: s.trafficPolicy, path: ['spec', 'subsets', i, 'trafficPolicy'], subsetLabels: labels });
        });
      }
      for (const scope of scopes) checkScope(graph, dr, host, services, scope, report);
    }
  },
});

function checkScope(graph: Graph, dr: Resource, host: string, services: readonly Resource[], scope: Scope, report: (r: Report<MessageId>) => void): void {
  const top = isObject(scope.policy.tls) ? scope.policy.tls : undefined;
  const topMode = top ? str(top.mode) : undefined;
  const overridden = new Set<number>();
  const pls = scope.policy.portLevelSettings;
  if (Array.isArray(pls)) {
    pls.forEach((entry, i) => {
      if (!isObject(entry)) return;
      const port = getIn(entry, ['port', 'number']);
      if (typeof port !== 'number') return;
      overridden.add(port);
      const path: Path = [...scope.path, 'portLevelSettings', i];
      if (isObject(entry.tls)) {
        const mode = str(entry.tls.mode);
        if (mode) evaluate(graph, dr, host, services, { ...scope, where: `port ${port} settings of the ${scope.where}` }, mode, [...path, 'tls', 'mode'], (p) => p === port, report);
      } else if (topMode && topMode !== 'ISTIO_MUTUAL') {
        report({ messageId: 'portLevelDropsTls', data: { port, rule: objectName(dr), mode: topMode }, resource: dr, path, level: 'warning' });
      }
    });
  }
  if (topMode) evaluate(graph, dr, host, services, scope, topMode, [...scope.path, 'tls', 'mode'], (p) => !overridden.has(p), report);
}

/** The backends (pod template + container port) a tls setting reaches, for the Service ports it covers. */
function targets(graph: Graph, services: readonly Resource[], servicePort: (p: number) => boolean, labels?: Readonly<Record<string, string>>): Target[] {
  const out: Target[] = [];
  for (const svc of services) {
    for (const p of serviceView(graph, svc).ports) {
      if (p.port === undefined || !servicePort(p.port) || p.protocol === 'UDP') continue;
      for (const e of p.endpoints) {
        if (labels && !Object.entries(labels).every(([k, v]) => e.template.labels[k] === v)) continue;
        out.push({ template: e.template, port: e.port });
      }
    }
  }
  return out;
}

function evaluate(
  graph: Graph,
  dr: Resource,
  host: string,
  services: readonly Resource[],
  scope: Scope,
  mode: string,
  path: Path,
  servicePort: (p: number) => boolean,
  report: (r: Report<MessageId>) => void,
): void {
  if (mode !== 'DISABLE' && mode !== 'SIMPLE' && mode !== 'ISTIO_MUTUAL') return;
  const broken: { t: PodTemplate; d: Decision }[] = [];
  const plain: { t: PodTemplate; d: Decision }[] = [];
  const seen = new Set<string>();
  for (const { template: t, port } of targets(graph, services, servicePort, scope.subsetLabels)) {
    const key = `${t.owner.id}:${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const dp = dataPlaneOf(graph, t);
    if (mode === 'ISTIO_MUTUAL') {
      if (dp.mode === 'none' || dp.mesh !== 'istio') {
        broken.push({ t, d: dp.mode === 'none' ? { ...dp.decidedBy, reason: `no sidecar: ${dp.decidedBy.reason}` } : { ...dp.decidedBy, reason: `it runs the ${dp.mesh} proxy, not Istio's` } });
        continue;
      }
      if (dp.mode === 'ambient') continue;
      const server = inboundMtlsOf(graph, t, port);
      if (server.mode === 'DISABLE') broken.push({ t, d: server.decidedBy });
      continue;
    }
    if (dp.mesh !== 'istio' || dp.mode !== 'sidecar') continue;
    const server = inboundMtlsOf(graph, t, port);
    if (server.mode === 'STRICT') broken.push({ t, d: server.decidedBy });
    else if (server.mode === 'PERMISSIVE' && mode === 'DISABLE') plain.push({ t, d: server.decidedBy });
  }
  const names = (l: { t: PodTemplate }[]) => listNames([...new Set(l.map((x) => workloadName(x.t)))]);
  const related = (l: { t: PodTemplate; d: Decision }[]) =>
    l.slice(0, 5).flatMap(({ t, d }) => [
      { resource: t.owner, path: ['metadata', 'name'] as Path, message: `backend ${workloadName(t)}` },
      ...(d.resource && d.resource !== t.owner ? [{ resource: d.resource, path: d.path, message: d.reason }] : []),
    ]);
  const base = { where: scope.where, rule: objectName(dr), host };
  if (broken.length) {
    const first = broken[0]!;
    const assumed = broken.every((b) => b.d.assumed);
    if (mode === 'ISTIO_MUTUAL') {
      report({ messageId: 'mutualToUnmeshed', data: { ...base, backends: names(broken), reason: because(first.d) }, resource: dr, path, related: related(broken), level: assumed ? 'note' : undefined });
    } else {
      const consequence =
        mode === 'DISABLE'
          ? 'clients send plaintext and the server proxies reject it'
          : 'clients originate TLS without an Istio client certificate and the server proxies reject the connection';
      report({ messageId: 'breaksStrict', data: { ...base, mode, backends: names(broken), reason: because(first.d), consequence }, resource: dr, path, related: related(broken), level: assumed ? 'warning' : undefined });
    }
    return;
  }
  if (plain.length) {
    report({ messageId: 'plaintext', data: { ...base, backends: names(plain), reason: because(plain[0]!.d) }, resource: dr, path, related: related(plain), level: 'warning' });
  }
}
