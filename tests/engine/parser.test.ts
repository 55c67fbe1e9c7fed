/**
 * lib/parser.ts reads a node's id and start offset from the node object's
 * fields instead of a native call each, and keeps its type per object: on every node of real files (and of
 * broken and non-ASCII text), the values equal the binding's own getters.
 */
import * as fs from 'fs';
import * as path from 'path';
import { nativeGetter, parse, SyntaxNode } from '../../lib/parser';
import { rustFiles } from '../helpers';

describe('node fields read in JS', () => {
  it('give the id, start offset and type the binding gives, on every node', () => {
    const texts = [
      ...rustFiles(path.join(__dirname, '..', 'fixtures')).map((f) => fs.readFileSync(f, 'utf8')),
      ...rustFiles(path.join(__dirname, '..', '..', 'examples')).map((f) => fs.readFileSync(f, 'utf8')),
      'fn é() { let 𝄞 = "ü"; f(𝄞, |x| x) }\n',
      'fn broken( { let x = ;\n',
    ];
    const id = nativeGetter('id')!;
    const startIndex = nativeGetter('startIndex')!;
    const type = nativeGetter('type')!;
    expect([id, startIndex, type].every((g) => typeof g === 'function')).toBe(true);
    let nodes = 0;
    const ids = new Set<number>();
    for (const text of texts) {
      const cursor = parse(text).walk();
      walk: for (;;) {
        const n: SyntaxNode = cursor.currentNode;
        expect(n.id).toBe(id.call(n));
        expect(n.startIndex).toBe(startIndex.call(n));
        expect(n.type).toBe(type.call(n));
        expect(n.type).toBe(type.call(n));
        ids.add(n.id);
        nodes++;
        if (cursor.gotoFirstChild()) continue;
        while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) break walk;
      }
    }
    expect(nodes).toBeGreaterThan(10000);
    expect(ids.size).toBeGreaterThan(1000);
  });
});
