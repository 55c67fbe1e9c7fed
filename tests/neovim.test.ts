/**
 * Neovim (Debian's `neovim` package, headless) with the set-up users copy:
 * editors/neovim/lua/rustokio-lint.lua attaches `rustokio-lint --lsp` to a
 * Rust buffer and runs fix-all on save. The test edits the buffer, saves,
 * and checks the file on disk against what `--fix` writes for the same
 * text. No nvim on PATH is a failure (CI installs it in .ci/run), not a skip.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.join(__dirname, '..');
const BIN = path.join(REPO, 'bin', 'rustokio-lint.js');
const MANIFEST = '[package]\nname = "nvim_demo"\nversion = "0.1.0"\nedition = "2021"\n';
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
const ADDED = ['pub async fn later() {', '    std::thread::sleep(std::time::Duration::from_millis(1));', '}'];

const roots: string[] = [];
afterAll(() => {
  for (const d of roots) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  roots.push(d);
  return d;
}

const lua = (s: string) => JSON.stringify(s);

test('nvim is installed (apt-get install neovim; .ci/run does)', () => {
  const r = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  expect(r.stdout).toMatch(/^NVIM v0\.(\d+)/);
});

test('a Rust buffer: diagnostics from the server, and fix-all on save writes what --fix writes', () => {
  const root = tempDir('rustokio-nvim-');
  fs.mkdirSync(path.join(root, '.git'));
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'Cargo.toml'), MANIFEST);
  fs.writeFileSync(path.join(root, 'src', 'lib.rs'), LIB);
  const home = tempDir('rustokio-nvim-home-');
  const result = path.join(home, 'result.txt');

  const init = path.join(home, 'init.lua');
  fs.writeFileSync(
    init,
    [
      "vim.cmd('filetype on')",
      'vim.opt.swapfile = false',
      `vim.opt.rtp:prepend(${lua(path.join(REPO, 'editors', 'neovim'))})`,
      `require('rustokio-lint').setup({ cmd = { ${lua(process.execPath)}, ${lua(BIN)}, '--lsp' }, init_options = { debounceMs = 50 } })`,
    ].join('\n'),
  );
  const driver = path.join(home, 'driver.lua');
  fs.writeFileSync(
    driver,
    [
      `local out = io.open(${lua(result)}, 'w')`,
      "local function log(s) out:write(s .. '\\n'); out:flush() end",
      'local function diags()',
      '  local ds = vim.diagnostic.get(0)',
      '  table.sort(ds, function(a, b) return a.lnum < b.lnum end)',
      '  return ds',
      'end',
      "log('filetype ' .. vim.bo.filetype)",
      "log('attached ' .. tostring(vim.wait(30000, function() return #diags() >= 2 end, 20)))",
      "for _, d in ipairs(diags()) do log(string.format('diag %d:%d-%d:%d %s', d.lnum, d.col, d.end_lnum, d.end_col, d.source)) end",
      `vim.api.nvim_buf_set_lines(0, -1, -1, false, ${'{ ' + ADDED.map(lua).join(', ') + ' }'})`,
      "log('changed ' .. tostring(vim.wait(30000, function() return #diags() >= 3 end, 20)))",
      "vim.cmd('write')",
      "log('written')",
      'out:close()',
      "vim.cmd('qa!')",
    ].join('\n'),
  );

  const env = { ...process.env, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, XDG_STATE_HOME: home, XDG_CACHE_HOME: home };
  const r = spawnSync('nvim', ['--headless', '-n', '-i', 'NONE', '-u', init, '-c', `luafile ${driver}`, 'src/lib.rs'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 90000,
  });
  const log = fs.existsSync(result) ? fs.readFileSync(result, 'utf8') : '';
  // The CLI's positions of the file as opened, 0-based (the text is ASCII: bytes = UTF-16 units).
  const [cliResult] = JSON.parse(spawnSync(process.execPath, [BIN, '--format', 'json', '--stdin', '--stdin-filename', 'src/lib.rs'], { cwd: root, input: LIB, encoding: 'utf8' }).stdout);
  const cliDiags = cliResult.messages.map((m: any) => `diag ${m.line - 1}:${m.column - 1}-${m.endLine - 1}:${m.endColumn - 1} rustokio-lint`);
  expect(cliDiags).toHaveLength(2);
  expect({ status: r.status, log }).toEqual({
    status: 0,
    log: [
      'filetype rust',
      'attached true',
      ...cliDiags,
      'changed true',
      'written',
      '',
    ].join('\n'),
  });

  // What --fix writes for the text the buffer held before the save, in a copy of the crate.
  const before = `${LIB}${ADDED.join('\n')}\n`;
  const copy = tempDir('rustokio-nvim-fix-');
  fs.cpSync(root, copy, { recursive: true });
  fs.writeFileSync(path.join(copy, 'src', 'lib.rs'), before);
  spawnSync(process.execPath, [BIN, '--fix', 'src/lib.rs'], { cwd: copy });
  const expected = fs.readFileSync(path.join(copy, 'src', 'lib.rs'), 'utf8');
  expect(expected).not.toBe(before);
  expect(fs.readFileSync(path.join(root, 'src', 'lib.rs'), 'utf8')).toBe(expected);
});
