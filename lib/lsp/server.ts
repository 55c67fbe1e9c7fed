/**
 * `rustokio-lint --lsp`: the language server on stdin/stdout (SPEC §9).
 *
 * - Diagnostics on open, and on change after a pause (`debounceMs`, default
 *   200), at the positions the CLI reports; the other open buffers are
 *   linted again too, since an edit can change what the project index tells
 *   them (cross-file findings).
 * - Code actions: a `quickfix` per fixable diagnostic (unsafe ones say
 *   "(unsafe)"), and `source.fixAll.rustokio`, the safe fixes applied by the
 *   `--fix` loop: what editors run on save.
 * - Config files and Rust files changed on disk (workspace/didChangeWatchedFiles,
 *   registered dynamically when the client can) reload the configuration
 *   and the index, and every open buffer is linted again.
 * - A handler that fails logs the error (window/logMessage) and answers
 *   with nothing; a bad configuration shows as a diagnostic on line 1.
 *
 * Initialization options: `{ debounceMs?: number, configFile?: string }`.
 */
import * as path from 'path';
import { fileURLToPath } from 'url';
import {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  Connection,
  Diagnostic,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  InitializeResult,
  ProposedFeatures,
  TextDocumentSyncKind,
  createConnection,
} from 'vscode-languageserver/node';
import { ConfigError, SEARCH_PLACES } from '../config';
import { isApplicable } from '../fixer';
import type { LintMessage } from '../types';
import { allRules } from '../../rules';
import { toolVersion } from '../version';
import { OpenDocument } from './document';
import { FIX_ALL_KIND, SOURCE, minimalEdit, quickFix, toDiagnostic } from './convert';
import { LintService } from './service';

const DEFAULT_DEBOUNCE_MS = 200;
const CONFIG_NAMES = new Set<string>(SEARCH_PLACES);

interface Linted {
  version: number;
  messages: LintMessage[];
  diagnostics: Diagnostic[];
}

/** Runs the server on stdio; resolves when the connection closes. */
export function startServer(): Promise<number> {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  return new Promise((resolve) => {
    new Server(connection);
    connection.onExit(() => resolve(0));
    connection.listen();
  });
}

export class Server {
  private service: LintService | null = null;
  private root = process.cwd();
  private debounceMs = DEFAULT_DEBOUNCE_MS;
  private readonly docs = new Map<string, OpenDocument>();
  private readonly linted = new Map<string, Linted>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private watchFiles = false;

  constructor(private readonly connection: Connection) {
    connection.onInitialize((params) => {
      const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
      const root = folder ? uriToPath(folder) : params.rootPath;
      if (root) this.root = root;
      const init = (params.initializationOptions ?? {}) as { debounceMs?: unknown; configFile?: unknown };
      if (typeof init.debounceMs === 'number' && init.debounceMs >= 0) this.debounceMs = init.debounceMs;
      const configFile = typeof init.configFile === 'string' ? path.resolve(this.root, init.configFile) : undefined;
      this.service = new LintService({ root: this.root, configFile, log: (s) => this.log(s) });
      this.watchFiles = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
      const result: InitializeResult = {
        capabilities: {
          textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
          codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        },
        serverInfo: { name: SOURCE, version: toolVersion() },
      };
      return result;
    });
    connection.onInitialized(() =>
      this.guard('initialized', undefined, () => {
        if (!this.watchFiles) return;
        const watchers = [...CONFIG_NAMES, '*.rs'].map((name) => ({ globPattern: `**/${name}` }));
        void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
      }),
    );
    connection.onDidOpenTextDocument(({ textDocument: t }) =>
      this.guard('didOpen', undefined, () => {
        const doc = new OpenDocument(t.uri, this.filePathOf(t.uri), t.languageId, t.version, t.text);
        this.docs.set(t.uri, doc);
        this.svc().opened(doc);
        this.publish(doc);
      }),
    );
    connection.onDidChangeTextDocument(({ textDocument: t, contentChanges }) =>
      this.guard('didChange', undefined, () => {
        const doc = this.docs.get(t.uri);
        if (!doc) return;
        doc.update(contentChanges, t.version);
        this.schedule(doc);
      }),
    );
    connection.onDidCloseTextDocument(({ textDocument: t }) =>
      this.guard('didClose', undefined, () => {
        const doc = this.docs.get(t.uri);
        if (!doc) return;
        this.cancel(t.uri);
        this.docs.delete(t.uri);
        this.linted.delete(t.uri);
        this.svc().closed(doc.filePath);
        void connection.sendDiagnostics({ uri: t.uri, diagnostics: [] });
        this.publishAll();
      }),
    );
    connection.onDidChangeWatchedFiles(({ changes }) =>
      this.guard('didChangeWatchedFiles', undefined, () => {
        for (const c of changes) {
          const filePath = uriToPath(c.uri);
          if (!filePath) continue;
          const name = path.basename(filePath);
          // Crate names and targets come from manifests and `x/main.rs` files (lib/index/crates.ts).
          if (name === 'Cargo.toml' || (name === 'main.rs' && c.type !== FileChangeType.Changed)) this.svc().layoutChanged(this.docs.values());
          if (CONFIG_NAMES.has(name)) this.svc().configChanged();
          else if (filePath.endsWith('.rs')) this.svc().diskChanged(filePath);
        }
        this.publishAll();
      }),
    );
    connection.onCodeAction((params) => this.guard('codeAction', [], () => this.codeActions(params)));
    connection.onShutdown(() => {
      for (const uri of [...this.timers.keys()]) this.cancel(uri);
    });
  }

