/** The formatters are pure functions: literal results in, literal text out. */
import picocolors from 'picocolors';
import { formatterNames, loadFormatter, FormatterContext } from '../lib/formatters';
import { mergeFix } from '../lib/formatters/json';
import { LintMessage, LintResult } from '../lib/types';

const plain: FormatterContext = { cwd: '/work/crate', colors: picocolors.createColors(false), unsafeFixes: false, rulesMeta: {} };

const SOURCE = 'async fn f() {\n    std::thread::sleep(d);\n    let (tx, rx) = std::sync::mpsc::channel();\n}\n';

function msg(over: Partial<LintMessage>): LintMessage {
  return { ruleId: 'no-thread-sleep', severity: 2, message: 'Blocking sleep.', line: 2, column: 5, endLine: 2, endColumn: 26, start: 19, end: 40, ...over };
}

const sleepFix = msg({
  fix: {
    applicability: 'safe',
    edits: [
      { start: 19, end: 37, text: 'tokio::time::sleep' },
      { start: 40, end: 40, text: '.await' },
    ],
  },
});
const mpscUnsafe = msg({
  ruleId: 'no-std-mpsc-in-async',
  severity: 1,
  message: 'std mpsc in async code',
  line: 3,
  column: 20,
  endLine: 3,
  endColumn: 45,
  start: 61,
  end: 87,
  fix: { applicability: 'unsafe', edits: [{ start: 61, end: 85, text: 'tokio::sync::mpsc::unbounded_channel' }] },
});

const results: LintResult[] = [
  {
    filePath: '/work/crate/src/main.rs',
    messages: [sleepFix, mpscUnsafe],
    errorCount: 1,
    warningCount: 1,
    fixableErrorCount: 1,
    fixableWarningCount: 0,
    source: SOURCE,
  },
  { filePath: '/work/crate/src/clean.rs', messages: [], errorCount: 0, warningCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, source: '' },
  {
    filePath: '/elsewhere/lib.rs',
    messages: [msg({ ruleId: null, message: 'Parsing error: unexpected `}`', line: 10, column: 1, fatal: true })],
    errorCount: 1,
    warningCount: 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    source: 'x',
  },
];

describe('registry', () => {
  test('lists and loads formatters by name; an unknown name throws', () => {
    expect(formatterNames()).toEqual(['stylish', 'json', 'compact', 'sarif', 'github', 'junit']);
    expect(typeof loadFormatter('json')).toBe('function');
    expect(() => loadFormatter('sarif2')).toThrow('Unknown format "sarif2"; available: stylish, json, compact, sarif, github, junit');
  });
});

describe('stylish', () => {
  const stylish = loadFormatter('stylish');

  test('groups by file, aligns rows, drops a final period, and sums up', () => {
    expect(stylish(results, plain)).toBe(
      [
        '',
        'src/main.rs',
        '  2:5   error    Blocking sleep          no-thread-sleep',
        '  3:20  warning  std mpsc in async code  no-std-mpsc-in-async',
        '',
        '/elsewhere/lib.rs',
        '  10:1  error  Parsing error: unexpected `}`',
        '',
        '\u2716 3 problems (2 errors, 1 warning)',
        '  1 error and 0 warnings potentially fixable with the --fix option.',
        '  1 more problem fixable with the --fix --unsafe-fixes options.',
        '',
        '',
      ].join('\n'),
    );
  });

  test('with --unsafe-fixes the fixable line names both options', () => {
    const r: LintResult[] = [{ ...results[0], fixableWarningCount: 1 }];
    expect(stylish(r, { ...plain, unsafeFixes: true })).toMatch(
      /\n\u2716 2 problems \(1 error, 1 warning\)\n {2}1 error and 1 warning potentially fixable with the --fix --unsafe-fixes options\.\n\n$/,
    );
  });

  test('no problems: no output', () => {
    expect(stylish([results[1]], plain)).toBe('');
  });

  test('colours come from the picocolors instance it is given', () => {
    const out = stylish([results[0]], { ...plain, colors: picocolors.createColors(true) });
    expect(out).toContain('\x1b[4msrc/main.rs\x1b[24m');
    expect(out).toContain('\x1b[31merror\x1b[39m');
    expect(out).toContain('\x1b[33mwarning\x1b[39m');
    expect(stylish([results[0]], plain)).not.toContain('\x1b[');
  });
});

