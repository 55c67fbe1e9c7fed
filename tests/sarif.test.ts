/**
 * The sarif format: validated against the SARIF 2.1.0 JSON schema (the
 * 2.1.0 schema as Microsoft, the SARIF editors, publish it in
 * @microsoft/jest-sarif: `sarif-2.1.0-rtm.5.json`, JSON Schema draft-04),
 * with ajv; then the fields GitHub code scanning reads, from literal results
 * and from the real binary.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import picocolors from 'picocolors';
import { FormatterContext, loadFormatter } from '../lib/formatters';
import { LintMessage, LintResult } from '../lib/types';
import { allRules } from '../rules';

const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const BIN = path.join(__dirname, '..', 'bin', 'rustokio-lint.js');

// The schema's `language` pattern is written for non-unicode regexps.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function schemaErrors(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const rulesMeta = Object.fromEntries(
  [...allRules].map(([id, r]) => [id, { description: r.meta.description, fixable: r.meta.fixable, docsUrl: r.meta.docsUrl }]),
);
const context: FormatterContext = { cwd: '/work/crate', colors: picocolors.createColors(false), unsafeFixes: false, rulesMeta };
const sarif = loadFormatter('sarif');

const SOURCE = 'async fn f() {\n    std::thread::sleep(d);\n}\nasync fn g() {\n    std::thread::sleep(d);\n}\n';

function msg(over: Partial<LintMessage>): LintMessage {
  return { ruleId: 'no-thread-sleep', severity: 2, message: 'Blocking sleep.', line: 2, column: 5, endLine: 2, endColumn: 26, start: 19, end: 40, ...over };
}

function result(filePath: string, messages: LintMessage[], source: string): LintResult {
  return { filePath, messages, errorCount: 0, warningCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, source };
}

function run(results: LintResult[], ctx = context): any {
  return JSON.parse(sarif(results, ctx)).runs[0];
}

describe('schema', () => {
  test('the validator rejects a log that breaks the schema (an unknown level, a URI with a space)', () => {
    const log = JSON.parse(sarif([result('/work/crate/src/main.rs', [msg({})], SOURCE)], context));
    expect(schemaErrors(log)).toEqual([]);
    log.runs[0].results[0].level = 'fatal';
    log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'src/a b.rs';
    expect(schemaErrors(log)).toEqual([
      '/runs/0/results/0/level must be equal to one of the allowed values',
      '/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri must match format "uri-reference"',
    ]);
  });

  test('a log with errors, warnings, notifications, odd paths and no results at all validates', () => {
    const results = [
      result('/work/crate/src/main.rs', [msg({}), msg({ severity: 1, line: 5, endLine: 5, start: 60, end: 81 })], SOURCE),
      result('/work/crate/src/with space/ünï.rs', [msg({ ruleId: null, message: 'Parsing error: unexpected `}`', fatal: true })], '}'),
      result('/elsewhere/lib.rs', [msg({ ruleId: 'no-block-on', line: 1, column: 1, endLine: 3, endColumn: 2 })], 'x\ny\nz}'),
      result('/work/crate/src/clean.rs', [], ''),
    ];
    expect(schemaErrors(JSON.parse(sarif(results, context)))).toEqual([]);
    expect(schemaErrors(JSON.parse(sarif([], context)))).toEqual([]);
  });
});

describe('fields', () => {
  test('driver rules carry id, description and docs URL; results point at them', () => {
    const r = run([result('/work/crate/src/main.rs', [msg({})], SOURCE)]);
    expect(r.tool.driver.name).toBe('rustokio-lint');
    expect(r.tool.driver.rules.map((x: any) => x.id)).toEqual(['no-block-on', 'no-shared-runtime', 'no-std-mpsc-in-async', 'no-thread-sleep', 'no-thread-spawn']);
    const sleep = r.tool.driver.rules[3];
    expect(sleep).toEqual({
      id: 'no-thread-sleep',
      shortDescription: { text: allRules.get('no-thread-sleep')!.meta.description },
      helpUri: 'https://github.com/rustokio/rustokio-lint/blob/main/docs/rules/no-thread-sleep.md',
      properties: { fixable: true },
    });
    expect(r.columnKind).toBe('utf16CodeUnits');
    expect(r.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///work/crate/' } });
    const res = r.results[0];
    expect(res.ruleId).toBe('no-thread-sleep');
    expect(res.ruleIndex).toBe(3);
    expect(res.level).toBe('error');
    expect(res.message).toEqual({ text: 'Blocking sleep.' });
    expect(res.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'src/main.rs', uriBaseId: '%SRCROOT%' },
          region: { startLine: 2, startColumn: 5, endLine: 2, endColumn: 26 },
        },
      },
    ]);
  });

  test('warnings are level warning; paths are percent-encoded; a file outside cwd has a file:// URI', () => {
    const r = run([
      result('/work/crate/src/with space/ünï.rs', [msg({ severity: 1 })], SOURCE),
      result('/elsewhere/lib.rs', [msg({})], SOURCE),
    ]);
    expect(r.results.map((x: any) => [x.level, x.locations[0].physicalLocation.artifactLocation])).toEqual([
      ['warning', { uri: 'src/with%20space/%C3%BCn%C3%AF.rs', uriBaseId: '%SRCROOT%' }],
      ['error', { uri: 'file:///elsewhere/lib.rs' }],
    ]);
  });

  test('messages without a rule are tool execution notifications', () => {
    const r = run([result('/work/crate/src/bad.rs', [msg({ ruleId: null, message: 'Parsing error: unexpected `}`', line: 3, column: 1, endLine: 3, endColumn: 2 })], '}')]);
    expect(r.results).toEqual([]);
    expect(r.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'error',
            message: { text: 'Parsing error: unexpected `}`' },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: 'src/bad.rs', uriBaseId: '%SRCROOT%' },
                  region: { startLine: 3, startColumn: 1, endLine: 3, endColumn: 2 },
                },
              },
            ],
          },
        ],
      },
    ]);
  });
});

describe('partialFingerprints', () => {
  const fp = (results: LintResult[]) => run(results).results.map((x: any) => x.partialFingerprints.primaryLocationLineHash);

  test('the same line text moved to another line keeps its fingerprint', () => {
    const before = fp([result('/work/crate/src/main.rs', [msg({})], SOURCE)]);
    const moved = fp([result('/work/crate/src/main.rs', [msg({ line: 4, endLine: 4 })], `\n\n${SOURCE}`)]);
    expect(before[0]).toMatch(/^[0-9a-f]{16}:1$/);
    expect(moved).toEqual(before);
  });

  test('two identical lines differ by occurrence; another rule, file or line text gives another hash', () => {
    const [a, b] = fp([result('/work/crate/src/main.rs', [msg({}), msg({ line: 5, endLine: 5 })], SOURCE)]);
    expect(a.replace(/:1$/, ':2')).toBe(b);
    const [other] = fp([result('/work/crate/src/main.rs', [msg({ ruleId: 'no-block-on' })], SOURCE)]);
    const [otherFile] = fp([result('/work/crate/src/lib.rs', [msg({})], SOURCE)]);
    const [otherText] = fp([result('/work/crate/src/main.rs', [msg({})], SOURCE.replace('(d)', '(e)'))]);
    expect(new Set([a, other, otherFile, otherText]).size).toBe(4);
  });
});

describe('the binary', () => {
  let root: string;
  beforeAll(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-sarif-')));
    fs.mkdirSync(path.join(root, '.git'));
    fs.mkdirSync(path.join(root, 'src'));
    // A non-BMP character before the sleep: columns count UTF-16 units (2 for 🦀).
    fs.writeFileSync(path.join(root, 'src', 'main.rs'), 'async fn tick() {\n    /*🦀*/std::thread::sleep(std::time::Duration::from_millis(5));\n}\n');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('--format sarif validates, with relative URIs and UTF-16 columns', () => {
    const r = spawnSync(process.execPath, [BIN, '--format', 'sarif'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(schemaErrors(log)).toEqual([]);
    const res = log.runs[0].results;
    expect(res).toHaveLength(1);
    expect(res[0].ruleId).toBe('no-thread-sleep');
    expect(res[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'src/main.rs', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 11, endLine: 2, endColumn: 66 },
    });
    expect(log.runs[0].tool.driver.rules).toHaveLength(allRules.size);
  });
});
