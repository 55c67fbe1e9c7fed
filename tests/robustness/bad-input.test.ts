/**
 * Whatever is on disk (SPEC §11): empty, huge, binary and non-UTF-8 files,
 * FIFOs, symlink loops, unreadable files and directories. The real binary
 * (built by `npm test`) runs with a time limit, so a hang fails the test
 * instead of stalling the suite. What cannot be linted is reported and the
 * rest is still linted (exit 2); nothing that is not linted is ever written.
 *
 * The CLI tests already cover a NUL-byte file and a Latin-1 file under
 * `--fix`; these extend them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runLint } from '../../lib/run';

const BIN = path.join(__dirname, '..', '..', 'bin', 'rustokio-lint.js');
const SLEEP = 'async fn tick() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n';
const SLEEP_FIXED = 'async fn tick() {\n    tokio::time::sleep(std::time::Duration::from_millis(5)).await;\n}\n';
const MANIFEST = '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n';

const roots: string[] = [];
afterAll(() => {
  for (const d of roots) {
    chmodAll(d);
    fs.rmSync(d, { recursive: true, force: true });
  }
});

function chmodAll(dir: string): void {
  try {
    fs.chmodSync(dir, 0o755);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) chmodAll(path.join(dir, e.name));
  } catch {
    /* gone */
  }
}

/** A temp crate (with `.git`, so no outer .gitignore applies). */
function crate(files: Record<string, string | Buffer>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-bad-')));
  roots.push(root);
  fs.mkdirSync(path.join(root, '.git'));
  fs.writeFileSync(path.join(root, 'Cargo.toml'), MANIFEST);
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return root;
}

function cli(cwd: string, args: string[], prefix: string[] = []) {
  const [cmd, ...rest] = [...prefix, process.execPath, BIN, ...args];
  const r = spawnSync(cmd, rest, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function snapshot(file: string): { bytes: Buffer; mtimeMs: number } {
  return { bytes: fs.readFileSync(file), mtimeMs: fs.statSync(file).mtimeMs };
}

describe('empty and huge files', () => {
  test('an empty file is clean, and --fix leaves it untouched', () => {
    const root = crate({ 'src/empty.rs': '', 'src/tick.rs': SLEEP });
    const before = snapshot(path.join(root, 'src/empty.rs'));
    const r = cli(root, ['--fix', '--format', 'compact']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(snapshot(path.join(root, 'src/empty.rs'))).toEqual(before);
    expect(fs.readFileSync(path.join(root, 'src/tick.rs'), 'utf8')).toBe(SLEEP_FIXED);
  });

  test('a 10 MB file is linted whole', async () => {
    // Generated code (tables, match arms), with a finding now and then.
    const unit = (i: number) =>
      `pub const TABLE_${i}: [u16; 8] = [${i % 7}, 1, 2, 3, 5, 8, 13, 21];\n` +
      `pub fn lookup_${i}(x: u32) -> u32 {\n    match x {\n        0 => 1,\n        1 => ${i},\n        _ => x.wrapping_mul(31).rotate_left(3),\n    }\n}\n` +
      (i % 5000 === 0 ? `pub async fn wait_${i}() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n` : '');
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 10 * 1024 * 1024; i++) {
      const u = unit(i);
      parts.push(u);
      size += u.length;
    }
    const root = crate({ 'src/generated.rs': parts.join('') });
    const out = await runLint({ cwd: root, patterns: ['src/generated.rs'], threads: 1 });
    expect(out.internalErrors).toEqual([]);
    expect(out.results).toHaveLength(1);
    expect(out.results[0].messages.map((m) => m.ruleId)).toEqual(Array(Math.ceil(parts.length / 5000)).fill('no-thread-sleep'));
  });
});

describe('files that are not UTF-8 text', () => {
  test('UTF-16 (BOM and NUL bytes) is reported as binary and never rewritten', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SLEEP, 'utf16le')]);
    const root = crate({ 'src/wide.rs': utf16, 'src/tick.rs': SLEEP });
    const before = snapshot(path.join(root, 'src/wide.rs'));
    const r = cli(root, ['--fix', '--format', 'compact']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('src/wide.rs:1:1: error File contains NUL bytes (binary?); it was not linted.\n');
    expect(snapshot(path.join(root, 'src/wide.rs'))).toEqual(before);
    expect(fs.readFileSync(path.join(root, 'src/tick.rs'), 'utf8')).toBe(SLEEP_FIXED);
  });

  test('binary and Latin-1 files of the crate are left out of the index of a one-file run', () => {
    const latin1 = Buffer.concat([Buffer.from('pub fn load() { std::thread::sleep(d); } // caf'), Buffer.from([0xe9, 0x0a])]);
    const root = crate({
      'src/main.rs': 'mod config;\nmod blob;\nmod latin;\n#[tokio::main]\nasync fn main() { config::load(); }\n',
      'src/config.rs': 'pub fn load() {\n    std::thread::sleep(d);\n}\n',
      'src/blob.rs': Buffer.from([0x66, 0x6e, 0x00, 0x6c, 0x6f, 0x61, 0x64]),
      'src/latin.rs': latin1,
    });
    const r = cli(root, ['--format', 'compact', 'src/config.rs']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^src\/config\.rs:2:5: error Blocking `std::thread::sleep` in `load`, which async code calls \(called from `async fn main`\)/);
  });
});

