// Statement rules: DDL, queries, DML, and the catalog/session statements.

import { EOF, type IToken, type TokenType } from 'chevrotain';
import type { ColumnDef, Duration, Expr, Join, JoinType, OrderBy, OrderItem, Properties, PropertyValue, Query, Relation, SelectItem, SourceRef, Statement, WindowSpec, WithinSpec } from './ast.js';
import { ExpressionParser, identText, locOf, rawImage, SemanticError } from './expression-parser.js';
import * as L from './lexer.js';

/** What may follow the select list of a SELECT without FROM. */
const FROMLESS_FOLLOW: readonly TokenType[] = [EOF, L.Window, L.Where, L.Group, L.Partition, L.Having, L.Order, L.Emit, L.Limit];

function stringValue(t: IToken | undefined): string {
  return rawImage(t).slice(1, -1).replace(/''/g, "'");
}

export class StatementParser extends ExpressionParser {
  constructor(validate = false) {
    super(L.allTokens, validate);
    this.performSelfAnalysis();
  }

  properties = this.RULE('properties', (): Properties => {
    const map = new Map<string, PropertyValue>();
    this.CONSUME(L.LParen);
    this.MANY_SEP({
      SEP: L.Comma,
      DEF: () => {
        const key = this.OR([{ ALT: () => this.SUBRULE(this.identifier) }, { ALT: () => stringValue(this.CONSUME(L.StringLiteral)) }]);
        this.CONSUME(L.Equals);
        const v = this.SUBRULE(this.propertyValue);
        this.ACTION(() => map.set(String(key).toUpperCase(), v));
      },
    });
    this.CONSUME(L.RParen);
    return map;
  });

