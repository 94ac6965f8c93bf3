import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, parseExpression, parseStatement, suggestAt, SqlError } from '../../src/parser/index.js';
import { exprText } from '../../src/planner/expr-text.js';
import { planQuery } from '../../src/planner/plan-query.js';
import { Catalog } from '../../src/planner/catalog.js';
import { T } from '../../src/parser/sql-type.js';

describe('statements', () => {
  it('parses every statement kind', () => {
    const kinds = parse(`
      CREATE STREAM S (ID INT KEY, V STRING, H BYTES HEADER('h')) WITH (kafka_topic='s', value_format='JSON', partitions=2);
      CREATE OR REPLACE TABLE T (ID INT PRIMARY KEY, N BIGINT) WITH (kafka_topic='t', format='JSON');
      CREATE SOURCE TABLE ST (ID INT PRIMARY KEY) WITH (kafka_topic='st', value_format='JSON');
      CREATE TABLE C AS SELECT ID, COUNT(*) FROM S WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY ID EMIT FINAL;
      INSERT INTO S SELECT * FROM S2;
      INSERT INTO S (ID, V) VALUES (1, 'x');
      SELECT * FROM S WHERE ID BETWEEN 1 AND 3 PARTITION BY V EMIT CHANGES LIMIT 10;
      DROP STREAM IF EXISTS S DELETE TOPIC;
      SHOW STREAMS; LIST TABLES; SHOW QUERIES EXTENDED; SHOW TOPICS; SHOW FUNCTIONS; SHOW PROPERTIES; SHOW TYPES;
      DESCRIBE S; DESCRIBE EXTENDED S; DESCRIBE FUNCTION ABS; DESCRIBE STREAMS EXTENDED;
      EXPLAIN SELECT * FROM S EMIT CHANGES; EXPLAIN CSAS_X_0; EXPLAIN ANALYZE SELECT * FROM S;
      TERMINATE CSAS_X_0; TERMINATE ALL;
      SET 'auto.offset.reset' = 'earliest'; UNSET 'auto.offset.reset';
      RUN SCRIPT '/tmp/x.sql';
      PRINT 'topic' FROM BEGINNING INTERVAL 2 LIMIT 5;
      CREATE TYPE ADDRESS AS STRUCT<STREET STRING, ZIP INT>; DROP TYPE IF EXISTS ADDRESS;
      UPDATE T SET N = N + 1 WHERE ID = 2; DELETE FROM T WHERE ID = 3; COPY T FROM 'x.csv' WITH (format='CSV');
    `).map((p) => p.statement.kind);
    expect(kinds).toEqual([
      'CreateSource',
      'CreateSource',
      'CreateSource',
      'CreateAsSelect',
      'InsertInto',
      'InsertValues',
      'Query',
      'DropSource',
      'Show',
      'Show',
      'Show',
      'Show',
      'Show',
      'Show',
      'Show',
      'Describe',
      'Describe',
      'Describe',
      'Describe',
      'Explain',
      'Explain',
      'Explain',
      'Terminate',
      'Terminate',
      'Set',
      'Unset',
      'RunScript',
      'Print',
      'CreateType',
      'DropType',
      'Update',
      'Delete',
      'Copy',
    ]);
  });

  it('keeps each statement text and normalises identifiers', () => {
    const [a] = parse('select `MixedCase`, plain from s  ;');
    expect(a!.text).toBe('select `MixedCase`, plain from s');
    const q = a!.statement;
    if (q.kind !== 'Query') throw new Error('not a query');
    expect(q.select.map((i) => (i.kind === 'SelectExpr' && i.expr.kind === 'ColumnRef' ? i.expr.name : ''))).toEqual(['MixedCase', 'PLAIN']);
  });

  it('lets keywords name columns, and reads digit-led identifiers', () => {
    expect(() => parse("CREATE STREAM S (KEY STRING KEY, VALUE INT, SIZE INT, TIMESTAMP BIGINT) WITH (kafka_topic='s', value_format='JSON');")).not.toThrow();
    expect(() => parse('SELECT ROUND(V, -1) AS 1R FROM S;')).not.toThrow();
  });

  it('joins, windows and struct stars', () => {
    const q = parseStatement('SELECT a.*, b->c->*, x[1] FROM l a LEFT OUTER JOIN r b WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 3 SECONDS ON a.id = b.id FULL JOIN t ON a.id = t.id EMIT CHANGES;');
    if (q.kind !== 'Query' || q.from?.kind !== 'Join' || q.from.left.kind !== 'Join') throw new Error('shape');
    const from = q.from;
    const left = q.from.left;
    expect(from.type).toBe('FULL');
    expect(left.type).toBe('LEFT');
    expect(left.within).toMatchObject({ before: { ms: 1000 }, after: { ms: 2000 }, grace: { ms: 3000 } });
    expect(q.select.map((s) => s.kind)).toEqual(['AllColumns', 'StructAll', 'SelectExpr']);
  });
});

