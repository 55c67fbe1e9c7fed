/**
 * The fix-on-save formatter commands of docs/editors.md (Helix, Zed), taken
 * from the page and run as the editors run them: the buffer on stdin, the
 * file name substituted, the new buffer from stdout. They must print what
 * `--fix` writes, succeed when problems --fix cannot fix remain, and fail
 * (so the editor keeps the buffer) on a bad configuration.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseToml } from 'smol-toml';

const REPO = path.join(__dirname, '..');
const BIN = path.join(REPO, 'bin', 'rustokio-lint.js');
const DOC = fs.readFileSync(path.join(REPO, 'docs', 'editors.md'), 'utf8');
const SLEEP = 'pub async fn tick() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n';
const SLEEP_FIXED = 'pub async fn tick() {\n    tokio::time::sleep(std::time::Duration::from_millis(5)).await;\n}\n';
const UNFIXABLE = 'pub fn start() {\n    std::thread::spawn(move || loop {\n        std::thread::sleep(std::time::Duration::from_millis(5));\n    });\n}\n';

function block(lang: string, marker: string): string {
  const re = new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g');
  for (let m = re.exec(DOC); m; m = re.exec(DOC)) if (m[1].includes(marker)) return m[1];
  throw new Error(`no \`\`\`${lang} block with ${marker} in docs/editors.md`);
}

const helix = (parseToml(block('toml', '[language-server.rustokio-lint]')) as any).language[0].formatter as { command: string; args: string[] };
const zed = JSON.parse(block('json', '"external"')).languages.Rust.formatter[0].external as { command: string; arguments: string[] };

let root: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-editors-')));
  fs.mkdirSync(path.join(root, '.git'));
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'Cargo.toml'), '[package]\nname = "ed"\nversion = "0.1.0"\nedition = "2021"\n');
  // `rustokio-lint` on PATH, as users have it.
  const bin = path.join(root, '.bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'rustokio-lint'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Runs a formatter command with the buffer on stdin, from the buffer's directory. */
function format(command: string, args: string[], placeholder: string, input: string) {
  const argv = args.map((a) => a.replace(placeholder, 'src/lib.rs'));
  const r = spawnSync(command, argv, { cwd: root, env, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout };
}

test('the snippets name what the editors expand', () => {
  expect(helix.args).toContain('%{buffer_name}');
  expect(zed.arguments).toContain('{buffer_path}');
});

test('rustfmt is installed (the Helix formatter pipes into it; .ci/run installs it)', () => {
  expect(spawnSync('rustfmt', ['--version'], { env, encoding: 'utf8' }).stdout).toMatch(/^rustfmt /);
});

describe.each([
  ['Helix', () => format(helix.command, helix.args, '%{buffer_name}', SLEEP), () => format(helix.command, helix.args, '%{buffer_name}', UNFIXABLE)],
  ['Zed', () => format(zed.command, zed.arguments, '{buffer_path}', SLEEP), () => format(zed.command, zed.arguments, '{buffer_path}', UNFIXABLE)],
])('%s formatter', (_editor, fixable, unfixable) => {
  test('prints what --fix writes', () => {
    expect(fixable()).toEqual({ code: 0, stdout: SLEEP_FIXED });
  });

  test('succeeds, text unchanged, when only problems --fix cannot fix remain', () => {
    expect(unfixable()).toEqual({ code: 0, stdout: UNFIXABLE });
  });

  test('fails on a bad configuration, so the editor keeps the buffer', () => {
    fs.writeFileSync(path.join(root, '.rustokiorc.json'), '{ "rules": { "no-thread-sleep": "loud" } }');
    try {
      expect(fixable().code).not.toBe(0);
    } finally {
      fs.rmSync(path.join(root, '.rustokiorc.json'));
    }
  });
});
