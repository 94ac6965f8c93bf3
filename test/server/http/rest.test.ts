// ksqlDB's REST API driven by curl (a real process) on 127.0.0.1, with the request shapes of
// ksqlDB's documentation; HTTP/2 by node's http2 client and by curl --http2-prior-knowledge.

import { connect as connectH2 } from 'node:http2';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sleep, until } from '../helpers.js';
import { curl, hasCurl, startHttp } from './http-helpers.js';

const STREAM = "CREATE STREAM PAGEVIEWS (USERID STRING KEY, PAGEID STRING, MS BIGINT) WITH (kafka_topic='pageviews', value_format='JSON', partitions=1);";
const ksql = (base: string, body: unknown, extra: string[] = []) =>
  curl(['--http1.1', '-X', 'POST', `${base}/ksql`, '-H', 'Accept: application/vnd.ksql.v1+json', '-H', 'Content-Type: application/json', '-d', JSON.stringify(body), ...extra]);

describe.skipIf(!hasCurl)('ksqlDB REST over curl', () => {
  it('/info, /healthcheck and /ksql with its response entities and errors', async () => {
    const { base } = await startHttp();
    const info = await curl(['--http1.1', `${base}/info`]);
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ KsqlServerInfo: { version: expect.any(String), ksqlServiceId: 'default_' } });
    expect(JSON.parse((await curl([`${base}/healthcheck`])).body)).toMatchObject({ isHealthy: true });

    const r = await ksql(base, {
      ksql: `${STREAM} CREATE TABLE PER_USER AS SELECT USERID, COUNT(*) AS N FROM PAGEVIEWS GROUP BY USERID; SHOW STREAMS; SHOW TABLES; SHOW QUERIES; DESCRIBE PAGEVIEWS;`,
      streamsProperties: { 'auto.offset.reset': 'earliest' },
    });
    expect(r.status).toBe(200);
    expect(r.headers).toMatch(/content-type: application\/vnd\.ksql\.v1\+json/i);
    const [created, ctas, streams, tables, queries, described] = JSON.parse(r.body) as Record<string, unknown>[];
    expect(created).toMatchObject({
      '@type': 'currentStatus',
      commandId: 'stream/PAGEVIEWS/create',
      commandStatus: { status: 'SUCCESS', message: 'Stream created' },
      commandSequenceNumber: expect.any(Number),
    });
    expect(ctas).toMatchObject({ '@type': 'currentStatus', commandId: 'table/PER_USER/create', commandStatus: { status: 'SUCCESS', queryId: 'CTAS_PER_USER_0' } });
    expect(streams).toEqual({
      '@type': 'streams',
      statementText: 'SHOW STREAMS',
      warnings: [],
      streams: [{ type: 'STREAM', name: 'PAGEVIEWS', topic: 'pageviews', keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: false }],
    });
    expect(tables).toMatchObject({ '@type': 'tables' });
    expect((tables!.tables as { name: string }[]).find((t) => t.name === 'PER_USER')).toMatchObject({ type: 'TABLE', topic: 'PER_USER', isWindowed: false });
    expect(queries).toMatchObject({ '@type': 'queries', queries: [{ id: 'CTAS_PER_USER_0', sinks: ['PER_USER'], queryType: 'PERSISTENT', state: 'RUNNING' }] });
    expect(described).toMatchObject({
      '@type': 'sourceDescription',
      sourceDescription: {
        name: 'PAGEVIEWS',
        type: 'STREAM',
        topic: 'pageviews',
        readQueries: [{ id: 'CTAS_PER_USER_0' }],
        fields: [
          { name: 'USERID', schema: { type: 'STRING' }, type: 'KEY' },
          { name: 'PAGEID', schema: { type: 'STRING' } },
          { name: 'MS', schema: { type: 'BIGINT' } },
        ],
      },
    });

    const topics = await ksql(base, { ksql: 'SHOW TOPICS;' });
    expect(JSON.parse(topics.body)).toMatchObject([{ '@type': 'kafka_topics', topics: expect.arrayContaining([{ name: 'pageviews', replicaInfo: [1] }]) }]);

    // A failing statement: 400, ksqlDB's statement_error with the entities run before it.
    const bad = await ksql(base, { ksql: 'SHOW STREAMS; DROP STREAM NOPE;' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({
      '@type': 'statement_error',
      error_code: 40001,
      message: 'Source NOPE does not exist.',
      statementText: 'DROP STREAM NOPE',
      entities: [{ '@type': 'streams' }],
    });
    const syntax = await ksql(base, { ksql: 'CREATE STREAMZ X;' });
    expect(syntax.status).toBe(400);
    expect(JSON.parse(syntax.body)).toMatchObject({ '@type': 'statement_error', error_code: 40001 });
    const select = await ksql(base, { ksql: 'SELECT * FROM PAGEVIEWS;' });
    expect(JSON.parse(select.body)).toMatchObject({ error_code: 40002 });
    const notJson = await curl(['-X', 'POST', `${base}/ksql`, '-d', '{nope']);
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ '@type': 'generic_error', error_code: 40000 });
    const nowhere = await curl([`${base}/nowhere`]);
    expect(nowhere.status).toBe(404);
    expect(JSON.parse(nowhere.body)).toMatchObject({ error_code: 40400 });

    // TERMINATE and DROP, as ksqlDB answers them.
    const term = await ksql(base, { ksql: 'TERMINATE CTAS_PER_USER_0; DROP TABLE PER_USER;' });
    expect(JSON.parse(term.body)).toMatchObject([
      { '@type': 'currentStatus', commandStatus: { status: 'SUCCESS' } },
      { '@type': 'currentStatus', commandId: 'table/PER_USER/drop' },
    ]);
  }, 30_000);

  it('/query-stream: a pull query delimited, a push query as JSON, and a push query closed by /close-query', async () => {
    const { base } = await startHttp();
    await ksql(base, { ksql: `${STREAM} CREATE TABLE PER_USER AS SELECT USERID, COUNT(*) AS N FROM PAGEVIEWS GROUP BY USERID;`, streamsProperties: { 'auto.offset.reset': 'earliest' } });
    // Rows go in through /inserts-stream, one JSON object a line, acked in order.
    const ins = await curl([
      '-X',
      'POST',
      `${base}/inserts-stream`,
      '--data-binary',
      '{"target":"pageviews"}\n{"USERID":"ada","PAGEID":"home","MS":1}\n{"USERID":"bob","PAGEID":"home","MS":"two"}\n{"USERID":"ada","PAGEID":"faq","MS":3}\n',
    ]);
    expect(ins.status).toBe(200);
    const acks = ins.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(acks.map((a) => [a.status, a.seq])).toEqual([
      ['ok', 0],
      ['error', 1],
      ['ok', 2],
    ]);
    expect(acks[1]).toMatchObject({ error_code: 40000, message: expect.stringContaining('MS') });

    // The pull sees both of ada's rows once the CTAS has run its batch.
    let pull = '';
    for (const end = Date.now() + 10_000; ; ) {
      const r = await curl(['--http1.1', '-X', 'POST', `${base}/query-stream`, '-d', JSON.stringify({ sql: "SELECT * FROM PER_USER WHERE USERID = 'ada';" })]);
      expect(r.status).toBe(200);
      expect(r.headers).toMatch(/content-type: application\/vnd\.ksqlapi\.delimited\.v1/i);
      pull = r.body;
      if (pull.includes('["ada",2]') || Date.now() > end) break;
      await sleep(30);
    }
    expect(
      pull
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([{ columnNames: ['USERID', 'N'], columnTypes: ['STRING', 'BIGINT'] }, ['ada', 2]]);

    const json = await curl([
      '-X',
      'POST',
      `${base}/query-stream`,
      '-H',
      'Accept: application/json',
      '-d',
      JSON.stringify({ sql: 'SELECT PAGEID, MS FROM PAGEVIEWS EMIT CHANGES LIMIT 2;', properties: { 'auto.offset.reset': 'earliest' } }),
    ]);
    expect(json.headers).toMatch(/content-type: application\/json/i);
    const whole = JSON.parse(json.body) as unknown[];
    expect(whole).toEqual([{ queryId: expect.stringMatching(/^transient_/), columnNames: ['PAGEID', 'MS'], columnTypes: ['STRING', 'BIGINT'] }, ['home', 1], ['faq', 3]]);

    // A push query that runs until /close-query ends it: curl streams its rows, then exits.
    const child = spawn('curl', ['-sS', '-N', '--http1.1', '-X', 'POST', `${base}/query-stream`, '-d', JSON.stringify({ sql: 'SELECT * FROM PAGEVIEWS EMIT CHANGES;' })]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    try {
      await until(() => out.includes('\n'));
      const { queryId } = JSON.parse(out.split('\n')[0]!) as { queryId: string };
      await curl(['-X', 'POST', `${base}/inserts-stream`, '--data-binary', '{"target":"PAGEVIEWS"}\n{"USERID":"cy","PAGEID":"new","MS":9}\n']);
      await until(() => out.includes('["cy","new",9]'));
      const closed = await curl(['-X', 'POST', `${base}/close-query`, '-d', JSON.stringify({ queryId })]);
      expect(closed.status).toBe(200);
      expect(await exited).toBe(0);
      const again = await curl(['-X', 'POST', `${base}/close-query`, '-d', JSON.stringify({ queryId })]);
      expect(again.status).toBe(400);
      expect(JSON.parse(again.body)).toMatchObject({ '@type': 'generic_error', error_code: 40000 });
    } finally {
      child.kill();
    }
    // An error before the header: 400 and ksqlDB's body.
    const missing = await curl(['-X', 'POST', `${base}/query-stream`, '-d', JSON.stringify({ sql: 'SELECT * FROM NOPE EMIT CHANGES;' })]);
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body)).toMatchObject({ '@type': 'statement_error', error_code: 40001 });
  }, 30_000);

  it('a push query ends when its HTTP client hangs up', async () => {
    const { base } = await startHttp();
    await ksql(base, { ksql: STREAM });
    const child = spawn('curl', ['-sS', '-N', '-X', 'POST', `${base}/query-stream`, '-d', JSON.stringify({ sql: 'SELECT * FROM PAGEVIEWS EMIT CHANGES;' })]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => out.includes('\n'));
    const pushes = async () => (await (await fetch(`${base}/metrics`)).text()).split('\n').filter((l) => l.startsWith('eddy_query_running{') && l.includes('type="PUSH"')).length;
    expect(await pushes()).toBe(1);
    child.kill();
    const end = Date.now() + 5000;
    while ((await pushes()) > 0 && Date.now() < end) await sleep(20);
    expect(await pushes()).toBe(0);
  }, 20_000);

  it('/query answers chunked, as ksqlDB did before /query-stream', async () => {
    const { base } = await startHttp();
    await ksql(base, { ksql: `${STREAM} INSERT INTO PAGEVIEWS (USERID, PAGEID, MS) VALUES ('ada', 'home', 1); INSERT INTO PAGEVIEWS (USERID, PAGEID, MS) VALUES ('bob', 'faq', 2);` });
    const r = await curl([
      '--http1.1',
      '-X',
      'POST',
      `${base}/query`,
      '-H',
      'Content-Type: application/vnd.ksql.v1+json',
      '-d',
      JSON.stringify({ ksql: 'SELECT * FROM PAGEVIEWS EMIT CHANGES LIMIT 2;', streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest', 'auto.offset.reset': 'earliest' } }),
    ]);
    expect(r.status).toBe(200);
    expect(r.headers).toMatch(/transfer-encoding: chunked/i);
    expect(JSON.parse(r.body)).toEqual([
      { header: { queryId: expect.any(String), schema: '`USERID` STRING, `PAGEID` STRING, `MS` BIGINT' } },
      { row: { columns: ['ada', 'home', 1] } },
      { row: { columns: ['bob', 'faq', 2] } },
      { finalMessage: 'Limit Reached' },
    ]);
  }, 20_000);

  it('Basic auth with the server token', async () => {
    const { base } = await startHttp({ token: 'tok3n' });
    const none = await ksql(base, { ksql: 'SHOW STREAMS;' });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toEqual({ '@type': 'generic_error', error_code: 40100, message: 'Unauthorized' });
    expect((await ksql(base, { ksql: 'SHOW STREAMS;' }, ['-u', 'any:wrong'])).status).toBe(401);
    const ok = await ksql(base, { ksql: 'SHOW STREAMS;' }, ['-u', 'any:tok3n']);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject([{ '@type': 'streams', streams: [] }]);
  }, 20_000);

  it('/query-stream over HTTP/2 (h2c): curl --http2-prior-knowledge and node http2', async () => {
    const { base } = await startHttp();
    await ksql(base, { ksql: `${STREAM} INSERT INTO PAGEVIEWS (USERID, PAGEID, MS) VALUES ('ada', 'home', 1);` });
    const body = JSON.stringify({ sql: 'SELECT USERID, MS FROM PAGEVIEWS EMIT CHANGES LIMIT 1;', properties: { 'auto.offset.reset': 'earliest' } });
    const c = await curl(['--http2-prior-knowledge', '-X', 'POST', `${base}/query-stream`, '-d', body]);
    expect(c.headers).toMatch(/^HTTP\/2 200/);
    expect(
      c.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([{ queryId: expect.any(String), columnNames: ['USERID', 'MS'], columnTypes: ['STRING', 'BIGINT'] }, ['ada', 1]]);

    const session = connectH2(base);
    try {
      const got = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = session.request({ ':method': 'POST', ':path': '/query-stream', accept: 'application/vnd.ksqlapi.delimited.v1' });
        let status = 0;
        let text = '';
        req.on('response', (h) => (status = Number(h[':status'])));
        req.setEncoding('utf8');
        req.on('data', (d: string) => (text += d));
        req.on('end', () => resolve({ status, text }));
        req.on('error', reject);
        req.end(body);
      });
      expect(got.status).toBe(200);
      expect(
        got.text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as unknown),
      ).toEqual([{ queryId: expect.any(String), columnNames: ['USERID', 'MS'], columnTypes: ['STRING', 'BIGINT'] }, ['ada', 1]]);
    } finally {
      session.close();
    }
  }, 20_000);
});

describe.skipIf(!hasCurl)('eddy server --http-port (the CLI)', () => {
  it('serves the REST API beside the line protocol, with the token, and stops on SIGTERM', async () => {
    const { spawnServer } = await import('../helpers.js');
    const p = await spawnServer(['--http-port', '0', '--token', 'cli-tok']);
    try {
      await until(() => /eddy http listening on 127\.0\.0\.1:\d+/.test(p.output()));
      const http = Number(/eddy http listening on 127\.0\.0\.1:(\d+)/.exec(p.output())![1]);
      const base = `http://127.0.0.1:${http}`;
      expect((await curl([`${base}/healthcheck`])).status).toBe(401);
      const ok = await curl(['-u', 'x:cli-tok', `${base}/healthcheck`]);
      expect(JSON.parse(ok.body)).toMatchObject({ isHealthy: true });
      const created = await ksql(base, { ksql: STREAM }, ['-u', 'x:cli-tok']);
      expect(JSON.parse(created.body)).toMatchObject([{ '@type': 'currentStatus', commandStatus: { status: 'SUCCESS' } }]);
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exited).toBe(0);
  }, 30_000);
});
