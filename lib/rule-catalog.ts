/**
 * The rules' metadata without their code. A run that only reads what the
 * rules declare — configuration (severities, default options, schemas), a
 * `--cache` replay, `--list-rules` — need not load the rules' modules and
 * the engine code they import (a sixth of a new process's start-up).
 *
 * `npm run build` writes the catalog next to the compiled rules
 * (lib/config/precompile.ts): each rule's metadata as JSON, and a hash of
 * its compiled file (not its mtime: npm sets every installed file's to one
 * date). The registry (rules/index.ts) takes a rule
 * from it as a stand-in that loads the rule's module on first use of its
 * code (its prefilter, `create`); a catalog that is missing, unreadable or
 * made from other rule files is not used.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { RuleModule } from './rule';

export const CATALOG_FILE = 'catalog.json';

export interface CatalogEntry {
  /** The rule's module, `rules/<file>`, without extension. */
  file: string;
  /** sha1 of the compiled module. */
  hash: string;
  id: string;
  /** The metadata but the prefilter (a regex or a function: code). */
  meta: Omit<RuleModule['meta'], 'prefilter'>;
  defaultOptions: unknown;
}

/** The entry of a loaded rule (the catalog's JSON must give it back unchanged). */
export function catalogEntry(rule: RuleModule<any>, file: string, compiled: string): CatalogEntry {
  const { prefilter: _code, ...meta } = rule.meta;
  const entry: CatalogEntry = { file, hash: hashOf(compiled), id: rule.id, meta, defaultOptions: rule.defaultOptions };
  if (!isPlainJson(meta) || !isPlainJson(rule.defaultOptions)) {
    throw new Error(`rule ${rule.id}: its metadata (but the prefilter) and default options must be plain JSON for the catalog`);
  }
  return entry;
}

/** Strings, finite numbers, booleans, null, and arrays and plain objects of them (no regex, function, undefined). */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value as object).every(isPlainJson);
}

/**
 * The entries of the catalog in `dir` when it is there and made from the
 * compiled rule files as they are now; else null.
 */
export function readCatalog(dir: string, files: readonly string[]): Map<string, CatalogEntry> | null {
  let entries: CatalogEntry[];
  try {
    entries = JSON.parse(fs.readFileSync(path.join(dir, CATALOG_FILE), 'utf8')) as CatalogEntry[];
  } catch {
    return null;
  }
  const byFile = new Map(Array.isArray(entries) ? entries.map((e) => [e.file, e]) : []);
  for (const file of files) {
    const e = byFile.get(file);
    let hash: string;
    try {
      hash = hashOf(path.join(dir, `${file}.js`));
    } catch {
      return null;
    }
    if (!e || e.hash !== hash) return null;
  }
  return byFile;
}

function hashOf(file: string): string {
  return createHash('sha1').update(fs.readFileSync(file)).digest('hex');
}

/** A rule from its catalog entry: its module is loaded when its code is first needed. */
export function lazyRule(entry: CatalogEntry, load: () => RuleModule<any>): RuleModule<any> {
  let real: RuleModule<any> | null = null;
  const code = (): RuleModule<any> => (real ??= load());
  const meta = { ...entry.meta } as RuleModule['meta'];
  Object.defineProperty(meta, 'prefilter', { get: () => code().meta.prefilter, enumerable: true });
  return {
    id: entry.id,
    meta,
    defaultOptions: entry.defaultOptions as Record<string, unknown>,
    create: (context) => code().create(context),
  };
}
