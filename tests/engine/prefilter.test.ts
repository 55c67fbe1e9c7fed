/**
 * mayNameModule: the code test of the prefilters of the rules that flag a std
 * module's items. It must let through every spelling the resolver resolves
 * into the module, and may turn away code that names another crate's
 * module of the same name.
 */
import * as fs from 'fs';
import * as path from 'path';
import { codeText, mayNameModule, outsideCommentLines } from '../../lib/prefilter';
import { rustFiles } from '../helpers';
import { Resolver } from '../../lib/resolve';
import { SourceFile } from '../../lib/source';
import { STD_MPSC, STD_THREAD } from '../../lib/paths';

/** Whether the resolver resolves the callee of a call of the text into `module`. */
function resolvesInto(text: string, module: string): boolean {
  const source = new SourceFile('/p/src/lib.rs', text);
  const resolver = new Resolver();
  return source.lintTree.rootNode.descendantsOfType('call_expression').some((c) => resolver.resolveCallee(c)?.startsWith(`${module}::`));
}

describe('mayNameModule', () => {
  const namesMpsc = [
    'fn f() { let (tx, rx) = std::sync::mpsc::channel::<u8>(); }',
    'fn f() { let (tx, rx) = ::std::sync :: mpsc::channel::<u8>(); }',
    'use std::sync::mpsc;\nfn f() { let (tx, rx) = mpsc::channel::<u8>(); }',
    'use std::sync::{Arc, mpsc::{self, Receiver}};\nfn f() { let (tx, rx) = mpsc::channel::<u8>(); }',
    'use std::{sync::{self}};\nfn f() { let (tx, rx) = sync::mpsc::channel::<u8>(); }',
    'use std::sync;\nfn f() { let (tx, rx) = sync::mpsc::channel::<u8>(); }',
    'use std::{io, sync};\nfn f() { let (tx, rx) = sync::mpsc::channel::<u8>(); }',
    'use std::sync::mpsc::channel as chan;\nfn f() { let (tx, rx) = chan::<u8>(); }',
    'use std as s;\nfn f() { let (tx, rx) = s::sync::mpsc::channel::<u8>(); }',
    'fn f() { use std::sync::mpsc::*; let (tx, rx) = channel::<u8>(); }',
    'extern crate std as s;\nfn f() { let (tx, rx) = s::sync::mpsc::channel::<u8>(); }',
  ];
  it.each(namesMpsc)('lets through std mpsc named so: %s', (text) => {
    expect(resolvesInto(text, STD_MPSC)).toBe(true);
    expect(mayNameModule(codeText(text) ?? text, STD_MPSC)).toBe(true);
  });

  const otherMpsc = [
    'use tokio::sync::mpsc;\nuse std::sync::Arc;\nfn f() { let (tx, rx) = mpsc::channel::<u8>(1); }',
    'use crate::sync::mpsc::chan;\nuse std::sync::atomic::{AtomicUsize, Ordering};\nfn f() { let (tx, rx) = chan::channel::<u8>(); }',
    '// use std::sync::mpsc;\nfn f() { let s = "std::sync::mpsc"; let (tx, rx) = tokio::sync::mpsc::channel::<u8>(1); }',
  ];
  it.each(otherMpsc)('turns away code naming another mpsc only: %s', (text) => {
    expect(resolvesInto(text, STD_MPSC)).toBe(false);
    expect(mayNameModule(codeText(text) ?? text, STD_MPSC)).toBe(false);
  });

  it('the same for std::thread', () => {
    for (const text of [
      'use std::thread;\nfn f() { thread::spawn(|| {}); }',
      'use std::{thread, time::Duration};\nfn f() { thread::sleep(Duration::from_millis(1)); }',
      'use std::thread::spawn as go;\nfn f() { go(|| {}); }',
      'fn f() { let b = std::thread::Builder::new(); }',
    ]) {
      expect(resolvesInto(text, STD_THREAD)).toBe(true);
      expect(mayNameModule(codeText(text) ?? text, STD_THREAD)).toBe(true);
    }
    const loom = 'use crate::loom::thread;\nuse std::sync::Arc;\nfn f() { thread::spawn(|| {}); }';
    expect(resolvesInto(loom, STD_THREAD)).toBe(false);
    expect(mayNameModule(codeText(loom) ?? loom, STD_THREAD)).toBe(false);
  });
});

describe('outsideCommentLines', () => {
  const word = /\btokio\b/;

  it('passes by a word on comment lines only, wherever such a line sits', () => {
    expect(outsideCommentLines('/// use tokio::spawn;\n//! tokio\nfn f() {}\n', word)).toBe(false);
    expect(outsideCommentLines('fn f() {\n    // tokio::spawn(x);\n}\n', word)).toBe(false);
    // Inside a string or a block comment, a line starting with `//` is no code either.
    expect(outsideCommentLines('const S: &str = "\n// tokio\n";\n/*\n  // tokio\n*/\n', word)).toBe(false);
    expect(outsideCommentLines('fn f() { tokio::spawn(x); }\n', word)).toBe(true);
    expect(outsideCommentLines('fn f() { g(); } // tokio\n', word)).toBe(true);
    expect(outsideCommentLines('// tokio\nuse tokio::runtime::Runtime;', word)).toBe(true);
  });

  it('never says no where the code (comments and strings blanked) has the word', () => {
    for (const file of rustFiles(path.join(__dirname, '..', 'fixtures'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const re of [word, /\b(?:Runtime|Builder|Handle|LocalSet)\b/, /\bspawn\b/]) {
        if (re.test(codeText(text) ?? text)) expect([file, outsideCommentLines(text, re)]).toEqual([file, true]);
      }
    }
  });
});
