// `--schema-registry URL`: an engine whose AVRO/PROTOBUF/JSON_SR schemas live in another
// registry, here a second real Eddy process serving its registry's REST API on 127.0.0.1
// (behind a token). Registration, inference and decoding go over HTTP; ids are cached for good,
// so decoding goes on when the registry is gone; an unreachable or silent registry fails with
// a clear error within the timeout instead of hanging the batch.

import avro from 'avsc';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliScript } from '../../bundled-script.js';
import { Eddy } from '../../../src/runtime/engine.js';
import { HttpSchemaRegistry } from '../../../src/runtime/registry/http-registry.js';
import { SchemaRegistryError } from '../../../src/runtime/registry/schema-registry.js';
import { spawnServer, until, type ServerProcess } from '../helpers.js';

const TOKEN = 'reg-t0ken';
let registry: ServerProcess;
let base: string;
let url: string;
const engines: Eddy[] = [];

beforeAll(async () => {
  registry = await spawnServer(['--http-port', '0', '--token', TOKEN]);
  await until(() => /eddy http listening on [\d.]+:\d+/.test(registry.output()), 20_000);
  const port = /eddy http listening on [\d.]+:(\d+)/.exec(registry.output())![1];
  base = `http://127.0.0.1:${port}`;
  url = `http://app:${TOKEN}@127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  for (const e of engines.splice(0)) e.close();
  registry.child.kill('SIGTERM');
  await registry.exited;
});

function open(schemaRegistry: string | { url: string; timeoutMs: number } = url): Eddy {
  const e = Eddy.open({ schemaRegistry, autoStart: false, properties: { 'auto.offset.reset': 'earliest' } });
  engines.push(e);
  return e;
}

async function rest(method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return r.json();
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** A TCP server that accepts connections and never answers. */
async function silent(): Promise<{ server: Server; port: number }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('--schema-registry: another Eddy process as the registry', { timeout: 60_000 }, () => {
  it('registers the schemas of CREATE and CREATE AS SELECT there, and writes and reads records with its ids', async () => {
    const eddy = open();
    eddy.execute(`CREATE STREAM ORDERS (ID INT KEY, ITEM STRING, QTY INT) WITH (kafka_topic='orders', format='AVRO', partitions=1);`);
    eddy.execute(`CREATE STREAM BIG WITH (kafka_topic='big', value_format='AVRO') AS SELECT ID, ITEM, QTY * 10 AS QTY10 FROM ORDERS WHERE QTY > 1;`);
    eddy.execute(`INSERT INTO ORDERS (ID, ITEM, QTY) VALUES (1, 'pen', 1);`);
    eddy.execute(`INSERT INTO ORDERS (ID, ITEM, QTY) VALUES (2, 'ink', 3);`);
    eddy.runUntilIdle();
    expect(await rest('GET', '/subjects')).toEqual(expect.arrayContaining(['orders-key', 'orders-value', 'big-value']));
    const latest = (await rest('GET', '/subjects/big-value/versions/latest')) as { id: number; schema: string };
    expect(JSON.parse(latest.schema)).toMatchObject({ type: 'record', fields: [{ name: 'ITEM' }, { name: 'QTY10' }] });
    const [rec] = eddy.readTopic('big');
    expect(rec!.value!.readInt32BE(1)).toBe(latest.id);
    // And Eddy reads them back with the schema it fetched by that id.
    eddy.execute(`CREATE STREAM BIG_JSON WITH (value_format='JSON') AS SELECT * FROM BIG;`);
    eddy.runUntilIdle();
    expect(eddy.readTopic('BIG_JSON').map((r) => r.value!.toString())).toEqual(['{"ITEM":"ink","QTY10":30}']);
    // Another engine on the same registry, given the bytes, infers the columns and fetches the writer's schema by id.
    const other = open();
    other.produce(
      'big',
      eddy.readTopic('big').map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp })),
    );
    other.execute(`CREATE STREAM BIG WITH (kafka_topic='big', value_format='AVRO');`);
    other.execute(`CREATE STREAM OUT WITH (value_format='JSON') AS SELECT ITEM, QTY10 + 1 AS Q FROM BIG;`);
    other.runUntilIdle();
    expect(other.readTopic('OUT').map((r) => r.value!.toString())).toEqual(['{"ITEM":"ink","Q":31}']);
  });

  it('infers columns from a subject registered there by someone else', async () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'Reading',
      fields: [
        { name: 'sensor', type: 'string' },
        { name: 'celsius', type: 'double' },
      ],
    });
    const { id } = (await rest('POST', '/subjects/readings-value/versions', { schema })) as { id: number };
    expect(id).toBeGreaterThan(0);
    const eddy = open();
    eddy.execute(`CREATE STREAM READINGS WITH (kafka_topic='readings', value_format='AVRO', partitions=1);`);
    expect(eddy.state.catalog.get('READINGS')!.columns.map((c) => `${c.name} ${c.type.kind}`)).toEqual(['SENSOR STRING', 'CELSIUS DOUBLE']);
    const fresh = new HttpSchemaRegistry({ url });
    try {
      expect(fresh.byId(id)).toEqual({ schemaType: 'AVRO', schema });
      expect(fresh.byId(987_654)).toBeUndefined();
      expect(fresh.latest('readings-value')).toMatchObject({ subject: 'readings-value', version: 1, id });
      expect(fresh.versions('readings-value')).toEqual([1]);
      expect(fresh.latest('no-such-value')).toBeUndefined();
    } finally {
      fresh.close();
    }
  });

  it("follows a Protobuf schema's references over HTTP: the imported subject's version is fetched and parsed first", async () => {
    const dep = 'syntax = "proto3";\npackage geo;\nmessage Point {\n  double lat = 1;\n  double lon = 2;\n}\n';
    const main = 'syntax = "proto3";\npackage geo;\nimport "geo/point.proto";\nmessage Trip {\n  Point from = 1;\n  Point to = 2;\n}\n';
    await rest('POST', '/subjects/geo-point/versions', { schema: dep, schemaType: 'PROTOBUF' });
    const ref = { name: 'geo/point.proto', subject: 'geo-point', version: 1 };
    const { id } = (await rest('POST', '/subjects/trips-value/versions', { schema: main, schemaType: 'PROTOBUF', references: [ref] })) as { id: number };
    const eddy = open();
    eddy.execute(`CREATE STREAM TRIPS WITH (kafka_topic='trips', value_format='PROTOBUF', partitions=1);`);
    expect(eddy.state.catalog.get('TRIPS')!.columns.map((c) => `${c.name} ${c.type.kind}`)).toEqual(['FROM STRUCT', 'TO STRUCT']);
    const fresh = new HttpSchemaRegistry({ url });
    try {
      expect(fresh.byId(id)).toEqual({ schemaType: 'PROTOBUF', schema: main.trim(), references: [ref] });
    } finally {
      fresh.close();
    }
  });

  it("refuses what the registry refuses, with the registry's reason; sets levels and deletes there", async () => {
    const eddy = open();
    const reg = eddy.state.registry;
    reg.register('strict-value', { schemaType: 'AVRO', schema: JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] }) });
    const bad = {
      schemaType: 'AVRO' as const,
      schema: JSON.stringify({
        type: 'record',
        name: 'R',
        fields: [
          { name: 'a', type: 'int' },
          { name: 'b', type: 'string' },
        ],
      }),
    };
    expect(reg.isCompatible('strict-value', bad)).toBe(false);
    expect(() => reg.register('strict-value', bad)).toThrow(expect.objectContaining({ code: 409, message: expect.stringMatching(/incompatible/) }));
    expect(() => reg.register('x-value', { schemaType: 'AVRO', schema: '{"type": "nope"}' })).toThrow(expect.objectContaining({ code: 42201 }));
    reg.setCompatibility('NONE', 'strict-value');
    expect(reg.subjectCompatibility('strict-value')).toBe('NONE');
    const badId = reg.register('strict-value', bad);
    expect(reg.versions('strict-value')).toEqual([1, 2]);
    expect(reg.deleteVersion('strict-value', 2, false)).toBe(2);
    expect(() => reg.deleteSubject('strict-value', true)).toThrow(expect.objectContaining({ code: 40405 }));
    expect(reg.deleteSubject('strict-value', false)).toEqual([1]);
    expect(await rest('GET', '/subjects/strict-value/versions')).toMatchObject({ error_code: 40401 });
    // Registering again after the delete goes to the registry (not to a cached id) and makes a version there.
    expect(reg.register('strict-value', bad)).toBe(badId);
    expect(reg.versions('strict-value')).toEqual([3]);
  });

  it('a silent registry fails each request at the timeout, with a clear error', async () => {
    const { server, port } = await silent();
    try {
      const reg = new HttpSchemaRegistry({ url: `http://127.0.0.1:${port}`, timeoutMs: 300 });
      const t0 = Date.now();
      expect(() => reg.byId(1)).toThrow(`Schema registry at http://127.0.0.1:${port}: no answer within 300 ms (GET /schemas/ids/1)`);
      // The worker's start-up is allowed on top of the first request; later ones wait the timeout alone.
      expect(Date.now() - t0).toBeLessThan(6_000);
      const t1 = Date.now();
      expect(() => reg.subjects()).toThrow(/no answer within 300 ms \(GET \/subjects\)/);
      expect(Date.now() - t1).toBeLessThan(1_500);
      reg.close();
    } finally {
      server.close();
    }
  });

  it('decodes records of ids it has read while its registry process is down; a record of a new id stops the query until the registry is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-registry-'));
    const port = await freePort();
    const startRegistry = async () => {
      const p = await spawnServer(['--http-port', String(port), '--data', dir]);
      await until(() => /eddy http listening/.test(p.output()), 20_000);
      return p;
    };
    let second = await startRegistry();
    try {
      const eddy = Eddy.open({
        schemaRegistry: { url: `http://127.0.0.1:${port}`, timeoutMs: 2_000 },
        autoStart: false,
        properties: { 'auto.offset.reset': 'earliest', 'ksql.query.retry.backoff.initial.ms': '10' },
      });
      engines.push(eddy);
      eddy.execute(`CREATE STREAM T (V STRING) WITH (kafka_topic='t', value_format='AVRO', partitions=1);`);
      eddy.execute(`INSERT INTO T (V) VALUES ('kept');`);
      const id = eddy.readTopic('t')[0]!.value!.readInt32BE(1);
      // A second version, registered by someone else: this engine has not seen its id.
      const v1 = JSON.parse(eddy.state.registry.byId(id)!.schema) as { fields: object[] };
      const v2 = { ...v1, fields: [...v1.fields, { name: 'W', type: 'string', default: '' }] };
      const res = await fetch(`http://127.0.0.1:${port}/subjects/t-value/versions`, { method: 'POST', body: JSON.stringify({ schema: JSON.stringify(v2) }) });
      const id2 = ((await res.json()) as { id: number }).id;
      expect(id2).toBeGreaterThan(id);
      second.child.kill('SIGKILL');
      await second.exited;

      // A new query decodes with the id's schema, held since the INSERT registered it.
      eddy.execute(`CREATE STREAM COPY WITH (value_format='JSON') AS SELECT V FROM T;`);
      eddy.runUntilIdle();
      expect(eddy.readTopic('COPY').map((r) => r.value!.toString())).toEqual(['{"V":"kept"}']);
      expect(eddy.state.registry.byId(id)?.schemaType).toBe('AVRO');
      expect(() => eddy.state.registry.byId(id + 1000)).toThrow(/Schema registry at http:\/\/127\.0\.0\.1:\d+: cannot reach it \(ECONNREFUSED\) \(GET \/schemas\/ids\/\d+\)/);

      // A record of the unseen id: not skipped as undecodable, the query waits in ERROR for the registry.
      const body = avro.Type.forSchema(v2 as avro.Schema, { wrapUnions: true }).toBuffer({ V: { string: 'later' }, W: 'w' });
      eddy.produce('t', [{ key: null, value: Buffer.concat([Buffer.from([0, (id2 >> 24) & 255, (id2 >> 16) & 255, (id2 >> 8) & 255, id2 & 255]), body]), timestamp: 5 }]);
      eddy.step();
      const q = [...eddy.state.queries.values()].find((x) => x.sink === 'COPY')!;
      expect(eddy.state.supervisor.status(q)).toMatchObject({ status: 'ERROR', lastError: expect.stringMatching(/cannot reach it \(ECONNREFUSED\)/) });
      expect(eddy.readTopic('COPY')).toHaveLength(1);
      expect(eddy.processingLog().filter((e) => /deserialise/.test(JSON.stringify(e)))).toEqual([]);

      second = await startRegistry();
      await until(() => {
        eddy.step();
        return eddy.readTopic('COPY').length === 2;
      }, 20_000).catch((e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(eddy.state.supervisor.status(q))} ${JSON.stringify(eddy.processingLog())}`);
      });
      expect(eddy.readTopic('COPY').map((r) => r.value!.toString())).toEqual(['{"V":"kept"}', '{"V":"later"}']);
      expect(eddy.state.supervisor.status(q)?.status).toBe('RUNNING');
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says when nothing listens, and when the token is wrong', async () => {
    const port = await freePort();
    const eddy = open({ url: `http://127.0.0.1:${port}`, timeoutMs: 2_000 });
    expect(() => eddy.execute(`CREATE STREAM N WITH (kafka_topic='n', value_format='AVRO');`)).toThrow(/Schema registry at http:\/\/127\.0\.0\.1:\d+: cannot reach it \(ECONNREFUSED\)/);
    const wrong = open(url.replace(TOKEN, 'wrong'));
    let err: unknown;
    try {
      wrong.state.registry.subjects();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SchemaRegistryError);
    expect((err as Error).message).toMatch(/refused listing subjects: Unauthorized/);
    expect((err as Error).message).not.toContain('wrong');
  });

  it('a restart replays a CREATE that took its columns from the registry only when the registry answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-replay-'));
    try {
      const schema = JSON.stringify({ type: 'record', name: 'Reading', fields: [{ name: 'c', type: 'double' }] });
      await rest('POST', '/subjects/replayed-value/versions', { schema });
      let eddy = Eddy.open({ dataDir: dir, schemaRegistry: url });
      eddy.execute(`CREATE STREAM REPLAYED WITH (kafka_topic='replayed', value_format='AVRO', partitions=1);`);
      eddy.execute(`CREATE STREAM REPLAYED_JSON WITH (value_format='JSON') AS SELECT C FROM REPLAYED;`);
      eddy.close();
      const down = `http://127.0.0.1:${await freePort()}`;
      // Not a run without the stream and its query: no start at all, with the reason.
      expect(() => Eddy.open({ dataDir: dir, schemaRegistry: { url: down, timeoutMs: 1_000 } })).toThrow(
        /^Cannot start: replaying 'CREATE STREAM REPLAYED WITH .*' needs the schema registry\. Schema registry at http:\/\/127\.0\.0\.1:\d+: cannot reach it \(ECONNREFUSED\)/,
      );
      // The failed start left the data directory as it was (and unlocked).
      eddy = Eddy.open({ dataDir: dir, schemaRegistry: url });
      expect(eddy.state.catalog.get('REPLAYED')?.columns.map((c) => c.name)).toEqual(['C']);
      expect([...eddy.state.queries.values()].map((q) => q.sink)).toContain('REPLAYED_JSON');
      eddy.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('eddy server --schema-registry uses it, and its own --http-port serves that registry', async () => {
    const server = await spawnServer(['--http-port', '0', '--schema-registry', url]);
    try {
      await until(() => /eddy http listening on [\d.]+:\d+/.test(server.output()), 20_000);
      expect(server.output()).toContain(`(schema registry: ${base})`);
      const own = `http://127.0.0.1:${/eddy http listening on [\d.]+:(\d+)/.exec(server.output())![1]}`;
      const r = await fetch(`${own}/ksql`, { method: 'POST', body: JSON.stringify({ ksql: "CREATE STREAM SRV_S (N INT) WITH (kafka_topic='srv_s', value_format='PROTOBUF', partitions=1);" }) });
      expect(r.status).toBe(200);
      expect(await rest('GET', '/subjects/srv_s-value/versions/1')).toMatchObject({ schemaType: 'PROTOBUF', version: 1 });
      const viaOwn = (await (await fetch(`${own}/subjects/srv_s-value/versions/latest`)).json()) as { id: number };
      expect(viaOwn).toEqual(await rest('GET', '/subjects/srv_s-value/versions/latest'));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('eddy shell --schema-registry uses it (the CLI flag, as a real process)', async () => {
    const cli = await cliScript();
    const sql = `CREATE STREAM CLI_S (K STRING KEY, N INT) WITH (kafka_topic='cli_s', format='JSON_SR', partitions=1);`;
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [cli, 'shell', '--memory', '--schema-registry', url, '-e', sql], { encoding: 'utf8', timeout: 60_000 }, (_e, stdout, stderr) =>
        resolve({ code: child.exitCode, stdout, stderr }),
      );
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await rest('GET', '/subjects')).toEqual(expect.arrayContaining(['cli_s-key', 'cli_s-value']));
    expect(await rest('GET', '/subjects/cli_s-value/versions/1')).toMatchObject({ schemaType: 'JSON', version: 1 });
  });
});
