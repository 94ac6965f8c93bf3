// Expression and type rules (ksqlDB precedence: OR < AND < NOT < predicates < || + - < * / % <
// unary < postfix `[i]` and `->f`). The statement parser extends this class.

import { EmbeddedActionsParser, tokenMatcher, type IToken, type TokenType } from 'chevrotain';
import type { Duration, Expr, Loc } from './ast.js';
import * as L from './lexer.js';
import { T, type SqlType, type StructField } from './sql-type.js';

// During chevrotain's grammar recording, rules return placeholders: these helpers tolerate them.
export function locOf(t: IToken | undefined): Loc {
  return { line: t?.startLine ?? 1, column: t?.startColumn ?? 1, offset: t?.startOffset ?? 0 };
}

export function rawImage(t: IToken | undefined): string {
  return typeof t?.image === 'string' ? t.image : '';
}

/** Identifier text as ksqlDB normalises it: unquoted → upper case; quoted → as written. */
export function identText(t: IToken | undefined): string {
  const img = rawImage(t);
  if (img.startsWith('`')) return img.slice(1, -1).replace(/``/g, '`');
  if (img.startsWith('"')) return img.slice(1, -1).replace(/""/g, '"');
  return img.toUpperCase();
}

const UNITS: Record<string, { unit: Duration['unit']; ms: number }> = {
  MILLISECOND: { unit: 'MILLISECONDS', ms: 1 },
  MILLISECONDS: { unit: 'MILLISECONDS', ms: 1 },
  SECOND: { unit: 'SECONDS', ms: 1000 },
  SECONDS: { unit: 'SECONDS', ms: 1000 },
  MINUTE: { unit: 'MINUTES', ms: 60_000 },
  MINUTES: { unit: 'MINUTES', ms: 60_000 },
  HOUR: { unit: 'HOURS', ms: 3_600_000 },
  HOURS: { unit: 'HOURS', ms: 3_600_000 },
  DAY: { unit: 'DAYS', ms: 86_400_000 },
  DAYS: { unit: 'DAYS', ms: 86_400_000 },
};

export function isTimeUnit(word: string): boolean {
  return word.toUpperCase() in UNITS;
}

const PRIMITIVES: Record<string, SqlType> = {
  BOOLEAN: T.BOOLEAN,
  INT: T.INTEGER,
  INTEGER: T.INTEGER,
  BIGINT: T.BIGINT,
  DOUBLE: T.DOUBLE,
  STRING: T.STRING,
  VARCHAR: T.STRING,
  BYTES: T.BYTES,
  TIMESTAMP: T.TIMESTAMP,
  DATE: T.DATE,
  TIME: T.TIME,
};

export class SemanticError extends Error {
  constructor(
    message: string,
    readonly token: IToken,
    /** A syntax error the grammar decides by hand: worded as ksqlDB's (`Syntax Error`, this message, the statement line). */
    readonly syntax = false,
  ) {
    super(message);
  }
}

export class ExpressionParser extends EmbeddedActionsParser {
  /**
   * `validate`: run chevrotain's grammar checks while building (seconds of CPU). Every start
   * skips them; a test builds the parser with them on, so a grammar error still fails the suite.
   */
  constructor(tokens: TokenType[], validate = false) {
    super(tokens, { maxLookahead: 4, recoveryEnabled: false, skipValidations: !validate });
  }

  identifierToken = this.RULE('identifierToken', (): IToken => {
    return this.OR([
      { ALT: () => this.CONSUME(L.Identifier) },
      { ALT: () => this.CONSUME(L.DigitIdentifier) },
      { ALT: () => this.CONSUME(L.BacktickIdentifier) },
      { ALT: () => this.CONSUME(L.DoubleQuotedIdentifier) },
      { ALT: () => this.CONSUME(L.NonReserved) },
    ]);
  });

  identifier = this.RULE('identifier', (): string => identText(this.SUBRULE(this.identifierToken)));

