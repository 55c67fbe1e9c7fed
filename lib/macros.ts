/**
 * Macro lowering. tree-sitter leaves a macro call's arguments as an unparsed
 * token tree. For the well-known macros of SPEC §2 we rewrite the text of the
 * call, keeping every character's offset, into plain Rust expressions, and
 * parse that text once more. Rules then see the arguments as ordinary nodes,
 * at their real positions, in their real scope and execution context:
 *
 *   println!("{}", rx.recv())      ->  println ("{}", rx.recv())
 *   vec![a, b]                     ->       [a, b]
 *   tokio::select! {               ->                 {
 *       Some(v) = rx.recv() => b,  ->      _        = rx.recv();  b;
 *       else => c,                 ->           ;  c;
 *   }                              ->  }
 *
 * Fixes are built from the original text by offset, so the rewrite never
 * leaks into output. A rewrite that does not parse is dropped.
 */
import { parse, SyntaxNode, Tree } from './parser';
import { collectErrors, lineIndexOf, lineStarts, Range } from './source';
import { INTERESTING_WORDS } from './paths';
import { bracketPairsOf, codeWithOffsets } from './prefilter';

const CALL_LIKE = new Set([
  'println', 'print', 'eprintln', 'eprint', 'format', 'format_args', 'write', 'writeln',
  'panic', 'todo', 'unimplemented', 'unreachable',
  'assert', 'assert_eq', 'assert_ne', 'debug_assert', 'debug_assert_eq', 'debug_assert_ne',
  'vec', 'join', 'try_join',
]);
const SELECT_LIKE = new Set(['select', 'select_biased']);
const ALWAYS = new Set(['join', 'try_join', 'select', 'select_biased']);
/**
 * Macros nested deeper than this inside one another are not lowered (their
 * arguments stay token trees): lowering recurses once per level, and deep
 * input must not exhaust the stack (SPEC §11).
 */
const MAX_NESTING = 64;
let nesting = 0;

interface Edit extends Range {
  text: string;
}

/** Returns the tree rules should see: lowered when any macro was rewritten. */
export function lowerMacros(text: string, tree: Tree): Tree {
  if (!text.includes('!')) return tree;
  const invocations = wellKnownInvocations(text, tree);
  if (invocations.length === 0) return tree;
  let groups: Edit[][] = [];
  for (const inv of invocations) {
    const macro = inv.childForFieldName('macro');
    const bang = macro?.nextSibling;
    const args = bang?.nextSibling;
    if (!macro || !bang || !args || args.type !== 'token_tree') continue;
    const edits: Edit[] = [];
    lowerCall(text, macro.startIndex, lastSegment(macro), bang, args, edits);
    if (edits.length) groups.push(edits);
  }
  const originalErrors = collectErrors(tree).length;
  for (let attempt = 0; attempt < 3 && groups.length; attempt++) {
    const edits = groups.flat();
    const lowered = applyEdits(text, edits);
    const loweredTree = reparse(text, tree, edits, lowered);
    const errors = collectErrors(loweredTree);
    if (errors.length <= originalErrors) return loweredTree;
    // Drop every macro whose rewrite holds a new error, then try again.
    groups = groups.filter((g) => {
      const start = g[0].start;
      const end = g[g.length - 1].end;
      return !errors.some((e) => e.start < end && start < e.end);
    });
  }
  return tree;
}

const WELL_KNOWN = new RegExp(`(?<![A-Za-z0-9_\\u00a1-\\uffff])(?:${[...CALL_LIKE, ...SELECT_LIKE].join('|')})\\s*!`, 'g');

/**
 * The calls of well-known macros outside token trees (those inside are
 * lowered with the call around them), found by name in the text: each hit is
 * taken to its node, not every node of the file visited. Hits in comments
 * and strings, and calls that `lowerCall` would leave as they are (a
 * call-like macro whose arguments hold no INTERESTING_WORDS: most of a
 * file's `assert_eq!`s), are passed by on the text alone.
 */
