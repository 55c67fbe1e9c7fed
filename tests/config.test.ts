/**
 * Configuration: every file kind of SPEC §7 is found and applied, configs
 * merge nearer-over-farther, `extends`, `overrides`, `ignorePatterns`,
 * `settings`, `--config`/`--no-config`/`--rule`, and every class of bad
 * config is a ConfigError naming the file and the key.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, ConfigResolver, parseRuleFlags, recommendedConfig, toConfigObject, validateConfig, RuleRegistry } from '../lib/config';
import { PrecompiledValidators, setPrecompiledValidators } from '../lib/config/validate';
import { GENERATED_FILE, validatorsSource } from '../lib/config/precompile';
import { createRule, RuleModule } from '../lib/rule';
import { allRules } from '../rules';

const ruleA = createRule({
  id: 'rule-a',
  meta: {
    description: 'Disallow a',
    fixable: true,
    recommended: 'error',
    messages: {},
    schema: {
      type: 'object',
      properties: { loopStyle: { enum: ['interval', 'sleep'] }, count: { type: 'integer' } },
      additionalProperties: false,
    },
  },
  defaultOptions: { loopStyle: 'interval' },
  create: () => ({}),
});
const ruleB = createRule({
  id: 'rule-b',
  meta: { description: 'Disallow b', fixable: false, recommended: 'warn', messages: {}, schema: { type: 'object', properties: {} } },
  defaultOptions: {},
  create: () => ({}),
});
const RULES: RuleRegistry = new Map<string, RuleModule<any>>([
  ['rule-a', ruleA],
  ['rule-b', ruleB],
]);

const tmpRoots: string[] = [];
afterAll(() => {
  for (const d of tmpRoots) fs.rmSync(d, { recursive: true, force: true });
});

/** A temp directory with these files (path → content); returns its real path. */
function tree(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-config-')));
  tmpRoots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return root;
}

