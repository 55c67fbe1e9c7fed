/**
 * The one tree-sitter parser of a process (or worker thread). Everything
 * else asks here for trees. No queries: a native walk for node types
 * (descendantsOfType) takes half their time and compiles nothing (a query
 * costs 7-12 ms to compile in a new process).
 */
import type ParserType = require('tree-sitter');

// The tree-sitter bindings patch their native classes when first loaded and
// break when loaded twice in one process (as a test runner does per test
// file). The test environment loads them once and hands them over here.
// Otherwise they load on the first parse: a run that parses nothing (every
// file skipped by the prefilter) never loads them.
let bindings: { Parser: typeof ParserType; Rust: unknown } | null = null;
function treeSitter(): { Parser: typeof ParserType; Rust: unknown } {
  if (!bindings) {
    const preloaded = (globalThis as { __rustokioTreeSitter?: { Parser: typeof ParserType; Rust: unknown } }).__rustokioTreeSitter;
    // tree-sitter-rust has no type declarations of its own.
    bindings = preloaded ?? { Parser: require('tree-sitter'), Rust: require('tree-sitter-rust') };
    rememberParents(bindings.Parser);
    readFieldsInJs(bindings.Parser, bindings.Rust);
  }
  return bindings;
}

/** The prototype of the binding's node objects (its getters are patched here). */
function nodePrototype(P: typeof ParserType): object | undefined {
  return (P as unknown as { SyntaxNode?: { prototype: object } }).SyntaxNode?.prototype;
}

/**
 * The binding's own getter that readFieldsInJs replaced (for tests; kept on
 * the replacement, as the prototype is patched once per process); undefined
 * when the getter was not replaced.
 */
export function nativeGetter(name: 'id' | 'startIndex' | 'type'): ((this: SyntaxNode) => unknown) | undefined {
  const proto = nodePrototype(treeSitter().Parser);
  const get = proto && Object.getOwnPropertyDescriptor(proto, name)?.get;
  return (get as { native?: (this: SyntaxNode) => unknown } | undefined)?.native;
}

/**
 * A node's `id`, `startIndex` and `type` are asked for all the time (memo
 * keys, positions, dispatch), and each is a native call. The node object
 * holds the first two in its fields — the binding's transfer layout: id
 * (low, high), start byte (of the UTF-16 text), start row, start column,
 * alias — so they are read there, when a parse of a sample shows the layout
 * is the one expected (another version of the binding keeps the native
 * getters); the type is kept per node object.
 */
function readFieldsInJs(P: typeof ParserType, language: unknown): void {
  const proto = nodePrototype(P);
  const nativeId = proto && Object.getOwnPropertyDescriptor(proto, 'id')?.get;
  const nativeStart = proto && Object.getOwnPropertyDescriptor(proto, 'startIndex')?.get;
  // Replaced already (a replacement keeps the getter it replaced).
  if (!proto || !nativeId || !nativeStart || 'native' in nativeId) return;
  type Fields = SyntaxNode & Record<number, number>;
  const id = function (this: Fields): number {
    return this[0] + this[1] * 4294967296;
  };
  const startIndex = function (this: Fields): number {
    return this[2] / 2;
  };
  const parser = new P();
  parser.setLanguage(language as ParserType.Language);
  const tree = parser.parse('// é\nfn été() -> u8 {\n    let s = "ü𝄞"; f(s, |x| x)\n}\nstruct S;\n');
  const cursor = tree.walk();
  let nodes = 0;
  walk: for (;;) {
    const n = cursor.currentNode as Fields;
    if (id.call(n) !== nativeId.call(n) || startIndex.call(n) !== nativeStart.call(n)) return;
    nodes++;
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) break walk;
  }
  if (nodes < 20) return;
  Object.assign(id, { native: nativeId });
  Object.assign(startIndex, { native: nativeStart });
  Object.defineProperty(proto, 'id', { get: id, configurable: true, enumerable: false });
  // A node's type never changes: asked once per node object (the binding reuses a node's object).
  const nativeType = Object.getOwnPropertyDescriptor(proto, 'type')?.get;
  if (nativeType) {
    const type = function (this: SyntaxNode & { typeMemo?: string }): string {
      return (this.typeMemo ??= nativeType.call(this) as string);
    };
    Object.assign(type, { native: nativeType });
    Object.defineProperty(proto, 'type', { get: type, configurable: true, enumerable: false });
  }
  Object.defineProperty(proto, 'startIndex', { get: startIndex, configurable: true, enumerable: false });
}