describe('expressions', () => {
  it('follows ksqlDB precedence', () => {
    expect(exprText(parseExpression('a OR b AND NOT c = 1 + 2 * 3'))).toBe('(A OR (B AND (NOT (C = (1 + (2 * 3))))))');
    expect(exprText(parseExpression("x NOT BETWEEN 1 AND 2 AND y NOT IN (1, 2) OR z NOT LIKE 'a%'"))).toBe("(((X NOT BETWEEN 1 AND 2) AND (Y NOT IN (1, 2))) OR (Z NOT LIKE 'a%'))");
    expect(exprText(parseExpression('-5'))).toBe('-5');
    expect(exprText(parseExpression("CASE WHEN a > 1 THEN 'x' ELSE 'y' END"))).toBe("CASE WHEN (A > 1) THEN 'x' ELSE 'y' END");
    expect(exprText(parseExpression('TRANSFORM(arr, (x, y) => x + y)'))).toBe('TRANSFORM(ARR, (X, Y) => (X + Y))');
    expect(exprText(parseExpression("MAP('a' := 1)['a'] + ARRAY[1, 2][1] + STRUCT(f := 1)->F"))).toBe("((MAP('a':=1)['a'] + ARRAY[1, 2][1]) + STRUCT(F:=1)->F)");
    expect(exprText(parseExpression('CAST(a AS DECIMAL(10, 2)) IS NOT NULL'))).toBe('(CAST(A AS DECIMAL(10, 2)) IS NOT NULL)');
  });
});

