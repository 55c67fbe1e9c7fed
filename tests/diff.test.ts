/** The unified diff behind --diff: literal inputs, literal hunks. */
import { unifiedDiff } from '../lib/diff';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');

describe('unifiedDiff', () => {
  test('equal texts: no diff', () => {
    expect(unifiedDiff('a\n', 'a\n', 'a/x', 'b/x')).toBe('');
  });

  test('changes far apart make two hunks with three lines of context', () => {
    const before = lines(20);
    const after = before.replace('line 2\n', 'line two\n').replace('line 18\n', 'line 18\nextra\n');
    expect(unifiedDiff(before, after, 'a/x.rs', 'b/x.rs')).toBe(
      [
        '--- a/x.rs',
        '+++ b/x.rs',
        '@@ -1,5 +1,5 @@',
        ' line 1',
        '-line 2',
        '+line two',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ -16,5 +16,6 @@',
        ' line 16',
        ' line 17',
        ' line 18',
        '+extra',
        ' line 19',
        ' line 20',
        '',
      ].join('\n'),
    );
  });

  test('changes close together share a hunk', () => {
    const before = lines(10);
    const after = before.replace('line 3\n', 'THREE\n').replace('line 8\n', 'EIGHT\n');
    expect(unifiedDiff(before, after, 'a/x', 'b/x').split('\n').filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,10 +1,10 @@']);
  });

  test('a last line without a newline is marked; CRLF is kept', () => {
    expect(unifiedDiff('a\r\nb', 'a\r\nc', 'a/x', 'b/x')).toBe(
      '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\r\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n',
    );
  });

  test('from and to an empty file', () => {
    expect(unifiedDiff('', 'x\n', 'a/f', 'b/f')).toBe('--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n');
    expect(unifiedDiff('x\n', '', 'a/f', 'b/f')).toBe('--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-x\n');
  });
});
