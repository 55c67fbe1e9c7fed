/**
 * A unified line diff (for `--diff`), small enough not to need a package:
 * common prefix and suffix trimmed, Myers' O(ND) on the rest (fixes are
 * local, so D is small), three lines of context. Line endings are part of
 * a line, so a CRLF file diffs as CRLF and applies with `git apply`.
 */

type Op = { kind: ' ' | '-' | '+'; line: string };

/** Beyond this many differing lines the middle is shown as replaced wholesale. */
const MAX_EDIT_DISTANCE = 4000;

export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return '';
  const ops = diffLines(splitLines(oldText), splitLines(newText));
  let out = `--- ${oldName}\n+++ ${newName}\n`;
  for (const hunk of hunks(ops, context)) out += hunk;
  return out;
}

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/(?<=\n)/);
  return lines;
}

function diffLines(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const midA = a.slice(pre, a.length - suf);
  const midB = b.slice(pre, b.length - suf);
  const ops: Op[] = a.slice(0, pre).map((line) => ({ kind: ' ', line }));
  ops.push(...(myers(midA, midB) ?? [...midA.map((line): Op => ({ kind: '-', line })), ...midB.map((line): Op => ({ kind: '+', line }))]));
  ops.push(...a.slice(a.length - suf).map((line): Op => ({ kind: ' ', line })));
  return ops;
}

/** Myers' shortest edit script; null when the edit distance is too large. */
function myers(a: string[], b: string[]): Op[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  if (max === 0) return [];
  const offset = max + 1;
  let v: Int32Array = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && d <= MAX_EDIT_DISTANCE; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    if (found) break;
  }
  if (!found) return null;
  // Walk the trace back from (n, m).
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    v = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x] });
      y--;
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ kind: '+', line: b[--y] });
    else ops.push({ kind: '-', line: a[--x] });
  }
  return ops.reverse();
}

function hunks(ops: Op[], context: number): string[] {
  const out: string[] = [];
  const changed = ops.map((o) => o.kind !== ' ');
  let i = 0;
  while (i < ops.length) {
    if (!changed[i]) {
      i++;
      continue;
    }
    // A hunk: from `context` lines before the first change to `context` after the last one that is close enough.
    const start = Math.max(0, i - context);
    let end = i;
    let j = i;
    while (j < ops.length) {
      if (changed[j]) {
        end = j;
        j++;
        continue;
      }
      if (j - end > 2 * context) break;
      j++;
    }
    const stop = Math.min(ops.length, end + context + 1);
    let oldLine = 0;
    let newLine = 0;
    for (let t = 0; t < start; t++) {
      if (ops[t].kind !== '+') oldLine++;
      if (ops[t].kind !== '-') newLine++;
    }
    let oldCount = 0;
    let newCount = 0;
    let body = '';
    for (let t = start; t < stop; t++) {
      const o = ops[t];
      if (o.kind !== '+') oldCount++;
      if (o.kind !== '-') newCount++;
      body += o.kind + o.line;
      if (!o.line.endsWith('\n')) body += '\n\\ No newline at end of file\n';
    }
    const range = (line: number, count: number) => `${count === 0 ? line : line + 1}${count === 1 ? '' : `,${count}`}`;
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@\n${body}`);
    i = stop;
  }
  return out;
}
