/**
 * The command line (SPEC §8): parses flags with yargs, runs `runLint`,
 * formats the results, and returns the exit code: 0 clean, 1 errors remain
 * (or too many warnings, or `--diff` has changes), 2 usage, configuration
 * or internal error.
 *
 * Start-up time counts (an editor or a hook runs the linter on one file):
 * plain argv — paths and the common flags, each at most once — is parsed
 * here without loading yargs (`parseSimpleArgs`, tested to agree with it);
 * everything else goes through yargs.
 */
import * as fs from 'fs';
import * as path from 'path';
import picocolors from 'picocolors';
import { ConfigError, ConfigResolver, configFileInDir, parseRuleFlags, toConfigObject } from './config';
import { runLint, RunOptions } from './run';
import { formatterNames, loadFormatter, RuleInfo } from './formatters';
import { allRules } from '../rules';
import { readStdin } from './stdin';

export interface CliIO {
  stdout: { write(s: string | Uint8Array): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where `--stdin` reads; default process.stdin. */
  stdin?: NodeJS.ReadableStream;
}

class UsageError extends Error {}

/** Progress is shown on a terminal for runs with at least this many files. */
const PROGRESS_MIN_FILES = 50;
/** The file name `--stdin` lints as when `--stdin-filename` is not given. */
const STDIN_DEFAULT_NAME = 'stdin.rs';

export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function buildParser(args: string[]) {
  // Loaded here: plain argv never needs it.
  const yargs = require('yargs/yargs') as typeof import('yargs/yargs');
  return yargs(args)
    .scriptName('rustokio-lint')
    .command('$0 [paths..]', 'Lint Rust files (files, directories or globs; default: .)', (y) =>
      y.positional('paths', { type: 'string', array: true, describe: 'Files, directories or globs' }),
    )
    .option('fix', { type: 'boolean', describe: 'Apply safe fixes and write the files' })
    .option('unsafe-fixes', { type: 'boolean', describe: 'Also apply (and count) unsafe fixes' })
    .option('fix-dry-run', { type: 'boolean', describe: 'Compute fixes without writing them (see --format json)' })
    .option('diff', { type: 'boolean', describe: 'Print a unified diff of what --fix would change; write nothing' })
    .option('format', { alias: 'f', type: 'string', describe: `Output format: ${formatterNames().join(', ')}`, default: 'stylish' })
    .option('output-file', { alias: 'o', type: 'string', describe: 'Write the report to this file' })
    .option('rule', { type: 'array', string: true, describe: "Set a rule: '<id>: <severity>' or '<id>: [\"warn\", {...}]'" })
    .option('config', { alias: 'c', type: 'string', describe: 'Use this configuration file (--no-config: ignore config files)' })
    .option('ignore-pattern', { type: 'array', string: true, describe: 'Ignore files matching this gitignore-style pattern' })
    .option('ignore', { type: 'boolean', default: true, describe: 'Respect .gitignore and ignorePatterns (--no-ignore)' })
    .option('max-warnings', { type: 'number', describe: 'Fail when there are more warnings than this' })
    .option('quiet', { type: 'boolean', describe: 'Report errors only' })
    .option('report-unused-disable-directives', { type: 'boolean', describe: 'Report disable directives that suppress nothing' })
    .option('print-config', { type: 'string', describe: 'Print the configuration for a file' })
    .option('init', { type: 'boolean', describe: 'Create a .rustokiorc.json in the current directory' })
    .option('list-rules', { type: 'boolean', describe: 'List the rules' })
    .option('explain', { type: 'string', describe: "Print a rule's documentation" })
    .option('color', { type: 'boolean', describe: 'Force colours on (--no-color: off)' })
    .option('threads', { type: 'number', describe: 'Worker threads for linting (default: the number of cores; small runs use none)' })
    .option('stats', { type: 'boolean', describe: 'Print timing per phase to stderr' })
    .option('cache', { type: 'boolean', describe: 'Only lint files that changed since the last cached run' })
    .option('cache-location', { type: 'string', describe: 'The cache file, or a directory for it (default: .rustokiocache)' })
    .option('stdin', { type: 'boolean', describe: `Lint text from stdin; with --fix, print the fixed text to stdout and the report to stderr` })
    .option('stdin-filename', { type: 'string', describe: `The path of the text on stdin: its config and crate apply (default: ${STDIN_DEFAULT_NAME})` })
    .option('lsp', { type: 'boolean', describe: 'Run the language server on stdin/stdout' })
    .option('stdio', { type: 'boolean', hidden: true, describe: 'Accepted with --lsp (what LSP clients pass)' })
    .version(packageVersion())
    .help()
    .alias('help', 'h')
    .strict()
    .wrap(null)
    .exitProcess(false);
}

type Argv = Record<string, unknown> & { _: (string | number)[] };

/** Boolean flags the simple parser knows (`--no-<flag>` is left to yargs, but for these). */
const SIMPLE_BOOLEANS = new Set([
  'fix', 'unsafe-fixes', 'fix-dry-run', 'diff', 'quiet', 'report-unused-disable-directives', 'init', 'list-rules',
  'color', 'stats', 'cache', 'stdin', 'lsp', 'stdio',
]);
const SIMPLE_NEGATIONS: Record<string, string> = { 'no-color': 'color', 'no-ignore': 'ignore', 'no-config': 'config' };
/** Flags with one string value (not the array ones: yargs gives them every value up to the next flag). */
const SIMPLE_STRINGS: Record<string, string> = {
  format: 'format', f: 'format', 'output-file': 'output-file', o: 'output-file', config: 'config', c: 'config',
  'cache-location': 'cache-location', 'stdin-filename': 'stdin-filename', 'print-config': 'print-config', explain: 'explain',
};
const SIMPLE_NUMBERS = new Set(['max-warnings', 'threads']);

/**
 * Parses plain argv as yargs would, without loading it: paths (not starting
 * with `-`), the boolean flags above (and `--no-color`, `--no-ignore`,
 * `--no-config`), `--flag value` for the string flags and `--max-warnings` /
 * `--threads` with a decimal integer — each flag at most once. Returns null
 * for anything else (`--flag=value`, `--`, `--rule`, `--help`, an unknown or
 * repeated flag, a value starting with `-`, an empty argument).
 */
export function parseSimpleArgs(args: string[]): Argv | null {
  const argv: Argv = { _: [], format: 'stylish', ignore: true };
  const paths: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '') return null;
    if (a[0] !== '-') {
      paths.push(a);
      continue;
    }
    const name = a.startsWith('--') ? a.slice(2) : a.length === 2 ? a.slice(1) : null;
    if (name === null || name === '' || name.includes('=')) return null;
    let key: string;
    let value: unknown;
    if (SIMPLE_BOOLEANS.has(name)) [key, value] = [name, true];
    else if (Object.prototype.hasOwnProperty.call(SIMPLE_NEGATIONS, name)) [key, value] = [SIMPLE_NEGATIONS[name], false];
    else if (Object.prototype.hasOwnProperty.call(SIMPLE_STRINGS, name) || SIMPLE_NUMBERS.has(name)) {
      const v = args[i + 1];
      if (v === undefined || v === '' || v[0] === '-') return null;
      i++;
      if (SIMPLE_NUMBERS.has(name)) {
        if (!/^\d{1,15}$/.test(v)) return null;
        [key, value] = [name, Number(v)];
      } else [key, value] = [SIMPLE_STRINGS[name], v];
    } else return null;
    if (seen.has(key)) return null;
    seen.add(key);
    argv[key] = value;
  }
  if (paths.length) argv.paths = paths;
  return argv;
}

