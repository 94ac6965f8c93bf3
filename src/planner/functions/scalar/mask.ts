// MASK and its left/right variants, as ksqlDB's masker works: each UTF-16 position is classed by
// the Unicode general category of the code point that starts there (upper-case letter, lower-case
// letter, decimal digit, anything else) and replaced by that class's mask character. A mask given
// as NULL leaves its class unmasked; one that is not a single character is an error. A negative
// count of characters is an error, as in ksqlDB (function mask_left requires …).

import { T } from '../../../parser/sql-type.js';
import type { Value } from '../../values.js';
import { P, scalar, type Overload } from '../define.js';
import type { ScalarFunction } from '../types.js';

interface Masks {
  readonly upper: string | null;
  readonly lower: string | null;
  readonly digit: string | null;
  readonly other: string | null;
}

const DEFAULT: Masks = { upper: 'X', lower: 'x', digit: 'n', other: '-' };

function maskChar(m: unknown): string | null {
  if (m === null || m === undefined) return null;
  const s = m as string;
  if (s.length !== 1) throw new Error(`Invalid mask character. Must be only single character, but was '${s}'`);
  return s;
}

function masksOf(a: readonly unknown[], from: number): Masks {
  return { upper: maskChar(a[from]), lower: maskChar(a[from + 1]), digit: maskChar(a[from + 2]), other: maskChar(a[from + 3]) };
}

const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;
const DIGIT = /^\p{Nd}$/u;

/** Masks every UTF-16 position (a supplementary character's second half counts as "other", as in Java's loop). */
export function maskText(input: string, m: Masks = DEFAULT): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const cp = input.codePointAt(i)!;
    const c = String.fromCodePoint(cp);
    const mask = UPPER.test(c) ? m.upper : LOWER.test(c) ? m.lower : DIGIT.test(c) ? m.digit : m.other;
    out += mask ?? c;
  }
  return out;
}

type Part = (input: string, count: number, m: Masks) => string;

const parts: Record<string, Part> = {
  MASK_LEFT: (s, k, m) => maskText(s.slice(0, Math.min(k, s.length)), m) + s.slice(Math.min(k, s.length)),
  MASK_RIGHT: (s, k, m) => s.slice(0, Math.max(0, s.length - k)) + maskText(s.slice(Math.max(0, s.length - k)), m),
  MASK_KEEP_LEFT: (s, k, m) => s.slice(0, Math.min(k, s.length)) + maskText(s.slice(Math.min(k, s.length)), m),
  MASK_KEEP_RIGHT: (s, k, m) => maskText(s.slice(0, Math.max(0, s.length - k)), m) + s.slice(Math.max(0, s.length - k)),
};

function partial(name: string, description: string): ScalarFunction {
  const part = parts[name]!;
  const run = (a: readonly unknown[], m: Masks): Value => {
    if (a[1] === null || a[1] === undefined) return null;
    const k = a[1] as number;
    if (k < 0) throw new Error(`function ${name.toLowerCase()} requires a non-negative number of characters to mask or skip`);
    return a[0] === null || a[0] === undefined ? null : part(a[0] as string, k, m);
  };
  const overloads: Overload[] = [
    { params: [P.STRING, P.INT], returns: T.STRING, nullTolerant: true, fn: (a) => run(a, DEFAULT) },
    { params: [P.STRING, P.INT, P.STRING, P.STRING, P.STRING, P.STRING], returns: T.STRING, nullTolerant: true, fn: (a) => run(a, masksOf(a, 2)) },
  ];
  return scalar(name, 'string', description, overloads);
}

export const maskFunctions: ScalarFunction[] = [
  scalar('MASK', 'string', 'Masks upper-case letters (X), lower-case letters (x), digits (n) and other characters (-), or with the mask characters given (NULL: leave that class).', [
    { params: [P.STRING], returns: T.STRING, fn: (a) => maskText(a[0] as string) },
    {
      params: [P.STRING, P.STRING, P.STRING, P.STRING, P.STRING],
      returns: T.STRING,
      nullTolerant: true,
      fn: (a) => {
        const m = masksOf(a, 1);
        return a[0] === null || a[0] === undefined ? null : maskText(a[0] as string, m);
      },
    },
  ]),
  partial('MASK_LEFT', 'Masks the first N characters (optionally with the mask characters given).'),
  partial('MASK_RIGHT', 'Masks the last N characters (optionally with the mask characters given).'),
  partial('MASK_KEEP_LEFT', 'Masks all but the first N characters (optionally with the mask characters given).'),
  partial('MASK_KEEP_RIGHT', 'Masks all but the last N characters (optionally with the mask characters given).'),
];
