// The blocks of README.md and docs/ marked `<!-- needs: kafka -->`, run against the Kafka project's
// real broker. What is changed, and only that: the broker address 127.0.0.1:9092 becomes the
// suite's broker (started by the same `scripts/kafka.sh start PORT CONTROLLER` in broker-setup.ts,
// on free ports, and stopped by its `scripts/kafka.sh stop`), and fixed server ports become free
// ones. Each block's command lines are pinned, so an edit to the document that this test does not
// follow fails here.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeBlocks, ROOT, type CodeBlock } from '../docs/readme-blocks.js';
import { raw, runSql, spawnServer, until, type ServerProcess } from '../server/helpers.js';
import { brokers, kafka, noBroker, readTopic, unique, waitFor } from './helpers.js';

const servers: ServerProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const s of servers) s.child.kill('SIGKILL');
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function kafkaBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  return codeBlocks(file).filter((b) => lines[b.line - 2] === '<!-- needs: kafka -->');
}

const commands = (b: CodeBlock) =>
  b.code
    .split('\n')
    .map((l) => l.replace(/\s+# .*$/, '').trim())
    .filter(Boolean);

/** An `eddy server …` line of a document, started as a real process against the suite's broker. */
async function serve(line: string): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-docs-kafka-'));
  dirs.push(dir);
  const args = line
    .replace(/^eddy server\s+/, '')
    .replace('127.0.0.1:9092', brokers)
    .replace(/--port \d+/, '')
    .split(/\s+/)
    .filter(Boolean)
    // `--data ./a`: a directory of the test's own, not the working directory's.
    .map((a) => (a.startsWith('./') ? join(dir, a.slice(2)) : a));
  const s = await spawnServer(args);
  servers.push(s);
  return s;
}

const run = (port: number, sql: string): Promise<void> => runSql(port, sql);

/** Every reply line of one request (errors included). */
async function rows(port: number, sql: string): Promise<unknown[]> {
  const c = await raw(port);
  c.send(JSON.stringify({ id: 'r', sql }));
  await until(() => c.lines.some((l) => l.id === 'r' && (l.type === 'end' || l.type === 'error')), 30_000);
  c.socket.destroy();
  return c.lines;
}

describe.skipIf(noBroker)('documents: the blocks that need Kafka', { timeout: 180_000 }, () => {
  it('every needs: kafka block is one of those run here', () => {
    const docs = readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`);
    const all = ['README.md', ...docs].flatMap(kafkaBlocks);
    expect(all.map((b) => b.file)).toEqual(['README.md', 'docs/scale-out.md']);
  });

  it('README.md: eddy server --kafka runs its queries over real Kafka topics', async () => {
    const [block] = kafkaBlocks('README.md');
    expect(commands(block!)).toEqual(['scripts/kafka.sh start', 'eddy server --kafka 127.0.0.1:9092 --data ./eddy-data', 'scripts/kafka.sh stop']);
    const s = await serve(commands(block!)[1]!);
    expect(s.output()).toContain(`(kafka: ${brokers})`);
    const input = unique('readme_in');
    const output = unique('readme_out');
    await run(
      s.port,
      `SET 'auto.offset.reset' = 'earliest';
       CREATE STREAM ORDERS (ID INT KEY, AMOUNT INT) WITH (kafka_topic='${input}', value_format='JSON', partitions=1);
       CREATE STREAM BIG WITH (kafka_topic='${output}') AS SELECT ID, AMOUNT FROM ORDERS WHERE AMOUNT > 10;
       INSERT INTO ORDERS (ID, AMOUNT) VALUES (1, 5);
       INSERT INTO ORDERS (ID, AMOUNT) VALUES (2, 50);
       INSERT INTO ORDERS (ID, AMOUNT) VALUES (3, 500);`,
    );
    const seen = await readTopic(output, (xs) => xs.length >= 2, 60_000, 500);
    expect(seen.map((r) => JSON.parse(r.value ?? 'null'))).toEqual([{ AMOUNT: 50 }, { AMOUNT: 500 }]);
  });

  it('docs/scale-out.md: two servers of one service share a query through its consumer group, each record once', async () => {
    const [block] = kafkaBlocks('docs/scale-out.md');
    const lines = commands(block!);
    expect(lines).toEqual(['eddy server --data ./a --kafka 127.0.0.1:9092 --service-id shop --port 7001', 'eddy server --data ./b --kafka 127.0.0.1:9092 --service-id shop --port 7002']);
    // A service id of the test's own: `shop` again would join another run's groups on a reused broker.
    const service = unique('shop');
    // One after the other, as a user starts them.
    const a = await serve(lines[0]!.replace('shop', service));
    const b = await serve(lines[1]!.replace('shop', service));
    const input = unique('shop_in');
    const output = unique('shop_out');
    const admin = kafka().admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: input, numPartitions: 4 }], waitForLeaders: true });
      // On one server: the other applies them from the service's command topic, as the document says.
      const sql = `SET 'auto.offset.reset' = 'earliest';
        CREATE STREAM VISITS (ID STRING KEY, N INT) WITH (kafka_topic='${input}', value_format='JSON');
        CREATE STREAM DOUBLED WITH (kafka_topic='${output}', partitions=2) AS SELECT ID, N * 2 AS N2 FROM VISITS;`;
      await run(a.port, sql);
      const producer = kafka().producer();
      await producer.connect();
      await producer.send({ topic: input, messages: Array.from({ length: 200 }, (_, i) => ({ key: `k${i % 17}`, value: JSON.stringify({ N: i }) })) });
      await producer.disconnect();
      const seen = await readTopic(output, (xs) => xs.length >= 200, 90_000, 1_000);
      const values = seen.map((r) => (JSON.parse(r.value ?? 'null') as { N2: number }).N2).sort((x, y) => x - y);
      expect(values).toEqual(Array.from({ length: 200 }, (_, i) => i * 2));
      // Both servers are members of the query's group: the work was shared, not run twice.
      const groups = await admin.listGroups();
      const group = groups.groups.map((g) => g.groupId).find((g) => g.startsWith(`${service}-`));
      expect(group).toBeDefined();
      // B joins once it has read A's statements from the command topic (it may come after the records).
      await waitFor(
        'both servers are members of the group',
        () => admin.describeGroups([group!]).then((d) => d.groups[0]!.members.length),
        (n) => n === 2,
        60_000,
      ).catch(async (e: Error) => {
        // What B did with the commands: its queries and its processing log (a command it failed is there).
        const queries = await rows(b.port, 'SHOW QUERIES;').catch((x: Error) => x.message);
        const log = await rows(b.port, 'SELECT * FROM PROCESSING_LOG;').catch((x: Error) => x.message);
        throw new Error(`${e.message}; B's output: ${b.output()}; SHOW QUERIES on B: ${JSON.stringify(queries)}; B's processing log: ${JSON.stringify(log)}`);
      });
    } finally {
      await admin.disconnect();
    }
  });
});
