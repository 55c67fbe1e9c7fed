/**
 * `--stdin --stdin-filename <path>` through the real binary: the text on
 * stdin is linted as that file (its config, its crate's project index);
 * `--fix-dry-run --format json` puts the fixed text in `output`; `--fix`
 * prints the fixed text on stdout and the report on stderr; nothing is
 * ever written.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const BIN = path.join(__dirname, '..', 'bin', 'rustokio-lint.js');
const MANIFEST = '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n';
const SLEEP = 'async fn tick() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n';
const SLEEP_FIXED = 'async fn tick() {\n    tokio::time::sleep(std::time::Duration::from_millis(5)).await;\n}\n';
const CLEAN = 'fn main() {}\n';

const roots: string[] = [];
afterAll(() => {
  for (const d of roots) fs.rmSync(d, { recursive: true, force: true });
});

function crate(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-stdin-')));
  roots.push(root);
  fs.mkdirSync(path.join(root, '.git'));
  for (const [rel, text] of Object.entries({ 'Cargo.toml': MANIFEST, ...files })) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

function cli(cwd: string, args: string[], input: string | Buffer) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const compact = ['--format', 'compact'];

describe('linting stdin', () => {
  test('the text on stdin is linted under the given name, not the file on disk', () => {
    const root = crate({ 'src/tick.rs': CLEAN });
    const r = cli(root, ['--stdin', '--stdin-filename', 'src/tick.rs', ...compact], SLEEP);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^src\/tick\.rs:2:5: error .*\[no-thread-sleep\]\n$/);
    expect(fs.readFileSync(path.join(root, 'src', 'tick.rs'), 'utf8')).toBe(CLEAN);
  });

  test("the configuration of that path applies (a nested config, overrides)", () => {
    const root = crate({ 'src/jobs/.rustokiorc.json': JSON.stringify({ extends: ['rustokio:recommended'], rules: { 'no-thread-sleep': 'warn' } }) });
    const r = cli(root, ['--stdin', '--stdin-filename', 'src/jobs/tick.rs', ...compact], SLEEP);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^src\/jobs\/tick\.rs:2:5: warning .*\[no-thread-sleep\]\n$/);
    const elsewhere = cli(root, ['--stdin', '--stdin-filename', 'src/tick.rs', ...compact], SLEEP);
    expect(elsewhere.stdout).toMatch(/: error .*\[no-thread-sleep\]/);
  });

  test("the project index of that path's crate: a caller on disk makes a sync fn on stdin runtime-reachable", () => {
    const root = crate({
      'src/main.rs': 'mod config;\n\n#[tokio::main]\nasync fn main() {\n    config::load();\n}\n',
      'src/config.rs': 'pub fn load() {}\n',
    });
    const r = cli(root, ['--stdin', '--stdin-filename', 'src/config.rs', ...compact], 'pub fn load() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n');
    expect(r.stdout).toMatch(/^src\/config\.rs:2:5: error .*`load`.*async fn main.*\[no-thread-sleep\]\n$/);
    // The same text under a path outside the crate has no caller.
    const outside = cli(root, ['--stdin', '--stdin-filename', '../elsewhere.rs', ...compact], 'pub fn load() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n');
    expect(outside).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('without --stdin-filename the text is stdin.rs in the working directory', () => {
    const root = crate({});
    const r = cli(root, ['--stdin', ...compact], SLEEP);
    expect(r.stdout).toMatch(/^stdin\.rs:2:5: error/);
  });

  test('an ignored path is reported as ignored, not linted', () => {
    const root = crate({ '.rustokiorc.json': JSON.stringify({ extends: ['rustokio:recommended'], ignorePatterns: ['gen/**'] }) });
    const r = cli(root, ['--stdin', '--stdin-filename', 'gen/tick.rs', ...compact], SLEEP);
    expect(r).toEqual({ code: 0, stdout: 'gen/tick.rs:1:1: warning File ignored because of a matching ignore pattern. Use "--no-ignore" to override.\n', stderr: '' });
    const target = cli(root, ['--stdin', '--stdin-filename', 'target/debug/tick.rs', ...compact], SLEEP);
    expect(target.stdout).toMatch(/^target\/debug\/tick\.rs:1:1: warning File ignored by default/);
  });

  test('text that is not UTF-8 is reported, not linted', () => {
    const root = crate({});
    const r = cli(root, ['--stdin', '--stdin-filename', 'src/a.rs', ...compact], Buffer.from([0x66, 0x6e, 0xff, 0xfe]));
    expect(r).toEqual({ code: 1, stdout: 'src/a.rs:1:1: error File is not valid UTF-8; it was not linted.\n', stderr: '' });
  });

  test('usage errors: --stdin-filename without --stdin, --stdin with paths', () => {
    const root = crate({});
    expect(cli(root, ['--stdin-filename', 'a.rs'], '').code).toBe(2);
    const withPaths = cli(root, ['--stdin', 'src'], '');
    expect(withPaths.code).toBe(2);
    expect(withPaths.stderr).toContain('--stdin cannot be used with paths');
  });
});

describe('fixing stdin', () => {
  test('--fix-dry-run --format json: the fixed text in output; nothing written', () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    const r = cli(root, ['--stdin', '--stdin-filename', 'src/tick.rs', '--fix-dry-run', '--format', 'json'], SLEEP);
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.stdout);
    expect(result.filePath).toBe(path.join(root, 'src', 'tick.rs'));
    expect(result.output).toBe(SLEEP_FIXED);
    expect(result.messages).toEqual([]);
    expect(fs.readFileSync(path.join(root, 'src', 'tick.rs'), 'utf8')).toBe(SLEEP);
  });

  test('--fix: the fixed text on stdout, what remains on stderr; nothing written', () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    const unsafeToo = `${SLEEP}\npub fn start() {\n    std::thread::spawn(move || loop {\n        std::thread::sleep(std::time::Duration::from_millis(5));\n    });\n}\n`;
    const r = cli(root, ['--stdin', '--stdin-filename', 'src/tick.rs', '--fix', ...compact], unsafeToo);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(unsafeToo.replace(SLEEP, SLEEP_FIXED));
    expect(r.stderr).toMatch(/^src\/tick\.rs:6:5: error .*\[no-thread-spawn\]\n$/);
    expect(fs.readFileSync(path.join(root, 'src', 'tick.rs'), 'utf8')).toBe(SLEEP);
  });

  test('--fix prints the text as it came when there is nothing to fix (BOM and CRLF kept), or when ignored', () => {
    const root = crate({ '.rustokiorc.json': JSON.stringify({ extends: ['rustokio:recommended'], ignorePatterns: ['gen/**'] }) });
    const text = '\uFEFFfn main() {\r\n    println!("hi");\r\n}\r\n';
    expect(cli(root, ['--stdin', '--stdin-filename', 'src/main.rs', '--fix'], text)).toEqual({ code: 0, stdout: text, stderr: '' });
    const ignored = cli(root, ['--stdin', '--stdin-filename', 'gen/tick.rs', '--fix', ...compact], SLEEP);
    expect(ignored.stdout).toBe(SLEEP);
    expect(ignored.stderr).toMatch(/File ignored/);
  });

  test('--fix on stdin gives what --fix writes for the same file', () => {
    const text = `use std::thread;\n\n${SLEEP.replace('std::thread::sleep', 'thread::sleep')}`;
    const root = crate({ 'src/tick.rs': text });
    const r = cli(root, ['--stdin', '--stdin-filename', 'src/tick.rs', '--fix'], text);
    expect(cli(root, ['--fix', 'src/tick.rs'], '').code).toBe(0);
    expect(r.stdout).toBe(fs.readFileSync(path.join(root, 'src', 'tick.rs'), 'utf8'));
    expect(r.stdout).not.toBe(text);
  });
});
