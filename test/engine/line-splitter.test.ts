import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, LineTooLong } from '../../src/util/line-splitter.js';

const text = (xs: (string | LineTooLong)[]) => xs.map((x) => (x instanceof LineTooLong ? '<too long>' : x));

describe('LineSplitter', () => {
  it('gives every line of one chunk, in order, and keeps the unfinished one for the next', () => {
    const s = new LineSplitter(100);
    expect(s.push('a\nbb\n\nccc\ndd')).toEqual(['a', 'bb', '', 'ccc']);
    expect(s.pendingBytes).toBe(2);
    expect(s.push('d\n')).toEqual(['ddd']);
    expect(s.pendingBytes).toBe(0);
    expect(s.push('')).toEqual([]);
  });

  it("cuts '\\r\\n' and '\\n' alike, also when the '\\r' and the '\\n' come in different chunks", () => {
    const s = new LineSplitter(100);
    expect(s.push('a\r\nb\n')).toEqual(['a', 'b']);
    expect(s.push('c\r')).toEqual([]);
    expect(s.push('\nd\r\r\n')).toEqual(['c', 'd\r']);
  });

  it('decodes a UTF-8 character whose bytes are split across chunks', () => {
    const line = 'é€😀 ok';
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    // Every way of cutting the bytes in two, including inside each multi-byte character.
    for (let cut = 0; cut <= bytes.length; cut++) {
      const s = new LineSplitter(100);
      const got = [...s.push(bytes.subarray(0, cut)), ...s.push(bytes.subarray(cut))];
      expect(got).toEqual([line]);
    }
    // One byte at a time.
    const s = new LineSplitter(100);
    const got = [...bytes].flatMap((b) => s.push(Buffer.from([b])));
    expect(got).toEqual([line]);
  });

  it('accepts a line of exactly the cap and refuses one byte more, ended or not', () => {
    const cap = 8;
    // Exactly the cap, with either line end, in one chunk or cut before the end.
    expect(new LineSplitter(cap).push(`${'x'.repeat(cap)}\n`)).toEqual(['x'.repeat(cap)]);
    expect(new LineSplitter(cap).push(`${'x'.repeat(cap)}\r\n`)).toEqual(['x'.repeat(cap)]);
    const waiting = new LineSplitter(cap);
    expect(waiting.push(`${'x'.repeat(cap)}\r`)).toEqual([]); // the '\r' may be the line end's
    expect(waiting.push('\n')).toEqual(['x'.repeat(cap)]);
    // The cap counts bytes: four 2-byte characters fit in 8, a fifth does not.
    expect(new LineSplitter(cap).push('éééé\n')).toEqual(['éééé']);
    expect(text(new LineSplitter(cap).push('ééééé\n'))).toEqual(['<too long>']);
    // One over, with its newline in the same chunk.
    expect(text(new LineSplitter(cap).push(`a\n${'x'.repeat(cap + 1)}\nb\n`))).toEqual(['a', '<too long>', 'b']);
    // One over, no newline yet: refused at once, not when (if ever) the newline comes.
    const open = new LineSplitter(cap);
    expect(open.push('x'.repeat(cap))).toEqual([]);
    expect(text(open.push('x'))).toEqual(['<too long>']);
    expect(open.pendingBytes).toBe(0);
    // A '\r' followed by more is not a line end.
    const cr = new LineSplitter(cap);
    expect(cr.push(`${'x'.repeat(cap)}\r`)).toEqual([]);
    expect(text(cr.push('y'))).toEqual(['<too long>']);
  });

  it('holds nothing of an endless line past the cap, and goes on at the line after it', () => {
    const cap = 1024;
    const s = new LineSplitter(cap);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const seen: (string | LineTooLong)[] = [];
    for (let i = 0; i < 80; i++) {
      seen.push(...s.push(chunk)); // 5 MiB, no newline
      expect(s.pendingBytes).toBeLessThanOrEqual(cap);
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(LineTooLong);
    expect((seen[0] as LineTooLong).message).toBe('line over 1024 bytes');
    // Its end, then whole lines again.
    expect(s.push('xxx\nnext\nand')).toEqual(['next']);
    expect(s.end()).toBe('and');
  });

  it('end() gives the last line without a newline, once', () => {
    const s = new LineSplitter(100);
    expect(s.push('a\nlast\r')).toEqual(['a']);
    expect(s.end()).toBe('last');
    expect(s.end()).toBeUndefined();
  });

  it('pushBytes gives the bytes as sent, invalid UTF-8 included', () => {
    const s = new LineSplitter(100);
    const got = s.pushBytes(Buffer.from([0x61, 0xff, 0x0a, 0xc3]));
    expect(got).toEqual([Buffer.from([0x61, 0xff])]);
    expect(s.pushBytes(Buffer.from([0xa9, 0x0a]))).toEqual([Buffer.from('é')]);
  });

  it('any cutting of any text into chunks gives the lines split() gives', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }).map((l) => l.replace(/[\r\n]/g, ''))), fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
        const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const s = new LineSplitter(Number.POSITIVE_INFINITY);
        const got: (string | LineTooLong)[] = [];
        let from = 0;
        for (const c of [...at, bytes.length]) {
          got.push(...s.push(bytes.subarray(from, c)));
          from = c;
        }
        expect(got).toEqual(lines);
        expect(s.end()).toBeUndefined();
      }),
    );
  });

  it('any cutting, with a cap: each line over it is one LineTooLong in its place, the others whole', () => {
    const cap = 8;
    const line = fc.array(fc.constantFrom('a', 'é', '€', '😀', '\r'), { maxLength: 12 }).map((xs) => xs.join('').replace(/\r+$/, ''));
    fc.assert(
      fc.property(fc.array(line), fc.array(fc.nat(), { maxLength: 10 }), fc.boolean(), (lines, cuts, crlf) => {
        const bytes = Buffer.from(lines.map((l) => `${l}${crlf ? '\r\n' : '\n'}`).join(''), 'utf8');
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const s = new LineSplitter(cap);
        const got: (string | LineTooLong)[] = [];
        let from = 0;
        for (const c of [...at, bytes.length]) {
          got.push(...s.push(bytes.subarray(from, c)));
          from = c;
        }
        expect(text(got)).toEqual(lines.map((l) => (Buffer.byteLength(l) > cap ? '<too long>' : l)));
        expect(s.pendingBytes).toBe(0);
      }),
    );
  });
});
