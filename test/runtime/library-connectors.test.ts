// Batches and connectors from the library: sourceFrom (async iterables, Node Readables of objects
// or of JSON-line bytes, arrays), sinkTo (any async function), foreachBatch (ids committed before
// the call, positions after it: a rejected callback or a close mid-batch replays the same id with
// the same rows, in-process and across a restart of a real data directory), and a connector
// written in one file outside src/ against the exported interface (registerConnector).
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Eddy, registerConnector, type BatchRow, type ConnectorFactory } from '../../src/index.js';
import { perTest, topic } from '../engine/helpers.js';
import { counterConnector } from './fixtures/counter-connector.js';

const scratch = perTest('libconn');

function open(dataDir?: string): Eddy {
  return scratch.use(Eddy.open({ ...(dataDir ? { dataDir } : {}), batch: { intervalMs: 10 }, properties: { 'auto.offset.reset': 'earliest' } }));
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const S = "CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);";

describe('sourceFrom', () => {
  it('takes rows from an async generator, an object-mode Readable and an array', async () => {
    const e = open();
    e.execute(S);
    async function* slow() {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 30));
        yield { id: i, v: `g${i}` };
      }
    }
    const a = e.sourceFrom('S', slow());
    // A slow producer's rows are appended as they come, not held back for a full chunk.
    await until(() => e.readTopic('s').length >= 1, 2000);
    expect(await a.done).toBe(3);
    expect(
      await e.sourceFrom(
        'S',
        Readable.from([
          { ID: 3, V: 'r3' },
          { ID: 4, V: 'r4' },
        ]),
      ).done,
    ).toBe(2);
    expect(await e.sourceFrom('S', [{ ID: 5, V: 'a5', ROWTIME: 1234 }]).done).toBe(1);
    const got = topic(e, 's');
    expect(got.map((r) => [r.key, r.value])).toEqual([
      [0, { V: 'g0' }],
      [1, { V: 'g1' }],
      [2, { V: 'g2' }],
      [3, { V: 'r3' }],
      [4, { V: 'r4' }],
      [5, { V: 'a5' }],
    ]);
    expect(got.at(-1)!.ts).toBe(1234);
    expect(() => e.sourceFrom('NOPE', [])).toThrow(/NOPE is not a stream/);
    // A value that does not fit its column is an error for its row, not something else in the topic.
    expect(await e.sourceFrom('S', [{ ID: 'abc', V: 'x' }, { ID: 7, V: { a: 1 } }, { ID: 8, V: 'ok', EXTRA: 1 }, 42]).done).toBe(1);
    expect(topic(e, 's').at(-1)).toMatchObject({ key: 8, value: { V: 'ok' } });
    expect(e.processingLog().map((p) => p.reason)).toEqual(
      expect.arrayContaining([
        'sourceFrom S: row {"ID":"abc","V":"x"}: column ID: abc (string), not a INTEGER',
        'sourceFrom S: row {"ID":7,"V":{"a":1}}: column V: {"a":1} (object), not a STRING',
        'sourceFrom S: item 42 (number) is neither a row object nor text',
      ]),
    );
  });

  it('reads JSON lines from a byte Readable, lines cut across chunks; a bad line goes to the processing log and the rest go in', async () => {
    const e = open();
    e.execute(S);
    const text = '{"ID": 1, "V": "one"}\n{"ID": 2, "V": "tw';
    const rest = 'o"}\nnot json\n[1]\n\n{"ID": 3, "V": "three"}';
    const n = await e.sourceFrom('S', Readable.from([Buffer.from(text), Buffer.from(rest)], { objectMode: false })).done;
    expect(n).toBe(3);
    expect(topic(e, 's').map((r) => r.value)).toEqual([{ V: 'one' }, { V: 'two' }, { V: 'three' }]);
    const reasons = e.processingLog().map((p) => p.reason);
    expect(reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^sourceFrom S: line 3: /), expect.stringMatching(/^sourceFrom S: line 4: a line must hold a JSON object/)]));
  });
});

