/**
 * Services → selected pods → endpoints per port (semantics.md §1.1–§1.3). Named target ports resolve per
 * pod, by name AND protocol, against regular containers and restartable (native sidecar) init containers;
 * a pod that lacks the name is skipped for that port, as the EndpointSlice controller does.
 */
import { isObject, str, type JsonObject, type JsonValue, type Path, type Resource } from '../load/types.js';
import { Graph, type PodTemplate } from './graph.js';
import { equalitySelector, labelsOf, type Selector } from './labels.js';
import { tableOf } from './mesh/tables.js';

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface PortEndpoint {
  readonly template: PodTemplate;
  /** Resolved pod port; for a numeric targetPort the number itself (never validated by Kubernetes). */
  readonly port: number;
  /** Path inside the owner's object of the container port that a named targetPort resolved to. */
  readonly declaredAt?: Path;
}

export interface ServicePortView {
  readonly index: number;
  readonly path: Path;
  readonly name: string | undefined;
  readonly port: number | undefined;
  readonly protocol: string;
  /** As written, or the port when absent (identity map). */
  readonly targetPort: number | string | undefined;
  readonly targetPortSet: boolean;
  readonly nodePort: number | undefined;
  readonly appProtocol: string | undefined;
  readonly endpoints: readonly PortEndpoint[];
  /** Selected templates that cannot serve a named targetPort. */
  readonly unresolved: readonly PodTemplate[];
}

export interface ServiceView {
  readonly resource: Resource;
  readonly type: ServiceType | string;
  readonly selector: Selector;
  readonly headless: boolean;
  readonly externalName: string | undefined;
  readonly ports: readonly ServicePortView[];
  readonly pods: readonly PodTemplate[];
}

export function serviceView(graph: Graph, svc: Resource): ServiceView {
  const table = tableOf<number, ServiceView>(graph, 'service');
  let v = table.get(svc.id);
  if (v === undefined) table.set(svc.id, (v = computeServiceView(graph, svc)));
  return v;
}

function computeServiceView(graph: Graph, svc: Resource): ServiceView {
  const spec = isObject(svc.obj.spec) ? svc.obj.spec : {};
  const type = str(spec.type) ?? 'ClusterIP';
  const selector = type === 'ExternalName' ? EXTERNAL_NAME_SELECTOR : equalitySelector(spec.selector);
  const ns = svc.namespace ?? graph.defaultNamespace;
  const pods = graph.select(ns, selector);
  const headless = spec.clusterIP === 'None';
  const ports: ServicePortView[] = [];
  if (Array.isArray(spec.ports)) {
    for (let index = 0; index < spec.ports.length; index++) {
      const p = spec.ports[index];
      if (isObject(p)) ports.push(portView(p, index, pods));
    }
  }
  return { resource: svc, type, selector, headless, externalName: str(spec.externalName), ports, pods };
}

const DIGITS = /^\d+$/;

const EXTERNAL_NAME_SELECTOR: Selector = Object.freeze({ kind: 'nothing', reason: 'absent' });

function portView(p: JsonObject, index: number, pods: readonly PodTemplate[]): ServicePortView {
  const port = typeof p.port === 'number' ? p.port : undefined;
  const protocol = str(p.protocol) ?? 'TCP';
  const targetPortSet = p.targetPort !== undefined && p.targetPort !== null;
  const raw: JsonValue | undefined = targetPortSet ? p.targetPort : port;
  const targetPort = typeof raw === 'number' ? raw : typeof raw === 'string' ? (DIGITS.test(raw) ? Number(raw) : raw) : undefined;
  // One view per Service port for the whole run: lists that stay empty (no pods, every named port resolved)
  // share one frozen empty array, and the path is shared per index.
  let endpoints: PortEndpoint[] | undefined;
  let unresolved: PodTemplate[] | undefined;
  if (typeof targetPort === 'number') {
    for (const t of pods) (endpoints ??= []).push({ template: t, port: targetPort });
  } else if (targetPort !== undefined) {
    for (const t of pods) {
      const found = findNamedPort(t, targetPort, protocol);
      if (found) (endpoints ??= []).push({ template: t, port: found.port, declaredAt: found.path });
      else (unresolved ??= []).push(t);
    }
  }
  return {
    index,
    path: portPath(index),
    name: str(p.name),
    port,
    protocol,
    targetPort,
    targetPortSet,
    nodePort: typeof p.nodePort === 'number' ? p.nodePort : undefined,
    appProtocol: str(p.appProtocol),
    endpoints: endpoints ?? NO_ENDPOINTS,
    unresolved: unresolved ?? NO_TEMPLATES,
  };
}

const NO_ENDPOINTS: readonly PortEndpoint[] = Object.freeze([]);
const NO_TEMPLATES: readonly PodTemplate[] = Object.freeze([]);

/** `spec.ports[index]`, frozen and shared by every Service's port at that index (paths are read-only). */
const PORT_PATHS: Path[] = [];

function portPath(index: number): Path {
  return (PORT_PATHS[index] ??= Object.freeze(['spec', 'ports', index]));
}

export interface ContainerPort {
  readonly container: string;
  readonly name: string | undefined;
  readonly port: number;
  readonly protocol: string;
  readonly hostPort: number | undefined;
  /** Path inside the owner object. */
  readonly path: Path;
  readonly sidecar: boolean;
}

/**
 * Ports declared by a template's containers and native sidecars (restartable init containers). Computed once per
 * template (rules and service views ask for the same template many times); the list is shared, so read-only.
 */
