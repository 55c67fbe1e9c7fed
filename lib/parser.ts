/**
 * The one tree-sitter parser of a process (or worker thread), and the queries
 * compiled against the Rust grammar. Everything else asks here for trees.
 */
import type ParserType = require('tree-sitter');

// The tree-sitter bindings patch their native classes when first loaded and
// break when loaded twice in one process (as a test runner does per test
// file). The test environment loads them once and hands them over here.
const preloaded = (globalThis as { __rustokioTreeSitter?: { Parser: typeof ParserType; Rust: unknown } })
  .__rustokioTreeSitter;
const Parser: typeof ParserType = preloaded?.Parser ?? require('tree-sitter');
// tree-sitter-rust has no type declarations of its own.
const Rust: unknown = preloaded?.Rust ?? require('tree-sitter-rust');
type Parser = ParserType;

export type SyntaxNode = ParserType.SyntaxNode;
export type Tree = ParserType.Tree;

let parser: Parser | null = null;
const queries = new Map<string, ParserType.Query>();

function getParser(): Parser {
  if (!parser) {
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
    q = new Parser.Query(Rust as ParserType.Language, source);
    queries.set(source, q);
  }
  return q;
}
