/**
 * End to end: the real binary (`node bin/rustokio-lint.js`, built by
 * `npm test`) on temp crates — exit codes, output formats and positions,
 * fixing and not fixing, flags. Plus `runLint` in process for what a spawned
 * binary cannot show (a rule that throws, a file changed while fixing).
 *
 * Findings come from no-thread-sleep: `std::thread::sleep` in an `async fn`,
 * fixable to `tokio::time::sleep(d).await`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runLint, writeFixed } from '../lib/run';
import { main, parseSimpleArgs, parseWithYargs } from '../lib/cli';
import { createRule, RuleModule } from '../lib/rule';
import { allRules } from '../rules';
import noThreadSleep from '../rules/no-thread-sleep';

const BIN = path.join(__dirname, '..', 'bin', 'rustokio-lint.js');

const SLEEP = 'async fn tick() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n';
const SLEEP_FIXED = 'async fn tick() {\n    tokio::time::sleep(std::time::Duration::from_millis(5)).await;\n}\n';
const CLEAN = 'fn main() {\n    println!("hi");\n}\n';
/** The message as stylish shows it (final period dropped). */
const SLEEP_MESSAGE = noThreadSleep.meta.messages.async.replace(/\.$/, '');

const tmpRoots: string[] = [];
afterAll(() => {
  for (const d of tmpRoots) fs.rmSync(d, { recursive: true, force: true });
});

/** A temp crate (with a `.git` so no .gitignore from above applies); returns its real path. */
function crate(files: Record<string, string | Buffer>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-cli-')));
  tmpRoots.push(root);
  fs.mkdirSync(path.join(root, '.git'));
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return root;
}

function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.FORCE_COLOR;
  delete base.NO_COLOR;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...base, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(stdout: string): any[] {
  return JSON.parse(stdout);
}

