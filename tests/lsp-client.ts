/**
 * A real LSP client for the tests: the JSON-RPC protocol connection of
 * vscode-languageserver-protocol (the layer vscode-languageclient is built
 * on), driving `node bin/rustokio-lint.js --lsp` over stdio.
 */
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  ClientCapabilities,
  CodeAction,
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  InitializeRequest,
  InitializeResult,
  InitializedNotification,
  LogMessageNotification,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  Range,
  RegistrationRequest,
  RegistrationParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentContentChangeEvent,
  TextEdit,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';

export const BIN = path.join(__dirname, '..', 'bin', 'rustokio-lint.js');

export const uriOf = (file: string) => pathToFileURL(file).href;

export class LspClient {
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  readonly registrations: RegistrationParams[] = [];
  private waiters: (() => void)[] = [];
  private exited: Promise<number | null>;

  private constructor(private readonly proc: ChildProcess, readonly conn: ProtocolConnection, readonly init: InitializeResult) {
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }

  static async start(root: string, initializationOptions: object = {}, capabilities: ClientCapabilities = {}): Promise<LspClient> {
    const proc = spawn(process.execPath, [BIN, '--lsp'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const pending: PublishDiagnosticsParams[] = [];
    const logs: string[] = [];
    const registrations: RegistrationParams[] = [];
    let client: LspClient | null = null;
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      (client ? client.diagnostics : pending).push(p);
      client?.wake();
    });
    conn.onNotification(LogMessageNotification.type, (p) => {
      (client ? client.logs : logs).push(p.message);
      client?.wake();
    });
    conn.onRequest(RegistrationRequest.type, (p) => {
      (client ? client.registrations : registrations).push(p);
      client?.wake();
    });
    conn.listen();
    const init = await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uriOf(root),
      capabilities,
      initializationOptions,
      workspaceFolders: [{ uri: uriOf(root), name: path.basename(root) }],
    });
    client = new LspClient(proc, conn, init);
    client.diagnostics.push(...pending);
    client.logs.push(...logs);
    client.registrations.push(...registrations);
    await conn.sendNotification(InitializedNotification.type, {});
    return client;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until `check` returns a value (checked on every message from the server). */
  async waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 20000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; logs: ${this.logs.join('\n')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The first diagnostics for `uri` published after `after` of them had arrived, that pass `ok`. */
  async diagnosticsFor(uri: string, ok: (p: PublishDiagnosticsParams) => boolean = () => true, after = 0): Promise<PublishDiagnosticsParams> {
    return this.waitFor(`diagnostics of ${uri}`, () => this.diagnostics.slice(after).find((p) => p.uri === uri && ok(p)));
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'rust', version, text } });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  close(uri: string): Promise<void> {
    return this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  filesChanged(uris: string[], type: FileChangeType = FileChangeType.Changed): Promise<void> {
    return this.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: uris.map((uri) => ({ uri, type })) });
  }

  async codeActions(uri: string, range: Range, only?: string[]): Promise<CodeAction[]> {
    const r = await this.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [], ...(only ? { only } : {}) } });
    return (r ?? []) as CodeAction[];
  }

  /** Shutdown, exit; resolves with the server's exit code. */
  async stop(): Promise<number | null> {
    await this.conn.sendRequest(ShutdownRequest.type);
    await this.conn.sendNotification(ExitNotification.type);
    const code = await this.exited;
    this.conn.dispose();
    return code;
  }

  kill(): void {
    this.proc.kill();
  }
}

/** Applies LSP text edits to a text (as an editor does: from the end backwards). */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const offset = (line: number, character: number) => {
    let o = 0;
    for (let l = 0; l < line; l++) {
      const m = /\r\n|\r|\n/g;
      m.lastIndex = o;
      const hit = m.exec(text);
      if (!hit) return text.length;
      o = hit.index + hit[0].length;
    }
    return o + character;
  };
  const abs = edits.map((e) => ({ s: offset(e.range.start.line, e.range.start.character), e: offset(e.range.end.line, e.range.end.character), t: e.newText }));
  abs.sort((a, b) => b.s - a.s);
  let out = text;
  for (const x of abs) out = out.slice(0, x.s) + x.t + out.slice(x.e);
  return out;
}
