import type { PodTemplate } from '../graph/graph.js';
import { exposedServices, gatewayMarkOf, hostEntries } from '../graph/exposure.js';
import { dataPlaneOf } from '../graph/mesh/injection.js';
import type { InboundMtls } from '../graph/mesh/model.js';
import { inboundMtlsOf } from '../graph/mesh/mtls.js';
import type { Path, Resource } from '../load/types.js';
import {
  decisionText,
  EXPOSURE_READS,
  GATEWAY_OPTION_DEFAULTS,
  GATEWAY_OPTION_PROPERTIES,
  hostEntryLabel,
  listOf,
  markersOf,
  MESH_MODEL_READS,
  meshName,
  reachedVia,
  serviceLabel,
  uniqueReads,
  workloadLabel,
  type GatewayOptions,
} from './_exposure.js';
import { defineRule, type RelatedLocation } from './types.js';

type Verdict = 'plaintext' | 'refused';

interface Hit {
  readonly template: PodTemplate;
  readonly port: number;
  readonly mtls: InboundMtls;
}

export default defineRule<'plaintext' | 'refused', GatewayOptions>({
  meta: {
    id: 'nodeport-bypasses-mesh',
    description: 'A NodePort, LoadBalancer, externalIPs Service or a host port that sends outside traffic straight to meshed pods, around the ingress gateway.',
    level: 'warning',
    family: 'exposure',
    reads: uniqueReads(EXPOSURE_READS, MESH_MODEL_READS),
    messages: {
      plaintext:
        '{entry} lets outside clients reach {workloads} directly through {via}, around the ingress gateway; {mesh} accepts them in plaintext on port {port} ({why}), so they carry no mesh identity: nothing is encrypted at the edge and identity-based authorization cannot tell them apart',
      refused:
        '{entry} sends outside traffic through {via} straight to {workloads}, around the ingress gateway, but {mesh} requires mTLS on port {port} ({why}): outside clients have no mesh certificate, so their connections will be refused',
    },
    options: {
      schema: { type: 'object', additionalProperties: false, properties: GATEWAY_OPTION_PROPERTIES },
      defaults: GATEWAY_OPTION_DEFAULTS,
    },
    sources: [{ tool: 'kubescape', id: 'C-0256' }],
    precision: 'high',
    securitySeverity: 7.0,
  },
  check({ graph, options, report }) {
    const markers = markersOf(options);
    /** Meshed, non-gateway pods behind one entry, grouped by what happens to outside clients. */
    const classify = (pairs: readonly { template: PodTemplate; port: number }[]): Map<Verdict, Hit[]> => {
      const out = new Map<Verdict, Hit[]>();
      for (const { template, port } of pairs) {
        if (gatewayMarkOf(graph, template, markers)) continue;
        const dp = dataPlaneOf(graph, template);
        if (dp.mode === 'none' || !dp.mesh) continue;
        const mtls = inboundMtlsOf(graph, template, port);
        const verdict: Verdict = mtls.mode === 'STRICT' ? 'refused' : 'plaintext';
        const l = out.get(verdict);
        if (l) l.push({ template, port, mtls });
        else out.set(verdict, [{ template, port, mtls }]);
      }
      return out;
    };
    const emit = (verdict: Verdict, hits: readonly Hit[], entry: string, via: string, resource: Resource, path: Path) => {
      const first = hits[0]!;
      const names = [...new Set(hits.map((h) => workloadLabel(h.template)))];
      const related: RelatedLocation[] = [{ resource: first.template.owner, path: ['metadata', 'name'], message: `${workloadLabel(first.template)} runs the ${meshName(first.mtls.mesh)} data plane` }];
      if (first.mtls.decidedBy.resource) related.push({ resource: first.mtls.decidedBy.resource, path: first.mtls.decidedBy.path, message: `inbound mTLS decided here: ${first.mtls.mode}` });
      report({
        messageId: verdict,
        data: { entry, via, workloads: listOf(names), mesh: meshName(first.mtls.mesh), port: first.port, why: decisionText(first.mtls.decidedBy) },
        resource,
        path,
        related,
      });
    };

    for (const e of exposedServices(graph)) {
      for (const p of e.view.ports) {
        // Meshes proxy TCP; UDP never passes a proxy and is no mesh concern.
        if (p.protocol === 'UDP') continue;
        const groups = classify(p.endpoints.map((ep) => ({ template: ep.template, port: ep.port })));
        for (const [verdict, hits] of groups) emit(verdict, hits, serviceLabel(e), reachedVia(e, p), e.service, p.path);
      }
    }
    for (const h of hostEntries(graph)) {
      // Host-network pods are never injected; a hostPort is DNAT-ed to the pod and captured like any inbound.
      if (h.hostNetwork || h.port.protocol === 'UDP') continue;
      const groups = classify([{ template: h.template, port: h.port.port }]);
      for (const [verdict, hits] of groups) emit(verdict, hits, hostEntryLabel(h), `port ${h.hostPort} of its node`, h.template.owner, h.path);
    }
  },
});
