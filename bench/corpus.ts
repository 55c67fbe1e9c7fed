/**
 * A deterministic generator of a realistic tokio service crate for the
 * benchmark: a few hundred files of async code in nested modules (dirs with
 * `mod.rs`, inline `mod` blocks), structs, impls, traits, error enums,
 * closures, `tokio::select!`/`join!`/`format!` macros, `macro_rules!`, doc
 * comments with code examples, test modules — and, in a minority of files,
 * what the rules flag: blocking sleeps, OS threads, std channels in async
 * code, `block_on` in sync helpers that async handlers call from other
 * files, a shared runtime behind an accessor.
 *
 * The same seed gives the same bytes. It writes only where it is told to (a
 * temp dir), never into the repository.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface CorpusOptions {
  /** How many `.rs` files (about; at least 20). */
  files?: number;
  seed?: number;
}

export interface Corpus {
  root: string;
  files: string[];
  bytes: number;
}

/** mulberry32: a small, fast, seedable PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOUNS = [
  'account', 'order', 'invoice', 'session', 'client', 'ticket', 'payment', 'report', 'queue', 'cache',
  'user', 'shard', 'metric', 'event', 'lease', 'token', 'job', 'record', 'stream', 'batch', 'route',
  'profile', 'device', 'upload', 'quota', 'ledger', 'snapshot', 'webhook', 'cursor', 'audit',
];
const VERBS = ['load', 'store', 'fetch', 'sync', 'apply', 'resolve', 'publish', 'collect', 'refresh', 'validate', 'merge', 'expire', 'render', 'dispatch'];
const FIELDS: [string, string][] = [
  ['id', 'u64'], ['name', 'String'], ['created_at', 'u64'], ['retries', 'u32'], ['tags', 'Vec<String>'],
  ['enabled', 'bool'], ['weight', 'f64'], ['owner', 'Option<String>'], ['limit', 'usize'], ['version', 'u32'],
];

type Rand = () => number;

function pick<T>(r: Rand, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function pascal(s: string): string {
  return s.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** The findings a file may carry. */
type Finding = 'sleep' | 'spawn' | 'mpsc' | 'blockOnHelper' | 'sharedRuntime' | 'none';

interface ModuleFile {
  /** Path relative to src/. */
  rel: string;
  /** `crate::a::b` */
  module: string;
  /** What the file's main type is about. */
  noun: string;
  finding: Finding;
}

/** Generates the crate into `dir` (created; must not exist or be empty). */
export function generateCorpus(dir: string, options: CorpusOptions = {}): Corpus {
  const target = Math.max(20, options.files ?? 300);
  const r = prng(options.seed ?? 7);
  const files: ModuleFile[] = [];
  // Top-level modules, each a directory of files, some with a nested directory.
  const groups = Math.max(4, Math.round(target / 12));
  const top: string[] = [];
  let n = 0;
  for (let g = 0; g < groups && n < target - 2; g++) {
    const name = `${pick(r, NOUNS)}_${g}`;
    top.push(name);
    const per = 6 + Math.floor(r() * 12);
    for (let i = 0; i < per && n < target - 2; i++, n++) {
      const leaf = `${pick(r, VERBS)}_${pick(r, NOUNS)}_${i}`;
      const nested = i > 3 && r() < 0.3;
      const rel = nested ? `${name}/inner/${leaf}.rs` : `${name}/${leaf}.rs`;
      const module = nested ? `crate::${name}::inner::${leaf}` : `crate::${name}::${leaf}`;
      files.push({ rel, module, noun: pick(r, NOUNS), finding: chooseFinding(r) });
    }
  }
  // Each kind of finding at least once, so every rule has work.
  const kinds: Finding[] = ['sleep', 'spawn', 'mpsc', 'blockOnHelper', 'sharedRuntime'];
  kinds.forEach((k, i) => {
    files[(i * 7) % files.length].finding = k;
  });

  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  const written: string[] = [];
  let bytes = 0;
  const write = (rel: string, text: string) => {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    written.push(p);
    bytes += Buffer.byteLength(text);
  };
  fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "bench-service"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ntokio = { version = "1", features = ["full"] }\n');

  // mod.rs files declare the leaves (and the nested `inner` module).
  for (const name of top) {
    const mine = files.filter((f) => f.rel.startsWith(`${name}/`));
    const direct = mine.filter((f) => !f.rel.includes('/inner/')).map((f) => path.basename(f.rel, '.rs'));
    const inner = mine.filter((f) => f.rel.includes('/inner/')).map((f) => path.basename(f.rel, '.rs'));
    let text = `//! The ${name.replace(/_\d+$/, '')} subsystem.\n\n`;
    for (const d of direct) text += `pub mod ${d};\n`;
    if (inner.length) text += 'pub mod inner;\n';
    write(`src/${name}/mod.rs`, text);
    if (inner.length) write(`src/${name}/inner/mod.rs`, inner.map((i) => `pub mod ${i};\n`).join(''));
  }

  // Sync helpers with a blocking call, called from async handlers elsewhere.
  const helpers = files.filter((f) => f.finding === 'blockOnHelper');
  const callers = new Map<ModuleFile, ModuleFile>();
  helpers.forEach((h, i) => callers.set(files[(files.indexOf(h) + 11 + i) % files.length], h));

  for (const f of files) write(`src/${f.rel}`, moduleText(r, f, callers.get(f)));
  write('src/main.rs', mainText(top));
  return { root: dir, files: written.sort(), bytes };
}

