// SQL functions from network clients (real TCP server on 127.0.0.1): refused unless the server
// allows them; allowed, their bodies run in the worker sandbox, where an endless loop and a huge
// allocation are stopped (the call fails to the processing log, the row's value is NULL), Node's
// APIs are out of reach, and the server keeps answering.
import { describe, expect, it } from 'vitest';
import { EddyClient } from '../../src/index.js';
import { start, until } from '../server/helpers.js';
import { FunctionSandbox } from '../../src/runtime/sandbox/function-sandbox.js';

const S = "CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);";

describe('SQL functions over the network', () => {
  it('are refused by a server started without --allow-functions', async () => {
    const { port } = await start();
    const c = await EddyClient.connect('127.0.0.1', port);
    await expect(c.execute('CREATE FUNCTION TWICE(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X * 2; $$;')).rejects.toThrow(/refused over the network: the server was started without --allow-functions/);
    c.close();
  });

  it('run sandboxed when allowed: a loop and a huge allocation are stopped, Node is out of reach, the server stays up', async () => {
    const { server, port } = await start({ access: { functions: { timeMs: 300, memoryMb: 32 } } });
    const c = await EddyClient.connect('127.0.0.1', port);
    await c.execute(S);
    await c.execute('CREATE FUNCTION TWICE(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ return X * 2; $$;');
    await c.execute('CREATE FUNCTION SPIN(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ if (X === 2) { for (;;) {} } return X; $$;');
    await c.execute('CREATE FUNCTION HOG(X INT) RETURNS INT LANGUAGE JAVASCRIPT AS $$ if (X === 2) { const a = []; for (;;) a.push(new Array(100000).fill(X)); } return X; $$;');
    await c.execute("CREATE FUNCTION REACH(X INT) RETURNS STRING LANGUAGE JAVASCRIPT AS $$ return [typeof process, typeof require, typeof Buffer, typeof ArrayBuffer, typeof setTimeout].join(','); $$;");
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
