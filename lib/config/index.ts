/**
 * Configuration (SPEC §7): which rules run on a file, at which severity and
 * with which options, and which settings hold.
 *
 * How a file's configuration is computed (ESLint eslintrc style):
 * 1. Starting at the file's directory and going up, each directory may hold
 *    one config file (the first of SEARCH_PLACES that holds a config; a
 *    `Cargo.toml` without `[package|workspace.metadata.rustokio]` does not
 *    count). A config with `root: true` stops the search.
 * 2. The configs found are applied farthest first, so a nearer one wins.
 *    Each one contributes, in order: the layers of its `extends`, its own
 *    `rules`/`settings`, then its `overrides` whose `files` match (and whose
 *    `excludedFiles` do not). A config without `extends` adds only the rules
 *    it names: it does not inherit `rustokio:recommended` implicitly.
 * 3. `--config <file>` is applied after the configs found (`--no-config`
 *    drops those), then `--rule` flags.
 * 4. With no config at all (none found or `--no-config`, and no `--config`),
 *    the base is `rustokio:recommended`.
 *
 * A rule given as a bare severity keeps the options set by an earlier layer;
 * `[severity, options]` replaces them. Options are merged over the rule's
 * `defaultOptions`. Settings merge key by key; `ambientRuntime` defaults to
 * "auto". Globs (`overrides`, `ignorePatterns`) are relative to the directory
 * of the config file (of the extending file for extended configs; of the
 * working directory for `--config`). Config lookups are cached per directory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { picomatch } from '../glob';
import ignore, { Ignore } from 'ignore';
import { PublicExplorerSync } from 'cosmiconfig';
import { FileConfig, RuleSetting, Settings, Severity, SeverityName } from '../types';
import { allRules } from '../../rules';
import { ConfigError, RuleEntry, RuleRegistry, validateRuleEntry, OverrideBlock } from './validate';
import { ConfigLayer, LoadedConfig, createExplorer, findConfigInDir, loadConfig, recommendedLayer, SEARCH_PLACES } from './load';

export { ConfigError, formatKey, validateConfig } from './validate';
export type { ConfigData, RuleEntry, RuleRegistry, OverrideBlock } from './validate';
export { SEARCH_PLACES, RECOMMENDED } from './load';
export type { ConfigLayer, LoadedConfig } from './load';

export interface ConfigResolverOptions {
  /** Base of `--config` globs and relative `--config` paths. Default: process.cwd(). */
  cwd?: string;
  /** `--config <file>`. */
  configFile?: string;
  /** False for `--no-config`: do not look for config files. */
  useConfigFiles?: boolean;
  /** `--rule` flags, already parsed (parseRuleFlags). */
  cliRules?: Record<string, RuleEntry>;
  /** The rule registry (default: every rule of rules/index.ts). */
  rules?: RuleRegistry;
}

const SEVERITY_NAMES: SeverityName[] = ['off', 'warn', 'error'];

export class ConfigResolver {
  readonly cwd: string;
  readonly rules: RuleRegistry;
  private readonly explorer: PublicExplorerSync;
  private readonly useConfigFiles: boolean;
  private readonly cliRules: Record<string, RuleEntry>;
  private readonly cliConfig: LoadedConfig | null;
  private readonly dirConfig = new Map<string, LoadedConfig | null>();
  private readonly dirChain = new Map<string, LoadedConfig[]>();
  private readonly matchers = new WeakMap<OverrideBlock, (rel: string) => boolean>();
  private readonly ignorers = new WeakMap<ConfigLayer, Ignore | null>();
  /** Computed configurations, by directory and the overrides that match. */
  private readonly configs = new Map<string, FileConfig>();
  private readonly recommended: ConfigLayer;

  constructor(opts: ConfigResolverOptions = {}) {
    this.cwd = path.resolve(opts.cwd ?? process.cwd());
    this.rules = opts.rules ?? allRules;
    this.explorer = createExplorer();
    this.useConfigFiles = opts.useConfigFiles !== false;
    this.cliRules = opts.cliRules ?? {};
    this.recommended = recommendedLayer(this.rules, this.cwd);
    this.cliConfig = null;
    if (opts.configFile) {
      const file = path.resolve(this.cwd, opts.configFile);
      if (!fs.existsSync(file)) throw new ConfigError(`Cannot read configuration file ${file}: no such file`, file);
      const loaded = loadConfig(this.explorer, file, this.rules, this.cwd);
      // An empty --config file is a config with nothing in it.
      this.cliConfig = loaded ?? { file, baseDir: this.cwd, root: true, layers: [] };
    }
  }

