/**
 * Reading configuration files with cosmiconfig (module name `rustokio`),
 * including `[package.metadata.rustokio]` / `[workspace.metadata.rustokio]`
 * of a `Cargo.toml`, and expanding `extends` into an ordered list of layers.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { PublicExplorerSync } from 'cosmiconfig';
import { parse as parseToml } from 'smol-toml';
import { ConfigData, ConfigError, RuleRegistry, validateConfig } from './validate';

/** Where a directory's config file may be, in order of preference (SPEC §7). */
export const SEARCH_PLACES = [
  '.rustokiorc',
  '.rustokiorc.json',
  '.rustokiorc.yaml',
  '.rustokiorc.yml',
  '.rustokiorc.js',
  '.rustokiorc.cjs',
  'rustokio.config.js',
  'rustokio.config.cjs',
  'Cargo.toml',
] as const;

export const RECOMMENDED = 'rustokio:recommended';

/**
 * One configuration object in merge order. Layers that come from `extends`
 * share the base directory of the config that extends them (as in ESLint's
 * eslintrc): their `overrides` globs and `ignorePatterns` are relative to it.
 */
export interface ConfigLayer {
  /** The file it came from, or `rustokio:recommended`. */
  file: string;
  baseDir: string;
  data: ConfigData;
}

export interface LoadedConfig {
  file: string;
  baseDir: string;
  /** `root: true`: the upward search stops here. */
  root: boolean;
  /** The expanded `extends` chain followed by the file itself. */
  layers: ConfigLayer[];
}

/** The key path of the table a Cargo.toml config came from, for error messages. */
const cargoTablePrefix = new WeakMap<object, string>();

/** `Cargo.toml` is a config only when it has the rustokio metadata table. */
function loadCargoToml(filePath: string, content: string): unknown {
  let doc: Record<string, any>;
  try {
    doc = parseToml(content) as Record<string, any>;
  } catch (e) {
    throw new ConfigError(`Cannot parse ${filePath}: expected valid TOML: ${firstLine(e)}`, filePath);
  }
  const where = doc.package?.metadata?.rustokio !== undefined ? 'package' : 'workspace';
  const table = doc[where]?.metadata?.rustokio;
  if (table === undefined) return null;
  if (table && typeof table === 'object') cargoTablePrefix.set(table, `${where}.metadata.rustokio`);
  return table;
}

/** The cosmiconfig explorer, loaded on first use: a run that finds no config file never loads cosmiconfig. */
export function createExplorer(): PublicExplorerSync {
  let real: PublicExplorerSync | null = null;
  const get = (): PublicExplorerSync =>
    (real ??= (require('cosmiconfig') as typeof import('cosmiconfig')).cosmiconfigSync('rustokio', {
      searchPlaces: [...SEARCH_PLACES],
      searchStrategy: 'none',
      loaders: { '.toml': loadCargoToml },
      cache: true,
    }));
  return {
    search: (from) => get().search(from),
    load: (file) => get().load(file),
    clearLoadCache: () => real?.clearLoadCache(),
    clearSearchCache: () => real?.clearSearchCache(),
    clearCaches: () => real?.clearCaches(),
  };
}

/** Tells loadDirect to let cosmiconfig load the file (for its error messages). */
const FALLBACK = Symbol('cosmiconfig');

/**
 * A .toml or .json config file as cosmiconfig's load gives it, read here
 * without loading cosmiconfig (a crate's Cargo.toml without the rustokio
 * table is met on most runs; cosmiconfig's JSON loader is JSON.parse).
 * `parse` gives the config, null for none, or FALLBACK (invalid JSON); a
 * config with cosmiconfig's `$import` goes through cosmiconfig too. Errors:
 * the read's, or parse's (loadCargoToml's ConfigError).
 */
function loadDirect(
  file: string,
  explorer: PublicExplorerSync,
  parse: (content: string) => unknown,
): { config: unknown; filepath: string; isEmpty?: boolean } | null {
  const content = fs.readFileSync(file, 'utf8');
  if (content.trim() === '') return { config: undefined, filepath: file, isEmpty: true };
  const config = parse(content);
  if (config === FALLBACK) return explorer.load(file);
  if (config === null) return null;
  if (typeof config === 'object' && Object.prototype.hasOwnProperty.call(config, '$import')) return explorer.load(file);
  return { config, filepath: file };
}

function parseJson(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return FALLBACK;
  }
}

const PARSE_KIND: Record<string, string> = {
  '.json': 'valid JSON',
  '.yaml': 'valid YAML',
  '.yml': 'valid YAML',
  '': 'valid JSON or YAML',
  '.toml': 'valid TOML',
};

