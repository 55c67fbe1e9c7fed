/**
 * The language server end to end: the real binary (`--lsp`) driven over
 * stdio by a real LSP client (tests/lsp-client.ts): open → diagnostics →
 * code actions → fix-all → edit, incremental changes, cross-file findings,
 * config reloads, bad documents. Expected positions and fixed texts come
 * from the CLI on the same files.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CodeActionKind, DiagnosticSeverity, FileChangeType } from 'vscode-languageserver-protocol/node';
import { BIN, LspClient, applyTextEdits, uriOf } from './lsp-client';

const MANIFEST = '[package]\nname = "lsp_demo"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ntokio = { version = "1", features = ["full"] }\n';
/** An unsafe fix (tokio::spawn in sync code, no runtime known) and a safe one (tokio::time::sleep). */
const LIB = [
  'pub fn start() {',
  '    std::thread::spawn(move || loop {',
  '        println!("hi");',
  '        std::thread::sleep(std::time::Duration::from_millis(5));',
  '    });',
  '}',
  '',
  'pub async fn tick() {',
  '    std::thread::sleep(std::time::Duration::from_millis(5));',
  '}',
  '',
].join('\n');

const roots: string[] = [];
const clients: LspClient[] = [];
afterAll(() => {
  for (const c of clients) c.kill();
  for (const d of roots) fs.rmSync(d, { recursive: true, force: true });
});

