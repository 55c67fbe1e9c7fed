/**
 * `--fix` writes safely (SPEC §11): through a temp file in the same
 * directory and a rename, keeping the mode; a file that changed on disk
 * since it was read is left alone and reported; and a run killed in the
 * middle of writing leaves every file either as it was or fixed — never
 * torn — and no temp file that a later run would lint.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runLint } from '../../lib/run';

const BIN = path.join(__dirname, '..', '..', 'bin', 'rustokio-lint.js');
const MANIFEST = '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n';
const sleepFile = (i: number) => `// file ${i}\nasync fn tick_${i}() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n`;
const fixedFile = (i: number) => `// file ${i}\nasync fn tick_${i}() {\n    tokio::time::sleep(std::time::Duration::from_millis(5)).await;\n}\n`;

const roots: string[] = [];
afterAll(() => {
  for (const d of roots) fs.rmSync(d, { recursive: true, force: true });
});

function crate(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-writes-')));
  roots.push(root);
  fs.mkdirSync(path.join(root, '.git'));
  fs.writeFileSync(path.join(root, 'Cargo.toml'), MANIFEST);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('--fix writes', () => {
  test('keep each file mode and leave no temp file behind', async () => {
    const root = crate({ 'src/a.rs': sleepFile(1), 'src/b.rs': sleepFile(2), 'src/c.rs': sleepFile(3) });
    const modes: Record<string, number> = { 'src/a.rs': 0o600, 'src/b.rs': 0o755, 'src/c.rs': 0o2644 };
    for (const [f, m] of Object.entries(modes)) fs.chmodSync(path.join(root, f), m);
    const out = await runLint({ cwd: root, fix: true });
    expect(out.internalErrors).toEqual([]);
    for (const [f, m] of Object.entries(modes)) expect(fs.statSync(path.join(root, f)).mode & 0o7777).toBe(m);
    expect(fs.readFileSync(path.join(root, 'src/b.rs'), 'utf8')).toBe(fixedFile(2));
    expect(fs.readdirSync(path.join(root, 'src')).sort()).toEqual(['a.rs', 'b.rs', 'c.rs']);
  });

  test('leave a file that changed on disk during the run alone, and report it', async () => {
    const root = crate({ 'src/a.rs': sleepFile(1), 'src/b.rs': sleepFile(2) });
    const b = path.join(root, 'src/b.rs');
    const edited = `${sleepFile(2)}// edited while the linter ran\n`;
    let once = false;
    const out = await runLint({
      cwd: root,
      fix: true,
      // Every file is read before the first one is linted; this edit lands between read and write.
      onProgress: () => {
        if (once) return;
        once = true;
        fs.writeFileSync(b, edited);
      },
    });
    expect(once).toBe(true);
    expect(out.exitCode).toBe(2);
    expect(out.internalErrors).toEqual([`Not fixed: ${b}: the file changed on disk since it was read`]);
    expect(fs.readFileSync(b, 'utf8')).toBe(edited);
    expect(fs.readFileSync(path.join(root, 'src/a.rs'), 'utf8')).toBe(fixedFile(1));
    const rb = out.results.find((r) => r.filePath === b)!;
    expect(rb.output).toBeUndefined();
    expect(rb.messages.map((m) => m.ruleId)).toEqual(['no-thread-sleep']);
  });
});

describe('a --fix run killed while writing', () => {
  const FILES = 2500;

  /** Starts `--fix` on the crate and SIGKILLs it as soon as the first fixed file lands. */
  function fixAndKill(root: string): Promise<void> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, '--fix', '--format', 'compact'], { cwd: root, stdio: 'ignore' });
      // The first fixed file renamed into place (not the temp file being created) is the signal.
      const watcher = fs.watch(path.join(root, 'src'), (_event, name) => {
        if (!name || !/^f\d{4}\.rs$/.test(String(name))) return;
        watcher.close();
        child.kill('SIGKILL');
      });
      child.on('exit', () => {
        watcher.close();
        resolve();
      });
    });
  }

  test('leaves every file old or new, never torn, and no temp file a later run would lint', async () => {
    let sawBoth = false;
    for (let attempt = 0; attempt < 5 && !sawBoth; attempt++) {
      const files: Record<string, string> = {};
      for (let i = 0; i < FILES; i++) files[`src/f${String(i).padStart(4, '0')}.rs`] = sleepFile(i);
      const root = crate(files);
      await fixAndKill(root);
      let fresh = 0;
      let old = 0;
      const torn: string[] = [];
      for (let i = 0; i < FILES; i++) {
        const text = fs.readFileSync(path.join(root, `src/f${String(i).padStart(4, '0')}.rs`), 'utf8');
        if (text === fixedFile(i)) fresh++;
        else if (text === sleepFile(i)) old++;
        else torn.push(`f${i}`);
      }
      expect(torn).toEqual([]);
      // Whatever else is left behind is a temp file no run lints (hidden, and not `.rs`).
      const extra = fs.readdirSync(path.join(root, 'src')).filter((n) => !/^f\d{4}\.rs$/.test(n));
      for (const n of extra) expect(n).toMatch(/^\.f\d{4}\.rs\.rustokio-\d+-\w+\.tmp$/);
      const again = spawnSync(process.execPath, [BIN, '--format', 'json'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
      expect(JSON.parse(again.stdout)).toHaveLength(FILES);
      sawBoth = fresh > 0 && old > 0;
    }
    // The kill did land while files were being written.
    expect(sawBoth).toBe(true);
  });
});
