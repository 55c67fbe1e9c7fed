/**
 * The project's call graph, built from file summaries, and runtime
 * reachability (SPEC §1): a sync fn is runtime-reachable when a call to it
 * appears in async context, or in another runtime-reachable fn. Each reached
 * fn remembers one caller, so a diagnostic can name an async caller chain.
 */
import { CallRef, FileSummary, FnFacts } from './summary';

export interface GraphFile {
  /** Which crate's `crate::` the file's paths mean ('' when unknown). */
  crateId: string;
  /**
   * For a target of its own (`tests/x.rs`): the crate id of its dir's
   * shared modules (`tests/common/mod.rs`), where `crate::…` paths the
   * target does not define land (lib/index/crates.ts targetOf).
   */
  shared?: string | null;
  summary: FileSummary;
}

interface Reached {
  /** Qualified key of the caller. */
  via: string;
  /** Whether that call site was in async context (the caller is the root). */
  fromAsync: boolean;
}

const MAX_ALIAS_HOPS = 8;

/** Method names of std, futures and tokio traits: a call by such a name says nothing about which impl runs. */
/** Method names std and async traits use: a call `x.name()` by one of these never resolves by name. */
export const TRAIT_METHODS: ReadonlySet<string> = new Set([
  'read', 'read_exact', 'read_to_end', 'read_to_string', 'read_line', 'read_buf', 'write', 'write_all', 'write_fmt',
  'flush', 'shutdown', 'seek', 'next', 'poll', 'poll_next', 'poll_read', 'poll_write', 'poll_flush', 'poll_ready',
  'poll_close', 'poll_shutdown', 'call', 'send', 'recv', 'try_recv', 'close', 'clone', 'drop', 'fmt', 'eq', 'cmp',
  'partial_cmp', 'hash', 'into', 'from', 'try_from', 'try_into', 'as_ref', 'as_mut', 'deref', 'deref_mut', 'borrow',
  'borrow_mut', 'default', 'len', 'is_empty', 'get', 'get_mut', 'insert', 'remove', 'push', 'pop', 'iter', 'iter_mut',
  'into_iter', 'lock', 'wait', 'run', 'start', 'stop', 'handle', 'build', 'new', 'connect', 'accept', 'bind', 'spawn',
]);

export class CallGraph {
  private readonly fns = new Map<string, FnFacts>();
  private readonly methods = new Map<string, string[]>();
  private readonly aliases = new Map<string, string>();
  private readonly reached = new Map<string, Reached>();
  private readonly sharedOf = new Map<string, string>();
  private readonly namesOf = new Map<string, Set<string>>();

  /** @param crates workspace crate names (as paths spell them) to crate ids. */
  constructor(files: GraphFile[], private readonly crates: ReadonlyMap<string, string>) {
    for (const { crateId, shared, summary } of files) {
      if (shared) this.sharedOf.set(crateId, shared);
      for (const fn of summary.fns) {
        const q = qualify(crateId, fn.key);
        this.fns.set(q, fn);
        if (fn.method) {
          const k = `${crateId}|${fn.name}`;
          this.methods.set(k, [...(this.methods.get(k) ?? []), q]);
        }
      }
      for (const [from, to] of summary.aliases) {
        const target = this.qualifyPath(crateId, to);
        if (target) this.aliases.set(qualify(crateId, from), target);
      }
    }
    this.propagate(files);
  }

  /** Whether the fn with this qualified key is reached from async code. */
  isReachable(qualifiedKey: string): boolean {
    return this.reached.has(qualifiedKey);
  }