function chooseFinding(r: Rand): Finding {
  const x = r();
  if (x < 0.03) return 'sleep';
  if (x < 0.05) return 'spawn';
  if (x < 0.07) return 'mpsc';
  if (x < 0.09) return 'blockOnHelper';
  if (x < 0.1) return 'sharedRuntime';
  return 'none';
}

function mainText(top: string[]): string {
  return [
    '//! Entry point of the service.',
    ...top.map((t) => `mod ${t};`),
    '',
    '#[tokio::main]',
    'async fn main() {',
    '    let (tx, mut rx) = tokio::sync::mpsc::channel::<u64>(64);',
    '    let worker = tokio::spawn(async move {',
    '        while let Some(v) = rx.recv().await {',
    '            println!("processed {v}");',
    '        }',
    '    });',
    '    for i in 0..10u64 {',
    '        tx.send(i).await.expect("worker gone");',
    '    }',
    '    drop(tx);',
    '    worker.await.unwrap();',
    '}',
    '',
  ].join('\n');
}

/** One module file: a few types with impls, async and sync fns, maybe a finding, maybe tests. */
function moduleText(r: Rand, f: ModuleFile, calls?: ModuleFile): string {
  const out: string[] = [];
  const noun = f.noun;
  const Type = pascal(noun);
  out.push(`//! ${pascal(pick(r, VERBS))}s ${noun}s for the service: storage, validation and the async handlers around them.`);
  out.push('');
  out.push('use std::collections::HashMap;');
  out.push('use std::fmt;');
  out.push('use std::sync::Arc;');
  out.push('use std::time::Duration;');
  out.push('use tokio::sync::{Mutex, RwLock};');
  if (f.finding === 'mpsc') out.push('use std::sync::mpsc;');
  if (f.finding === 'spawn' || f.finding === 'sleep') out.push('use std::thread;');
  out.push('');

  const types = 1 + Math.floor(r() * 3);
  for (let t = 0; t < types; t++) {
    const name = t === 0 ? Type : `${Type}${pascal(pick(r, VERBS))}${t}`;
    out.push(...structWithImpl(r, name, t === 0 && r() < 0.15));
  }
  out.push(...errorEnum(name2(Type, 'Error')));
  if (r() < 0.2) out.push(...macroRules(noun));
  const fns = 3 + Math.floor(r() * 6);
  for (let i = 0; i < fns; i++) out.push(...freeFn(r, Type, noun, i));
  if (r() < 0.25) out.push(...inlineModule(r, noun));

  switch (f.finding) {
    case 'sleep':
      out.push(
        `/// Polls the ${noun} backend until it answers.`,
        `pub async fn wait_for_${noun}(attempts: u32) -> bool {`,
        '    for attempt in 0..attempts {',
        '        if attempt > 2 {',
        '            return true;',
        '        }',
        '        std::thread::sleep(Duration::from_millis(25));',
        '    }',
        '    false',
        '}',
        '',
        `pub async fn heartbeat_${noun}(period: Duration) {`,
        '    loop {',
        `        tracing_stub("${noun} alive");`,
        '        thread::sleep(period);',
        '    }',
        '}',
        '',
      );
      break;
    case 'spawn':
      out.push(
        `pub fn start_${noun}_reaper(state: Arc<Mutex<HashMap<u64, u64>>>) {`,
        '    thread::spawn(move || loop {',
        '        let _ = &state;',
        '        thread::sleep(Duration::from_secs(30));',
        '    });',
        '}',
        '',
        `pub fn warm_${noun}_cache() -> thread::JoinHandle<usize> {`,
        '    thread::spawn(|| {',
        '        let data: Vec<usize> = (0..64).collect();',
        '        data.iter().sum()',
        '    })',
        '}',
        '',
      );
      break;
    case 'mpsc':
      out.push(
        `pub async fn drain_${noun}s(limit: usize) -> Vec<u64> {`,
        '    let (tx, rx) = mpsc::channel::<u64>();',
        '    tokio::spawn(async move {',
        '        for i in 0..limit as u64 {',
        '            let _ = tx.send(i);',
        '        }',
        '    });',
        '    let mut got = Vec::new();',
        '    while let Ok(v) = rx.recv() {',
        '        got.push(v);',
        '    }',
        '    got',
        '}',
        '',
      );
      break;
    case 'blockOnHelper':
      out.push(
        `/// Reads the ${noun} settings synchronously (legacy path).`,
        `pub fn read_${noun}_settings(key: &str) -> Option<String> {`,
        '    let value = futures::executor::block_on(async { Some(key.to_uppercase()) });',
        '    std::thread::sleep(Duration::from_millis(1));',
        '    value',
        '}',
        '',
      );
      break;
    case 'sharedRuntime':
      out.push(
        'static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();',
        '',
        `pub fn ${noun}_runtime() -> &'static tokio::runtime::Runtime {`,
        '    RUNTIME.get_or_init(|| tokio::runtime::Runtime::new().expect("runtime"))',
        '}',
        '',
        `pub fn submit_${noun}(id: u64) {`,
        `    ${noun}_runtime().spawn(async move {`,
        '        let _ = id;',
        '    });',
        '}',
        '',
      );
      break;
    default:
  }
  if (calls) {
    const helper = `read_${calls.noun}_settings`;
    out.push(
      `/// Serves a ${noun} request; reads settings through the legacy helper.`,
      `pub async fn serve_${noun}_request(key: String) -> Result<String, String> {`,
      `    let settings = ${calls.module}::${helper}(&key);`,
      '    settings.ok_or_else(|| format!("no settings for {key}"))',
      '}',
      '',
    );
  }
  out.push('fn tracing_stub(_msg: &str) {}', '');
  if (r() < 0.6) out.push(...tests(r, Type, noun));
  return out.join('\n');
}

