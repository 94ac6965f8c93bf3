// Per-key state functions (CREATE STATE FUNCTION / registerStateFunction): a stream grouped by
// key, the function called per record with its key's state; its rows into a stream, its state
// into a table a pull query reads by key; event-time and processing-time timeouts; state and
// timeouts surviving a restart of a real data directory; the same outputs at 1, 7 and 10 000
// records per batch; errors to the processing log with the record's offset; planning errors.
import { describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';
import { perTest, rows, topic } from '../engine/helpers.js';

const scratch = perTest('state-fn');

function open(opts: { dataDir?: string; maxRecords?: number } = {}): Eddy {
  return scratch.use(Eddy.open({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), autoStart: false, batch: { maxRecords: opts.maxRecords ?? 1 }, properties: { 'auto.offset.reset': 'earliest' } }));
}

const CLICKS = "CREATE STREAM CLICKS (USER_ID STRING KEY, URL STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);";

// Sessions of clicks: a session ends 1 s (event time) after its last click; then one row.
const SESSIONS = `CREATE STATE FUNCTION SESSIONIZE(URL STRING) RETURNS TABLE (CLICKS INT, FIRST_URL STRING, STARTED BIGINT, ENDED BIGINT) STATE STRUCT<N INT, FIRST STRING, START BIGINT, LAST BIGINT> LANGUAGE JAVASCRIPT AS $$
  if (TIMED_OUT) return { state: null, rows: [{ CLICKS: STATE.N, FIRST_URL: STATE.FIRST, STARTED: STATE.START, ENDED: STATE.LAST }] };
  const r = RECORDS[0];
  const s = STATE ?? { N: 0, FIRST: r.URL, START: r.ROWTIME, LAST: r.ROWTIME };
  if (r.URL === 'boom') throw new Error('cannot track boom');
  const next = { ...s, N: s.N + 1, LAST: r.ROWTIME };
  return { state: next, timeoutAt: r.ROWTIME + 1000 };
$$;`;

function clicks(e: Eddy, list: readonly [string, string, number][]): void {
  e.execute(list.map(([u, url, ts]) => `INSERT INTO CLICKS (ROWTIME, USER_ID, URL) VALUES (${ts}, '${u}', '${url}');`).join('\n'));
}

const CLICK_LIST: [string, string, number][] = [
  ['a', '/home', 1000],
  ['b', '/x', 1100],
  ['a', '/cart', 1500],
  ['a', 'boom', 1600],
  ['b', '/y', 2000],
  ['c', '/z', 2700], // stream time 2700: a's session (last 1500) has timed out
  ['b', '/w', 2900],
  ['c', '/z2', 5000], // b (last 2900) and c (last 2700) time out, in deadline order: c first
];

describe('state functions from SQL', () => {
  it('a stream of the rows a function returns at its event-time timeouts; a throwing call goes to the processing log', () => {
    const e = open();
    e.execute(CLICKS);
    e.execute(SESSIONS);
    e.execute('CREATE STREAM SESSIONS AS SELECT USER_ID, SESSIONIZE(URL) AS S FROM CLICKS GROUP BY USER_ID;');
    clicks(e, CLICK_LIST);
    e.runUntilIdle();
    expect(topic(e, 'SESSIONS').map((r) => [r.key, r.value, r.ts])).toEqual([
      ['a', { S: { CLICKS: 2, FIRST_URL: '/home', STARTED: 1000, ENDED: 1500 } }, 2500],
      ['c', { S: { CLICKS: 1, FIRST_URL: '/z', STARTED: 2700, ENDED: 2700 } }, 3700],
      ['b', { S: { CLICKS: 3, FIRST_URL: '/x', STARTED: 1100, ENDED: 2900 } }, 3900],
    ]);
    const logged = e.processingLog().filter((p) => p.queryId === 'CSAS_SESSIONS_0');
    expect(logged.map((p) => [p.topic, p.partition, p.offset, p.reason])).toEqual([['clicks', 0, 3, 'Error computing state function SESSIONIZE: cannot track boom']]);
    expect(rows(e, 'SHOW FUNCTIONS;').find((r) => r[0] === 'SESSIONIZE')).toEqual(['SESSIONIZE', 'STATE', 'user']);
  });

  it('a table of each key\u2019s state, read by a pull query by key; a removed state is a tombstone', () => {
    const e = open();
    e.execute(CLICKS);
    e.execute(SESSIONS);
    e.execute('CREATE TABLE OPEN_SESSIONS AS SELECT USER_ID, SESSIONIZE(URL) AS S FROM CLICKS GROUP BY USER_ID;');
    clicks(e, CLICK_LIST.slice(0, 5));
    e.runUntilIdle();
    expect(rows(e, "SELECT * FROM OPEN_SESSIONS WHERE USER_ID = 'b';")).toEqual([['b', { N: 2, FIRST: '/x', START: 1100, LAST: 2000 }]]);
    expect(rows(e, "SELECT * FROM OPEN_SESSIONS WHERE USER_ID = 'a';")).toEqual([['a', { N: 2, FIRST: '/home', START: 1000, LAST: 1500 }]]);
    clicks(e, CLICK_LIST.slice(5, 6)); // a times out: its state is removed
    e.runUntilIdle();
    expect(rows(e, "SELECT * FROM OPEN_SESSIONS WHERE USER_ID = 'a';")).toEqual([]);
    expect(
      topic(e, 'OPEN_SESSIONS')
        .filter((r) => r.key === 'a')
        .at(-1)!.value,
    ).toBe(null);
  });

  it('is planned and type-checked: arguments, GROUP BY, the select list, the sink', () => {
    const e = open();
    e.execute(CLICKS);
    e.execute(SESSIONS);
    expect(() => e.execute('CREATE STREAM X AS SELECT USER_ID, SESSIONIZE(ROWTIME) AS S FROM CLICKS GROUP BY USER_ID;')).toThrow(
      /Function 'SESSIONIZE' does not accept parameters \(BIGINT\); it takes \(STRING\)/,
    );
    expect(() => e.execute('CREATE STREAM X AS SELECT USER_ID, SESSIONIZE(URL) AS S FROM CLICKS;')).toThrow(/needs a GROUP BY/);
    expect(() => e.execute('CREATE STREAM X AS SELECT USER_ID, SESSIONIZE(URL)->CLICKS AS S FROM CLICKS GROUP BY USER_ID;')).toThrow(/must be a whole item of the SELECT list/);
    expect(() => e.execute('CREATE STREAM X AS SELECT USER_ID, URL, SESSIONIZE(URL) AS S FROM CLICKS GROUP BY USER_ID;')).toThrow(
      /the SELECT list holds the GROUP BY expressions and the call only: URL/,
    );
    expect(() => e.execute('CREATE STREAM X AS SELECT SESSIONIZE(URL) AS S FROM CLICKS GROUP BY USER_ID;')).toThrow(/must include the grouping expression USER_ID/);
    e.execute("CREATE TABLE T (ID STRING PRIMARY KEY, URL STRING) WITH (kafka_topic='t', value_format='JSON', partitions=1);");
    expect(() => e.execute('CREATE STREAM X AS SELECT ID, SESSIONIZE(URL) AS S FROM T GROUP BY ID;')).toThrow(/reads a stream/);
    expect(() => e.execute('CREATE STATE FUNCTION NOSTATE(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return {}; $$;')).toThrow(/declares the type of its per-key state/);
  });
});