function resolver(root: string, opts: Partial<ConstructorParameters<typeof ConfigResolver>[0]> = {}): ConfigResolver {
  return new ConfigResolver({ cwd: root, rules: RULES, ...opts });
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('finding config files', () => {
  const MAIN = 'crate/src/main.rs';
  const warnA = { severity: 1, options: { loopStyle: 'interval' } };

  test.each([
    ['.rustokiorc (JSON)', '.rustokiorc', '{"rules": {"rule-a": "warn"}}'],
    ['.rustokiorc (YAML)', '.rustokiorc', 'rules:\n  rule-a: warn\n'],
    ['.rustokiorc.json', '.rustokiorc.json', '{"rules": {"rule-a": "warn"}}'],
    ['.rustokiorc.yaml', '.rustokiorc.yaml', 'rules:\n  rule-a: 1\n'],
    ['.rustokiorc.yml', '.rustokiorc.yml', 'rules:\n  rule-a: warn\n'],
    ['.rustokiorc.js', '.rustokiorc.js', 'module.exports = { rules: { "rule-a": "warn" } };'],
    ['.rustokiorc.cjs', '.rustokiorc.cjs', 'module.exports = { rules: { "rule-a": "warn" } };'],
    ['rustokio.config.js', 'rustokio.config.js', 'module.exports = { rules: { "rule-a": "warn" } };'],
    ['rustokio.config.cjs', 'rustokio.config.cjs', 'module.exports = { rules: { "rule-a": ["warn"] } };'],
    ['Cargo.toml [package.metadata.rustokio]', 'Cargo.toml', '[package]\nname = "x"\n\n[package.metadata.rustokio.rules]\nrule-a = "warn"\n'],
    ['Cargo.toml [workspace.metadata.rustokio]', 'Cargo.toml', '[workspace]\nmembers = ["crate"]\n\n[workspace.metadata.rustokio]\nrules = { rule-a = "warn" }\n'],
  ])('%s is found from a file below it', (_name, file, text) => {
    const root = tree({ [file]: text, [MAIN]: 'fn main() {}\n' });
    const r = resolver(root);
    expect(r.configFor(path.join(root, MAIN))).toEqual({ rules: { 'rule-a': warnA }, settings: { ambientRuntime: 'auto' } });
    expect(r.configFilesFor(path.join(root, MAIN))).toEqual([path.join(root, file)]);
  });

  test('no config at all: rustokio:recommended with default options', () => {
    const root = tree({ [MAIN]: '' });
    expect(resolver(root).configFor(path.join(root, MAIN))).toEqual({
      rules: { 'rule-a': { severity: 2, options: { loopStyle: 'interval' } }, 'rule-b': { severity: 1, options: {} } },
      settings: { ambientRuntime: 'auto' },
    });
    expect(recommendedConfig(RULES)).toEqual(resolver(root).configFor(path.join(root, MAIN)));
  });

  test('a Cargo.toml without the metadata table is not a config: the search goes on up', () => {
    const root = tree({
      '.rustokiorc.json': '{"rules": {"rule-b": "error"}}',
      'crate/Cargo.toml': '[package]\nname = "x"\n[package.metadata.docs]\nall = true\n',
      [MAIN]: '',
    });
    expect(resolver(root).configFor(path.join(root, MAIN)).rules).toEqual({ 'rule-b': { severity: 2, options: {} } });
  });

  test('in one directory, .rustokiorc.json wins over Cargo.toml metadata', () => {
    const root = tree({
      'crate/.rustokiorc.json': '{"rules": {"rule-b": "error"}}',
      'crate/Cargo.toml': '[package]\nname = "x"\n[package.metadata.rustokio.rules]\nrule-a = "warn"\n',
      [MAIN]: '',
    });
    expect(resolver(root).configFilesFor(path.join(root, MAIN))).toEqual([path.join(root, 'crate/.rustokiorc.json')]);
  });

  test('an empty config file is skipped', () => {
    const root = tree({ 'crate/.rustokiorc': '', '.rustokiorc.json': '{"rules": {"rule-b": 2}}', [MAIN]: '' });
    expect(resolver(root).configFor(path.join(root, MAIN)).rules).toEqual({ 'rule-b': { severity: 2, options: {} } });
  });
});

describe('merging', () => {
  test('a nearer config is merged over a farther one', () => {
    const root = tree({
      '.rustokiorc.json': '{"rules": {"rule-a": ["warn", {"loopStyle": "sleep"}], "rule-b": "warn"}, "settings": {"ambientRuntime": true, "team": "core"}}',
      'crate/.rustokiorc.json': '{"rules": {"rule-b": "off"}, "settings": {"ambientRuntime": false}}',
      'crate/src/main.rs': '',
    });
    expect(resolver(root).configFor(path.join(root, 'crate/src/main.rs'))).toEqual({
      rules: { 'rule-a': { severity: 1, options: { loopStyle: 'sleep' } }, 'rule-b': { severity: 0, options: {} } },
      settings: { ambientRuntime: false, team: 'core' },
    });
  });

  test('root: true stops the upward search', () => {
    const root = tree({
      '.rustokiorc.json': '{"rules": {"rule-a": "error"}}',
      'crate/.rustokiorc.json': '{"root": true, "rules": {"rule-b": "warn"}}',
      'crate/src/main.rs': '',
    });
    const r = resolver(root);
    expect(r.configFor(path.join(root, 'crate/src/main.rs')).rules).toEqual({ 'rule-b': { severity: 1, options: {} } });
    expect(r.configFilesFor(path.join(root, 'crate/src/main.rs'))).toEqual([path.join(root, 'crate/.rustokiorc.json')]);
  });

  test('a bare severity keeps the options an earlier config set; [severity, options] replaces them', () => {
    const root = tree({
      '.rustokiorc.json': '{"rules": {"rule-a": ["warn", {"loopStyle": "sleep", "count": 3}]}}',
      'a/.rustokiorc.json': '{"rules": {"rule-a": "error"}}',
      'b/.rustokiorc.json': '{"rules": {"rule-a": ["error", {"count": 5}]}}',
      'a/x.rs': '',
      'b/x.rs': '',
    });
    const r = resolver(root);
    expect(r.configFor(path.join(root, 'a/x.rs')).rules['rule-a']).toEqual({ severity: 2, options: { loopStyle: 'sleep', count: 3 } });
    expect(r.configFor(path.join(root, 'b/x.rs')).rules['rule-a']).toEqual({ severity: 2, options: { loopStyle: 'interval', count: 5 } });
  });

  test('extends rustokio:recommended, then the own rules', () => {
    const root = tree({ '.rustokiorc.json': '{"extends": "rustokio:recommended", "rules": {"rule-b": "off"}}', 'x.rs': '' });
    expect(resolver(root).configFor(path.join(root, 'x.rs')).rules).toEqual({
      'rule-a': { severity: 2, options: { loopStyle: 'interval' } },
      'rule-b': { severity: 0, options: {} },
    });
  });

  test('a config without extends does not inherit the recommended rules', () => {
    const root = tree({ '.rustokiorc.json': '{"settings": {"ambientRuntime": true}}', 'x.rs': '' });
    expect(resolver(root).configFor(path.join(root, 'x.rs'))).toEqual({ rules: {}, settings: { ambientRuntime: true } });
  });

  test('extends a config file by relative path; its overrides are relative to the extending config', () => {
    const root = tree({
      'shared/base.json': '{"rules": {"rule-a": "warn"}, "overrides": [{"files": ["tests/**"], "rules": {"rule-a": "off"}}]}',
      'crate/.rustokiorc.json': '{"extends": ["rustokio:recommended", "../shared/base.json"]}',
      'crate/src/lib.rs': '',
      'crate/tests/t.rs': '',
    });
    const r = resolver(root);
    expect(r.configFor(path.join(root, 'crate/src/lib.rs')).rules['rule-a'].severity).toBe(1);
    expect(r.configFor(path.join(root, 'crate/tests/t.rs')).rules['rule-a'].severity).toBe(0);
    expect(r.configFilesFor(path.join(root, 'crate/src/lib.rs'))).toEqual([
      'rustokio:recommended',
      path.join(root, 'shared/base.json'),
      path.join(root, 'crate/.rustokiorc.json'),
    ]);
  });

  test('overrides apply by glob relative to the config directory, minus excludedFiles', () => {
    const root = tree({
      'crate/.rustokiorc.json': JSON.stringify({
        extends: 'rustokio:recommended',
        overrides: [
          { files: ['tests/**'], excludedFiles: ['tests/strict/**'], rules: { 'rule-a': 'off' } },
          { files: '*_bench.rs', rules: { 'rule-b': ['error'] }, settings: { ambientRuntime: false } },
        ],
      }),
      'crate/src/lib.rs': '',
      'crate/tests/it.rs': '',
      'crate/tests/strict/it.rs': '',
      'crate/src/deep/x_bench.rs': '',
    });
    const r = resolver(root);
    const at = (p: string) => r.configFor(path.join(root, 'crate', p));
    expect(at('src/lib.rs').rules['rule-a'].severity).toBe(2);
    expect(at('tests/it.rs').rules['rule-a'].severity).toBe(0);
    expect(at('tests/strict/it.rs').rules['rule-a'].severity).toBe(2);
    // A pattern without a slash matches the base name at any depth.
    expect(at('src/deep/x_bench.rs')).toEqual({
      rules: { 'rule-a': { severity: 2, options: { loopStyle: 'interval' } }, 'rule-b': { severity: 2, options: {} } },
      settings: { ambientRuntime: false },
    });
  });

  test('ignorePatterns are gitignore-style, relative to the config directory', () => {
    const root = tree({ 'crate/.rustokiorc.json': '{"ignorePatterns": ["generated/", "*.gen.rs", "!keep.gen.rs"]}', 'generated/x.rs': '' });
    const r = resolver(root);
    expect(r.isIgnored(path.join(root, 'crate/generated'), true)).toBe(true);
    expect(r.isIgnored(path.join(root, 'crate/src/generated/a.rs'), false)).toBe(true);
    expect(r.isIgnored(path.join(root, 'crate/src/a.gen.rs'), false)).toBe(true);
    expect(r.isIgnored(path.join(root, 'crate/src/keep.gen.rs'), false)).toBe(false);
    expect(r.isIgnored(path.join(root, 'crate/src/a.rs'), false)).toBe(false);
    // Outside the config's directory, its patterns do not apply.
    expect(r.isIgnored(path.join(root, 'generated/x.rs'), false)).toBe(false);
  });

  test('--config is applied over the configs found, its globs relative to the working directory', () => {
    const root = tree({
      '.rustokiorc.json': '{"rules": {"rule-a": "warn", "rule-b": "warn"}}',
      'cfg/ci.json': '{"rules": {"rule-b": "error"}, "overrides": [{"files": ["src/**"], "rules": {"rule-a": "off"}}]}',
      'src/main.rs': '',
      'other/x.rs': '',
    });
    const r = resolver(root, { configFile: 'cfg/ci.json' });
    expect(r.configFor(path.join(root, 'src/main.rs')).rules).toEqual({
      'rule-a': { severity: 0, options: { loopStyle: 'interval' } },
      'rule-b': { severity: 2, options: {} },
    });
    expect(r.configFor(path.join(root, 'other/x.rs')).rules['rule-a'].severity).toBe(1);
  });

  test('--no-config ignores config files: recommended, then --rule', () => {
    const root = tree({ '.rustokiorc.json': '{"rules": {"rule-a": "off"}}', 'x.rs': '' });
    const r = resolver(root, { useConfigFiles: false, cliRules: parseRuleFlags(['rule-b: error'], RULES) });
    expect(r.configFor(path.join(root, 'x.rs')).rules).toEqual({
      'rule-a': { severity: 2, options: { loopStyle: 'interval' } },
      'rule-b': { severity: 2, options: {} },
    });
  });

  test('--rule wins over every config and keeps options when it gives only a severity', () => {
    const root = tree({ '.rustokiorc.json': '{"rules": {"rule-a": ["error", {"loopStyle": "sleep"}]}}', 'x.rs': '' });
    const r = resolver(root, { cliRules: parseRuleFlags(['rule-a: warn'], RULES) });
    expect(r.configFor(path.join(root, 'x.rs')).rules['rule-a']).toEqual({ severity: 1, options: { loopStyle: 'sleep' } });
  });

  test('files of a directory that the same overrides match share one frozen configuration', () => {
    const root = tree({
      '.rustokiorc.json': '{"rules": {"rule-a": ["warn", {"loopStyle": "sleep"}]}, "overrides": [{"files": ["b.rs"], "rules": {"rule-a": "error"}}]}',
      'a.rs': '',
      'b.rs': '',
      'c.rs': '',
      'sub/a.rs': '',
    });
    const r = resolver(root);
    const [a, b, c, sub] = ['a.rs', 'b.rs', 'c.rs', 'sub/a.rs'].map((f) => r.configFor(path.join(root, f)));
    expect(c).toBe(a);
    expect(b).not.toBe(a);
    expect(b.rules['rule-a']).toEqual({ severity: 2, options: { loopStyle: 'sleep' } });
    expect(sub).not.toBe(a);
    expect(sub).toEqual(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.rules['rule-a'].options) && Object.isFrozen(a.settings)).toBe(true);
    // The rules' defaults are not frozen with it.
    expect(Object.isFrozen(ruleA.defaultOptions)).toBe(false);
    r.clearCaches();
    expect(r.configFor(path.join(root, 'c.rs'))).not.toBe(a);
  });

  test('lookups are cached per directory until clearCaches', () => {
    const root = tree({ '.rustokiorc.json': '{"rules": {"rule-a": "warn"}}', 'a.rs': '', 'b.rs': '' });
    const r = resolver(root);
    expect(r.configFor(path.join(root, 'a.rs')).rules['rule-a'].severity).toBe(1);
    fs.writeFileSync(path.join(root, '.rustokiorc.json'), '{"rules": {"rule-a": "error"}}');
    expect(r.configFor(path.join(root, 'b.rs')).rules['rule-a'].severity).toBe(1);
    r.clearCaches();
    expect(r.configFor(path.join(root, 'b.rs')).rules['rule-a'].severity).toBe(2);
  });
});