function name2(a: string, b: string): string {
  return `${a}${b}`;
}

function structWithImpl(r: Rand, name: string, docExample: boolean): string[] {
  const fields = [...FIELDS].sort(() => r() - 0.5).slice(0, 3 + Math.floor(r() * 4));
  const out: string[] = [];
  if (docExample) {
    out.push(
      `/// A ${name} handle.`,
      '///',
      '/// ```',
      '/// let rt = tokio::runtime::Runtime::new().unwrap();',
      `/// rt.block_on(async { ${name}::default().touch().await });`,
      '/// ```',
    );
  } else out.push(`/// A ${name} as the store keeps it.`);
  out.push('#[derive(Debug, Clone, Default)]', `pub struct ${name} {`);
  for (const [f, t] of fields) out.push(`    pub ${f}: ${t},`);
  out.push('}', '');
  out.push(`impl ${name} {`);
  out.push(`    pub fn new(${fields[0][0]}: ${fields[0][1]}) -> Self {`, `        Self { ${fields[0][0]}, ..Default::default() }`, '    }', '');
  for (const [f, t] of fields.slice(1, 3)) {
    out.push(`    pub fn ${f}(&self) -> &${t} {`, `        &self.${f}`, '    }', '');
  }
  out.push(
    '    pub async fn touch(&self) -> usize {',
    '        let guard = Arc::new(RwLock::new(self.clone()));',
    '        let snapshot = guard.read().await;',
    `        let label = format!("{:?}", snapshot.${fields[0][0]});`,
    '        tokio::time::sleep(Duration::from_millis(1)).await;',
    '        label.len()',
    '    }',
    '',
    '    pub fn score(&self, weights: &[f64]) -> f64 {',
    '        weights',
    '            .iter()',
    '            .enumerate()',
    '            .filter(|(i, _)| i % 2 == 0)',
    '            .map(|(i, w)| w * (i as f64 + 1.0))',
    '            .sum::<f64>()',
    '    }',
    '}',
    '',
    `impl fmt::Display for ${name} {`,
    '    fn fmt(&self, f: &mut fmt::Formatter<\'_>) -> fmt::Result {',
    `        write!(f, "${name}({:?})", self.${fields[0][0]})`,
    '    }',
    '}',
    '',
  );
  return out;
}

