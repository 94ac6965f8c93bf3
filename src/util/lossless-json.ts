// JSON that keeps numbers exactly as written, so a DECIMAL(21,19) in a test case or an output
// record is compared digit for digit rather than through a double.

export class JsonNumber {
  constructor(readonly text: string) {}
  toJSON(): number {
    return Number(this.text);
  }
}

export type Json = null | boolean | string | JsonNumber | Json[] | { [k: string]: Json };

/** `allowTrailing`: read the first value and ignore what follows, as Jackson's readTree does. */
/** Set a field of a plain object; `__proto__` is a key like any other (an own property, not the prototype). */
export function setField<V>(o: Record<string, V>, k: string, v: V): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

export function parseJson(text: string, opts: { allowTrailing?: boolean } = {}): Json {
  let i = 0;
  // Hot path (every record of every JSON topic): char codes and indexOf, no per-character strings.
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
      i++;
    }
  };
  let nextBackslash = -2;
  const fail = (what: string): never => {
    throw new SyntaxError(`Invalid JSON at ${i}: ${what}`);
  };
  const value = (): Json => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o: Record<string, Json> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected key');
        const k = str();
        ws();
        if (text[i++] !== ':') fail("expected ':'");
        setField(o, k, value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return o;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const a: Json[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) return ((i += 4), true);
    if (text.startsWith('false', i)) return ((i += 5), false);
    if (text.startsWith('null', i)) return ((i += 4), null);
    return number();
  };
  const isDigit = (at: number) => {
    const c = text.charCodeAt(at);
    return c >= 48 && c <= 57;
  };
  // -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? — a fraction or exponent without digits is not taken.
  const number = (): JsonNumber => {
    const start = i;
    if (text.charCodeAt(i) === 45) i++;
    if (!isDigit(i)) {
      i = start;
      return fail('unexpected character');
    }
    if (text.charCodeAt(i) === 48) i++;
    else while (isDigit(i)) i++;
    if (text.charCodeAt(i) === 46 && isDigit(i + 1)) {
      i += 2;
      while (isDigit(i)) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      const sign = text.charCodeAt(i + 1);
      const digitsAt = sign === 43 || sign === 45 ? i + 2 : i + 1;
      if (isDigit(digitsAt)) {
        i = digitsAt + 1;
        while (isDigit(i)) i++;
      }
    }
    return new JsonNumber(text.slice(start, i));
  };
  const str = (): string => {
    const start = i;
    i++;
    // No backslash before the closing quote: the string is the plain slice.
    const close = text.indexOf('"', i);
    if (close === -1) {
      i = text.length;
      fail('unterminated string');
    }
    if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = text.indexOf('\\', i);
    if (nextBackslash === -1 || nextBackslash > close) {
      i = close + 1;
      return text.slice(start + 1, close);
    }
    let out = '';
    let simple = true;
    for (;;) {
      const ch = text[i];
      if (ch === undefined) fail('unterminated string');
      if (ch === '"') break;
      if (ch === '\\') {
        simple = false;
        i += text[i + 1] === 'u' ? 6 : 2;
      } else i++;
    }
    out = simple ? text.slice(start + 1, i) : (JSON.parse(text.slice(start, i + 1)) as string);
    i++;
    return out;
  };
  const v = value();
  ws();
  if (i !== text.length && !opts.allowTrailing) fail('trailing characters');
  return v;
}

export function stringifyJson(v: Json): string {
  if (v instanceof JsonNumber) return v.text;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stringifyJson).join(',')}]`;
  let out = '{';
  for (const k in v) out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${stringifyJson(v[k]!)}`;
  return `${out}}`;
}

/**
 * Plain JS value (numbers as doubles) — for places that need ordinary JSON. With `exactIntegers`,
 * a whole number past 2^53 becomes a bigint instead (a BIGINT as the engine holds it).
 */
export function toPlain(v: Json, opts: { exactIntegers?: boolean } = {}): unknown {
  if (v instanceof JsonNumber) return opts.exactIntegers ? exactNumber(v.text) : Number(v.text);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => toPlain(x, opts));
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) setField(o, k, toPlain(x, opts));
  return o;
}

/** The JSON of a plain JS value, as JSON.stringify reads it, except that a bigint keeps its digits. */
export function fromPlain(v: unknown): Json | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? new JsonNumber(String(v)) : null;
  if (typeof v === 'bigint') return new JsonNumber(v.toString());
  if (typeof v !== 'object') return undefined;
  if (v instanceof JsonNumber) return v;
  const withJson = v as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return fromPlain(withJson.toJSON());
  if (Array.isArray(v)) return v.map((x) => fromPlain(x) ?? null);
  const o: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v)) {
    const j = fromPlain(x);
    if (j !== undefined) setField(o, k, j);
  }
  return o;
}

function exactNumber(text: string): number | bigint {
  const n = Number(text);
  if (Number.isSafeInteger(n) || /[.eE]/.test(text)) return n;
  return BigInt(text);
}

function normNumber(t: string): string {
  if (!/[.eE]/.test(t)) return BigInt(t).toString();
  const n = Number(t);
  // Digits beyond a double: compare as decimals with trailing zeros removed.
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(t);
  if (m && (m[2]! + (m[3] ?? '')).replace(/^0+/, '').length > 15) {
    const frac = (m[3] ?? '').replace(/0+$/, '');
    return `${m[1]}${m[2]!.replace(/^0+(?=\d)/, '')}${frac ? '.' + frac : ''}`;
  }
  return String(n);
}

/** Structural equality with numbers compared by value (1 = 1.0), as the QTT harness does. */
export function jsonEquals(a: Json, b: Json): boolean {
  if (a instanceof JsonNumber || b instanceof JsonNumber) {
    if (!(a instanceof JsonNumber && b instanceof JsonNumber)) return false;
    return normNumber(a.text) === normNumber(b.text);
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as Json[];
    return a.length === bb.length && a.every((x, i) => jsonEquals(x, bb[i]!));
  }
  const ao = a as Record<string, Json>;
  const bo = b as Record<string, Json>;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => k in bo && jsonEquals(ao[k]!, bo[k]!));
}
