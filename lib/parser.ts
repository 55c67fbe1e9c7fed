/**
 * The one tree-sitter parser of a process (or worker thread), and the queries
 * compiled against the Rust grammar. Everything else asks here for trees.
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
  }
  return bindings;
}
type Parser = ParserType;

export type SyntaxNode = ParserType.SyntaxNode;
export type Tree = ParserType.Tree;

let parser: Parser | null = null;
const queries = new Map<string, ParserType.Query>();

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

/** A query compiled once per process and reused for every file. */
export function query(source: string): ParserType.Query {
  let q = queries.get(source);
  if (!q) {
    const { Parser, Rust } = treeSitter();
    q = new Parser.Query(Rust as ParserType.Language, source);
    queries.set(source, q);
  }
  return q;
}