/**
 * `node.parent` in tree-sitter walks down from the root each time (nodes
 * hold no parent pointer), so walking up from a node at depth d costs d².
 * Rules walk up all the time (contexts, scopes), and deep input (10,000
 * nested blocks) made that minutes. Here a node's ancestor chain is found by
 * descending with a cursor — from the deepest node of the last chain found
 * that holds it (rules look at nodes in document order, so that is close) —
 * and every parent on it is remembered per tree: walks up are linear, and
 * repeated ones free.
 */
function rememberParents(P: typeof ParserType): void {
  const proto = nodePrototype(P);
  const native = proto && Object.getOwnPropertyDescriptor(proto, 'parent')?.get;
  if (!proto || !native || (native as { remembered?: boolean }).remembered) return;
  const memo = new WeakMap<Tree, { parents: Map<number, SyntaxNode | null>; chain: Link[] }>();
  const get = function (this: SyntaxNode): SyntaxNode | null {
    let m = memo.get(this.tree);
    if (!m) memo.set(this.tree, (m = { parents: new Map(), chain: [] }));
    const id = this.id;
    const hit = m.parents.get(id);
    if (hit !== undefined) return hit;
    const found = ancestorsOf(this, m.chain);
    if (!found) {
      const p = native.call(this) as SyntaxNode | null;
      m.parents.set(id, p);
      return p;
    }
    const { chain, from } = found;
    m.chain = chain;
    // The links up to `from` were recorded with the chain they came from.
    for (let i = Math.max(1, from); i < chain.length; i++) m.parents.set(chain[i].node.id, chain[i - 1].node);
    const p = chain.length > 1 ? chain[chain.length - 2].node : null;
    m.parents.set(id, p);
    return p;
  };
  (get as { remembered?: boolean }).remembered = true;
  Object.defineProperty(proto, 'parent', { get, configurable: true, enumerable: false });
}

interface Link {
  node: SyntaxNode;
  start: number;
  end: number;
}

/**
 * The chain root → … → `node`, found by descending with a cursor from the
 * deepest node of `last` (a chain found before) that strictly contains it,
 * and the index of its first new link; null when unsure (zero-width nodes).
 */
function ancestorsOf(node: SyntaxNode, last: Link[]): { chain: Link[]; from: number } | null {
  const start = node.startIndex;
  const end = node.endIndex;
  if (end <= start) return null;
  const id = node.id;
  // The deepest link strictly containing the node (containment shrinks down a chain).
  let lo = -1;
  let hi = last.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const l = last[mid];
    if (l.start <= start && end <= l.end && (l.start !== start || l.end !== end)) lo = mid;
    else hi = mid - 1;
  }
  let chain: Link[];
  let cursor: ParserType.TreeCursor;
  let from: number;
  if (lo >= 0) {
    // The rest of `last` is not ours: cut it off (no copy of a deep chain).
    chain = last;
    chain.length = lo + 1;
    from = lo + 1;
    cursor = last[lo].node.walk();
  } else {
    const root = node.tree.rootNode;
    chain = [{ node: root, start: root.startIndex, end: root.endIndex }];
    from = 0;
    if (root.id === id) return { chain, from };
    cursor = node.tree.walk();
  }
  for (;;) {
    // The child that holds `start` (siblings do not overlap); tree-sitter finds it natively.
    if (cursor.gotoFirstChildForIndex(start) == null) return null;
    const s = cursor.startIndex;
    const e = cursor.endIndex;
    if (!(s <= start && end <= e && e > s)) return null;
    const current = cursor.currentNode;
    chain.push({ node: current, start: s, end: e });
    if (s === start && e === end && current.id === id) return { chain, from };
  }
}
type Parser = ParserType;

/**
 * The children of `node` of these types, in order — found with a cursor, so
 * that only they become node objects (`namedChildren` makes one of every
 * child: a file's top level or a long block is hundreds).
 */
export function childrenOfTypes(node: SyntaxNode, types: ReadonlySet<string>): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const cursor = node.walk();
  if (!cursor.gotoFirstChild()) return out;
  do {
    if (types.has(cursor.nodeType)) out.push(cursor.currentNode);
  } while (cursor.gotoNextSibling());
  return out;
}

export type SyntaxNode = ParserType.SyntaxNode;
export type Tree = ParserType.Tree;

let parser: Parser | null = null;

function getParser(): Parser {
  if (!parser) {
    const { Parser, Rust } = treeSitter();
    parser = new Parser();
    parser.setLanguage(Rust as ParserType.Language);
  }
  return parser;
}

/** Parses Rust text. Large inputs need a larger buffer than the default. */
export function parse(text: string, oldTree?: Tree): Tree {
  const bufferSize = Math.max(32 * 1024, text.length * 2 + 16);
  return getParser().parse(text, oldTree, { bufferSize });
}