function wellKnownInvocations(text: string, tree: Tree): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  let last = -1;
  // The code with comments and literals blanked, offsets kept, and its bracket pairs (null: not
  // lexed, or brackets that do not match; every hit is looked at then).
  let code: string | null | undefined;
  let pairs: Map<number, number> | null = null;
  for (const m of text.matchAll(WELL_KNOWN)) {
    if (code === undefined) {
      code = codeWithOffsets(text);
      pairs = bracketPairsOf(text);
    }
    if (code !== null) {
      if (code.charCodeAt(m.index!) === SPACE) continue;
      const name = m[0].slice(0, -1).trimEnd();
      if (!ALWAYS.has(name) && pairs) {
        // The arguments: the bracketed group right after the `!`.
        let open = m.index! + m[0].length;
        while (open < code.length && /\s/.test(code[open])) open++;
        const close = pairs.get(open);
        if (close !== undefined && !INTERESTING_WORDS.test(text.slice(open, close + 1))) continue;
      }
    }
    // The smallest node holding both the name and its `!` is the invocation (`a::name!` too: the
    // path ends before the `!`); inside a token tree it is the token tree. No walk up from the name.
    const inv = tree.rootNode.descendantForIndex(m.index!, m.index! + m[0].length);
    if (inv.type !== 'macro_invocation' || inv.startIndex <= last) continue;
    const macro = inv.childForFieldName('macro');
    const name = macro?.type === 'scoped_identifier' ? macro.childForFieldName('name') : macro;
    if (name?.startIndex !== m.index) continue;
    last = inv.startIndex;
    out.push(inv);
  }
  return out;
}

const SPACE = 32;

function lastSegment(macro: SyntaxNode): string {
  if (macro.type === 'scoped_identifier') return macro.childForFieldName('name')?.text ?? '';
  return macro.text;
}

function blank(node: { startIndex: number; endIndex: number }, edits: Edit[], keep = ''): void {
  const len = node.endIndex - node.startIndex;
  edits.push({ start: node.startIndex, end: node.endIndex, text: keep.padEnd(len, ' ') });
}

function lowerCall(
  text: string,
  pathStart: number,
  name: string,
  bang: SyntaxNode,
  args: SyntaxNode,
  edits: Edit[],
): void {
  if (nesting >= MAX_NESTING) return;
  nesting++;
  try {
    lowerCallIn(text, pathStart, name, bang, args, edits);
  } finally {
    nesting--;
  }
}

function lowerCallIn(text: string, pathStart: number, name: string, bang: SyntaxNode, args: SyntaxNode, edits: Edit[]): void {
  const open = args.firstChild?.type;
  if (SELECT_LIKE.has(name) && open === '{') {
    blank({ startIndex: pathStart, endIndex: bang.endIndex }, edits);
    lowerSelect(text, args, edits);
  } else if (CALL_LIKE.has(name) && (open === '(' || open === '[')) {
    if (!ALWAYS.has(name) && !INTERESTING_WORDS.test(text.slice(args.startIndex, args.endIndex))) return;
    if (open === '(') blank(bang, edits);
    else blank({ startIndex: pathStart, endIndex: bang.endIndex }, edits);
    lowerNested(text, args, edits);
  }
}

/** Lowers well-known macros written inside another macro's token tree. */
function lowerNested(text: string, tokenTree: SyntaxNode, edits: Edit[]): void {
  const stack: SyntaxNode[] = [tokenTree];
  while (stack.length) {
    const tt = stack.pop()!;
    const kids = tt.children;
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if (k.type === 'token_tree') {
        const prev = kids[i - 1];
        const prev2 = kids[i - 2];
        if (prev?.type === '!' && prev2?.type === 'identifier') {
          let start = prev2.startIndex;
          for (let j = i - 3; j >= 1 && kids[j].type === '::' && kids[j - 1].type === 'identifier'; j -= 2) {
            start = kids[j - 1].startIndex;
          }
          const before = edits.length;
          lowerCall(text, start, prev2.text, prev, k, edits);
          if (edits.length > before) continue;
        }
        stack.push(k);
      }
    }
  }
}

