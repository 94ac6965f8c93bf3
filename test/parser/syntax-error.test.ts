import { describe, expect, it } from 'vitest';
import { parse, type SqlError } from '../../src/parser/index.js';

function err(sql: string): SqlError {
  try {
    parse(sql);
  } catch (e) {
    return e as SqlError;
  }
  throw new Error(`parsed: ${sql}`);
}

// ksqlDB's form: `line L:C: Syntax Error`, what went wrong, `Statement: <the line>`.
describe('syntax errors in ksqlDB wording', () => {
  it('names the tokens a set match would take (a type parameter is an integer or STRING)', () => {
    const sql = "CREATE STREAM S (K BIGINT (KEY)) WITH (kafka_topic='s', value_format='JSON');";
    const e = err(sql);
    expect(e.message).toBe(`line 1:28: Syntax Error\nExpecting {'STRING', INTEGER_VALUE}\nStatement: ${sql}`);
    expect(e.position).toMatchObject({ line: 1, column: 28 });
    expect(e.bareMessage).toBe("Syntax Error\nExpecting {'STRING', INTEGER_VALUE}");
  });

  it('reads type parameters as ksqlDB does: the base type, parameters dropped', () => {
    const [s] = parse("CREATE STREAM S (A VARCHAR(10), B DECIMAL(4, 2)) WITH (kafka_topic='s', value_format='JSON');");
    expect(s!.statement).toMatchObject({
      columns: [
        { name: 'A', type: { kind: 'STRING' } },
        { name: 'B', type: { kind: 'DECIMAL', precision: 4, scale: 2 } },
      ],
    });
  });

  it('lists what the rule could take next, or nothing when that is more than three tokens', () => {
    expect(err('SELECT * FRM S;').message).toBe("line 1:10: Syntax Error\nExpecting {',', 'FROM'}\nStatement: SELECT * FRM S;");
    expect(err('SELECT * FROM S WHERE A BETWEEN 1;').message).toMatch(/^line 1:34: Syntax Error\nExpecting 'AND'\n/);
    expect(err('SELECT A FROM S GROUP BY A OR B;').message).toBe('line 1:28: Syntax Error\n\nStatement: SELECT A FROM S GROUP BY A OR B;');
  });

  it('says which token is missing when the next one fits after it', () => {
    expect(err('SELECT ABS((A, B)) FROM S;').message).toMatch(/^line 1:14: Syntax Error\nmissing '\)' at ','\n/);
  });

  it('blames the token where no alternative fits, with its line in the script', () => {
    const e = err('SHOW STREAMS;\nSELECT CAST(A AS NULL)\n  FROM S;');
    expect(e.message).toBe("line 2:18: Syntax Error\nSyntax error at or near 'NULL' at line 2:18\nStatement: SELECT CAST(A AS NULL)");
    expect(err('SELECT * FROM S EMIT;').message).toMatch(/Syntax error at or near ';' at line 1:21/);
  });

  it('suggests the nearest statement for a mistyped first word', () => {
    expect(err('SHWO STREAMS;').message).toBe("line 1:1: Syntax Error\nUnknown statement 'SHWO'\nDid you mean 'SHOW'?\nStatement: SHWO STREAMS;");
    expect(err('PAUSE ALL;').message).toBe("line 1:1: Syntax Error\nUnknown statement 'PAUSE'\nksqlDB's PAUSE statement is not supported by Eddy\nStatement: PAUSE ALL;");
  });

  it('points at an unclosed bracket at the end of the statement', () => {
    expect(err('INSERT INTO S (A, B) VALUES (1, 2').message).toBe(`line 1:34: Syntax Error\nSyntax error at or near ";"\n'}', ']', or ')' is missing\nStatement: INSERT INTO S (A, B) VALUES (1, 2`);
  });

  it('says a reserved word cannot name a column', () => {
    expect(err("CREATE STREAM S (ID INT, FROM INT) WITH (kafka_topic='s', value_format='JSON');").message).toMatch(
      /^line 1:26: Syntax Error\n"FROM" is a reserved keyword and it can't be used as an identifier\./,
    );
  });

  it('words a lexer error the same way', () => {
    expect(err("SELECT * FROM S WHERE A = 'abc;").message).toBe("line 1:27: Syntax Error\nunterminated string literal\nStatement: SELECT * FROM S WHERE A = 'abc;");
  });

  it('stays quick on a long statement (content assist is not asked past 5000 tokens)', () => {
    const cols = Array.from({ length: 700 }, (_, i) => `ABS(A${i} + ${i}) AS C${i}`).join(', ');
    const t = Date.now();
    expect(err(`SELECT ${cols} FRM S;`).message).toMatch(/^line 1:\d+: Syntax Error\nExpecting \{',', 'FROM'\}\n/);
    expect(Date.now() - t).toBeLessThan(3000);
  });
});
