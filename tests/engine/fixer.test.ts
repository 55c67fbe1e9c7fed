import { applyEdits, chooseFixes, lintAndFix } from '../../lib/fixer';
import { Fix } from '../../lib/types';
import { recommendedConfig } from '../helpers';

const f = (start: number, end: number, text: string, applicability: 'safe' | 'unsafe' = 'safe'): Fix => ({
  applicability,
  edits: [{ start, end, text }],
});

describe('fixer', () => {
  it('applies edits in position order', () => {
    expect(applyEdits('abcdef', [{ start: 4, end: 5, text: 'E' }, { start: 0, end: 1, text: 'A' }])).toBe('AbcdEf');
    expect(() => applyEdits('abc', [{ start: 0, end: 2, text: '' }, { start: 1, end: 3, text: '' }])).toThrow();
  });

  it('keeps fixes that overlap or touch an earlier one for the next pass', () => {
    const a = f(0, 5, 'x');
    const b = f(3, 8, 'y');
    const c = f(5, 6, 'z');
    const d = f(10, 12, 'w');
    expect(chooseFixes([b, d, a, c])).toEqual([a, d]);
  });

  it('treats a wrapping fix as covering everything inside its span', () => {
    const wrap: Fix = { applicability: 'safe', edits: [{ start: 0, end: 2, text: 'A' }, { start: 20, end: 22, text: 'B' }] };
    const inner = f(10, 12, 'C');
    expect(chooseFixes([inner, wrap])).toEqual([wrap]);
  });

  it('runs passes until fixes feed each other to the final form', () => {
    const code = 'use std::time::Duration;\nasync fn f() {\n    std::thread::sleep(Duration::from_millis(5));\n}\n';
    const run = lintAndFix('src/lib.rs', code, { config: recommendedConfig() }, true);
    expect(run.source.text).toBe('use std::time::Duration;\nasync fn f() {\n    tokio::time::sleep(Duration::from_millis(5)).await;\n}\n');
    expect(run.passes).toBe(1);
    expect(run.lint.messages).toEqual([]);
  });

  it('never fixes inside a region that does not parse, but still reports', () => {
    const code = 'async fn f() {\n    std::thread::sleep(d);\n    std::thread::sleep(d +);\n}\n';
    const run = lintAndFix('src/lib.rs', code, { config: recommendedConfig() }, true);
    expect(run.source.text).toBe('async fn f() {\n    tokio::time::sleep(d).await;\n    std::thread::sleep(d +);\n}\n');
    expect(run.lint.messages.map((m) => [m.ruleId, m.line])).toEqual([
      ['no-thread-sleep', 3],
      [null, 3],
    ]);
  });

  it('keeps CRLF line endings and a BOM', () => {
    const code = '\uFEFFasync fn f() {\r\n    std::thread::sleep(d);\r\n}\r\n';
    const run = lintAndFix('src/lib.rs', code, { config: recommendedConfig() }, true);
    expect(run.source.withBOM(run.source.text)).toBe('\uFEFFasync fn f() {\r\n    tokio::time::sleep(d).await;\r\n}\r\n');
  });

  it('removes an import the fixes left unused and narrows a list', () => {
    const code = 'use std::thread;\nuse std::thread::{self as t2, sleep};\nasync fn f() {\n    thread::sleep(d);\n    sleep(d);\n}\n';
    const run = lintAndFix('src/lib.rs', code, { config: recommendedConfig() }, true);
    expect(run.source.text).toBe('use std::thread as t2;\nasync fn f() {\n    tokio::time::sleep(d).await;\n    tokio::time::sleep(d).await;\n}\n');
  });
});
