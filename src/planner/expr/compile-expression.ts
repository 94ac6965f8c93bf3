// Expression AST → typed closure. Names resolve through the Scope, types are checked here at
// plan time (errors carry the node's position), and each node becomes one small closure so the
// hot path does no dispatch. NULL semantics are SQL's; a failing function yields NULL and a
// processing-log entry, as in ksqlDB.

import type { Comparison, Expr, FunctionCall } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { formatType, T, typesEqual, type SqlType } from '../../parser/sql-type.js';
import { exprText } from '../expr-text.js';
import { isTimeUnit } from '../../parser/expression-parser.js';
import { lookupAggregate, lookupScalar, lookupTableFunction } from '../functions/registry.js';
import type { ArgInfo, LambdaValue } from '../functions/types.js';
import type { Rec } from '../record.js';
import type { Binding, EvalErrorSink, Scope } from '../scope.js';
import { Decimal, isStruct, type Value } from '../values.js';
import { planArithmetic } from './arithmetic.js';
import { canCast, castValue, parseTimestampText } from './cast.js';
import { compareValues, valuesEqual } from './compare.js';
import { javaString } from './java-format.js';
import { literalType, numericRank, unify, type MaybeType } from './types.js';

export interface CompiledExpression {
  readonly type: SqlType;
  readonly eval: (r: Rec) => Value;
  readonly constant?: boolean;
}

export interface CompileOptions {
  readonly onError: EvalErrorSink;
}

interface Node {
  readonly type: MaybeType;
  readonly eval: (r: Rec) => Value;
  readonly constant: boolean;
}

const NO_REC: Rec = { cols: [], ts: 0, partition: 0, offset: 0 };

export function isAggregateCall(call: FunctionCall): boolean {
  return lookupAggregate(call.name) !== undefined;
}

function typeName(t: MaybeType): string {
  return t === null ? 'NULL' : formatType(t);
}

/** Lambda parameters resolve to slots of a frame that the lambda fills before each call. */
class LambdaScope implements Scope {
  readonly allowAggregates: boolean;
  constructor(
    private readonly outer: Scope,
    private readonly params: readonly string[],
    private readonly types: readonly SqlType[],
    private readonly frame: Value[],
  ) {
    this.allowAggregates = outer.allowAggregates ?? false;
  }
  bindExpression(e: Expr): Binding | undefined {
    if (e.kind === 'ColumnRef' && !e.source && this.params.includes(e.name)) return undefined;
    return this.outer.bindExpression?.(e);
  }
  resolveColumn(ref: Parameters<Scope['resolveColumn']>[0]): Binding {
    const i = ref.source ? -1 : this.params.indexOf(ref.name);
    if (i >= 0) {
      const frame = this.frame;
      return { type: this.types[i]!, read: () => frame[i] ?? null };
    }
    return this.outer.resolveColumn(ref);
  }
}

export function compileExpression(expr: Expr, scope: Scope, opts: CompileOptions): CompiledExpression {
  const n = new Compiler(opts.onError).compile(expr, scope);
  return { type: n.type ?? T.STRING, eval: n.eval, constant: n.constant };
}

class Compiler {
  constructor(private readonly onError: EvalErrorSink) {}

  compile(e: Expr, scope: Scope): Node {
    const bound = scope.bindExpression?.(e);
    if (bound) return { type: bound.type, eval: bound.read, constant: false };
    const n = this.compileNode(e, scope);
    if (n.constant && e.kind !== 'NullLiteral') {
      // Fold constants once; a constant that fails to evaluate stays a runtime NULL.
      try {
        const v = n.eval(NO_REC);
        return { type: n.type, eval: () => v, constant: true };
      } catch {
        return n;
      }
    }
    return n;
  }

