// SQL functions from network clients (real TCP server on 127.0.0.1): refused unless the server
// allows them; allowed, their bodies run in the worker sandbox, where an endless loop and a huge
// allocation are stopped (the call fails to the processing log, the row's value is NULL), Node's
// APIs are out of reach, and the server keeps answering — for scalar, table and aggregate
// functions alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Eddy, EddyClient } from '../../src/index.js';
import { start, stopServers, until } from '../server/helpers.js';
import { FunctionSandbox } from '../../src/runtime/sandbox/function-sandbox.js';

const S = "CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);";

describe('SQL functions over the network', () => {
  it('are refused by a server started without --allow-functions', async () => {
    const { port } = await start();
    const c = await EddyClient.connect('127.0.0.1', port);
    await expect(c.execute('CREATE FUNCTION TWICE(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X * 2; $$;')).rejects.toThrow(
      /refused over the network: the server was started without --allow-functions/,
    );
    c.close();
  });

  it('run sandboxed when allowed: a loop and a huge allocation are stopped, Node is out of reach, the server stays up', async () => {
    const { server, port } = await start({ access: { functions: { timeMs: 300, memoryMb: 32 } } });
    const c = await EddyClient.connect('127.0.0.1', port);
    await c.execute(S);
    await c.execute('CREATE FUNCTION TWICE(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X * 2; $$;');
    await c.execute('CREATE FUNCTION SPIN(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ if (X === 2) { for (;;) {} } return X; $$;');
    await c.execute('CREATE FUNCTION HOG(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ if (X === 2) { const a = []; for (;;) a.push(new Array(100000).fill(X)); } return X; $$;');
    await c.execute(
      "CREATE FUNCTION REACH(X INT) RETURNS STRING LANGUAGE JAVASCRIPT AS $$ return [typeof process, typeof require, typeof Buffer, typeof ArrayBuffer, typeof setTimeout].join(','); $$;",
    );
    await c.execute("CREATE FUNCTION EVIL(X INT) RETURNS STRING LANGUAGE JAVASCRIPT AS $$ return String(new Function('return 1')()); $$;");
    await c.execute('CREATE STREAM OUT AS SELECT ID, TWICE(V) AS T, SPIN(V) AS SP, HOG(V) AS H, REACH(V) AS R, EVIL(V) AS E FROM S;');
    await c.execute('INSERT INTO S (ID, V) VALUES (1, 1); INSERT INTO S (ID, V) VALUES (2, 2); INSERT INTO S (ID, V) VALUES (3, 3);');
    let log: ReturnType<typeof server.eddy.processingLog> = [];
    await until(() => (log = server.eddy.processingLog().filter((p) => p.queryId === 'CSAS_OUT_0')).length >= 5 && server.eddy.state.log.read('OUT', 0, 0, 10).length === 3, 30_000);
    const reasons = log.map((p) => `${p.offset}: ${p.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^1: Error computing function SPIN: stopped by the sandbox: no answer within 300 ms/),
        expect.stringMatching(/^1: Error computing function HOG: stopped by the sandbox: no answer within 300 ms \(an endless loop, or the function passed its 32 MB heap limit\)/),
        expect.stringMatching(/^0: Error computing function EVIL: Code generation from strings disallowed/),
      ]),
    );
    // The stream went on: record 3 was computed after the sandbox was restarted.
    const fromTopic = server.eddy.state.log.read('OUT', 0, 0, 10).map((r) => JSON.parse(String(r.value)) as Record<string, unknown>);
    expect(fromTopic).toEqual([
      { T: 2, SP: 1, H: 1, R: 'undefined,undefined,undefined,undefined,undefined', E: null },
      { T: 4, SP: null, H: null, R: 'undefined,undefined,undefined,undefined,undefined', E: null },
      { T: 6, SP: 3, H: 3, R: 'undefined,undefined,undefined,undefined,undefined', E: null },
    ]);
    // And the server answers.
    const shown = await c.execute('SHOW FUNCTIONS;');
    expect(shown.rows.filter((r) => r[2] === 'user').map((r) => r[0])).toEqual(['EVIL', 'HOG', 'REACH', 'SPIN', 'TWICE']);
    c.close();
  }, 40_000);

  it('table functions and aggregates run sandboxed too: a loop or a huge allocation in either is stopped, the query and the server go on', async () => {
    const { server, port } = await start({ access: { functions: { timeMs: 300, memoryMb: 32 } } });
    const c = await EddyClient.connect('127.0.0.1', port);
    await c.execute(S);
    await c.execute(`CREATE FUNCTION FAN(X INT) RETURNS TABLE (V INT, NODE STRING) LANGUAGE JAVASCRIPT AS $$
      if (X === 2) { for (;;) {} }
      if (X === 3) { const a = []; for (;;) a.push(new Array(100000).fill(X)); }
      yield { V: X, NODE: typeof process };
      return [{ V: X * 10, NODE: typeof require }];
    $$;`);
    await c.execute(`CREATE AGGREGATE FUNCTION TOTAL(V INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$
      return {
        initialize: () => 0,
        aggregate: (s, V) => { if (V === 2) { for (;;) {} } if (V === 3) { const a = []; for (;;) a.push(new Array(100000).fill(V)); } return s + V; },
      };
    $$;`);
    await c.execute('CREATE STREAM FANNED AS SELECT ID, FAN(V) AS F FROM S;');
    await c.execute("CREATE STREAM G (K STRING KEY, V INT) WITH (kafka_topic='g', value_format='JSON', partitions=1);");
    await c.execute('CREATE TABLE TOTALS AS SELECT K, TOTAL(V) AS T FROM G GROUP BY K;');
    for (const v of [1, 2, 3, 4]) await c.execute(`INSERT INTO S (ID, V) VALUES (${v}, ${v}); INSERT INTO G (K, V) VALUES ('a', ${v});`);
    const log = () => server.eddy.processingLog().filter((p) => p.queryId === 'CSAS_FANNED_0' || (p.queryId ?? '').startsWith('CTAS_TOTALS_'));
    const read = (t: string) => server.eddy.state.log.read(t, 0, 0, 20).map((r) => JSON.parse(String(r.value)) as Record<string, unknown>);
    await until(() => log().length >= 4 && read('FANNED').length === 4 && read('TOTALS').length >= 3, 60_000);
    const reasons = log().map((p) => `${p.queryId} ${p.offset}: ${p.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CSAS_FANNED_0 1: Error computing table function FAN: stopped by the sandbox: no answer within 300 ms/),
        expect.stringMatching(/^CSAS_FANNED_0 2: Error computing table function FAN: stopped by the sandbox/),
        expect.stringMatching(/^CTAS_TOTALS_\d+ 1: Error computing aggregate TOTAL: stopped by the sandbox: no answer within 300 ms/),
        expect.stringMatching(/^CTAS_TOTALS_\d+ 2: Error computing aggregate TOTAL: stopped by the sandbox/),
      ]),
    );
    // Node's APIs are out of reach in a table function's body; records 1 and 4 gave their rows.
    expect(read('FANNED')).toEqual([{ F: { V: 1, NODE: 'undefined' } }, { F: { V: 10, NODE: 'undefined' } }, { F: { V: 4, NODE: 'undefined' } }, { F: { V: 40, NODE: 'undefined' } }]);
    // The aggregate's state stayed as it was for the stopped rows: 1, then 1 + 4.
    expect(
      read('TOTALS')
        .map((r) => r.T)
        .at(-1),
    ).toBe(5);
    const shown = await c.execute('SHOW FUNCTIONS;');
    expect(shown.rows.filter((r) => r[2] === 'user').map((r) => [r[0], r[1]])).toEqual([
      ['FAN', 'TABLE'],
      ['TOTAL', 'AGGREGATE'],
    ]);
    c.close();
  }, 90_000);

  it('a state function runs sandboxed too: a loop is stopped for its record (state as it was), Node is out of reach, the query goes on', async () => {
    const { server, port } = await start({ access: { functions: { timeMs: 300, memoryMb: 32 } } });
    const c = await EddyClient.connect('127.0.0.1', port);
    await c.execute("CREATE STREAM G (K STRING KEY, V INT) WITH (kafka_topic='g', value_format='JSON', partitions=1);");
    await c.execute(`CREATE STATE FUNCTION KEEP(V INT) RETURNS TABLE (SUM INT, NODE STRING) STATE INT LANGUAGE JAVASCRIPT AS $$
      const v = RECORDS[0].V;
      if (v === 2) { for (;;) {} }
      const sum = (STATE ?? 0) + v;
      return { state: sum, rows: [{ SUM: sum, NODE: typeof process }] };
    $$;`);
    await c.execute('CREATE STREAM KEPT AS SELECT K, KEEP(V) AS R FROM G GROUP BY K;');
    for (const v of [1, 2, 3]) await c.execute(`INSERT INTO G (K, V) VALUES ('a', ${v});`);
    const read = () => server.eddy.state.log.read('KEPT', 0, 0, 20).map((r) => JSON.parse(String(r.value)) as Record<string, unknown>);
    await until(() => read().length === 2, 30_000);
    expect(read()).toEqual([{ R: { SUM: 1, NODE: 'undefined' } }, { R: { SUM: 4, NODE: 'undefined' } }]);
    const log = server.eddy.processingLog().filter((p) => p.queryId === 'CSAS_KEPT_0');
    expect(log.map((p) => `${p.offset}: ${p.reason}`)).toEqual([expect.stringMatching(/^1: Error computing state function KEEP: stopped by the sandbox: no answer within 300 ms/)]);
    const described = await c.execute('DESCRIBE FUNCTION KEEP;');
    expect(described.rows[0]![1]).toBe('user state function (SQL, JAVASCRIPT, sandboxed)');
    c.close();
  }, 60_000);

  it('a sandboxed aggregate and table function stay sandboxed after a restart, and the aggregate state carries on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-sandbox-restart-'));
    try {
      const engine = { dataDir: dir, batch: { intervalMs: 10 }, properties: { 'auto.offset.reset': 'earliest' } };
      const { server, port } = await start({ engine, access: { functions: { timeMs: 1000, memoryMb: 32 } } });
      const c = await EddyClient.connect('127.0.0.1', port);
      await c.execute("CREATE STREAM G (K STRING KEY, V INT) WITH (kafka_topic='g', value_format='JSON', partitions=1);");
      await c.execute('CREATE AGGREGATE FUNCTION TOTAL(V INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return { initialize: () => 0, aggregate: (s, V) => s + V }; $$;');
      await c.execute('CREATE FUNCTION TWO(V INT) RETURNS SETOF INT LANGUAGE JAVASCRIPT AS $$ yield V; yield -V; $$;');
      await c.execute('CREATE TABLE TOTALS AS SELECT K, TOTAL(V) AS T FROM G GROUP BY K;');
      await c.execute('CREATE STREAM PAIRS AS SELECT K, TWO(V) AS P FROM G;');
      await c.execute("INSERT INTO G (K, V) VALUES ('a', 1); INSERT INTO G (K, V) VALUES ('a', 2);");
      const last = (e: Eddy, t: string) =>
        e
          .readTopic(t)
          .map((r) => JSON.parse(String(r.value)) as Record<string, unknown>)
          .at(-1);
      await until(() => last(server.eddy, 'TOTALS')?.T === 3 && server.eddy.readTopic('PAIRS').length === 4, 20_000);
      c.close();
      await stopServers();
      const e = Eddy.open({ dataDir: dir, autoStart: false, properties: { 'auto.offset.reset': 'earliest' } });
      try {
        const described = e.execute('DESCRIBE FUNCTION TOTAL; DESCRIBE FUNCTION TWO;').map((r) => (r.kind === 'rows' ? r.rows[0]![1] : r.kind));
        expect(described).toEqual(['user aggregate (SQL, JAVASCRIPT, sandboxed)', 'user table function (SQL, JAVASCRIPT, sandboxed)']);
        e.execute("INSERT INTO G (K, V) VALUES ('a', 3);");
        e.runUntilIdle();
        expect(last(e, 'TOTALS')).toEqual({ T: 6 });
        expect(e.readTopic('PAIRS').map((r) => JSON.parse(String(r.value)) as unknown)).toEqual([{ P: 1 }, { P: -1 }, { P: 2 }, { P: -2 }, { P: 3 }, { P: -3 }]);
      } finally {
        e.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('the sandbox itself: a deadline per call, a restarted worker keeps the definitions', () => {
    const box = new FunctionSandbox({ timeMs: 200, memoryMb: 16 });
    try {
      box.define('ADD', ['A', 'B'], 'return A + B;');
      box.define('LOOP', [], 'for (;;) {}');
      expect(box.call('ADD', [1, 2])).toBe(3);
      const t0 = Date.now();
      expect(() => box.call('LOOP', [])).toThrow(/no answer within 200 ms/);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(box.call('ADD', ['a', 'b'])).toBe('ab');
      expect(box.restarts).toBe(1);
      expect(() => box.define('BAD', [], 'return (;')).toThrow(/Unexpected token/);
    } finally {
      box.close();
    }
  });
});
