import * as fs from 'fs';
import * as path from 'path';
import { callsNamed } from '../../lib/calls';
import { SyntaxNode } from '../../lib/parser';
import { SourceFile } from '../../lib/source';
import { rustFiles } from '../helpers';

const NAMES = new Set(['spawn', 'block_on', 'sleep', 'recv', 'send']);

function found(code: string, names = NAMES): string[] {
  const src = new SourceFile('a.rs', code);
  return callsNamed(src.root, src.root.text, names).map((c) => `${c.alias ? 'alias ' : ''}${src.getText(c.call)}`);
}

/** The callee's last path segment or method name (through `::<T>`), as a walk of every call sees it. */
function calleeName(call: SyntaxNode): string | null {
  let f = call.childForFieldName('function');
  if (f?.type === 'generic_function') f = f.childForFieldName('function');
  if (!f) return null;
  if (f.type === 'identifier') return f.text;
  if (f.type === 'scoped_identifier') return f.childForFieldName('name')?.text ?? null;
  if (f.type === 'field_expression') return f.childForFieldName('field')?.text ?? null;
  return null;
}

describe('calls found by name (lib/calls.ts)', () => {
  it('finds path calls, method calls and turbofish calls of the names, in document order', () => {
    const code = [
      'fn f() {',
      '    std::thread::spawn(|| { rt.block_on(async { tokio::time::sleep(d).await }) });',
      '    thread::spawn::<_, ()>(g);',
      '    x.recv::<u8>();',
      '    spawn(h);',
      // Spaces, a line break or a comment between the name and its arguments.
      '    x.send \u000c\n (1); spawn /* now */ (i);',
      '}',
    ].join('\n');
    expect(found(code)).toEqual([
      'std::thread::spawn(|| { rt.block_on(async { tokio::time::sleep(d).await }) })',
      'rt.block_on(async { tokio::time::sleep(d).await })',
      'tokio::time::sleep(d)',
      'thread::spawn::<_, ()>(g)',
      'x.recv::<u8>()',
      'spawn(h)',
      'x.send \u000c\n (1)',
      'spawn /* now */ (i)',
    ]);
  });

  it('skips the names in comments, strings, other positions and longer words', () => {
    const code = [
      'use std::thread::spawn;',
      'fn f(spawn: u8) {',
      '    // spawn(x)',
      '    let s = "block_on(f)";',
      '    let spawn = spawn + 1;',
      '    respawn(x); spawn_blocking(y); x.spawn; Foo { sleep: 1 };',
      '    spawn!(z);',
      '    (spawn)(w);',
      '}',
    ].join('\n');
    expect(found(code)).toEqual([]);
  });

  it('finds calls through the names `use … as` binds, marked as alias hits (casts and prose bind none)', () => {
    const code = [
      'use std::thread::{self, spawn as go};',
      'use std::thread::sleep',
      '    as nap;',
      'extern crate futures as fut;',
      '/// Spawned as worker, kept as handle.',
      'fn f() { go(|| {}); nap(d); fut(1); let n = x as usize; usize(1); worker(2); handle(3); other(4); }',
    ].join('\n');
    expect(found(code)).toEqual(['alias go(|| {})', 'alias nap(d)', 'alias fut(1)']);
  });

  it('finds raw identifiers', () => {
    expect(found('fn f() { r#spawn(g); x.r#send(1); }')).toEqual(['r#spawn(g)', 'x.r#send(1)']);
  });

  it('finds calls inside well-known macros (the lowered tree)', () => {
    expect(found('fn f() { println!("{:?}", rx.recv()); assert!(spawn(g).is_ok()); }')).toEqual(['rx.recv()', 'spawn(g)']);
  });

  it('equals a walk of every call on real code: the oracle fixtures, the example crate, tokio', () => {
    const root = path.join(__dirname, '..', '..');
    const files = [
      ...rustFiles(path.join(root, 'tests', 'fixtures')),
      ...rustFiles(path.join(root, 'examples')),
      ...rustFiles('/usr/share/cargo/registry/tokio-1.24.2/src/runtime'),
    ];
    expect(files.length).toBeGreaterThan(100);
    let total = 0;
    for (const file of files) {
      const src = new SourceFile(file, fs.readFileSync(file, 'utf8'));
      const walked = src.root
        .descendantsOfType('call_expression')
        .filter((c) => NAMES.has((calleeName(c) ?? '').replace(/^r#/, '')))
        .map((c) => c.startIndex + ':' + c.endIndex);
      const byName = callsNamed(src.root, src.root.text, NAMES)
        .filter((c) => !c.alias)
        .map((c) => c.call.startIndex + ':' + c.call.endIndex);
      expect({ file, calls: byName }).toEqual({ file, calls: walked });
      total += walked.length;
    }
    expect(total).toBeGreaterThan(200);
  });
});
