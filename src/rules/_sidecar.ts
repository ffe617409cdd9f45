/**
 * Shared by the `sidecar` family: how to name workloads and decisions in messages, where a finding about a
 * workload points, and the level a finding takes when the conclusion rests on an assumption.
 */
import type { PodTemplate } from '../graph/graph.js';
import type { Decision } from '../graph/mesh/model.js';
import type { Path, Resource } from '../load/types.js';
import type { Level, RelatedLocation } from './types.js';
export { describeObject as nameOf } from '../graph/graph.js';
import { describeObject as nameOf } from '../graph/graph.js';

/** Kinds read by `dataPlaneOf` / `meshVerdicts` / `nativeSidecarOf` (namespaces and pod templates). */
export const INJECTION_READS: readonly string[] = ['Namespace', 'workloads'];


export function templateName(t: PodTemplate): string {
  return nameOf(t.owner);
}

/** A decision in words, with what was assumed when the input could not show it. */
export function said(d: Decision): string {
  return d.assumed && !/assum/.test(d.reason) ? `${d.reason} (assumed: the input does not show it)` : d.reason;
}

/** Findings that rest on an assumption are lowered to `note`. */
export function levelOf(...ds: readonly Decision[]): Level | undefined {
  return ds.some((d) => d.assumed) ? 'note' : undefined;
}

/** Where the decision was written, as a related location (nothing when a cluster fact or default decided). */
export function relatedTo(d: Decision, message: string, except?: Resource): RelatedLocation[] {
  return d.resource && d.resource !== except ? [{ resource: d.resource, path: d.path, message }] : [];
}

/** A path inside the template's owner when the decision sits on it, else the template's metadata. */
export function pathOnTemplate(t: PodTemplate, d: Decision): Path {
  return d.resource === t.owner && d.path.length ? d.path : [...t.path, 'metadata'];
}
