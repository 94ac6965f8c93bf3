// Eddy over a real Kafka broker: streams and changelog tables read real topics, persistent
// queries write them, in JSON, DELIMITED and KAFKA formats, with record timestamps or a timestamp
// column, partitions and headers; SHOW TOPICS and PRINT see the broker; kcat reads and writes
// the same bytes.

import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { brokers, kafka, kafkaEngines, noBroker, readTopic, unique, until, KEEP_RECORDS } from './helpers.js';

const hasKcat = spawnSync('sh', ['-c', 'command -v kcat']).status === 0;
if (!hasKcat && !noBroker) {
  if (process.env.CI === 'true') throw new Error('kcat is not installed (apt-get install -y kcat)');
  process.stderr.write('\n!!! kcat not installed: the kcat interoperability test is SKIPPED (apt-get install -y kcat)\n');
}

const eddy = kafkaEngines();

function kcat(args: string[], input?: string): string {
  return execFileSync('kcat', ['-b', brokers, ...args], { input: input ?? '', encoding: 'utf8', timeout: 30_000 });
}

describe.skipIf(noBroker)('Kafka topics', () => {
  it('reads what kafkajs produced (record timestamps, partitions, headers, KAFKA keys) and writes JSON sinks', async () => {
    const input = unique('orders');
    const output = unique('big');
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: input, numPartitions: 3, configEntries: KEEP_RECORDS }] });
    await admin.disconnect();
    const e = eddy();
    e.execute(`
      CREATE STREAM ORDERS (ID INT KEY, AMOUNT DOUBLE, SRC BYTES HEADER('src')) WITH (kafka_topic='${input}', value_format='JSON');
      CREATE STREAM BIG WITH (kafka_topic='${output}', partitions=2) AS SELECT ID, AMOUNT * 2 AS DOUBLED, FROM_BYTES(SRC, 'utf8') AS SRC FROM ORDERS WHERE AMOUNT > 10;
    `);
    const producer = kafka().producer();
    await producer.connect();
    const key = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(n);
      return b;
    };
    await producer.send({
      topic: input,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: key(i), value: JSON.stringify({ AMOUNT: i }), timestamp: String(1_000_000 + i), partition: i % 3, headers: { src: `p${i % 3}` } })),
    });
    await producer.disconnect();
    const seen = await readTopic(output, (s) => s.length >= 19);
    expect(seen).toHaveLength(19);
    const rows = seen.map((r) => ({ id: Buffer.from(r.key!, 'binary').length, v: JSON.parse(r.value!) as { DOUBLED: number; SRC: string }, ts: r.timestamp })).sort((a, b) => a.ts - b.ts);
    expect(rows.map((r) => r.ts)).toEqual(Array.from({ length: 19 }, (_, i) => 1_000_011 + i));
    expect(rows.map((r) => r.v.DOUBLED)).toEqual(Array.from({ length: 19 }, (_, i) => (11 + i) * 2));
    expect(rows.map((r) => r.v.SRC)).toEqual(Array.from({ length: 19 }, (_, i) => `p${(11 + i) % 3}`));
    // Keys are written with Kafka's partitioner: a record keyed like Java would be lands in the same partition.
    expect(new Set(seen.map((r) => r.partition)).size).toBe(2);

    const topics = e.execute('SHOW TOPICS;')[0]!;
    expect(topics.kind === 'rows' && topics.rows.some((r) => r[0] === output && r[1] === 2)).toBe(true);
    // PRINT follows the topic as a push until its LIMIT.
    const printed = e.execute(`PRINT '${input}' FROM BEGINNING LIMIT 4;`)[0]!;
    if (printed.kind !== 'push') throw new Error(`PRINT answered ${printed.kind}`);
    const values: unknown[] = [];
    for await (const r of printed.query) values.push(r.values[4]);
    expect(values).toHaveLength(4);
    expect(values.every((v) => typeof v === 'string' && v.startsWith('{"AMOUNT":'))).toBe(true);
  });

  it('keeps a changelog table from a topic, and aggregates into a table topic with a timestamp column', async () => {
    const users = unique('users');
    const clicks = unique('clicks');
    const counts = unique('counts');
    const e = eddy();
    e.execute(`
      CREATE TABLE USERS (ID STRING PRIMARY KEY, NAME STRING) WITH (kafka_topic='${users}', value_format='JSON', partitions=2);
      CREATE TABLE USERS_VIEW AS SELECT * FROM USERS;
      CREATE STREAM CLICKS (USER STRING KEY, PAGE STRING, AT BIGINT) WITH (kafka_topic='${clicks}', value_format='DELIMITED', partitions=2, timestamp='AT');
      CREATE TABLE PER_USER WITH (kafka_topic='${counts}', value_format='JSON') AS
        SELECT C.USER AS USER, COUNT(*) AS N, LATEST_BY_OFFSET(U.NAME) AS NAME FROM CLICKS C JOIN USERS U ON C.USER = U.ID GROUP BY C.USER;
    `);
    e.execute(`INSERT INTO USERS (ID, NAME) VALUES ('u1', 'Ada'); INSERT INTO USERS (ID, NAME) VALUES ('u2', 'Bo'); INSERT INTO USERS (ID, NAME) VALUES ('u3', 'Cy');`);
    await until(() => {
      // ksqlDB answers pull queries only on materialised tables (a CTAS, or a SOURCE table).
      const r = e.execute("SELECT * FROM USERS_VIEW WHERE ID = 'u2';")[0]!;
      return r.kind === 'rows' && r.rows.length === 1;
    });
    for (let i = 0; i < 9; i++) e.execute(`INSERT INTO CLICKS (USER, PAGE, AT) VALUES ('u${(i % 2) + 1}', 'p${i}', ${5_000 + i});`);
    const seen = await readTopic(counts, (s) => s.filter((r) => r.key === 'u1').some((r) => JSON.parse(r.value!).N === 5) && s.filter((r) => r.key === 'u2').some((r) => JSON.parse(r.value!).N === 4));
    const last = new Map(seen.map((r) => [r.key, { v: JSON.parse(r.value!) as { N: number; NAME: string }, ts: r.timestamp }]));
    expect(last.get('u1')?.v).toEqual({ N: 5, NAME: 'Ada' });
    expect(last.get('u2')?.v).toEqual({ N: 4, NAME: 'Bo' });
    expect(last.get('u1')?.ts).toBe(5_008); // the row time of the newest record, from the AT column
    const pulled = e.execute("SELECT N FROM PER_USER WHERE USER = 'u1';")[0]!;
    expect(pulled.kind === 'rows' && pulled.rows).toEqual([[5]]);
  });

  it.skipIf(!hasKcat)('reads what kcat produced and writes what kcat reads (DELIMITED, tombstones)', async () => {
    const src = unique('kin');
    const out = unique('kout');
    const table = unique('ktab');
    kcat(['-P', '-t', src, '-K', '|'], 'a|x,1\nb|y,2\na|z,3\n');
    const e = eddy();
    e.execute(`
      CREATE STREAM KIN (K STRING KEY, NAME STRING, N INT) WITH (kafka_topic='${src}', value_format='DELIMITED');
      CREATE STREAM KOUT WITH (kafka_topic='${out}', value_format='DELIMITED', partitions=1) AS SELECT K, UCASE(NAME) AS NAME, N * 10 AS N FROM KIN;
      CREATE SOURCE TABLE KTAB (K STRING PRIMARY KEY, NAME STRING) WITH (kafka_topic='${table}', value_format='JSON', partitions=1);
    `);
    await readTopic(out, (s) => s.length >= 3);
    const lines = kcat(['-C', '-t', out, '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%k|%s\\n']).trim().split('\n');
    expect(lines).toEqual(['a|X,10', 'b|Y,20', 'a|Z,30']);

    kcat(['-P', '-t', table, '-K', '|'], 'k1|{"NAME":"one"}\nk2|{"NAME":"two"}\n');
    kcat(['-P', '-t', table, '-K', '|', '-Z'], 'k1|\n'); // -Z: an empty value is a tombstone
    await until(() => {
      const r = e.execute('SELECT K, NAME FROM KTAB;')[0]!;
      return r.kind === 'rows' && JSON.stringify(r.rows) === JSON.stringify([['k2', 'two']]);
    });
  });

  it('DROP … DELETE TOPIC deletes the Kafka topic only once the DROP committed', { timeout: 60_000 }, async () => {
    const e = eddy();
    const [kept, gone] = [unique('kept'), unique('gone')];
    e.execute(`CREATE STREAM KEPT (ID INT KEY, V STRING) WITH (kafka_topic='${kept}', value_format='JSON', partitions=1);
      CREATE STREAM GONE (ID INT KEY, V STRING) WITH (kafka_topic='${gone}', value_format='JSON', partitions=1);`);
    const admin = kafka().admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toEqual(expect.arrayContaining([kept, gone]));
    } catch (err) {
      await admin.disconnect();
      throw err;
    }
    // A DROP whose transaction fails when it records the command (a SQLite trigger refuses the
    // row, as a full disk would) rolls back: the topic it would have deleted must still be there.
    const db = e.state.db;
    db.exec("CREATE TEMP TRIGGER refuse_command BEFORE INSERT ON main.commands BEGIN SELECT RAISE(ABORT, 'command log refused'); END");
    const topics = async () => await admin.listTopics();
    try {
      expect(() => e.execute('DROP STREAM KEPT DELETE TOPIC;')).toThrow(/command log refused/);
      expect(await topics()).toContain(kept);
      db.exec('DROP TRIGGER temp.refuse_command');
      e.execute('DROP STREAM GONE DELETE TOPIC;');
      for (const end = Date.now() + 20_000; (await topics()).includes(gone); await new Promise((r) => setTimeout(r, 200))) {
        if (Date.now() > end) throw new Error(`topic ${gone} still exists after its DROP committed`);
      }
    } finally {
      await admin.disconnect();
    }
  });
});