describe('exit codes and the default report', () => {
  test('0 and no output for a clean crate', () => {
    const root = crate({ 'src/main.rs': CLEAN });
    expect(cli(root, [])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('1 and the stylish report when an error remains', () => {
    const root = crate({ 'src/main.rs': CLEAN, 'src/tick.rs': SLEEP });
    const r = cli(root, []);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        '',
        'src/tick.rs',
        `  2:5  error  ${SLEEP_MESSAGE}  no-thread-sleep`,
        '',
        '\u2716 1 problem (1 error, 0 warnings)',
        '  1 error and 0 warnings potentially fixable with the --fix option.',
        '',
        '',
      ].join('\n'),
    );
  });

  test('2 for an unknown flag', () => {
    const r = cli(crate({}), ['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rustokio-lint: Unknown argument: frobnicate\nRun "rustokio-lint --help" for usage.\n');
  });

  test('2 for a bad config, naming the file and the key', () => {
    const root = crate({ '.rustokiorc.json': '{"rules": {"no-thread-sleep": ["warn", {"loopStyle": "fast"}]}}', 'src/main.rs': SLEEP });
    const r = cli(root, []);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `rustokio-lint: Invalid configuration in ${root}/.rustokiorc.json: rules.no-thread-sleep[1].loopStyle: expected one of "interval", "sleep", got string "fast"\n`,
    );
  });

  test('2 for a missing path; the other files are still reported', () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    const r = cli(root, ['--format', 'compact', 'missing.rs', 'src']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rustokio-lint: No such file or directory: missing.rs\n');
    expect(r.stdout).toBe(`src/tick.rs:2:5: error ${noThreadSleep.meta.messages.async} [no-thread-sleep]\n`);
  });

  test('2 for --stdin-filename without --stdin and an empty --cache-location', () => {
    const r = cli(crate({}), ['--stdin-filename', 'x.rs']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rustokio-lint: --stdin-filename needs --stdin\n/);
    expect(cli(crate({}), ['--cache', '--cache-location', '']).code).toBe(2);
  });

  test('2 for conflicting fix modes and a bad --max-warnings', () => {
    expect(cli(crate({}), ['--fix', '--fix-dry-run']).stderr).toMatch(/--fix and --fix-dry-run cannot be used together/);
    expect(cli(crate({}), ['--diff', '--fix']).code).toBe(2);
    expect(cli(crate({}), ['--max-warnings', 'many']).code).toBe(2);
    expect(cli(crate({}), ['--format', 'xml']).stderr).toMatch(/^rustokio-lint: Unknown format "xml"; available: stylish, json, compact, sarif, github, junit\n/);
  });
});

describe('several rules', () => {
  const BOTH = `${SLEEP}\nfn main() {\n    std::thread::spawn(|| {\n        println!("hi");\n    });\n}\n`;

  test('findings of several rules in one file, in position order; --fix fixes both', () => {
    const root = crate({ 'src/main.rs': BOTH });
    const r = cli(root, ['--format', 'json']);
    expect(r.code).toBe(1);
    expect(json(r.stdout)[0].messages.map((m: any) => [m.ruleId, m.line, m.column])).toEqual([
      ['no-thread-sleep', 2, 5],
      ['no-thread-spawn', 6, 5],
    ]);
    expect(cli(root, ['--fix'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(fs.readFileSync(path.join(root, 'src/main.rs'), 'utf8')).not.toMatch(/std::thread::/);
    expect(cli(root, [])).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('--format json', () => {
  test('positions are UTF-16 columns after emoji and CJK text', () => {
    const text = 'async fn f() {\n    let s = "\u{1F600}\u4E2D\u6587"; std::thread::sleep(std::time::Duration::from_millis(5));\n}\n';
    const root = crate({ 'src/emoji.rs': text });
    const r = cli(root, ['--format', 'json']);
    expect(r.code).toBe(1);
    expect(json(r.stdout)).toEqual([
      {
        filePath: path.join(root, 'src/emoji.rs'),
        messages: [
          {
            ruleId: 'no-thread-sleep',
            severity: 2,
            message: noThreadSleep.meta.messages.async,
            messageId: 'async',
            line: 2,
            column: 21,
            endLine: 2,
            endColumn: 76,
            fix: { range: [35, 90], text: 'tokio::time::sleep(std::time::Duration::from_millis(5)).await' },
          },
        ],
        errorCount: 1,
        fatalErrorCount: 0,
        warningCount: 0,
        fixableErrorCount: 1,
        fixableWarningCount: 0,
        source: text,
      },
    ]);
    // The range indexes the JavaScript string, as ESLint's do.
    expect(text.slice(35, 90)).toBe('std::thread::sleep(std::time::Duration::from_millis(5))');
  });

  test('a CRLF file: lines and ranges count \\r\\n as one break; --fix-dry-run output keeps CRLF', () => {
    const text = 'async fn g() {\r\n    std::thread::sleep(std::time::Duration::from_millis(5));\r\n}\r\n';
    const root = crate({ 'src/crlf.rs': text });
    const [r] = json(cli(root, ['--format', 'json']).stdout);
    expect(r.messages.map((m: any) => [m.line, m.column, m.endLine, m.endColumn, m.fix.range])).toEqual([[2, 5, 2, 60, [20, 75]]]);
    const [d] = json(cli(root, ['--format', 'json', '--fix-dry-run']).stdout);
    expect(d.output).toBe('async fn g() {\r\n    tokio::time::sleep(std::time::Duration::from_millis(5)).await;\r\n}\r\n');
    expect(d.messages).toEqual([]);
    expect(fs.readFileSync(path.join(root, 'src/crlf.rs'), 'utf8')).toBe(text);
  });

  test('a BOM is kept in output and source; positions are of the text without it', () => {
    const root = crate({ 'src/bom.rs': `\uFEFF${SLEEP}` });
    const [r] = json(cli(root, ['--format', 'json']).stdout);
    expect(r.messages[0].fix.range).toEqual([22, 77]);
    expect(r.source).toBe(`\uFEFF${SLEEP}`);
    const [d] = json(cli(root, ['--format', 'json', '--fix-dry-run']).stdout);
    expect(d.output).toBe(`\uFEFF${SLEEP_FIXED}`);
  });
});

describe('fixing', () => {
  test('--fix writes the fixed file, keeps its mode, and leaves unchanged files alone', () => {
    const root = crate({ 'src/tick.rs': SLEEP, 'src/main.rs': CLEAN });
    const tick = path.join(root, 'src/tick.rs');
    const main = path.join(root, 'src/main.rs');
    fs.chmodSync(tick, 0o640);
    const past = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(main, past, past);
    const mainIno = fs.statSync(main).ino;
    const r = cli(root, ['--fix']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(fs.readFileSync(tick, 'utf8')).toBe(SLEEP_FIXED);
    expect(fs.statSync(tick).mode & 0o777).toBe(0o640);
    expect(fs.statSync(main).mtime.getTime()).toBe(past.getTime());
    expect(fs.statSync(main).ino).toBe(mainIno);
    // No temp file is left behind.
    expect(fs.readdirSync(path.join(root, 'src')).sort()).toEqual(['main.rs', 'tick.rs']);
  });

  test('--fix through a symlink rewrites the target and keeps the link', () => {
    const root = crate({ 'real/tick.rs': SLEEP });
    fs.mkdirSync(path.join(root, 'src'));
    fs.symlinkSync(path.join(root, 'real/tick.rs'), path.join(root, 'src/tick.rs'));
    expect(cli(root, ['--fix', 'src/tick.rs']).code).toBe(0);
    expect(fs.lstatSync(path.join(root, 'src/tick.rs')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(root, 'real/tick.rs'), 'utf8')).toBe(SLEEP_FIXED);
  });

  test('--fix-dry-run puts the fixed text in output and writes nothing', () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    const r = cli(root, ['--fix-dry-run', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toEqual([
      {
        filePath: path.join(root, 'src/tick.rs'),
        messages: [],
        errorCount: 0,
        fatalErrorCount: 0,
        warningCount: 0,
        fixableErrorCount: 0,
        fixableWarningCount: 0,
        output: SLEEP_FIXED,
      },
    ]);
    expect(fs.readFileSync(path.join(root, 'src/tick.rs'), 'utf8')).toBe(SLEEP);
  });

  test('--diff prints a unified diff, writes nothing, and exits 1 when there is something to fix', () => {
    const root = crate({ 'src/tick.rs': SLEEP, 'src/main.rs': CLEAN });
    const r = cli(root, ['--diff']);
    expect(r).toEqual({
      code: 1,
      stderr: '',
      stdout: [
        '--- a/src/tick.rs',
        '+++ b/src/tick.rs',
        '@@ -1,3 +1,3 @@',
        ' async fn tick() {',
        '-    std::thread::sleep(std::time::Duration::from_millis(5));',
        '+    tokio::time::sleep(std::time::Duration::from_millis(5)).await;',
        ' }',
        '',
      ].join('\n'),
    });
    expect(fs.readFileSync(path.join(root, 'src/tick.rs'), 'utf8')).toBe(SLEEP);
    expect(cli(crate({ 'src/main.rs': CLEAN }), ['--diff'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('a file that is not UTF-8 is reported, not linted, and never rewritten', () => {
    const latin1 = Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from(`\n${SLEEP}`)]);
    const root = crate({ 'src/latin1.rs': latin1, 'src/tick.rs': SLEEP });
    const r = cli(root, ['--fix', '--format', 'compact']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('src/latin1.rs:1:1: error File is not valid UTF-8; it was not linted.\n');
    expect(fs.readFileSync(path.join(root, 'src/latin1.rs')).equals(latin1)).toBe(true);
    expect(fs.readFileSync(path.join(root, 'src/tick.rs'), 'utf8')).toBe(SLEEP_FIXED);
  });

  test('a file with NUL bytes is reported as binary', () => {
    const root = crate({ 'src/blob.rs': Buffer.from([0x66, 0x6e, 0x00, 0x01]) });
    expect(cli(root, ['--format', 'compact'])).toEqual({
      code: 1,
      stdout: 'src/blob.rs:1:1: error File contains NUL bytes (binary?); it was not linted.\n',
      stderr: '',
    });
  });
});

describe('flags', () => {
  test('--rule sets a severity, or a severity with options', () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    expect(cli(root, ['--rule', 'no-thread-sleep: off'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const [r] = json(cli(root, ['--format', 'json', '--rule', 'no-thread-sleep: ["warn", {"loopStyle": "sleep"}]']).stdout);
    expect([r.errorCount, r.warningCount, r.messages[0].severity]).toEqual([0, 1, 1]);
    const bad = cli(root, ['--rule', 'no-such-rule: warn']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^rustokio-lint: Invalid configuration in --rule: rules\.no-such-rule: unknown rule "no-such-rule"/);
  });

  test('--report-unused-disable-directives reports a directive that suppressed nothing', () => {
    const text = 'fn main() {\n    // rustokio-lint-disable-next-line no-thread-sleep\n    println!("hi");\n}\n';
    const root = crate({ 'src/main.rs': text });
    expect(cli(root, []).code).toBe(0);
    const r = cli(root, ['--report-unused-disable-directives', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(json(r.stdout)[0].messages.map((m: any) => [m.ruleId, m.severity, m.line, m.column])).toEqual([[null, 2, 2, 5]]);
  });

  test('--max-warnings: more warnings than allowed exit 1', () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    const warn = ['--rule', 'no-thread-sleep: warn', '--format', 'compact'];
    expect(cli(root, warn).code).toBe(0);
    expect(cli(root, [...warn, '--max-warnings', '1']).code).toBe(0);
    const r = cli(root, [...warn, '--max-warnings', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('rustokio-lint: too many warnings (maximum: 0).\n');
  });

  test('--quiet reports errors only', () => {
    const root = crate({ 'src/a.rs': SLEEP, 'src/b.rs': SLEEP, '.rustokiorc.json': '{"extends": "rustokio:recommended", "overrides": [{"files": "b.rs", "rules": {"no-thread-sleep": "warn"}}]}' });
    expect(cli(root, ['--format', 'compact']).stdout.split('\n').filter(Boolean).map((l) => l.split(' ')[0] + l.split(' ')[1])).toEqual([
      'src/a.rs:2:5:error',
      'src/b.rs:2:5:warning',
    ]);
    const q = cli(root, ['--format', 'compact', '--quiet']);
    expect(q.stdout.split('\n').filter(Boolean).map((l) => l.split(' ')[0])).toEqual(['src/a.rs:2:5:']);
    const warnOnly = cli(root, ['--quiet', 'src/b.rs']);
    expect(warnOnly).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('--no-config ignores config files; --config adds one', () => {
    const root = crate({ '.rustokiorc.json': '{"rules": {"no-thread-sleep": "off"}}', 'strict.json': '{"rules": {"no-thread-sleep": "warn"}}', 'src/tick.rs': SLEEP });
    expect(cli(root, []).code).toBe(0);
    expect(cli(root, ['--no-config']).code).toBe(1);
    const [r] = json(cli(root, ['--format', 'json', '--config', 'strict.json']).stdout);
    expect(r.warningCount).toBe(1);
  });

  test('config files in Cargo.toml apply', () => {
    const root = crate({
      'Cargo.toml': '[package]\nname = "demo"\nversion = "0.1.0"\n\n[package.metadata.rustokio]\nextends = "rustokio:recommended"\nrules = { no-thread-sleep = "warn" }\n',
      'src/tick.rs': SLEEP,
    });
    const [r] = json(cli(root, ['--format', 'json']).stdout);
    expect([r.errorCount, r.warningCount]).toEqual([0, 1]);
  });

  test('--print-config prints the configuration of a file', () => {
    const root = crate({ '.rustokiorc.json': '{"extends": "rustokio:recommended", "rules": {"no-thread-sleep": ["warn", {"loopStyle": "sleep"}]}, "settings": {"ambientRuntime": false}}' });
    const r = cli(root, ['--print-config', 'src/any.rs']);
    expect(r.code).toBe(0);
    const expected: Record<string, unknown> = {};
    for (const id of [...allRules.keys()].sort()) {
      const rule = allRules.get(id)!;
      expected[id] = Object.keys(rule.defaultOptions).length ? ['error', rule.defaultOptions] : 'error';
    }
    expected['no-thread-sleep'] = ['warn', { loopStyle: 'sleep' }];
    expect(JSON.parse(r.stdout)).toEqual({ rules: expected, settings: { ambientRuntime: false } });
  });

  test('--list-rules lists every rule with its default severity, fixability and description', () => {
    const r = cli(crate({}), ['--list-rules']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual([...allRules.keys()].sort());
    expect(lines).toContain(`no-thread-sleep       error  fixable  ${noThreadSleep.meta.description}`);
  });

  test('--explain prints the doc page; an unknown rule exits 2', () => {
    const r = cli(crate({}), ['--explain', 'no-thread-sleep']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(fs.readFileSync(path.join(__dirname, '..', 'docs', 'rules', 'no-thread-sleep.md'), 'utf8'));
    const bad = cli(crate({}), ['--explain', 'no-such-rule']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^rustokio-lint: unknown rule "no-such-rule"; known rules: /);
  });

  test('--init writes .rustokiorc.json once', () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    expect(cli(root, ['--init'])).toEqual({ code: 0, stdout: `Created ${root}/.rustokiorc.json\n`, stderr: '' });
    expect(JSON.parse(fs.readFileSync(path.join(root, '.rustokiorc.json'), 'utf8'))).toEqual({ extends: ['rustokio:recommended'] });
    const again = cli(root, ['--init']);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`rustokio-lint: a configuration file already exists: ${root}/.rustokiorc.json\n`);
  });

  test('--output-file writes the report to a file instead of stdout', () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    const r = cli(root, ['--format', 'json', '--output-file', 'out/report.json']);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(json(fs.readFileSync(path.join(root, 'out/report.json'), 'utf8'))[0].errorCount).toBe(1);
  });

  test('colours: off when not a terminal, FORCE_COLOR and --color turn them on, NO_COLOR and --no-color off', () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    const ESC = '\x1b[';
    expect(cli(root, []).stdout).not.toContain(ESC);
    expect(cli(root, [], { FORCE_COLOR: '1' }).stdout).toContain(ESC);
    expect(cli(root, ['--no-color'], { FORCE_COLOR: '1' }).stdout).not.toContain(ESC);
    expect(cli(root, [], { NO_COLOR: '1', FORCE_COLOR: '1' }).stdout).not.toContain(ESC);
    expect(cli(root, ['--color'], { NO_COLOR: '1' }).stdout).toContain(ESC);
  });

  test('an ignored file named explicitly gets a warning; --no-ignore lints it', () => {
    const root = crate({ '.gitignore': 'gen/\n', 'gen/tick.rs': SLEEP });
    expect(cli(root, [])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(cli(root, ['--format', 'compact', 'gen/tick.rs'])).toEqual({
      code: 0,
      stdout: 'gen/tick.rs:1:1: warning File ignored because of a matching ignore pattern. Use "--no-ignore" to override.\n',
      stderr: '',
    });
    expect(cli(root, ['--no-ignore', 'gen/tick.rs']).code).toBe(1);
    expect(cli(root, ['--ignore-pattern', 'src/', '--no-ignore']).code).toBe(1);
  });

  test('--stats prints timings to stderr; --threads is accepted; --version and --help exit 0', () => {
    const root = crate({ 'src/main.rs': CLEAN });
    const r = cli(root, ['--stats', '--threads', '2']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^stats: 1 files, [\d.]+ KiB; discover [\d.]+ ms, read [\d.]+ ms, index [\d.]+ ms, lint [\d.]+ ms, write [\d.]+ ms, format [\d.]+ ms, total [\d.]+ ms\n/,
    );
    expect(r.stderr).toMatch(
      /\nstats: 0 worker thread\(s\); [01] file\(s\) linted, [01] skipped by the prefilter, 0 from the cache, \d+ indexed up front; thread time: parse [\d.]+ ms, rules and fixes [\d.]+ ms, index on demand [\d.]+ ms\n$/,
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(cli(root, ['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const help = cli(root, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^rustokio-lint \[paths\.\.\]\n/);
    expect(help.stdout).toContain('--unsafe-fixes');
  });
});

describe('argv without yargs', () => {
  /** The keys the command line reads. */
  const KEYS = [
    'paths', 'fix', 'unsafe-fixes', 'fix-dry-run', 'diff', 'format', 'output-file', 'rule', 'config', 'ignore-pattern', 'ignore',
    'max-warnings', 'quiet', 'report-unused-disable-directives', 'print-config', 'init', 'list-rules', 'explain', 'color',
    'threads', 'stats', 'cache', 'cache-location', 'stdin', 'stdin-filename', 'lsp', 'stdio', 'help', 'version',
  ];
  const pick = (argv: Record<string, unknown>) => Object.fromEntries(KEYS.map((k) => [k, argv[k]]));

  test.each([
    [[]],
    [['src/main.rs']],
    [['a.rs', 'b.rs', 'src', '123', 'true', 'x y.rs']],
    [['--fix', '--unsafe-fixes', 'src/lib.rs']],
    [['--fix-dry-run', '--format', 'json', '-o', 'out.json', 'a.rs']],
    [['--diff', '--quiet', '--report-unused-disable-directives', '--stats']],
    [['-f', 'compact', '--max-warnings', '0', '--threads', '2', '.']],
    [['--cache', '--cache-location', 'build/', '--no-ignore', 'crates']],
    [['--no-config', '--no-color', 'x.rs']],
    [['--color', '-c', 'cfg.json', 'x.rs']],
    [['--config', '.rustokiorc.json']],
    [['--stdin', '--stdin-filename', 'src/jobs.rs', '--fix']],
    [['--print-config', 'src/main.rs']],
    [['--explain', 'no-thread-sleep']],
    [['--init']],
    [['--list-rules']],
    [['--lsp', '--stdio']],
  ])('%j is parsed as yargs parses it', async (args) => {
    const simple = parseSimpleArgs(args);
    expect(simple).not.toBeNull();
    const { argv } = await parseWithYargs(args);
    expect(pick(simple!)).toEqual(pick(argv));
  });

  test.each([
    [['--rule', 'no-thread-sleep: off', 'a.rs']],
    [['--ignore-pattern', 'gen/']],
    [['--fix', '--fix']],
    [['--color', '--no-color']],
    [['--config', 'a.json', '--no-config']],
    [['--format=json']],
    [['--', '-weird.rs']],
    [['-']],
    [['']],
    [['--help']],
    [['-h']],
    [['--version']],
    [['--no-fix']],
    [['--unknown-flag']],
    [['-fq']],
    [['--format']],
    [['--format', '--fix']],
    [['--max-warnings', '-1']],
    [['--max-warnings', 'lots']],
    [['--threads', '1.5']],
  ])('%j is left to yargs', (args) => {
    expect(parseSimpleArgs(args)).toBeNull();
  });

  test('the binary with plain argv behaves as with yargs: a bad value, a missing path', () => {
    const root = crate({ 'src/main.rs': CLEAN });
    expect(cli(root, ['--format', 'nope', 'src'])).toEqual(cli(root, ['--format=nope', 'src']));
    const bad = cli(root, ['--format', 'nope', 'src']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown format "nope"');
    expect(cli(root, ['--max-warnings', '0', 'missing.rs'])).toEqual(cli(root, ['--max-warnings=0', 'missing.rs']));
  });
});

describe('start-up: what a run loads', () => {
  /** The binary, run with a preload that prints which of these packages were loaded when it exits. */
  function loaded(cwd: string, args: string[]): { code: number | null; loaded: string[] } {
    const probe = path.join(cwd, '.probe.js');
    fs.writeFileSync(
      probe,
      `const marks = { yargs: '/yargs/', cosmiconfig: '/cosmiconfig/', ajv: '/ajv/dist/core.js', picomatch: '/picomatch/', 'tree-sitter': '/tree-sitter/', 'lint-files': '/lint-files.js', 'rule code': '/rules/no-thread-spawn.js' };` +
        `process.on('exit', () => { const k = Object.keys(require.cache); process.stderr.write('LOADED ' + JSON.stringify(` +
        `Object.keys(marks).filter((n) => k.some((f) => f.includes(marks[n]))))); });`,
    );
    const r = spawnSync(process.execPath, ['-r', probe, BIN, ...args], { cwd, encoding: 'utf8' });
    const m = /LOADED (.*)$/.exec(r.stderr);
    return { code: r.status, loaded: m ? JSON.parse(m[1]) : ['?'] };
  }

  test('plain argv and a JSON or Cargo.toml config with rule options: no yargs, cosmiconfig, ajv or picomatch', () => {
    const rc = crate({
      '.rustokiorc.json': JSON.stringify({ extends: ['rustokio:recommended'], rules: { 'no-thread-sleep': ['warn', { loopStyle: 'sleep' }] } }),
      'src/main.rs': SLEEP,
    });
    expect(loaded(rc, ['--format', 'compact', 'src/main.rs'])).toEqual({ code: 0, loaded: ['tree-sitter', 'lint-files', 'rule code'] });
    const cargo = crate({
      'Cargo.toml': '[package]\nname = "x"\n\n[package.metadata.rustokio.rules]\nno-thread-sleep = ["error", { loopStyle = "sleep" }]\n',
      'src/main.rs': SLEEP,
    });
    // Only no-thread-sleep is on there: no-thread-spawn's code is never loaded.
    expect(loaded(cargo, ['src/main.rs'])).toEqual({ code: 1, loaded: ['tree-sitter', 'lint-files'] });
    // What needs them still has them.
    expect(loaded(cargo, ['--rule', 'no-thread-sleep: off', 'src/main.rs']).loaded).toContain('yargs');
  });

  test('a --cache run over an unchanged project loads no tree-sitter, no lint engine and no rule code', () => {
    const root = crate({ 'Cargo.toml': '[package]\nname = "x"\n', 'src/main.rs': SLEEP, 'src/lib.rs': CLEAN });
    expect(loaded(root, ['--cache'])).toEqual({ code: 1, loaded: ['tree-sitter', 'lint-files', 'rule code'] });
    expect(loaded(root, ['--cache'])).toEqual({ code: 1, loaded: [] });
    // A glob pattern needs picomatch.
    expect(loaded(root, ['--cache', 'src/*.rs']).loaded).toEqual(['picomatch']);
  });
});

describe('runLint in process', () => {
  const boom = createRule({
    id: 'boom',
    meta: { description: 'Throw', fixable: false, recommended: 'error', messages: {}, schema: { type: 'object', properties: {} } },
    defaultOptions: {},
    create: () => ({
      function_item() {
        throw new Error('kaput');
      },
    }),
  });

  test('a rule that throws is reported with its id and file; the other rules go on; exit 2', async () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    const rules = new Map<string, RuleModule<any>>([
      ['boom', boom],
      ['no-thread-sleep', noThreadSleep],
    ]);
    const out = await runLint({ cwd: root, rules });
    expect(out.exitCode).toBe(2);
    expect(out.internalErrors).toEqual([`rule boom threw on ${path.join(root, 'src/tick.rs')}: kaput`]);
    expect(out.results.map((r) => [r.errorCount, r.messages.map((m) => m.ruleId)])).toEqual([[1, ['no-thread-sleep']]]);
  });

  test('the files of the crate around a linted file are read whole, one after another into the same buffer', async () => {
    // Callers in a file far larger than the buffer (it grows), in a small one read after it, and a
    // file that is not UTF-8 (passed by).
    const padding = `// ${'x'.repeat(96)}\n`.repeat(4000);
    const root = crate({
      'Cargo.toml': '[package]\nname = "reads"\nversion = "0.1.0"\nedition = "2021"\n',
      'src/lib.rs': 'mod big;\nmod latin;\nmod small;\nmod z_after;\n',
      'src/big.rs': `${padding}pub async fn run() {\n    crate::small::wait();\n}\n`,
      'src/latin.rs': Buffer.from([0x2f, 0x2f, 0x20, 0xe9, 0x0a]),
      'src/small.rs': 'pub fn wait() {\n    std::thread::sleep(std::time::Duration::from_millis(2));\n}\npub fn rest() {\n    std::thread::sleep(std::time::Duration::from_millis(3));\n}\n',
      'src/z_after.rs': 'pub async fn go() {\n    crate::small::rest();\n}\n',
    });
    const out = await runLint({ cwd: root, patterns: ['src/small.rs'] });
    expect(out.results.flatMap((r) => r.messages.map((m) => `${m.line} ${m.message}`))).toEqual([
      expect.stringMatching(/^2 .*`wait`, which async code calls .*async fn run/),
      expect.stringMatching(/^5 .*`rest`, which async code calls .*async fn go/),
    ]);
  });

  test('--fix skips a file that changed on disk since it was read', () => {
    const root = crate({ 'src/tick.rs': SLEEP });
    const file = path.join(root, 'src/tick.rs');
    const original = fs.readFileSync(file);
    fs.writeFileSync(file, `${SLEEP}// edited\n`);
    expect(writeFixed(file, original, SLEEP_FIXED)).toBe('the file changed on disk since it was read');
    expect(fs.readFileSync(file, 'utf8')).toBe(`${SLEEP}// edited\n`);
    expect(writeFixed(file, fs.readFileSync(file), SLEEP_FIXED)).toBeNull();
    expect(fs.readFileSync(file, 'utf8')).toBe(SLEEP_FIXED);
  });

  test('fixable counts include unsafe fixes only with unsafeFixes', async () => {
    const unsafeRule = createRule({
      id: 'unsafe-one',
      meta: { description: 'Flag fns', fixable: true, recommended: 'warn', messages: { m: 'fn' }, schema: { type: 'object', properties: {} } },
      defaultOptions: {},
      create: (ctx) => ({
        function_item(node) {
          if (node.previousNamedSibling?.type === 'attribute_item') return;
          ctx.report({ node, messageId: 'm', fix: { applicability: 'unsafe', edits: [{ start: node.startIndex, end: node.startIndex, text: '#[inline]\n' }] } });
        },
      }),
    });
    const root = crate({ 'src/a.rs': 'fn a() {}\n' });
    const rules = new Map<string, RuleModule<any>>([['unsafe-one', unsafeRule]]);
    const safeOnly = await runLint({ cwd: root, rules });
    expect(safeOnly.results.map((r) => [r.warningCount, r.fixableWarningCount])).toEqual([[1, 0]]);
    const withUnsafe = await runLint({ cwd: root, rules, unsafeFixes: true });
    expect(withUnsafe.results.map((r) => [r.warningCount, r.fixableWarningCount])).toEqual([[1, 1]]);
    const dry = await runLint({ cwd: root, rules, unsafeFixes: true, fixDryRun: true });
    expect(dry.results[0].output).toMatch(/^#\[inline\]\n/);
    expect(dry.exitCode).toBe(0);
  });
});

describe('progress', () => {
  function io(cwd: string, stderrTTY: boolean) {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      io: {
        cwd,
        env: {},
        stdout: { write: (s: string) => (out.stdout += s), isTTY: false },
        stderr: { write: (s: string) => (out.stderr += s), isTTY: stderrTTY },
      },
    };
  }
  const many: Record<string, string> = {};
  for (let i = 0; i < 60; i++) many[`src/m${String(i).padStart(2, '0')}.rs`] = CLEAN;

  test('shown on stderr for a long run when stderr is a terminal, and cleared', async () => {
    const root = crate(many);
    const t = io(root, true);
    expect(await main([], t.io)).toBe(0);
    expect(t.out.stderr).toContain('\r\x1b[Klinting 1/60 files');
    expect(t.out.stderr.endsWith('\r\x1b[Klinting 60/60 files\r\x1b[K')).toBe(true);
    expect(t.out.stdout).toBe('');
  });

  test('never when stderr is not a terminal, nor for a short run', async () => {
    const root = crate(many);
    const t = io(root, false);
    expect(await main([], t.io)).toBe(0);
    expect(t.out.stderr).toBe('');
    const short = io(crate({ 'src/main.rs': CLEAN }), true);
    expect(await main([], short.io)).toBe(0);
    expect(short.out.stderr).toBe('');
  });
});
