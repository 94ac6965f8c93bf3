// The registry's Confluent REST API on the HTTP port: paths, bodies, content type and error
// codes as Confluent's clients read them, over real HTTP on 127.0.0.1.

import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { start, until } from '../helpers.js';
import { startHttp } from './http-helpers.js';

const CT = 'application/vnd.schemaregistry.v1+json';
const V1 = JSON.stringify({ type: 'record', name: 'Ride', fields: [{ name: 'id', type: 'long' }] });
const V2 = JSON.stringify({
  type: 'record',
  name: 'Ride',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'km', type: 'double', default: 0 },
  ],
});
// A new required field without a default: old records cannot be read with it (not BACKWARD).
const BAD = JSON.stringify({
  type: 'record',
  name: 'Ride',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'who', type: 'string' },
  ],
});

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(base + path, { method, headers: { 'Content-Type': CT, Accept: CT, ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await r.text();
  let answer: unknown = text;
  try {
    answer = JSON.parse(text);
  } catch {
    // A schema's text alone (…/schema) may be any text.
  }
  return { status: r.status, type: r.headers.get('content-type'), body: answer };
}

describe('schema registry REST API', () => {
  it('registers, versions, looks up and serves schemas by id', async () => {
    const { base } = await startHttp();
    expect((await call(base, 'GET', '/subjects')).body).toEqual([]);
    const r1 = await call(base, 'POST', '/subjects/rides-value/versions', { schema: V1 });
    expect(r1.status).toBe(200);
    expect(r1.type).toBe(CT);
    const id1 = (r1.body as { id: number }).id;
    expect(id1).toBeGreaterThan(0);
    // Re-registering the same schema (whitespace aside) gives the same id and no new version.
    expect((await call(base, 'POST', '/subjects/rides-value/versions', { schema: JSON.stringify(JSON.parse(V1), null, 2), schemaType: 'AVRO' })).body).toEqual({ id: id1 });
    const id2 = ((await call(base, 'POST', '/subjects/rides-value/versions', { schema: V2, references: [] })).body as { id: number }).id;
    expect(id2).not.toBe(id1);
    expect((await call(base, 'GET', '/subjects')).body).toEqual(['rides-value']);
    expect((await call(base, 'GET', '/subjects/rides-value/versions')).body).toEqual([1, 2]);
    expect((await call(base, 'GET', '/subjects/rides-value/versions/latest')).body).toEqual({ subject: 'rides-value', version: 2, id: id2, schema: V2 });
    expect((await call(base, 'GET', '/subjects/rides-value/versions/1')).body).toEqual({ subject: 'rides-value', version: 1, id: id1, schema: V1 });
    expect((await call(base, 'GET', '/subjects/rides-value/versions/1/schema')).body).toEqual(JSON.parse(V1));
    expect((await call(base, 'GET', `/schemas/ids/${id1}`)).body).toEqual({ schema: V1 });
    expect((await call(base, 'GET', `/schemas/ids/${id2}/versions`)).body).toEqual([{ subject: 'rides-value', version: 2 }]);
    expect((await call(base, 'POST', '/subjects/rides-value', { schema: V2 })).body).toEqual({ subject: 'rides-value', version: 2, id: id2, schema: V2 });
    expect((await call(base, 'GET', '/schemas/types')).body).toEqual(['AVRO', 'PROTOBUF', 'JSON']);
  });

  it('answers with Confluent error codes', async () => {
    const { base } = await startHttp();
    const err = async (method: string, path: string, body?: unknown) => {
      const r = await call(base, method, path, body);
      return [r.status, (r.body as { error_code: number }).error_code, r.type];
    };
    expect(await err('GET', '/subjects/nope/versions')).toEqual([404, 40401, CT]);
    expect(await err('GET', '/subjects/nope/versions/latest')).toEqual([404, 40401, CT]);
    await call(base, 'POST', '/subjects/s-value/versions', { schema: V1 });
    expect(await err('GET', '/subjects/s-value/versions/7')).toEqual([404, 40402, CT]);
    expect(await err('GET', '/subjects/s-value/versions/x')).toEqual([422, 42202, CT]);
    expect(await err('GET', '/schemas/ids/999')).toEqual([404, 40403, CT]);
    expect(await err('POST', '/subjects/s-value', { schema: V2 })).toEqual([404, 40403, CT]);
    expect(await err('POST', '/subjects/other', { schema: V1 })).toEqual([404, 40401, CT]);
    expect(await err('POST', '/subjects/s-value/versions', { schema: '{"type": "recrd"}' })).toEqual([422, 42201, CT]);
    expect(await err('POST', '/subjects/s-value/versions', { schema: 'message {', schemaType: 'PROTOBUF' })).toEqual([422, 42201, CT]);
    expect(await err('POST', '/subjects/s-value/versions', { schema: V1, references: [{ name: 'x', subject: 'y', version: 1 }] })).toEqual([422, 42201, CT]);
    expect(await err('POST', '/subjects/s-value/versions', { schema: BAD })).toEqual([409, 409, CT]);
    expect(await err('PUT', '/config', { compatibility: 'SOMETIMES' })).toEqual([422, 42203, CT]);
    expect(await err('GET', '/config/s-value')).toEqual([404, 40408, CT]);
  });

  it('reads and sets compatibility, globally and per subject, and checks schemas against it', async () => {
    const { base } = await startHttp();
    expect((await call(base, 'GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    await call(base, 'POST', '/subjects/s-value/versions', { schema: V1 });
    expect((await call(base, 'POST', '/compatibility/subjects/s-value/versions/latest', { schema: BAD })).body).toEqual({ is_compatible: false });
    expect((await call(base, 'POST', '/compatibility/subjects/s-value/versions/1', { schema: V2 })).body).toEqual({ is_compatible: true });
    expect((await call(base, 'POST', '/compatibility/subjects/s-value/versions', { schema: BAD })).body).toEqual({ is_compatible: false });
    expect((await call(base, 'GET', '/config/s-value?defaultToGlobal=true')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await call(base, 'PUT', '/config/s-value', { compatibility: 'NONE' })).body).toEqual({ compatibility: 'NONE' });
    expect((await call(base, 'GET', '/config/s-value')).body).toEqual({ compatibilityLevel: 'NONE' });
    expect((await call(base, 'GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await call(base, 'POST', '/compatibility/subjects/s-value/versions/latest', { schema: BAD })).body).toEqual({ is_compatible: true });
    expect((await call(base, 'POST', '/subjects/s-value/versions', { schema: BAD })).status).toBe(200);
    expect((await call(base, 'PUT', '/config', { compatibility: 'full' })).body).toEqual({ compatibility: 'FULL' });
    expect((await call(base, 'GET', '/config')).body).toEqual({ compatibilityLevel: 'FULL' });
  });

  it('deletes softly (ids still resolve), then permanently, as Confluent does', async () => {
    const { base } = await startHttp();
    const id1 = ((await call(base, 'POST', '/subjects/d-value/versions', { schema: V1 })).body as { id: number }).id;
    const id2 = ((await call(base, 'POST', '/subjects/d-value/versions', { schema: V2 })).body as { id: number }).id;
    const status = async (method: string, path: string) => {
      const r = await call(base, method, path);
      return [r.status, typeof r.body === 'object' && r.body !== null && 'error_code' in r.body ? (r.body as { error_code: number }).error_code : r.body];
    };
    // A version must be soft-deleted before it is deleted for good.
    expect(await status('DELETE', '/subjects/d-value/versions/1?permanent=true')).toEqual([404, 40407]);
    expect(await status('DELETE', '/subjects/d-value/versions/1')).toEqual([200, 1]);
    expect((await call(base, 'GET', '/subjects/d-value/versions')).body).toEqual([2]);
    expect(await status('GET', '/subjects/d-value/versions/1')).toEqual([404, 40402]);
    expect((await call(base, 'GET', `/schemas/ids/${id1}`)).body).toEqual({ schema: V1 });
    expect(await status('DELETE', '/subjects/d-value/versions/1?permanent=true')).toEqual([200, 1]);
    expect(await status('GET', `/schemas/ids/${id1}`)).toEqual([404, 40403]);
    // A subject likewise; its versions' numbers are not given again while it is soft-deleted.
    expect(await status('DELETE', '/subjects/d-value?permanent=true')).toEqual([404, 40405]);
    expect(await status('DELETE', '/subjects/d-value')).toEqual([200, [2]]);
    expect((await call(base, 'GET', '/subjects')).body).toEqual([]);
    expect(await status('GET', '/subjects/d-value/versions/latest')).toEqual([404, 40401]);
    expect((await call(base, 'GET', `/schemas/ids/${id2}`)).body).toEqual({ schema: V2 });
    expect((await call(base, 'POST', '/subjects/d-value/versions', { schema: V2 })).body).toEqual({ id: id2 });
    expect((await call(base, 'GET', '/subjects/d-value/versions')).body).toEqual([3]);
    expect(await status('DELETE', '/subjects/d-value/versions/latest')).toEqual([200, 3]);
    expect(await status('DELETE', '/subjects/d-value?permanent=true')).toEqual([200, [2, 3]]);
    expect(await status('GET', `/schemas/ids/${id2}`)).toEqual([404, 40403]);
    expect(await status('DELETE', '/subjects/d-value')).toEqual([404, 40401]);
    // Gone for good: numbering starts again, and ids are never given twice.
    const id3 = ((await call(base, 'POST', '/subjects/d-value/versions', { schema: V1 })).body as { id: number }).id;
    expect(id3).toBeGreaterThan(id2);
    expect((await call(base, 'GET', '/subjects/d-value/versions')).body).toEqual([1]);
  });

  it('serves the schemas Eddy registered for its own sources', async () => {
    const { base } = await startHttp();
    const ksql = await fetch(`${base}/ksql`, {
      method: 'POST',
      body: JSON.stringify({ ksql: "CREATE STREAM RIDES (ID BIGINT KEY, KM DOUBLE) WITH (kafka_topic='rides', key_format='KAFKA', value_format='AVRO', partitions=1);" }),
    });
    expect(ksql.status).toBe(200);
    const latest = (await call(base, 'GET', '/subjects/rides-value/versions/latest')).body as { schema: string; id: number };
    expect(JSON.parse(latest.schema)).toMatchObject({ type: 'record', fields: [{ name: 'KM' }] });
  });

  it('asks for the token as the rest of the HTTP API does', async () => {
    const { base } = await startHttp({ token: 's3cret' });
    expect((await call(base, 'GET', '/subjects')).status).toBe(401);
    const basic = `Basic ${Buffer.from('anyone:s3cret').toString('base64')}`;
    expect(await call(base, 'GET', '/subjects', undefined, { Authorization: basic })).toMatchObject({ status: 200, body: [] });
    expect(await call(base, 'GET', '/subjects', undefined, { Authorization: 'Bearer s3cret' })).toMatchObject({ status: 200, body: [] });
    expect((await call(base, 'GET', '/subjects', undefined, { Authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('keeps Protobuf schema references (imports across subjects) and follows them: validation, inference, decoding', async () => {
    const { server } = await start({ httpPort: 0 });
    const base = `http://127.0.0.1:${server.httpAddress!.port}`;
    const EVENT = 'syntax = "proto3";\npackage shop;\nmessage Event {\n  int64 at = 1;\n  string kind = 2;\n}\n';
    const MAIN = 'syntax = "proto3";\npackage shop;\nimport "shop/event.proto";\nmessage Logistics {\n  Event event = 1;\n  string note = 2;\n}\n';
    const ref = { name: 'shop/event.proto', subject: 'shop-event', version: 1 };
    const err = async (body: unknown) => {
      const r = await call(base, 'POST', '/subjects/logistics-value/versions', body);
      return [r.status, (r.body as { error_code: number }).error_code];
    };
    // The import cannot resolve until its subject has that version.
    expect(await err({ schema: MAIN, schemaType: 'PROTOBUF', references: [ref] })).toEqual([422, 42201]);
    expect((await call(base, 'POST', '/subjects/shop-event/versions', { schema: EVENT, schemaType: 'PROTOBUF' })).status).toBe(200);
    expect(await err({ schema: MAIN, schemaType: 'PROTOBUF' })).toEqual([422, 42201]);
    expect(await err({ schema: MAIN, schemaType: 'PROTOBUF', references: [{ name: 'x' }] })).toEqual([422, 42201]);
    const { id } = (await call(base, 'POST', '/subjects/logistics-value/versions', { schema: MAIN, schemaType: 'PROTOBUF', references: [ref] })).body as { id: number };
    expect((await call(base, 'GET', '/subjects/logistics-value/versions/latest')).body).toMatchObject({ id, schemaType: 'PROTOBUF', references: [ref] });
    expect((await call(base, 'GET', `/schemas/ids/${id}`)).body).toMatchObject({ references: [ref] });

    // Inference reads the imported message's fields; a record written with the two files (by
    // protobufjs, as a producer would) decodes; the message index counts the schema's own messages only.
    const eddy = server.eddy;
    eddy.execute(`CREATE STREAM L WITH (kafka_topic='logistics', value_format='PROTOBUF');`);
    expect(eddy.state.catalog.get('L')!.columns.map((c) => `${c.name} ${c.type.kind}`)).toEqual(['EVENT STRUCT', 'NOTE STRING']);
    const root = new protobuf.Root();
    protobuf.parse(EVENT, root);
    protobuf.parse(MAIN, root);
    const Logistics = root.lookupType('shop.Logistics');
    const body = Logistics.encode(Logistics.create({ event: { at: 7, kind: 'picked' }, note: 'dock 4' })).finish();
    const header = Buffer.alloc(6);
    header.writeInt32BE(id, 1); // magic byte 0, id, message index [0] as the single byte 0
    eddy.produce('logistics', [{ key: null, value: Buffer.concat([header, body]), timestamp: 1 }]);
    eddy.execute(`SET 'auto.offset.reset' = 'earliest';`);
    eddy.execute(`CREATE STREAM KINDS WITH (value_format='JSON') AS SELECT EVENT->KIND AS KIND, EVENT->AT AS AT, NOTE FROM L;`);
    await until(() => eddy.state.log.hasTopic('KINDS') && eddy.readTopic('KINDS').length >= 1);
    expect(JSON.parse(eddy.readTopic('KINDS')[0]!.value!.toString())).toEqual({ KIND: 'picked', AT: 7, NOTE: 'dock 4' });
  });
});