describe('errors', () => {
  it('carry line and column', () => {
    const err = (sql: string) => {
      try {
        parse(sql);
      } catch (e) {
        return e as SqlError;
      }
      throw new Error('parsed');
    };
    expect(err('SELECT * FRM S;').position).toMatchObject({ line: 1, column: 10 });
    expect(err('SELECT *\nFROM S\nWHERE (A = ;').position).toMatchObject({ line: 3 });
    expect(err("SELECT 'open FROM S;").message).toMatch(/unterminated string/);
    expect(err('SELECT * FROM S WINDOW TUMBLING (SIZE 5 BOBS) GROUP BY A;').message).toMatch(/Invalid time unit 'BOBS'/);
  });

  it("answers a newcomer's misplaced ORDER BY with ksqlDB's refusal and what to write instead", () => {
    const err = (sql: string) => {
      try {
        parse(sql);
      } catch (e) {
        return e as SqlError;
      }
      throw new Error('parsed');
    };
    // ORDER BY goes before EMIT and LIMIT; after them it is still a syntax error, with the hint.
    expect(err('SELECT * FROM T LIMIT 1 ORDER BY A;')).toMatchObject({
      position: { line: 1, column: 25 },
      message: expect.stringMatching(/^line 1:25: Syntax Error\n\nStatement: .*\nORDER BY goes before EMIT and LIMIT/),
    });
    // A misspelt FROM is a missing FROM (as in ksqlDB, whose grammar requires it), not a SELECT without one.
    expect(err('SELECT * FRM S;')).toMatchObject({ position: { line: 1, column: 10 }, message: "line 1:10: Syntax Error\nExpecting {',', 'FROM'}\nStatement: SELECT * FRM S;" });
    expect(err('SELECT A B C FROM S;')).toMatchObject({ position: { line: 1, column: 12 }, message: expect.stringMatching(/Expecting \{',', 'FROM'\}/) });
  });

  it('reads a SELECT without FROM (Eddy)', () => {
    for (const sql of ['SELECT 1;', "SELECT 1 + 2 AS X, 'a';", 'SELECT ABS(-3) WHERE TRUE LIMIT 1;']) {
      const q = parseStatement(sql);
      if (q.kind !== 'Query') throw new Error('shape');
      expect(q.from).toBeUndefined();
    }
    const q = parseStatement("SELECT 1 + 2 AS X, 'a' WHERE 1 < 2 LIMIT 3;");
    if (q.kind !== 'Query') throw new Error('shape');
    expect(q.select.map((s) => (s.kind === 'SelectExpr' ? s.alias : s.kind))).toEqual(['X', undefined]);
    expect(q).toMatchObject({ where: { kind: 'Comparison' }, limit: 3 });
  });

  it('reads ORDER BY items with direction and NULLS placement (Eddy)', () => {
    const q = parseStatement('SELECT A, B FROM T WHERE A > 1 ORDER BY A DESC NULLS LAST, B + 1, 2 ASC NULLS FIRST LIMIT 5;');
    if (q.kind !== 'Query' || !q.orderBy) throw new Error('shape');
    expect(q.orderBy.items.map((i) => [exprText(i.expr), i.descending, i.nulls])).toEqual([
      ['A', true, 'LAST'],
      ['(B + 1)', false, undefined],
      ['2', false, 'FIRST'],
    ]);
    // BY's position: where ksqlDB, which reads `T ORDER` as an alias, reports its syntax error.
    expect(q.orderBy.by).toMatchObject({ line: 1, column: 38 });
    expect(q).toMatchObject({ from: { kind: 'SourceRef', name: 'T' }, limit: 5 });
    // Before EMIT, and without FROM; ORDER is still a name where no BY follows it.
    expect(parseStatement('SELECT * FROM T ORDER BY A EMIT CHANGES;')).toMatchObject({ emit: 'CHANGES', orderBy: { items: [{ descending: false }] } });
    expect(parseStatement('SELECT 1 AS A ORDER BY A;')).toMatchObject({ orderBy: { items: [{ expr: { kind: 'ColumnRef', name: 'A' } }] } });
    expect(parseStatement('SELECT 1 ORDER BY 1;')).toMatchObject({ select: [{ kind: 'SelectExpr' }], orderBy: { items: [{ expr: { kind: 'NumberLiteral' } }] } });
    expect(parseStatement('SELECT ORDER FROM T ORDER;')).toMatchObject({ select: [{ expr: { name: 'ORDER' } }], from: { alias: 'ORDER' } });
    expect(parseStatement('SELECT A ORDER FROM T AS ORDER ORDER BY ORDER;')).toMatchObject({
      select: [{ alias: 'ORDER' }],
      from: { alias: 'ORDER' },
      orderBy: { items: [{ expr: { name: 'ORDER' } }] },
    });
  });

  it('suggests keywords for completion', () => {
    expect(suggestAt('SELECT * FROM S EM', 18)).toEqual(['EMIT']);
    expect(suggestAt('CREATE ', 7)).toEqual(expect.arrayContaining(['STREAM', 'TABLE', 'TYPE']));
  });
});

const VALID = [
  "CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON');",
  'SELECT ID, COUNT(*) AS C FROM S WINDOW TUMBLING (SIZE 10 SECONDS) WHERE V IS NOT NULL GROUP BY ID EMIT CHANGES;',
  "SELECT a.ID, CASE WHEN V LIKE 'x%' THEN 1 ELSE 2 END FROM S a JOIN T b ON a.ID = b.ID EMIT CHANGES LIMIT 3;",
  "INSERT INTO S (ID, V) VALUES (1, 'x');",
  'CREATE TABLE C AS SELECT ID, SUM(N) FROM S GROUP BY ID HAVING SUM(N) > 10;',
];

