import { servicePortByRef, serviceView } from '../graph/services.js';
import { getIn, isObject, str, type JsonObject, type Path, type Resource } from '../load/types.js';
import { missingServiceHint } from './_names.js';
import { defineRule } from './types.js';

interface Backend {
  readonly path: Path;
  readonly service: string;
  readonly port: number | string | undefined;
  readonly portPath: Path;
}

export default defineRule({
  meta: {
    id: 'ingress-backend-missing',
    description: 'An Ingress backend that names a Service or Service port that does not exist.',
    level: 'error',
    family: 'references',
    reads: ['Ingress.networking.k8s.io', 'Ingress.extensions', 'Service', 'workloads'],
    messages: {
      noService: 'backend Service {service} does not exist in namespace {namespace}{hint}; requests for this path get 503',
      noPort: 'backend Service {service} has no port {port} (it has {ports}); requests for this path get 503',
    },
    sources: [{ tool: 'kube-linter', id: 'dangling-ingress' }],
    precision: 'high',
  },
  check({ graph, report }) {
    const ingresses = [...graph.ofKind('networking.k8s.io', 'Ingress'), ...graph.ofKind('extensions', 'Ingress')];
    for (const ing of ingresses) {
      const ns = ing.namespace ?? graph.defaultNamespace;
      const partial = graph.inNamespace(ns, '', 'Service').length === 0;
      for (const b of backendsOf(ing)) {
        const svc = graph.find('', 'Service', ns, b.service);
        if (!svc) {
          report({
            messageId: 'noService',
            data: { service: b.service, namespace: ns, hint: missingServiceHint(graph, ns, b.service) },
            resource: ing,
            path: b.path,
            level: partial ? 'note' : undefined,
          });
          continue;
        }
        if (b.port === undefined) continue;
        const view = serviceView(graph, svc);
        if (view.type === 'ExternalName' && view.ports.length === 0) continue;
        if (servicePortByRef(view, b.port)) continue;
        const ports = view.ports.map((p) => (p.name ? `${p.name}=${p.port}` : String(p.port))).join(', ') || 'no ports';
        report({
          messageId: 'noPort',
          data: { service: b.service, port: typeof b.port === 'number' ? String(b.port) : `"${b.port}"`, ports },
          resource: ing,
          path: b.portPath,
          related: [{ resource: svc, path: ['spec', 'ports'], message: `ports of Service ${svc.name}` }],
        });
      }
    }
  },
});

/** Service backends in both the v1 shape (`service.name/port`) and the v1beta1 shape (`serviceName/servicePort`). */
function backendsOf(ing: Resource): Backend[] {
  const out: Backend[] = [];
  const add = (backend: unknown, path: Path) => {
    if (!isObject(backend)) return;
    const b = backend as JsonObject;
    if (isObject(b.service)) {
      const name = str(b.service.name);
      if (!name) return;
      const port = isObject(b.service.port) ? (typeof b.service.port.number === 'number' ? b.service.port.number : str(b.service.port.name)) : undefined;
      const portKey = isObject(b.service.port) && typeof b.service.port.number === 'number' ? 'number' : 'name';
      out.push({ path: [...path, 'service', 'name'], service: name, port, portPath: [...path, 'service', 'port', portKey] });
    } else if (typeof b.serviceName === 'string') {
      const sp = b.servicePort;
      const port = typeof sp === 'number' ? sp : typeof sp === 'string' ? (/^\d+$/.test(sp) ? Number(sp) : sp) : undefined;
      out.push({ path: [...path, 'serviceName'], service: b.serviceName, port, portPath: [...path, 'servicePort'] });
    }
  };
  add(getIn(ing.obj, ['spec', 'defaultBackend']), ['spec', 'defaultBackend']);
  add(getIn(ing.obj, ['spec', 'backend']), ['spec', 'backend']);
  const rules = getIn(ing.obj, ['spec', 'rules']);
  if (Array.isArray(rules)) {
    rules.forEach((rule, i) => {
      const paths = getIn(rule, ['http', 'paths']);
      if (!Array.isArray(paths)) return;
      paths.forEach((p, j) => add(isObject(p) ? p.backend : undefined, ['spec', 'rules', i, 'http', 'paths', j, 'backend']));
    });
  }
  return out;
}
