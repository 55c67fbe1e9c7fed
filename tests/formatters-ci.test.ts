/** The CI formats: github (workflow-command annotations) and junit. Literal results in, literal text out. */
import picocolors from 'picocolors';
import { FormatterContext, loadFormatter } from '../lib/formatters';
import { escapeData, escapeProperty } from '../lib/formatters/github';
import { LintMessage, LintResult } from '../lib/types';

const context: FormatterContext = { cwd: '/work/crate', colors: picocolors.createColors(false), unsafeFixes: false, rulesMeta: {} };

function msg(over: Partial<LintMessage>): LintMessage {
  return { ruleId: 'no-thread-sleep', severity: 2, message: 'Blocking sleep.', line: 2, column: 5, endLine: 2, endColumn: 26, start: 19, end: 40, ...over };
}

function result(filePath: string, messages: LintMessage[]): LintResult {
  return { filePath, messages, errorCount: 0, warningCount: 0, fixableErrorCount: 0, fixableWarningCount: 0 };
}

describe('github', () => {
  const github = loadFormatter('github');

  test('one annotation per problem: severity, file, positions, title, message', () => {
    const out = github(
      [
        result('/work/crate/src/main.rs', [msg({}), msg({ ruleId: 'no-block-on', severity: 1, message: 'Do not block.', line: 7, column: 1, endLine: 9, endColumn: 2 })]),
        result('/work/crate/src/clean.rs', []),
        result('/work/crate/src/bad.rs', [msg({ ruleId: null, message: 'Parsing error: unexpected `}`', line: 1, column: 1, endLine: 1, endColumn: 2 })]),
      ],
      context,
    );
    expect(out).toBe(
      [
        '::error file=src/main.rs,line=2,col=5,endLine=2,endColumn=26,title=no-thread-sleep::Blocking sleep.',
        // Columns only on one line: GitHub's annotations take columns only when start and end lines are equal.
        '::warning file=src/main.rs,line=7,endLine=9,title=no-block-on::Do not block.',
        '::error file=src/bad.rs,line=1,col=1,endLine=1,endColumn=2,title=rustokio-lint::Parsing error: unexpected `}`',
        '',
      ].join('\n'),
    );
  });

  test('escapes % CR LF in the message, and also : and , in properties', () => {
    expect(escapeData('50% done\r\nnext: a, b')).toBe('50%25 done%0D%0Anext: a, b');
    expect(escapeProperty('C:\\a,b%\n')).toBe('C%3A\\a%2Cb%25%0A');
    const out = github([result('/work/crate/src/a,b:c.rs', [msg({ message: 'line one\nline two 100%' })])], context);
    expect(out).toBe('::error file=src/a%2Cb%3Ac.rs,line=2,col=5,endLine=2,endColumn=26,title=no-thread-sleep::line one%0Aline two 100%25\n');
  });

  test('no problems: no output', () => {
    expect(github([result('/work/crate/src/clean.rs', [])], context)).toBe('');
  });
});

describe('junit', () => {
  const junit = loadFormatter('junit');

  test('a testsuite per file, a failing testcase per problem, a passing one for a clean file', () => {
    const out = junit(
      [
        result('/work/crate/src/main.rs', [msg({}), msg({ severity: 1, ruleId: 'no-block-on', message: 'Use <fut>.await & "not" block_on.', line: 4, column: 9 })]),
        result('/work/crate/src/clean.rs', []),
      ],
      context,
    );
    expect(out).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="rustokio-lint" tests="3" failures="2" errors="0" time="0">',
        '  <testsuite name="src/main.rs" tests="2" failures="2" errors="0" skipped="0" time="0">',
        '    <testcase name="no-thread-sleep at 2:5" classname="src/main.rs" time="0">',
        '      <failure type="error" message="Blocking sleep.">src/main.rs:2:5 error Blocking sleep. [no-thread-sleep]</failure>',
        '    </testcase>',
        '    <testcase name="no-block-on at 4:9" classname="src/main.rs" time="0">',
        '      <failure type="warning" message="Use &lt;fut&gt;.await &amp; &quot;not&quot; block_on.">' +
          'src/main.rs:4:9 warning Use &lt;fut&gt;.await &amp; &quot;not&quot; block_on. [no-block-on]</failure>',
        '    </testcase>',
        '  </testsuite>',
        '  <testsuite name="src/clean.rs" tests="1" failures="0" errors="0" skipped="0" time="0">',
        '    <testcase name="rustokio-lint" classname="src/clean.rs" time="0"/>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  test('characters XML cannot hold are dropped', () => {
    const out = junit([result('/work/crate/src/main.rs', [msg({ message: 'bad\u0001char\uFFFF' })])], context);
    expect(out).toContain('message="badchar"');
  });
});