function neverCrashes(sql: string): void {
  try {
    const statements = parse(sql);
    expect(Array.isArray(statements)).toBe(true);
  } catch (e) {
    if (!(e instanceof SqlError)) throw e;
    expect(e.position?.line).toBeGreaterThanOrEqual(1);
    expect(e.position?.column).toBeGreaterThanOrEqual(1);
  }
}

describe('property: the parser never crashes', () => {
  const tokens = [
    'SELECT',
    'FROM',
    'WHERE',
    'GROUP',
    'BY',
    '(',
    ')',
    ',',
    ';',
    '*',
    '+',
    '=',
    "'s'",
    '1',
    '1.5',
    'a',
    'b.c',
    '->',
    '[',
    ']',
    'CASE',
    'WHEN',
    'END',
    'JOIN',
    'ON',
    'WINDOW',
    'TUMBLING',
    'SIZE',
    'SECONDS',
    'EMIT',
    'CHANGES',
    'CREATE',
    'STREAM',
    'WITH',
    'AS',
    'NULL',
    'NOT',
    'IN',
    'x =>',
    'ARRAY',
    'MAP',
    ':=',
  ];
  it('on random token soups', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 30 }), (ts) => neverCrashes(ts.join(' '))),
      { numRuns: 500 },
    );
  });

  it('on mutations of valid statements (deleted, inserted and swapped tokens)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('del', 'ins', 'swap')), { maxLength: 4 }), fc.constantFrom(...tokens), (sql, edits, extra) => {
        const words = sql.split(/\s+/);
        for (const [i, j, op] of edits) {
          const a = i % words.length;
          const b = j % words.length;
          if (op === 'del') words.splice(a, 1);
          else if (op === 'ins') words.splice(a, 0, extra);
          else [words[a], words[b]] = [words[b]!, words[a]!];
          if (words.length === 0) words.push('SELECT');
        }
        neverCrashes(words.join(' '));
      }),
      { numRuns: 500 },
    );
  });

  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => neverCrashes(s)),
      { numRuns: 500 },
    );
  });

  it('planning parsed queries gives a plan or a positioned SqlError', () => {
    const catalog = new Catalog();
    catalog.put({
      name: 'S',
      kind: 'STREAM',
      columns: [
        { name: 'ID', type: T.INTEGER, role: 'key' },
        { name: 'V', type: T.STRING, role: 'value' },
        { name: 'N', type: T.BIGINT, role: 'value' },
      ],
      topic: 's',
      partitions: 1,
      keyFormat: 'KAFKA',
      valueFormat: 'JSON',
      readOnly: false,
      sql: '',
    });
    const exprs = ['ID', 'V', 'N', '1', "'x'", 'N + 1', 'V + 1', 'COUNT(*)', 'SUM(V)', 'ABS(N)', 'NOPE', 'ID = V', 'CAST(V AS INT)', 'ARRAY[1, V]'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...exprs), { minLength: 1, maxLength: 4 }), fc.option(fc.constantFrom(...exprs)), fc.boolean(), (sel, where, group) => {
        const sql = `SELECT ${sel.join(', ')} FROM S${where ? ` WHERE ${where}` : ''}${group ? ' GROUP BY ID' : ''} EMIT CHANGES;`;
        try {
          const q = parseStatement(sql);
          if (q.kind === 'Query') planQuery(q, catalog, { sink: () => {} });
        } catch (e) {
          if (!(e instanceof SqlError)) throw e;
          expect(e.position?.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('grammar', () => {
  it("passes chevrotain's own validations (skipped at start-up for speed)", async () => {
    const { StatementParser } = await import('../../src/parser/statement-parser.js');
    expect(() => new StatementParser(true)).not.toThrow();
  }, 120_000);
});
