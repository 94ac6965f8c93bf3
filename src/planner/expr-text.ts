// Expression AST → canonical SQL text. Used for EXPLAIN, for generated names, and to match a
// SELECT expression with a GROUP BY expression (same text ⇒ same expression; positions ignored).

import type { Expr } from '../parser/ast.js';
import { formatType } from '../parser/sql-type.js';

function quoteIdent(name: string): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) ? name : `\`${name}\``;
}

export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'NumberLiteral':
      return e.text;
    case 'StringLiteral':
      return `'${e.value.replace(/'/g, "''")}'`;
    case 'BooleanLiteral':
      return e.value ? 'true' : 'false';
    case 'NullLiteral':
      return 'null';
    case 'ColumnRef':
      return e.source ? `${quoteIdent(e.source)}.${quoteIdent(e.name)}` : quoteIdent(e.name);
    case 'Dereference':
      return `${exprText(e.base)}->${quoteIdent(e.field)}`;
    case 'Subscript':
      return `${exprText(e.base)}[${exprText(e.index)}]`;
    case 'Unary':
      return e.op === 'NOT' ? `(NOT ${exprText(e.operand)})` : `${e.op}${exprText(e.operand)}`;
    case 'Binary':
    case 'Comparison':
      return `(${exprText(e.left)} ${e.op} ${exprText(e.right)})`;
    case 'Logical':
      return `(${exprText(e.left)} ${e.op} ${exprText(e.right)})`;
    case 'IsNull':
      return `(${exprText(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'Between':
      return `(${exprText(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${exprText(e.low)} AND ${exprText(e.high)})`;
    case 'InList':
      return `(${exprText(e.operand)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(exprText).join(', ')}))`;
    case 'Like':
      return `(${exprText(e.operand)} ${e.negated ? 'NOT ' : ''}LIKE ${exprText(e.pattern)}${e.escape ? ` ESCAPE '${e.escape}'` : ''})`;
    case 'Case': {
      const parts = ['CASE'];
      if (e.operand) parts.push(exprText(e.operand));
      for (const w of e.whens) parts.push(`WHEN ${exprText(w.when)} THEN ${exprText(w.then)}`);
      if (e.else) parts.push(`ELSE ${exprText(e.else)}`);
      parts.push('END');
      return parts.join(' ');
    }
    case 'Cast':
      return `CAST(${exprText(e.operand)} AS ${formatType(e.type)})`;
    case 'FunctionCall':
      return `${e.name}(${e.star ? '*' : (e.distinct ? 'DISTINCT ' : '') + e.args.map(exprText).join(', ')})`;
    case 'Lambda':
      return `(${e.params.join(', ')}) => ${exprText(e.body)}`;
    case 'ArrayLiteral':
      return `ARRAY[${e.items.map(exprText).join(', ')}]`;
    case 'MapLiteral':
      return `MAP(${e.entries.map((x) => `${exprText(x.key)}:=${exprText(x.value)}`).join(', ')})`;
    case 'StructLiteral':
      return `STRUCT(${e.fields.map((x) => `${quoteIdent(x.name)}:=${exprText(x.value)}`).join(', ')})`;
    case 'IntervalLiteral':
      return `${e.duration.value} ${e.duration.unit}`;
  }
}

/** Visit every sub-expression, outermost first; return false from fn to skip children. */
export function walkExpr(e: Expr, fn: (e: Expr) => boolean | void): void {
  if (fn(e) === false) return;
  const kids: Expr[] = [];
  switch (e.kind) {
    case 'Dereference':
      kids.push(e.base);
      break;
    case 'Subscript':
      kids.push(e.base, e.index);
      break;
    case 'Unary':
      kids.push(e.operand);
      break;
    case 'Binary':
    case 'Comparison':
    case 'Logical':
      kids.push(e.left, e.right);
      break;
    case 'IsNull':
      kids.push(e.operand);
      break;
    case 'Between':
      kids.push(e.operand, e.low, e.high);
      break;
    case 'InList':
      kids.push(e.operand, ...e.list);
      break;
    case 'Like':
      kids.push(e.operand, e.pattern);
      break;
    case 'Case':
      if (e.operand) kids.push(e.operand);
      for (const w of e.whens) kids.push(w.when, w.then);
      if (e.else) kids.push(e.else);
      break;
    case 'Cast':
      kids.push(e.operand);
      break;
    case 'FunctionCall':
      kids.push(...e.args);
      break;
    case 'Lambda':
      kids.push(e.body);
      break;
    case 'ArrayLiteral':
      kids.push(...e.items);
      break;
    case 'MapLiteral':
      for (const x of e.entries) kids.push(x.key, x.value);
      break;
    case 'StructLiteral':
      for (const x of e.fields) kids.push(x.value);
      break;
    default:
      break;
  }
  for (const k of kids) walkExpr(k, fn);
}