  /**
   * The configuration of one file. Throws ConfigError for a bad config file.
   * Files of one directory that the same overrides match share one frozen
   * object.
   */
  configFor(filePath: string): FileConfig {
    const abs = path.resolve(this.cwd, filePath);
    const dir = path.dirname(abs);
    const layers = this.layersFor(dir);
    const matched: boolean[] = [];
    for (const layer of layers) for (const o of layer.data.overrides) matched.push(this.overrideMatches(o, layer.baseDir, abs));
    const key = `${dir}\0${matched.map(Number).join('')}`;
    const known = this.configs.get(key);
    if (known) return known;
    const merged: Record<string, { severity: Severity; options?: Record<string, unknown> }> = {};
    const settings: Record<string, unknown> = {};
    const applyRules = (entries: Record<string, RuleEntry>) => {
      for (const [id, e] of Object.entries(entries)) {
        merged[id] = { severity: e.severity, options: e.options ?? merged[id]?.options };
      }
    };
    let m = 0;
    for (const layer of layers) {
      applyRules(layer.data.rules);
      Object.assign(settings, layer.data.settings);
      for (const o of layer.data.overrides) {
        if (matched[m++]) {
          applyRules(o.rules);
          Object.assign(settings, o.settings);
        }
      }
    }
    applyRules(this.cliRules);
    const rules: Record<string, RuleSetting> = {};
    for (const id of Object.keys(merged).sort()) {
      const rule = this.rules.get(id);
      if (!rule) continue;
      rules[id] = { severity: merged[id].severity, options: { ...rule.defaultOptions, ...(merged[id].options ?? {}) } };
    }
    // A copy of every value, so that freezing it leaves the rules' defaults and the configs' data alone.
    const config = deepFreeze(structuredClone({ rules, settings: { ambientRuntime: 'auto', ...settings } as Settings }));
    this.configs.set(key, config);
    return config;
  }

  /** The config files that apply to a file, farthest first (for --print-config and debugging). */
  configFilesFor(filePath: string): string[] {
    const abs = path.resolve(this.cwd, filePath);
    return [...new Set(this.layersFor(path.dirname(abs)).map((l) => l.file))];
  }

  /** Whether a config's `ignorePatterns` ignore a path (a directory when `isDir`). */
  isIgnored(absPath: string, isDir: boolean): boolean {
    for (const layer of this.layersFor(path.dirname(absPath))) {
      if (layer.data.ignorePatterns.length === 0) continue;
      const rel = relativeInside(layer.baseDir, absPath);
      if (rel === null || rel === '') continue;
      let ig = this.ignorers.get(layer);
      if (ig === undefined) {
        ig = ignore().add(layer.data.ignorePatterns);
        this.ignorers.set(layer, ig);
      }
      if (ig && ig.ignores(isDir ? `${rel}/` : rel)) return true;
    }
    return false;
  }

  /** Forgets every loaded file (the editor calls this when a config file changes). */
  clearCaches(): void {
    this.configs.clear();
    this.dirConfig.clear();
    this.dirChain.clear();
    this.explorer.clearCaches();
  }

  /** The layers that apply to files of `dir`, in merge order. */
  private layersFor(dir: string): ConfigLayer[] {
    const chain = this.useConfigFiles ? this.chainFor(dir) : [];
    const layers: ConfigLayer[] = [];
    for (let i = chain.length - 1; i >= 0; i--) layers.push(...chain[i].layers);
    if (this.cliConfig) layers.push(...this.cliConfig.layers);
    else if (chain.length === 0) layers.push(this.recommended);
    return layers;
  }

  /** Config files from `dir` up, nearest first, ending at one with `root: true`. */
  private chainFor(dir: string): LoadedConfig[] {
    const cached = this.dirChain.get(dir);
    if (cached) return cached;
    const own = this.configInDir(dir);
    const parent = path.dirname(dir);
    let chain: LoadedConfig[];
    if (own && own.root) chain = [own];
    else {
      const above = parent === dir ? [] : this.chainFor(parent);
      chain = own ? [own, ...above] : above;
    }
    this.dirChain.set(dir, chain);
    return chain;
  }

  private configInDir(dir: string): LoadedConfig | null {
    if (!this.dirConfig.has(dir)) this.dirConfig.set(dir, findConfigInDir(this.explorer, dir, this.rules));
    return this.dirConfig.get(dir)!;
  }