  propertyValue = this.RULE('propertyValue', (): PropertyValue => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(L.StringLiteral);
          return { value: stringValue(t), text: t.image, loc: locOf(t) };
        },
      },
      {
        ALT: () => {
          const neg = this.OPTION(() => this.CONSUME(L.Minus));
          const t = this.OR2([{ ALT: () => this.CONSUME(L.IntegerLiteral) }, { ALT: () => this.CONSUME(L.DecimalLiteral) }]);
          const text = (neg ? '-' : '') + rawImage(t);
          return { value: Number(text), text, loc: locOf(neg ?? t) };
        },
      },
      { ALT: () => ({ value: true, text: 'true', loc: locOf(this.CONSUME(L.True)) }) },
      { ALT: () => ({ value: false, text: 'false', loc: locOf(this.CONSUME(L.False)) }) },
    ]);
  });

  withClause = this.RULE('withClause', (): Properties => {
    this.CONSUME(L.With);
    return this.SUBRULE(this.properties);
  });

  columnDef = this.RULE('columnDef', (): ColumnDef => {
    const nameTok = this.SUBRULE(this.identifierToken);
    const type = this.SUBRULE(this.sqlType);
    let key = false;
    let primaryKey = false;
    let header: ColumnDef['header'];
    this.OPTION(() => {
      this.OR([
        { ALT: () => (this.CONSUME(L.Key), (key = true)) },
        { ALT: () => (this.CONSUME(L.Primary), this.CONSUME2(L.Key), (primaryKey = true)) },
        { ALT: () => (this.CONSUME(L.Headers), (header = { all: true })) },
        {
          ALT: () => {
            this.CONSUME(L.Header);
            this.CONSUME(L.LParen);
            const k = this.CONSUME(L.StringLiteral);
            this.CONSUME(L.RParen);
            header = { key: stringValue(k) };
          },
        },
      ]);
    });
    return { name: identText(nameTok), type, key, primaryKey, loc: locOf(nameTok), ...(header ? { header } : {}) };
  });

  sourceName = this.RULE('sourceName', (): string => this.SUBRULE(this.identifier));

  createStatement = this.RULE('createStatement', (): Statement => {
    const start = this.CONSUME(L.Create);
    let orReplace = false;
    this.OPTION(() => {
      this.CONSUME(L.Or);
      this.CONSUME(L.Replace);
      orReplace = true;
    });
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(L.Type);
          let ifNotExists = false;
          this.OPTION2(() => (this.CONSUME(L.If), this.CONSUME(L.Not), this.CONSUME(L.Exists), (ifNotExists = true)));
          const name = this.SUBRULE(this.identifier);
          this.CONSUME(L.As);
          const type = this.SUBRULE(this.sqlType);
          return { kind: 'CreateType', name, type, ifNotExists, loc: locOf(start) } as Statement;
        },
      },
      {
        ALT: () => {
          const isSource = this.OPTION3(() => this.CONSUME(L.Source)) !== undefined;
          const sourceType = this.OR2([{ ALT: () => (this.CONSUME(L.Stream), 'STREAM' as const) }, { ALT: () => (this.CONSUME(L.Table), 'TABLE' as const) }]);
          let ifNotExists = false;
          this.OPTION4(() => (this.CONSUME2(L.If), this.CONSUME2(L.Not), this.CONSUME2(L.Exists), (ifNotExists = true)));
          const name = this.SUBRULE(this.sourceName);
          const columns: ColumnDef[] = [];
          this.OPTION5(() => {
            this.CONSUME(L.LParen);
            this.MANY_SEP({ SEP: L.Comma, DEF: () => columns.push(this.SUBRULE(this.columnDef)) });
            this.CONSUME(L.RParen);
          });
          let properties: Properties = new Map();
          this.OPTION6(() => (properties = this.SUBRULE(this.withClause)));
          let query: Query | undefined;
          this.OPTION7(() => {
            this.CONSUME2(L.As);
            query = this.SUBRULE(this.query);
          });
          if (query) return { kind: 'CreateAsSelect', sourceType, orReplace, ifNotExists, name, properties, query, loc: locOf(start) } as Statement;
          return { kind: 'CreateSource', sourceType, orReplace, ifNotExists, isSource, name, columns, properties, loc: locOf(start) } as Statement;
        },
      },
    ]);
  });

  insertStatement = this.RULE('insertStatement', (): Statement => {
    const start = this.CONSUME(L.Insert);
    this.CONSUME(L.Into);
    const targetLoc = locOf(this.LA(1));
    const target = this.SUBRULE(this.sourceName);
    return this.OR([
      {
        ALT: () => {
          let properties: Properties = new Map();
          this.OPTION(() => (properties = this.SUBRULE(this.withClause)));
          const query = this.SUBRULE(this.query);
          return { kind: 'InsertInto', target, targetLoc, properties, query, loc: locOf(start) } as Statement;
        },
      },
      {
        ALT: () => {
          let columns: string[] | undefined;
          this.OPTION2(() => {
            this.CONSUME(L.LParen);
            columns = [];
            this.MANY_SEP({ SEP: L.Comma, DEF: () => columns!.push(this.SUBRULE(this.identifier)) });
            this.CONSUME(L.RParen);
          });
          this.CONSUME(L.Values);
          this.CONSUME2(L.LParen);
          const values: Expr[] = [];
          this.MANY_SEP2({ SEP: L.Comma, DEF: () => values.push(this.SUBRULE(this.expression)) });
          this.CONSUME2(L.RParen);
          return { kind: 'InsertValues', target, values, loc: locOf(start), ...(columns ? { columns } : {}) } as Statement;
        },
      },
    ]);
  });

  selectItem = this.RULE('selectItem', (): SelectItem => {
    return this.OR([
      { ALT: () => ({ kind: 'AllColumns', loc: locOf(this.CONSUME(L.Star)) }) as SelectItem },
      {
        GATE: () => this.LA(2).tokenType === L.Dot && this.LA(3).tokenType === L.Star,
        ALT: () => {
          const t = this.SUBRULE(this.identifierToken);
          this.CONSUME(L.Dot);
          this.CONSUME2(L.Star);
          return { kind: 'AllColumns', source: identText(t), loc: locOf(t) } as SelectItem;
        },
      },
      {
        ALT: () => {
          const expr = this.SUBRULE(this.expression);
          return this.OR2([
            {
              ALT: () => {
                this.CONSUME(L.Arrow);
                this.CONSUME3(L.Star);
                return { kind: 'StructAll', expr, loc: expr.loc } as SelectItem;
              },
            },
            {
              ALT: () => {
                let alias: string | undefined;
                this.OPTION({
                  GATE: () => !this.orderByAhead(),
                  DEF: () => {
                    this.OPTION2(() => this.CONSUME(L.As));
                    alias = this.SUBRULE(this.identifier);
                  },
                });
                return { kind: 'SelectExpr', expr, loc: expr.loc, ...(alias !== undefined ? { alias } : {}) } as SelectItem;
              },
            },
          ]);
        },
      },
    ]);
  });

  sourceRef = this.RULE('sourceRef', (): SourceRef => {
    const first = this.SUBRULE(this.identifierToken);
    let name = identText(first);
    let schema: string | undefined;
    this.OPTION(() => {
      this.CONSUME(L.Dot);
      schema = String(name).toUpperCase();
      name = this.SUBRULE(this.identifier);
    });
    let alias: string | undefined;
    this.OPTION2({
      GATE: () => !this.orderByAhead(),
      DEF: () => {
        this.OPTION3(() => this.CONSUME(L.As));
        alias = this.SUBRULE2(this.identifier);
      },
    });
    return { kind: 'SourceRef', name, loc: locOf(first), ...(schema ? { schema } : {}), ...(alias ? { alias } : {}) };
  });

  within = this.RULE('within', (): WithinSpec => {
    const t = this.CONSUME(L.Within);
    let before!: Duration;
    let after!: Duration;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(L.LParen);
          before = this.SUBRULE(this.duration);
          this.CONSUME(L.Comma);
          after = this.SUBRULE2(this.duration);
          this.CONSUME(L.RParen);
        },
      },
      { ALT: () => (before = after = this.SUBRULE3(this.duration)) },
    ]);
    let grace: Duration | undefined;
    this.OPTION(() => {
      this.CONSUME(L.Grace);
      this.CONSUME(L.Period);
      grace = this.SUBRULE4(this.duration);
    });
    return { loc: locOf(t), before, after, ...(grace ? { grace } : {}) };
  });

  relation = this.RULE('relation', (): Relation => {
    let rel: Relation = this.SUBRULE(this.sourceRef);
    this.MANY(() => {
      const start = this.LA(1);
      let type: JoinType = 'INNER';
      this.OPTION5(() => {
        type = this.OR([
          { ALT: () => (this.CONSUME(L.Inner), 'INNER' as JoinType) },
          { ALT: () => (this.CONSUME(L.Left), this.OPTION(() => this.CONSUME(L.Outer)), 'LEFT' as JoinType) },
          { ALT: () => (this.CONSUME(L.Right), this.OPTION2(() => this.CONSUME2(L.Outer)), 'RIGHT' as JoinType) },
          { ALT: () => (this.CONSUME(L.Full), this.OPTION3(() => this.CONSUME3(L.Outer)), 'FULL' as JoinType) },
        ]);
      });
      this.CONSUME(L.Join);
      const right = this.SUBRULE2(this.sourceRef);
      let within: WithinSpec | undefined;
      this.OPTION4(() => (within = this.SUBRULE(this.within)));
      this.CONSUME(L.On);
      const on = this.SUBRULE(this.expression);
      const j: Join = { kind: 'Join', type, left: rel, right, on, loc: locOf(start), ...(within ? { within } : {}) };
      rel = j;
    });
    return rel;
  });

  windowOptions = this.RULE('windowOptions', (): { retention?: Duration; grace?: Duration } => {
    const out: { retention?: Duration; grace?: Duration } = {};
    this.MANY(() => {
      this.CONSUME(L.Comma);
      this.OR([
        { ALT: () => (this.CONSUME(L.Retention), (out.retention = this.SUBRULE(this.duration))) },
        { ALT: () => (this.CONSUME(L.Grace), this.CONSUME(L.Period), (out.grace = this.SUBRULE2(this.duration))) },
      ]);
    });
    return out;
  });

  windowSpec = this.RULE('windowSpec', (): WindowSpec => {
    const t = this.CONSUME(L.Window);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(L.Tumbling);
          this.CONSUME(L.LParen);
          this.CONSUME(L.Size);
          const size = this.SUBRULE(this.duration);
          const opts = this.SUBRULE(this.windowOptions);
          this.CONSUME(L.RParen);
          return { kind: 'TUMBLING', loc: locOf(t), size, ...opts } as WindowSpec;
        },
      },
      {
        ALT: () => {
          this.CONSUME(L.Hopping);
          this.CONSUME2(L.LParen);
          this.CONSUME2(L.Size);
          const size = this.SUBRULE2(this.duration);
          this.CONSUME(L.Comma);
          this.CONSUME(L.Advance);
          this.CONSUME(L.By);
          const advance = this.SUBRULE3(this.duration);
          const opts = this.SUBRULE2(this.windowOptions);
          this.CONSUME2(L.RParen);
          return this.ACTION(() => {
            if (advance.ms > size.ms) throw new SemanticError(`ADVANCE BY (${advance.ms} ms) must not exceed SIZE (${size.ms} ms)`, t);
            return { kind: 'HOPPING', loc: locOf(t), size, advance, ...opts } as WindowSpec;
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(L.Session);
          this.CONSUME3(L.LParen);
          const gap = this.SUBRULE4(this.duration);
          const opts = this.SUBRULE3(this.windowOptions);
          this.CONSUME3(L.RParen);
          return { kind: 'SESSION', loc: locOf(t), gap, ...opts } as WindowSpec;
        },
      },
    ]);
  });

  exprList = this.RULE('exprList', (): Expr[] => {
    const list: Expr[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: L.Comma, DEF: () => list.push(this.SUBRULE(this.expression)) });
    return list;
  });

  /** GROUP BY / PARTITION BY items are value expressions: no comparisons or AND/OR/NOT. */
  valueExprList = this.RULE('valueExprList', (): Expr[] => {
    const list: Expr[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: L.Comma, DEF: () => list.push(this.SUBRULE(this.additive)) });
    return list;
  });

  query = this.RULE('query', (): Query => {
    const t = this.CONSUME(L.Select);
    const select: SelectItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: L.Comma, DEF: () => select.push(this.SUBRULE(this.selectItem)) });
    let from: Relation | undefined;
    this.OPTION8(() => {
      this.CONSUME(L.From);
      from = this.SUBRULE(this.relation);
    });
    // Without FROM only a clause (or the end) may follow the select list: `SELECT * FRM S` is a
    // missing FROM, worded as ksqlDB (whose grammar requires FROM) words it there.
    this.ACTION(() => {
      const next = this.LA(1);
      if (!from && !FROMLESS_FOLLOW.includes(next.tokenType)) throw new SemanticError("Expecting {',', 'FROM'}", next, true);
    });
    let window: WindowSpec | undefined;
    let where: Expr | undefined;
    let groupBy: Expr[] | undefined;
    let partitionBy: Expr[] | undefined;
    let having: Expr | undefined;
    let emit: 'CHANGES' | 'FINAL' | undefined;
    let limit: number | undefined;
    this.OPTION(() => (window = this.SUBRULE(this.windowSpec)));
    this.OPTION2(() => (this.CONSUME(L.Where), (where = this.SUBRULE(this.expression))));
    this.OPTION3(() => {
      this.CONSUME(L.Group);
      this.CONSUME(L.By);
      // The GATE decides (a parenthesised list or an expression); one token of lookahead keeps
      // chevrotain from spending ~0.6 s per start on paths for two alternatives it cannot tell apart.
      this.OR({
        MAX_LOOKAHEAD: 1,
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            GATE: () => this.LA(1).tokenType === L.LParen && this.parenListAhead(),
            ALT: () => {
              this.CONSUME(L.LParen);
              groupBy = this.SUBRULE(this.valueExprList);
              this.CONSUME(L.RParen);
            },
          },
          { ALT: () => (groupBy = this.SUBRULE2(this.valueExprList)) },
        ],
      });
    });
    this.OPTION4(() => {
      this.CONSUME(L.Partition);
      this.CONSUME2(L.By);
      partitionBy = this.SUBRULE3(this.valueExprList);
    });
    this.OPTION5(() => (this.CONSUME(L.Having), (having = this.SUBRULE2(this.expression))));
    let orderBy: OrderBy | undefined;
    this.OPTION9(() => (orderBy = this.SUBRULE(this.orderBy)));
    this.OPTION6(() => {
      this.CONSUME(L.Emit);
      emit = this.OR2([{ ALT: () => (this.CONSUME(L.Changes), 'CHANGES' as const) }, { ALT: () => (this.CONSUME(L.Final), 'FINAL' as const) }]);
    });
    this.OPTION7(() => {
      this.CONSUME(L.Limit);
      limit = Number(rawImage(this.CONSUME(L.IntegerLiteral)));
    });
    return {
      kind: 'Query',
      select,
      ...(from ? { from } : {}),
      loc: locOf(t),
      ...(window ? { window } : {}),
      ...(where ? { where } : {}),
      ...(groupBy ? { groupBy } : {}),
      ...(partitionBy ? { partitionBy } : {}),
      ...(having ? { having } : {}),
      ...(emit ? { emit } : {}),
      ...(orderBy ? { orderBy } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
  });

  orderBy = this.RULE('orderBy', (): OrderBy => {
    const order = this.CONSUME(L.Order);
    const by = this.CONSUME(L.By);
    const items: OrderItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: L.Comma, DEF: () => items.push(this.SUBRULE(this.orderItem)) });
    return { loc: locOf(order), by: locOf(by), items };
  });

  orderItem = this.RULE('orderItem', (): OrderItem => {
    const expr = this.SUBRULE(this.expression);
    let descending = false;
    let nulls: 'FIRST' | 'LAST' | undefined;
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(L.Asc) }, { ALT: () => (this.CONSUME(L.Desc), (descending = true)) }]));
    this.OPTION2(() => {
      this.CONSUME(L.Nulls);
      nulls = this.OR2([{ ALT: () => (this.CONSUME(L.First), 'FIRST' as const) }, { ALT: () => (this.CONSUME(L.Last), 'LAST' as const) }]);
    });
    return { loc: expr.loc, expr, descending, ...(nulls ? { nulls } : {}) };
  });

  /** `ORDER BY` ends the clause before it: ORDER is non-reserved, so it must not be read as an alias. */
  private orderByAhead(): boolean {
    return this.LA(1).tokenType === L.Order && this.LA(2).tokenType === L.By;
  }

  /** GROUP BY (a, b): a parenthesised list, not a parenthesised expression like (a + b). */
  private parenListAhead(): boolean {
    let depth = 0;
    for (let k = 1; k < 400; k++) {
      const t = this.LA(k).tokenType;
      if (t === L.LParen) depth++;
      else if (t === L.RParen) {
        depth--;
        if (depth === 0) return false;
      } else if (t === L.Comma && depth === 1) return true;
      else if (!t || t.name === 'EOF') return false;
    }
    return false;
  }

  dropStatement = this.RULE('dropStatement', (): Statement => {
    const start = this.CONSUME(L.Drop);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(L.Type);
          let ifExists = false;
          this.OPTION(() => (this.CONSUME(L.If), this.CONSUME(L.Exists), (ifExists = true)));
          const name = this.SUBRULE(this.identifier);
          return { kind: 'DropType', name, ifExists, loc: locOf(start) } as Statement;
        },
      },
      {
        ALT: () => {
          const sourceType = this.OR2([{ ALT: () => (this.CONSUME(L.Stream), 'STREAM' as const) }, { ALT: () => (this.CONSUME(L.Table), 'TABLE' as const) }]);
          let ifExists = false;
          this.OPTION2(() => (this.CONSUME2(L.If), this.CONSUME2(L.Exists), (ifExists = true)));
          const name = this.SUBRULE(this.sourceName);
          let deleteTopic = false;
          this.OPTION3(() => (this.CONSUME(L.Delete), this.CONSUME(L.Topic), (deleteTopic = true)));
          return { kind: 'DropSource', sourceType, ifExists, name, deleteTopic, loc: locOf(start) } as Statement;
        },
      },
    ]);
  });

  showStatement = this.RULE('showStatement', (): Statement => {
    const start = this.OR([{ ALT: () => this.CONSUME(L.Show) }, { ALT: () => this.CONSUME(L.List) }]);
    const what = this.OR2([
      { ALT: () => (this.CONSUME(L.Streams), 'STREAMS' as const) },
      { ALT: () => (this.CONSUME(L.Tables), 'TABLES' as const) },
      { ALT: () => (this.CONSUME(L.Queries), 'QUERIES' as const) },
      { ALT: () => (this.CONSUME(L.Topics), 'TOPICS' as const) },
      { ALT: () => (this.CONSUME(L.Functions), 'FUNCTIONS' as const) },
      { ALT: () => (this.CONSUME(L.Properties), 'PROPERTIES' as const) },
      { ALT: () => (this.CONSUME(L.Types), 'TYPES' as const) },
      { ALT: () => (this.CONSUME(L.Sinks), 'SINKS' as const) },
    ]);
    const extended = this.OPTION(() => this.CONSUME(L.Extended)) !== undefined;
    return { kind: 'Show', what, extended, loc: locOf(start) };
  });

  describeStatement = this.RULE('describeStatement', (): Statement => {
    const start = this.CONSUME(L.Describe);
    let extended = this.OPTION(() => this.CONSUME(L.Extended)) !== undefined;
    // STREAMS/TABLES could also name a source; the listing wins, as in ksqlDB.
    const target = this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: () => this.LA(2).tokenType !== L.LParen, ALT: () => (this.CONSUME(L.FunctionKw), { kind: 'function' as const, name: String(this.SUBRULE(this.identifier)).toUpperCase() }) },
        { ALT: () => (this.CONSUME(L.Streams), { kind: 'all' as const, what: 'STREAMS' as const }) },
        { ALT: () => (this.CONSUME(L.Tables), { kind: 'all' as const, what: 'TABLES' as const }) },
        { ALT: () => ({ kind: 'source' as const, name: this.SUBRULE2(this.identifier) }) },
      ],
    });
    this.OPTION2(() => (this.CONSUME2(L.Extended), (extended = true)));
    return { kind: 'Describe', target, extended, loc: locOf(start) };
  });

  explainStatement = this.RULE('explainStatement', (): Statement => {
    const start = this.CONSUME(L.Explain);
    const analyze = this.OPTION(() => this.CONSUME(L.Analyze)) !== undefined;
    return this.OR([
      {
        GATE: () => this.LA(2).tokenType === L.Semicolon || this.LA(2).tokenType?.name === 'EOF',
        ALT: () => ({ kind: 'Explain', analyze, target: { kind: 'queryId', id: identText(this.SUBRULE(this.identifierToken)) }, loc: locOf(start) }) as Statement,
      },
      { ALT: () => ({ kind: 'Explain', analyze, target: { kind: 'statement', statement: this.SUBRULE(this.statement) }, loc: locOf(start) }) as Statement },
    ]);
  });

  miscStatement = this.RULE('miscStatement', (): Statement => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(L.Terminate);
          const id = this.OR2({ IGNORE_AMBIGUITIES: true, DEF: [{ ALT: () => (this.CONSUME(L.All), 'ALL') }, { ALT: () => rawImage(this.SUBRULE(this.identifierToken)) }] });
          return { kind: 'Terminate', queryId: id, loc: locOf(t) } as Statement;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(L.SetKw);
          const name = stringValue(this.CONSUME(L.StringLiteral));
          this.CONSUME(L.Equals);
          const value = stringValue(this.CONSUME2(L.StringLiteral));
          return { kind: 'Set', name, value, loc: locOf(t) } as Statement;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(L.Unset);
          const name = stringValue(this.CONSUME3(L.StringLiteral));
          return { kind: 'Unset', name, loc: locOf(t) } as Statement;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(L.Run);
          this.CONSUME(L.Script);
          return { kind: 'RunScript', path: stringValue(this.CONSUME4(L.StringLiteral)), loc: locOf(t) } as Statement;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(L.Print);
          const topic = this.OR3([{ ALT: () => stringValue(this.CONSUME5(L.StringLiteral)) }, { ALT: () => rawImage(this.SUBRULE2(this.identifierToken)) }]);
          let fromBeginning = false;
          let interval: number | undefined;
          let limit: number | undefined;
          this.OPTION(() => (this.CONSUME(L.From), this.CONSUME(L.Beginning), (fromBeginning = true)));
          this.OPTION2(() => (this.CONSUME(L.Interval), (interval = Number(rawImage(this.CONSUME(L.IntegerLiteral))))));
          this.OPTION3(() => (this.CONSUME(L.Limit), (limit = Number(rawImage(this.CONSUME2(L.IntegerLiteral))))));
          return { kind: 'Print', topic, fromBeginning, loc: locOf(t), ...(interval !== undefined ? { interval } : {}), ...(limit !== undefined ? { limit } : {}) } as Statement;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(L.Update);
          const target = this.SUBRULE(this.sourceName);
          this.CONSUME2(L.SetKw);
          const assignments: { column: string; value: Expr }[] = [];
          this.AT_LEAST_ONE_SEP({
            SEP: L.Comma,
            DEF: () => {
              const column = this.SUBRULE(this.identifier);
              this.CONSUME2(L.Equals);
              assignments.push({ column, value: this.SUBRULE(this.expression) });
            },
          });
          let where: Expr | undefined;
          this.OPTION4(() => (this.CONSUME(L.Where), (where = this.SUBRULE2(this.expression))));
          return { kind: 'Update', target, assignments, loc: locOf(t), ...(where ? { where } : {}) } as Statement;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(L.Delete);
          this.CONSUME2(L.From);
          const target = this.SUBRULE2(this.sourceName);
          let where: Expr | undefined;
          this.OPTION5(() => (this.CONSUME2(L.Where), (where = this.SUBRULE3(this.expression))));
          return { kind: 'Delete', target, loc: locOf(t), ...(where ? { where } : {}) } as Statement;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(L.Copy);
          const target = this.SUBRULE3(this.sourceName);
          this.CONSUME3(L.From);
          const path = stringValue(this.CONSUME6(L.StringLiteral));
          let properties: Properties = new Map();
          this.OPTION6(() => (properties = this.SUBRULE(this.withClause)));
          return { kind: 'Copy', target, path, properties, loc: locOf(t) } as Statement;
        },
      },
    ]);
  });

  /** ksqlDB's resourceName: a string, or an identifier kept as written (ASSERT TOPIC foo names topic foo). */
  resourceName = this.RULE('resourceName', (): string =>
    this.OR([
      { ALT: () => stringValue(this.CONSUME(L.StringLiteral)) },
      {
        ALT: () => {
          const t = this.SUBRULE(this.identifierToken);
          const img = rawImage(t);
          return img.startsWith('`') || img.startsWith('"') ? identText(t) : img;
        },
      },
    ]),
  );

  /** `TIMEOUT 5 SECONDS`: how long ksqlDB retries an ASSERT. */
  assertTimeout = this.RULE('assertTimeout', (): Duration => {
    this.CONSUME(L.Timeout);
    return this.SUBRULE(this.duration);
  });

  /** `ASSERT [NOT EXISTS] TOPIC … | SCHEMA …` (ksqlDB's assertTopic / assertSchema). */
  assertStatement = this.RULE('assertStatement', (): Statement => {
    const start = this.CONSUME(L.Assert);
    let exists = true;
    this.OPTION(() => (this.CONSUME(L.Not), this.CONSUME(L.Exists), (exists = false)));
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(L.Topic);
          const topic = this.SUBRULE(this.resourceName);
          let properties: Properties = new Map();
          this.OPTION2(() => (this.CONSUME(L.With), (properties = this.SUBRULE(this.properties))));
          let t: Duration | undefined;
          this.OPTION4(() => (t = this.SUBRULE(this.assertTimeout)));
          return { kind: 'AssertTopic', topic, properties, exists, loc: locOf(start), ...(t ? { timeout: t } : {}) } as Statement;
        },
      },
      {
        ALT: () => {
          this.CONSUME(L.Schema);
          let subject: string | undefined;
          let id: PropertyValue | undefined;
          this.OPTION3(() => (this.CONSUME(L.Subject), (subject = this.SUBRULE2(this.resourceName))));
          this.OPTION5(() => (this.CONSUME(L.Id), (id = this.SUBRULE(this.propertyValue))));
          let t: Duration | undefined;
          this.OPTION6(() => (t = this.SUBRULE2(this.assertTimeout)));
          return this.ACTION(() => {
            if (subject === undefined && id === undefined) throw new SemanticError('ASSERT SCHEMA statements much include a subject name or an id', start);
            if (id !== undefined && !(typeof id.value === 'number' && /^-?[0-9]+$/.test(id.text) && Math.abs(id.value) <= 2147483647)) throw new SemanticError('ID must be an integer', start);
            return {
              kind: 'AssertSchema',
              exists,
              loc: locOf(start),
              ...(subject !== undefined ? { subject } : {}),
              ...(id !== undefined ? { id: id.value as number } : {}),
              ...(t ? { timeout: t } : {}),
            } as Statement;
          });
        },
      },
    ]);
  });

  statement = this.RULE('statement', (): Statement => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.createStatement) },
      { ALT: () => this.SUBRULE(this.insertStatement) },
      { ALT: () => this.SUBRULE(this.query) },
      { ALT: () => this.SUBRULE(this.dropStatement) },
      { ALT: () => this.SUBRULE(this.showStatement) },
      { ALT: () => this.SUBRULE(this.describeStatement) },
      { ALT: () => this.SUBRULE(this.explainStatement) },
      { ALT: () => this.SUBRULE(this.miscStatement) },
      { ALT: () => this.SUBRULE(this.assertStatement) },
    ]);
  });
}
