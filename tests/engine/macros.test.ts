import { SourceFile } from '../../lib/source';

function calls(code: string): string[] {
  const src = new SourceFile('a.rs', code);
  return src.root.descendantsOfType('call_expression').map((c) => src.getText(c));
}

describe('macro lowering', () => {
  it('re-parses format-family and assert arguments at their real offsets', () => {
    const code = 'fn f() { println!("{:?}", rx.recv()); assert!(check(x), "m"); }';
    const src = new SourceFile('a.rs', code);
    const recv = src.root.descendantsOfType('call_expression').find((c) => src.getText(c) === 'rx.recv()');
    expect(recv?.startIndex).toBe(code.indexOf('rx.recv()'));
    expect(src.getText(src.root)).toBe(code);
  });

  it('re-parses select! branches: futures and bodies', () => {
    const code = [
      'async fn f() {',
      '    tokio::select! {',
      '        biased;',
      '        Some(v) = rx.recv() => { std::thread::sleep(d); }',
      '        _ = tick(), if ready => handle(),',
      '        else => { done(); }',
      '    }',
      '}',
    ].join('\n');
    expect(calls(code)).toEqual(expect.arrayContaining(['rx.recv()', 'std::thread::sleep(d)', 'tick()', 'handle()', 'done()']));
  });

  it('re-parses join! arguments and vec! elements, and nested well-known macros', () => {
    expect(calls('async fn f() { tokio::join!(a(), b()); }')).toEqual(expect.arrayContaining(['a()', 'b()']));
    expect(calls('fn f() { let v = vec![block_on(x), 2]; }')).toEqual(expect.arrayContaining(['block_on(x)']));
    expect(calls('async fn f() { tokio::select! { _ = a() => { println!("{}", sleep_ms(1)); } } }')).toContain('sleep_ms(1)');
  });

  it('leaves other macros and macro_rules! bodies opaque', () => {
    expect(calls('fn f() { my_macro!(std::thread::spawn(g)); }')).toEqual([]);
    expect(calls('macro_rules! m { () => { std::thread::spawn(g) }; }')).toEqual([]);
  });

  it('drops a rewrite that does not parse and keeps the rest of the file', () => {
    const code = 'fn f() { println!("{}", recv(a b c)); g(); }';
    const src = new SourceFile('a.rs', code);
    expect(calls(code)).toContain('g()');
    expect(src.lintTree.rootNode.hasError).toBe(false);
  });
});