describe('foreachBatch and sinkTo', () => {
  it('hands over numbered batches of a query output; a rejected batch comes again with the same id and rows', async () => {
    const e = open();
    e.execute(S);
    e.execute('CREATE STREAM OUT AS SELECT ID, UCASE(V) AS U FROM S;');
    const calls: [number, BatchRow[]][] = [];
    let failOnce = true;
    const h = e.foreachBatch(
      'CSAS_OUT_0',
      (id, rows) => {
        calls.push([id, rows]);
        if (id === 1 && failOnce) {
          failOnce = false;
          throw new Error('downstream unavailable');
        }
      },
      { maxRows: 2, intervalMs: 5 },
    );
    e.insert(
      'S',
      [1, 2, 3, 4, 5].map((i) => ({ ID: i, V: `v${i}` })),
    );
    await until(() => h.position()[0] === 5, 10_000);
    // Batch 1 came twice, with the same rows; the ids run on without a gap; each row once per id.
    const ids = calls.map(([id]) => id);
    expect(ids.filter((id) => id === 1)).toHaveLength(2);
    const byId = new Map<number, BatchRow[]>();
    for (const [id, rows] of calls) {
      if (byId.has(id)) expect(rows).toEqual(byId.get(id));
      byId.set(id, rows);
    }
    expect([...byId.keys()]).toEqual([...byId.keys()].map((_, i) => i));
    expect([...byId.values()].flat()).toEqual([1, 2, 3, 4, 5].map((i) => ({ ID: i, U: `V${i}` })));
    expect(h.nextBatchId).toBe(byId.size);
    expect(e.processingLog().find((p) => /batch 1 failed, retried: downstream unavailable/.test(p.reason))).toBeDefined();
    await h.stop();
    // sinkTo: any async function, its own position.
    const written: BatchRow[] = [];
    const sink = e.sinkTo('OUT', async (rows) => {
      await new Promise((r) => setTimeout(r, 5));
      written.push(...rows);
    });
    await until(() => written.length === 5);
    await sink.stop();
    expect(written.map((r) => r.ID)).toEqual([1, 2, 3, 4, 5]);
    expect(() => e.foreachBatch('NOPE', () => {})).toThrow(/NOPE is neither a stream, a table nor a persistent query/);
  });

  it('a batch interrupted by close is replayed after a restart with the same id and rows; the next id follows', async () => {
    const dir = scratch.dir();
    let e = open(dir);
    e.execute(S);
    e.insert(
      'S',
      [1, 2, 3].map((i) => ({ ID: i, V: `v${i}` })),
    );
    const first: [number, unknown][] = [];
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    e.foreachBatch(
      'S',
      async (id, rows) => {
        first.push([id, rows]);
        if (id === 1) await blocked; // never finishes before close
      },
      { maxRows: 2, intervalMs: 5 },
    );
    await until(() => first.length === 2);
    e.close();
    release();
    e = open(dir);
    const second: [number, unknown][] = [];
    const h = e.foreachBatch('S', (id, rows) => void second.push([id, rows]), { maxRows: 2, intervalMs: 5 });
    e.insert('S', [{ ID: 4, V: 'v4' }]);
    await until(() => h.position()[0] === 4);
    expect(second[0]).toEqual(first[1]); // batch 1 again, the same rows
    expect(second.map(([id]) => id)).toEqual([1, 2]);
    expect(second[1]![1]).toEqual([{ ID: 4, V: 'v4' }]);
  });
});

