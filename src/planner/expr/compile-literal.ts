// Literal values: numbers (typed by their text), strings, booleans, NULL and intervals.

import type { Expr } from '../../parser/ast.js';
import { SqlError } from '../../parser/errors.js';
import { T } from '../../parser/sql-type.js';
import { Decimal, type Value } from '../values.js';
import { parseLong } from '../long.js';
import { constantNode, type ExprNode } from './expr-node.js';
import { literalType } from './types.js';

type Literal = Expr & { kind: 'NumberLiteral' | 'StringLiteral' | 'BooleanLiteral' | 'NullLiteral' | 'IntervalLiteral' };

export function compileLiteral(e: Literal): ExprNode {
  switch (e.kind) {
    case 'NumberLiteral': {
      // ksqlDB reads an integer literal (its minus sign included) as a Java long: past its range
      // the literal is invalid.
      if (/^-?\d+$/.test(e.text) && parseLong(e.text) === undefined) throw prepareFailure(`Invalid numeric literal: ${e.text}`, e);
      const type = literalType(e.text);
      let v: Value;
      if (type.kind === 'DECIMAL') v = Decimal.parse(e.text);
      else if (type.kind === 'BIGINT') {
        // Exact, as Java's Long.parseLong reads it (the range was checked above).
        v = parseLong(e.text)!;
      } else {
        v = Number(e.text);
        if (!Number.isFinite(v)) throw prepareFailure(`Number overflows DOUBLE: ${e.text}`, e);
      }
      return constantNode(type, v);
    }
    case 'StringLiteral':
      return constantNode(T.STRING, e.value);
    case 'BooleanLiteral':
      return constantNode(T.BOOLEAN, e.value);
    case 'NullLiteral':
      return constantNode(null, null);
    case 'IntervalLiteral':
      return constantNode(T.BIGINT, e.duration.ms);
  }
}

/**
 * ksqlDB refuses a bad literal while building the statement's tree, so its message reads
 * "Failed to prepare statement: line L:C: …", with the column one past the literal's first
 * character (its parser adds one to a position that is already 1-based).
 */
function prepareFailure(message: string, e: Literal): SqlError {
  const loc = e.loc;
  if (!loc) return new SqlError(`Failed to prepare statement: ${message}`);
  const err = new SqlError(message, loc);
  err.message = `Failed to prepare statement: line ${loc.line}:${loc.column + 1}: ${message}`;
  return err;
}