describe('state functions from the library', () => {
  it('registerStateFunction: typed records, rows out, a processing-time timeout that fires on an idle stream', async () => {
    const e = open();
    e.registerStateFunction({
      name: 'running_total',
      params: [{ name: 'amount', type: 'DOUBLE' }] as const,
      returns: 'DOUBLE',
      state: 'DOUBLE',
      fn: (total: number | null, records, group) => {
        if (group.timedOut) return { state: null, rows: [-1] };
        const next = (total ?? 0) + (records[0]!.AMOUNT ?? 0);
        return { state: next, rows: [next], timeoutAfterMs: 50 };
      },
    });
    e.execute("CREATE STREAM PAY (ID INT KEY, AMOUNT DOUBLE) WITH (kafka_topic='pay', value_format='JSON', partitions=1);");
    e.execute('CREATE STREAM TOTALS AS SELECT ID, RUNNING_TOTAL(AMOUNT) AS T FROM PAY GROUP BY ID;');
    e.execute('INSERT INTO PAY (ID, AMOUNT) VALUES (1, 2.5); INSERT INTO PAY (ID, AMOUNT) VALUES (1, 1.5); INSERT INTO PAY (ID, AMOUNT) VALUES (2, 10);');
    e.runUntilIdle();
    expect(topic(e, 'TOTALS').map((r) => [r.key, r.value])).toEqual([
      [1, { T: 2.5 }],
      [1, { T: 4 }],
      [2, { T: 10 }],
    ]);
    await new Promise((r) => setTimeout(r, 80));
    e.runUntilIdle(); // no input: the due timers still run a batch
    expect(
      topic(e, 'TOTALS')
        .slice(3)
        .map((r) => [r.key, r.value]),
    ).toEqual([
      [1, { T: -1 }],
      [2, { T: -1 }],
    ]);
  });
});

describe('state functions across restarts and batch sizes', () => {
  const outputs = (maxRecords: number, restartAfter?: number): unknown[] => {
    const dir = scratch.dir();
    let e = open({ dataDir: dir, maxRecords });
    e.execute(CLICKS);
    e.execute(SESSIONS);
    e.execute('CREATE STREAM SESSIONS AS SELECT USER_ID, SESSIONIZE(URL) AS S FROM CLICKS GROUP BY USER_ID;');
    const cut = restartAfter ?? CLICK_LIST.length;
    clicks(e, CLICK_LIST.slice(0, cut));
    e.runUntilIdle();
    if (restartAfter !== undefined) {
      e.close();
      e = open({ dataDir: dir, maxRecords });
      clicks(e, CLICK_LIST.slice(cut));
      e.runUntilIdle();
    }
    return topic(e, 'SESSIONS').map((r) => [r.key, r.value, r.ts]);
  };

  it('the same rows at 1, 7 and 10 000 records per batch', () => {
    const one = outputs(1);
    expect(one).toHaveLength(3);
    expect(outputs(7)).toEqual(one);
    expect(outputs(10_000)).toEqual(one);
  });

  it('state, timeouts and stream time survive a restart (the SQL function comes back from the command log)', () => {
    const one = outputs(1);
    for (const cut of [1, 3, 5, 6]) expect(outputs(1, cut)).toEqual(one);
  });
});