function crate(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-lsp-')));
  roots.push(root);
  fs.mkdirSync(path.join(root, '.git'));
  for (const [rel, text] of Object.entries({ 'Cargo.toml': MANIFEST, ...files })) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

async function start(root: string, init: object = {}, capabilities = {}): Promise<LspClient> {
  const c = await LspClient.start(root, { debounceMs: 50, ...init }, capabilities);
  clients.push(c);
  return c;
}

function cli(cwd: string, args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
}

/** The CLI's messages for one file, as LSP ranges (0-based line, UTF-16 character). */
function cliRanges(root: string, rel: string) {
  const out = JSON.parse(cli(root, ['--format', 'json', rel]).stdout);
  return out[0].messages.map((m: any) => ({
    code: m.ruleId,
    range: { start: { line: m.line - 1, character: m.column - 1 }, end: { line: m.endLine - 1, character: m.endColumn - 1 } },
  }));
}

/** What `--fix` writes for this text at this path (on a copy of the crate). */
function cliFixed(root: string, rel: string, text: string): string {
  const copy = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-lsp-fix-')));
  roots.push(copy);
  fs.cpSync(root, copy, { recursive: true });
  fs.writeFileSync(path.join(copy, rel), text);
  cli(copy, ['--fix', rel]);
  return fs.readFileSync(path.join(copy, rel), 'utf8');
}

const WHOLE = { start: { line: 0, character: 0 }, end: { line: 10000, character: 0 } };

describe('a buffer', () => {
  let root: string;
  let client: LspClient;
  let uri: string;
  beforeAll(async () => {
    root = crate({ 'src/lib.rs': LIB });
    client = await start(root);
    uri = uriOf(path.join(root, 'src', 'lib.rs'));
  });

  test('initialize: incremental sync, quickfix and fixAll code actions', () => {
    expect(client.init.capabilities.textDocumentSync).toEqual({ openClose: true, change: 2 });
    expect(client.init.capabilities.codeActionProvider).toEqual({ codeActionKinds: ['quickfix', 'source.fixAll.rustokio'] });
    expect(client.init.serverInfo?.name).toBe('rustokio-lint');
  });

  test('open: diagnostics at the positions the CLI reports, with rule, severity and docs link', async () => {
    await client.open(uri, LIB);
    const p = await client.diagnosticsFor(uri);
    expect(p.version).toBe(1);
    expect(p.diagnostics.map((d) => ({ code: d.code, range: d.range }))).toEqual(cliRanges(root, 'src/lib.rs'));
    expect(p.diagnostics.map((d) => [d.code, d.severity, d.source, d.codeDescription?.href])).toEqual([
      ['no-thread-spawn', DiagnosticSeverity.Error, 'rustokio-lint', 'https://github.com/rustokio/rustokio-lint/blob/main/docs/rules/no-thread-spawn.md'],
      ['no-thread-sleep', DiagnosticSeverity.Error, 'rustokio-lint', 'https://github.com/rustokio/rustokio-lint/blob/main/docs/rules/no-thread-sleep.md'],
    ]);
  });

  test('a quickfix per fixable diagnostic in the range; the unsafe one says so', async () => {
    const all = await client.codeActions(uri, WHOLE, [CodeActionKind.QuickFix]);
    expect(all.map((a) => [a.title, a.kind, a.isPreferred])).toEqual([
      ['Fix this no-thread-spawn problem (unsafe)', 'quickfix', false],
      ['Fix this no-thread-sleep problem', 'quickfix', true],
    ]);
    const atSleep = await client.codeActions(uri, { start: { line: 8, character: 10 }, end: { line: 8, character: 10 } }, [CodeActionKind.QuickFix]);
    expect(atSleep.map((a) => a.title)).toEqual(['Fix this no-thread-sleep problem']);
    const edited = applyTextEdits(LIB, atSleep[0].edit!.changes![uri]);
    expect(edited).toBe(LIB.replace('    std::thread::sleep(std::time::Duration::from_millis(5));\n}', '    tokio::time::sleep(std::time::Duration::from_millis(5)).await;\n}'));
  });

  test('incremental change: diagnostics follow after the pause, positions shifted', async () => {
    const n = client.diagnostics.length;
    // Insert two lines at the top, then a comment inside the async fn, as an editor sends them.
    await client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// one\n// two\n' }]);
    await client.change(uri, 3, [{ range: { start: { line: 10, character: 4 }, end: { line: 10, character: 4 } }, text: '/* é🦀 */ ' }]);
    const p = await client.diagnosticsFor(uri, (x) => x.version === 3, n);
    const text = `// one\n// two\n${LIB}`.replace('    std::thread::sleep(std::time::Duration::from_millis(5));\n}', '    /* é🦀 */ std::thread::sleep(std::time::Duration::from_millis(5));\n}');
    fs.writeFileSync(path.join(root, 'src', 'lib.rs'), text);
    expect(p.diagnostics.map((d) => ({ code: d.code, range: d.range }))).toEqual(cliRanges(root, 'src/lib.rs'));
    expect(p.diagnostics[1].range.start).toEqual({ line: 10, character: 14 });
  });

  test('source.fixAll.rustokio applies the safe fixes; the edited buffer equals what --fix writes', async () => {
    const text = fs.readFileSync(path.join(root, 'src', 'lib.rs'), 'utf8');
    const actions = await client.codeActions(uri, WHOLE, ['source.fixAll.rustokio']);
    expect(actions.map((a) => [a.title, a.kind])).toEqual([['Fix all safe rustokio-lint problems', 'source.fixAll.rustokio']]);
    const fixed = applyTextEdits(text, actions[0].edit!.changes![uri]);
    expect(fixed).not.toBe(text);
    expect(fixed).toBe(cliFixed(root, 'src/lib.rs', text));
    // The editor applies the edit and tells the server; nothing safe is left to fix.
    await client.change(uri, 4, [{ text: fixed }]);
    expect(await client.codeActions(uri, WHOLE, ['source.fixAll'])).toEqual([]);
    const quick = await client.codeActions(uri, WHOLE, [CodeActionKind.QuickFix]);
    expect(quick.map((a) => a.title)).toEqual(['Fix this no-thread-spawn problem (unsafe)']);
  });
});

describe('the project', () => {
  const MAIN = 'mod config;\n\n#[tokio::main]\nasync fn main() {\n    config::load();\n}\n';
  const CONFIG = 'pub fn load() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n';

  test('a finding that depends on another file follows that file\'s buffer', async () => {
    const root = crate({ 'src/main.rs': MAIN, 'src/config.rs': CONFIG });
    const client = await start(root);
    const configUri = uriOf(path.join(root, 'src', 'config.rs'));
    const mainUri = uriOf(path.join(root, 'src', 'main.rs'));
    await client.open(configUri, CONFIG);
    const first = await client.diagnosticsFor(configUri);
    expect(first.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([['no-thread-sleep', 1]]);
    expect(first.diagnostics[0].message).toContain('async fn main');

    await client.open(mainUri, MAIN);
    await client.diagnosticsFor(mainUri);
    const n = client.diagnostics.length;
    await client.change(mainUri, 2, [{ range: { start: { line: 4, character: 4 }, end: { line: 4, character: 19 } }, text: '' }]);
    const after = await client.diagnosticsFor(configUri, () => true, n);
    expect(after.diagnostics).toEqual([]);
    expect(await client.stop()).toBe(0);
  });
});

describe('the project, read from text', () => {
  const MAIN = 'mod rt;\n\nasync fn go() {\n    rt::shared().spawn(async {});\n}\n\nfn main() {}\n';
  const RT = 'pub fn helper() {}\n';
  const SHARED = [
    'use tokio::runtime::{Builder, Runtime};',
    '',
    'pub fn shared() -> Runtime {',
    '    Builder::new_multi_thread().build().unwrap()',
    '}',
    '',
  ].join('\n');

  test('an edited buffer replaces the text read from disk: a runtime accessor typed into it is seen by another file', async () => {
    const root = crate({ 'src/main.rs': MAIN, 'src/rt.rs': RT });
    const client = await start(root);
    const mainUri = uriOf(path.join(root, 'src', 'main.rs'));
    const rtUri = uriOf(path.join(root, 'src', 'rt.rs'));
    await client.open(mainUri, MAIN);
    expect((await client.diagnosticsFor(mainUri)).diagnostics).toEqual([]);
    await client.open(rtUri, RT);
    await client.diagnosticsFor(rtUri);
    const n = client.diagnostics.length;
    // Not saved: only the buffer defines the accessor.
    await client.change(rtUri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: SHARED }]);
    const after = await client.diagnosticsFor(mainUri, (d) => d.diagnostics.length > 0, n);
    expect(after.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([['no-shared-runtime', 3]]);
    expect(await client.stop()).toBe(0);
  });
});

describe('configuration', () => {
  const TICK = 'async fn tick() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n';

  test('a config file change reloads it; a bad one is a diagnostic and a log, not a crash', async () => {
    const root = crate({ 'src/lib.rs': TICK });
    const client = await start(root, {}, { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
    const uri = uriOf(path.join(root, 'src', 'lib.rs'));
    await client.open(uri, TICK);
    expect((await client.diagnosticsFor(uri)).diagnostics.map((d) => d.code)).toEqual(['no-thread-sleep']);
    const reg = await client.waitFor('registration', () => client.registrations[0]);
    expect(reg.registrations[0].method).toBe('workspace/didChangeWatchedFiles');
    expect(reg.registrations[0].registerOptions.watchers.map((w: any) => w.globPattern)).toEqual(
      expect.arrayContaining(['**/.rustokiorc', '**/.rustokiorc.json', '**/Cargo.toml', '**/*.rs']),
    );

    const rc = path.join(root, '.rustokiorc.json');
    fs.writeFileSync(rc, JSON.stringify({ rules: { 'no-thread-sleep': 'warn' } }));
    let n = client.diagnostics.length;
    await client.filesChanged([uriOf(rc)], FileChangeType.Created);
    const warn = await client.diagnosticsFor(uri, () => true, n);
    expect(warn.diagnostics.map((d) => [d.code, d.severity])).toEqual([['no-thread-sleep', DiagnosticSeverity.Warning]]);

    fs.writeFileSync(rc, '{ "rules": { "no-thread-sleep": "loud" } }');
    n = client.diagnostics.length;
    await client.filesChanged([uriOf(rc)]);
    const bad = await client.diagnosticsFor(uri, () => true, n);
    expect(bad.diagnostics).toHaveLength(1);
    expect(bad.diagnostics[0].range).toEqual({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    expect(bad.diagnostics[0].message).toMatch(/^Bad configuration: .*\.rustokiorc\.json.*no-thread-sleep/);
    expect(client.logs.some((l) => l.includes('.rustokiorc.json'))).toBe(true);

    fs.writeFileSync(rc, JSON.stringify({ rules: { 'no-thread-sleep': 'off' } }));
    n = client.diagnostics.length;
    await client.filesChanged([uriOf(rc)]);
    expect((await client.diagnosticsFor(uri, () => true, n)).diagnostics).toEqual([]);
    expect(await client.stop()).toBe(0);
  });
});

describe('crate layout', () => {
  test('a renamed package in Cargo.toml, or a new x/main.rs, re-reads crate names and targets', async () => {
    const SLOW = 'pub fn slow() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n';
    const root = crate({
      'src/lib.rs': SLOW,
      // A test target calling the library by the package's name from async code.
      'tests/it.rs': '#[tokio::test]\nasync fn it() {\n    lsp_demo::slow();\n}\n',
      // A module of the tests/suite target once tests/suite/main.rs exists; shared by `mod` until then.
      'tests/suite/parts.rs': SLOW,
      'tests/suite/other.rs': '',
    });
    const client = await start(root, {}, { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
    const lib = uriOf(path.join(root, 'src', 'lib.rs'));
    await client.open(lib, SLOW);
    expect((await client.diagnosticsFor(lib)).diagnostics.map((d) => d.code)).toEqual(['no-thread-sleep']);
    await client.waitFor('registration', () => client.registrations[0]);

    const manifest = path.join(root, 'Cargo.toml');
    fs.writeFileSync(manifest, MANIFEST.replace('lsp_demo', 'renamed'));
    let n = client.diagnostics.length;
    await client.filesChanged([uriOf(manifest)]);
    // `lsp_demo::slow()` names no crate of the workspace now.
    expect((await client.diagnosticsFor(lib, () => true, n)).diagnostics).toEqual([]);

    const parts = uriOf(path.join(root, 'tests', 'suite', 'parts.rs'));
    await client.open(parts, SLOW);
    expect((await client.diagnosticsFor(parts)).diagnostics).toEqual([]);
    const main = path.join(root, 'tests', 'suite', 'main.rs');
    fs.writeFileSync(main, 'mod parts;\n#[tokio::test]\nasync fn suite() {\n    parts::slow();\n}\n');
    n = client.diagnostics.length;
    await client.filesChanged([uriOf(main)], FileChangeType.Created);
    expect((await client.diagnosticsFor(parts, (p) => p.diagnostics.length > 0, n)).diagnostics.map((d) => d.code)).toEqual(['no-thread-sleep']);
    expect(await client.stop()).toBe(0);
  });
});

describe('bad documents', () => {
  test('binary, broken, deeply nested, empty and untitled buffers: diagnostics, no crash', async () => {
    const root = crate({ 'src/lib.rs': '' });
    const client = await start(root);
    const docs: [string, string][] = [
      [uriOf(path.join(root, 'src', 'bin.rs')), 'fn \u0000\u0001\u0002 { ]]] \uFFFD'],
      [uriOf(path.join(root, 'src', 'broken.rs')), 'async fn f() {\n    std::thread::sleep(d);\n}\nfn g( {\n'],
      [uriOf(path.join(root, 'src', 'deep.rs')), `fn f() { ${'('.repeat(20000)}${')'.repeat(20000)} }`],
      [uriOf(path.join(root, 'src', 'empty.rs')), ''],
      ['untitled:Untitled-1', 'async fn f() { std::thread::sleep(d); }'],
    ];
    for (const [uri, text] of docs) await client.open(uri, text);
    for (const [uri] of docs) await client.diagnosticsFor(uri);
    const byUri = (u: string) => client.diagnostics.find((p) => p.uri === u)!.diagnostics.map((d) => d.code ?? d.message.slice(0, 14));
    expect(byUri(docs[1][0])).toEqual(['no-thread-sleep', 'Parsing error:']);
    expect(byUri(docs[3][0])).toEqual([]);
    expect(byUri('untitled:Untitled-1')).toEqual(['no-thread-sleep']);
    // A change with a range past the end, and actions on a document the server never saw.
    await client.change(docs[3][0], 2, [{ range: { start: { line: 99, character: 99 }, end: { line: 99, character: 120 } }, text: 'x' }]);
    expect(await client.codeActions(uriOf(path.join(root, 'src', 'unknown.rs')), WHOLE)).toEqual([]);
    // Fix-all leaves the broken part alone and edits only what differs.
    const [fixAll] = await client.codeActions(docs[1][0], WHOLE, ['source.fixAll']);
    expect(fixAll.edit!.changes![docs[1][0]]).toEqual([
      { range: { start: { line: 1, character: 4 }, end: { line: 1, character: 25 } }, newText: 'tokio::time::sleep(d).await' },
    ]);
    expect(await client.codeActions(docs[0][0], WHOLE, ['source.fixAll'])).toEqual([]);
    expect(await client.stop()).toBe(0);
  });
});
