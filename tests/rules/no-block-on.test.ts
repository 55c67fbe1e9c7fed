import rule from '../../rules/no-block-on';
import { ruleTester } from '../rule-tester';
import { prefilterOf } from '../helpers';
import { ProjectIndex } from '../../lib/project';

ruleTester(rule, {
  valid: [
    {
      name: 'a sync fn main drives the runtime',
      code: 'use tokio::runtime::Runtime;\nfn main() {\n    let rt = Runtime::new().unwrap();\n    rt.block_on(run());\n}\nasync fn run() {}\n',
    },
    {
      name: 'a #[test] fn may block on a future',
      code: '#[test]\nfn t() {\n    tokio_test::block_on(async {});\n    futures::executor::block_on(async {});\n}\n',
    },
    {
      name: 'block_on of a custom executor type',
      code: 'struct Exec;\nimpl Exec {\n    fn block_on<F>(&self, f: F) {}\n}\nasync fn f(e: Exec) {\n    e.block_on(work());\n}\n',
    },
    { name: 'block_on on a receiver of unknown type', code: 'async fn f(ex: &smol::Executor<\'_>) {\n    ex.block_on(work());\n}\n' },
    { name: 'a parameter without a type', code: 'fn f() {\n    let c = async move |rt| rt.block_on(work());\n}\n' },
    { name: 'a local fn named block_on', code: 'async fn f() {\n    fn block_on<F>(f: F) {}\n    block_on(work());\n}\n' },
    {
      name: 'a local binding shadows the import',
      code: 'use futures::executor::block_on;\nasync fn f() {\n    let block_on = |x: u32| x;\n    block_on(1);\n}\n',
    },
    {
      name: 'a module that does not import block_on',
      code: 'use futures::executor::block_on;\nmod m {\n    async fn f() {\n        block_on(work());\n    }\n}\n',
    },
    {
      name: 'a sync closure in an async fn (block_in_place)',
      code: 'async fn f() {\n    let handle = tokio::runtime::Handle::current();\n    tokio::task::block_in_place(move || handle.block_on(work()));\n}\n',
    },
    {
      name: 'spawn_blocking closure',
      code: 'async fn f(rt: std::sync::Arc<tokio::runtime::Runtime>) {\n    tokio::task::spawn_blocking(move || futures::executor::block_on(work()));\n}\n',
    },
    {
      name: 'a shadowing let of another type',
      code: 'async fn f(rt: &tokio::runtime::Runtime) {\n    let rt = Exec::new();\n    rt.block_on(work());\n}\n',
    },
    {
      name: 'a builder that is not tokio\'s',
      code: 'async fn f() {\n    pool::Builder::new_multi_thread().build().unwrap().block_on(work());\n}\n',
    },
    { name: 'a sync helper nobody async calls', code: 'fn load() -> u32 {\n    futures::executor::block_on(fetch())\n}\nasync fn fetch() -> u32 { 1 }\n' },
    {
      name: 'strings, comments and macro_rules!',
      code: 'macro_rules! run { ($f:expr) => { futures::executor::block_on($f) }; }\nasync fn f() {\n    // rt.block_on(x)\n    let s = "futures::executor::block_on(x)";\n}\n',
    },
    { name: 'other methods on a runtime', code: 'async fn f(h: tokio::runtime::Handle) {\n    h.spawn(work());\n    h.enter();\n}\n' },
  ],
  invalid: [
    {
      name: 'a runtime built for one block_on goes away with it',
      code: [
        'use tokio::runtime::Runtime;',
        '',
        'async fn load() -> u32 {',
        '    let rt = Runtime::new().unwrap();',
        '    let n = rt.block_on(fetch());',
        '    n + 1',
        '}',
        'async fn fetch() -> u32 { 1 }',
        '',
      ].join('\n'),
      errors: [{ messageId: 'async', line: 5, column: 13, endLine: 5, endColumn: 33 }],
      output: ['async fn load() -> u32 {', '    let n = fetch().await;', '    n + 1', '}', 'async fn fetch() -> u32 { 1 }', ''].join('\n'),
    },
    {
      name: 'seed pattern 4: a runtime built on a thread and joined',
      code: [
        'use tokio::runtime::Runtime;',
        'async fn f() -> u32 {',
        '    let runtime = std::thread::spawn(|| Runtime::new()).join().unwrap().unwrap();',
        '    runtime.block_on(async { 1 })',
        '}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'async', line: 4, column: 5 }],
      output: 'async fn f() -> u32 {\n    async { 1 }.await\n}\n',
    },
    {
      name: 'full path chain',
      code: 'async fn f() {\n    tokio::runtime::Runtime::new().unwrap().block_on(work());\n}\n',
      errors: [{ messageId: 'async', line: 2, column: 5, endLine: 2, endColumn: 61 }],
      output: 'async fn f() {\n    work().await;\n}\n',
    },
    {
      name: 'builder chain through `use tokio::runtime::{self, Builder}`, used twice: one fix for both',
      code: [
        'use tokio::runtime::{self, Builder};',
        'async fn f() {',
        '    let rt = Builder::new_current_thread().enable_all().build().expect("runtime");',
        '    let a = rt.block_on(one());',
        '    let b = rt.block_on(two());',
        '    let h: runtime::Handle = tokio::runtime::Handle::current();',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'async', line: 4, column: 13 },
        { messageId: 'async', line: 5, column: 13 },
      ],
      output: [
        'use tokio::runtime;',
        'async fn f() {',
        '    let a = one().await;',
        '    let b = two().await;',
        '    let h: runtime::Handle = tokio::runtime::Handle::current();',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'a runtime with other uses stays',
      code: 'async fn f() {\n    let rt = tokio::runtime::Runtime::new().unwrap();\n    rt.block_on(one());\n    rt.spawn(two());\n}\n',
      errors: [{ messageId: 'async', line: 3, column: 5 }],
      output: 'async fn f() {\n    let rt = tokio::runtime::Runtime::new().unwrap();\n    one().await;\n    rt.spawn(two());\n}\n',
    },
    {
      name: 'glob import of tokio::runtime',
      code: 'use tokio::runtime::*;\nasync fn f() -> u8 {\n    Runtime::new().unwrap().block_on(async { 7 })\n}\n',
      errors: [{ messageId: 'async', line: 3, column: 5 }],
      output: 'use tokio::runtime::*;\nasync fn f() -> u8 {\n    async { 7 }.await\n}\n',
    },
    {
      name: 'use futures::executor::block_on, import removed once unused',
      code: 'use futures::executor::block_on;\n\nasync fn f() -> u32 {\n    block_on(fetch())\n}\n',
      errors: [{ messageId: 'async', line: 4, column: 5, endLine: 4, endColumn: 22 }],
      output: 'async fn f() -> u32 {\n    fetch().await\n}\n',
    },
    {
      name: 'module import: use futures::executor; executor::block_on',
      code: 'use futures::executor;\nasync fn f() {\n    let v = executor::block_on(fetch());\n}\n',
      errors: [{ messageId: 'async', line: 3, column: 13 }],
      output: 'async fn f() {\n    let v = fetch().await;\n}\n',
    },
    {
      name: 'glob and alias imports of block_on',
      code: 'use futures::executor::*;\nuse pollster::block_on as wait;\nasync fn f() {\n    block_on(one());\n    wait(two());\n}\n',
      errors: [
        { messageId: 'async', line: 4, column: 5 },
        { messageId: 'async', line: 5, column: 5 },
      ],
      output: 'use futures::executor::*;\nasync fn f() {\n    one().await;\n    two().await;\n}\n',
    },
    {
      name: 'the other executors: futures_lite, async_std, tokio_test',
      code: 'async fn f() {\n    futures_lite::future::block_on(a());\n    async_std::task::block_on(b());\n    tokio_test::block_on(c());\n}\n',
      errors: [
        { messageId: 'async', line: 2, column: 5 },
        { messageId: 'async', line: 3, column: 5 },
        { messageId: 'async', line: 4, column: 5 },
      ],
      output: 'async fn f() {\n    a().await;\n    b().await;\n    c().await;\n}\n',
    },
    {
      name: 'Handle::current().block_on and a handle bound for one call',
      code: [
        'use tokio::runtime::Handle;',
        'async fn f() {',
        '    Handle::current().block_on(one());',
        '    let handle = Handle::try_current().unwrap();',
        '    handle.block_on(two());',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'async', line: 3, column: 5 },
        { messageId: 'async', line: 5, column: 5 },
      ],
      output: 'async fn f() {\n    one().await;\n    two().await;\n}\n',
    },
    {
      name: 'parameters typed &Runtime and Arc<Runtime> are kept',
      code: 'use std::sync::Arc;\nuse tokio::runtime::Runtime;\nasync fn f(rt: &Runtime, shared: Arc<Runtime>) {\n    rt.block_on(one());\n    shared.block_on(two());\n}\n',
      errors: [
        { messageId: 'async', line: 4, column: 5 },
        { messageId: 'async', line: 5, column: 5 },
      ],
      output: 'use std::sync::Arc;\nuse tokio::runtime::Runtime;\nasync fn f(rt: &Runtime, shared: Arc<Runtime>) {\n    one().await;\n    two().await;\n}\n',
    },
    {
      name: 'a let typed Runtime from an unknown fn keeps its let',
      code: 'async fn f() {\n    let rt: tokio::runtime::Runtime = make();\n    rt.block_on(one());\n}\n',
      errors: [{ messageId: 'async', line: 3, column: 5 }],
      output: 'async fn f() {\n    let rt: tokio::runtime::Runtime = make();\n    one().await;\n}\n',
    },
    {
      name: 'an async block in a sync fn',
      code: 'fn f() -> impl std::future::Future<Output = u32> {\n    async {\n        futures::executor::block_on(fetch())\n    }\n}\n',
      errors: [{ messageId: 'async', line: 3, column: 9 }],
      output: 'fn f() -> impl std::future::Future<Output = u32> {\n    async {\n        fetch().await\n    }\n}\n',
    },
    {
      name: 'an async closure',
      code: 'fn f() {\n    let c = async move |x: u32| futures::executor::block_on(g(x));\n}\n',
      errors: [{ messageId: 'async', line: 2, column: 33 }],
      output: 'fn f() {\n    let c = async move |x: u32| g(x).await;\n}\n',
    },
    {
      name: '#[tokio::main] and #[tokio::test]',
      code: '#[tokio::main]\nasync fn main() {\n    futures::executor::block_on(run());\n}\n#[tokio::test]\nasync fn t() {\n    tokio_test::block_on(run());\n}\n',
      errors: [
        { messageId: 'async', line: 3, column: 5 },
        { messageId: 'async', line: 7, column: 5 },
      ],
      output: '#[tokio::main]\nasync fn main() {\n    run().await;\n}\n#[tokio::test]\nasync fn t() {\n    run().await;\n}\n',
    },
    {
      name: 'an async block literal: async { … }.await, multi-line',
      code: [
        'async fn f(rt: &tokio::runtime::Runtime) -> u32 {',
        '    rt.block_on(async {',
        '        let a = one().await;',
        '        a + 1',
        '    })',
        '}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'async', line: 2, column: 5, endLine: 5, endColumn: 7 }],
      output: ['async fn f(rt: &tokio::runtime::Runtime) -> u32 {', '    async {', '        let a = one().await;', '        a + 1', '    }.await', '}', ''].join('\n'),
    },
    {
      name: 'futures that need parentheses, and a ? after the call',
      code: 'async fn f(mut fut: Fut) -> Result<(), E> {\n    futures::executor::block_on(&mut fut);\n    futures::executor::block_on(try_it())?;\n    futures::executor::block_on({ make() })\n}\n',
      errors: [
        { messageId: 'async', line: 2, column: 5 },
        { messageId: 'async', line: 3, column: 5 },
        { messageId: 'async', line: 4, column: 5 },
      ],
      output: 'async fn f(mut fut: Fut) -> Result<(), E> {\n    (&mut fut).await;\n    try_it().await?;\n    ({ make() }).await\n}\n',
    },
    {
      name: 'LocalSet::block_on and run_until are report-only',
      code: [
        'use tokio::task::LocalSet;',
        'async fn f(rt: &tokio::runtime::Runtime) {',
        '    let local = LocalSet::new();',
        '    local.block_on(rt, one());',
        '    rt.block_on(local.run_until(two()));',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'localSet', line: 4, column: 5 },
        { messageId: 'localSet', line: 5, column: 5 },
      ],
    },
    {
      name: 'a sync fn that async code calls: report only, with the chain',
      code: 'fn load() -> u32 {\n    futures::executor::block_on(fetch())\n}\nasync fn handler() -> u32 {\n    load()\n}\nasync fn fetch() -> u32 { 1 }\n',
      errors: [{ messageId: 'reachable', line: 2, column: 5 }],
    },
    {
      name: 'shadowing: only the tokio runtime is flagged',
      code: 'async fn f(rt: &tokio::runtime::Runtime) {\n    {\n        let rt = Exec::new();\n        rt.block_on(one());\n    }\n    rt.block_on(two());\n}\n',
      errors: [{ messageId: 'async', line: 6, column: 5 }],
      output: 'async fn f(rt: &tokio::runtime::Runtime) {\n    {\n        let rt = Exec::new();\n        rt.block_on(one());\n    }\n    two().await;\n}\n',
    },
    {
      name: 'inside println! and tokio::select! branches',
      code: 'async fn f() {\n    println!("{}", futures::executor::block_on(one()));\n    tokio::select! {\n        _ = two() => { futures::executor::block_on(three()); }\n    }\n}\n',
      errors: [
        { messageId: 'async', line: 2, column: 20 },
        { messageId: 'async', line: 4, column: 24 },
      ],
      output: 'async fn f() {\n    println!("{}", one().await);\n    tokio::select! {\n        _ = two() => { three().await; }\n    }\n}\n',
    },
    {
      name: 'a runtime field of the impl\'s struct',
      code: [
        'struct Client {',
        '    rt: tokio::runtime::Runtime,',
        '}',
        'impl Client {',
        '    async fn get(&self) -> u32 {',
        '        self.rt.block_on(fetch())',
        '    }',
        '}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'async', line: 6, column: 9 }],
      output: ['struct Client {', '    rt: tokio::runtime::Runtime,', '}', 'impl Client {', '    async fn get(&self) -> u32 {', '        fetch().await', '    }', '}', ''].join('\n'),
    },
    {
      name: 'a runtime from an accessor fn and from a Lazy static',
      code: [
        'use once_cell::sync::Lazy;',
        'use tokio::runtime::Runtime;',
        'static RT: Lazy<Runtime> = Lazy::new(|| Runtime::new().unwrap());',
        'fn runtime() -> &\'static Runtime {',
        '    &RT',
        '}',
        'async fn f() {',
        '    runtime().block_on(one());',
        '    RT.block_on(two());',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'async', line: 8, column: 5 },
        { messageId: 'async', line: 9, column: 5 },
      ],
      output: [
        'use once_cell::sync::Lazy;',
        'use tokio::runtime::Runtime;',
        'static RT: Lazy<Runtime> = Lazy::new(|| Runtime::new().unwrap());',
        'fn runtime() -> &\'static Runtime {',
        '    &RT',
        '}',
        'async fn f() {',
        '    one().await;',
        '    two().await;',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'UFCS Runtime::block_on(&rt, fut)',
      code: 'use tokio::runtime::Runtime;\nasync fn f(rt: &Runtime) {\n    Runtime::block_on(rt, one());\n}\n',
      errors: [{ messageId: 'async', line: 3, column: 5 }],
      output: 'use tokio::runtime::Runtime;\nasync fn f(rt: &Runtime) {\n    one().await;\n}\n',
    },
    {
      name: 'nested block_on: outer first, inner on the next pass',
      code: 'async fn f(rt: &tokio::runtime::Runtime) {\n    rt.block_on(async { rt.block_on(one()) });\n}\n',
      errors: [
        { messageId: 'async', line: 2, column: 5 },
        { messageId: 'async', line: 2, column: 25 },
      ],
      output: 'async fn f(rt: &tokio::runtime::Runtime) {\n    async { one().await }.await;\n}\n',
    },
    {
      name: 'a comment inside the call: reported without a fix',
      code: 'async fn f(rt: &tokio::runtime::Runtime) {\n    rt // the shared one\n        .block_on(one());\n}\n',
      errors: [{ messageId: 'async', line: 2, column: 5 }],
    },
    {
      name: 'a lock guard or Rc alive across the new .await: unsafe (the task may stop being Send)',
      code: [
        'async fn f(state: &std::sync::Mutex<u32>, rt: &tokio::runtime::Runtime) {',
        '    let guard = state.lock().unwrap();',
        '    rt.block_on(save(*guard));',
        '}',
        'async fn g() {',
        '    futures::executor::block_on(async { std::rc::Rc::new(1); });',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'async', line: 3, column: 5 },
        { messageId: 'async', line: 6, column: 5 },
      ],
      unsafeOutput: [
        'async fn f(state: &std::sync::Mutex<u32>, rt: &tokio::runtime::Runtime) {',
        '    let guard = state.lock().unwrap();',
        '    save(*guard).await;',
        '}',
        'async fn g() {',
        '    async { std::rc::Rc::new(1); }.await;',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'CRLF line endings',
      code: 'async fn f() {\r\n    let rt = tokio::runtime::Runtime::new().unwrap();\r\n    rt.block_on(one());\r\n}\r\n',
      errors: [{ messageId: 'async', line: 3, column: 5 }],
      output: 'async fn f() {\r\n    one().await;\r\n}\r\n',
    },
  ],
});

describe('no-block-on prefilter', () => {
  const prefilter = prefilterOf(rule);

  it('needs block_on and where a flagged one comes from: a crate of the known fns or tokio (a runtime type), or an accessor of another file', () => {
    expect(prefilter('async fn f() { futures::executor::block_on(work()); }')).toBe(true);
    expect(prefilter('use pollster::block_on;\nasync fn f() { block_on(work()); }')).toBe(true);
    expect(prefilter('use tokio::runtime::Runtime;\nasync fn f(rt: &Runtime) { rt.block_on(work()); }')).toBe(true);
    // A runtime type only tokio's paths resolve to: tokio's own `crate::runtime::Runtime` is not flagged.
    expect(prefilter('use crate::runtime::Runtime;\nasync fn f(rt: &Runtime) { rt.block_on(work()); }')).toBe(false);
    // tokio's own `crate::future::block_on`, an executor of the crate's own: nothing the rule flags.
    expect(prefilter('pub fn blocking_lock(&self) { crate::future::block_on(self.lock()) }')).toBe(false);
    expect(prefilter('async fn f() { tokio::spawn(work()); }')).toBe(false);
    const rt = {
      filePath: 'src/rt.rs',
      text: 'use tokio::runtime::Runtime;\npub fn runtime() -> &\'static Runtime { todo!() }\n',
    };
    const inProject = (code: string) => {
      const project = new ProjectIndex();
      project.addOnDemand([rt, { filePath: 'src/jobs.rs', text: code }]);
      return prefilter(code, project);
    };
    expect(inProject('async fn f() { crate::rt::runtime().block_on(work()); }')).toBe(true);
    expect(inProject('use crate::rt::runtime as pool;\nasync fn f() { pool().block_on(work()); }')).toBe(true);
    expect(inProject('async fn f(ex: &Exec) { ex.block_on(work()); }')).toBe(false);
  });

  it('needs a block_on (or a rename of it) in code that may be async, or in a fn that may have a caller', () => {
    const lint = (files: { filePath: string; text: string }[]) => {
      const project = new ProjectIndex();
      project.addOnDemand(files);
      return prefilter(files[0].text, project, files[0].filePath);
    };
    const test = { filePath: '/p/tests/api.rs', text: 'use futures::executor::block_on;\n#[test]\nfn works() {\n    block_on(async { run().await });\n}\n' };
    expect(lint([test])).toBe(false);
    expect(lint([{ ...test, text: 'use futures::executor::block_on;\nfn main() { block_on(async { run().await }); }\n' }])).toBe(false);
    // A free test fn named as a method the file calls (`rx.recv()`): no call of it still.
    const recv = 'use futures::executor::block_on;\n#[test]\nfn recv() {\n    block_on(async { rx.recv().await });\n}\n';
    expect(lint([{ ...test, text: recv }])).toBe(false);
    // The same fn in an impl is a method, which `rx.recv()` may call.
    expect(lint([{ ...test, text: recv.replace('#[test]\nfn recv() {', 'impl S {\nfn recv() {') + '}\n' }])).toBe(true);
    expect(lint([{ ...test, text: `${test.text}async fn nested() { block_on(async {}); }\n` }])).toBe(true);
    expect(lint([{ ...test, text: 'use futures::executor::block_on as wait;\nasync fn f() { wait(async {}); }\n' }])).toBe(true);
    // A fn of the library that async code elsewhere calls, or may: looked for by name.
    const helper = { filePath: '/p/src/lib.rs', text: 'use futures::executor::block_on;\npub fn helper() { block_on(async {}); }\n' };
    expect(lint([helper])).toBe(false);
    expect(lint([helper, { filePath: '/p/src/a.rs', text: 'async fn f() { crate::helper(); }\n' }])).toBe(true);
    // A private free fn is seen by its own module and those inside it: with none in another file,
    // by this file alone (a call elsewhere names another fn).
    const private_ = { filePath: '/p/src/jobs.rs', text: 'use futures::executor::block_on;\nfn helper() { block_on(async {}); }\n' };
    const elsewhere = { filePath: '/p/src/a.rs', text: 'async fn f() { crate::jobs::helper(); }\n' };
    expect(lint([private_, elsewhere])).toBe(false);
    expect(lint([{ ...private_, text: `mod inner;\n${private_.text}` }, elsewhere])).toBe(true);
    expect(lint([{ ...private_, text: `${private_.text}async fn g() { helper(); }\n` }])).toBe(true);
    // Text the contexts cannot be read from (an async closure with an expression body): linted.
    expect(lint([{ ...test, text: `${test.text}fn g() { let c = async || 1; }\n` }])).toBe(true);
  });
});