  private compileNode(e: Expr, scope: Scope): Node {
    switch (e.kind) {
      case 'NumberLiteral': {
        const type = literalType(e.text);
        let v: Value;
        if (type.kind === 'DECIMAL') v = Decimal.parse(e.text);
        else {
          v = Number(e.text);
          if (!Number.isFinite(v)) throw new SqlError(`Number overflows DOUBLE: ${e.text}`, e);
        }
        return { type, eval: () => v, constant: true };
      }
      case 'StringLiteral': {
        const v = e.value;
        return { type: T.STRING, eval: () => v, constant: true };
      }
      case 'BooleanLiteral': {
        const v = e.value;
        return { type: T.BOOLEAN, eval: () => v, constant: true };
      }
      case 'NullLiteral':
        return { type: null, eval: () => null, constant: true };
      case 'IntervalLiteral': {
        const ms = e.duration.ms;
        return { type: T.BIGINT, eval: () => ms, constant: true };
      }
      case 'ColumnRef': {
        const b = scope.resolveColumn(e);
        const idx = b.index;
        return { type: b.type, eval: idx !== undefined ? (r) => r.cols[idx] ?? null : b.read, constant: false };
      }
      case 'Dereference':
        return this.dereference(e, scope);
      case 'Subscript':
        return this.subscript(e, scope);
      case 'Unary':
        return this.unary(e, scope);
      case 'Binary':
        return this.binary(e, scope);
      case 'Comparison':
        return this.comparison(e, scope);
      case 'Logical':
        return this.logical(e, scope);
      case 'IsNull': {
        const x = this.compile(e.operand, scope);
        const neg = e.negated;
        return { type: T.BOOLEAN, eval: (r) => (x.eval(r) === null) !== neg, constant: x.constant };
      }
      case 'Between': {
        const x = this.compile(e.operand, scope);
        const lo = this.compile(e.low, scope);
        const hi = this.compile(e.high, scope);
        this.checkComparable(x, lo, '>=', e);
        this.checkComparable(x, hi, '<=', e);
        const neg = e.negated;
        const cx = this.coercer(x.type, lo.type);
        const cy = this.coercer(x.type, hi.type);
        return {
          type: T.BOOLEAN,
          constant: x.constant && lo.constant && hi.constant,
          eval: (r) => {
            const v = x.eval(r);
            const a = lo.eval(r);
            const b = hi.eval(r);
            if (v === null || a === null || b === null) return null;
            const inside = compareValues(v, cx(a)) >= 0 && compareValues(v, cy(b)) <= 0;
            return inside !== neg;
          },
        };
      }
      case 'InList':
        return this.inList(e, scope);
      case 'Like':
        return this.like(e, scope);
      case 'Case':
        return this.caseExpr(e, scope);
      case 'Cast': {
        const x = this.compile(e.operand, scope);
        if (!canCast(x.type, e.type)) throw new SqlError(`Cast of ${typeName(x.type)} to ${formatType(e.type)} is not supported`, e);
        const from = x.type;
        const to = e.type;
        const onError = this.onError;
        if (from && typesEqual(from, to)) return x;
        return {
          type: to,
          constant: x.constant,
          eval: (r) => {
            try {
              return castValue(x.eval(r), from, to);
            } catch (err) {
              onError(`Error evaluating ${exprText(e)}: ${(err as Error).message}`);
              return null;
            }
          },
        };
      }
      case 'FunctionCall':
        return this.functionCall(e, scope);
      case 'Lambda':
        throw new SqlError('A lambda can only be an argument of a function such as TRANSFORM, FILTER or REDUCE.', e);
      case 'ArrayLiteral': {
        if (e.items.length === 0) throw new SqlError('Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).', e);
        const items = this.constructorItems(e.items, scope);
        const item = unify(items.map((i) => i.type));
        if (item === undefined) throw new SqlError(`invalid input syntax for type ARRAY: elements have incompatible types (${items.map((i) => typeName(i.type)).join(', ')})`, e);
        const conv = items.map((i) => this.coercer(i.type, item));
        return { type: T.array(item ?? T.STRING), constant: items.every((i) => i.constant), eval: (r) => items.map((i, k) => conv[k]!(i.eval(r))) };
      }
      case 'MapLiteral': {
        if (e.entries.length === 0) throw new SqlError('Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).', e);
        const keys = this.constructorItems(e.entries.map((x) => x.key), scope);
        const vals = this.constructorItems(e.entries.map((x) => x.value), scope);
        const kt = unify(keys.map((k) => k.type));
        const vt = unify(vals.map((v) => v.type));
        if (kt === undefined || vt === undefined) throw new SqlError('invalid input syntax for type MAP: keys or values have incompatible types', e);
        const kc = keys.map((k) => this.coercer(k.type, kt));
        const vc = vals.map((v) => this.coercer(v.type, vt));
        return {
          type: T.map(kt ?? T.STRING, vt ?? T.STRING),
          constant: keys.every((k) => k.constant) && vals.every((v) => v.constant),
          eval: (r) => new Map(keys.map((k, i) => [kc[i]!(k.eval(r)), vc[i]!(vals[i]!.eval(r))])),
        };
      }
      case 'StructLiteral': {
        if (new Set(e.fields.map((f) => f.name)).size !== e.fields.length) throw new SqlError('Duplicate field names found in STRUCT', e);
        const fields = e.fields.map((f) => ({ name: f.name, node: this.compile(f.value, scope) }));
        return {
          type: T.struct(fields.map((f) => ({ name: f.name, type: f.node.type ?? T.STRING }))),
          constant: fields.every((f) => f.node.constant),
          eval: (r) => {
            const s: Record<string, Value> = {};
            for (const f of fields) s[f.name] = f.node.eval(r);
            return s;
          },
        };
      }
    }
  }