describe('--rule flags', () => {
  test('severity names, numbers, JSON arrays and JSON objects', () => {
    expect(parseRuleFlags(['rule-a: warn', 'rule-b:2'], RULES)).toEqual({ 'rule-a': { severity: 1 }, 'rule-b': { severity: 2 } });
    expect(parseRuleFlags(['rule-a: ["error", {"loopStyle": "sleep"}]'], RULES)).toEqual({
      'rule-a': { severity: 2, options: { loopStyle: 'sleep' } },
    });
    expect(parseRuleFlags(['{"rule-b": "off"}'], RULES)).toEqual({ 'rule-b': { severity: 0 } });
  });

  test('bad flags are ConfigErrors', () => {
    expect(configError(() => parseRuleFlags(['rule-a'], RULES)).message).toBe("Invalid --rule 'rule-a': expected '<rule-id>: <severity>'");
    expect(configError(() => parseRuleFlags(['nope: warn'], RULES)).key).toBe('rules.nope');
    expect(configError(() => parseRuleFlags(['rule-a: loud'], RULES)).message).toBe(
      'Invalid configuration in --rule: rules.rule-a: expected a severity ("off", "warn", "error", 0, 1 or 2) or [severity, options], got string "loud"',
    );
    expect(configError(() => parseRuleFlags(['rule-a: ["warn", {"loopStyle": 1}'], RULES)).message).toMatch(
      /^Invalid --rule 'rule-a: \["warn", \{"loopStyle": 1\}': expected valid JSON after the colon/,
    );
  });
});

