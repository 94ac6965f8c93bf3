// The PostgreSQL wire protocol driven by psycopg 3 (Python, libpq underneath), a child process
// against a real server: SCRAM with the token, parameters bound server-side (the extended
// protocol, most of them in binary: int2/int8, numeric, float8, bool, timestamptz, and lists as
// arrays or untyped text), typed values read back by psycopg's own parsers, an error's SQLSTATE,
// message and position, binary results (cursor(binary=True)), statements psycopg prepares by itself after five runs, executemany's
// pipeline, and a push query read row by row and cancelled with conn.cancel() (a CancelRequest)
// while the session goes on.

import { describe, expect, it } from 'vitest';
import { start } from './helpers.js';
import { psycopgTestable, run } from './pgwire-clients.js';

const SCRIPT = String.raw`
import datetime, decimal, json, queue, sys, threading
import psycopg

port, password = int(sys.argv[1]), sys.argv[2]
out = {}

def connect(**kw):
    return psycopg.connect(host='127.0.0.1', port=port, user='eddy', dbname='eddy', password=password, **kw)

def typed(v):
    # A value as psycopg gave it: its Python type and a JSON-able form (an int as its digits:
    # JSON numbers past 2^53 would not survive JavaScript).
    if isinstance(v, int) and not isinstance(v, bool):
        return ['int', str(v)]
    if isinstance(v, (datetime.datetime, datetime.date, decimal.Decimal)):
        return [type(v).__name__, v.isoformat() if hasattr(v, 'isoformat') else str(v)]
    return [type(v).__name__, v]

conn = connect(autocommit=True)
out['server_version'] = conn.info.server_version
cur = conn.cursor()
cur.execute("CREATE STREAM ORDERS (ID INT KEY, NAME STRING, N BIGINT, AMOUNT DOUBLE, PRICE DECIMAL(10,2), PAID BOOLEAN, AT TIMESTAMP, TAGS ARRAY<STRING>) WITH (kafka_topic='orders', value_format='JSON', partitions=1)")
out['create'] = cur.statusmessage
insert = "INSERT INTO ORDERS (ID, NAME, N, AMOUNT, PRICE, PAID, AT, TAGS) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
cur.execute(insert, (1, "o'brien'); DROP STREAM ORDERS; --", 998877665544332211, 2.5, decimal.Decimal('12.50'), True, datetime.datetime(2026, 12, 1, 10, 20, 30, 120000), ['x', 'y z', None, '"q"']))
out['insert'] = [cur.statusmessage, cur.rowcount]
# A str of digits into a STRING column stays a string; a zoned datetime is stored as UTC; NULLs.
plus_one = datetime.timezone(datetime.timedelta(hours=1))
cur.execute(insert, (2, '42', -5, -0.25, decimal.Decimal('-0.01'), False, datetime.datetime(2026, 12, 2, 1, 0, tzinfo=plus_one), None))
cur.executemany("INSERT INTO ORDERS (ID, NAME) VALUES (%s, %s)", [(3, 'c'), (4, 'd')])

cur.execute("SELECT ID, NAME, N, AMOUNT, PRICE, PAID, AT, TAGS FROM ORDERS WHERE ID <= %s", (2,))
out['description'] = [[d.name, d.type_code] for d in cur.description]
out['rows'] = [[typed(v) for v in r] for r in sorted(cur.fetchall())]
# The same rows in binary results, read by psycopg's binary loaders.
binary = conn.cursor(binary=True)
binary.execute("SELECT ID, NAME, N, AMOUNT, PRICE, PAID, AT, TAGS FROM ORDERS WHERE ID <= %s", (2,))
out['binary'] = [[typed(v) for v in r] for r in sorted(binary.fetchall())]
# psycopg prepares a statement it has run five times (Parse with a name, then only Bind/Execute).
out['prepared'] = [conn.execute("SELECT NAME FROM ORDERS WHERE ID = %s", (i % 4 + 1,)).fetchone()[0] for i in range(7)]

try:
    cur.execute("SELECT NAME FROM ORDERS WHERE NOPE = %s", (1,))
except psycopg.Error as e:
    out['error'] = [type(e).__name__, e.sqlstate, e.diag.message_primary, e.diag.statement_position]

# A push query read row by row: the next row is inserted (from another connection, not in
# autocommit: psycopg's BEGIN/COMMIT) only once the previous one has arrived, so each arrives
# while the query runs; after the third, conn.cancel() sends a CancelRequest.
todo = queue.Queue()
def feeder():
    other = connect()
    while True:
        i = todo.get()
        if i is None:
            break
        other.execute("INSERT INTO ORDERS (ID, NAME) VALUES (%s, %s)", (i, 'live %d' % i))
        other.commit()
    other.close()
t = threading.Thread(target=feeder)
t.start()
seen = []
todo.put(10)
try:
    for row in cur.stream("SELECT ID, NAME FROM ORDERS WHERE ID >= %s EMIT CHANGES", (10,)):
        seen.append(list(row))
        if len(seen) < 3:
            todo.put(10 + len(seen))
        else:
            conn.cancel()
except psycopg.errors.QueryCanceled as e:
    out['cancelled'] = [e.sqlstate, e.diag.message_primary]
todo.put(None)
t.join()
out['streamed'] = seen
# The session goes on; libpq's newer cancel (cancel_safe) stops a second push query too.
out['after'] = conn.execute("SELECT NAME FROM ORDERS WHERE ID = %s", (11,)).fetchall()
try:
    for row in cur.stream("SELECT ID FROM ORDERS WHERE ID = %s EMIT CHANGES", (1,)):
        conn.cancel_safe()
except psycopg.errors.QueryCanceled as e:
    out['cancelled_safe'] = e.sqlstate
out["last"] = len(conn.execute("SELECT ID FROM ORDERS").fetchall())
conn.close()
print(json.dumps(out))
`;

