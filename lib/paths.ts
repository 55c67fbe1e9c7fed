/**
 * The canonical paths the rules match, in one place, so the resolver can
 * settle glob imports and the macro lowering can tell which macro arguments
 * are worth a look.
 */
export const STD_THREAD = 'std::thread';
export const THREAD_SPAWN = 'std::thread::spawn';
export const THREAD_SLEEP = 'std::thread::sleep';
export const THREAD_SLEEP_MS = 'std::thread::sleep_ms';
export const THREAD_SCOPE = 'std::thread::scope';
export const THREAD_BUILDER = 'std::thread::Builder';
export const THREAD_BUILDER_NEW = 'std::thread::Builder::new';
export const THREAD_JOIN_HANDLE = 'std::thread::JoinHandle';
export const THREAD_SCOPE_TYPE = 'std::thread::Scope';
export const THREAD_PARK = 'std::thread::park';
export const THREAD_PARK_TIMEOUT = 'std::thread::park_timeout';
export const IO_STDIN = 'std::io::stdin';
export const PROCESS_COMMAND_NEW = 'std::process::Command::new';

export const STD_MPSC = 'std::sync::mpsc';
export const MPSC_CHANNEL = 'std::sync::mpsc::channel';
export const MPSC_SYNC_CHANNEL = 'std::sync::mpsc::sync_channel';
export const MPSC_SENDER = 'std::sync::mpsc::Sender';
export const MPSC_SYNC_SENDER = 'std::sync::mpsc::SyncSender';
export const MPSC_RECEIVER = 'std::sync::mpsc::Receiver';
export const MPSC_RECV_ERROR = 'std::sync::mpsc::RecvError';
export const MPSC_RECV_TIMEOUT_ERROR = 'std::sync::mpsc::RecvTimeoutError';
export const MPSC_TRY_RECV_ERROR = 'std::sync::mpsc::TryRecvError';
export const MPSC_SEND_ERROR = 'std::sync::mpsc::SendError';
export const MPSC_TRY_SEND_ERROR = 'std::sync::mpsc::TrySendError';

export const TOKIO_RUNTIME = 'tokio::runtime::Runtime';
export const TOKIO_RUNTIME_NEW = 'tokio::runtime::Runtime::new';
export const TOKIO_RUNTIME_BUILDER = 'tokio::runtime::Builder';
export const TOKIO_HANDLE = 'tokio::runtime::Handle';
export const TOKIO_LOCAL_SET = 'tokio::task::LocalSet';
export const TOKIO_LOCAL_SET_NEW = 'tokio::task::LocalSet::new';
export const TOKIO_HANDLE_CURRENT = 'tokio::runtime::Handle::current';
export const TOKIO_HANDLE_TRY_CURRENT = 'tokio::runtime::Handle::try_current';
/** The constructors of a tokio runtime `Builder` (their chain ends in `.build()`). */
export const TOKIO_RUNTIME_BUILDER_CTORS = [
  'tokio::runtime::Builder::new_multi_thread',
  'tokio::runtime::Builder::new_current_thread',
  'tokio::runtime::Builder::new_multi_thread_alt',
];
/** `block_on` called in UFCS form: `Runtime::block_on(&rt, fut)`. */
export const TOKIO_BLOCK_ON_METHODS = [
  'tokio::runtime::Runtime::block_on',
  'tokio::runtime::Handle::block_on',
  'tokio::task::LocalSet::block_on',
];

/** Path prefixes whose every function blocks the calling thread (file and socket I/O, blocking HTTP). */
export const BLOCKING_PATH_PREFIXES = ['std::fs::', 'std::net::', 'reqwest::blocking::', 'ureq::'];

/** Channel constructors whose receivers block in `recv` (std, crossbeam, flume). */
export const BLOCKING_CHANNEL_FNS = [
  'std::sync::mpsc::channel',
  'std::sync::mpsc::sync_channel',
  'crossbeam_channel::unbounded',
  'crossbeam_channel::bounded',
  'crossbeam::channel::unbounded',
  'crossbeam::channel::bounded',
  'flume::unbounded',
  'flume::bounded',
];
export const BLOCKING_RECEIVER_TYPES = ['std::sync::mpsc::Receiver', 'crossbeam_channel::Receiver', 'crossbeam::channel::Receiver', 'flume::Receiver'];

/** Free functions that run a future to completion on the calling thread. */
export const BLOCK_ON_FNS = [
  'futures::executor::block_on',
  'futures_executor::block_on',
  'futures_lite::future::block_on',
  'pollster::block_on',
  'async_std::task::block_on',
  'tokio_test::block_on',
  'smol::block_on',
  'async_io::block_on',
];

export const KNOWN_PATHS: ReadonlySet<string> = new Set([
  STD_THREAD,
  THREAD_SPAWN,
  THREAD_SLEEP,
  THREAD_SLEEP_MS,
  THREAD_SCOPE,
  THREAD_BUILDER,
  THREAD_JOIN_HANDLE,
  THREAD_SCOPE_TYPE,
  THREAD_PARK,
  THREAD_PARK_TIMEOUT,
  STD_MPSC,
  MPSC_CHANNEL,
  MPSC_SYNC_CHANNEL,
  MPSC_SENDER,
  MPSC_SYNC_SENDER,
  MPSC_RECEIVER,
  MPSC_RECV_ERROR,
  MPSC_RECV_TIMEOUT_ERROR,
  MPSC_TRY_RECV_ERROR,
  MPSC_SEND_ERROR,
  MPSC_TRY_SEND_ERROR,
  TOKIO_RUNTIME,
  TOKIO_RUNTIME_BUILDER,
  TOKIO_HANDLE,
  TOKIO_LOCAL_SET,
  ...BLOCK_ON_FNS,
]);

/**
 * Words whose presence in a macro's arguments makes them worth re-parsing
 * (format-family macros are everywhere; most hold nothing a rule flags).
 */
export const INTERESTING_WORDS = /\b(?:spawn|sleep|sleep_ms|recv|recv_timeout|iter|send|block_on|join|Runtime|Builder|runtime|Handle|channel|sync_channel)\b/;