export function containerPorts(t: PodTemplate): readonly ContainerPort[] {
  let out = portsByTemplate.get(t);
  if (out === undefined) portsByTemplate.set(t, (out = collectContainerPorts(t)));
  return out;
}

/** Keyed by the template object, which belongs to one graph: the entries go when the graph does. */
const portsByTemplate = new WeakMap<PodTemplate, readonly ContainerPort[]>();

const NO_PORTS: readonly ContainerPort[] = Object.freeze([]);

function collectContainerPorts(t: PodTemplate): readonly ContainerPort[] {
  let out: ContainerPort[] | undefined;
  eachContainerPort(t, (c, field, ci, cp, pi, sidecar) => {
    (out ??= []).push({
      container: str(c.name) ?? `#${ci}`,
      name: str(cp.name),
      port: cp.containerPort as number,
      protocol: str(cp.protocol) ?? 'TCP',
      hostPort: typeof cp.hostPort === 'number' ? cp.hostPort : undefined,
      path: [...t.path, 'spec', field, ci, 'ports', pi],
      sidecar,
    });
    return false;
  });
  return out ?? NO_PORTS;
}

const CONTAINER_FIELDS = ['containers', 'initContainers'] as const;

/**
 * Calls `visit` for each numbered port of the pod's containers and native sidecars (init containers with
 * `restartPolicy: Always`), in spec order, until it returns true.
 */
function eachContainerPort(
  t: PodTemplate,
  visit: (c: JsonObject, field: (typeof CONTAINER_FIELDS)[number], ci: number, cp: JsonObject, pi: number, sidecar: boolean) => boolean,
): void {
  for (const field of CONTAINER_FIELDS) {
    const list = t.spec[field];
    if (!Array.isArray(list)) continue;
    const sidecar = field === 'initContainers';
    for (let ci = 0; ci < list.length; ci++) {
      const c = list[ci];
      if (!isObject(c) || (sidecar && c.restartPolicy !== 'Always') || !Array.isArray(c.ports)) continue;
      for (let pi = 0; pi < c.ports.length; pi++) {
        const cp = c.ports[pi];
        if (!isObject(cp) || typeof cp.containerPort !== 'number') continue;
        if (visit(c, field, ci, cp, pi, sidecar)) return;
      }
    }
  }
}

/**
 * The first of `containerPorts(t)` with this name and protocol. Service views resolve named ports for every pod
 * behind them, and many templates are never asked for their full port list otherwise: when it has not been built,
 * the same walk is done over the raw spec, and only the match's path is made.
 */
function findNamedPort(t: PodTemplate, name: string, protocol: string): { port: number; path: Path } | undefined {
  const known = portsByTemplate.get(t);
  if (known) {
    for (const cp of known) if (cp.name === name && cp.protocol === protocol) return { port: cp.port, path: cp.path };
    return undefined;
  }
  let found: { port: number; path: Path } | undefined;
  eachContainerPort(t, (_c, field, ci, cp, pi) => {
    if (cp.name !== name || (str(cp.protocol) ?? 'TCP') !== protocol) return false;
    found = { port: cp.containerPort as number, path: [...t.path, 'spec', field, ci, 'ports', pi] };
    return true;
  });
  return found;
}

/** Named container ports of a template that carry `name` under another protocol (for messages). */
export function namedPortOtherProtocol(t: PodTemplate, name: string, protocol: string): ContainerPort | undefined {
  return containerPorts(t).find((cp) => cp.name === name && cp.protocol !== protocol);
}

/** Endpoints (same name) and EndpointSlices (label kubernetes.io/service-name) in the input for a Service. */
export function manualEndpointsOf(graph: Graph, svc: Resource): Resource[] {
  const ns = svc.namespace ?? graph.defaultNamespace;
  const name = svc.name;
  const out: Resource[] = [];
  const ep = graph.find('', 'Endpoints', ns, name);
  if (ep) out.push(ep);
  const slices = graph.inNamespace(ns, 'discovery.k8s.io', 'EndpointSlice');
  for (const s of slices) {
    const labels = isObject(s.obj.metadata) ? labelsOf(s.obj.metadata.labels) : {};
    if (labels['kubernetes.io/service-name'] === name) out.push(s);
  }
  return out;
}

/** Services in the same namespace whose selector picks this template, in input order. */
export function servicesSelecting(graph: Graph, t: PodTemplate): readonly Resource[] {
  return selectingIndex(graph).get(t.owner.id) ?? NO_SERVICES;
}

const NO_SERVICES: readonly Resource[] = Object.freeze([]);

/**
 * Template → Services selecting it, built once from the Services' pods: a Service's pods are exactly the templates
 * of its namespace that its selector matches. Services without a namespace are left out, as a lookup among the
 * Services listed in the template's namespace leaves them out.
 */
function selectingIndex(graph: Graph): ReadonlyMap<number, Resource[]> {
  return graph.memo('services:selecting', () => {
    const m = new Map<number, Resource[]>();
    for (const svc of graph.ofKind('', 'Service')) {
      if (svc.namespace === undefined) continue;
      for (const t of serviceView(graph, svc).pods) {
        const l = m.get(t.owner.id);
        if (l) l.push(svc);
        else m.set(t.owner.id, [svc]);
      }
    }
    return m;
  });
}

/** Find the Service port that a reference (number or name) designates. */
export function servicePortByRef(view: ServiceView, ref: number | string): ServicePortView | undefined {
  return typeof ref === 'number' ? view.ports.find((p) => p.port === ref) : view.ports.find((p) => p.name === ref);
}