/** Parses `args`; resolves with argv, or with the text yargs printed for --help/--version. */
function parseArgs(args: string[]): Promise<{ argv: Argv; output: string }> {
  const simple = parseSimpleArgs(args);
  if (simple) return Promise.resolve({ argv: simple, output: '' });
  return parseWithYargs(args);
}

/** parseArgs with yargs, always (tests compare it with parseSimpleArgs). */
export function parseWithYargs(args: string[]): Promise<{ argv: Argv; output: string }> {
  return new Promise((resolve, reject) => {
    buildParser(args)
      .fail((msg, err) => {
        throw new UsageError(msg || (err && err.message) || 'invalid arguments');
      })
      .parse(args, {}, (err, argv, output) => {
        if (err) reject(err instanceof UsageError ? err : new UsageError(err.message));
        else resolve({ argv: argv as Argv, output });
      });
  });
}

/** The last value of a flag given several times. */
function last<T>(v: T | T[] | undefined): T | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function strings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function colorEnabled(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

function rulesMeta(): Record<string, RuleInfo> {
  const out: Record<string, RuleInfo> = {};
  for (const [id, r] of allRules) out[id] = { description: r.meta.description, fixable: r.meta.fixable, docsUrl: r.meta.docsUrl };
  return out;
}

export async function main(args: string[], io: CliIO = defaultIO()): Promise<number> {
  const err = (s: string) => io.stderr.write(`rustokio-lint: ${s}\n`);
  try {
    return await mainUnsafe(args, io, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${e.message}\nRun "rustokio-lint --help" for usage.`);
      return 2;
    }
    if (e instanceof ConfigError) {
      err(e.message);
      return 2;
    }
    err(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 2;
  }
}

async function mainUnsafe(args: string[], io: CliIO, err: (s: string) => void): Promise<number> {
  const { argv, output } = await parseArgs(args);
  if (argv.help || argv.version) {
    io.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    return 0;
  }
  if (argv.lsp) {
    // Loaded only here: the editor's server needs the LSP library, the CLI does not.
    const { startServer } = require('./lsp/server') as typeof import('./lsp/server');
    return startServer();
  }
  const stdin = !!argv.stdin;
  const stdinFilename = last(argv['stdin-filename'] as string | string[] | undefined);
  if (stdinFilename !== undefined && !stdin) throw new UsageError('--stdin-filename needs --stdin');
  if (stdinFilename === '') throw new UsageError('--stdin-filename needs a file name');
  if (stdin && strings(argv.paths).length) throw new UsageError('--stdin cannot be used with paths');
  const cacheLocation = last(argv['cache-location'] as string | string[] | undefined);
  if (cacheLocation === '') throw new UsageError('--cache-location needs a path');

  const cwd = path.resolve(io.cwd);
  const configFlag = last(argv.config as string | false | (string | false)[] | undefined);
  const configFile = typeof configFlag === 'string' ? configFlag : undefined;
  if (configFile === '') throw new UsageError('--config needs a file name');
  const useConfigFiles = configFlag !== false;
  const ruleFlags = strings(argv.rule);

  if (argv.init) return init(cwd, io, err);
  if (argv['list-rules']) {
    io.stdout.write(listRules());
    return 0;
  }
  const explain = last(argv.explain as string | string[] | undefined);
  if (explain !== undefined) return explainRule(explain, io, err);
  const printConfig = last(argv['print-config'] as string | string[] | undefined);
  if (printConfig !== undefined) {
    if (printConfig === '') throw new UsageError('--print-config needs a file name');
    const resolver = new ConfigResolver({ cwd, configFile, useConfigFiles, cliRules: parseRuleFlags(ruleFlags) });
    io.stdout.write(`${JSON.stringify(toConfigObject(resolver.configFor(path.resolve(cwd, printConfig))), null, 2)}\n`);
    return 0;
  }

  const fix = !!argv.fix;
  const fixDryRun = !!argv['fix-dry-run'];
  const diff = !!argv.diff;
  if (fix && fixDryRun) throw new UsageError('--fix and --fix-dry-run cannot be used together');
  if (diff && (fix || fixDryRun)) throw new UsageError('--diff cannot be used with --fix or --fix-dry-run');
  const maxWarnings = last(argv['max-warnings'] as number | number[] | undefined);
  if (maxWarnings !== undefined && (maxWarnings === null || !Number.isInteger(maxWarnings))) {
    throw new UsageError('--max-warnings needs an integer');
  }
  const threads = last(argv.threads as number | number[] | undefined);
  if (threads !== undefined && (threads === null || !Number.isInteger(threads) || threads < 1)) {
    throw new UsageError('--threads needs a positive integer');
  }
  const formatName = last(argv.format as string | string[]) ?? 'stylish';
  let formatter;
  try {
    formatter = loadFormatter(formatName);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const outputFile = last(argv['output-file'] as string | string[] | undefined);
  if (outputFile === '') throw new UsageError('--output-file needs a file name');

  const stdinText = stdin ? await readStdin(io.stdin ?? process.stdin) : undefined;
  const showProgress = !!io.stderr.isTTY;
  let progressShown = false;
  const options: RunOptions = {
    cwd,
    patterns: strings(argv.paths),
    fix,
    fixDryRun,
    diff,
    unsafeFixes: !!argv['unsafe-fixes'],
    configFile,
    useConfigFiles,
    ruleFlags,
    ignore: argv.ignore !== false,
    ignorePatterns: strings(argv['ignore-pattern']),
    quiet: !!argv.quiet,
    maxWarnings: maxWarnings ?? -1,
    reportUnusedDisableDirectives: !!argv['report-unused-disable-directives'],
    threads,
    cache: !!argv.cache,
    cacheLocation,
    stdin: stdinText ? { text: stdinText, filePath: stdinFilename ?? STDIN_DEFAULT_NAME } : undefined,
    onProgress: showProgress
      ? (done, total) => {
          if (total < PROGRESS_MIN_FILES) return;
          progressShown = true;
          io.stderr.write(`\r\x1b[Klinting ${done}/${total} files`);
        }
      : undefined,
  };
  const outcome = await runLint(options);
  if (progressShown) io.stderr.write('\r\x1b[K');

  const tf = now();
  const colors = picocolors.createColors(colorEnabled(argv.color as boolean | undefined, io.env, !outputFile && !!io.stdout.isTTY));
  const context = { cwd, colors, unsafeFixes: !!argv['unsafe-fixes'], rulesMeta: rulesMeta() };
  if (diff) {
    io.stdout.write(outcome.diff);
    const errors = outcome.results.reduce((n, r) => n + r.errorCount, 0);
    const warnings = outcome.results.reduce((n, r) => n + r.warningCount, 0);
    if (errors + warnings > 0) err(`${errors} error(s) and ${warnings} warning(s) would remain after fixing.`);
    if (outputFile) writeOutput(cwd, outputFile, formatter(outcome.results, context));
  } else if (stdin && fix) {
    // --stdin --fix: the fixed text (or the text as it came) on stdout, the report on stderr.
    const fixed = outcome.results.find((r) => r.output !== undefined)?.output;
    io.stdout.write(fixed ?? stdinText!);
    const text = formatter(outcome.results, context);
    if (outputFile) writeOutput(cwd, outputFile, text);
    else io.stderr.write(text);
  } else {
    const text = formatter(outcome.results, context);
    if (outputFile) writeOutput(cwd, outputFile, text);
    else io.stdout.write(text);
  }
  const formatMs = now() - tf;

  for (const e of outcome.internalErrors) err(e);
  if (outcome.tooManyWarnings) err(`too many warnings (maximum: ${maxWarnings}).`);
  if (argv.stats) {
    const s = outcome.stats;
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    io.stderr.write(
      `stats: ${s.files} files, ${(s.bytes / 1024).toFixed(1)} KiB; discover ${ms(s.discoverMs)}, read ${ms(s.readMs)}, ` +
        `index ${ms(s.indexMs)}, lint ${ms(s.lintMs)}, write ${ms(s.writeMs)}, format ${ms(formatMs)}, total ${ms(s.totalMs + formatMs)}\n`,
    );
    const e = s.engine;
    if (e) {
      io.stderr.write(
        `stats: ${e.workers} worker thread(s); ${e.linted} file(s) linted, ${e.skipped} skipped by the prefilter, ${e.cached} from the cache, ` +
          `${e.indexedUpFront} indexed up front; thread time: parse ${ms(e.parseCpuMs)}, rules and fixes ${ms(e.ruleCpuMs)}, index on demand ${ms(e.indexCpuMs)}\n`,
      );
    }
  }
  return outcome.exitCode;
}

function writeOutput(cwd: string, file: string, text: string): void {
  const abs = path.resolve(cwd, file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, text);
}

function init(cwd: string, io: CliIO, err: (s: string) => void): number {
  const existing = configFileInDir(cwd);
  if (existing) {
    err(`a configuration file already exists: ${existing}`);
    return 2;
  }
  const file = path.join(cwd, '.rustokiorc.json');
  fs.writeFileSync(file, `${JSON.stringify({ extends: ['rustokio:recommended'] }, null, 2)}\n`);
  io.stdout.write(`Created ${file}\n`);
  return 0;
}

export function listRules(): string {
  const rules = [...allRules.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const w = Math.max(...rules.map((r) => r.id.length));
  return rules
    .map((r) => `${r.id.padEnd(w)}  ${r.meta.recommended.padEnd(5)}  ${r.meta.fixable ? 'fixable' : '       '}  ${r.meta.description}\n`)
    .join('');
}

function explainRule(id: string, io: CliIO, err: (s: string) => void): number {
  const rule = allRules.get(id);
  if (!rule) {
    err(`unknown rule "${id}"; known rules: ${[...allRules.keys()].sort().join(', ')}`);
    return 2;
  }
  const doc = path.join(packageRoot(), 'docs', 'rules', `${id}.md`);
  try {
    const text = fs.readFileSync(doc, 'utf8');
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  } catch {
    io.stdout.write(`# ${id}\n\n${rule.meta.description}\n\nSee ${rule.meta.docsUrl}\n`);
  }
  return 0;
}

function now(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/** Entry point of bin/rustokio-lint.js. */
export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`rustokio-lint: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
