// + - * / % on numbers with Java semantics: INT wraps at 32 bits, BIGINT at 64 (long.ts), integer division truncates
// and fails on zero, DOUBLE follows IEEE, DECIMAL is exact with ksqlDB's result types.

import type { ArithmeticOp } from '../../parser/ast.js';
import { T, type SqlType } from '../../parser/sql-type.js';
import { Decimal, type Value } from '../values.js';
import { longAdd, longDiv, longMul, longRem, longSub, type Long } from '../long.js';
import { decimalResult, numericRank, widerNumeric } from './types.js';

export interface ArithmeticPlan {
  readonly type: SqlType;
  readonly fn: (a: Value, b: Value) => Value;
}

function toDecimal(v: Value): Decimal {
  return v instanceof Decimal ? v : Decimal.fromNumber(v as number | bigint);
}

function decimalOp(op: Exclude<ArithmeticOp, '||'>, type: SqlType & { kind: 'DECIMAL' }): (a: Value, b: Value) => Value {
  return (a, b) => {
    const x = toDecimal(a);
    const y = toDecimal(b);
    const s = Math.max(x.scale, y.scale);
    const xu = x.rescale(s).unscaled;
    const yu = y.rescale(s).unscaled;
    let r: Decimal;
    switch (op) {
      case '+':
        r = new Decimal(xu + yu, s);
        break;
      case '-':
        r = new Decimal(xu - yu, s);
        break;
      case '*':
        r = new Decimal(x.unscaled * y.unscaled, x.scale + y.scale);
        break;
      case '/': {
        if (yu === 0n) throw new Error('Division by zero');
        // Scale up the dividend so the quotient has type.scale + 1 digits, then round HALF_UP.
        const extra = type.scale + 1 - x.scale + y.scale;
        const num = extra >= 0 ? x.unscaled * 10n ** BigInt(extra) : x.unscaled / 10n ** BigInt(-extra);
        r = new Decimal(num / y.unscaled, type.scale + 1);
        break;
      }
      case '%':
        if (yu === 0n) throw new Error('Division by zero');
        r = new Decimal(xu % yu, s);
        break;
    }
    return r.rescale(type.scale);
  };
}

export function planArithmetic(op: Exclude<ArithmeticOp, '||'>, a: SqlType, b: SqlType): ArithmeticPlan | undefined {
  if (numericRank(a) === undefined || numericRank(b) === undefined) return undefined;
  const wide = widerNumeric(a, b);
  if (wide.kind === 'DECIMAL') {
    const type = decimalResult(op, a, b) as SqlType & { kind: 'DECIMAL' };
    return { type, fn: decimalOp(op, type) };
  }
  if (wide.kind === 'DOUBLE') {
    const num = (v: Value) => (v instanceof Decimal ? v.toNumber() : typeof v === 'bigint' ? Number(v) : (v as number));
    switch (op) {
      case '+':
        return { type: T.DOUBLE, fn: (x, y) => num(x) + num(y) };
      case '-':
        return { type: T.DOUBLE, fn: (x, y) => num(x) - num(y) };
      case '*':
        return { type: T.DOUBLE, fn: (x, y) => num(x) * num(y) };
      case '/':
        return { type: T.DOUBLE, fn: (x, y) => num(x) / num(y) };
      case '%':
        return { type: T.DOUBLE, fn: (x, y) => num(x) % num(y) };
    }
  }
  if (wide.kind === 'BIGINT') {
    const long = { '+': longAdd, '-': longSub, '*': longMul, '/': longDiv, '%': longRem }[op];
    return { type: wide, fn: (x, y) => long(x as Long, y as Long) };
  }
  const int = wide.kind === 'INTEGER';
  const wrap = int ? (n: number) => n | 0 : (n: number) => n;
  switch (op) {
    case '+':
      return { type: wide, fn: (x, y) => wrap((x as number) + (y as number)) };
    case '-':
      return { type: wide, fn: (x, y) => wrap((x as number) - (y as number)) };
    case '*':
      return { type: wide, fn: int ? (x, y) => Math.imul(x as number, y as number) : (x, y) => (x as number) * (y as number) };
    case '/':
      return {
        type: wide,
        fn: (x, y) => {
          if (y === 0) throw new Error('/ by zero');
          return wrap(Math.trunc((x as number) / (y as number)));
        },
      };
    case '%':
      return {
        type: wide,
        fn: (x, y) => {
          if (y === 0) throw new Error('/ by zero');
          return (x as number) % (y as number);
        },
      };
  }
}
