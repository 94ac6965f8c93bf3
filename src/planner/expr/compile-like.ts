// [NOT] LIKE with % and _ wildcards and an optional ESCAPE character.

import type { Expr } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { T } from '../../parser/sql-type.js';
import { NO_REC, typeName, type CompileContext, type ExprNode } from './expr-node.js';

export function compileLike(ctx: CompileContext, e: Expr & { kind: 'Like' }): ExprNode {
  const x = ctx.compile(e.operand);
  const p = ctx.compile(e.pattern);
  if (x.type && x.type.kind !== 'STRING') throw new SqlError(`The column type for Like condition must be VARCHAR. The column type is ${typeName(x.type)}`, e);
  const esc = e.escape;
  const neg = e.negated;
  if (p.constant) {
    const pv = p.eval(NO_REC);
    const re = pv === null ? null : likeMatcher(pv as string, esc);
    return { type: T.BOOLEAN, constant: x.constant, eval: (r) => (re === null ? null : ((v) => (v === null ? null : re.test(v as string) !== neg))(x.eval(r))) };
  }
  return {
    type: T.BOOLEAN,
    constant: false,
    eval: (r) => {
      const v = x.eval(r);
      const pv = p.eval(r);
      if (v === null || pv === null) return null;
      return likeMatcher(pv as string, esc).test(v as string) !== neg;
    },
  };
}

/**
 * A LIKE pattern as a matcher that never backtracks: the pattern is cut at each `%` into
 * segments; the first must match at the start, the last at the end, and each one between at
 * its leftmost place after the previous one — taking the leftmost is never wrong, since `%`
 * can absorb whatever lies between. Time is O(text × pattern) at worst, not exponential as a
 * backtracking regex is for `%a%a%a…b`.
 */
function likeMatcher(pattern: string, esc: string | undefined): Matcher {
  const segments: Segment[] = [[]];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (esc !== undefined && c === esc && i + 1 < pattern.length) segments[segments.length - 1]!.push(pattern[++i]!);
    else if (c === '%') segments.push([]);
    else segments[segments.length - 1]!.push(c === '_' ? ANY : c);
  }
  const first = segments[0]!;
  if (segments.length === 1) return { test: (t) => t.length === first.length && matchesAt(first, t, 0) };
  const last = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1).filter((g) => g.length > 0);
  return {
    test: (t) => {
      if (t.length < first.length + last.length || !matchesAt(first, t, 0) || !matchesAt(last, t, t.length - last.length)) return false;
      let at = first.length;
      const end = t.length - last.length;
      for (const g of middle) {
        const found = find(g, t, at, end);
        if (found < 0) return false;
        at = found + g.length;
      }
      return true;
    },
  };
}

interface Matcher {
  test(text: string): boolean;
}
/** One `%`-free piece of a pattern: literal characters, and ANY for `_`. */
type Segment = (string | typeof ANY)[];
const ANY = Symbol('_');

function matchesAt(g: Segment, t: string, at: number): boolean {
  for (let k = 0; k < g.length; k++) if (g[k] !== ANY && g[k] !== t[at + k]) return false;
  return true;
}

/** The leftmost place in t[from, end) where g matches wholly, or -1. */
function find(g: Segment, t: string, from: number, end: number): number {
  if (!g.includes(ANY)) {
    const i = t.indexOf(g.join(''), from);
    return i >= 0 && i + g.length <= end ? i : -1;
  }
  for (let i = from; i + g.length <= end; i++) if (matchesAt(g, t, i)) return i;
  return -1;
}
