import { SourceFile } from '../../lib/source';
import { Resolver } from '../../lib/resolve';
import { SyntaxNode } from '../../lib/parser';

/** Resolves the callee of the call whose text starts with `callText`. */
function resolveCall(code: string, callText: string, fileModule = 'crate'): string | null {
  const src = new SourceFile('src/lib.rs', code);
  const call = src.root
    .descendantsOfType('call_expression')
    .find((c: SyntaxNode) => src.getText(c).startsWith(callText));
  if (!call) throw new Error(`no call ${callText}`);
  return new Resolver(fileModule).resolveCallee(call);
}

describe('Resolver', () => {
  it('resolves full and absolute paths', () => {
    expect(resolveCall('fn f() { std::thread::spawn(g); }', 'std::thread')).toBe('std::thread::spawn');
    expect(resolveCall('fn f() { ::std::thread::spawn(g); }', '::std')).toBe('std::thread::spawn');
  });

  it('follows a module import, an alias and a fn import', () => {
    expect(resolveCall('use std::thread;\nfn f() { thread::spawn(g); }', 'thread::spawn')).toBe('std::thread::spawn');
    expect(resolveCall('use std::thread as t;\nfn f() { t::spawn(g); }', 't::spawn')).toBe('std::thread::spawn');
    expect(resolveCall('use std::thread::spawn;\nfn f() { spawn(g); }', 'spawn(')).toBe('std::thread::spawn');
    expect(resolveCall('use std::thread::spawn as go;\nfn f() { go(g); }', 'go(')).toBe('std::thread::spawn');
  });

  it('follows self in lists, nested trees and globs', () => {
    expect(resolveCall('use std::thread::{self, sleep};\nfn f() { thread::spawn(g); }', 'thread::')).toBe('std::thread::spawn');
    expect(resolveCall('use std::thread::{self, sleep};\nfn f() { sleep(d); }', 'sleep(')).toBe('std::thread::sleep');
    expect(resolveCall('use std::{thread, sync::mpsc};\nfn f() { mpsc::channel(); }', 'mpsc::')).toBe('std::sync::mpsc::channel');
    expect(resolveCall('use std::{sync::{mpsc::{self as m}}};\nfn f() { m::channel(); }', 'm::')).toBe('std::sync::mpsc::channel');
    expect(resolveCall('use std::thread::*;\nfn f() { spawn(g); }', 'spawn(')).toBe('std::thread::spawn');
    expect(resolveCall('use ::std::thread;\nfn f() { thread::sleep(d); }', 'thread::')).toBe('std::thread::sleep');
  });

  it('finds a binding wherever the name is written: a glob import behind a visibility, a pattern, a parameter, not a comment', () => {
    expect(resolveCall('pub(crate) use std::thread::*;\nfn f() { spawn(g); }', 'spawn(')).toBe('std::thread::spawn');
    expect(resolveCall('// use std::thread::*;\nfn f() { spawn(g); }', 'spawn(')).toBe('spawn');
    // Bound by the pattern or parameter alone: a local, not a path.
    expect(resolveCall('fn f() { if let Some(spawn) = x { spawn(g); } }', 'spawn(g')).toBeNull();
    expect(resolveCall('fn f() { for spawn in xs { spawn(g); } }', 'spawn(g')).toBeNull();
    expect(resolveCall('fn f() { match x { Some(spawn) => spawn(g), _ => {} } }', 'spawn(g')).toBeNull();
    expect(resolveCall('fn f(spawn: T) { spawn(g); }', 'spawn(g')).toBeNull();
    expect(resolveCall('fn f() { let c = |spawn: T| spawn(g); }', 'spawn(g')).toBeNull();
    expect(resolveCall('fn f() { use std::thread as r#t; r#t::spawn(g); }', 'r#t::')).toBe('std::thread::spawn');
  });

  it('scopes a use inside a fn to that fn', () => {
    const code = 'fn a() { use std::thread::spawn; spawn(g); }\nfn b() { spawn(h); }';
    expect(resolveCall(code, 'spawn(g')).toBe('std::thread::spawn');
    expect(resolveCall(code, 'spawn(h')).toBe('spawn');
  });

  it('lets local items and bindings shadow imports', () => {
    expect(resolveCall('use std::thread::spawn;\nfn spawn(_: u8) {}\nfn f() { spawn(1); }', 'spawn(1')).toBe('std::thread::spawn');
    expect(resolveCall('fn spawn(_: u8) {}\nfn f() { spawn(1); }', 'spawn(1')).toBe('crate::spawn');
    expect(resolveCall('mod thread { pub fn spawn() {} }\nfn f() { thread::spawn(); }', 'thread::')).toBe('crate::thread::spawn');
    expect(resolveCall('use std::thread::spawn;\nfn f() { let spawn = |x: u8| x; spawn(1); }', 'spawn(1')).toBeNull();
    expect(resolveCall('use std::thread::sleep;\nfn f(sleep: fn(u8)) { sleep(1); }', 'sleep(1')).toBeNull();
  });

  it('does not see the imports of an enclosing module', () => {
    expect(resolveCall('use std::thread;\nmod m { fn f() { thread::spawn(g); } }', 'thread::')).toBe('thread::spawn');
  });

  it('keeps tokio and async-std paths distinct from std', () => {
    expect(resolveCall('fn f() { tokio::spawn(g); }', 'tokio')).toBe('tokio::spawn');
    expect(resolveCall('use async_std::task;\nfn f() { task::sleep(d); }', 'task::')).toBe('async_std::task::sleep');
  });

  it('resolves crate, self and super relative to the module of the file', () => {
    expect(resolveCall('fn f() { crate::runtime::shared_runtime(); }', 'crate::', 'crate::tool')).toBe('crate::runtime::shared_runtime');
    expect(resolveCall('fn f() { super::x(); }', 'super::', 'crate::a::b')).toBe('crate::a::x');
    expect(resolveCall('use super::runtime::get;\nfn f() { get(); }', 'get(', 'crate::a')).toBe('crate::runtime::get');
    expect(resolveCall('mod rt { pub fn get() {} }\nuse rt::get;\nfn f() { get(); }', 'get(', 'crate')).toBe('crate::rt::get');
  });

  it('resolves type paths in annotations', () => {
    const src = new SourceFile('src/lib.rs', 'use std::sync::mpsc::Receiver;\nfn f(rx: Receiver<u8>) {}');
    const t = src.root.descendantsOfType('generic_type')[0];
    expect(new Resolver().resolve(t)).toBe('std::sync::mpsc::Receiver');
  });
});