describe('special files and links', () => {
  test('a FIFO named like a source file is reported when named, skipped when walking, and never read', () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    const fifo = path.join(root, 'src', 'pipe.rs');
    const made = spawnSync('mkfifo', [fifo]);
    expect(made.status).toBe(0);
    const named = cli(root, ['--format', 'compact', 'src/pipe.rs', 'src/tick.rs']);
    expect(named.code).toBe(2);
    expect(named.stderr).toBe(`rustokio-lint: Cannot read ${fifo}: not a regular file (a FIFO, socket or device)\n`);
    expect(named.stdout).toMatch(/^src\/tick\.rs:2:5: error /);
    // Walking the crate (and indexing it for one file) passes it by.
    expect(cli(root, ['--format', 'compact']).code).toBe(1);
    expect(cli(root, ['--format', 'compact', 'src/tick.rs']).code).toBe(1);
  });

  test('a directory symlink loop is walked once', () => {
    const root = crate({ 'src/tick.rs': SLEEP, 'src/a/inner.rs': 'fn f() {}\n' });
    fs.symlinkSync('..', path.join(root, 'src', 'a', 'up'));
    fs.symlinkSync(path.join(root, 'src'), path.join(root, 'src', 'a', 'again'));
    const r = cli(root, ['--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).map((x: { filePath: string }) => path.relative(root, x.filePath))).toEqual(['src/a/inner.rs', 'src/tick.rs']);
  });

  test('a file symlink loop and a dangling link are reported; the rest is linted', () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    fs.symlinkSync('y.rs', path.join(root, 'src', 'x.rs'));
    fs.symlinkSync('x.rs', path.join(root, 'src', 'y.rs'));
    fs.symlinkSync('gone.rs', path.join(root, 'src', 'dangling.rs'));
    const r = cli(root, ['--format', 'compact']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^src\/tick\.rs:2:5: error /);
    expect(r.stderr.split('\n').filter(Boolean).sort()).toEqual([
      `rustokio-lint: Cannot read ${path.join(root, 'src', 'dangling.rs')}: no such file or directory`,
      `rustokio-lint: Cannot read ${path.join(root, 'src', 'x.rs')}: too many levels of symbolic links`,
      `rustokio-lint: Cannot read ${path.join(root, 'src', 'y.rs')}: too many levels of symbolic links`,
    ]);
  });
});

/**
 * Tests run as root, and root reads files whatever their mode: the binary is
 * run as `nobody` (setpriv) for these. Not root: the mode alone denies.
 */
function asUnprivileged(): string[] | null {
  if (process.getuid?.() !== 0) return [];
  const setpriv = spawnSync('setpriv', ['--version']);
  return setpriv.status === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : null;
}

describe('unreadable files and directories', () => {
  const prefix = asUnprivileged();
  const open = (root: string) => {
    chmodAll(root);
    for (const e of fs.readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })) {
      if (e.isFile()) fs.chmodSync(path.join(e.parentPath ?? e.path, e.name), 0o644);
    }
    fs.chmodSync(path.join(root, 'Cargo.toml'), 0o644);
  };

  test('a way to run without the right to read is available', () => {
    expect(prefix).not.toBeNull();
  });

  test('an unreadable file is reported, never written, and the rest is linted and fixed', () => {
    const root = crate({ 'src/tick.rs': SLEEP, 'src/secret.rs': SLEEP });
    open(root);
    const secret = path.join(root, 'src', 'secret.rs');
    fs.chmodSync(secret, 0o000);
    // The fixed file is written next to it: the directory must take a new file.
    fs.chmodSync(path.join(root, 'src'), 0o777);
    fs.chmodSync(path.join(root, 'src', 'tick.rs'), 0o666);
    const r = cli(root, ['--fix', '--format', 'compact'], prefix!);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rustokio-lint: Cannot read ${secret}: EACCES: permission denied, open '${secret}'\n`);
    expect(fs.readFileSync(path.join(root, 'src', 'tick.rs'), 'utf8')).toBe(SLEEP_FIXED);
    expect(fs.statSync(path.join(root, 'src', 'tick.rs')).mode & 0o777).toBe(0o666);
    expect(fs.readFileSync(secret, 'utf8')).toBe(SLEEP);
    expect(fs.readdirSync(path.join(root, 'src')).sort()).toEqual(['secret.rs', 'tick.rs']);
  });

  test('an unreadable directory is reported; the rest is linted', () => {
    const root = crate({ 'src/tick.rs': SLEEP, 'src/locked/inner.rs': SLEEP });
    open(root);
    const locked = path.join(root, 'src', 'locked');
    fs.chmodSync(locked, 0o000);
    const r = cli(root, ['--format', 'compact'], prefix!);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^src\/tick\.rs:2:5: error /);
    expect(r.stdout).not.toMatch(/inner\.rs/);
    expect(r.stderr).toBe(`rustokio-lint: Cannot read directory ${locked}: permission denied\n`);
  });
});
