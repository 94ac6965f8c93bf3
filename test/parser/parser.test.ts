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
      'CreateSource', 'CreateSource', 'CreateSource', 'CreateAsSelect', 'InsertInto', 'InsertValues', 'Query', 'DropSource',
      'Show', 'Show', 'Show', 'Show', 'Show', 'Show', 'Show', 'Describe', 'Describe', 'Describe', 'Describe',
      'Explain', 'Explain', 'Explain', 'Terminate', 'Terminate', 'Set', 'Unset', 'RunScript', 'Print', 'CreateType', 'DropType',
      'Update', 'Delete', 'Copy',
    ]);
  });

  it('keeps each statement text and normalises identifiers', () => {
    const [a] = parse("select `MixedCase`, plain from s  ;");
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
    if (q.kind !== 'Query' || q.from.kind !== 'Join' || q.from.left.kind !== 'Join') throw new Error('shape');
    expect(q.from.type).toBe('FULL');
    expect(q.from.left.type).toBe('LEFT');
    expect(q.from.left.within).toMatchObject({ before: { ms: 1000 }, after: { ms: 2000 }, grace: { ms: 3000 } });
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

  it("answers a newcomer's first SQL with ksqlDB's refusal and what to write instead", () => {
    const err = (sql: string) => {
      try {
        parse(sql);
      } catch (e) {
        return e as SqlError;
      }
      throw new Error('parsed');
    };
    for (const sql of ['SELECT 1;', 'SHOW STREAMS;\nSELECT 1 + 1 AS x;']) {
      expect(err(sql).message).toMatch(/Syntax Error\nExpecting \{',', 'FROM'\}\nStatement: .*\n.*there is no SELECT without FROM\): .* e\.g\. SELECT 1 \+ 1 AS X FROM CLICKS LIMIT 1;/);
    }
    expect(err('SHOW STREAMS;\nSELECT 1 + 1 AS x;').position).toMatchObject({ line: 2, column: 18 });
    expect(err('SELECT * FROM T WHERE A = 1 ORDER BY A;')).toMatchObject({ position: { line: 1, column: 29 }, message: expect.stringMatching(/^line 1:29: Syntax Error\n\nStatement: SELECT \* FROM T WHERE A = 1 ORDER BY A;\nksqlDB SQL has no ORDER BY/) });
    expect(err('SELECT * FROM T ORDER BY A;').message).toMatch(/has no ORDER BY/);
    // A typo keeps the plain message.
    expect(err('SELECT * FRM S;').message).not.toMatch(/no SELECT without FROM/);
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
  const tokens = ['SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', '(', ')', ',', ';', '*', '+', '=', "'s'", '1', '1.5', 'a', 'b.c', '->', '[', ']', 'CASE', 'WHEN', 'END', 'JOIN', 'ON', 'WINDOW', 'TUMBLING', 'SIZE', 'SECONDS', 'EMIT', 'CHANGES', 'CREATE', 'STREAM', 'WITH', 'AS', 'NULL', 'NOT', 'IN', 'x =>', 'ARRAY', 'MAP', ':='];
  it('on random token soups', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 30 }), (ts) => neverCrashes(ts.join(' '))), { numRuns: 500 });
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
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => neverCrashes(s)), { numRuns: 500 });
  });

  it('planning parsed queries gives a plan or a positioned SqlError', () => {
    const catalog = new Catalog();
    catalog.put({ name: 'S', kind: 'STREAM', columns: [{ name: 'ID', type: T.INTEGER, role: 'key' }, { name: 'V', type: T.STRING, role: 'value' }, { name: 'N', type: T.BIGINT, role: 'value' }], topic: 's', partitions: 1, keyFormat: 'KAFKA', valueFormat: 'JSON', readOnly: false, sql: '' });
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
