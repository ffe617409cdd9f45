/**
 * Builders for crafted call chains used by the retries-family tables. Each returns YAML text; documents are
 * joined with `---`. Deployments call through env vars, so the call graph comes from the manifests as in real
 * applications.
 */

export type MeshKind = 'istio' | 'linkerd' | 'consul' | 'kuma' | 'none';

export function ns(name: string, mesh: MeshKind): string {
  const meta =
    mesh === 'istio'
      ? `  labels: {istio-injection: enabled}\n`
      : mesh === 'linkerd'
        ? `  annotations: {linkerd.io/inject: enabled}\n`
        : mesh === 'kuma'
          ? `  labels: {kuma.io/sidecar-injection: enabled}\n`
          : '';
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n${meta}`;
}

/** A Deployment `name` in `namespace` whose container has the given env vars. */
export function app(name: string, namespace: string, env: Record<string, string> = {}, opts: { consul?: boolean; replicas?: number; annotations?: Record<string, string> } = {}): string {
  const ann: Record<string, string> = { ...(opts.consul ? { 'consul.hashicorp.com/connect-inject': 'true' } : {}), ...(opts.annotations ?? {}) };
  const annText = Object.keys(ann).length ? `      annotations:\n${Object.entries(ann).map(([k, v]) => `        ${k}: "${v}"`).join('\n')}\n` : '';
  const envText = Object.keys(env).length ? `          env:\n${Object.entries(env).map(([k, v]) => `            - name: ${k}\n              value: "${v}"`).join('\n')}\n` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${opts.replicas !== undefined ? `  replicas: ${opts.replicas}\n` : ''}  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
${annText}    spec:
      containers:
        - name: main
          image: example/${name}
${envText}`;
}

/** A Service selecting `app: name`, one port. */
export function svc(name: string, namespace: string, port: number, portName = 'http', extra: { appProtocol?: string; annotations?: Record<string, string> } = {}): string {
  const ann = extra.annotations && Object.keys(extra.annotations).length ? `  annotations:\n${Object.entries(extra.annotations).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}\n` : '';
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
${ann}spec:
  selector: {app: ${name}}
  ports:
    - name: ${portName}
      port: ${port}
${extra.appProtocol ? `      appProtocol: ${extra.appProtocol}\n` : ''}`;
}

export function join(...docs: string[]): string {
  return docs.map((d) => d.replace(/\n+$/, '\n')).join('---\n');
}

/** Istio VirtualService with retries on one host. */
export function vsRetries(host: string, namespace: string, attempts: number, extra: { retryOn?: string; perTryTimeout?: string; timeout?: string } = {}): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${host}
  namespace: ${namespace}
spec:
  hosts: [${host}]
  http:
    - route:
        - destination: {host: ${host}}
${extra.timeout ? `      timeout: ${extra.timeout}\n` : ''}      retries:
        attempts: ${attempts}
        retryOn: ${extra.retryOn ?? '5xx'}
${extra.perTryTimeout ? `        perTryTimeout: ${extra.perTryTimeout}\n` : ''}`;
}
