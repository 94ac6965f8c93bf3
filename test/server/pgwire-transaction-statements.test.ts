// PostgreSQL's transaction and cursor statements as the pgwire front end reads them: the forms
// psql and psycopg send, PostgreSQL's name folding, Materialize's FETCH timeout, the refusals of
// the directions of a SCROLL cursor's FETCH (the NO SCROLL refusal is cursor-fetch.ts's, at run time), and a simple Query cut at its top-level semicolons.

import { describe, expect, it } from 'vitest';
import { parseTransactionStatement as parse, splitStatements } from '../../src/server/pgwire/transaction-statements.js';

const code = (sql: string): string | undefined => {
  try {
    parse(sql);
    return undefined;
  } catch (e) {
    return (e as { fields?: { code: string } }).fields?.code;
  }
};

describe('transaction and cursor statements', () => {
  it('reads what psql and psycopg send', () => {
    expect(parse('BEGIN')).toEqual({ kind: 'begin' });
    expect(parse('start transaction isolation level read committed, read only;')).toEqual({ kind: 'begin' });
    expect(parse('END')).toEqual({ kind: 'commit' });
    expect(parse('abort work')).toEqual({ kind: 'rollback' });
    const q = 'DECLARE _psql_cursor NO SCROLL CURSOR FOR\nSELECT ID FROM T';
    expect(parse(q)).toEqual({ kind: 'declare', name: '_psql_cursor', hold: false, scroll: false, query: 'SELECT ID FROM T', queryOffset: q.indexOf('SELECT') });
    expect(parse('DECLARE "My Cur" CURSOR WITH HOLD FOR (SELECT 1);')).toMatchObject({ name: 'My Cur', hold: true, query: '(SELECT 1)' });
    expect(parse('FETCH FORWARD 100 FROM _psql_cursor')).toEqual({ kind: 'fetch', move: false, name: '_psql_cursor', direction: 'forward', count: 100, timeoutMs: undefined });
    expect(parse('FETCH FORWARD ALL FROM "c"')).toMatchObject({ name: 'c', count: Infinity });
    expect(parse('fetch c')).toMatchObject({ name: 'c', count: 1 });
    expect(parse('MOVE 3 IN C')).toMatchObject({ move: true, name: 'c', count: 3 });
    expect(parse("FETCH 10 c WITH (timeout = '250ms')")).toMatchObject({ count: 10, timeoutMs: 250 });
    expect(parse("FETCH ALL c WITH (TIMEOUT '2 seconds')")).toMatchObject({ timeoutMs: 2000 });
    expect(parse('CLOSE ALL')).toEqual({ kind: 'close', name: undefined });
    expect(parse('/* psql */ CLOSE "x"')).toEqual({ kind: 'close', name: 'x' });
    // Eddy SQL is not theirs.
    expect(parse('SELECT * FROM T EMIT CHANGES;')).toBeUndefined();
    expect(parse("SET 'auto.offset.reset'='earliest';")).toBeUndefined();
  });

  it('reads every FETCH direction', () => {
    expect(parse('DECLARE c SCROLL CURSOR FOR SELECT 1')).toMatchObject({ scroll: true });
    expect(parse('FETCH BACKWARD 2 FROM c')).toMatchObject({ direction: 'backward', count: 2 });
    expect(parse('FETCH BACKWARD ALL FROM c')).toMatchObject({ direction: 'backward', count: Infinity });
    expect(parse('FETCH -3 FROM c')).toMatchObject({ direction: 'backward', count: 3 });
    expect(parse('FETCH BACKWARD -3 FROM c')).toMatchObject({ direction: 'forward', count: 3 });
    expect(parse('FETCH PRIOR FROM c')).toMatchObject({ direction: 'backward', count: 1 });
    expect(parse('FETCH FIRST FROM c')).toMatchObject({ direction: 'absolute', count: 1 });
    expect(parse('FETCH LAST FROM c')).toMatchObject({ direction: 'absolute', count: -1 });
    expect(parse('MOVE ABSOLUTE -2 IN c')).toMatchObject({ move: true, direction: 'absolute', count: -2 });
    expect(parse('FETCH RELATIVE 0 c')).toMatchObject({ direction: 'relative', count: 0 });
    expect(parse('FETCH 0 c')).toMatchObject({ direction: 'forward', count: 0 });
  });

  it("refuses what Eddy's cursors cannot do, with PostgreSQL's SQLSTATEs", () => {
    expect(code('FETCH ABSOLUTE FROM c')).toBe('42601');
    expect(code('DECLARE c BINARY CURSOR FOR SELECT 1')).toBe('0A000');
    expect(code('SAVEPOINT a')).toBe('0A000');
    expect(code('ROLLBACK TO SAVEPOINT a')).toBe('0A000');
    expect(code('DECLARE c CURSOR FOR INSERT INTO T VALUES (1)')).toBe('42601');
    expect(code('FETCH 1 FROM c extra')).toBe('42601');
    expect(code("FETCH 1 FROM c WITH (timeout = 'soon')")).toBe('22007');
  });

  it('cuts a simple Query at top-level semicolons only', () => {
    const sql = 'BEGIN; INSERT INTO T VALUES (\'a;b\'); -- x;y\nDECLARE "c;" CURSOR FOR SELECT `A;` FROM T /* ; */; FETCH 1 FROM "c;"';
    expect(splitStatements(sql).map((p) => p.text.trim())).toEqual(['BEGIN;', "INSERT INTO T VALUES ('a;b');", '-- x;y\nDECLARE "c;" CURSOR FOR SELECT `A;` FROM T /* ; */;', 'FETCH 1 FROM "c;"']);
    expect(splitStatements('SELECT 1;  ').map((p) => p.offset)).toEqual([0]);
  });
});