  /** "called from `async fn handle` via `load_config`" for a reached fn. */
  chain(qualifiedKey: string): string | null {
    if (!this.reached.has(qualifiedKey)) return null;
    const via: string[] = [];
    let cur = qualifiedKey;
    for (let guard = 0; guard < 1000; guard++) {
      const r = this.reached.get(cur);
      if (!r) break;
      if (r.fromAsync) {
        const root = this.fns.get(r.via);
        const rootName = root ? `${root.async ? 'async fn ' : 'an async block in '}${display(r.via)}` : display(r.via);
        return `called from \`${rootName}\`` + (via.length ? ` via ${via.map((v) => `\`${v}\``).join(' → ')}` : '');
      }
      via.unshift(display(r.via));
      cur = r.via;
    }
    return null;
  }

  /** The fns a call may land on (qualified keys). */
  targets(crateId: string, call: CallRef): string[] {
    if (call.path && call.method) {
      // `self.m()`: the impl's own method when it has one, else by name.
      for (const own of this.qualifyPaths(crateId, call.path)) if (this.fns.has(own)) return [own];
    }
    if (call.method) {
      // By name, when the name is the crate's own: one method of that name,
      // not a name that std and async traits use too, and not awaited (an
      // awaited call is an async method, never a sync fn).
      if (call.awaited || TRAIT_METHODS.has(call.method)) return [];
      const shared = this.sharedOf.get(crateId);
      const cands = [...(this.methods.get(`${crateId}|${call.method}`) ?? []), ...(shared ? this.methods.get(`${shared}|${call.method}`) ?? [] : [])];
      return cands.length === 1 ? cands : [];
    }
    for (const q of call.path ? this.qualifyPaths(crateId, call.path) : []) {
      let cur = q;
      for (let hop = 0; hop < MAX_ALIAS_HOPS && !this.fns.has(cur); hop++) {
        const next = this.aliases.get(cur);
        if (!next) break;
        cur = next;
      }
      if (this.fns.has(cur)) return [cur];
    }
    return [];
  }

  /**
   * The last segments of the qualified paths that resolve to `qualified`:
   * its own, and those of the re-exports and imports that lead to it
   * (remembered per target).
   */
  lastSegmentsNaming(qualified: string): ReadonlySet<string> {
    let names = this.namesOf.get(qualified);
    if (!names) {
      names = new Set([lastSegment(qualified)]);
      for (const from of this.aliases.keys()) if (this.resolveAlias(from) === qualified) names.add(lastSegment(from));
      this.namesOf.set(qualified, names);
    }
    return names;
  }

  /** Follows re-exports (`pub use`) from a qualified path to what it names. */
  resolveAlias(qualified: string): string {
    let cur = qualified;
    for (let hop = 0; hop < MAX_ALIAS_HOPS; hop++) {
      const next = this.aliases.get(cur);
      if (!next || next === cur) break;
      cur = next;
    }
    return cur;
  }

  /**
   * What a path may name from a crate, qualified: `qualifyPath`, and for a
   * target, a `crate::…` path in its dir's shared modules after its own.
   */
  qualifyPaths(crateId: string, path: string): string[] {
    const q = this.qualifyPath(crateId, path);
    if (!q) return [];
    const shared = path.startsWith('crate::') ? this.sharedOf.get(crateId) : undefined;
    return shared ? [q, qualify(shared, path)] : [q];
  }

  /** `crate::…` in a crate, or `other_crate::…` of a workspace crate. */
  qualifyPath(crateId: string, path: string): string | null {
    if (path.startsWith('crate::')) return qualify(crateId, path);
    const head = path.split('::')[0];
    const other = this.crates.get(head);
    return other !== undefined ? qualify(other, `crate${path.slice(head.length)}`) : null;
  }

  private propagate(files: GraphFile[]): void {
    const queue: string[] = [];
    const reach = (target: string, via: string, fromAsync: boolean) => {
      const fn = this.fns.get(target);
      if (!fn || fn.async || this.reached.has(target)) return;
      this.reached.set(target, { via, fromAsync });
      queue.push(target);
    };
    const crateOfKey = new Map<string, string>();
    for (const { crateId, summary } of files) {
      for (const fn of summary.fns) {
        const q = qualify(crateId, fn.key);
        crateOfKey.set(q, crateId);
        for (const c of fn.calls) if (c.async) for (const t of this.targets(crateId, c)) reach(t, q, true);
      }
    }
    while (queue.length) {
      const q = queue.shift()!;
      const fn = this.fns.get(q)!;
      const crateId = crateOfKey.get(q) ?? '';
      for (const c of fn.calls) if (!c.async) for (const t of this.targets(crateId, c)) reach(t, q, false);
    }
  }
}

export function qualify(crateId: string, path: string): string {
  return `${crateId}|${path}`;
}

/** The last segment of a path, qualified (`id|crate::a::f`) or not: `f`. */
export function lastSegment(p: string): string {
  const i = p.lastIndexOf('::');
  return i < 0 ? p.slice(p.indexOf('|') + 1) : p.slice(i + 2);
}

/** `crate::a::Type::f` → `Type::f`; `crate::a::f` → `f`. */
function display(qualifiedKey: string): string {
  const path = qualifiedKey.slice(qualifiedKey.indexOf('|') + 1).split('::');
  const last = path[path.length - 1];
  const prev = path[path.length - 2];
  return prev && /^[A-Z]/.test(prev) ? `${prev}::${last}` : last;
}