function errorEnum(name: string): string[] {
  return [
    '#[derive(Debug)]',
    `pub enum ${name} {`,
    '    NotFound(u64),',
    '    Conflict { expected: u32, found: u32 },',
    '    Backend(String),',
    '}',
    '',
    `impl fmt::Display for ${name} {`,
    '    fn fmt(&self, f: &mut fmt::Formatter<\'_>) -> fmt::Result {',
    '        match self {',
    `            ${name}::NotFound(id) => write!(f, "not found: {id}"),`,
    `            ${name}::Conflict { expected, found } => write!(f, "conflict: expected {expected}, found {found}"),`,
    `            ${name}::Backend(msg) => write!(f, "backend: {msg}"),`,
    '        }',
    '    }',
    '}',
    '',
    `impl std::error::Error for ${name} {}`,
    '',
  ];
}

function macroRules(noun: string): string[] {
  return [
    `macro_rules! ${noun}_field {`,
    '    ($obj:expr, $field:ident) => {',
    '        $obj.$field.clone()',
    '    };',
    '    ($obj:expr, $field:ident, $default:expr) => {',
    '        $obj.get(stringify!($field)).cloned().unwrap_or($default)',
    '    };',
    '}',
    '',
  ];
}

function freeFn(r: Rand, Type: string, noun: string, i: number): string[] {
  const verb = pick(r, VERBS);
  const name = `${verb}_${noun}_${i}`;
  const kind = r();
  if (kind < 0.45) {
    return [
      `/// ${pascal(verb)}s a ${noun} and reports how long it took.`,
      `pub async fn ${name}(store: Arc<Mutex<HashMap<u64, ${Type}>>>, id: u64) -> Result<usize, String> {`,
      '    let started = std::time::Instant::now();',
      '    let item = {',
      '        let map = store.lock().await;',
      '        map.get(&id).cloned()',
      '    };',
      '    let item = match item {',
      '        Some(item) => item,',
      `        None => return Err(format!("${noun} {id} missing")),`,
      '    };',
      '    let (a, b) = tokio::join!(item.touch(), async { id as usize * 2 });',
      '    tokio::select! {',
      '        _ = tokio::time::sleep(Duration::from_millis(5)) => {}',
      '        n = async { a + b } => { println!("{} took {:?} ({n})", id, started.elapsed()); }',
      '    }',
      '    Ok(a + b)',
      '}',
      '',
    ];
  }
  if (kind < 0.8) {
    return [
      `pub fn ${name}(items: &[${Type}], threshold: usize) -> Vec<String> {`,
      '    let mut out = Vec::with_capacity(items.len());',
      '    for (idx, item) in items.iter().enumerate() {',
      '        if idx >= threshold {',
      '            break;',
      '        }',
      '        let text = item.to_string();',
      '        if text.len() % 3 == 0 {',
      '            out.push(text);',
      '        } else {',
      '            out.push(format!("{idx}:{text}"));',
      '        }',
      '    }',
      '    out.sort();',
      '    out.dedup();',
      '    out',
      '}',
      '',
    ];
  }
  return [
    `pub async fn ${name}(ids: Vec<u64>) -> HashMap<u64, usize> {`,
    '    let handles: Vec<_> = ids',
    '        .into_iter()',
    '        .map(|id| tokio::spawn(async move { (id, id.count_ones() as usize) }))',
    '        .collect();',
    '    let mut out = HashMap::new();',
    '    for h in handles {',
    '        if let Ok((id, n)) = h.await {',
    '            out.insert(id, n);',
    '        }',
    '    }',
    '    out',
    '}',
    '',
  ];
}

function inlineModule(r: Rand, noun: string): string[] {
  return [
    'pub mod limits {',
    '    pub const MAX_BATCH: usize = 128;',
    '',
    '    pub mod backoff {',
    '        use std::time::Duration;',
    '',
    '        pub fn delay(attempt: u32) -> Duration {',
    `            Duration::from_millis(${10 + Math.floor(r() * 90)} * 2u64.pow(attempt.min(6)))`,
    '        }',
    '    }',
    '',
    `    pub fn clamp_${noun}(n: usize) -> usize {`,
    '        n.min(MAX_BATCH)',
    '    }',
    '}',
    '',
  ];
}

function tests(r: Rand, Type: string, noun: string): string[] {
  return [
    '#[cfg(test)]',
    'mod tests {',
    '    use super::*;',
    '',
    '    #[tokio::test]',
    `    async fn touches_${noun}() {`,
    `        let item = ${Type}::default();`,
    '        assert!(item.touch().await > 0);',
    '    }',
    '',
    '    #[test]',
    '    fn scores_even_weights() {',
    `        let item = ${Type}::default();`,
    `        assert_eq!(item.score(&[1.0, 2.0, ${(r() * 10).toFixed(1)}]), item.score(&[1.0, 2.0, ${(r() * 10).toFixed(1)}]) * 1.0);`,
    '    }',
    '}',
    '',
  ];
}
