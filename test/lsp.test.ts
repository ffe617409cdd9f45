import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { tempDir } from './helpers/tmp.js';

interface Position {
  line: number;
  character: number;
}
interface Diagnostic {
  range: { start: Position; end: Position };
  severity: number;
  code: string;
  source: string;
  message: string;
  codeDescription?: { href: string };
  relatedInformation?: { location: { uri: string; range: { start: Position; end: Position } }; message: string }[];
}
interface Published {
  uri: string;
  diagnostics: Diagnostic[];
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const DEPLOY = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  selector:', '    matchLabels: {app: web}', '  template:', '    metadata:', '      labels: {app: web}', '    spec:', '      containers: [{name: web, image: nginx}]', ''].join('\n');
const SERVICE = ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', 'spec:', '  selector:', '    app: webb', '  ports: [{port: 80}]', ''].join('\n');

/** A language client speaking JSON-RPC over the server's stdio, collecting publishDiagnostics. */
class Client {
  readonly published: Published[] = [];
  private waiters: { test: (p: Published) => boolean; resolve: (p: Published) => void }[] = [];
  readonly registrations: unknown[] = [];

  constructor(readonly conn: MessageConnection) {
    conn.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      this.published.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    conn.onRequest('client/registerCapability', (params: unknown) => {
      this.registrations.push(params);
      return null;
    });
    conn.onNotification('window/logMessage', () => undefined);
    conn.listen();
  }

  /** The next publication for `uri` that satisfies `test` (waits as long as the test runner allows). */
  next(uri: string, test: (d: Diagnostic[]) => boolean): Promise<Published> {
    return new Promise((resolve) => this.waiters.push({ test: (p) => p.uri === uri && test(p.diagnostics), resolve }));
  }
}

describe('meshlint lsp --stdio', () => {
  let child: ChildProcessWithoutNullStreams;
  let client: Client;
  let root: string;
  let exited: Promise<number | null>;

  beforeAll(() => {
    root = tempDir({ 'deploy.yaml': DEPLOY, 'svc.yaml': SERVICE, 'meshlint.config.yaml': 'rules: {}\n' });
    child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/helpers/cli-entry.ts'), 'lsp', '--stdio'], { cwd: REPO, stdio: 'pipe' });
    exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    client = new Client(conn);
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill();
  });

  it('initializes, publishes diagnostics for an open document, and follows changes across the workspace', async () => {
    const rootUri = pathToFileURL(root).href;
    const init = (await client.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'ws' }],
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
    })) as { capabilities: { textDocumentSync: number }; serverInfo: { name: string } };
    expect(init.serverInfo.name).toBe('meshlint');
    expect(init.capabilities.textDocumentSync).toBe(2);
    await client.conn.sendNotification('initialized', {});

    const svcUri = pathToFileURL(path.join(root, 'svc.yaml')).href;
    const deployUri = pathToFileURL(path.join(root, 'deploy.yaml')).href;
    const first = client.next(svcUri, (d) => d.length > 0);
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: svcUri, languageId: 'yaml', version: 1, text: SERVICE } });
    const published = await first;
    expect(published.diagnostics).toHaveLength(1);
    const d = published.diagnostics[0]!;
    // `    app: webb` is line 7 (1-based) → 6; the key starts at column 5 → 4; the value ends at column 14 (exclusive) → 13
    expect(d.range).toEqual({ start: { line: 6, character: 4 }, end: { line: 6, character: 13 } });
    expect(d.severity).toBe(2);
    expect(d.code).toBe('service-selector-matches-nothing');
    expect(d.source).toBe('meshlint');
    expect(d.codeDescription?.href).toMatch(/rules-docs\/service-selector-matches-nothing\.md$/);
    expect(d.message).toMatch(/^default\/Service\/web: Service selector app=webb selects no pods/);
    // the nearest candidate is in the sibling file, 0-based
    expect(d.relatedInformation?.map((r) => [r.location.uri, r.location.range.start])).toEqual([[deployUri, { line: 9, character: 6 }]]);

    // the watcher registration asked for manifests
    expect(JSON.stringify(client.registrations)).toContain('workspace/didChangeWatchedFiles');

    // a sibling file changes on disk: the Service now selects the Deployment, the diagnostic goes away
    const cleared = client.next(svcUri, (x) => x.length === 0);
    writeFileSync(path.join(root, 'deploy.yaml'), DEPLOY.replace(/app: web\}/g, 'app: webb}'));
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: deployUri, type: 2 }] });
    await cleared;

    // an unsaved edit of the open document is linted from the buffer, not from disk
    const again = client.next(svcUri, (x) => x.length === 1);
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: svcUri, version: 2 },
      contentChanges: [{ range: { start: { line: 6, character: 9 }, end: { line: 6, character: 13 } }, text: 'cart' }],
    });
    const afterEdit = await again;
    expect(afterEdit.diagnostics[0]!.message).toContain('app=cart');
    expect(afterEdit.diagnostics[0]!.range).toEqual({ start: { line: 6, character: 4 }, end: { line: 6, character: 13 } });

    // opening the sibling: it has no findings of its own and gets none
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: deployUri, languageId: 'yaml', version: 1, text: DEPLOY } });
    // closing a document clears its diagnostics
    const closed = client.next(svcUri, (x) => x.length === 0);
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: svcUri } });
    await closed;
    expect(client.published.filter((p) => p.uri === deployUri).every((p) => p.diagnostics.length === 0)).toBe(true);

    await client.conn.sendRequest('shutdown');
    await client.conn.sendNotification('exit');
    expect(await exited).toBe(0);
  });
});
