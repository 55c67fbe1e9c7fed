/**
 * The formatter registry. A formatter is a pure function
 * `(results, context) => string`; each lives in its own module and is loaded
 * only when asked for. To add one (sarif, github, junit): write
 * `lib/formatters/<name>.ts` with a default export and add a line below.
 */
import type { Colors } from 'picocolors/types';
import type { LintResult } from '../types';

export interface RuleInfo {
  description: string;
  fixable: boolean;
  docsUrl: string;
}

export interface FormatterContext {
  /** The working directory; paths are shown relative to it. */
  cwd: string;
  /** A picocolors instance, with colours on or off. */
  colors: Colors;
  /** Whether unsafe fixes count as fixable (--unsafe-fixes). */
  unsafeFixes: boolean;
  /** Metadata of the rules, by id. */
  rulesMeta: Record<string, RuleInfo>;
}

export type Formatter = (results: LintResult[], context: FormatterContext) => string;

const registry: Record<string, () => Formatter> = {
  stylish: () => require('./stylish').default,
  json: () => require('./json').default,
  compact: () => require('./compact').default,
  sarif: () => require('./sarif').default,
  github: () => require('./github').default,
  junit: () => require('./junit').default,
};

export function formatterNames(): string[] {
  return Object.keys(registry);
}

/** The formatter called `name`; throws for an unknown name. */
export function loadFormatter(name: string): Formatter {
  const load = Object.prototype.hasOwnProperty.call(registry, name) ? registry[name] : undefined;
  if (!load) throw new Error(`Unknown format "${name}"; available: ${formatterNames().join(', ')}`);
  return load();
}