  private overrideMatches(o: OverrideBlock, baseDir: string, abs: string): boolean {
    const rel = relativeInside(baseDir, abs);
    if (rel === null) return false;
    let match = this.matchers.get(o);
    if (!match) {
      const inc = globMatcher(o.files);
      const exc = o.excludedFiles.length ? globMatcher(o.excludedFiles) : () => false;
      match = (r: string) => inc(r) && !exc(r);
      this.matchers.set(o, match);
    }
    return match(rel);
  }
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

/**
 * A matcher for override globs, as ESLint's: dot files included, and a
 * pattern without a slash matches the base name at any depth.
 */
export function globMatcher(patterns: string[]): (rel: string) => boolean {
  const matchers = patterns.map((p) => {
    const clean = p.replace(/^\.\//, '');
    const m = picomatch()(clean, { dot: true });
    return clean.includes('/') ? m : (rel: string) => m(path.posix.basename(rel));
  });
  return (rel) => matchers.some((m) => m(rel));
}

/** `abs` relative to `base` with `/` separators; null when outside. */
export function relativeInside(base: string, abs: string): string | null {
  // Two paths without `.` or empty segments (as discovery makes them): one is inside the other
  // when it starts with it (path.relative's work is the rest).
  if (abs.startsWith(base) && isPlain(abs) && isPlain(base)) {
    if (abs.length === base.length) return '';
    const inner = base.endsWith(path.sep) ? base.length : abs[base.length] === path.sep ? base.length + 1 : -1;
    if (inner > 0) return path.sep === '/' ? abs.slice(inner) : abs.slice(inner).split(path.sep).join('/');
  }
  const rel = path.relative(base, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}

/** An absolute path with no `.` or `..` segment, no empty one and no trailing separator (a root aside). */
function isPlain(p: string): boolean {
  const sep = path.sep;
  return path.isAbsolute(p) && !p.includes(`${sep}.`) && !p.includes(`${sep}${sep}`) && (p.length === 1 || !p.endsWith(sep)) && (sep === '/' || !p.includes('/'));
}

/**
 * Parses `--rule` values: `'<id>: <severity>'`, `'<id>: ["warn", {...}]'`
 * (JSON), or a JSON object `'{"<id>": "warn"}'`.
 */
export function parseRuleFlags(values: string[], rules: RuleRegistry = allRules): Record<string, RuleEntry> {
  const out: Record<string, RuleEntry> = {};
  for (const value of values) {
    const text = value.trim();
    let entries: [string, unknown][];
    if (text.startsWith('{')) {
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch (e) {
        throw new ConfigError(`Invalid --rule '${value}': expected valid JSON: ${(e as Error).message}`, '--rule');
      }
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
        throw new ConfigError(`Invalid --rule '${value}': expected an object of rule settings`, '--rule');
      }
      entries = Object.entries(obj);
    } else {
      const colon = text.indexOf(':');
      if (colon < 0) throw new ConfigError(`Invalid --rule '${value}': expected '<rule-id>: <severity>'`, '--rule');
      const id = text.slice(0, colon).trim();
      const rest = text.slice(colon + 1).trim();
      let setting: unknown = rest;
      if (/^[[{"]/.test(rest)) {
        try {
          setting = JSON.parse(rest);
        } catch (e) {
          throw new ConfigError(`Invalid --rule '${value}': expected valid JSON after the colon: ${(e as Error).message}`, '--rule');
        }
      } else if (/^\d+$/.test(rest)) setting = Number(rest);
      entries = [[id, setting]];
    }
    for (const [id, setting] of entries) out[id] = validateRuleEntry(id, setting, '--rule', ['rules', id], rules);
  }
  return out;
}

/** A FileConfig written back as a config object (what --print-config shows). */
export function toConfigObject(config: FileConfig): { rules: Record<string, [SeverityName, Record<string, unknown>] | SeverityName>; settings: Settings } {
  const rules: Record<string, [SeverityName, Record<string, unknown>] | SeverityName> = {};
  for (const [id, r] of Object.entries(config.rules)) {
    rules[id] = Object.keys(r.options).length ? [SEVERITY_NAMES[r.severity], r.options] : SEVERITY_NAMES[r.severity];
  }
  return { rules, settings: config.settings };
}

/** The configuration used when there is no config file: rustokio:recommended. */
export function recommendedConfig(rules: RuleRegistry = allRules): FileConfig {
  const out: Record<string, RuleSetting> = {};
  for (const [id, rule] of [...rules].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out[id] = { severity: rule.meta.recommended === 'error' ? 2 : 1, options: { ...rule.defaultOptions } };
  }
  return { rules: out, settings: { ambientRuntime: 'auto' } };
}

/** The config file in `dir` itself, if any (for --init). */
export function configFileInDir(dir: string, rules: RuleRegistry = allRules): string | null {
  for (const place of SEARCH_PLACES) {
    const file = path.join(dir, place);
    if (!fs.existsSync(file)) continue;
    if (place !== 'Cargo.toml') return file;
    try {
      if (loadConfig(createExplorer(), file, rules)) return file;
    } catch {
      return file;
    }
  }
  return null;
}
