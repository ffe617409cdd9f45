/**
 * The mesh model's vocabulary: what the graph concludes, per workload and per port, about the data plane
 * and about mTLS. Implementations live beside this file (injection.ts, mtls.ts); rules and commands only
 * depend on these types and on the functions those files export:
 *
 *   dataPlaneOf(graph: Graph, t: PodTemplate): DataPlane                        (injection.ts)
 *   inboundMtlsOf(graph: Graph, t: PodTemplate, port?: number): InboundMtls     (mtls.ts)
 *   clusterFacts(graph: Graph): ClusterModel                                    (facts.ts)
 *
 * Every conclusion carries the Decision that produced it: the object and the path of the marker or policy
 * that decided, or, when nothing in the input decided, the assumption that was made (a cluster fact, a
 * mesh default) in words that a message can quote.
 */
import type { Path, Resource } from '../../load/types.js';

export type MeshName = 'istio' | 'linkerd' | 'consul' | 'kuma';

export interface Decision {
  /** The object whose field decided; absent when a default or a cluster fact decided. */
  readonly resource?: Resource;
  readonly path: Path;
  /** Plain words: "pod label sidecar.istio.io/inject=false", "namespace shop has istio-injection=enabled (cluster facts)". */
  readonly reason: string;
  /** True when the decision rests on an assumption about facts outside the input. */
  readonly assumed: boolean;
}

export interface DataPlane {
  /** Which mesh's proxy the pods get; undefined when none. */
  readonly mesh: MeshName | undefined;
  /** `ambient` is Istio ambient (ztunnel, optional waypoint); `none` means no proxy at all. */
  readonly mode: 'sidecar' | 'ambient' | 'none';
  /** The injected proxy runs as a native sidecar (restartable init container). */
  readonly nativeSidecar: boolean;
  readonly decidedBy: Decision;
  /** Markers that asked for something else and lost (contradictions for sidecar-injection-conflict). */
  readonly overridden: readonly Decision[];
  /** Meshes whose markers select this workload (more than one is a conflict). */
  readonly candidates: readonly MeshName[];
}

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET';

export interface InboundMtls {
  readonly mesh: MeshName | undefined;
  /** Effective mode for the port (or the workload when no port is given). */
  readonly mode: MtlsMode;
  readonly decidedBy: Decision;
}