  /**
   * The elements of an ARRAY[...] or MAP(...) constructor. As in ksqlDB, the non-literal elements
   * fix the type and literals are read as it: '1' as a number, 'true' as a BOOLEAN, 10 as '10'.
   */
  private constructorItems(exprs: readonly Expr[], scope: Scope): Node[] {
    const nodes = exprs.map((x) => this.compile(x, scope));
    const isLiteral = (x: Expr) => x.kind === 'StringLiteral' || x.kind === 'NumberLiteral';
    const fixed = nodes.filter((n, i) => !isLiteral(exprs[i]!) && n.type !== null);
    const base = fixed.length ? unify(fixed.map((n) => n.type)) : undefined;
    if (!base) return nodes;
    return nodes.map((n, i) => {
      const x = exprs[i]!;
      if (!isLiteral(x) || !n.type || unify([base, n.type]) !== undefined) return n;
      let v: Value;
      try {
        v = x.kind === 'NumberLiteral' && base.kind === 'STRING' ? x.text : castValue(n.eval(NO_REC), n.type, base);
      } catch {
        return n;
      }
      return { type: base, eval: () => v, constant: true };
    });
  }

  /** Converts values of type `from` to `to` where a numeric widening to DECIMAL/DOUBLE is needed. */
  private coercer(from: MaybeType, to: MaybeType): (v: Value) => Value {
    if (!from || !to || typesEqual(from, to)) return (v) => v;
    if (to.kind === 'DECIMAL' && numericRank(from) !== undefined) return (v) => (v === null ? null : castValue(v, from, to));
    if (to.kind === 'DOUBLE' && from.kind === 'DECIMAL') return (v) => (v instanceof Decimal ? v.toNumber() : v);
    if ((to.kind === 'TIMESTAMP' || to.kind === 'DATE' || to.kind === 'TIME') && from.kind === 'STRING') return (v) => (v === null ? null : castValue(v, from, to));
    return (v) => v;
  }

  private dereference(e: Expr & { kind: 'Dereference' }, scope: Scope): Node {
    const base = this.compile(e.base, scope);
    if (base.type === null) return { type: null, eval: () => null, constant: true };
    if (base.type.kind !== 'STRUCT') throw new SqlError(`Expected STRUCT type for '->' dereference but got ${typeName(base.type)}: ${exprText(e)}`, e);
    const f = base.type.fields.find((x) => x.name === e.field) ?? base.type.fields.find((x) => x.name.toUpperCase() === e.field.toUpperCase());
    if (!f) throw new SqlError(`Could not find field '${e.field}' in '${exprText(e.base)}'.`, e);
    const name = f.name;
    return {
      type: f.type,
      constant: base.constant,
      eval: (r) => {
        const s = base.eval(r);
        return s !== null && isStruct(s) ? (s[name] ?? null) : null;
      },
    };
  }