describe.skipIf(!psycopgTestable())('pgwire with psycopg 3', () => {
  it('binds parameters, reads typed values, reports errors, streams and cancels a push query', async () => {
    const { server } = await start({ pgPort: 0, token: 'tok-py' });
    const r = await run('python3', ['-c', SCRIPT, String(server.pgAddress!.port), 'tok-py'], 60_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.server_version).toBe(150000);
    expect(out.create).toBe('CREATE STREAM');
    expect(out.insert).toEqual(['INSERT 0 1', 1]);
    expect(out.description).toEqual([
      ['ID', 23],
      ['NAME', 25],
      ['N', 20],
      ['AMOUNT', 701],
      ['PRICE', 1700],
      ['PAID', 16],
      ['AT', 1114],
      ['TAGS', 114],
    ]);
    expect(out.rows).toEqual([
      [
        ['int', '1'],
        ['str', "o'brien'); DROP STREAM ORDERS; --"],
        ['int', '998877665544332211'],
        ['float', 2.5],
        ['Decimal', '12.50'],
        ['bool', true],
        ['datetime', '2026-12-01T10:20:30.120000'],
        ['list', ['x', 'y z', null, '"q"']],
      ],
      [
        ['int', '2'],
        ['str', '42'],
        ['int', '-5'],
        ['float', -0.25],
        ['Decimal', '-0.01'],
        ['bool', false],
        ['datetime', '2026-12-02T00:00:00'],
        ['NoneType', null],
      ],
    ]);
    expect(out.binary).toEqual(out.rows);
    expect(out.prepared).toEqual(["o'brien'); DROP STREAM ORDERS; --", '42', 'c', 'd', "o'brien'); DROP STREAM ORDERS; --", '42', 'c']);
    expect(out.error).toEqual(['SyntaxErrorOrAccessRuleViolation', '42000', "Error in WHERE expression: Column 'NOPE' cannot be resolved.", '31']);
    expect(out.streamed).toEqual([
      [10, 'live 10'],
      [11, 'live 11'],
      [12, 'live 12'],
    ]);
    expect(out.cancelled).toEqual(['57014', 'canceling statement due to user request']);
    expect(out.after).toEqual([['live 11']]);
    expect(out.cancelled_safe).toBe('57014');
    expect(out.last).toBe(7);
    expect(server.eddy.state.pushQueries.size).toBe(0);
  }, 90_000);
});
