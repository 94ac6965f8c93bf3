// COUNT, SUM, AVG, MIN, MAX — with undo for table aggregations and merge for session windows.

import { T, type SqlType } from '../../../parser/sql-type.js';
import { compareValues } from '../../expr/compare.js';
import { Decimal, type Value } from '../../values.js';
import { longAdd, longNeg, toDouble, type Long } from '../../long.js';
import { fromState, toState } from './state-codec.js';
import { noOverload } from '../define.js';
import type { AggregateFunction, AggregateImpl, ArgInfo } from '../types.js';

function columnArgs(args: readonly ArgInfo[]): ArgInfo[] {
  return args.filter((a) => !a.isConstant);
}

function fail(name: string, args: readonly ArgInfo[]): Error {
  return noOverload(name, args);
}

export const COUNT: AggregateFunction = {
  name: 'COUNT',
  description: 'Counts rows (COUNT(*), COUNT(1)) or non-NULL values of a column.',
  signatures: ['COUNT(*) → BIGINT', 'COUNT(col) → BIGINT'],
  resolve(args): AggregateImpl<number> {
    // ksqlDB's COUNT takes one argument (COUNT(*) none).
    if (args.length > 1) throw fail('COUNT', args);
    const cols = columnArgs(args);
    const countsRows = cols.length === 0;
    return {
      returnType: T.BIGINT,
      init: () => 0,
      add: (s, a) => (countsRows || a[0] !== null ? s + 1 : s),
      undo: (s, a) => (countsRows || a[0] !== null ? s - 1 : s),
      merge: (a, b) => a + b,
      result: (s) => s,
      serialize: (s) => s,
      deserialize: (d) => d as number,
    };
  },
};

function sumType(name: string, args: readonly ArgInfo[]): SqlType {
  const t = columnArgs(args)[0]?.type;
  if (!t) throw fail(name, args);
  switch (t.kind) {
    case 'INTEGER':
      return T.INTEGER;
    case 'BIGINT':
      return T.BIGINT;
    case 'DOUBLE':
      return T.DOUBLE;
    case 'DECIMAL':
      return T.decimal(Math.min(38, t.precision + 10), t.scale);
    default:
      throw fail(name, args);
  }
}

function add(a: Value, b: Value, t: SqlType): Value {
  if (t.kind === 'DECIMAL') {
    const x = a as Decimal;
    const y = (b instanceof Decimal ? b : Decimal.fromNumber(b as number)).rescale(t.scale);
    return new Decimal(x.unscaled + y.unscaled, t.scale);
  }
  // BIGINT sums wrap at 64 bits, as ksqlDB's Java long sum does (long.ts).
  if (t.kind === 'BIGINT') return longAdd(a as Long, b as Long);
  const r = (a as number) + (b as number);
  return t.kind === 'INTEGER' ? r | 0 : r;
}

function negate(v: Value): Value {
  return v instanceof Decimal ? new Decimal(-v.unscaled, v.scale) : typeof v === 'bigint' ? longNeg(v) : -(v as number);
}

export const SUM: AggregateFunction = {
  name: 'SUM',
  description: 'Sums the non-NULL values of a numeric column.',
  signatures: ['SUM(INT) → INT', 'SUM(BIGINT) → BIGINT', 'SUM(DOUBLE) → DOUBLE', 'SUM(DECIMAL(p,s)) → DECIMAL(p+10,s)'],
  resolve(args): AggregateImpl<Value> {
    const t = sumType('SUM', args);
    const zero: Value = t.kind === 'DECIMAL' ? new Decimal(0n, t.scale) : 0;
    return {
      returnType: t,
      init: () => zero,
      add: (s, a) => (a[0] === null ? s : add(s, a[0]!, t)),
      undo: (s, a) => (a[0] === null ? s : add(s, negate(a[0]!), t)),
      merge: (a, b) => add(a, b, t),
      result: (s) => s,
      serialize: toState,
      deserialize: fromState,
    };
  },
};