describe('foreachBatch over several partitions, and sourceFrom.stop', () => {
  it("hands over every partition's records once; a stopped source appends what it read and no more", async () => {
    const e = open();
    e.execute("CREATE STREAM P (ID INT KEY, V STRING) WITH (kafka_topic='p', value_format='JSON', partitions=3);");
    const seen: BatchRow[] = [];
    const h = e.foreachBatch('P', (_id, rows) => void seen.push(...rows), { maxRows: 4, intervalMs: 5 });
    e.insert(
      'P',
      Array.from({ length: 20 }, (_, i) => ({ ID: i, V: `v${i}` })),
    );
    const info = e.state.log.describeTopic('p')!;
    const total = () => Array.from({ length: info.partitions }, (_, p) => e.state.log.endOffset('p', p)).reduce((a, b) => a + b, 0);
    await until(() => h.position().reduce((a, b) => a + b, 0) === total() && total() === 20);
    expect(Array.from({ length: info.partitions }, (_, p) => e.state.log.endOffset('p', p)).filter((n) => n > 0).length).toBeGreaterThan(1); // keys hashed over the partitions
    expect(seen.map((r) => r.ID).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await h.stop();

    let made = 0;
    async function* endless() {
      for (;;) {
        await new Promise((r) => setTimeout(r, 2));
        yield { ID: 100 + made, V: `e${made++}` };
      }
    }
    const src = e.sourceFrom('P', endless());
    await until(() => src.rows >= 3);
    src.stop();
    const n = await src.done;
    expect(n).toBeGreaterThanOrEqual(3);
    expect(n).toBeLessThanOrEqual(made);
    expect(e.readTopic('p').length).toBe(20 + n);
  });
});

describe('a connector in one file outside src/', () => {
  it('is registered, started by WITH (source=…), gets its own settings, and resumes from its checkpoint after a restart', async () => {
    registerConnector('counter', counterConnector);
    expect(() => registerConnector('file', counterConnector)).toThrow(/'file' is a built-in connector/);
    const dir = scratch.dir();
    let e = open(dir);
    e.execute("CREATE STREAM C (N INT, LABEL STRING) WITH (source='counter', upto=5, every_ms=2, kafka_topic='c', value_format='JSON', partitions=1);");
    await until(() => e.readTopic('c').length === 5);
    e.close();
    e = open(dir);
    e.execute("CREATE STREAM C2 (N INT) WITH (source='counter', upto=2, every_ms=2, kafka_topic='c2', value_format='JSON', partitions=1);");
    await until(() => e.readTopic('c2').length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(topic(e, 'c').map((r) => r.value)).toEqual([1, 2, 3, 4, 5].map((n) => ({ N: n, LABEL: `n${n}` })));
    expect(topic(e, 'c2').map((r) => r.value)).toEqual([{ N: 1 }, { N: 2 }]);
  });
});

describe('a connector of one engine (Eddy.open({ connectors }), eddy.registerConnector)', () => {
  // The same kind names a different connector in each engine: here, one that labels its rows.
  const labelled =
    (label: string): ConnectorFactory =>
    (ctx, settings) => {
      const inner = counterConnector(
        {
          ...ctx,
          append: (rows, cp) =>
            ctx.append(
              rows.map((r) => ({ ...r, values: [r.values[0]!, label] })),
              cp,
            ),
        },
        settings,
      );
      return inner;
    };

  it('is seen by its engine only, takes precedence over the process-wide one, and restarts its streams at open', async () => {
    const dir = scratch.dir();
    const a = scratch.use(Eddy.open({ dataDir: dir, connectors: { ticks: labelled('a') }, batch: { intervalMs: 10 }, properties: { 'auto.offset.reset': 'earliest' } }));
    const b = open();
    const c = open();
    b.registerConnector('ticks', labelled('b'));
    expect(() => b.registerConnector('datagen', labelled('b'))).toThrow(/'datagen' is a built-in connector/);
    const ddl = "CREATE STREAM T (N INT, LABEL STRING) WITH (source='ticks', upto=3, every_ms=2, kafka_topic='t', value_format='JSON', partitions=1);";
    a.execute(ddl);
    b.execute(ddl);
    expect(() => c.execute(ddl)).toThrow(/Unknown source connector 'ticks'/);
    await until(() => a.readTopic('t').length === 3 && b.readTopic('t').length === 3);
    expect(topic(a, 't').map((r) => r.value)).toEqual([1, 2, 3].map((n) => ({ N: n, LABEL: 'a' })));
    expect(topic(b, 't').map((r) => r.value)).toEqual([1, 2, 3].map((n) => ({ N: n, LABEL: 'b' })));
    // The engine's own connector wins over the process's of the same kind.
    registerConnector('ticks', labelled('process'));
    const d = open();
    d.registerConnector('ticks', labelled('d'));
    d.execute(ddl);
    await until(() => d.readTopic('t').length === 3);
    expect(topic(d, 't').map((r) => r.value)).toEqual([1, 2, 3].map((n) => ({ N: n, LABEL: 'd' })));
    // A restart with the option: the stream comes back with its connector and carries on from its checkpoint.
    a.close();
    const again = scratch.use(Eddy.open({ dataDir: dir, connectors: { ticks: labelled('a2') }, batch: { intervalMs: 10 }, properties: { 'auto.offset.reset': 'earliest' } }));
    await new Promise((r) => setTimeout(r, 50));
    expect(topic(again, 't').map((r) => r.value)).toEqual([1, 2, 3].map((n) => ({ N: n, LABEL: 'a' })));
  });
});
