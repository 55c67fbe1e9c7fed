import { SourceFile } from '../../lib/source';

describe('SourceFile', () => {
  it('maps offsets to 1-based lines and UTF-16 columns after emoji and CJK text', () => {
    const code = 'fn f() { let s = "é😀漢字"; g(); }\n';
    const src = new SourceFile('a.rs', code);
    const call = src.root.descendantsOfType('call_expression')[0];
    expect(call.startIndex).toBe(code.indexOf('g()'));
    expect(src.positionAt(call.startIndex)).toEqual({ line: 1, column: code.indexOf('g()') + 1 });
  });

  it('counts CRLF and lone CR as line ends', () => {
    const src = new SourceFile('a.rs', 'fn a() {}\r\nfn b() {}\rfn c() {}');
    expect(src.eol).toBe('\r\n');
    expect(src.positionAt(src.text.indexOf('fn b'))).toEqual({ line: 2, column: 1 });
    expect(src.positionAt(src.text.indexOf('fn c'))).toEqual({ line: 3, column: 1 });
    expect(src.offsetAt({ line: 2, column: 4 })).toBe(src.text.indexOf('b()'));
  });

  it('strips a BOM from the text and puts it back for writing', () => {
    const src = new SourceFile('a.rs', '\uFEFFfn a() {}');
    expect(src.hasBOM).toBe(true);
    expect(src.text).toBe('fn a() {}');
    expect(src.withBOM('x')).toBe('\uFEFFx');
    expect(src.positionAt(0)).toEqual({ line: 1, column: 1 });
  });

  it('detects the indentation unit', () => {
    expect(new SourceFile('a.rs', 'fn a() {\n\tlet x = 1;\n\tif x {\n\t\tg();\n\t}\n}').indentUnit()).toBe('\t');
    expect(new SourceFile('a.rs', 'fn a() {\n  let x = 1;\n  if x {\n    g();\n  }\n}').indentUnit()).toBe('  ');
    expect(new SourceFile('a.rs', 'fn a() {\n    let x = 1;\n    if x {\n        g();\n    }\n}').indentUnit()).toBe('    ');
  });

  it('finds syntax errors without recursion, even deeply nested', () => {
    const deep = 'fn a() { let x = ' + '('.repeat(20000) + '1' + ')'.repeat(20000) + '; }';
    const ok = new SourceFile('a.rs', deep);
    expect(ok.syntaxErrors().length).toBe(0);
    const broken = new SourceFile('a.rs', 'fn a() { let x = ; }');
    expect(broken.syntaxErrors().length).toBeGreaterThan(0);
    expect(broken.touchesSyntaxError(broken.text.indexOf('='), broken.text.indexOf(';'))).toBe(true);
    expect(broken.touchesSyntaxError(0, 2)).toBe(false);
  });
});