  private subscript(e: Expr & { kind: 'Subscript' }, scope: Scope): Node {
    const base = this.compile(e.base, scope);
    const idx = this.compile(e.index, scope);
    if (base.type?.kind === 'ARRAY') {
      if (idx.type && idx.type.kind !== 'INTEGER' && idx.type.kind !== 'BIGINT') throw new SqlError(`Array index must be an INTEGER, got ${typeName(idx.type)}`, e.index);
      return {
        type: base.type.item,
        constant: base.constant && idx.constant,
        eval: (r) => {
          const a = base.eval(r) as Value[] | null;
          const i = idx.eval(r) as number | null;
          if (a === null || i === null) return null;
          const k = i > 0 ? i - 1 : a.length + i;
          return k >= 0 && k < a.length ? (a[k] ?? null) : null;
        },
      };
    }
    if (base.type?.kind === 'MAP') {
      const conv = this.coercer(idx.type, base.type.key);
      return {
        type: base.type.value,
        constant: base.constant && idx.constant,
        eval: (r) => {
          const m = base.eval(r) as Map<Value, Value> | null;
          const k = idx.eval(r);
          if (m === null || k === null) return null;
          const key = conv(k);
          if (m.has(key)) return m.get(key) ?? null;
          for (const [mk, mv] of m) if (valuesEqual(mk, key)) return mv;
          return null;
        },
      };
    }
    throw new SqlError(`Subscript expression ${exprText(e)} requires an ARRAY or MAP, got ${typeName(base.type)}`, e);
  }

  private unary(e: Expr & { kind: 'Unary' }, scope: Scope): Node {
    const x = this.compile(e.operand, scope);
    if (e.op === 'NOT') {
      if (x.type && x.type.kind !== 'BOOLEAN') throw new SqlError(`NOT requires a BOOLEAN operand, got ${typeName(x.type)}: ${exprText(e)}`, e);
      return { type: T.BOOLEAN, constant: x.constant, eval: (r) => (x.eval(r) === null ? null : !x.eval(r)) };
    }
    if (x.type && numericRank(x.type) === undefined) throw new SqlError(`Unary ${e.op} requires a numeric operand, got ${typeName(x.type)}`, e);
    if (e.op === '+') return x;
    const int = x.type?.kind === 'INTEGER';
    return {
      type: x.type,
      constant: x.constant,
      eval: (r) => {
        const v = x.eval(r);
        if (v === null) return null;
        if (v instanceof Decimal) return new Decimal(-v.unscaled, v.scale);
        return int ? -(v as number) | 0 : -(v as number);
      },
    };
  }

  private binary(e: Expr & { kind: 'Binary' }, scope: Scope): Node {
    const a = this.compile(e.left, scope);
    const b = this.compile(e.right, scope);
    const constant = a.constant && b.constant;
    const stringy = (t: MaybeType) => t === null || t.kind === 'STRING';
    if (e.op === '||' || (e.op === '+' && stringy(a.type) && stringy(b.type) && (a.type !== null || b.type !== null))) {
      if (!stringy(a.type) || !stringy(b.type)) throw new SqlError(`Error processing expression: ${exprText(e)}. Unsupported arithmetic types. ${typeName(a.type)} ${typeName(b.type)}`, e);
      return {
        type: T.STRING,
        constant,
        eval: (r) => {
          const x = a.eval(r);
          const y = b.eval(r);
          return x === null || y === null ? null : (x as string) + (y as string);
        },
      };
    }
    // An untyped NULL operand is rejected, as ksqlDB does (CAST it to give it a type).
    if ((a.type === null) !== (b.type === null)) {
      throw new SqlError(`Error processing expression: ${exprText(e)}. Arithmetic on types ${typeName(a.type ?? b.type)} and null are not supported.`, e);
    }
    const at = a.type ?? b.type;
    const bt = b.type ?? a.type;
    if (at === null || bt === null) return { type: null, eval: () => null, constant: true };
    const plan = planArithmetic(e.op, at, bt);
    if (!plan) throw new SqlError(`Error processing expression: ${exprText(e)}. Unsupported arithmetic types. ${typeName(a.type)} ${typeName(b.type)}`, e);
    const fn = plan.fn;
    const onError = this.onError;
    // ksqlDB compiles a lambda body to Java on unboxed numbers: a NULL operand there fails the
    // whole function call (which then yields NULL) instead of making just this term NULL.
    const inLambda = scope instanceof LambdaScope;
    return {
      type: plan.type,
      constant,
      eval: (r) => {
        const x = a.eval(r);
        const y = x === null ? null : b.eval(r);
        if (x === null || y === null) {
          if (inLambda) throw new Error(`NULL operand in ${exprText(e)}`);
          return null;
        }
        try {
          return fn(x, y);
        } catch (err) {
          onError(`Error evaluating ${exprText(e)}: ${(err as Error).message}`);
          return null;
        }
      },
    };
  }

