/**
 * Validation of configuration objects (SPEC §7). The shape of a config is an
 * ajv schema; each rule entry is checked by hand for its severity and with
 * ajv against the rule's own options schema. Every failure is a ConfigError
 * naming the file, the key (`rules.no-thread-sleep[1].loopStyle`) and what
 * was expected.
 *
 * The validators of the config shape and of the built-in rules' options are
 * compiled at build time (`npm run build` runs lib/config/precompile.ts:
 * ajv standalone code in dist/lib/config/validators.generated.js), so that a
 * run with a config file loads no ajv. A schema the build did not see (a
 * rule changed since, a test's rule) is compiled by ajv at run time.
 */
import type AjvType from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { RuleModule } from '../rule';
import { Severity } from '../types';

export class ConfigError extends Error {
  constructor(
    message: string,
    /** The configuration file (or `--rule`, `--config`) the problem is in. */
    readonly file: string,
    /** The offending key, e.g. `rules.no-thread-sleep[1].loopStyle`. */
    readonly key?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A rule entry after validation; `options` undefined means "keep what an earlier config set". */
export interface RuleEntry {
  severity: Severity;
  options?: Record<string, unknown>;
}

export interface OverrideBlock {
  files: string[];
  excludedFiles: string[];
  rules: Record<string, RuleEntry>;
  settings: Record<string, unknown>;
}

/** A configuration object as written in one file, validated and normalised. */
export interface ConfigData {
  root: boolean;
  extends: string[];
  rules: Record<string, RuleEntry>;
  ignorePatterns: string[];
  overrides: OverrideBlock[];
  settings: Record<string, unknown>;
}

export type RuleRegistry = ReadonlyMap<string, RuleModule<any>>;

const SEVERITIES: Record<string, Severity> = { off: 0, warn: 1, error: 2, '0': 0, '1': 1, '2': 2 };
const SEVERITY_TEXT = '"off", "warn", "error", 0, 1 or 2';

const stringOrArray = {
  description: 'a string or an array of strings',
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
};
const settingsSchema = {
  type: 'object',
  properties: {
    ambientRuntime: { enum: ['auto', true, false] },
  },
};
const CONFIG_SCHEMA = {
  type: 'object',
  properties: {
    $schema: { type: 'string' },
    root: { type: 'boolean' },
    extends: stringOrArray,
    rules: { type: 'object' },
    ignorePatterns: stringOrArray,
    overrides: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          files: stringOrArray,
          excludedFiles: stringOrArray,
          rules: { type: 'object' },
          settings: settingsSchema,
        },
        required: ['files'],
        additionalProperties: false,
      },
    },
    settings: settingsSchema,
  },
  additionalProperties: false,
};

/** The ajv options of every validator, at run time and at build time. */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: false } as const;

/** Validators compiled at build time: the exported functions, and which schema (as JSON) each one checks. */
export interface PrecompiledValidators {
  bySchema: Record<string, string>;
  [name: string]: unknown;
}

// ajv is loaded and the schemas compiled on first use, and only for schemas
// not compiled at build time: a run without a config file or rule options
// never needs them (start-up time, SPEC §12).
let ajvInstance: AjvType | null = null;
let shapeValidator: ValidateFunction | null = null;
let precompiled: PrecompiledValidators | null | undefined;
function ajv(): AjvType {
  if (!ajvInstance) {
    const Ajv = (require('ajv') as typeof import('ajv')).default;
    ajvInstance = new Ajv({ ...AJV_OPTIONS });
  }
  return ajvInstance;
}

/** The validators made at build time (none when running from the sources). */
function precompiledValidators(): PrecompiledValidators | null {
  if (precompiled === undefined) {
    try {
      precompiled = require('./validators.generated') as PrecompiledValidators;
    } catch {
      precompiled = null;
    }
  }
  return precompiled;
}

/** Uses these build-time validators (null: none, ajv compiles every schema) — for tests. */
export function setPrecompiledValidators(v: PrecompiledValidators | null): void {
  precompiled = v;
  shapeValidator = null;
  optionValidators = new WeakMap();
}

/** A validator for `schema`: the one compiled at build time for the same schema, else ajv's. */
function compile(schema: object): ValidateFunction {
  const pre = precompiledValidators();
  const name = pre ? pre.bySchema[JSON.stringify(schema)] : undefined;
  if (pre && name !== undefined && typeof pre[name] === 'function') return pre[name] as ValidateFunction;
  return ajv().compile(schema);
}

function validateShape(raw: unknown): boolean {
  shapeValidator ??= compile(CONFIG_SCHEMA);
  return shapeValidator(raw) as boolean;
}

/** Every schema worth compiling at build time: the config's shape and each rule's options. */
export function schemasToPrecompile(rules: RuleRegistry): object[] {
  return [CONFIG_SCHEMA, ...[...rules.values()].map(optionsSchema)];
}
let optionValidators = new WeakMap<RuleModule<any>, ValidateFunction>();

/** Validates a raw configuration object from `file`; throws ConfigError. */
export function validateConfig(raw: unknown, file: string, rules: RuleRegistry, at: string[] = []): ConfigData {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError(file, at, `expected an object, got ${describe(raw)}`);
  }
  if (!validateShape(raw)) throw fromAjv(shapeValidator!.errors ?? [], file, at);
  const obj = raw as Record<string, any>;
  return {
    root: obj.root === true,
    extends: toArray(obj.extends),
    rules: validateRules(obj.rules ?? {}, file, [...at, 'rules'], rules),
    ignorePatterns: toArray(obj.ignorePatterns),
    overrides: (obj.overrides ?? []).map((o: Record<string, any>, i: number) => ({
      files: toArray(o.files),
      excludedFiles: toArray(o.excludedFiles),
      rules: validateRules(o.rules ?? {}, file, [...at, 'overrides', i, 'rules'], rules),
      settings: { ...(o.settings ?? {}) },
    })),
    settings: { ...(obj.settings ?? {}) },
  };
}

