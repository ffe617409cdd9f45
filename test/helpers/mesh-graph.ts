/** Build a Graph from inline YAML (and cluster facts) for tests of the graph layer. */
import { parseConfig } from '../../src/config/load.js';
import { Graph, type PodTemplate } from '../../src/graph/graph.js';
import { loadInputs } from '../../src/load/index.js';
import { formatPath, type Path, type Resource } from '../../src/load/types.js';

export async function graphOf(text: string, cluster: Record<string, unknown> = {}, namespace = 'default'): Promise<Graph> {
  const load = await loadInputs({
    paths: [],
    cwd: process.cwd(),
    defaultNamespace: namespace,
    ignore: [],
    gitignore: false,
    stdinName: '<stdin>',
    maxFileBytes: 1 << 26,
    texts: [{ path: 'manifests.yaml', text }],
  });
  const config = parseConfig({ cluster });
  return new Graph(load.resources, { defaultNamespace: namespace, cluster: config.cluster });
}

/** `ns/Kind/name` (or `Kind/name`) of a resource, as the rule tester prints objects. */
export function refOf(r: Resource | undefined): string | null {
  if (!r) return null;
  return r.namespace !== undefined ? `${r.namespace}/${r.kind}/${r.name}` : `${r.kind}/${r.name}`;
}

export function templateNamed(graph: Graph, ref: string): PodTemplate {
  const t = graph.podTemplates.find((x) => refOf(x.owner) === ref);
  if (!t) throw new Error(`no pod template ${ref} (have ${graph.podTemplates.map((x) => refOf(x.owner)).join(', ')})`);
  return t;
}

export function pathText(p: Path): string {
  return formatPath(p);
}