/** The validators `npm run build` compiled (dist/lib/config/validators.generated.js). */
const GENERATED = path.join(__dirname, '..', 'dist', 'lib', 'config', GENERATED_FILE);
function generatedValidators(): PrecompiledValidators {
  if (!fs.existsSync(GENERATED)) throw new Error(`${GENERATED} is missing: run npm run build`);
  return require(GENERATED);
}
afterAll(() => setPrecompiledValidators(null));

describe.each([
  ['ajv at run time', () => null],
  ['validators compiled at build time', generatedValidators],
])('bad configs (%s)', (_mode, validators) => {
  beforeAll(() => setPrecompiledValidators(validators()));
  afterAll(() => setPrecompiledValidators(null));

  function errorFor(files: Record<string, string>, lint = 'crate/src/main.rs'): ConfigError {
    const root = tree({ [lint]: '', ...files });
    return configError(() => resolver(root).configFor(path.join(root, lint)));
  }

  test('invalid JSON names the file and what was expected', () => {
    const e = errorFor({ 'crate/.rustokiorc.json': '{"rules": {' });
    expect(e.file).toMatch(/crate\/\.rustokiorc\.json$/);
    expect(e.message).toMatch(/^Cannot parse \/.*\/crate\/\.rustokiorc\.json: expected valid JSON: /);
  });

  test('invalid YAML', () => {
    const e = errorFor({ 'crate/.rustokiorc.yaml': 'rules:\n  rule-a: [warn\n' });
    expect(e.message).toMatch(/^Cannot parse \/.*\/crate\/\.rustokiorc\.yaml: expected valid YAML: /);
  });

  test('invalid TOML in Cargo.toml', () => {
    const e = errorFor({ 'crate/Cargo.toml': '[package\nname = "x"\n' });
    expect(e.message).toMatch(/^Cannot parse \/.*\/crate\/Cargo\.toml: expected valid TOML: /);
  });

  test('a .js config that throws', () => {
    const e = errorFor({ 'crate/.rustokiorc.js': 'throw new Error("boom");' });
    expect(e.message).toMatch(/^Cannot load \/.*\/crate\/\.rustokiorc\.js: boom/);
  });

  test('an unreadable --config', () => {
    const root = tree({ 'cfg/dir.json/x': '' });
    const e = configError(() => resolver(root, { configFile: 'cfg/dir.json' }));
    expect(e.message).toBe(`Cannot read configuration file ${path.join(root, 'cfg/dir.json')}: EISDIR: illegal operation on a directory, read`);
    expect(configError(() => resolver(root, { configFile: 'missing.json' })).message).toBe(
      `Cannot read configuration file ${path.join(root, 'missing.json')}: no such file`,
    );
  });

  test('an unknown rule', () => {
    const e = errorFor({ 'crate/.rustokiorc.json': '{"rules": {"no-such-rule": "warn"}}' });
    expect(e.key).toBe('rules.no-such-rule');
    expect(e.message).toMatch(/\.rustokiorc\.json: rules\.no-such-rule: unknown rule "no-such-rule"; known rules: rule-a, rule-b$/);
  });

  test('a bad severity, plain and in an array', () => {
    expect(errorFor({ 'crate/.rustokiorc.json': '{"rules": {"rule-a": 3}}' }).message).toMatch(
      /: rules\.rule-a: expected a severity \("off", "warn", "error", 0, 1 or 2\) or \[severity, options\], got number 3$/,
    );
    const e = errorFor({ 'crate/.rustokiorc.yml': 'rules:\n  rule-a: [warning]\n' });
    expect(e.key).toBe('rules.rule-a[0]');
    expect(e.message).toMatch(/: rules\.rule-a\[0\]: expected a severity \("off", "warn", "error", 0, 1 or 2\), got string "warning"$/);
    expect(errorFor({ 'crate/.rustokiorc.json': '{"rules": {"rule-a": ["warn", {}, {}]}}' }).message).toMatch(
      /: rules\.rule-a: expected \[severity\] or \[severity, options\], got an array of 3 items$/,
    );
  });

  test('a bad option value and an unknown option', () => {
    const e = errorFor({ 'crate/.rustokiorc.json': '{"rules": {"rule-a": ["warn", {"loopStyle": "fast"}]}}' });
    expect(e.key).toBe('rules.rule-a[1].loopStyle');
    expect(e.message).toMatch(/\.rustokiorc\.json: rules\.rule-a\[1\]\.loopStyle: expected one of "interval", "sleep", got string "fast"$/);
    const u = errorFor({ 'crate/.rustokiorc.json': '{"rules": {"rule-a": ["warn", {"loopstyle": "sleep"}]}}' });
    expect(u.key).toBe('rules.rule-a[1].loopstyle');
    expect(u.message).toMatch(/: rules\.rule-a\[1\]\.loopstyle: unknown key "loopstyle"; expected one of: loopStyle, count$/);
    expect(errorFor({ 'crate/.rustokiorc.json': '{"rules": {"rule-a": ["warn", {"count": 1.5}]}}' }).message).toMatch(
      /: rules\.rule-a\[1\]\.count: expected an integer, got number 1\.5$/,
    );
    // A rule whose schema declares no options rejects any.
    expect(errorFor({ 'crate/.rustokiorc.json': '{"rules": {"rule-b": ["warn", {"x": 1}]}}' }).message).toMatch(
      /: rules\.rule-b\[1\]\.x: unknown key "x"; no keys are allowed here$/,
    );
  });

  test('an unknown top-level key', () => {
    const e = errorFor({ 'crate/.rustokiorc.json': '{"rulez": {}}' });
    expect(e.key).toBe('rulez');
    expect(e.message).toMatch(/: rulez: unknown key "rulez"; expected one of: \$schema, root, extends, rules, ignorePatterns, overrides, settings$/);
  });

  test('bad shapes: extends, overrides, settings, the whole file', () => {
    expect(errorFor({ 'crate/.rustokiorc.json': '{"extends": 5}' }).message).toMatch(
      /: extends: expected a string or an array of strings, got number 5$/,
    );
    expect(errorFor({ 'crate/.rustokiorc.json': '{"extends": "eslint:recommended"}' }).message).toMatch(
      /: extends: expected "rustokio:recommended" or a path to a config file \(starting with \.\/ or \.\.\/\), got "eslint:recommended"$/,
    );
    expect(errorFor({ 'crate/.rustokiorc.json': '{"overrides": [{"rules": {}}]}' }).message).toMatch(/: overrides\[0\]\.files: is required$/);
    expect(errorFor({ 'crate/.rustokiorc.json': '{"overrides": [{"files": "*.rs", "rules": {"rule-a": "loud"}}]}' }).key).toBe(
      'overrides[0].rules.rule-a',
    );
    expect(errorFor({ 'crate/.rustokiorc.json': '{"settings": {"ambientRuntime": "yes"}}' }).message).toMatch(
      /: settings\.ambientRuntime: expected one of "auto", true, false, got string "yes"$/,
    );
    expect(errorFor({ 'crate/.rustokiorc.json': '["rule-a"]' }).message).toMatch(/\.rustokiorc\.json: expected an object, got an array \["rule-a"\]$/);
  });

  test('circular extends', () => {
    const e = errorFor({ 'crate/.rustokiorc.json': '{"extends": "./a.json"}', 'crate/a.json': '{"extends": "./.rustokiorc.json"}' });
    expect(e.message).toMatch(/a\.json: extends: circular extends: .*\.rustokiorc\.json -> .*a\.json -> .*\.rustokiorc\.json$/);
  });

  test('a bad Cargo.toml table names the TOML key', () => {
    const e = errorFor({ 'crate/Cargo.toml': '[package]\nname = "x"\n[package.metadata.rustokio.rules]\nnope = "warn"\n' });
    expect(e.key).toBe('package.metadata.rustokio.rules.nope');
    expect(e.file).toMatch(/crate\/Cargo\.toml$/);
  });

  test('a bad config farther up stops the run too', () => {
    const e = errorFor({ '.rustokiorc.json': '{"rules": {"rule-a": "loud"}}', 'crate/.rustokiorc.json': '{}' });
    expect(e.key).toBe('rules.rule-a');
  });
});

