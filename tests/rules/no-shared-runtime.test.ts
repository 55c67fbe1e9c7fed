import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import rule from '../../rules/no-shared-runtime';
import { ruleTester } from '../rule-tester';
import { prefilterOf } from '../helpers';
import { lintAndFix } from '../../lib/fixer';
import { ProjectIndex } from '../../lib/project';
import { Resolver } from '../../lib/resolve';
import { SourceFile } from '../../lib/source';
import { modulePathOf } from '../../lib/modules';
import { runtimeAccessorsOf } from '../../lib/runtimes';

const SEED_RUNTIME = [
  'use std::sync::OnceLock;',
  'use tokio::runtime::Runtime;',
  '',
  'static SHARED_RUNTIME: OnceLock<Option<Runtime>> = OnceLock::new();',
  '',
  'pub fn shared_runtime() -> Option<&\'static Runtime> {',
  '    SHARED_RUNTIME',
  '        .get_or_init(|| std::thread::spawn(|| Runtime::new().ok()).join().ok().flatten())',
  '        .as_ref()',
  '}',
  '',
];
const DEPRECATED = '#[deprecated(note = "a second tokio runtime: use tokio::spawn or tokio::runtime::Handle::current() instead")]';

ruleTester(rule, {
  valid: [
    {
      name: "a bin's fn main builds the runtime",
      code: 'use tokio::runtime::Runtime;\nfn main() {\n    let rt = Runtime::new().unwrap();\n    rt.block_on(run());\n}\nasync fn run() {}\n',
    },
    {
      name: 'fn main with a builder chain and a thread started from it',
      code: 'use tokio::runtime::Builder;\nfn main() {\n    let rt = Builder::new_multi_thread().enable_all().build().unwrap();\n    std::thread::spawn(|| Builder::new_current_thread().build().unwrap());\n    rt.block_on(async {});\n}\n',
    },
    {
      name: '#[cfg(test)] module and #[test] fn',
      code: 'fn lib() {}\n#[cfg(test)]\nmod tests {\n    fn rt() -> tokio::runtime::Runtime {\n        tokio::runtime::Runtime::new().unwrap()\n    }\n    #[test]\n    fn t() {\n        rt().block_on(async {});\n    }\n}\n#[test]\nfn u() {\n    tokio::runtime::Runtime::new().unwrap();\n}\n',
    },
    {
      name: 'an integration test file',
      filename: 'tests/support.rs',
      code: 'pub fn runtime() -> tokio::runtime::Runtime {\n    tokio::runtime::Runtime::new().unwrap()\n}\n',
    },
    {
      name: 'allowIn: a fn name (its uses too)',
      options: { allowIn: ['build_runtime'] },
      code: 'use tokio::runtime::Runtime;\npub fn build_runtime() -> Runtime {\n    Runtime::new().unwrap()\n}\nasync fn f() {\n    build_runtime();\n}\n',
    },
    {
      name: 'allowIn: Type::method',
      options: { allowIn: ['Client::new'] },
      code: 'struct Client {\n    rt: tokio::runtime::Runtime,\n}\nimpl Client {\n    fn new() -> Self {\n        Client { rt: tokio::runtime::Runtime::new().unwrap() }\n    }\n}\n',
    },
    {
      name: 'allowIn: a file glob',
      options: { allowIn: ['src/blocking/**'] },
      filename: 'src/blocking/client.rs',
      code: 'pub fn rt() -> tokio::runtime::Runtime {\n    tokio::runtime::Runtime::new().unwrap()\n}\n',
    },
    {
      name: 'a local struct named Runtime',
      code: 'struct Runtime;\nimpl Runtime {\n    fn new() -> Self {\n        Runtime\n    }\n}\nfn f() -> Runtime {\n    Runtime::new()\n}\n',
    },
    { name: "another crate's builder", code: 'fn pool() {\n    rayon::ThreadPoolBuilder::new().build().unwrap();\n    pool::Builder::new_multi_thread().build();\n}\n' },
    {
      name: 'a static Handle of the main runtime is not a second runtime',
      code: 'use std::sync::OnceLock;\nuse tokio::runtime::Handle;\nstatic HANDLE: OnceLock<Handle> = OnceLock::new();\nfn spawn_from_sync() {\n    HANDLE.get().unwrap().spawn(async {});\n}\n',
    },
    {
      name: 'a runtime passed in, kept in a struct, and used through &self',
      code: 'struct Client {\n    rt: tokio::runtime::Runtime,\n}\nimpl Client {\n    fn new(rt: tokio::runtime::Runtime) -> Self {\n        Client { rt }\n    }\n    fn runtime(&self) -> &tokio::runtime::Runtime {\n        &self.rt\n    }\n}\nfn run(rt: &tokio::runtime::Runtime) {\n    rt.spawn(async {});\n}\n',
    },
    { name: 'tokio::spawn and Handle::current()', code: 'async fn f() {\n    tokio::spawn(async {});\n    tokio::runtime::Handle::current().spawn(async {});\n}\n' },
    {
      name: 'an accessor of another file is unknown without the project index',
      code: 'async fn f() {\n    let Some(rt) = crate::runtime::shared_runtime() else { return };\n    rt.spawn(async {});\n}\n',
    },
  ],
  invalid: [
    {
      name: 'seed case 1 in one file: the use site becomes tokio::spawn, the guard goes, the accessor is deprecated (unsafe)',
      code: [
        ...SEED_RUNTIME,
        'pub async fn route(request: String) {',
        '    let Some(runtime) = shared_runtime() else {',
        '        return;',
        '    };',
        '    runtime.spawn(async move {',
        '        println!("routing {request}");',
        '    });',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 4, column: 8, endLine: 4, endColumn: 22 },
        { messageId: 'definition', line: 6, column: 8 },
        { messageId: 'construction', line: 8, column: 47, endLine: 8, endColumn: 61 },
        { messageId: 'use', line: 13, column: 25, endLine: 13, endColumn: 41 },
        { messageId: 'method', line: 16, column: 5, endLine: 18, endColumn: 7 },
      ],
      output: [...SEED_RUNTIME, 'pub async fn route(request: String) {', '    tokio::spawn(async move {', '        println!("routing {request}");', '    });', '}', ''].join('\n'),
      unsafeOutput: [
        'use std::sync::OnceLock;',
        'use tokio::runtime::Runtime;',
        '',
        DEPRECATED,
        'static SHARED_RUNTIME: OnceLock<Option<Runtime>> = OnceLock::new();',
        '',
        DEPRECATED,
        ...SEED_RUNTIME.slice(5),
        'pub async fn route(request: String) {',
        '    tokio::spawn(async move {',
        '        println!("routing {request}");',
        '    });',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'a helper fn that builds and returns a runtime',
      code: 'use tokio::runtime::Runtime;\n\npub fn make() -> Runtime {\n    Runtime::new().expect("runtime")\n}\n',
      errors: [
        { messageId: 'definition', line: 3, column: 8 },
        { messageId: 'construction', line: 4, column: 5, endLine: 4, endColumn: 19 },
      ],
      unsafeOutput: `use tokio::runtime::Runtime;\n\n${DEPRECATED}\npub fn make() -> Runtime {\n    Runtime::new().expect("runtime")\n}\n`,
    },
    {
      name: 'a builder chain through `use tokio::runtime::{self, Builder}`',
      code: 'use tokio::runtime::{self, Builder};\nfn start() {\n    let rt: runtime::Runtime = Builder::new_current_thread()\n        .enable_all()\n        .build()\n        .unwrap();\n}\n',
      errors: [{ messageId: 'construction', line: 3, column: 32, endLine: 5, endColumn: 17 }],
    },
    {
      name: 'glob and alias imports, and a builder held in a local',
      code: 'use tokio::runtime::*;\nuse tokio::runtime::Runtime as Rt;\nfn a() {\n    Runtime::new();\n    Rt::new();\n    let mut b = Builder::new_multi_thread();\n    b.worker_threads(2);\n    b.build();\n}\n',
      errors: [
        { messageId: 'construction', line: 4, column: 5 },
        { messageId: 'construction', line: 5, column: 5 },
        { messageId: 'construction', line: 8, column: 5 },
      ],
    },
    {
      name: 'construction in an async #[tokio::main] fn main and in a nested fn main',
      code: '#[tokio::main]\nasync fn main() {\n    tokio::runtime::Runtime::new().unwrap();\n}\nmod cli {\n    fn main() {\n        tokio::runtime::Runtime::new().unwrap();\n    }\n}\n',
      errors: [
        { messageId: 'construction', line: 3, column: 5 },
        { messageId: 'construction', line: 7, column: 9 },
      ],
    },
    {
      name: 'allowIn that does not name this fn',
      options: { allowIn: ['other', 'src/bin/*.rs'] },
      code: 'fn rt() {\n    tokio::runtime::Runtime::new().unwrap();\n}\n',
      errors: [{ messageId: 'construction', line: 2, column: 5 }],
    },
    {
      name: 'a Lazy static: spawn, spawn_blocking, block_on and handle().clone() in async code',
      code: [
        'use once_cell::sync::Lazy;',
        'use tokio::runtime::{Builder, Runtime};',
        'static POOL: Lazy<Runtime> = Lazy::new(|| Builder::new_multi_thread().enable_all().build().unwrap());',
        'async fn f() -> u32 {',
        '    POOL.spawn(async {});',
        '    POOL.spawn_blocking(|| 1);',
        '    let h = POOL.handle().clone();',
        '    POOL.block_on(async { 2 })',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 3, column: 8 },
        { messageId: 'construction', line: 3, column: 43 },
        { messageId: 'method', line: 5, column: 5 },
        { messageId: 'method', line: 6, column: 5 },
        { messageId: 'method', line: 7, column: 13 },
        { messageId: 'method', line: 8, column: 5 },
      ],
      output: [
        'use once_cell::sync::Lazy;',
        'use tokio::runtime::{Builder, Runtime};',
        'static POOL: Lazy<Runtime> = Lazy::new(|| Builder::new_multi_thread().enable_all().build().unwrap());',
        'async fn f() -> u32 {',
        '    tokio::spawn(async {});',
        '    tokio::task::spawn_blocking(|| 1);',
        '    let h = tokio::runtime::Handle::current();',
        '    async { 2 }.await',
        '}',
        '',
      ].join('\n'),
      unsafeOutput: [
        'use once_cell::sync::Lazy;',
        'use tokio::runtime::{Builder, Runtime};',
        DEPRECATED,
        'static POOL: Lazy<Runtime> = Lazy::new(|| Builder::new_multi_thread().enable_all().build().unwrap());',
        'async fn f() -> u32 {',
        '    tokio::spawn(async {});',
        '    tokio::task::spawn_blocking(|| 1);',
        '    let h = tokio::runtime::Handle::current();',
        '    async { 2 }.await',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'lazy_static! runtime',
      code: [
        'use tokio::runtime::Runtime;',
        'lazy_static::lazy_static! {',
        '    static ref RT: Runtime = Runtime::new().unwrap();',
        '}',
        'async fn f() {',
        '    RT.spawn(async {});',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 3, column: 16, endLine: 3, endColumn: 18 },
        { messageId: 'construction', line: 3, column: 30, endLine: 3, endColumn: 44 },
        { messageId: 'method', line: 6, column: 5 },
      ],
      output: ['use tokio::runtime::Runtime;', 'lazy_static::lazy_static! {', '    static ref RT: Runtime = Runtime::new().unwrap();', '}', 'async fn f() {', '    tokio::spawn(async {});', '}', ''].join('\n'),
    },
    {
      name: 'thread_local! runtime used through with(|rt| …)',
      code: [
        'thread_local! {',
        '    static RT: tokio::runtime::Runtime = tokio::runtime::Runtime::new().unwrap();',
        '}',
        'async fn f() {',
        '    RT.with(|rt| rt.spawn(async {}));',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 2, column: 12 },
        { messageId: 'construction', line: 2, column: 42 },
        { messageId: 'use', line: 5, column: 5 },
        { messageId: 'method', line: 5, column: 18 },
      ],
      unsafeOutput: [
        'thread_local! {',
        '    static RT: tokio::runtime::Runtime = tokio::runtime::Runtime::new().unwrap();',
        '}',
        'async fn f() {',
        '    RT.with(|rt| tokio::spawn(async {}));',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'if let Some(rt) = accessor() { body }: the body takes its place',
      code: [
        'use std::sync::OnceLock;',
        'use tokio::runtime::Runtime;',
        'static RT: OnceLock<Runtime> = OnceLock::new();',
        'pub fn runtime() -> Option<&\'static Runtime> {',
        '    RT.get()',
        '}',
        'pub async fn notify(id: u32) {',
        '    if let Some(rt) = runtime() {',
        '        rt.spawn(async move {',
        '            println!("{id}");',
        '        });',
        '        done()',
        '    }',
        '    after();',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 3, column: 8 },
        { messageId: 'definition', line: 4, column: 8 },
        { messageId: 'use', line: 8, column: 23 },
        { messageId: 'method', line: 9, column: 9 },
      ],
      output: [
        'use std::sync::OnceLock;',
        'use tokio::runtime::Runtime;',
        'static RT: OnceLock<Runtime> = OnceLock::new();',
        'pub fn runtime() -> Option<&\'static Runtime> {',
        '    RT.get()',
        '}',
        'pub async fn notify(id: u32) {',
        '    tokio::spawn(async move {',
        '        println!("{id}");',
        '    });',
        '    done();',
        '    after();',
        '}',
        '',
      ].join('\n'),
      unsafeOutput: [
        'use std::sync::OnceLock;',
        'use tokio::runtime::Runtime;',
        DEPRECATED,
        'static RT: OnceLock<Runtime> = OnceLock::new();',
        DEPRECATED,
        'pub fn runtime() -> Option<&\'static Runtime> {',
        '    RT.get()',
        '}',
        'pub async fn notify(id: u32) {',
        '    tokio::spawn(async move {',
        '        println!("{id}");',
        '    });',
        '    done();',
        '    after();',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'if let with a let in its body keeps a block',
      code: [
        'fn runtime() -> Option<&\'static tokio::runtime::Runtime> {',
        '    RT.get()',
        '}',
        'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();',
        'async fn f() {',
        '    let n = 1;',
        '    if let Some(rt) = runtime() {',
        '        let n = 2;',
        '        rt.spawn(async move { n });',
        '    }',
        '    println!("{n}");',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 1, column: 4 },
        { messageId: 'definition', line: 4, column: 8 },
        { messageId: 'use', line: 7, column: 23 },
        { messageId: 'method', line: 9, column: 9 },
      ],
      output: [
        'fn runtime() -> Option<&\'static tokio::runtime::Runtime> {',
        '    RT.get()',
        '}',
        'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();',
        'async fn f() {',
        '    let n = 1;',
        '    {',
        '        let n = 2;',
        '        tokio::spawn(async move { n });',
        '    }',
        '    println!("{n}");',
        '}',
        '',
      ].join('\n'),
      unsafeOutput: [
        DEPRECATED,
        'fn runtime() -> Option<&\'static tokio::runtime::Runtime> {',
        '    RT.get()',
        '}',
        DEPRECATED,
        'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();',
        'async fn f() {',
        '    let n = 1;',
        '    {',
        '        let n = 2;',
        '        tokio::spawn(async move { n });',
        '    }',
        '    println!("{n}");',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'accessor().expect(..) is the runtime; a let of it goes once its uses are rewritten',
      code: [
        'use tokio::runtime::Runtime;',
        'static RT: std::sync::OnceLock<Runtime> = std::sync::OnceLock::new();',
        'fn rt() -> Option<&\'static Runtime> {',
        '    RT.get()',
        '}',
        'async fn f() {',
        '    rt().expect("runtime").spawn_blocking(|| ());',
        '    let runtime = rt().unwrap();',
        '    runtime.spawn(async {});',
        '    runtime.spawn(async {});',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 2, column: 8 },
        { messageId: 'definition', line: 3, column: 4 },
        { messageId: 'method', line: 7, column: 5 },
        { messageId: 'use', line: 8, column: 19 },
        { messageId: 'method', line: 9, column: 5 },
        { messageId: 'method', line: 10, column: 5 },
      ],
      output: [
        'use tokio::runtime::Runtime;',
        'static RT: std::sync::OnceLock<Runtime> = std::sync::OnceLock::new();',
        'fn rt() -> Option<&\'static Runtime> {',
        '    RT.get()',
        '}',
        'async fn f() {',
        '    tokio::task::spawn_blocking(|| ());',
        '    tokio::spawn(async {});',
        '    tokio::spawn(async {});',
        '}',
        '',
      ].join('\n'),
      unsafeOutput: [
        'use tokio::runtime::Runtime;',
        DEPRECATED,
        'static RT: std::sync::OnceLock<Runtime> = std::sync::OnceLock::new();',
        DEPRECATED,
        'fn rt() -> Option<&\'static Runtime> {',
        '    RT.get()',
        '}',
        'async fn f() {',
        '    tokio::task::spawn_blocking(|| ());',
        '    tokio::spawn(async {});',
        '    tokio::spawn(async {});',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'a use left unrewritable keeps its guard (enter)',
      code: [
        'static RT: once_cell::sync::Lazy<tokio::runtime::Runtime> = once_cell::sync::Lazy::new(|| tokio::runtime::Runtime::new().unwrap());',
        'async fn f() {',
        '    let rt = &*RT;',
        '    let _guard = rt.enter();',
        '    rt.spawn(async {});',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 1, column: 8 },
        { messageId: 'construction', line: 1, column: 91 },
        { messageId: 'use', line: 3, column: 16 },
        { messageId: 'method', line: 5, column: 5 },
      ],
      output: [
        'static RT: once_cell::sync::Lazy<tokio::runtime::Runtime> = once_cell::sync::Lazy::new(|| tokio::runtime::Runtime::new().unwrap());',
        'async fn f() {',
        '    let rt = &*RT;',
        '    let _guard = rt.enter();',
        '    tokio::spawn(async {});',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'handle(): by value as a receiver, borrowed (unsafe) as an argument',
      code: [
        'static RT: once_cell::sync::Lazy<tokio::runtime::Runtime> = once_cell::sync::Lazy::new(|| tokio::runtime::Runtime::new().unwrap());',
        'async fn f() {',
        '    let id = RT.handle().id();',
        '    register(RT.handle());',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 1, column: 8 },
        { messageId: 'construction', line: 1, column: 91 },
        { messageId: 'method', line: 3, column: 14 },
        { messageId: 'method', line: 4, column: 14 },
      ],
      output: [
        'static RT: once_cell::sync::Lazy<tokio::runtime::Runtime> = once_cell::sync::Lazy::new(|| tokio::runtime::Runtime::new().unwrap());',
        'async fn f() {',
        '    let id = tokio::runtime::Handle::current().id();',
        '    register(RT.handle());',
        '}',
        '',
      ].join('\n'),
      unsafeOutput: [
        DEPRECATED,
        'static RT: once_cell::sync::Lazy<tokio::runtime::Runtime> = once_cell::sync::Lazy::new(|| tokio::runtime::Runtime::new().unwrap());',
        'async fn f() {',
        '    let id = tokio::runtime::Handle::current().id();',
        '    register(&tokio::runtime::Handle::current());',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'sync code without an ambient runtime: unsafe fixes; block_on is report-only',
      code: [
        'static RT: once_cell::sync::Lazy<tokio::runtime::Runtime> = once_cell::sync::Lazy::new(|| tokio::runtime::Runtime::new().unwrap());',
        'pub fn start() {',
        '    RT.spawn(async {});',
        '    RT.block_on(async {});',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 1, column: 8 },
        { messageId: 'construction', line: 1, column: 91 },
        { messageId: 'method', line: 3, column: 5 },
        { messageId: 'blockOnSync', line: 4, column: 5 },
      ],
      unsafeOutput: [
        'static RT: once_cell::sync::Lazy<tokio::runtime::Runtime> = once_cell::sync::Lazy::new(|| tokio::runtime::Runtime::new().unwrap());',
        'pub fn start() {',
        '    tokio::spawn(async {});',
        '    RT.block_on(async {});',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'sync code with ambientRuntime: true: safe',
      settings: { ambientRuntime: true },
      code: 'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();\npub fn start() {\n    RT.get().unwrap().spawn(async {});\n}\n',
      errors: [
        { messageId: 'definition', line: 1, column: 8 },
        { messageId: 'method', line: 3, column: 5 },
      ],
      output: 'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();\npub fn start() {\n    tokio::spawn(async {});\n}\n',
      unsafeOutput: `${DEPRECATED}\nstatic RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();\npub fn start() {\n    tokio::spawn(async {});\n}\n`,
    },
    {
      name: 'sync code in a project with #[tokio::main] (ambient "auto"): safe',
      code: [
        'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();',
        'fn start() {',
        '    if let Some(rt) = RT.get() {',
        '        rt.spawn(async {});',
        '    }',
        '}',
        '#[tokio::main]',
        'async fn main() {',
        '    start();',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 1, column: 8 },
        { messageId: 'use', line: 3, column: 23 },
        { messageId: 'method', line: 4, column: 9 },
      ],
      output: [
        'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();',
        'fn start() {',
        '    tokio::spawn(async {});',
        '}',
        '#[tokio::main]',
        'async fn main() {',
        '    start();',
        '}',
        '',
      ].join('\n'),
      unsafeOutput: [
        DEPRECATED,
        'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();',
        'fn start() {',
        '    tokio::spawn(async {});',
        '}',
        '#[tokio::main]',
        'async fn main() {',
        '    start();',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'an already deprecated definition gets no second attribute',
      code: '#[deprecated]\nstatic RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();\n',
      errors: [{ messageId: 'definition', line: 2, column: 8 }],
    },
    {
      name: 'a runtime-typed accessor in an impl, called as Type::fn',
      code: [
        'use tokio::runtime::Runtime;',
        'struct Pool;',
        'impl Pool {',
        '    fn runtime() -> &\'static Runtime {',
        '        static RT: std::sync::OnceLock<Runtime> = std::sync::OnceLock::new();',
        '        RT.get_or_init(|| Runtime::new().unwrap())',
        '    }',
        '}',
        'async fn f() {',
        '    Pool::runtime().spawn(async {});',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 4, column: 8 },
        { messageId: 'definition', line: 5, column: 16 },
        { messageId: 'construction', line: 6, column: 27 },
        { messageId: 'method', line: 10, column: 5 },
      ],
      output: [
        'use tokio::runtime::Runtime;',
        'struct Pool;',
        'impl Pool {',
        '    fn runtime() -> &\'static Runtime {',
        '        static RT: std::sync::OnceLock<Runtime> = std::sync::OnceLock::new();',
        '        RT.get_or_init(|| Runtime::new().unwrap())',
        '    }',
        '}',
        'async fn f() {',
        '    tokio::spawn(async {});',
        '}',
        '',
      ].join('\n'),
      unsafeOutput: [
        'use tokio::runtime::Runtime;',
        'struct Pool;',
        'impl Pool {',
        `    ${DEPRECATED}`,
        '    fn runtime() -> &\'static Runtime {',
        `        ${DEPRECATED}`,
        '        static RT: std::sync::OnceLock<Runtime> = std::sync::OnceLock::new();',
        '        RT.get_or_init(|| Runtime::new().unwrap())',
        '    }',
        '}',
        'async fn f() {',
        '    tokio::spawn(async {});',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'a let-else guard in a fn returning Option and a ? guard',
      code: [
        'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();',
        'async fn f() -> Option<()> {',
        '    let rt = RT.get()?;',
        '    rt.spawn(async {});',
        '    Some(())',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 1, column: 8 },
        { messageId: 'use', line: 3, column: 14 },
        { messageId: 'method', line: 4, column: 5 },
      ],
      output: 'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();\nasync fn f() -> Option<()> {\n    tokio::spawn(async {});\n    Some(())\n}\n',
      unsafeOutput: `${DEPRECATED}\nstatic RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();\nasync fn f() -> Option<()> {\n    tokio::spawn(async {});\n    Some(())\n}\n`,
    },
    {
      name: 'shadowing: a local named like the static is not the runtime',
      code: [
        'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();',
        'async fn f(exec: Exec) {',
        '    let RT = exec;',
        '    RT.spawn(async {});',
        '}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'definition', line: 1, column: 8 }],
      unsafeOutput: `${DEPRECATED}\nstatic RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();\nasync fn f(exec: Exec) {\n    let RT = exec;\n    RT.spawn(async {});\n}\n`,
    },
    {
      name: 'uses in #[cfg(test)] code are not reported, but keep the definition alive',
      code: [
        'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();',
        '#[cfg(test)]',
        'mod tests {',
        '    #[test]',
        '    fn t() {',
        '        super::RT.get().unwrap().spawn(async {});',
        '    }',
        '}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'definition', line: 1, column: 8 }],
    },
    {
      name: 'tab indentation and CRLF when lifting an if-let body',
      code: 'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();\r\nasync fn f() {\r\n\tif let Some(rt) = RT.get() {\r\n\t\trt.spawn(async {\r\n\t\t\twork();\r\n\t\t});\r\n\t}\r\n}\r\n',
      errors: [
        { messageId: 'definition', line: 1, column: 8 },
        { messageId: 'use', line: 3, column: 20 },
        { messageId: 'method', line: 4, column: 3 },
      ],
      output: 'static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();\r\nasync fn f() {\r\n\ttokio::spawn(async {\r\n\t\twork();\r\n\t});\r\n}\r\n',
      unsafeOutput: `${DEPRECATED}\r\nstatic RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();\r\nasync fn f() {\r\n\ttokio::spawn(async {\r\n\t\twork();\r\n\t});\r\n}\r\n`,
    },
    {
      name: 'a static Handle of the shared runtime is shared too',
      code: [
        'use std::sync::LazyLock;',
        'use tokio::runtime::{Handle, Runtime};',
        'static RT: LazyLock<Runtime> = LazyLock::new(|| Runtime::new().unwrap());',
        'static HANDLE: LazyLock<Handle> = LazyLock::new(|| RT.handle().clone());',
        'async fn f() {',
        '    HANDLE.spawn(async {});',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 3, column: 8 },
        { messageId: 'construction', line: 3, column: 49 },
        { messageId: 'definition', line: 4, column: 8 },
        { messageId: 'method', line: 6, column: 5 },
      ],
      output: [
        'use std::sync::LazyLock;',
        'use tokio::runtime::{Handle, Runtime};',
        'static RT: LazyLock<Runtime> = LazyLock::new(|| Runtime::new().unwrap());',
        'static HANDLE: LazyLock<Handle> = LazyLock::new(|| RT.handle().clone());',
        'async fn f() {',
        '    tokio::spawn(async {});',
        '}',
        '',
      ].join('\n'),
      unsafeOutput: [
        'use std::sync::LazyLock;',
        'use tokio::runtime::{Handle, Runtime};',
        DEPRECATED,
        'static RT: LazyLock<Runtime> = LazyLock::new(|| Runtime::new().unwrap());',
        DEPRECATED,
        'static HANDLE: LazyLock<Handle> = LazyLock::new(|| RT.handle().clone());',
        'async fn f() {',
        '    tokio::spawn(async {});',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'an accessor returning a Handle of the shared runtime',
      code: [
        'use tokio::runtime::{Handle, Runtime};',
        'static RT: once_cell::sync::Lazy<Runtime> = once_cell::sync::Lazy::new(|| Runtime::new().unwrap());',
        'pub fn handle() -> Handle {',
        '    RT.handle().clone()',
        '}',
        'async fn f() {',
        '    handle().spawn(async {});',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'definition', line: 2, column: 8 },
        { messageId: 'construction', line: 2, column: 75 },
        { messageId: 'definition', line: 3, column: 8 },
        { messageId: 'method', line: 7, column: 5 },
      ],
      output: [
        'use tokio::runtime::{Handle, Runtime};',
        'static RT: once_cell::sync::Lazy<Runtime> = once_cell::sync::Lazy::new(|| Runtime::new().unwrap());',
        'pub fn handle() -> Handle {',
        '    RT.handle().clone()',
        '}',
        'async fn f() {',
        '    tokio::spawn(async {});',
        '}',
        '',
      ].join('\n'),
      unsafeOutput: [
        'use tokio::runtime::{Handle, Runtime};',
        DEPRECATED,
        'static RT: once_cell::sync::Lazy<Runtime> = once_cell::sync::Lazy::new(|| Runtime::new().unwrap());',
        DEPRECATED,
        'pub fn handle() -> Handle {',
        '    RT.handle().clone()',
        '}',
        'async fn f() {',
        '    tokio::spawn(async {});',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'seed pattern 4: a runtime built on a joined thread, used only to spawn, gives way to tokio::spawn',
      code: [
        'use tokio::runtime::Runtime;',
        'pub async fn start() {',
        '    let runtime = std::thread::spawn(|| Runtime::new()).join().unwrap().unwrap();',
        '    runtime.spawn(work());',
        '}',
        'async fn work() {}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'construction', line: 3, column: 41 }],
      output: ['pub async fn start() {', '    tokio::spawn(work());', '}', 'async fn work() {}', ''].join('\n'),
    },
    {
      name: 'a local runtime whose uses all move to the running runtime, in a sync fn without an ambient runtime: unsafe',
      code: [
        'fn start() {',
        '    let rt = tokio::runtime::Runtime::new().unwrap();',
        '    rt.spawn(async {});',
        '    rt.spawn_blocking(|| ());',
        '}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'construction', line: 2, column: 14 }],
      unsafeOutput: ['fn start() {', '    tokio::spawn(async {});', '    tokio::task::spawn_blocking(|| ());', '}', ''].join('\n'),
    },
    {
      name: 'a local runtime with a use the rule cannot rewrite keeps its binding',
      code: [
        'async fn start() {',
        '    let rt = tokio::runtime::Runtime::new().unwrap();',
        '    let _guard = rt.enter();',
        '    rt.spawn(async {});',
        '}',
        '',
      ].join('\n'),
      errors: [{ messageId: 'construction', line: 2, column: 14 }],
    },
  ],
});

describe('no-shared-runtime with accessors the project index supplies', () => {
  // The index is not built yet: stand in for it with the per-file collector it will use.
  const runtimeFile = { filePath: 'src/runtime/mod.rs', text: SEED_RUNTIME.join('\n') };
  const router = [
    'pub async fn route(request: String) {',
    '    let Some(runtime) = crate::runtime::shared_runtime() else {',
    '        return;',
    '    };',
    '    runtime.spawn(async move {',
    '        println!("routing {request}");',
    '    });',
    '}',
    '',
  ].join('\n');
  const config = { rules: { 'no-shared-runtime': { severity: 2 as const, options: {} } }, settings: { ambientRuntime: 'auto' as const } };

  function projectWith(uses: number) {
    const project = ProjectIndex.fromTexts([runtimeFile, { filePath: 'src/tool/router.rs', text: router }]);
    const source = new SourceFile(runtimeFile.filePath, runtimeFile.text);
    const accessors = runtimeAccessorsOf(source, new Resolver(modulePathOf(runtimeFile.filePath)));
    project.runtimeAccessors = () => new Map(accessors.map((a) => [a.path, a]));
    project.runtimeAccessorUsesElsewhere = () => uses;
    return { project, accessors };
  }

  it('collects the static and the accessor as plain data', () => {
    expect(projectWith(0).accessors).toEqual([
      { path: 'crate::runtime::SHARED_RUNTIME', name: 'SHARED_RUNTIME', item: 'static', kind: 'runtime', layers: ['OnceLock', 'Option'], shared: true, method: false },
      { path: 'crate::runtime::shared_runtime', name: 'shared_runtime', item: 'fn', kind: 'runtime', layers: ['Option', '&'], shared: true, method: false },
    ]);
  });

  it('seed case 1 router.rs: the use in another file becomes tokio::spawn and its guard goes', () => {
    const { project } = projectWith(1);
    const lint = lintAndFix('src/tool/router.rs', router, { config, project }, false).lint;
    expect(lint.messages.map((m) => [m.messageId, m.line, m.column])).toEqual([
      ['use', 2, 25],
      ['method', 5, 5],
    ]);
    const fixed = lintAndFix('src/tool/router.rs', router, { config, project }, true);
    expect(fixed.source.text).toBe(
      ['pub async fn route(request: String) {', '    tokio::spawn(async move {', '        println!("routing {request}");', '    });', '}', ''].join('\n'),
    );
  });

  it('does not deprecate an accessor that other files still use', () => {
    const { project } = projectWith(1);
    const run = lintAndFix(runtimeFile.filePath, runtimeFile.text, { config, project, unsafe: true }, true);
    expect(run.changed).toBe(false);
    const { project: unused } = projectWith(0);
    const after = lintAndFix(runtimeFile.filePath, runtimeFile.text, { config, project: unused, unsafe: true }, true);
    expect(after.source.text.match(/#\[deprecated/g)).toHaveLength(2);
  });
});

describe('no-shared-runtime prefilter', () => {
  const prefilter = prefilterOf(rule);

  it('needs a runtime built or held here, or the name of an accessor of another file that may share one', () => {
    expect(prefilter('fn f() { tokio::spawn(async {}); }')).toBe(false);
    expect(prefilter('use tokio::runtime::Runtime as Rt;')).toBe(true);
    expect(prefilter('fn f() { let rt = tokio::runtime::Runtime::new().unwrap(); }')).toBe(true);
    expect(prefilter('use tokio::runtime::Builder;\nfn f() { Builder::new_current_thread().build().unwrap(); }')).toBe(true);
    expect(prefilter('use tokio::runtime::Runtime;\nstatic RT: OnceLock<Runtime> = OnceLock::new();')).toBe(true);
    // Only paths with `tokio` in them resolve to its runtime: tokio's own builder code builds none the rule flags.
    expect(prefilter('use crate::runtime::Builder;\nfn f() { Builder::new_current_thread().build().unwrap(); }')).toBe(false);
    expect(prefilter('static RT: OnceLock<Runtime> = OnceLock::new();')).toBe(false);
    // Only tokio::runtime's types: a crate's own Builder built next to other tokio items is not one.
    expect(prefilter('use tokio::io::AsyncRead;\nfn f() -> Client { Builder::new().build() }')).toBe(false);
    expect(prefilter('use tokio::{io::AsyncRead, runtime};\nfn f() { runtime::Builder::new_multi_thread().build().unwrap(); }')).toBe(true);
    // Under tests/ or benches/ everything is allowed.
    expect(prefilter('fn f() { let rt = tokio::runtime::Runtime::new().unwrap(); }', undefined, '/p/tests/api.rs')).toBe(false);
    expect(prefilter('fn f() { let rt = tokio::runtime::Runtime::new().unwrap(); }', undefined, '/p/src/tests.rs')).toBe(true);
    // A runtime or handle merely named (tokio's own code is full of them) is not enough.
    expect(prefilter('fn f(rt: &Runtime) -> Handle { rt.handle().clone() }')).toBe(false);
    const rt = {
      filePath: 'src/rt.rs',
      text: 'use tokio::runtime::Runtime;\nstatic RT: OnceLock<Runtime> = OnceLock::new();\npub fn pool() -> &\'static Runtime { RT.get().unwrap() }\n',
    };
    // An accessor handing out the shared one from another file shares it too.
    const handle = {
      filePath: 'src/handle.rs',
      text: 'use tokio::runtime::Handle;\npub fn handle() -> Handle { crate::rt::pool().handle().clone() }\n',
    };
    // The linted file is in the project too, with the text the prefilter sees; the others on demand.
    const inProject = (code: string, others = [rt, handle]) => {
      const project = new ProjectIndex();
      project.addOnDemand([...others, { filePath: 'src/jobs.rs', text: code }]);
      return prefilter(code, project);
    };
    expect(inProject('fn f() { crate::rt::pool().spawn(async {}); }')).toBe(true);
    expect(inProject('use crate::handle::handle as h;\nfn f() { h().spawn(async {}); }')).toBe(true);
    expect(inProject('fn f() { spool(); }')).toBe(false);
    // A file that defines its own `pool` means its own.
    expect(inProject('fn pool() {}\nfn f() { pool(); }')).toBe(false);
    const quiet = { filePath: 'src/h.rs', text: 'use tokio::runtime::Handle;\npub fn handle() -> Handle { Handle::current() }\n' };
    expect(inProject('fn f() { crate::h::handle().spawn(async {}); }', [quiet])).toBe(false);
    // Summarised files whose text the index does not keep count with every accessor they define.
    const summarised = ProjectIndex.fromTexts([rt, { filePath: 'src/jobs.rs', text: 'fn f() { crate::rt::pool(); }' }]);
    expect(prefilter('fn f() { crate::rt::pool(); }', summarised)).toBe(true);
  });

  it('counts the accessors of the crates the file sees: a library sees no example target, a target sees the library', () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-seen-')));
    try {
      const files: Record<string, string> = {
        'Cargo.toml': '[package]\nname = "seen"\nversion = "0.1.0"\n',
        'src/lib.rs': 'pub mod rt;\npub mod jobs;\n',
        'src/rt.rs': "use tokio::runtime::Runtime;\nstatic RT: OnceLock<Runtime> = OnceLock::new();\npub fn pool() -> &'static Runtime { RT.get().unwrap() }\n",
        'src/jobs.rs': 'fn f() { other::spare().spawn(async {}); }\n',
        'examples/tool.rs': 'fn main() { seen::rt::pool().spawn(async {}); }\n',
        'examples/other.rs': "use tokio::runtime::Runtime;\nstatic SPARE: OnceLock<Runtime> = OnceLock::new();\npub fn spare() -> &'static Runtime { SPARE.get().unwrap() }\nfn main() {}\n",
      };
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
      }
      const seenFrom = (rel: string) => {
        const project = new ProjectIndex();
        const file = path.join(root, rel);
        project.addOnDemand([{ filePath: file, text: files[rel] }]);
        project.addCratesOnDemand([file], (p) => fs.readFileSync(p, 'utf8'));
        return prefilter(files[rel], project, file);
      };
      // `spare` shares a runtime, but in an example: the library cannot name it.
      expect(seenFrom('src/jobs.rs')).toBe(false);
      // The example names the library's `pool`.
      expect(seenFrom('examples/tool.rs')).toBe(true);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