/** Loads and validates one config file; null when it holds no config (an empty file, a Cargo.toml without the table). */
export function readConfigFile(explorer: PublicExplorerSync, file: string, rules: RuleRegistry): ConfigData | null {
  let result;
  try {
    // .toml and .json are read here, as cosmiconfig's loaders would (see loadDirect).
    const ext = path.extname(file);
    result =
      ext === '.toml'
        ? loadDirect(file, explorer, (content) => loadCargoToml(file, content))
        : ext === '.json'
          ? loadDirect(file, explorer, parseJson)
          : explorer.load(file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === 'string' && err.syscall) {
      throw new ConfigError(`Cannot read configuration file ${file}: ${err.message}`, file);
    }
    const ext = path.extname(file);
    const kind = PARSE_KIND[ext];
    const detail = firstLines(e).replace(/^(JSON|YAML) Error in [^\n]*:\n/, '');
    if (kind) throw new ConfigError(`Cannot parse ${file}: expected ${kind}: ${detail}`, file);
    throw new ConfigError(`Cannot load ${file}: ${detail}`, file);
  }
  if (!result || result.isEmpty) return null;
  const prefix = result.config && typeof result.config === 'object' ? cargoTablePrefix.get(result.config) : undefined;
  return validateConfig(result.config, file, rules, prefix ? prefix.split('.') : []);
}

/**
 * Loads a config file and expands its `extends`: `rustokio:recommended` or a
 * path relative to the extending file.
 */
export function loadConfig(
  explorer: PublicExplorerSync,
  file: string,
  rules: RuleRegistry,
  baseDir = path.dirname(file),
): LoadedConfig | null {
  const data = readConfigFile(explorer, file, rules);
  if (!data) return null;
  return { file, baseDir, root: data.root, layers: expand(explorer, file, data, baseDir, rules, [file]) };
}

function expand(
  explorer: PublicExplorerSync,
  file: string,
  data: ConfigData,
  baseDir: string,
  rules: RuleRegistry,
  stack: string[],
): ConfigLayer[] {
  const layers: ConfigLayer[] = [];
  data.extends.forEach((name, i) => {
    const key = data.extends.length === 1 ? 'extends' : `extends[${i}]`;
    if (name === RECOMMENDED) {
      layers.push(recommendedLayer(rules, baseDir));
      return;
    }
    if (!name.startsWith('.') && !path.isAbsolute(name)) {
      throw new ConfigError(
        `Invalid configuration in ${file}: ${key}: expected "${RECOMMENDED}" or a path to a config file (starting with ./ or ../), got "${name}"`,
        file,
        key,
      );
    }
    const target = path.resolve(path.dirname(file), name);
    if (stack.includes(target)) {
      throw new ConfigError(`Invalid configuration in ${file}: ${key}: circular extends: ${[...stack, target].join(' -> ')}`, file, key);
    }
    if (!fs.existsSync(target)) {
      throw new ConfigError(`Invalid configuration in ${file}: ${key}: cannot find the config file ${target}`, file, key);
    }
    const sub = readConfigFile(explorer, target, rules);
    if (sub) layers.push(...expand(explorer, target, sub, baseDir, rules, [...stack, target]));
  });
  layers.push({ file, baseDir, data: { ...data, extends: [] } });
  return layers;
}

/** Every rule at its recommended severity with its default options. */
export function recommendedLayer(rules: RuleRegistry, baseDir = '/'): ConfigLayer {
  const ruleEntries: ConfigData['rules'] = {};
  for (const [id, rule] of rules) ruleEntries[id] = { severity: rule.meta.recommended === 'error' ? 2 : 1 };
  return {
    file: RECOMMENDED,
    baseDir,
    data: { root: false, extends: [], rules: ruleEntries, ignorePatterns: [], overrides: [], settings: {} },
  };
}

/** The config file of one directory, by SEARCH_PLACES order; null when there is none. */
export function findConfigInDir(explorer: PublicExplorerSync, dir: string, rules: RuleRegistry): LoadedConfig | null {
  let names: Set<string>;
  try {
    names = new Set(fs.readdirSync(dir));
  } catch {
    return null;
  }
  for (const place of SEARCH_PLACES) {
    if (!names.has(place)) continue;
    const file = path.join(dir, place);
    try {
      if (!fs.statSync(file).isFile()) continue;
    } catch {
      continue;
    }
    const loaded = loadConfig(explorer, file, rules);
    if (loaded) return loaded;
  }
  return null;
}

function firstLine(e: unknown): string {
  return firstLines(e).split('\n')[0];
}

function firstLines(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n').slice(0, 4).join('\n').trim();
}