export const AVG: AggregateFunction = {
  name: 'AVG',
  description: 'The average of the non-NULL values of a numeric column, as a DOUBLE (0.0 before any).',
  signatures: ['AVG(INT | BIGINT | DOUBLE | DECIMAL) → DOUBLE'],
  resolve(args): AggregateImpl<[number, number]> {
    sumType('AVG', args); // refuses a non-numeric argument
    const num = (v: Value) => (v instanceof Decimal ? v.toNumber() : toDouble(v));
    return {
      intermediate: 'STRUCT',
      // ksqlDB's AVG has INT, BIGINT and DOUBLE overloads: a DECIMAL widens to DOUBLE.
      returnType: T.DOUBLE,
      init: () => [0, 0],
      add: (s, a) => (a[0] === null ? s : [s[0] + num(a[0]!), s[1] + 1]),
      undo: (s, a) => (a[0] === null ? s : [s[0] - num(a[0]!), s[1] - 1]),
      merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
      // No non-NULL value yet (or every one retracted): 0.0, as ksqlDB maps a zero count.
      result: (s) => (s[1] === 0 ? 0 : s[0] / s[1]),
      serialize: (s) => s,
      deserialize: (d) => d as [number, number],
    };
  },
};

function extreme(name: 'MIN' | 'MAX'): AggregateFunction {
  const better = name === 'MIN' ? (c: number) => c < 0 : (c: number) => c > 0;
  return {
    name,
    description: `The ${name === 'MIN' ? 'smallest' : 'largest'} non-NULL value of a column.`,
    signatures: [`${name}(INT | BIGINT | DOUBLE | DECIMAL | STRING | TIMESTAMP | DATE | TIME | BYTES) → same type`],
    resolve(args): AggregateImpl<Value> {
      const t = columnArgs(args)[0]?.type;
      if (!t || ['ARRAY', 'MAP', 'STRUCT', 'BOOLEAN'].includes(t.kind)) throw fail(name, args);
      return {
        returnType: t,
        init: () => null,
        add: (s, a) => (a[0] === null ? s : s === null || better(compareValues(a[0]!, s)) ? a[0]! : s),
        merge: (a, b) => (a === null ? b : b === null ? a : better(compareValues(b, a)) ? b : a),
        result: (s) => s,
        serialize: toState,
        deserialize: fromState,
      };
    },
  };
}

export const MIN = extreme('MIN');
export const MAX = extreme('MAX');

/** SUM_LIST: the sum of the non-NULL elements of every array (ARRAY<INT>, ARRAY<BIGINT> or ARRAY<DOUBLE>); a NULL array adds nothing. */
export const SUM_LIST: AggregateFunction = {
  name: 'SUM_LIST',
  description: 'Sums the non-NULL elements of an array column, over every row (INT, BIGINT or DOUBLE elements).',
  signatures: ['SUM_LIST(ARRAY<INT>) → INT', 'SUM_LIST(ARRAY<BIGINT>) → BIGINT', 'SUM_LIST(ARRAY<DOUBLE>) → DOUBLE'],
  resolve(args): AggregateImpl<Value> {
    const col = columnArgs(args)[0]?.type;
    const t = col?.kind === 'ARRAY' && ['INTEGER', 'BIGINT', 'DOUBLE'].includes(col.item.kind) && args.length === 1 ? col.item : undefined;
    if (!t) throw fail('SUM_LIST', args);
    const total = (list: Value, sign: 1 | -1): Value => {
      let sum: Value = 0;
      for (const v of list as Value[]) if (v !== null) sum = add(sum, sign === 1 ? v : negate(v), t);
      return sum;
    };
    return {
      returnType: t,
      init: () => 0,
      add: (s, a) => (a[0] === null ? s : add(s, total(a[0]!, 1), t)),
      undo: (s, a) => (a[0] === null ? s : add(s, total(a[0]!, -1), t)),
      merge: (a, b) => add(a, b, t),
      result: (s) => s,
      serialize: toState,
      deserialize: fromState,
    };
  },
};
