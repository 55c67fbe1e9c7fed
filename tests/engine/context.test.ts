import { SourceFile } from '../../lib/source';
import { contextOf, isInTestCode } from '../../lib/context';

function kindAt(code: string, callText: string): string {
  const src = new SourceFile('src/lib.rs', code);
  const call = src.root.descendantsOfType('call_expression').find((c) => src.getText(c).startsWith(callText));
  if (!call) throw new Error(`no call ${callText}`);
  return contextOf(call).kind;
}

describe('execution context', () => {
  it('is async in async fns, blocks and closures', () => {
    expect(kindAt('async fn f() { here(); }', 'here')).toBe('async');
    expect(kindAt('fn f() { let _ = async { here(); }; }', 'here')).toBe('async');
    expect(kindAt('fn f() { let _ = async move { here(); }; }', 'here')).toBe('async');
    expect(kindAt('fn f() { let c = async move |x: u8| { here(); }; }', 'here')).toBe('async');
    expect(kindAt('impl S { async fn m(&self) { here(); } }', 'here')).toBe('async');
    expect(kindAt('trait T { async fn m(&self) { here(); } }', 'here')).toBe('async');
    expect(kindAt('#[tokio::main]\nasync fn main() { here(); }', 'here')).toBe('async');
  });

  it('is sync in fns, sync closures, consts and statics', () => {
    expect(kindAt('fn f() { here(); }', 'here')).toBe('sync');
    expect(kindAt('async fn f() { let c = || { here(); }; }', 'here')).toBe('sync');
    expect(kindAt('async fn f() { std::thread::spawn(move || here()); }', 'here')).toBe('sync');
    expect(kindAt('static X: u8 = here();', 'here')).toBe('sync');
    expect(kindAt('const X: u8 = here();', 'here')).toBe('sync');
  });

  it('follows the nearest owner through nesting', () => {
    expect(kindAt('fn f() { let c = || async { here(); }; }', 'here')).toBe('async');
    expect(kindAt('async fn f() { let c = async { let d = || here(); }; }', 'here')).toBe('sync');
    expect(kindAt('async fn f() { fn inner() { here(); } }', 'here')).toBe('sync');
  });

  it('puts a closure argument expression in the caller context', () => {
    expect(kindAt('async fn f() { g(|| 1, here()); }', 'here')).toBe('async');
  });

  it('sees the arguments of select! branches in the macro context', () => {
    const code = 'async fn f() { tokio::select! { _ = a() => { here(); }, else => {} } }';
    expect(kindAt(code, 'here')).toBe('async');
  });

  it('recognises test-only code', () => {
    const src = new SourceFile('src/lib.rs', '#[cfg(test)]\nmod tests { fn f() { here(); } }\nfn g() { there(); }');
    const [here, there] = src.root.descendantsOfType('call_expression');
    expect(isInTestCode(here)).toBe(true);
    expect(isInTestCode(there)).toBe(false);
  });
});