  private codeActions(params: CodeActionParams): CodeAction[] {
    const doc = this.docs.get(params.textDocument.uri);
    if (!doc) return [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      const linted = this.current(doc);
      const { start, end } = params.range;
      linted.messages.forEach((m, i) => {
        if (!m.fix) return;
        const d = linted.diagnostics[i].range;
        const before = d.end.line < start.line || (d.end.line === start.line && d.end.character < start.character);
        const after = d.start.line > end.line || (d.start.line === end.line && d.start.character > end.character);
        if (!before && !after) actions.push(quickFix(m as LintMessage & { fix: NonNullable<LintMessage['fix']> }, doc.textDocument, doc.hasBOM, linted.diagnostics[i]));
      });
    }
    if (wants(FIX_ALL_KIND)) {
      const fixed = this.current(doc).messages.some((m) => isApplicable(m.fix, false)) ? this.svc().fixAll(doc) : null;
      if (fixed !== null) {
        actions.push({
          title: 'Fix all safe rustokio-lint problems',
          kind: FIX_ALL_KIND,
          edit: { changes: { [doc.uri]: [minimalEdit(doc.textDocument, doc.text, fixed)] } },
        });
      }
    }
    return actions;
  }

  /** The lint of the buffer's current version: pending changes are linted now. */
  private current(doc: OpenDocument): Linted {
    const last = this.linted.get(doc.uri);
    if (last && last.version === doc.version) return last;
    this.cancel(doc.uri);
    return this.publish(doc);
  }

  private schedule(doc: OpenDocument): void {
    this.cancel(doc.uri);
    const timer = setTimeout(() => {
      this.timers.delete(doc.uri);
      this.guard('lint', undefined, () => {
        if (this.docs.get(doc.uri) !== doc) return;
        this.publish(doc);
        this.publishAll(doc);
      });
    }, this.debounceMs);
    this.timers.set(doc.uri, timer);
  }

  private cancel(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
  }

  /** Lints every open buffer but `except` again. */
  private publishAll(except?: OpenDocument): void {
    for (const doc of this.docs.values()) if (doc !== except) this.guard('lint', undefined, () => this.publish(doc));
  }

  /** Lints a buffer and sends its diagnostics. */
  private publish(doc: OpenDocument): Linted {
    let linted: Linted;
    try {
      const messages = this.svc().lint(doc);
      const diagnostics = messages.map((m) => toDiagnostic(m, doc.hasBOM, m.ruleId ? allRules.get(m.ruleId)?.meta.docsUrl : undefined));
      linted = { version: doc.version, messages, diagnostics };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.log(e.message);
      const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      const diagnostic: Diagnostic = { range, severity: DiagnosticSeverity.Error, source: SOURCE, message: `Bad configuration: ${e.message}` };
      linted = { version: doc.version, messages: [], diagnostics: [diagnostic] };
    }
    this.linted.set(doc.uri, linted);
    void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: linted.diagnostics });
    return linted;
  }

  private svc(): LintService {
    if (!this.service) this.service = new LintService({ root: this.root, log: (s) => this.log(s) });
    return this.service;
  }

  /** The file a document URI names; a buffer that is not a file lints as a file in the workspace root. */
  private filePathOf(uri: string): string {
    return uriToPath(uri) ?? path.join(this.root, `${uri.replace(/[^A-Za-z0-9._-]+/g, '_')}.rs`);
  }

  private log(message: string): void {
    this.connection.console.error(`rustokio-lint: ${message}`);
  }

  /** Runs a handler; a failure is logged, never thrown to the connection. */
  private guard<T>(what: string, fallback: T, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      this.log(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  }
}

function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}