describe('compact', () => {
  test('file:line:col: severity message [rule]', () => {
    expect(loadFormatter('compact')(results, plain)).toBe(
      [
        'src/main.rs:2:5: error Blocking sleep. [no-thread-sleep]',
        'src/main.rs:3:20: warning std mpsc in async code [no-std-mpsc-in-async]',
        '/elsewhere/lib.rs:10:1: error Parsing error: unexpected `}`',
        '',
      ].join('\n'),
    );
  });
});

describe('json', () => {
  const json = loadFormatter('json');

  test("ESLint's result shape; the edits of a fix merged into one; unsafe fixes as suggestions", () => {
    expect(JSON.parse(json(results, plain))).toEqual([
      {
        filePath: '/work/crate/src/main.rs',
        messages: [
          {
            ruleId: 'no-thread-sleep',
            severity: 2,
            message: 'Blocking sleep.',
            line: 2,
            column: 5,
            endLine: 2,
            endColumn: 26,
            fix: { range: [19, 40], text: 'tokio::time::sleep(d).await' },
          },
          {
            ruleId: 'no-std-mpsc-in-async',
            severity: 1,
            message: 'std mpsc in async code',
            line: 3,
            column: 20,
            endLine: 3,
            endColumn: 45,
            suggestions: [{ desc: '(unsafe) std mpsc in async code', fix: { range: [61, 85], text: 'tokio::sync::mpsc::unbounded_channel' } }],
          },
        ],
        errorCount: 1,
        fatalErrorCount: 0,
        warningCount: 1,
        fixableErrorCount: 1,
        fixableWarningCount: 0,
        source: SOURCE,
      },
      {
        filePath: '/work/crate/src/clean.rs',
        messages: [],
        errorCount: 0,
        fatalErrorCount: 0,
        warningCount: 0,
        fixableErrorCount: 0,
        fixableWarningCount: 0,
      },
      {
        filePath: '/elsewhere/lib.rs',
        messages: [
          { ruleId: null, severity: 2, message: 'Parsing error: unexpected `}`', line: 10, column: 1, endLine: 2, endColumn: 26, fatal: true },
        ],
        errorCount: 1,
        fatalErrorCount: 1,
        warningCount: 0,
        fixableErrorCount: 0,
        fixableWarningCount: 0,
        source: 'x',
      },
    ]);
  });

  test('with --unsafe-fixes an unsafe fix is a fix', () => {
    const out = JSON.parse(json([results[0]], { ...plain, unsafeFixes: true }));
    expect(out[0].messages[1].fix).toEqual({ range: [61, 85], text: 'tokio::sync::mpsc::unbounded_channel' });
    expect(out[0].messages[1].suggestions).toBeUndefined();
  });

  test('a fixed result has output and no source; its fixes refer to the output, BOM stripped', () => {
    const output = '\uFEFFlet a = 1;';
    const fixed: LintResult = {
      filePath: '/work/crate/x.rs',
      messages: [msg({ start: 4, end: 5, fix: { applicability: 'safe', edits: [{ start: 4, end: 5, text: 'b' }, { start: 8, end: 9, text: '2' }] } })],
      errorCount: 1,
      warningCount: 0,
      fixableErrorCount: 1,
      fixableWarningCount: 0,
      source: '\uFEFFlet  a = 1;',
      output,
    };
    const [r] = JSON.parse(json([fixed], plain));
    expect(r.output).toBe(output);
    expect(r.source).toBeUndefined();
    expect(r.messages[0].fix).toEqual({ range: [4, 9], text: 'b = 2' });
  });
});

describe('mergeFix', () => {
  test('spans from the first edit start to the last edit end, with the text between kept', () => {
    expect(mergeFix({ applicability: 'safe', edits: [{ start: 6, end: 6, text: '!' }, { start: 0, end: 1, text: 'H' }] }, 'hello world')).toEqual({
      range: [0, 6],
      text: 'Hello !',
    });
    expect(mergeFix({ applicability: 'safe', edits: [] }, 'x')).toBeNull();
  });
});