  private comparableKinds(a: MaybeType, b: MaybeType, op: string): boolean {
    if (a === null || b === null) return true;
    if (numericRank(a) !== undefined && numericRank(b) !== undefined) return true;
    const temporal = (t: SqlType) => t.kind === 'TIMESTAMP' || t.kind === 'DATE' || t.kind === 'TIME';
    if (temporal(a) && (b.kind === 'STRING' || temporal(b))) return true;
    if (temporal(b) && a.kind === 'STRING') return true;
    if (a.kind !== b.kind) return false;
    if (a.kind === 'ARRAY' || a.kind === 'MAP' || a.kind === 'STRUCT') return (op === '=' || op === '<>' || op.includes('DISTINCT')) && this.comparableParts(a, b);
    if (a.kind === 'BOOLEAN') return op === '=' || op === '<>' || op.includes('DISTINCT');
    return true;
  }

  /** Containers compare equal only when their element (or same-named field) types do. */
  private comparableParts(a: SqlType, b: SqlType): boolean {
    if (a.kind === 'ARRAY' && b.kind === 'ARRAY') return this.comparableKinds(a.item, b.item, '=');
    if (a.kind === 'MAP' && b.kind === 'MAP') return this.comparableKinds(a.key, b.key, '=') && this.comparableKinds(a.value, b.value, '=');
    if (a.kind === 'STRUCT' && b.kind === 'STRUCT') {
      return a.fields.length === b.fields.length && a.fields.every((f) => {
        const g = b.fields.find((x) => x.name === f.name);
        return g !== undefined && this.comparableKinds(f.type, g.type, '=');
      });
    }
    return true;
  }

  private checkComparable(a: Node, b: Node, op: string, e: Expr): void {
    if (!this.comparableKinds(a.type, b.type, op)) {
      throw new SqlError(`Cannot compare ${exprTextOf(e, 'left')} (${typeName(a.type)}) to ${exprTextOf(e, 'right')} (${typeName(b.type)}) with ${opName(op)}.`, e);
    }
  }

