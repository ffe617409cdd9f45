/**
 * `meshlint lsp --stdio`: a language server that publishes meshlint's findings as diagnostics for open
 * documents. Rules look across objects (a Service and the Deployment it selects may live in sibling files),
 * so every change re-lints the whole workspace folder, with the open editors' unsaved text in place of the
 * files on disk, and then republishes every open document: an edit in one file can add or clear diagnostics
 * in another. Changes to files that are not open arrive as `workspace/didChangeWatchedFiles` (the server asks
 * the client to watch manifests when the client allows dynamic registration).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  createConnection,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { lint } from '../lint.js';
import { located } from '../report/index.js';
import type { Region } from '../report/locate.js';
import { docsUrl, type Level } from '../rules/types.js';

const SEVERITY: Record<Level, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  note: DiagnosticSeverity.Information,
};

/** Quiet period after the last change before re-linting, so that typing does not start a run per key. */
const DEBOUNCE_MS = 150;

export interface LanguageServerOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Used when the client names no workspace folder. */
  readonly cwd: string;
}

/** Starts the server; it runs until the client sends `exit` (the library then ends the process). */
export function startLanguageServer(options: LanguageServerOptions): Connection {
  const connection = createConnection(options.input, options.output);
  const documents = new TextDocuments(TextDocument);
  let roots: string[] = [];
  let watchDynamically = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  /** Documents that were given diagnostics, so that they can be cleared when findings go away. */
  const published = new Set<string>();

  connection.onInitialize((params): InitializeResult => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    roots = folders.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    if (roots.length === 0) roots = [options.cwd];
    watchDynamically = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, workspace: { workspaceFolders: { supported: true } } },
      serverInfo: { name: 'meshlint' },
    };
  });

  connection.onInitialized(() => {
    if (watchDynamically) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{yaml,yml,json,ts}' }, { globPattern: '**/Kustomization' }],
      });
    }
    schedule();
  });

  connection.onDidChangeWatchedFiles(() => schedule());
  documents.onDidOpen(() => schedule());
  documents.onDidChangeContent(() => schedule());
  documents.onDidSave(() => schedule());
  documents.onDidClose((e) => {
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    published.delete(normaliseUri(e.document.uri));
  });

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (running) again = true;
      else running = relint();
    }, DEBOUNCE_MS);
  }

  async function relint(): Promise<void> {
    try {
      do {
        again = false;
        await lintAndPublish();
      } while (again);
    } finally {
      running = undefined;
    }
  }

  async function lintAndPublish(): Promise<void> {
    const byUri = new Map<string, Diagnostic[]>();
    for (const root of roots) {
      const overrides = new Map<string, string>();
      const texts: { path: string; text: string }[] = [];
      for (const doc of documents.all()) {
        if (!doc.uri.startsWith('file:')) continue;
        const abs = fileURLToPath(doc.uri);
        if (!isInside(abs, root)) continue;
        // an open document that is not on disk yet is linted from the buffer under its relative path
        if (existsSync(abs)) overrides.set(abs, doc.getText());
        else texts.push({ path: path.relative(root, abs).split(path.sep).join('/'), text: doc.getText() });
      }
      let result;
      try {
        result = await lint({ paths: ['.'], cwd: root, overrides, texts });
      } catch (e) {
        connection.console.error(`meshlint: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      for (const l of located(result)) {
        if (l.suppressed || l.rendered) continue;
        const uri = pathToFileURL(path.resolve(root, l.uri)).href;
        const who = l.object ? `${l.object.fullyQualifiedName}: ` : '';
        const diagnostic: Diagnostic = {
          range: toRange(l.region),
          severity: SEVERITY[l.level],
          code: l.ruleId,
          codeDescription: { href: docsUrl(l.ruleId) },
          source: 'meshlint',
          message: who + l.message,
          ...(l.related.length
            ? {
                relatedInformation: l.related.map((r) => ({
                  location: { uri: pathToFileURL(path.resolve(root, r.uri)).href, range: toRange(r.region) },
                  message: r.message,
                })),
              }
            : {}),
        };
        const list = byUri.get(uri);
        if (list) list.push(diagnostic);
        else byUri.set(uri, [diagnostic]);
      }
    }
    const open = new Set(documents.all().map((d) => normaliseUri(d.uri)));
    for (const uri of open) {
      const diagnostics = byUri.get(uri) ?? [];
      if (diagnostics.length === 0 && !published.has(uri)) continue;
      connection.sendDiagnostics({ uri: originalUri(uri), diagnostics });
      if (diagnostics.length) published.add(uri);
      else published.delete(uri);
    }
  }

  /** Clients differ in how they encode file URIs (`%3A` for a drive colon); compare in Node's form. */
  function normaliseUri(uri: string): string {
    return uri.startsWith('file:') ? pathToFileURL(fileURLToPath(uri)).href : uri;
  }

  function originalUri(normalised: string): string {
    return documents.all().find((d) => normaliseUri(d.uri) === normalised)?.uri ?? normalised;
  }

  documents.listen(connection);
  connection.listen();
  return connection;
}

/** SARIF-style 1-based region with exclusive end column → LSP 0-based range (end exclusive too). */
export function toRange(r: Region): { start: { line: number; character: number }; end: { line: number; character: number } } {
  return {
    start: { line: r.startLine - 1, character: r.startColumn - 1 },
    end: { line: r.endLine - 1, character: r.endColumn - 1 },
  };
}

function isInside(abs: string, root: string): boolean {
  const rel = path.relative(root, abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** `meshlint lsp [--stdio]`: stdio is the only transport. */
export function lspCommand(args: readonly string[], io: { stderr: (s: string) => void; cwd: string }): Promise<number> | number {
  const unknown = args.filter((a) => a !== '--stdio');
  if (unknown.length) {
    io.stderr(`meshlint lsp: unknown argument ${unknown[0]} (the server speaks over stdio: meshlint lsp --stdio)\n`);
    return 2;
  }
  startLanguageServer({ input: process.stdin, output: process.stdout, cwd: io.cwd });
  // the connection ends the process on `exit`; until then this promise keeps the command alive
  return new Promise<number>(() => undefined);
}
