/**
 * Deeply nested input (SPEC §11): the engine and the rules walk trees with
 * loops and explicit stacks, never recursion a file can drive past the JS
 * stack, and walking up from a deep node stays linear (tree-sitter finds a
 * parent by walking down from the root: lib/parser.ts remembers them). Each
 * file is linted and fixed with every rule on; the blocking sleep at the
 * bottom must still be found (and fixed where it is in async code).
 */
import { lintAndFix } from '../../lib/fixer';
import { ProjectIndex } from '../../lib/project';
import { ruleList } from '../../rules';
import { FileConfig } from '../../lib/types';

const config: FileConfig = {
  rules: Object.fromEntries(ruleList.map((r) => [r.id, { severity: 2 as const, options: {} }])),
  settings: { ambientRuntime: 'auto' },
};
const SLEEP = 'std::thread::sleep(d);';
const FIXED = 'tokio::time::sleep(d).await;';

const cases: [string, string][] = [
  ['20,000 nested parentheses', `async fn f() {\n    let x = ${'('.repeat(20000)}1${')'.repeat(20000)};\n    ${SLEEP}\n}\n`],
  ['10,000 nested blocks', `async fn f() {\n    ${'{'.repeat(10000)}\n    ${SLEEP}\n    ${'}'.repeat(10000)}\n}\n`],
  ['10,000 nested ifs', `async fn f() {\n    ${'if a { '.repeat(10000)}\n    ${SLEEP}\n    ${' }'.repeat(10000)}\n}\n`],
  ['5,000 nested async blocks', `async fn f() {\n    ${'async { '.repeat(5000)}\n    ${SLEEP}\n    ${' }'.repeat(5000)}\n}\n`],
  ['a 20,000-segment path', `async fn f() {\n    ${Array(20000).fill('a').join('::')}();\n    ${SLEEP}\n}\n`],
  ['a 10,000-call method chain', `async fn f() {\n    x${'.a()'.repeat(10000)};\n    ${SLEEP}\n}\n`],
  ['a 20,000-term sum', `async fn f() {\n    let y = ${Array(20000).fill('1').join(' + ')};\n    ${SLEEP}\n}\n`],
  ['5,000 nested generic types', `async fn f() {\n    let v: ${'Vec<'.repeat(5000)}u8${'>'.repeat(5000)} = x;\n    ${SLEEP}\n}\n`],
  ['5,000 nested macro calls', `async fn f() {\n    ${'println!("{}", '.repeat(5000)}1${')'.repeat(5000)};\n    ${SLEEP}\n}\n`],
  ['2,500 nested select! macros', `async fn f() {\n    ${'tokio::select! { _ = a => { '.repeat(2500)}\n    ${'} }'.repeat(2500)}\n    ${SLEEP}\n}\n`],
  ['a use tree 5,000 levels deep', `use a::${'{b::'.repeat(5000)}c${'}'.repeat(5000)};\nasync fn f() {\n    ${SLEEP}\n}\n`],
  ['5,000 nested closures', `async fn f() {\n    let g = ${'|| '.repeat(5000)}1;\n    ${SLEEP}\n}\n`],
];

describe('deeply nested input', () => {
  it.each(cases)('%s: linted and fixed, the sleep found and fixed', (_name, text) => {
    const project = ProjectIndex.fromTexts([{ filePath: 'src/lib.rs', text }]);
    const lint = lintAndFix('src/lib.rs', text, { config, project }, false);
    expect(lint.lint.errors).toEqual([]);
    const line = text.split('\n').findIndex((l) => l.includes(SLEEP)) + 1;
    expect(lint.lint.messages.filter((m) => m.ruleId === 'no-thread-sleep').map((m) => m.line)).toEqual([line]);
    const fixed = lintAndFix('src/lib.rs', text, { config, project, unsafe: true }, true);
    expect(fixed.lint.errors).toEqual([]);
    expect(fixed.source.text.split('\n')[line - 1].trim()).toBe(FIXED);
  });

  it('20,000 unclosed parentheses: one syntax error, no fix inside it', () => {
    const text = `async fn f() {\n    ${SLEEP}\n    let x = ${'('.repeat(20000)}\n`;
    const project = ProjectIndex.fromTexts([{ filePath: 'src/lib.rs', text }]);
    const run = lintAndFix('src/lib.rs', text, { config, project, unsafe: true }, true);
    expect(run.lint.errors).toEqual([]);
    expect(run.lint.messages.filter((m) => m.fatal).map((m) => m.message)).toEqual([expect.stringMatching(/^Parsing error: /)]);
    expect(run.changed).toBe(false);
  });
});
