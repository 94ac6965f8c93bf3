// Text ↔ bytes as the JVM does it, for ENCODE, TO_BYTES and FROM_BYTES: Java replaces what a
// charset cannot hold ('?' when encoding, U+FFFD when decoding) where Node would mangle or drop
// it, and ksqlDB's two hex codecs differ in case (FROM_BYTES upper, ENCODE lower) and in strictness.

export type JavaEncoding = 'hex' | 'utf8' | 'ascii' | 'base64';

const QUESTION = 0x3f;

/** String.getBytes(US_ASCII): every code point past 0x7F (a surrogate pair counts once) is '?'. */
function asciiBytes(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) out.push(ch.codePointAt(0)! > 0x7f ? QUESTION : ch.codePointAt(0)!);
  return Buffer.from(out);
}

/** String.getBytes(UTF_8): a lone surrogate is '?', not Node's U+FFFD. */
function utf8Bytes(text: string): Buffer {
  if (!/[\uD800-\uDFFF]/.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    parts.push(cp >= 0xd800 && cp <= 0xdfff ? Buffer.from([QUESTION]) : Buffer.from(ch, 'utf8'));
  }
  return Buffer.concat(parts);
}

/** new String(bytes, US_ASCII): a byte past 0x7F decodes to U+FFFD. */
function asciiText(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b > 0x7f ? '\uFFFD' : String.fromCharCode(b);
  return s;
}

/** Strict hex (Node's decoder stops silently at the first bad digit); `oddMessage`/`badMessage` say why in the codec's words. */
function hexBytes(text: string, oddMessage: string, badMessage: (ch: string, index: number) => string): Buffer {
  if (text.length % 2 !== 0) throw new Error(oddMessage);
  const bad = /[^0-9a-fA-F]/.exec(text);
  if (bad) throw new Error(badMessage(bad[0], bad.index));
  return Buffer.from(text, 'hex');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** TO_BYTES: ksqlDB's BytesUtils (javax hexBinary, java.util.Base64's strict decoder). */
export function javaBytes(text: string, enc: JavaEncoding): Buffer {
  switch (enc) {
    case 'hex':
      return hexBytes(text, `hexBinary needs to be even-length: ${text}`, () => `contains illegal character for hexBinary: ${text}`);
    case 'utf8':
      return utf8Bytes(text);
    case 'ascii':
      return asciiBytes(text);
    case 'base64':
      if (!BASE64.test(text) || text.replace(/=+$/, '').length % 4 === 1) throw new Error(`Illegal base64 character in: ${text}`);
      return Buffer.from(text, 'base64');
  }
}

/** FROM_BYTES: hex in upper case (printHexBinary), ASCII's high bytes as U+FFFD. */
export function javaText(bytes: Uint8Array, enc: JavaEncoding): string {
  const b = Buffer.from(bytes);
  switch (enc) {
    case 'hex':
      return b.toString('hex').toUpperCase();
    case 'utf8':
      return b.toString('utf8');
    case 'ascii':
      return asciiText(b);
    case 'base64':
      return b.toString('base64');
  }
}

/** ENCODE's hex input may be written 0xAB or X'AB'; an odd 0x form gains a leading zero (ksqlDB's hexStrip). */
function stripHex(text: string): string {
  if (text.startsWith('0x')) return text.length % 2 !== 0 ? `0${text.slice(2)}` : text.slice(2);
  if (/^[xX]'.*'$/s.test(text)) return text.slice(2, -1);
  return text;
}

/** ENCODE(text, from, to): commons-codec's lower-case, strict hex and lenient base64; from and to must differ. */
export function encodeText(text: string, from: string, to: string): string {
  const f = from.toLowerCase();
  const t = to.toLowerCase();
  const known = ['hex', 'utf8', 'ascii', 'base64'];
  if (!known.includes(f) || !known.includes(t) || f === t) throw new Error('Supported input and output encodings are: hex, utf8, ascii and base64');
  const bytes =
    f === 'hex'
      ? hexBytes(stripHex(text), 'Odd number of characters.', (ch, i) => `Illegal hexadecimal character ${ch} at index ${i}`)
      : f === 'base64'
        ? Buffer.from(text, 'base64')
        : f === 'ascii'
          ? asciiBytes(text)
          : utf8Bytes(text);
  return t === 'hex' ? bytes.toString('hex') : t === 'base64' ? bytes.toString('base64') : t === 'ascii' ? asciiText(bytes) : bytes.toString('utf8');
}
