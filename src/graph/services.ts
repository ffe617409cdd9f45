/**
 * Services → selected pods → endpoints per port (semantics.md §1.1–§1.3). Named target ports resolve per
 * pod, by name AND protocol, against regular containers and restartable (native sidecar) init containers;
 * a pod that lacks the name is skipped for that port, as the EndpointSlice controller does.
 */
import { isObject, str, type JsonObject, type JsonValue, type Path, type Resource } from '../load/types.js';
import { Graph, type PodTemplate } from './graph.js';
import { equalitySelector, labelsOf, selectorMatches, type Selector } from './labels.js';

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
  return graph.memo('service', svc.id, () => computeServiceView(graph, svc));
}

function computeServiceView(graph: Graph, svc: Resource): ServiceView {
  const spec = isObject(svc.obj.spec) ? svc.obj.spec : {};
  const type = str(spec.type) ?? 'ClusterIP';
  const selector = type === 'ExternalName' ? ({ kind: 'nothing', reason: 'absent' } as const) : equalitySelector(spec.selector);
  const ns = svc.namespace ?? graph.defaultNamespace;
  const pods = graph.select(ns, selector);
  const headless = spec.clusterIP === 'None';
  const ports: ServicePortView[] = [];
  if (Array.isArray(spec.ports)) {
    spec.ports.forEach((p, index) => {
      if (!isObject(p)) return;
      ports.push(portView(p, index, pods));
    });
  }
  return { resource: svc, type, selector, headless, externalName: str(spec.externalName), ports, pods };
}

function portView(p: JsonObject, index: number, pods: readonly PodTemplate[]): ServicePortView {
  const port = typeof p.port === 'number' ? p.port : undefined;
  const protocol = str(p.protocol) ?? 'TCP';
  const targetPortSet = p.targetPort !== undefined && p.targetPort !== null;
  const raw: JsonValue | undefined = targetPortSet ? p.targetPort : port;
  const targetPort = typeof raw === 'number' ? raw : typeof raw === 'string' ? (/^\d+$/.test(raw) ? Number(raw) : raw) : undefined;
  const endpoints: PortEndpoint[] = [];
  const unresolved: PodTemplate[] = [];
  for (const t of pods) {
    if (typeof targetPort === 'number') {
      endpoints.push({ template: t, port: targetPort });
      continue;
    }
    if (targetPort === undefined) continue;
    const found = findNamedPort(t, targetPort, protocol);
    if (found) endpoints.push({ template: t, port: found.port, declaredAt: found.path });
    else unresolved.push(t);
  }
  return {
    index,
    path: ['spec', 'ports', index],
    name: str(p.name),
    port,
    protocol,
    targetPort,
    targetPortSet,
    nodePort: typeof p.nodePort === 'number' ? p.nodePort : undefined,
    appProtocol: str(p.appProtocol),
    endpoints,
    unresolved,
  };
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

/** Ports declared by a template's containers and native sidecars (restartable init containers). */
export function containerPorts(t: PodTemplate): ContainerPort[] {
  const out: ContainerPort[] = [];
  const collect = (field: 'containers' | 'initContainers') => {
    const list = t.spec[field];
    if (!Array.isArray(list)) return;
    list.forEach((c, ci) => {
      if (!isObject(c)) return;
      const sidecar = field === 'initContainers';
      if (sidecar && c.restartPolicy !== 'Always') return;
      if (!Array.isArray(c.ports)) return;
      c.ports.forEach((cp, pi) => {
        if (!isObject(cp) || typeof cp.containerPort !== 'number') return;
        out.push({
          container: str(c.name) ?? `#${ci}`,
          name: str(cp.name),
          port: cp.containerPort,
          protocol: str(cp.protocol) ?? 'TCP',
          hostPort: typeof cp.hostPort === 'number' ? cp.hostPort : undefined,
          path: [...t.path, 'spec', field, ci, 'ports', pi],
          sidecar,
        });
      });
    });
  };
  collect('containers');
  collect('initContainers');
  return out;
}

function findNamedPort(t: PodTemplate, name: string, protocol: string): { port: number; path: Path } | undefined {
  for (const cp of containerPorts(t)) if (cp.name === name && cp.protocol === protocol) return { port: cp.port, path: cp.path };
  return undefined;
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

/** Services in the same namespace whose selector picks this template (reverse lookup, memoised per namespace). */
export function servicesSelecting(graph: Graph, t: PodTemplate): Resource[] {
  const byNs = graph.memo('servicesByNs', t.namespace, () => graph.inNamespace(t.namespace, '', 'Service').map((s) => ({ s, sel: serviceView(graph, s).selector })));
  return byNs.filter(({ sel }) => selectorMatches(sel, t.labels)).map(({ s }) => s);
}

/** Find the Service port that a reference (number or name) designates. */
export function servicePortByRef(view: ServiceView, ref: number | string): ServicePortView | undefined {
  return typeof ref === 'number' ? view.ports.find((p) => p.port === ref) : view.ports.find((p) => p.name === ref);
}
