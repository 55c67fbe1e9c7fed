/**
 * Contexts read from text (lib/text-contexts.ts) against those of the tree
 * (lib/context.ts): every node the tree puts in async code, the text may
 * put there too; for the others, the fn the text finds is the tree's
 * enclosing fn.
 */
import * as fs from 'fs';
import * as path from 'path';
import { textContexts } from '../../lib/text-contexts';
import { codeText } from '../../lib/prefilter';
import { SourceFile } from '../../lib/source';
import { contextOf, enclosingFunction } from '../../lib/context';
import { rustFiles } from '../helpers';
import { isAssociated } from '../../lib/index/summary';

function contextsOf(text: string) {
  const code = codeText(text, true);
  return code === null ? null : textContexts(code);
}

describe('textContexts', () => {
  it('finds async bodies and the fn around an offset', () => {
    const text = [
      'fn main() { block_on(async { work().await }); }',
      'pub(crate) async fn serve(x: impl Fn(u8) -> u8) -> Result<(), E> where E: Debug { go(); }',
      'impl S { pub const unsafe extern "C" fn run<F: Fn() -> T>(&self, f: F) { let g = async move { inner() }; } }',
      'trait T { async fn f(&self); fn g(&self) {} }',
      'fn outer(x: impl Fn()) { fn inner() { wait(); } }',
    ].join('\n');
    const c = contextsOf(text)!;
    const at = (s: string) => text.indexOf(s);
    expect(c.mayBeAsync(at('block_on'))).toBe(false);
    expect(c.fnAt(at('block_on'))).toEqual({ name: 'main', free: true, private: true });
    expect(c.mayBeAsync(at('work()'))).toBe(true);
    expect(c.mayBeAsync(at('go()'))).toBe(true);
    expect(c.fnAt(at('go()'))).toEqual({ name: 'serve', free: true, private: false });
    expect(c.mayBeAsync(at('inner()'))).toBe(true);
    expect(c.mayBeAsync(at('let g'))).toBe(false);
    expect(c.fnAt(at('let g'))).toEqual({ name: 'run', free: false, private: false });
    expect(c.fnAt(at('trait T'))).toBe(null);
    // After an `impl` (here a type's), up to the end of the next block: not sure it is free.
    expect(c.fnAt(at('wait()'))).toEqual({ name: 'inner', free: false, private: true });
  });

  it('gives no answer for text it cannot read so', () => {
    expect(contextsOf('fn f() { let c = async || work(); }')).toBe(null);
    expect(contextsOf('fn f() { g(); ')).toBe(null);
    expect(contextsOf('fn f() -> [u8; { N }] { g(); }')).toBe(null);
  });

  it('agrees with the tree on every node of the fixtures: async there is async here, and the same enclosing fn', () => {
    let checked = 0;
    for (const file of rustFiles(path.join(__dirname, '..', 'fixtures'))) {
      const text = fs.readFileSync(file, 'utf8');
      const c = contextsOf(text);
      if (!c) continue;
      const source = new SourceFile(file, text);
      for (const call of source.root.descendantsOfType('call_expression')) {
        const at = call.startIndex;
        if (contextOf(call).kind === 'async') expect([file, at, c.mayBeAsync(at)]).toEqual([file, at, true]);
        else if (!c.mayBeAsync(at)) {
          const fn = enclosingFunction(call);
          expect([file, at, c.fnAt(at)?.name ?? null]).toEqual([file, at, fn?.childForFieldName('name')?.text ?? null]);
          // Free for sure only when it is: no impl or trait around it.
          if (fn && c.fnAt(at)!.free) expect([file, at, isAssociated(fn)]).toEqual([file, at, false]);
          // Private as the tree has it: no visibility modifier.
          if (fn) expect([file, at, c.fnAt(at)!.private]).toEqual([file, at, !fn.namedChildren.some((k) => k.type === 'visibility_modifier')]);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});
