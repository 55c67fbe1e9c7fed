import rule from '../../rules/no-std-mpsc-in-async';
import { ruleTester } from '../rule-tester';
import { lintAndFix } from '../../lib/fixer';
import { ProjectIndex } from '../../lib/project';
import { SourceFile } from '../../lib/source';
import { Resolver } from '../../lib/resolve';
import { mpscUseAt } from '../../lib/channels';

const lines = (...l: string[]) => l.join('\n');

ruleTester(rule, {
  valid: [
    {
      name: 'recv in a sync fn',
      code: 'fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<i32>();\n    tx.send(1).unwrap();\n    rx.recv().unwrap();\n}\n',
    },
    {
      name: 'an unbounded send never blocks',
      code: 'async fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<i32>();\n    tx.send(1).unwrap();\n    drop(rx);\n}\n',
    },
    {
      name: 'try_recv does not block',
      code: 'async fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<i32>();\n    tx.send(1).unwrap();\n    while let Ok(v) = rx.try_recv() {}\n}\n',
    },
    {
      name: 'a tokio receiver',
      code: 'async fn f() {\n    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<i32>();\n    tx.send(1).unwrap();\n    rx.recv().await;\n}\n',
    },
    {
      name: 'a crossbeam receiver',
      code: 'use std::sync::mpsc;\nasync fn f() {\n    let (tx, rx) = crossbeam_channel::unbounded::<i32>();\n    rx.recv().unwrap();\n}\n',
    },
    {
      name: 'a tokio Receiver parameter',
      code: 'use std::sync::mpsc;\nasync fn f(mut rx: tokio::sync::mpsc::Receiver<i32>, tx: tokio::sync::mpsc::Sender<i32>) {\n    tx.send(1).await.unwrap();\n    rx.recv().await;\n}\n',
    },
    {
      name: 'recv on a value of unknown type',
      code: 'use std::sync::mpsc;\nasync fn f(rx: Inbox) {\n    rx.recv();\n    for m in rx.iter() {}\n}\n',
    },
    {
      name: 'a later let rebinding the name is a different value',
      code: 'async fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<i32>();\n    let rx = inbox();\n    rx.recv();\n}\n',
    },
    {
      name: 'a for pattern shadows the receiver',
      code: 'async fn f(all: Vec<Inbox>) {\n    let (tx, rx) = std::sync::mpsc::channel::<i32>();\n    for rx in all {\n        rx.recv();\n    }\n}\n',
    },
    {
      name: 'an inner fn does not see the outer receiver',
      code: 'async fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<i32>();\n    async fn g(rx: Inbox) {\n        rx.recv();\n    }\n}\n',
    },
    {
      name: 'recv in a std::thread::spawn closure is sync code',
      code: 'async fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<i32>();\n    std::thread::spawn(move || {\n        rx.recv().unwrap();\n    });\n    tx.send(1).unwrap();\n}\n',
    },
    {
      name: 'a local fn named channel',
      code: 'use std::sync::mpsc::channel;\nmod m {\n    async fn f() {\n        let (tx, rx) = channel();\n        rx.recv();\n    }\n    fn channel() -> (u8, Inbox) { todo!() }\n}\n',
    },
    {
      name: 'an unbounded Sender parameter',
      code: 'async fn f(tx: std::sync::mpsc::Sender<i32>) {\n    tx.send(1).unwrap();\n}\n',
    },
    {
      name: 'tokio::sync::mpsc imported as mpsc',
      code: 'use tokio::sync::mpsc;\nasync fn f() {\n    let (tx, mut rx) = mpsc::channel::<u8>(1);\n    tx.send(1).await.unwrap();\n    let r: Option<u8> = rx.recv().await;\n}\n',
    },
    {
      name: 'a block-scoped use of tokio mpsc shadows the file-level std import',
      code: 'use std::sync::mpsc;\nfn sync_side() -> mpsc::Receiver<u8> { mpsc::channel().1 }\nasync fn f() {\n    use tokio::sync::mpsc;\n    let (tx, mut rx) = mpsc::unbounded_channel::<u8>();\n    for _ in 0..1 {\n        rx.recv().await;\n    }\n}\n',
    },
    {
      name: 'futures channels',
      code: 'use futures::channel::mpsc;\nasync fn f() {\n    let (tx, mut rx) = mpsc::channel::<u8>(1);\n    let r = rx.try_next();\n    let (utx, urx) = mpsc::unbounded::<u8>();\n    for x in urx.iter() {}\n}\n',
    },
    {
      name: 'macro_rules! bodies and strings',
      code: 'use std::sync::mpsc::Receiver;\nmacro_rules! pull { ($rx:expr) => { async { $rx.recv() } }; }\nasync fn f() {\n    let s = "rx.recv()";\n}\n',
    },
  ],
  invalid: [
    {
      name: 'seed pattern 2: recv().is_ok() in a task, full path',
      code: lines(
        'async fn run() {',
        '    let (shutdown_tx, shutdown_rx) = std::sync::mpsc::channel();',
        '    tokio::spawn(async move {',
        '        if shutdown_rx.recv().is_ok() {',
        '            println!("shutdown");',
        '        }',
        '    });',
        '    let _ = shutdown_tx.send(());',
        '}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 4, column: 12, endLine: 4, endColumn: 30 }],
      output: lines(
        'async fn run() {',
        '    let (shutdown_tx, mut shutdown_rx) = tokio::sync::mpsc::unbounded_channel();',
        '    tokio::spawn(async move {',
        '        if shutdown_rx.recv().await.is_some() {',
        '            println!("shutdown");',
        '        }',
        '    });',
        '    let _ = shutdown_tx.send(());',
        '}',
        '',
      ),
    },
    {
      name: 'module import, removed once unused; is_err',
      code: lines(
        'use std::sync::mpsc;',
        '',
        'async fn f() {',
        '    let (tx, rx) = mpsc::channel::<u8>();',
        '    tx.send(1).unwrap();',
        '    if rx.recv().is_err() {',
        '        return;',
        '    }',
        '}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 6, column: 8 }],
      output: lines(
        '',
        'async fn f() {',
        '    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u8>();',
        '    tx.send(1).unwrap();',
        '    if rx.recv().await.is_none() {',
        '        return;',
        '    }',
        '}',
        '',
      ),
    },
    {
      name: 'fn import; while let Ok(v)',
      code: lines(
        'use std::sync::mpsc::channel;',
        'async fn f() {',
        '    let (tx, rx) = channel();',
        '    tx.send(1u32).unwrap();',
        '    while let Ok(v) = rx.recv() {',
        '        println!("{v}");',
        '    }',
        '}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 5, column: 23 }],
      output: lines(
        'async fn f() {',
        '    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();',
        '    tx.send(1u32).unwrap();',
        '    while let Some(v) = rx.recv().await {',
        '        println!("{v}");',
        '    }',
        '}',
        '',
      ),
    },
    {
      name: 'glob import; match with Ok(v) and Err(_)',
      code: lines(
        'use std::sync::mpsc::*;',
        'async fn f() -> u8 {',
        '    let (tx, rx) = channel();',
        '    tx.send(1u8).unwrap();',
        '    match rx.recv() {',
        '        Ok(v) => v,',
        '        Err(_) => 0,',
        '    }',
        '}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 5, column: 11 }],
      output: lines(
        'use std::sync::mpsc::*;',
        'async fn f() -> u8 {',
        '    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();',
        '    tx.send(1u8).unwrap();',
        '    match rx.recv().await {',
        '        Some(v) => v,',
        '        None => 0,',
        '    }',
        '}',
        '',
      ),
    },
    {
      name: 'module alias and fn alias; unwrap and expect kept',
      code: lines(
        'use std::sync::mpsc as chan;',
        'use std::sync::mpsc::sync_channel as bounded;',
        'async fn f() {',
        '    let (tx, rx) = chan::channel::<i32>();',
        '    let (btx, brx) = bounded::<i32>(8);',
        '    tx.send(1).unwrap();',
        '    let a = rx.recv().unwrap();',
        '    btx.try_send(2).unwrap();',
        '    let b = brx.recv().expect("sender alive");',
        '}',
        '',
      ),
      errors: [
        { messageId: 'recv', line: 7, column: 13 },
        { messageId: 'recv', line: 9, column: 13 },
      ],
      output: lines(
        'async fn f() {',
        '    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<i32>();',
        '    let (btx, mut brx) = tokio::sync::mpsc::channel::<i32>(8);',
        '    tx.send(1).unwrap();',
        '    let a = rx.recv().await.unwrap();',
        '    btx.try_send(2).unwrap();',
        '    let b = brx.recv().await.expect("sender alive");',
        '}',
        '',
      ),
    },
    {
      name: 'nested use tree narrowed; type annotations on the let become tokio types',
      code: lines(
        'use std::{sync::mpsc::{self, Receiver, Sender}, time::Duration};',
        'async fn f(d: Duration) {',
        '    let (tx, rx): (Sender<String>, Receiver<String>) = mpsc::channel();',
        '    tx.send(String::new()).unwrap();',
        '    let s = rx.recv().ok();',
        '}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 5, column: 13 }],
      output: lines(
        'use std::time::Duration;',
        'async fn f(d: Duration) {',
        '    let (tx, mut rx): (tokio::sync::mpsc::UnboundedSender<String>, tokio::sync::mpsc::UnboundedReceiver<String>) = tokio::sync::mpsc::unbounded_channel();',
        '    tx.send(String::new()).unwrap();',
        '    let s = rx.recv().await;',
        '}',
        '',
      ),
    },
    {
      name: 'a Receiver parameter: reported, not fixed',
      code: 'use std::sync::mpsc::Receiver;\nasync fn f(rx: Receiver<u8>) {\n    rx.recv().unwrap();\n}\n',
      errors: [{ messageId: 'recv', line: 3, column: 5, endLine: 3, endColumn: 14 }],
    },
    {
      name: 'a &Receiver parameter and a SyncSender parameter: reported, not fixed',
      code: 'use std::sync::mpsc;\nasync fn f(rx: &mpsc::Receiver<u8>, tx: mpsc::SyncSender<u8>) {\n    tx.send(1).unwrap();\n    for v in rx {}\n}\n',
      errors: [
        { messageId: 'send', line: 3, column: 5 },
        { messageId: 'iter', line: 4, column: 14 },
      ],
    },
    {
      name: 'a struct field read through self: reported, not fixed',
      code: lines(
        'use std::sync::mpsc::{Receiver, SyncSender};',
        'struct Worker {',
        '    rx: Receiver<u32>,',
        '    tx: SyncSender<u32>,',
        '}',
        'impl Worker {',
        '    async fn step(&self) {',
        '        let v = self.rx.recv().unwrap();',
        '        self.tx.send(v).unwrap();',
        '    }',
        '}',
        '',
      ),
      errors: [
        { messageId: 'recv', line: 8, column: 17 },
        { messageId: 'send', line: 9, column: 9 },
      ],
    },
    {
      name: 'a receiver behind a Mutex field: reported, not fixed',
      code: lines(
        'use std::sync::{mpsc::Receiver, Arc, Mutex};',
        'struct Pool {',
        '    jobs: Arc<Mutex<Receiver<u32>>>,',
        '}',
        'impl Pool {',
        '    async fn next(&self) -> u32 {',
        '        self.jobs.lock().unwrap().recv().unwrap()',
        '    }',
        '}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 7, column: 9 }],
    },
    {
      name: 'a receiver moved into Arc<Mutex<..>> and cloned into tasks: reported, not fixed',
      code: lines(
        'use std::sync::{mpsc, Arc, Mutex};',
        'async fn pool() {',
        '    let (tx, rx) = mpsc::channel::<u32>();',
        '    let rx = Arc::new(Mutex::new(rx));',
        '    for _ in 0..2 {',
        '        let rx = Arc::clone(&rx);',
        '        tokio::spawn(async move {',
        '            let job = rx.lock().unwrap().recv();',
        '        });',
        '    }',
        '    let last = rx.clone();',
        '    let job = last.lock().expect("poisoned").recv();',
        '    tx.send(1).unwrap();',
        '}',
        '',
      ),
      errors: [
        { messageId: 'recv', line: 8, column: 23, endLine: 8, endColumn: 48 },
        { messageId: 'recv', line: 12, column: 15 },
      ],
    },
    {
      name: 'moved into an async block under another name',
      code: lines(
        'use std::sync::mpsc;',
        'async fn f() {',
        '    let (tx, rx) = mpsc::channel::<i32>();',
        '    let inbox = rx;',
        '    let task = tokio::spawn(async move {',
        '        inbox.recv().unwrap()',
        '    });',
        '    tx.send(3).unwrap();',
        '    task.await.unwrap();',
        '}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 6, column: 9 }],
      output: lines(
        'async fn f() {',
        '    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<i32>();',
        '    let mut inbox = rx;',
        '    let task = tokio::spawn(async move {',
        '        inbox.recv().await.unwrap()',
        '    });',
        '    tx.send(3).unwrap();',
        '    task.await.unwrap();',
        '}',
        '',
      ),
    },
    {
      name: 'shadowing: only the std receiver is converted',
      code: lines(
        'async fn f(mut other: tokio::sync::mpsc::UnboundedReceiver<i32>) {',
        '    let (tx, rx) = std::sync::mpsc::channel::<i32>();',
        '    tx.send(1).unwrap();',
        '    let first = rx.recv().unwrap();',
        '    {',
        '        let rx = &mut other;',
        '        rx.recv().await;',
        '    }',
        '}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 4, column: 17 }],
      output: lines(
        'async fn f(mut other: tokio::sync::mpsc::UnboundedReceiver<i32>) {',
        '    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<i32>();',
        '    tx.send(1).unwrap();',
        '    let first = rx.recv().await.unwrap();',
        '    {',
        '        let rx = &mut other;',
        '        rx.recv().await;',
        '    }',
        '}',
        '',
      ),
    },
    {
      name: 'SyncSender send in async code; clones are endpoints too',
      code: lines(
        'async fn f() {',
        '    let (tx, rx) = std::sync::mpsc::sync_channel::<u8>(2);',
        '    let tx2 = tx.clone();',
        '    tokio::spawn(async move {',
        '        tx2.send(1).unwrap();',
        '    });',
        '    tx.send(2).unwrap();',
        '    drop(rx);',
        '}',
        '',
      ),
      errors: [
        { messageId: 'send', line: 5, column: 9, endLine: 5, endColumn: 20 },
        { messageId: 'send', line: 7, column: 5 },
      ],
      output: lines(
        'async fn f() {',
        '    let (tx, rx) = tokio::sync::mpsc::channel::<u8>(2);',
        '    let tx2 = tx.clone();',
        '    tokio::spawn(async move {',
        '        tx2.send(1).await.unwrap();',
        '    });',
        '    tx.send(2).await.unwrap();',
        '    drop(rx);',
        '}',
        '',
      ),
    },
    {
      name: 'for x in rx and for x in rx.iter()',
      code: lines(
        'async fn f() {',
        '    let (tx, rx) = std::sync::mpsc::channel::<(u8, u8)>();',
        '    tx.send((1, 2)).unwrap();',
        '    drop(tx);',
        "    'outer: for (a, b) in rx.iter() {",
        "        break 'outer;",
        '    }',
        '    for pair in &rx {}',
        '    for pair in rx {}',
        '}',
        '',
      ),
      errors: [
        { messageId: 'iter', line: 5, column: 27, endLine: 5, endColumn: 36 },
        { messageId: 'iter', line: 8, column: 17, endLine: 8, endColumn: 20 },
        { messageId: 'iter', line: 9, column: 17, endLine: 9, endColumn: 19 },
      ],
      output: lines(
        'async fn f() {',
        '    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(u8, u8)>();',
        '    tx.send((1, 2)).unwrap();',
        '    drop(tx);',
        "    'outer: while let Some((a, b)) = rx.recv().await {",
        "        break 'outer;",
        '    }',
        '    while let Some(pair) = rx.recv().await {}',
        '    while let Some(pair) = rx.recv().await {}',
        '}',
        '',
      ),
    },
    {
      name: 'iter() outside a for loop: reported, not fixed',
      code: 'async fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<u8>();\n    let first: Vec<u8> = rx.iter().take(2).collect();\n}\n',
      errors: [{ messageId: 'iter', line: 3, column: 26 }],
    },
    {
      name: 'recv_timeout becomes tokio::time::timeout (unsafe)',
      code: lines(
        'use std::time::Duration;',
        'async fn f() {',
        '    let (tx, rx) = std::sync::mpsc::channel::<u8>();',
        '    tx.send(1).unwrap();',
        '    if let Ok(v) = rx.recv_timeout(Duration::from_millis(10)) {',
        '        println!("{v}");',
        '    }',
        '}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 5, column: 20 }],
      output: null,
      unsafeOutput: lines(
        'use std::time::Duration;',
        'async fn f() {',
        '    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u8>();',
        '    tx.send(1).unwrap();',
        '    if let Ok(Some(v)) = tokio::time::timeout(Duration::from_millis(10), rx.recv()).await {',
        '        println!("{v}");',
        '    }',
        '}',
        '',
      ),
    },
    {
      name: 'sync_channel(0) has no tokio twin: channel(1), unsafe',
      code: lines(
        'async fn f() {',
        '    let (tx, rx) = std::sync::mpsc::sync_channel(0);',
        '    let t = tokio::spawn(async move { rx.recv() });',
        '    tx.send(5u8).unwrap();',
        '}',
        '',
      ),
      errors: [
        { messageId: 'recv', line: 3, column: 39 },
        { messageId: 'send', line: 4, column: 5 },
      ],
      output: null,
      unsafeOutput: lines(
        'async fn f() {',
        '    let (tx, mut rx) = tokio::sync::mpsc::channel(1);',
        '    let t = tokio::spawn(async move { rx.recv().await.ok_or(std::sync::mpsc::RecvError) });',
        '    tx.send(5u8).await.unwrap();',
        '}',
        '',
      ),
    },
    {
      name: 'a receiver passed to a fn: reported, naming where, not fixed',
      code: lines(
        'use std::sync::mpsc::{channel, Receiver};',
        'fn drain(rx: Receiver<u8>) {}',
        'async fn f() {',
        '    let (tx, rx) = channel::<u8>();',
        '    let first = rx.recv();',
        '    drain(rx);',
        '}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 5, column: 17 }],
    },
    {
      name: 'a sender stored in a struct or a clone passed on: not fixed',
      code: lines(
        'struct Handle { tx: std::sync::mpsc::Sender<u8> }',
        'async fn f() -> Handle {',
        '    let (tx, rx) = std::sync::mpsc::channel::<u8>();',
        '    register(tx.clone());',
        '    rx.recv().unwrap();',
        '    Handle { tx }',
        '}',
        'fn register(tx: std::sync::mpsc::Sender<u8>) {}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 5, column: 5 }],
    },
    {
      name: 'a use inside an opaque macro: not fixed',
      code: 'async fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<u8>();\n    rx.recv().unwrap();\n    log::debug!("{:?}", tx);\n}\n',
      errors: [{ messageId: 'recv', line: 3, column: 5 }],
    },
    {
      name: 'Result uses without an Option twin keep the std type exactly',
      code: lines(
        'fn show(r: Result<u8, std::sync::mpsc::RecvError>) {}',
        'async fn f() -> Result<u8, std::sync::mpsc::RecvError> {',
        '    let (tx, rx) = std::sync::mpsc::channel::<u8>();',
        '    tx.send(1).unwrap();',
        '    show(rx.recv());',
        '    let v = rx.recv()?;',
        '    Ok(v)',
        '}',
        '',
      ),
      errors: [
        { messageId: 'recv', line: 5, column: 10 },
        { messageId: 'recv', line: 6, column: 13 },
      ],
      output: lines(
        'fn show(r: Result<u8, std::sync::mpsc::RecvError>) {}',
        'async fn f() -> Result<u8, std::sync::mpsc::RecvError> {',
        '    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u8>();',
        '    tx.send(1).unwrap();',
        '    show(rx.recv().await.ok_or(std::sync::mpsc::RecvError));',
        '    let v = rx.recv().await.ok_or(std::sync::mpsc::RecvError)?;',
        '    Ok(v)',
        '}',
        '',
      ),
    },
    {
      name: 'send results: ? into Box<dyn Error> kept for a Debug item, map_err for one that is not',
      code: lines(
        'struct Job;',
        'async fn f() -> Result<(), Box<dyn std::error::Error>> {',
        '    let (tx, rx) = std::sync::mpsc::sync_channel::<u32>(1);',
        '    tx.send(1)?;',
        '    let (jobs, queue) = std::sync::mpsc::channel::<Job>();',
        '    jobs.send(Job).unwrap();',
        '    for job in queue {}',
        '    drop(rx);',
        '    Ok(())',
        '}',
        '',
      ),
      errors: [
        { messageId: 'send', line: 4, column: 5 },
        { messageId: 'iter', line: 7, column: 16 },
      ],
      output: lines(
        'struct Job;',
        'async fn f() -> Result<(), Box<dyn std::error::Error>> {',
        '    let (tx, rx) = tokio::sync::mpsc::channel::<u32>(1);',
        '    tx.send(1).await?;',
        '    let (jobs, mut queue) = tokio::sync::mpsc::unbounded_channel::<Job>();',
        '    jobs.send(Job).map_err(|e| std::sync::mpsc::SendError(e.0)).unwrap();',
        '    while let Some(job) = queue.recv().await {}',
        '    drop(rx);',
        '    Ok(())',
        '}',
        '',
      ),
    },
    {
      name: 'try_recv error patterns move to tokio paths',
      code: lines(
        'use std::sync::mpsc::{self, TryRecvError};',
        'async fn f() {',
        '    let (tx, rx) = mpsc::channel::<u8>();',
        '    tx.send(1).unwrap();',
        '    loop {',
        '        match rx.try_recv() {',
        '            Ok(v) => println!("{v}"),',
        '            Err(TryRecvError::Empty) => break,',
        '            Err(TryRecvError::Disconnected) => return,',
        '        }',
        '    }',
        '    let _ = rx.recv();',
        '}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 12, column: 13 }],
      output: lines(
        'async fn f() {',
        '    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u8>();',
        '    tx.send(1).unwrap();',
        '    loop {',
        '        match rx.try_recv() {',
        '            Ok(v) => println!("{v}"),',
        '            Err(tokio::sync::mpsc::error::TryRecvError::Empty) => break,',
        '            Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => return,',
        '        }',
        '    }',
        '    let _ = rx.recv().await;',
        '}',
        '',
      ),
    },
    {
      name: 'inside tokio::select! branch bodies and println! arguments',
      code: lines(
        'async fn f(stop: tokio::sync::oneshot::Receiver<()>) {',
        '    let (tx, rx) = std::sync::mpsc::channel::<u8>();',
        '    tx.send(1).unwrap();',
        '    tokio::select! {',
        '        _ = stop => {',
        '            println!("{:?}", rx.recv());',
        '        }',
        '        _ = tokio::time::sleep(std::time::Duration::from_millis(1)) => {',
        '            let v = rx.recv().unwrap();',
        '        }',
        '    }',
        '}',
        '',
      ),
      errors: [
        { messageId: 'recv', line: 6, column: 30 },
        { messageId: 'recv', line: 9, column: 21 },
      ],
      output: lines(
        'async fn f(stop: tokio::sync::oneshot::Receiver<()>) {',
        '    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u8>();',
        '    tx.send(1).unwrap();',
        '    tokio::select! {',
        '        _ = stop => {',
        '            println!("{:?}", rx.recv().await.ok_or(std::sync::mpsc::RecvError));',
        '        }',
        '        _ = tokio::time::sleep(std::time::Duration::from_millis(1)) => {',
        '            let v = rx.recv().await.unwrap();',
        '        }',
        '    }',
        '}',
        '',
      ),
    },
    {
      name: 'CRLF line endings are kept',
      code: 'use std::sync::mpsc;\r\n\r\nasync fn f() {\r\n    let (tx, rx) = mpsc::channel::<u8>();\r\n    tx.send(1).unwrap();\r\n    if let Ok(v) = rx.recv() {\r\n        println!("{v}");\r\n    }\r\n}\r\n',
      errors: [{ messageId: 'recv', line: 6, column: 20 }],
      output: '\r\nasync fn f() {\r\n    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u8>();\r\n    tx.send(1).unwrap();\r\n    if let Some(v) = rx.recv().await {\r\n        println!("{v}");\r\n    }\r\n}\r\n',
    },
    {
      name: 'sync code in spawn_blocking uses blocking_recv (safe there)',
      code: lines(
        'async fn f() -> u32 {',
        '    let (tx, rx) = std::sync::mpsc::sync_channel::<u32>(4);',
        '    let sum = tokio::task::spawn_blocking(move || {',
        '        let mut sum = 0;',
        '        while let Ok(v) = rx.recv() {',
        '            sum += v;',
        '        }',
        '        sum',
        '    });',
        '    tx.send(1).unwrap();',
        '    drop(tx);',
        '    sum.await.unwrap()',
        '}',
        '',
      ),
      errors: [{ messageId: 'send', line: 10, column: 5 }],
      output: lines(
        'async fn f() -> u32 {',
        '    let (tx, mut rx) = tokio::sync::mpsc::channel::<u32>(4);',
        '    let sum = tokio::task::spawn_blocking(move || {',
        '        let mut sum = 0;',
        '        while let Some(v) = rx.blocking_recv() {',
        '            sum += v;',
        '        }',
        '        sum',
        '    });',
        '    tx.send(1).await.unwrap();',
        '    drop(tx);',
        '    sum.await.unwrap()',
        '}',
        '',
      ),
    },
    {
      name: 'a sync fn that may run on a runtime thread: blocking_recv is unsafe',
      code: lines(
        'fn wait_for_worker() -> u8 {',
        '    let (tx, rx) = std::sync::mpsc::sync_channel::<u8>(1);',
        '    tokio::spawn(async move {',
        '        tx.send(7).unwrap();',
        '    });',
        '    rx.recv().unwrap()',
        '}',
        '',
      ),
      errors: [{ messageId: 'send', line: 4, column: 9 }],
      output: null,
      unsafeOutput: lines(
        'fn wait_for_worker() -> u8 {',
        '    let (tx, mut rx) = tokio::sync::mpsc::channel::<u8>(1);',
        '    tokio::spawn(async move {',
        '        tx.send(7).await.unwrap();',
        '    });',
        '    rx.blocking_recv().unwrap()',
        '}',
        '',
      ),
    },
    {
      name: 'seed case 4 alone: the receiver is in a std::thread::spawn closure, the fix waits for no-thread-spawn',
      code: lines(
        'async fn run() {',
        '    let (shutdown_tx, shutdown_rx) = std::sync::mpsc::sync_channel(1);',
        '    std::thread::spawn(move || {',
        '        if shutdown_rx.recv().is_ok() {',
        '            std::process::exit(0);',
        '        }',
        '    });',
        '    shutdown_tx.send(()).unwrap();',
        '}',
        '',
      ),
      errors: [{ messageId: 'send', line: 8, column: 5 }],
    },
    {
      name: 'a receiver used in a plain closure would become FnMut: not fixed',
      code: 'async fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<u8>();\n    let next = || rx.try_recv();\n    rx.recv().unwrap();\n}\n',
      errors: [{ messageId: 'recv', line: 4, column: 5 }],
    },
    {
      name: 'tabs and an async block in a sync fn',
      code: 'fn f() {\n\tlet (tx, rx) = std::sync::mpsc::channel::<u8>();\n\tlet fut = async move {\n\t\trx.recv().unwrap_or_default()\n\t};\n\ttx.send(1).unwrap();\n}\n',
      errors: [{ messageId: 'recv', line: 4, column: 3 }],
      output: 'fn f() {\n\tlet (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u8>();\n\tlet fut = async move {\n\t\trx.recv().await.unwrap_or_default()\n\t};\n\ttx.send(1).unwrap();\n}\n',
    },
    {
      name: 'let-else, unwrap_or_else(|_| ..) and try_iter',
      code: lines(
        'async fn f() -> u8 {',
        '    let (tx, rx) = std::sync::mpsc::channel::<u8>();',
        '    tx.send(1).unwrap();',
        '    let backlog: Vec<u8> = rx.try_iter().collect();',
        '    let Ok(a) = rx.recv() else {',
        '        return 0;',
        '    };',
        '    let b = rx.recv().unwrap_or_else(|_| 0);',
        '    for late in rx.try_iter() {}',
        '    a + b',
        '}',
        '',
      ),
      errors: [
        { messageId: 'recv', line: 5, column: 17 },
        { messageId: 'recv', line: 8, column: 13 },
      ],
      output: lines(
        'async fn f() -> u8 {',
        '    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u8>();',
        '    tx.send(1).unwrap();',
        '    let backlog: Vec<u8> = std::iter::from_fn(|| rx.try_recv().ok()).collect();',
        '    let Some(a) = rx.recv().await else {',
        '        return 0;',
        '    };',
        '    let b = rx.recv().await.unwrap_or_else(|| 0);',
        '    while let Ok(late) = rx.try_recv() {}',
        '    a + b',
        '}',
        '',
      ),
    },
    {
      name: 'a non-async fn main is never a runtime thread: blocking_recv is safe there',
      code: lines(
        'fn main() {',
        '    let rt = tokio::runtime::Runtime::new().unwrap();',
        '    let (tx, rx) = std::sync::mpsc::sync_channel::<u8>(1);',
        '    rt.spawn(async move {',
        '        tx.send(1).unwrap();',
        '    });',
        '    let total: u32 = rx.iter().map(u32::from).sum();',
        '}',
        '',
      ),
      errors: [{ messageId: 'send', line: 5, column: 9 }],
      output: lines(
        'fn main() {',
        '    let rt = tokio::runtime::Runtime::new().unwrap();',
        '    let (tx, mut rx) = tokio::sync::mpsc::channel::<u8>(1);',
        '    rt.spawn(async move {',
        '        tx.send(1).await.unwrap();',
        '    });',
        '    let total: u32 = std::iter::from_fn(|| rx.blocking_recv()).map(u32::from).sum();',
        '}',
        '',
      ),
    },
    {
      name: 'recv behind ? in an async block keeps the std error type',
      code: lines(
        'async fn f() {',
        '    let (tx, rx) = std::sync::mpsc::channel::<u8>();',
        '    let task = async move {',
        '        let v = rx.recv()?;',
        '        Ok::<u8, std::sync::mpsc::RecvError>(v)',
        '    };',
        '    tx.send(1).unwrap();',
        '}',
        '',
      ),
      errors: [{ messageId: 'recv', line: 4, column: 17 }],
      output: lines(
        'async fn f() {',
        '    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u8>();',
        '    let task = async move {',
        '        let v = rx.recv().await.ok_or(std::sync::mpsc::RecvError)?;',
        '        Ok::<u8, std::sync::mpsc::RecvError>(v)',
        '    };',
        '    tx.send(1).unwrap();',
        '}',
        '',
      ),
    },
  ],
});

function lint(code: string) {
  const filePath = 'src/lib.rs';
  const project = ProjectIndex.fromTexts([{ filePath, text: code }]);
  const config = { rules: { [rule.id]: { severity: 2 as const, options: {} } }, settings: { ambientRuntime: 'auto' as const } };
  return lintAndFix(filePath, code, { config, project }, false).lint.messages;
}

describe('no-std-mpsc-in-async messages', () => {
  it('names the line that creates the channel', () => {
    const [m] = lint('async fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<u8>();\n    rx.recv().unwrap();\n}\n');
    expect(m.message).toContain('channel created on line 2');
    expect(m.message).not.toContain('Not fixed');
  });

  it('names where an escaping endpoint goes', () => {
    const [m] = lint('async fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<u8>();\n    rx.recv().unwrap();\n    drain(rx);\n}\n');
    expect(m.message).toContain('Not fixed: `rx` is passed to `drain` on line 4.');
  });

  it('names the parameter or field an endpoint comes from', () => {
    const [p] = lint('async fn worker(rx: std::sync::mpsc::Receiver<u8>) {\n    rx.recv().unwrap();\n}\n');
    expect(p.message).toContain('parameter `rx` of `worker`, line 1');
    const [f] = lint('use std::sync::mpsc::Receiver;\nstruct S { inbox: Receiver<u8> }\nimpl S {\n    async fn f(&self) { self.inbox.recv(); }\n}\n');
    expect(f.message).toContain('field `inbox` of `S`, line 2');
  });

  it('says when the fix waits for a std::thread::spawn closure to become a task', () => {
    const [m] = lint(
      'async fn f() {\n    let (tx, rx) = std::sync::mpsc::sync_channel::<u8>(1);\n    std::thread::spawn(move || rx.recv());\n    tx.send(1).unwrap();\n}\n',
    );
    expect(m.message).toContain('`std::thread::spawn` closure using `rx` on line 3');
    expect(m.fix).toBeUndefined();
  });
});

describe('mpscUseAt (for no-thread-spawn)', () => {
  const at = (code: string, text: string) => {
    const source = new SourceFile('src/lib.rs', code);
    const resolver = new Resolver('crate');
    const node = source.root.descendantsOfType('call_expression').find((c) => source.getText(c) === text)!;
    return mpscUseAt(source, resolver, node);
  };

  it('a recv in a thread body whose channel converts safely once the body is async', () => {
    const r = at('async fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<u8>();\n    std::thread::spawn(move || rx.recv());\n    tx.send(1).unwrap();\n}\n', 'rx.recv()');
    expect(r).toMatchObject({ convertible: true, safe: true });
  });

  it('a recv whose receiver escapes is not convertible', () => {
    const r = at('fn f() {\n    let (tx, rx) = std::sync::mpsc::channel::<u8>();\n    std::thread::spawn(move || rx.recv());\n    keep(tx);\n}\n', 'rx.recv()');
    expect(r).toMatchObject({ convertible: false, safe: false });
  });

  it('not a std endpoint', () => {
    expect(at('async fn f(rx: Inbox) {\n    std::thread::spawn(move || rx.recv());\n}\n', 'rx.recv()')).toBeNull();
  });
});