  private comparison(e: Comparison, scope: Scope): Node {
    let a = this.compile(e.left, scope);
    let b = this.compile(e.right, scope);
    // ROWTIME and window bounds may be compared with timestamp text ('2020-02-23T22:45:12.000-0100').
    const timeColumn = (x: Expr) => x.kind === 'ColumnRef' && ['ROWTIME', 'WINDOWSTART', 'WINDOWEND'].includes(x.name);
    const asTime = (n: Node, src: Expr): Node => {
      const text = n.eval(NO_REC) as string;
      let v: number;
      try {
        v = parseTimestampText(text);
      } catch (err) {
        throw new SqlError((err as Error).message, src);
      }
      return { type: T.BIGINT, eval: () => v, constant: true };
    };
    if ((a.type === null) !== (b.type === null) && !e.op.includes('DISTINCT')) {
      const side = (t: MaybeType) => (t ? typeName(t) : 'NULL');
      throw new SqlError(`Comparison with NULL not supported: ${side(a.type)} ${e.op} ${side(b.type)}\nUse 'IS NULL' or 'IS NOT NULL' instead.\nStatement: ${exprText(e)}`, e);
    }
    if (timeColumn(e.left) && b.constant && b.type?.kind === 'STRING') b = asTime(b, e.right);
    if (timeColumn(e.right) && a.constant && a.type?.kind === 'STRING') a = asTime(a, e.left);
    this.checkComparable(a, b, e.op, e);
    // Temporal vs string: the string is parsed as a timestamp (ksqlDB's implicit conversion).
    const toTemporal = (from: MaybeType, other: MaybeType) =>
      from?.kind === 'STRING' && (other?.kind === 'TIMESTAMP' || other?.kind === 'DATE' || other?.kind === 'TIME') ? (v: Value) => (v === null ? null : castValue(parseTimestampText(v as string), T.TIMESTAMP, other)) : (v: Value) => v;
    const ca = toTemporal(a.type, b.type);
    const cb = toTemporal(b.type, a.type);
    const constant = a.constant && b.constant;
    const distinct = e.op === 'IS DISTINCT FROM' || e.op === 'IS NOT DISTINCT FROM';
    if (distinct) {
      const want = e.op === 'IS DISTINCT FROM';
      return {
        type: T.BOOLEAN,
        constant,
        eval: (r) => {
          const x = a.eval(r);
          const y = b.eval(r);
          if (x === null || y === null) return (x === null) !== (y === null) ? want : !want;
          return !valuesEqual(ca(x), cb(y)) === want;
        },
      };
    }
    const test: (c: number) => boolean =
      e.op === '<' ? (c) => c < 0 : e.op === '<=' ? (c) => c <= 0 : e.op === '>' ? (c) => c > 0 : e.op === '>=' ? (c) => c >= 0 : () => false;
    const eq = e.op === '=' || e.op === '<>';
    const neg = e.op === '<>';
    const fast = a.type?.kind === b.type?.kind && (a.type?.kind === 'INTEGER' || a.type?.kind === 'BIGINT' || a.type?.kind === 'DOUBLE' || a.type?.kind === 'STRING');
    if (fast && eq) {
      return {
        type: T.BOOLEAN,
        constant,
        eval: (r) => {
          const x = a.eval(r);
          if (x === null) return null;
          const y = b.eval(r);
          if (y === null) return null;
          return (x === y) !== neg;
        },
      };
    }
    return {
      type: T.BOOLEAN,
      constant,
      eval: (r) => {
        const x = a.eval(r);
        if (x === null) return null;
        const y = b.eval(r);
        if (y === null) return null;
        if (eq) return valuesEqual(ca(x), cb(y)) !== neg;
        return test(compareValues(ca(x), cb(y)));
      },
    };
  }

  private logical(e: Expr & { kind: 'Logical' }, scope: Scope): Node {
    const a = this.compile(e.left, scope);
    const b = this.compile(e.right, scope);
    for (const [n, side] of [
      [a, e.left],
      [b, e.right],
    ] as const) {
      if (n.type && n.type.kind !== 'BOOLEAN') throw new SqlError(`${e.op} requires BOOLEAN operands, got ${typeName(n.type)}: ${exprText(side)}`, side);
    }
    const constant = a.constant && b.constant;
    if (e.op === 'AND') {
      return {
        type: T.BOOLEAN,
        constant,
        eval: (r) => {
          const x = a.eval(r);
          if (x === false) return false;
          const y = b.eval(r);
          if (y === false) return false;
          return x === null || y === null ? null : true;
        },
      };
    }
    return {
      type: T.BOOLEAN,
      constant,
      eval: (r) => {
        const x = a.eval(r);
        if (x === true) return true;
        const y = b.eval(r);
        if (y === true) return true;
        return x === null || y === null ? null : false;
      },
    };
  }

  private inList(e: Expr & { kind: 'InList' }, scope: Scope): Node {
    const x = this.compile(e.operand, scope);
    // ksqlDB widens the operand's type with each numeric item, and names that type in errors.
    let common = x.type;
    const items = e.list.map((item, k) => {
      const i = this.compile(item, scope);
      if (this.comparableKinds(x.type, i.type, '=')) {
        if (common && i.type && numericRank(common) !== undefined && numericRank(i.type) !== undefined) common = unify([common, i.type]) ?? common;
        return i;
      }
      // A string literal is read as the operand's type, as ksqlDB does ('10' for an INT).
      if (i.constant && i.type?.kind === 'STRING' && x.type) {
        const text = i.eval(NO_REC) as string;
        try {
          const v = castValue(text, T.STRING, x.type);
          return { type: x.type, eval: () => v, constant: true } as Node;
        } catch {
          throw new SqlError(`Invalid Predicate: invalid input syntax for type ${typeName(x.type)}: "${text}".`, e.list[k]!);
        }
      }
      throw new SqlError(`Invalid Predicate: operator does not exist: ${typeName(common)} = ${typeName(i.type)} (${exprText(e.list[k]!)})\nHint: You might need to add explicit type casts.`, e.list[k]!);
    });
    const conv = items.map((i) => this.coercer(i.type, x.type));
    const neg = e.negated;
    return {
      type: T.BOOLEAN,
      constant: x.constant && items.every((i) => i.constant),
      eval: (r) => {
        const v = x.eval(r);
        if (v === null) return null;
        let sawNull = false;
        for (let k = 0; k < items.length; k++) {
          const w = conv[k]!(items[k]!.eval(r));
          if (w === null) sawNull = true;
          else if (valuesEqual(v, w)) return !neg;
        }
        return sawNull ? null : neg;
      },
    };
  }