  duration = this.RULE('duration', (): Duration => {
    const n = this.CONSUME(L.IntegerLiteral);
    const u = this.SUBRULE(this.identifierToken);
    return this.ACTION(() => {
      const unit = UNITS[u.image.toUpperCase()];
      if (!unit) throw new SemanticError(`Invalid time unit '${u.image}': expected MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS`, u);
      const value = Number(n.image);
      return { value, unit: unit.unit, ms: value * unit.ms };
    });
  });

  sqlType = this.RULE('sqlType', (): SqlType => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(L.ArrayKw);
          this.CONSUME(L.Less);
          const item = this.SUBRULE(this.sqlType);
          this.CONSUME(L.Greater);
          return T.array(item);
        },
      },
      {
        ALT: () => {
          this.CONSUME(L.MapKw);
          this.CONSUME2(L.Less);
          const k = this.SUBRULE2(this.sqlType);
          this.CONSUME(L.Comma);
          const v = this.SUBRULE3(this.sqlType);
          this.CONSUME2(L.Greater);
          return T.map(k, v);
        },
      },
      {
        ALT: () => {
          this.CONSUME(L.Struct);
          this.CONSUME3(L.Less);
          const fields: StructField[] = [];
          this.MANY_SEP({
            SEP: L.Comma,
            DEF: () => {
              const name = this.SUBRULE(this.identifier);
              const type = this.SUBRULE4(this.sqlType);
              fields.push({ name, type });
            },
          });
          this.CONSUME3(L.Greater);
          return T.struct(fields);
        },
      },
      {
        ALT: () => {
          this.CONSUME(L.Decimal);
          this.CONSUME(L.LParen);
          // ksqlDB's grammar takes any number here (a sign, a fraction) and then asks for integers.
          const pNeg = this.OPTION3(() => this.CONSUME(L.Minus));
          const p = this.OR2([{ ALT: () => this.CONSUME(L.IntegerLiteral) }, { ALT: () => this.CONSUME(L.DecimalLiteral) }]);
          this.CONSUME2(L.Comma);
          const sNeg = this.OPTION4(() => this.CONSUME2(L.Minus));
          const s = this.OR3([{ ALT: () => this.CONSUME2(L.IntegerLiteral) }, { ALT: () => this.CONSUME2(L.DecimalLiteral) }]);
          this.CONSUME(L.RParen);
          return this.ACTION(() => {
            for (const [tok, what] of [
              [p, 'PRECISION'],
              [s, 'SCALE'],
            ] as const) {
              if (tok.tokenType === L.DecimalLiteral) throw new SemanticError(`Value must be integer for command: DECIMAL(${what})`, tok);
            }
            const precision = Number(p.image) * (pNeg ? -1 : 1);
            const scale = Number(s.image) * (sNeg ? -1 : 1);
            // SqlDecimal.validateParameters, in its order and words.
            const shown = `DECIMAL(${precision},${scale})`;
            if (precision < 1) throw new SemanticError(`DECIMAL precision must be >= 1: ${shown}`, pNeg ?? p);
            if (scale < 0) throw new SemanticError(`DECIMAL scale must be >= 0: ${shown}`, sNeg ?? s);
            if (scale > precision) throw new SemanticError(`DECIMAL precision must be >= scale: ${shown}`, s);
            return T.decimal(precision, scale);
          });
        },
      },
      {
        // DECIMAL is also a word (non-reserved), so `DECIMAL(10, 2)` could read as a base type
        // with parameters: the DECIMAL alternative, listed first, takes it (as in ksqlDB).
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          const t = this.SUBRULE2(this.identifierToken);
          // ksqlDB's grammar lets any base type take parameters (`VARCHAR(10)`); the type is
          // the base type's, the parameters are read and dropped.
          this.OPTION(() => {
            this.CONSUME2(L.LParen);
            this.CONSUME(L.TypeParameter);
            this.MANY(() => {
              this.CONSUME3(L.Comma);
              this.CONSUME2(L.TypeParameter);
            });
            this.CONSUME2(L.RParen);
          });
          return this.ACTION(() => PRIMITIVES[t.image.toUpperCase()] ?? { kind: 'CUSTOM' as const, name: identText(t) });
        },
      },
    ]);
  });

  expression = this.RULE('expression', (): Expr => this.SUBRULE(this.orExpr));

  orExpr = this.RULE('orExpr', (): Expr => {
    let left = this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(L.Or);
      const right = this.SUBRULE2(this.andExpr);
      left = { kind: 'Logical', op: 'OR', left, right, loc: left.loc };
    });
    return left;
  });

  andExpr = this.RULE('andExpr', (): Expr => {
    let left = this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(L.And);
      const right = this.SUBRULE2(this.notExpr);
      left = { kind: 'Logical', op: 'AND', left, right, loc: left.loc };
    });
    return left;
  });

  notExpr = this.RULE('notExpr', (): Expr => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(L.Not);
          const operand = this.SUBRULE(this.notExpr);
          return { kind: 'Unary', op: 'NOT', operand, loc: locOf(t) } as Expr;
        },
      },
      { ALT: () => this.SUBRULE(this.predicate) },
    ]);
  });

  predicate = this.RULE('predicate', (): Expr => {
    const left = this.SUBRULE(this.additive);
    let result: Expr = left;
    this.OPTION(() => {
      result = this.OR([
        {
          ALT: () => {
            const op = this.OR2([
              { ALT: () => (this.CONSUME(L.Equals), '=' as const) },
              { ALT: () => (this.CONSUME(L.NotEquals), '<>' as const) },
              { ALT: () => (this.CONSUME(L.LessEq), '<=' as const) },
              { ALT: () => (this.CONSUME(L.GreaterEq), '>=' as const) },
              { ALT: () => (this.CONSUME(L.Less), '<' as const) },
              { ALT: () => (this.CONSUME(L.Greater), '>' as const) },
            ]);
            const right = this.SUBRULE2(this.additive);
            return { kind: 'Comparison', op, left, right, loc: left.loc } as Expr;
          },
        },
        {
          ALT: () => {
            this.CONSUME(L.Is);
            const negated = this.OPTION2(() => this.CONSUME(L.Not)) !== undefined;
            return this.OR3([
              {
                ALT: () => {
                  this.CONSUME(L.Null);
                  return { kind: 'IsNull', operand: left, negated, loc: left.loc } as Expr;
                },
              },
              {
                ALT: () => {
                  this.CONSUME(L.Distinct);
                  this.CONSUME(L.From);
                  const right = this.SUBRULE3(this.additive);
                  return { kind: 'Comparison', op: negated ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM', left, right, loc: left.loc } as Expr;
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            const negated = this.OPTION3(() => this.CONSUME2(L.Not)) !== undefined;
            return this.OR4([
              {
                ALT: () => {
                  this.CONSUME(L.Between);
                  const low = this.SUBRULE4(this.additive);
                  this.CONSUME(L.And);
                  const high = this.SUBRULE5(this.additive);
                  return { kind: 'Between', operand: left, low, high, negated, loc: left.loc } as Expr;
                },
              },
              {
                ALT: () => {
                  this.CONSUME(L.In);
                  this.CONSUME(L.LParen);
                  const list: Expr[] = [];
                  this.MANY_SEP({ SEP: L.Comma, DEF: () => list.push(this.SUBRULE(this.expression)) });
                  this.CONSUME(L.RParen);
                  return { kind: 'InList', operand: left, list, negated, loc: left.loc } as Expr;
                },
              },
              {
                ALT: () => {
                  this.CONSUME(L.Like);
                  const pattern = this.SUBRULE6(this.additive);
                  let escape: string | undefined;
                  this.OPTION4(() => {
                    this.CONSUME(L.Escape);
                    const e = this.CONSUME(L.StringLiteral);
                    escape = rawImage(e).slice(1, -1).replace(/''/g, "'");
                  });
                  return { kind: 'Like', operand: left, pattern, negated, loc: left.loc, ...(escape !== undefined ? { escape } : {}) } as Expr;
                },
              },
            ]);
          },
        },
      ]);
    });
    return result;
  });

  additive = this.RULE('additive', (): Expr => {
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => (this.CONSUME(L.Plus), '+' as const) }, { ALT: () => (this.CONSUME(L.Minus), '-' as const) }, { ALT: () => (this.CONSUME(L.Concat), '||' as const) }]);
      const right = this.SUBRULE2(this.multiplicative);
      left = { kind: 'Binary', op, left, right, loc: left.loc };
    });
    return left;
  });

  multiplicative = this.RULE('multiplicative', (): Expr => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => (this.CONSUME(L.Star), '*' as const) }, { ALT: () => (this.CONSUME(L.Slash), '/' as const) }, { ALT: () => (this.CONSUME(L.Percent), '%' as const) }]);
      const right = this.SUBRULE2(this.unary);
      left = { kind: 'Binary', op, left, right, loc: left.loc };
    });
    return left;
  });

  unary = this.RULE('unary', (): Expr => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(L.Minus);
          const operand = this.SUBRULE(this.unary);
          return this.ACTION(() => {
            // Fold `-5` into the literal so that -2147483648 stays an INT, as ksqlDB types it.
            if (operand && operand.kind === 'NumberLiteral' && !operand.text.startsWith('-')) return { kind: 'NumberLiteral', text: `-${operand.text}`, loc: locOf(t) } as Expr;
            return { kind: 'Unary', op: '-', operand, loc: locOf(t) } as Expr;
          });
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(L.Plus);
          const operand = this.SUBRULE2(this.unary);
          return { kind: 'Unary', op: '+', operand, loc: locOf(t) } as Expr;
        },
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]);
  });

  postfix = this.RULE('postfix', (): Expr => {
    let base = this.SUBRULE(this.primary);
    this.MANY({
      // `s->*` belongs to the select list (StructAll), not to the expression.
      GATE: () => !(this.LA(1).tokenType === L.Arrow && this.LA(2).tokenType === L.Star),
      DEF: () => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(L.LBracket);
              const index = this.SUBRULE(this.expression);
              this.CONSUME(L.RBracket);
              base = { kind: 'Subscript', base, index, loc: base.loc };
            },
          },
          {
            ALT: () => {
              this.CONSUME(L.Arrow);
              const field = this.SUBRULE(this.identifier);
              base = { kind: 'Dereference', base, field, loc: base.loc };
            },
          },
        ]);
      },
    });
    return base;
  });

  /** Lookahead: `x =>` or `(x, y) =>` starts a lambda. */
  protected atLambda(): boolean {
    const isIdent = (k: number) => {
      const t = this.LA(k).tokenType;
      return t === L.Identifier || t === L.BacktickIdentifier || tokenMatcher(this.LA(k), L.NonReserved);
    };
    if (isIdent(1) && this.LA(2).tokenType === L.LambdaArrow) return true;
    if (this.LA(1).tokenType !== L.LParen) return false;
    let k = 2;
    for (;;) {
      if (!isIdent(k)) return false;
      const next = this.LA(k + 1).tokenType;
      if (next === L.RParen) return this.LA(k + 2).tokenType === L.LambdaArrow;
      if (next !== L.Comma) return false;
      k += 2;
    }
  }

  protected atFunctionCall(): boolean {
    const t = this.LA(1).tokenType;
    const ident = t === L.Identifier || t === L.BacktickIdentifier || tokenMatcher(this.LA(1), L.NonReserved);
    return ident && this.LA(2).tokenType === L.LParen;
  }

  lambda = this.RULE('lambda', (): Expr => {
    const params: string[] = [];
    const start = this.LA(1);
    this.OR([
      { ALT: () => params.push(this.SUBRULE(this.identifier)) },
      {
        ALT: () => {
          this.CONSUME(L.LParen);
          this.AT_LEAST_ONE_SEP({ SEP: L.Comma, DEF: () => params.push(this.SUBRULE2(this.identifier)) });
          this.CONSUME(L.RParen);
        },
      },
    ]);
    this.CONSUME(L.LambdaArrow);
    const body = this.SUBRULE(this.expression);
    return { kind: 'Lambda', params, body, loc: locOf(start) };
  });

  // One token of lookahead with ordered alternatives: every alternative that shares a first token
  // with a later one (lambda, ARRAY/MAP/STRUCT, function call) has a GATE that decides, so deeper
  // lookahead adds nothing but start-up time (at the default k=4 chevrotain spent ~1 s of every
  // process start computing the paths of this one alternation).
  primary = this.RULE('primary', (): Expr => {
    return this.OR({
      MAX_LOOKAHEAD: 1,
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: () => this.atLambda(), ALT: () => this.SUBRULE(this.lambda) },
        {
          ALT: () => {
            const t = this.CONSUME(L.IntegerLiteral);
            return { kind: 'NumberLiteral', text: rawImage(t), loc: locOf(t) } as Expr;
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(L.DecimalLiteral);
            return { kind: 'NumberLiteral', text: rawImage(t), loc: locOf(t) } as Expr;
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(L.StringLiteral);
            return { kind: 'StringLiteral', value: rawImage(t).slice(1, -1).replace(/''/g, "'"), loc: locOf(t) } as Expr;
          },
        },
        { ALT: () => ({ kind: 'BooleanLiteral', value: true, loc: locOf(this.CONSUME(L.True)) }) as Expr },
        { ALT: () => ({ kind: 'BooleanLiteral', value: false, loc: locOf(this.CONSUME(L.False)) }) as Expr },
        { ALT: () => ({ kind: 'NullLiteral', loc: locOf(this.CONSUME(L.Null)) }) as Expr },
        { ALT: () => this.SUBRULE(this.caseExpr) },
        {
          ALT: () => {
            const t = this.CONSUME(L.Cast);
            this.CONSUME(L.LParen);
            const operand = this.SUBRULE(this.expression);
            this.CONSUME(L.As);
            const type = this.SUBRULE(this.sqlType);
            this.CONSUME(L.RParen);
            return { kind: 'Cast', operand, type, loc: locOf(t) } as Expr;
          },
        },
        {
          GATE: () => this.LA(2).tokenType === L.LBracket,
          ALT: () => {
            const t = this.CONSUME(L.ArrayKw);
            this.CONSUME(L.LBracket);
            const items: Expr[] = [];
            this.MANY_SEP({ SEP: L.Comma, DEF: () => items.push(this.SUBRULE2(this.expression)) });
            this.CONSUME(L.RBracket);
            return { kind: 'ArrayLiteral', items, loc: locOf(t) } as Expr;
          },
        },
        {
          GATE: () => this.LA(2).tokenType === L.LParen && (this.LA(4).tokenType === L.Assign || this.LA(3).tokenType === L.RParen || this.mapAhead()),
          ALT: () => {
            const t = this.CONSUME(L.MapKw);
            this.CONSUME2(L.LParen);
            const entries: { key: Expr; value: Expr }[] = [];
            this.MANY_SEP2({
              SEP: L.Comma,
              DEF: () => {
                const key = this.SUBRULE3(this.expression);
                this.CONSUME(L.Assign);
                const value = this.SUBRULE4(this.expression);
                entries.push({ key, value });
              },
            });
            this.CONSUME2(L.RParen);
            return { kind: 'MapLiteral', entries, loc: locOf(t) } as Expr;
          },
        },
        {
          GATE: () => this.LA(2).tokenType === L.LParen,
          ALT: () => {
            const t = this.CONSUME(L.Struct);
            this.CONSUME3(L.LParen);
            const fields: { name: string; value: Expr }[] = [];
            this.MANY_SEP3({
              SEP: L.Comma,
              DEF: () => {
                const name = this.SUBRULE(this.identifier);
                this.CONSUME2(L.Assign);
                const value = this.SUBRULE5(this.expression);
                fields.push({ name, value });
              },
            });
            this.CONSUME3(L.RParen);
            return { kind: 'StructLiteral', fields, loc: locOf(t) } as Expr;
          },
        },
        { GATE: () => this.atFunctionCall(), ALT: () => this.SUBRULE(this.functionCall) },
        {
          ALT: () => {
            this.CONSUME4(L.LParen);
            const e = this.SUBRULE6(this.expression);
            this.CONSUME4(L.RParen);
            return e;
          },
        },
        { ALT: () => this.SUBRULE(this.columnRef) },
      ],
    });
  });

  /** MAP( followed by an expression then `:=` (a map literal), not a function call MAP(…). */
  private mapAhead(): boolean {
    let depth = 0;
    for (let k = 2; k < 200; k++) {
      const t = this.LA(k).tokenType;
      if (t === L.LParen || t === L.LBracket) depth++;
      else if (t === L.RParen || t === L.RBracket) {
        depth--;
        if (depth === 0) return false;
      } else if (t === L.Assign && depth === 1) return true;
      else if (!t || t.name === 'EOF') return false;
    }
    return false;
  }

  functionCall = this.RULE('functionCall', (): Expr => {
    const nameTok = this.SUBRULE(this.identifierToken);
    this.CONSUME(L.LParen);
    const args: Expr[] = [];
    let star = false;
    let distinct = false;
    this.OR([
      { ALT: () => (this.CONSUME(L.Star), (star = true)) },
      {
        ALT: () => {
          this.OPTION(() => (this.CONSUME(L.Distinct), (distinct = true)));
          this.MANY_SEP({ SEP: L.Comma, DEF: () => args.push(this.SUBRULE(this.functionArg)) });
        },
      },
    ]);
    this.CONSUME(L.RParen);
    return { kind: 'FunctionCall', name: identText(nameTok).toUpperCase(), args, star, distinct, loc: locOf(nameTok) };
  });

  /** A function argument: an expression, or a bare duration such as `5 DAYS` (DATEADD & co.). */
  functionArg = this.RULE('functionArg', (): Expr => {
    return this.OR([
      {
        GATE: () =>
          this.LA(1).tokenType === L.IntegerLiteral && this.LA(2).image !== undefined && isTimeUnit(this.LA(2).image) && (this.LA(3).tokenType === L.Comma || this.LA(3).tokenType === L.RParen),
        ALT: () => {
          const start = this.LA(1);
          const duration = this.SUBRULE(this.duration);
          return { kind: 'IntervalLiteral', duration, loc: locOf(start) } as Expr;
        },
      },
      { ALT: () => this.SUBRULE(this.expression) },
    ]);
  });

  columnRef = this.RULE('columnRef', (): Expr => {
    const first = this.SUBRULE(this.identifierToken);
    let second: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(L.Dot);
      second = this.SUBRULE2(this.identifierToken);
    });
    return second ? { kind: 'ColumnRef', source: identText(first), name: identText(second), loc: locOf(first) } : { kind: 'ColumnRef', name: identText(first), loc: locOf(first) };
  });

  caseExpr = this.RULE('caseExpr', (): Expr => {
    const t = this.CONSUME(L.Case);
    let operand: Expr | undefined;
    this.OPTION(() => (operand = this.SUBRULE(this.expression)));
    const whens: { when: Expr; then: Expr }[] = [];
    this.AT_LEAST_ONE(() => {
      this.CONSUME(L.When);
      const when = this.SUBRULE2(this.expression);
      this.CONSUME(L.Then);
      const then = this.SUBRULE3(this.expression);
      whens.push({ when, then });
    });
    let otherwise: Expr | undefined;
    this.OPTION2(() => {
      this.CONSUME(L.Else);
      otherwise = this.SUBRULE4(this.expression);
    });
    this.CONSUME(L.End);
    return { kind: 'Case', whens, loc: locOf(t), ...(operand ? { operand } : {}), ...(otherwise ? { else: otherwise } : {}) };
  });
}