/** Validates a `rules` object; `at` is the key path of the object itself. */
export function validateRules(
  raw: Record<string, unknown>,
  file: string,
  at: (string | number)[],
  rules: RuleRegistry,
): Record<string, RuleEntry> {
  const out: Record<string, RuleEntry> = {};
  for (const [id, value] of Object.entries(raw)) {
    out[id] = validateRuleEntry(id, value, file, [...at, id], rules);
  }
  return out;
}

export function validateRuleEntry(
  id: string,
  value: unknown,
  file: string,
  at: (string | number)[],
  rules: RuleRegistry,
): RuleEntry {
  const rule = rules.get(id);
  if (!rule) {
    const known = [...rules.keys()].sort().join(', ');
    throw configError(file, at, `unknown rule "${id}"; known rules: ${known}`);
  }
  if (!Array.isArray(value)) {
    const severity = toSeverity(value);
    if (severity === null) {
      throw configError(file, at, `expected a severity (${SEVERITY_TEXT}) or [severity, options], got ${describe(value)}`);
    }
    return { severity };
  }
  if (value.length < 1 || value.length > 2) {
    throw configError(file, at, `expected [severity] or [severity, options], got an array of ${value.length} items`);
  }
  const severity = toSeverity(value[0]);
  if (severity === null) {
    throw configError(file, [...at, 0], `expected a severity (${SEVERITY_TEXT}), got ${describe(value[0])}`);
  }
  if (value.length === 1) return { severity };
  const options = value[1];
  const validate = optionsValidator(rule);
  if (!validate(options)) throw fromAjv(validate.errors ?? [], file, [...at, 1]);
  return { severity, options: { ...(options as Record<string, unknown>) } };
}

function toSeverity(v: unknown): Severity | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  return Object.prototype.hasOwnProperty.call(SEVERITIES, String(v)) ? SEVERITIES[String(v)] : null;
}

/** The rule's options schema, strict: an object schema rejects unknown keys. */
function optionsSchema(rule: RuleModule<any>): Record<string, unknown> {
  const schema: Record<string, unknown> = { type: 'object', ...rule.meta.schema };
  if (schema.type === 'object' && schema.additionalProperties === undefined) schema.additionalProperties = false;
  return schema;
}

function optionsValidator(rule: RuleModule<any>): ValidateFunction {
  let v = optionValidators.get(rule);
  if (!v) {
    v = compile(optionsSchema(rule));
    optionValidators.set(rule, v);
  }
  return v;
}

/** Picks the most specific ajv error and words it. */
function fromAjv(errors: ErrorObject[], file: string, at: (string | number)[]): ConfigError {
  const depth = (e: ErrorObject) => (e.instancePath ? e.instancePath.split('/').length : 0);
  const rank = (e: ErrorObject) => depth(e) * 10 + (e.keyword === 'additionalProperties' ? 3 : e.keyword === 'anyOf' || e.keyword === 'oneOf' ? 2 : e.keyword === 'type' ? 0 : 1);
  const best = [...errors].sort((a, b) => rank(b) - rank(a))[0];
  if (!best) return configError(file, at, 'invalid value');
  const path = [...at, ...best.instancePath.split('/').slice(1).map(unescapePointer)];
  switch (best.keyword) {
    case 'additionalProperties': {
      const extra = (best.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((best.parentSchema as { properties?: object })?.properties ?? {});
      const expected = allowed.length ? `expected one of: ${allowed.join(', ')}` : 'no keys are allowed here';
      return configError(file, [...path, extra], `unknown key "${extra}"; ${expected}`);
    }
    case 'required': {
      const missing = (best.params as { missingProperty: string }).missingProperty;
      return configError(file, [...path, missing], 'is required');
    }
    case 'enum': {
      const allowed = (best.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(', ');
      return configError(file, path, `expected one of ${allowed}, got ${describe(best.data)}`);
    }
    case 'const':
      return configError(file, path, `expected ${JSON.stringify((best.params as { allowedValue: unknown }).allowedValue)}, got ${describe(best.data)}`);
    case 'type':
      return configError(file, path, `expected ${article((best.params as { type: string }).type)}, got ${describe(best.data)}`);
    case 'anyOf':
    case 'oneOf': {
      const desc = (best.parentSchema as { description?: string })?.description;
      return configError(file, path, `expected ${desc ?? 'a value matching the schema'}, got ${describe(best.data)}`);
    }
    default:
      return configError(file, path, `${best.message ?? 'is invalid'}, got ${describe(best.data)}`);
  }
}

function unescapePointer(s: string): string | number {
  const t = s.replace(/~1/g, '/').replace(/~0/g, '~');
  return /^\d+$/.test(t) ? Number(t) : t;
}

function configError(file: string, at: (string | number)[], what: string): ConfigError {
  const key = formatKey(at);
  const where = key ? `${key}: ` : '';
  return new ConfigError(`Invalid configuration in ${file}: ${where}${what}`, file, key || undefined);
}

/** `['rules', 'no-thread-sleep', 1, 'loopStyle']` → `rules.no-thread-sleep[1].loopStyle`. */
export function formatKey(at: (string | number)[]): string {
  let out = '';
  for (const seg of at) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[\w$-]+$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array ${truncate(JSON.stringify(v))}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${truncate(JSON.stringify(v))}`;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function toArray(v: unknown): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? [...v] : [v as string];
}
