import type { PodTemplate } from '../graph/graph.js';
import { dataPlaneOf, meshTitle, nativeSidecarOf, sidecarTemplates } from '../graph/mesh/injection.js';
import { ISTIO_EXCLUDE_OUTBOUND, ISTIO_EXCLUDE_OUTBOUND_IPS, ISTIO_PROXY_UID, KUMA_SIDECAR_UID, LINKERD_SKIP_OUTBOUND } from '../graph/mesh/markers.js';
import { isObject, type JsonObject, type JsonValue } from '../load/types.js';
import { INJECTION_READS, said } from './_sidecar.js';
import { defineRule } from './types.js';

/**
 * Regular init containers run after the mesh's traffic-capture init container and before the proxy starts
 * (unless the proxy is a native sidecar placed ahead of them), so their connections are redirected to a proxy
 * that is not there yet [I-DOC-NATIVE-BLOG; L-DOC-NATIVE]. Whether an init container needs the network is a
 * heuristic on its command, arguments and image, hence the `note` level.
 */
const NETWORK_TOOLS =
  /\b(curl|wget|nc|ncat|netcat|telnet|nslookup|dig|psql|pg_isready|mysql|mysqladmin|mongo|mongosh|redis-cli|kubectl|helm|flyway|liquibase|migrate|gsutil|vault|consul|etcdctl)\b|\bgit\s+(clone|fetch|pull)\b|\baws\s+s3\b|https?:\/\/|wait-for/;
const NETWORK_IMAGES = /(^|\/)(curlimages\/curl|appropriate\/curl|alpine\/curl|flyway\/flyway|liquibase\/liquibase|migrate\/migrate|bitnami\/kubectl|groundnuty\/k8s-wait-for)/;
/** Init containers the meshes add themselves (when a manifest was injected before apply). */
const MESH_INIT = new Set(['istio-init', 'istio-validation', 'linkerd-init', 'linkerd-network-validator', 'kuma-init', 'kuma-validation', 'consul-connect-inject-init', 'consul-init']);

export default defineRule({
  meta: {
    id: 'sidecar-init-container-network',
    description: 'An init container that needs the network in a pod whose mesh proxy only starts after the init containers.',
    level: 'note',
    family: 'sidecar',
    reads: INJECTION_READS,
    messages: {
      noNetwork: 'init container {name} looks like it needs the network ({evidence}), but it runs before the {mesh} proxy starts ({native}) while traffic capture is already in place: its connections fail until the proxy is up',
    },
    precision: 'medium',
  },
  check({ graph, report }) {
    for (const t of sidecarTemplates(graph)) {
      const dp = dataPlaneOf(graph, t);
      if (dp.mode !== 'sidecar' || !dp.mesh || dp.mesh === 'consul') continue;
      // without init containers there is nothing to report: skip the native-sidecar question
      const inits = t.spec.initContainers;
      if (!Array.isArray(inits)) continue;
      const native = nativeSidecarOf(graph, t, dp.mesh);
      if (native.native === true) continue;
      if (captureBypassed(t, dp.mesh)) continue;
      inits.forEach((c, i) => {
        if (!isObject(c) || c.restartPolicy === 'Always' || MESH_INIT.has(String(c.name))) return;
        if (runsAsProxyUid(t, c, dp.mesh!)) return;
        const evidence = networkEvidence(c);
        if (!evidence) return;
        report({
          messageId: 'noNetwork',
          data: { name: String(c.name ?? `#${i}`), evidence, mesh: meshTitle(dp.mesh!), native: said(native.decidedBy) },
          resource: t.owner,
          path: [...t.path, 'spec', 'initContainers', i, ...(c.command !== undefined ? ['command'] : c.args !== undefined ? ['args'] : ['image'])],
        });
      });
    }
  },
});

function networkEvidence(c: JsonObject): string | undefined {
  const text = [c.command, c.args].flatMap((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v])).filter((x): x is string => typeof x === 'string').join(' ');
  const m = NETWORK_TOOLS.exec(text);
  if (m) return `it runs ${JSON.stringify(m[0])}`;
  const image = typeof c.image === 'string' ? c.image : '';
  if (NETWORK_IMAGES.test(image)) return `image ${image}`;
  return undefined;
}

/** Outbound capture turned off for some traffic: the author has handled the init containers' traffic. */
function captureBypassed(t: PodTemplate, mesh: string): boolean {
  if (mesh === 'istio') return t.annotations[ISTIO_EXCLUDE_OUTBOUND] !== undefined || t.annotations[ISTIO_EXCLUDE_OUTBOUND_IPS] !== undefined;
  if (mesh === 'linkerd') return t.annotations[LINKERD_SKIP_OUTBOUND] !== undefined;
  return false;
}

/** Traffic from the proxy's own UID is not captured (Istio 1337 [I-DOC-APPREQ], Kuma 5678 [KU-INJ preCheck]). */
function runsAsProxyUid(t: PodTemplate, c: JsonObject, mesh: string): boolean {
  const uid = mesh === 'istio' ? ISTIO_PROXY_UID : mesh === 'kuma' ? KUMA_SIDECAR_UID : undefined;
  if (uid === undefined) return false;
  const own: JsonValue | undefined = isObject(c.securityContext) ? c.securityContext.runAsUser : undefined;
  const pod: JsonValue | undefined = isObject(t.spec.securityContext) ? t.spec.securityContext.runAsUser : undefined;
  return (own ?? pod) === uid;
}
