import { lintAndFix } from '../../lib/fixer';
import { recommendedConfig } from '../helpers';

function lint(code: string, reportUnused = false) {
  return lintAndFix('src/lib.rs', code, { config: recommendedConfig(), reportUnusedDisableDirectives: reportUnused }, false).lint.messages;
}

const sleepLine = '    std::thread::sleep(d);';

describe('suppression directives', () => {
  it('disable-next-line and disable-line suppress one line for the named rules', () => {
    expect(lint(`async fn f() {\n    // rustokio-lint-disable-next-line no-thread-sleep -- reason\n${sleepLine}\n}`)).toEqual([]);
    expect(lint(`async fn f() {\n${sleepLine} // rustokio-lint-disable-line no-thread-sleep\n}`)).toEqual([]);
    expect(lint(`async fn f() {\n    // rustokio-lint-disable-next-line no-block-on\n${sleepLine}\n}`)).toHaveLength(1);
  });

  it('a directive without a rule list covers every rule', () => {
    expect(lint(`async fn f() {\n    // rustokio-lint-disable-next-line\n${sleepLine}\n}`)).toEqual([]);
  });

  it('block disable/enable covers the lines between', () => {
    const code = `async fn f() {\n    /* rustokio-lint-disable no-thread-sleep */\n${sleepLine}\n    /* rustokio-lint-enable no-thread-sleep */\n${sleepLine}\n}`;
    const msgs = lint(code);
    expect(msgs.map((m) => m.line)).toEqual([5]);
  });

  it('a file-wide disable before the first item covers the file', () => {
    expect(lint(`// rustokio-lint-disable no-thread-sleep, no-block-on\nasync fn f() {\n${sleepLine}\n}`)).toEqual([]);
  });

  it('a directive-like string is not a directive', () => {
    expect(lint(`async fn f() {\n    let s = "rustokio-lint-disable-next-line";\n${sleepLine}\n}`)).toHaveLength(1);
  });

  it('reports unused directives on request', () => {
    const msgs = lint(`// rustokio-lint-disable-next-line no-block-on\nfn f() {}\n`, true);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ ruleId: null, severity: 2, line: 1, column: 1 });
    expect(msgs[0].message).toContain("'no-block-on'");
  });
});