/**
 * `select!` branches are `pattern = future [, if cond] => body [,]`; we keep
 * the future and the body as statements (`_ = future; body;`).
 */
function lowerSelect(text: string, args: SyntaxNode, edits: Edit[]): void {
  const kids = args.children.slice(1, -1);
  let branchStart = 0;
  let seenEq = false;
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i];
    if (k.type === ';') {
      branchStart = i + 1; // after `biased;`
      continue;
    }
    if (k.type === '=' && i > branchStart && !seenEq) {
      seenEq = true;
      // Pattern tokens become `_` and blanks.
      blank({ startIndex: kids[branchStart].startIndex, endIndex: kids[i - 1].endIndex }, edits, '_');
    } else if (k.type === ',' && kids[i + 1]?.type === 'if') {
      edits.push({ start: k.startIndex, end: k.endIndex, text: ';' });
      blank(kids[i + 1], edits);
      i++;
    } else if (k.type === '=>') {
      if (i === branchStart + 1 && kids[branchStart].type === 'identifier' && kids[branchStart].text !== '_') {
        blank(kids[branchStart], edits); // `else`, `complete`, `default`
      } else if (i === branchStart + 1 && kids[branchStart].type === 'else') {
        blank(kids[branchStart], edits);
      }
      edits.push({ start: k.startIndex, end: k.endIndex, text: '; ' });
      // The body runs to the next top-level comma, or is one token tree.
      let j = i + 1;
      if (kids[j]?.type === 'token_tree' && kids[j].firstChild?.type === '{') {
        lowerNested(text, kids[j], edits);
        j++;
        if (kids[j]?.type === ',') edits.push({ start: kids[j].startIndex, end: kids[j].endIndex, text: ' ' });
        else j--;
      } else {
        while (j < kids.length && kids[j].type !== ',') j++;
        if (j < kids.length) edits.push({ start: kids[j].startIndex, end: kids[j].endIndex, text: ';' });
        const bodyEnd = j;
        for (let b = i + 1; b < bodyEnd; b++) if (kids[b].type === 'token_tree') lowerNested(text, kids[b], edits);
      }
      i = j;
      branchStart = j + 1;
      seenEq = false;
    } else if (k.type === 'token_tree' && i > branchStart) {
      // Tokens of the future expression: nested macros inside it.
      lowerNested(text, k, edits);
    }
  }
}

/**
 * The tree of `lowered` (the text with `edits` applied), parsed
 * incrementally: a copy of `tree` (a re-parse of the same text, which
 * tree-sitter answers from the old tree at a few percent of a parse) is told
 * of each edit and re-parsed, so only the macro calls are parsed again.
 */
function reparse(text: string, tree: Tree, edits: Edit[], lowered: string): Tree {
  const copy = parse(text, tree);
  // Tree-sitter's points: rows counted by `\n` only.
  const starts = lineStarts(text, false);
  const point = (index: number) => {
    const row = lineIndexOf(starts, index);
    return { row, column: index - starts[row] };
  };
  // Last edit first: each edit's points are then those of the original text before it.
  for (const e of applied(edits).reverse()) {
    const start = point(e.start);
    const newEnd = e.start + e.text.length;
    const nl = e.text.lastIndexOf('\n');
    const rows = e.text.split('\n').length - 1;
    copy.edit({
      startIndex: e.start,
      oldEndIndex: e.end,
      newEndIndex: newEnd,
      startPosition: start,
      oldEndPosition: point(e.end),
      newEndPosition: nl === -1 ? { row: start.row, column: start.column + e.text.length } : { row: start.row + rows, column: e.text.length - nl - 1 },
    });
  }
  return parse(lowered, copy);
}

/** The edits applyEdits applies: by start, each after the one before it. */
function applied(edits: Edit[]): Edit[] {
  const out: Edit[] = [];
  let pos = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    if (e.start < pos) continue;
    out.push(e);
    pos = e.end;
  }
  return out;
}

export function applyEdits(text: string, edits: Edit[]): string {
  let out = '';
  let pos = 0;
  for (const e of applied(edits)) {
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}
