/**
 * The pre-commit hook (.pre-commit-hooks.yaml) with Debian's `pre-commit`:
 * `pre-commit try-repo` against this repository (its HEAD, plus uncommitted
 * changes), and the flow users have: a .pre-commit-config.yaml naming the
 * repository, `pre-commit install`, `git commit`. pre-commit installs the
 * hook as a node package (npm install, npm pack, npm install -g), so these
 * tests need the npm registry, and take a while. No pre-commit on PATH is a
 * failure (CI installs it in .ci/run), not a skip.
 */
import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

jest.setTimeout(600000);

const REPO = path.join(__dirname, '..');
const BIN = path.join(REPO, 'bin', 'rustokio-lint.js');
const MANIFEST = '[package]\nname = "hooked"\nversion = "0.1.0"\nedition = "2021"\n';
const SLEEP = 'pub async fn tick() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n';
const SLEEP_FIXED = 'pub async fn tick() {\n    tokio::time::sleep(std::time::Duration::from_millis(5)).await;\n}\n';
/** A problem --fix cannot fix: a thread that runs a loop, in a crate with no runtime (the fix is unsafe). */
const UNFIXABLE = 'pub fn start() {\n    std::thread::spawn(move || loop {\n        std::thread::sleep(std::time::Duration::from_millis(5));\n    });\n}\n';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  dirs.push(d);
  return d;
}

const preCommitHome = tempDir('rustokio-pre-commit-home-');
const env = {
  ...process.env,
  PRE_COMMIT_HOME: preCommitHome,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

function run(cmd: string, args: string[], cwd: string, opts: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', ...opts });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

/** A git repository with a crate whose files are staged. */
function stagedRepo(files: Record<string, string>): string {
  const root = tempDir('rustokio-pre-commit-');
  run('git', ['init', '-q'], root);
  for (const [rel, text] of Object.entries({ 'Cargo.toml': MANIFEST, ...files })) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  run('git', ['add', '.'], root);
  return root;
}

test('pre-commit is installed (apt-get install pre-commit; .ci/run does)', () => {
  const r = run('pre-commit', ['--version'], REPO);
  expect(r.error).toBeUndefined();
  expect(r.out).toMatch(/^pre-commit \d+\./);
});

test('try-repo: the hook fixes the staged file and fails because it changed it', () => {
  const root = stagedRepo({ 'src/lib.rs': SLEEP });
  const r = run('pre-commit', ['try-repo', REPO, 'rustokio-lint', '--files', 'src/lib.rs'], root);
  expect(r.out).toMatch(/rustokio-lint\.+Failed\n- hook id: rustokio-lint\n- files were modified by this hook/);
  expect(r.code).toBe(1);
  expect(fs.readFileSync(path.join(root, 'src', 'lib.rs'), 'utf8')).toBe(SLEEP_FIXED);
});

test('git commit with the hook installed: fixed and stopped, then committed; errors --fix cannot fix stop the commit', () => {
  const head = run('git', ['rev-parse', 'HEAD'], REPO).out.trim();
  const root = stagedRepo({ 'src/lib.rs': SLEEP });
  fs.writeFileSync(
    path.join(root, '.pre-commit-config.yaml'),
    `repos:\n  - repo: ${REPO}\n    rev: ${head}\n    hooks:\n      - id: rustokio-lint\n`,
  );
  run('git', ['add', '.pre-commit-config.yaml'], root);
  expect(run('pre-commit', ['install'], root).code).toBe(0);

  const first = run('git', ['commit', '-q', '-m', 'tick'], root);
  expect(first.out).toMatch(/rustokio-lint\.+Failed\n- hook id: rustokio-lint\n- files were modified by this hook/);
  expect(first.code).toBe(1);
  expect(fs.readFileSync(path.join(root, 'src', 'lib.rs'), 'utf8')).toBe(SLEEP_FIXED);
  expect(run('git', ['rev-parse', '--verify', '-q', 'HEAD'], root).code).not.toBe(0);

  run('git', ['add', 'src/lib.rs'], root);
  const second = run('git', ['commit', '-q', '-m', 'tick'], root);
  expect(second.out).toMatch(/rustokio-lint\.+Passed/);
  expect(second.code).toBe(0);

  // A problem without a safe fix: the hook fails, shows it, changes nothing.
  fs.writeFileSync(path.join(root, 'src', 'start.rs'), UNFIXABLE);
  run('git', ['add', 'src/start.rs'], root);
  const third = run('git', ['commit', '-q', '-m', 'start'], root);
  expect(third.code).toBe(1);
  expect(third.out).toMatch(/rustokio-lint\.+Failed\n- hook id: rustokio-lint\n- exit code: 1\n/);
  expect(third.out).toMatch(/src\/start\.rs\n\s+2:5\s+error .*no-thread-spawn/);
  expect(fs.readFileSync(path.join(root, 'src', 'start.rs'), 'utf8')).toBe(UNFIXABLE);
  // The same finding as the CLI's.
  expect(run(process.execPath, [BIN, '--format', 'compact', 'src/start.rs'], root).out).toMatch(/^src\/start\.rs:2:5: error .*\[no-thread-spawn\]\n$/);
});
