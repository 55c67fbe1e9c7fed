/**
 * The one tree-sitter parser of a process (or worker thread), and the queries
 * compiled against the Rust grammar. Everything else asks here for trees.
 */
import Parser = require('tree-sitter');
// tree-sitter-rust has no type declarations of its own.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const Rust: unknown = require('tree-sitter-rust');

export type SyntaxNode = Parser.SyntaxNode;
export type Tree = Parser.Tree;

let parser: Parser | null = null;
const queries = new Map<string, Parser.Query>();

function getParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(Rust as Parser.Language);
  }
  return parser;
}

/** Parses Rust text. Large inputs need a larger buffer than the default. */
export function parse(text: string, oldTree?: Tree): Tree {
  const bufferSize = Math.max(32 * 1024, text.length * 2 + 16);
  return getParser().parse(text, oldTree, { bufferSize });
}

/** A query compiled once per process and reused for every file. */
export function query(source: string): Parser.Query {
  let q = queries.get(source);
  if (!q) {
    q = new Parser.Query(Rust as Parser.Language, source);
    queries.set(source, q);
  }
  return q;
}