  private like(e: Expr & { kind: 'Like' }, scope: Scope): Node {
    const x = this.compile(e.operand, scope);
    const p = this.compile(e.pattern, scope);
    if (x.type && x.type.kind !== 'STRING') throw new SqlError(`The column type for Like condition must be VARCHAR. The column type is ${typeName(x.type)}`, e);
    const esc = e.escape;
    const toRegex = (pattern: string): RegExp => {
      let re = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i]!;
        if (esc !== undefined && c === esc && i + 1 < pattern.length) {
          re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        } else if (c === '%') re += '[\\s\\S]*';
        else if (c === '_') re += '[\\s\\S]';
        else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      return new RegExp(`^${re}$`);
    };
    const neg = e.negated;
    if (p.constant) {
      const pv = p.eval(NO_REC);
      const re = pv === null ? null : toRegex(pv as string);
      return { type: T.BOOLEAN, constant: x.constant, eval: (r) => (re === null ? null : ((v) => (v === null ? null : re.test(v as string) !== neg))(x.eval(r))) };
    }
    return {
      type: T.BOOLEAN,
      constant: false,
      eval: (r) => {
        const v = x.eval(r);
        const pv = p.eval(r);
        if (v === null || pv === null) return null;
        return toRegex(pv as string).test(v as string) !== neg;
      },
    };
  }

  private caseExpr(e: Expr & { kind: 'Case' }, scope: Scope): Node {
    const operand = e.operand ? this.compile(e.operand, scope) : undefined;
    const whens = e.whens.map((w) => ({ when: this.compile(w.when, scope), then: this.compile(w.then, scope), src: w.when }));
    const otherwise = e.else ? this.compile(e.else, scope) : undefined;
    if (!operand) {
      for (const w of whens) if (w.when.type && w.when.type.kind !== 'BOOLEAN') throw new SqlError(`WHEN operand type should be boolean. Type for '${exprText(w.src)}' is ${typeName(w.when.type)}`, w.src);
    }
    const type = unify([...whens.map((w) => w.then.type), otherwise?.type ?? null]);
    if (type === undefined) {
      throw new SqlError(`Invalid Case expression. Type for all 'THEN' clauses should be the same. THEN expression '${exprText(e.whens[0]!.then)}' has type: ${typeName(whens[0]!.then.type)}.`, e);
    }
    const conv = whens.map((w) => this.coercer(w.then.type, type));
    const elseConv = this.coercer(otherwise?.type ?? null, type);
    return {
      type,
      constant: false,
      eval: (r) => {
        const ov = operand ? operand.eval(r) : undefined;
        for (let i = 0; i < whens.length; i++) {
          const w = whens[i]!;
          const c = w.when.eval(r);
          const hit = operand ? ov !== null && c !== null && valuesEqual(ov!, c) : c === true;
          if (hit) return conv[i]!(w.then.eval(r));
        }
        return otherwise ? elseConv(otherwise.eval(r)) : null;
      },
    };
  }

  private functionCall(e: FunctionCall, scope: Scope): Node {
    const fn = lookupScalar(e.name);
    if (!fn) {
      if (lookupAggregate(e.name)) {
        if (!scope.allowAggregates) throw new SqlError(`Aggregate function ${e.name} can only be used in the SELECT list or HAVING clause of a GROUP BY query.`, e);
        throw new SqlError(`Aggregate functions can not be nested: ${exprText(e)}`, e);
      }
      if (lookupTableFunction(e.name)) throw new SqlError(`Table function ${e.name} can only be used on its own in the SELECT list.`, e);
      throw new SqlError(`Can't find any functions with the name '${e.name}'`, e);
    }
    // Unit names such as DAYS arrive as bare identifiers; pass them as constant strings.
    const argExprs: Expr[] = e.args.map((a) => (a.kind === 'ColumnRef' && !a.source && isTimeUnit(a.name) && !resolves(scope, a) ? { kind: 'StringLiteral', value: a.name, loc: a.loc } : a));
    const nodes: (Node | undefined)[] = argExprs.map((a) => (a.kind === 'Lambda' ? undefined : this.compile(a, scope)));
    const types = nodes.map((n) => n?.type ?? null);
    const lambdas: { frame: Value[]; body: Node; arity: number }[] = [];
    const infos: ArgInfo[] = argExprs.map((a, i) => {
      if (a.kind === 'Lambda') {
        const paramTypes = fn.lambdaParamTypes?.(types, i);
        if (!paramTypes) throw new SqlError(`Function '${e.name}' does not accept a lambda argument.`, a);
        if (paramTypes.length !== a.params.length) throw new SqlError(`The lambda for ${e.name} takes ${paramTypes.length} parameter(s), got ${a.params.length}.`, a);
        const frame: Value[] = [];
        const body = this.compile(a.body, new LambdaScope(scope, a.params, paramTypes, frame));
        lambdas[i] = { frame, body, arity: a.params.length };
        return { type: body.type, isConstant: false, lambda: { arity: a.params.length } };
      }
      const n = nodes[i]!;
      return n.constant ? { type: n.type, isConstant: true, constant: n.eval(NO_REC) } : { type: n.type, isConstant: false };
    });
    let impl;
    try {
      impl = fn.resolve(infos);
    } catch (err) {
      throw new SqlError((err as Error).message.replace(`Function '${fn.name}'`, `Function '${fn.declaredAs ?? fn.name.toLowerCase()}'`), e);
    }
    const f = impl.fn;
    const tolerant = impl.nullTolerant === true;
    const onError = this.onError;
    const count = argExprs.length;
    const hasLambda = lambdas.length > 0;
    const constant = !hasLambda && nodes.every((n) => n?.constant) && !['RANDOM', 'UUID', 'UNIX_TIMESTAMP', 'UNIX_DATE', 'NOW'].includes(e.name);
    return {
      type: impl.returnType,
      constant,
      eval: (r) => {
        const args = new Array<unknown>(count);
        for (let i = 0; i < count; i++) {
          const n = nodes[i];
          if (n) {
            const v = n.eval(r);
            if (v === null && !tolerant) return null;
            args[i] = v;
          } else {
            const l = lambdas[i]!;
            const lambda: LambdaValue = (...ps: Value[]) => {
              for (let k = 0; k < ps.length; k++) l.frame[k] = ps[k]!;
              return l.body.eval(r);
            };
            args[i] = lambda;
          }
        }
        try {
          const out = f(args);
          return out === undefined ? null : out;
        } catch (err) {
          onError(`Error computing function ${e.name}: ${(err as Error).message}`);
          return null;
        }
      },
    };
  }
}

function resolves(scope: Scope, ref: Expr & { kind: 'ColumnRef' }): boolean {
  try {
    scope.resolveColumn(ref);
    return true;
  } catch {
    return false;
  }
}

function exprTextOf(e: Expr, side: 'left' | 'right'): string {
  if (e.kind === 'Comparison') return exprText(side === 'left' ? e.left : e.right);
  if (e.kind === 'Between') return exprText(side === 'left' ? e.operand : e.low);
  return exprText(e);
}

function opName(op: string): string {
  const names: Record<string, string> = { '=': 'EQUAL', '<>': 'NOT_EQUAL', '<': 'LESS_THAN', '<=': 'LESS_THAN_OR_EQUAL', '>': 'GREATER_THAN', '>=': 'GREATER_THAN_OR_EQUAL' };
  return names[op] ?? op;
}

export { javaString };