describe('validators compiled at build time', () => {
  afterEach(() => setPrecompiledValidators(null));

  test('the build output is what the sources give, every time', () => {
    const source = validatorsSource(allRules);
    expect(validatorsSource(allRules)).toBe(source);
    expect(fs.readFileSync(GENERATED, 'utf8')).toBe(source);
  });

  /** Configs for the real rules: valid ones and every kind of mistake. */
  const CASES: unknown[] = [
    { extends: ['rustokio:recommended'], rules: { 'no-thread-sleep': ['warn', { loopStyle: 'sleep' }] } },
    { rules: { 'no-thread-sleep': ['warn', { loopStyle: 'fast' }] } },
    { rules: { 'no-thread-sleep': ['warn', { loopstyle: 'sleep' }] } },
    { rules: { 'no-thread-sleep': ['warn', 'sleep'] } },
    { rules: { 'no-shared-runtime': ['error', { allowIn: ['src/bin/**', 'build_runtime'] }] } },
    { rules: { 'no-shared-runtime': ['error', { allowIn: ['a', 'a'] }] } },
    { rules: { 'no-shared-runtime': ['error', { allowIn: [''] }] } },
    { rules: { 'no-shared-runtime': ['error', { allowIn: 'src/bin/**' }] } },
    { rules: { 'no-shared-runtime': ['error', { allowIn: [1] }] } },
    { rules: { 'no-block-on': ['error', { x: 1 }] } },
    { rules: { 'no-std-mpsc-in-async': ['error', {}] } },
    { rules: { 'no-thread-spawn': ['error', {}] } },
    { rules: { 'no-thread-spawn': ['error', { nope: true }] } },
    { overrides: [{ files: 'tests/**', rules: { 'no-thread-sleep': 'off' }, settings: { ambientRuntime: true } }] },
    { overrides: [{ files: ['tests/**'], excludedFiles: 5 }] },
    { overrides: [{ rules: {} }] },
    { overrides: [{ files: ['x'], extra: 1 }] },
    { overrides: 'tests/**' },
    { settings: { ambientRuntime: 'sometimes' } },
    { extends: [1] },
    { root: 'yes' },
    { ignorePatterns: [['nested']] },
    { rulez: {} },
  ];
  const outcome = (raw: unknown) => {
    try {
      return { ok: validateConfig(raw, '/x/.rustokiorc.json', allRules) };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return { message: e.message, key: e.key };
    }
  };

  test('they judge every config as ajv does at run time, with the same messages', () => {
    setPrecompiledValidators(null);
    const atRunTime = CASES.map(outcome);
    // Every validator counts its calls: the build-time ones are the ones used.
    const generated = generatedValidators();
    const calls: string[] = [];
    const counted: PrecompiledValidators = { bySchema: generated.bySchema };
    for (const [name, f] of Object.entries(generated)) {
      if (typeof f !== 'function') continue;
      const wrapped = Object.assign((data: unknown) => {
        calls.push(name);
        const ok = (f as (d: unknown) => boolean)(data);
        (wrapped as unknown as { errors: unknown }).errors = (f as unknown as { errors: unknown }).errors;
        return ok;
      }, { errors: null });
      counted[name] = wrapped;
    }
    setPrecompiledValidators(counted);
    expect(CASES.map(outcome)).toEqual(atRunTime);
    expect(atRunTime.filter((r) => 'message' in r).length).toBeGreaterThan(15);
    // The shape and the options of every rule that was given options.
    expect(new Set(calls).size).toBe(1 + 4);
  });
});

describe('the real rules', () => {
  test('.rustokiorc.example passes validation against every rule schema', () => {
    const file = path.join(__dirname, '..', '.rustokiorc.example');
    const data = validateConfig(JSON.parse(fs.readFileSync(file, 'utf8')), file, allRules);
    expect(data.extends).toEqual(['rustokio:recommended']);
    expect(Object.keys(data.rules).sort()).toEqual([...allRules.keys()].sort());
  });

  test('what --print-config shows is itself a valid config that gives the same FileConfig', () => {
    const root = tree({ 'x.rs': '' });
    const cfg = new ConfigResolver({ cwd: root }).configFor(path.join(root, 'x.rs'));
    fs.writeFileSync(path.join(root, 'printed.json'), JSON.stringify(toConfigObject(cfg)));
    expect(new ConfigResolver({ cwd: root, configFile: 'printed.json' }).configFor(path.join(root, 'x.rs'))).toEqual(cfg);
  });
});
