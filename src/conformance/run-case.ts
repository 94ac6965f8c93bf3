// Runs one test-case variant against a fresh in-memory Eddy, one input record per micro-batch
// (which reproduces ksqlDB's per-record output), and compares what lands on the sink topics —
// or, for REST cases, what each pull/push query answers — with the expected records.

import { formatType, type SqlType } from '../parser/sql-type.js';
import type { SourceDef } from '../planner/catalog.js';
import { Decimal, isStruct, type Value } from '../planner/values.js';
import { Eddy, type LogRecord, type SchemaRegistry, type StatementResult } from '../engine-api.js';
import { JsonNumber, jsonEquals, parseJson, stringifyJson, toPlain, type Json } from '../util/lossless-json.js';
import { asNumber, asString, type CaseVariant, type QttRecord } from './qtt-case.js';
import { caseTopics, decodeWithRegistry, encodeWithRegistry, isRegistryFormat, registerTopics } from './case-schemas.js';
import { harnessTopics } from './harness-topics.js';

export interface CaseOutcome {
  /** `unchecked`: the case states no expectation, so running it proves nothing (never a pass). */
  readonly status: 'passed' | 'failed' | 'skipped' | 'unchecked';
  readonly reason?: string;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ------------------------------------------------------------------ values ↔ JSON

export function valueToJson(v: Value): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return new JsonNumber(Number.isInteger(v) ? v.toFixed(0) : String(v));
  if (typeof v === 'bigint') return new JsonNumber(String(v));
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Decimal) return new JsonNumber(v.toString());
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(valueToJson);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), valueToJson(x)]));
  if (isStruct(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, valueToJson(x)]));
  return null;
}

function jsonToValue(j: Json): Value {
  // A whole number past 2^53 stays exact (a BIGINT), as the engine holds it.
  if (j instanceof JsonNumber) return /^-?\d+$/.test(j.text) && !Number.isSafeInteger(Number(j.text)) ? BigInt(j.text) : Number(j.text);
  if (j === null || typeof j !== 'object') return j;
  if (Array.isArray(j)) return j.map(jsonToValue);
  return Object.fromEntries(Object.entries(j).map(([k, x]) => [k, jsonToValue(x)]));
}

function encodePart(def: SourceDef | undefined, role: 'key' | 'value', j: Json | undefined, registry: SchemaRegistry): Buffer | null {
  if (j === undefined || j === null) return null;
  const format = def ? (role === 'key' ? def.keyFormat : def.valueFormat) : 'JSON';
  if (def && isRegistryFormat(format)) return encodeWithRegistry(registry, def, role, j);
  if (format === 'JSON') return Buffer.from(stringifyJson(j), 'utf8');
  if (format === 'DELIMITED') return Buffer.from(typeof j === 'string' ? j : stringifyJson(j), 'utf8');
  if (format === 'NONE') return null;
  const cols = def!.columns.filter((c) => c.role === role).map((c) => ({ name: c.name, type: c.type }));
  if (format === 'KAFKA' && cols.length === 1) {
    const t = cols[0]!.type;
    const v = t.kind === 'STRING' && typeof j !== 'string' ? stringifyJson(j) : t.kind === 'BYTES' && typeof j === 'string' ? Buffer.from(j, 'base64') : jsonToValue(j);
    return Eddy.formats.side('KAFKA', cols, role).encode([v]);
  }
  return Buffer.from(typeof j === 'string' ? j : stringifyJson(j), 'utf8');
}

function decodePart(def: SourceDef | undefined, role: 'key' | 'value', b: Buffer | null, registry: SchemaRegistry): Json {
  if (b === null) return null;
  const format = def ? (role === 'key' ? def.keyFormat : def.valueFormat) : 'JSON';
  if (def && isRegistryFormat(format)) return decodeWithRegistry(registry, def, role, b);
  if (format === 'JSON') {
    try {
      return parseJson(b.toString('utf8'));
    } catch {
      return b.toString('utf8');
    }
  }
  if (format === 'KAFKA' && def) {
    const cols = def.columns.filter((c) => c.role === role).map((c) => ({ name: c.name, type: c.type }));
    if (cols.length === 1) {
      try {
        const vals = Eddy.formats.side('KAFKA', cols, role).decode(b);
        return vals ? valueToJson(vals[0] ?? null) : null;
      } catch (e) {
        return `<undecodable: ${errorMessage(e)}>`;
      }
    }
  }
  return b.toString('utf8');
}

// ------------------------------------------------------------------ comparison

function show(j: Json | undefined): string {
  return j === undefined ? 'undefined' : stringifyJson(j);
}

function describeRecord(r: { key?: Json; value?: Json; timestamp?: Json; window?: Json }): string {
  const parts = [`key=${show(r.key ?? null)}`, `value=${show(r.value ?? null)}`];
  if (r.timestamp !== undefined) parts.push(`ts=${show(r.timestamp)}`);
  if (r.window !== undefined && r.window !== null) parts.push(`window=${show(r.window)}`);
  return `{${parts.join(', ')}}`;
}

function actualRecord(def: SourceDef | undefined, r: LogRecord, registry: SchemaRegistry): { key: Json; value: Json; timestamp: Json; window?: Json } {
  return {
    key: decodePart(def, 'key', r.key, registry),
    value: decodePart(def, 'value', r.value, registry),
    timestamp: new JsonNumber(String(r.timestamp)),
    ...(r.window ? { window: { start: new JsonNumber(String(r.window.start)), end: new JsonNumber(String(r.window.end)) } } : {}),
  };
}

/** The formats whose records are rows of named fields, read through the source's columns. */
const ROW_FORMATS: ReadonlySet<string> = new Set(['JSON', 'JSON_SR', 'AVRO', 'PROTOBUF', 'PROTOBUF_NOSR']);

/** Whether a key or value of `def` is a row of its columns (not one column's bare value). */
function isRow(def: SourceDef, role: 'key' | 'value'): boolean {
  const format = role === 'key' ? def.keyFormat : def.valueFormat;
  if (!ROW_FORMATS.has(format)) return false;
  const n = def.columns.filter((c) => c.role === role).length;
  if (n !== 1) return true;
  // A single key is written bare except in Protobuf, which always wraps it in a message.
  if (role === 'key') return format === 'PROTOBUF' || format === 'PROTOBUF_NOSR';
  return def.wrapSingleValue !== false;
}

/**
 * ksqlDB's harness reads expected and actual rows through the sink's schema: column names match
 * case-insensitively, unknown fields are ignored and missing ones are null. Both sides are
 * compared in that shape.
 */
function rowThroughSchema(def: SourceDef | undefined, role: 'key' | 'value', j: Json): Json {
  if (!def || !isRow(def, role) || j === null || typeof j !== 'object' || Array.isArray(j) || j instanceof JsonNumber) return j;
  const cols = def.columns.filter((c) => c.role === role);
  const byUpper = new Map(Object.entries(j).map(([k, x]) => [k.toUpperCase(), x]));
  // A schema-registry format's record is built through its schema, as ksqlDB's harness builds
  // it: struct fields are matched case-insensitively at every depth, not only the columns.
  const nested = isRegistryFormat(role === 'key' ? def.keyFormat : def.valueFormat);
  return Object.fromEntries(cols.map((c) => [c.name, nested ? throughType(byUpper.get(c.name.toUpperCase()) ?? null, c.type) : (byUpper.get(c.name.toUpperCase()) ?? null)]));
}

function throughType(j: Json, t: SqlType): Json {
  if (j === null || typeof j !== 'object' || j instanceof JsonNumber) return j;
  if (Array.isArray(j)) return t.kind === 'ARRAY' ? j.map((x) => throughType(x, t.item)) : j;
  if (t.kind === 'MAP') return Object.fromEntries(Object.entries(j).map(([k, x]) => [k, throughType(x, t.value)]));
  if (t.kind !== 'STRUCT') return j;
  const byUpper = new Map(Object.entries(j).map(([k, x]) => [k.toUpperCase(), x]));
  return Object.fromEntries(t.fields.map((f) => [f.name, throughType(byUpper.get(f.name.toUpperCase()) ?? null, f.type)]));
}

function recordMatches(def: SourceDef | undefined, exp: QttRecord, act: ReturnType<typeof actualRecord>): boolean {
  if (!jsonEquals(rowThroughSchema(def, 'key', exp.key ?? null), rowThroughSchema(def, 'key', act.key))) return false;
  if (!jsonEquals(rowThroughSchema(def, 'value', exp.value ?? null), rowThroughSchema(def, 'value', act.value))) return false;
  if (exp.timestamp !== undefined && !jsonEquals(exp.timestamp, act.timestamp)) return false;
  if (exp.window !== undefined && exp.window !== null) {
    const w = exp.window as Record<string, Json>;
    const aw = act.window as Record<string, Json> | undefined;
    if (!aw || !jsonEquals(w.start ?? null, aw.start ?? null) || !jsonEquals(w.end ?? null, aw.end ?? null)) return false;
  }
  return true;
}

function sourceForTopic(eddy: Eddy, topic: string): SourceDef | undefined {
  const all = eddy.sources();
  return all.find((s) => s.topic === topic && !s.writtenBy) ?? all.find((s) => s.topic === topic);
}

function schemaString(def: SourceDef): string {
  return def.columns.map((c) => `${c.name} ${formatType(c.type)}${c.role === 'key' ? ' KEY' : c.role === 'header' ? ' HEADERS' : ''}`).join(', ');
}

export function normaliseSchema(s: string): string {
  return s
    .replace(/`/g, '')
    .replace(/\bPRIMARY\s+KEY\b/gi, 'KEY') // ksqlDB writes a table's key either way
    .replace(/\bINT\b/gi, 'INTEGER')
    .replace(/\bVARCHAR\b/gi, 'STRING')
    .replace(/\s+/g, ' ')
    .replace(/\s*([<>(),])\s*/g, '$1')
    .trim()
    .toUpperCase();
}

// ------------------------------------------------------------------ running

function produceInput(eddy: Eddy, rec: QttRecord): void {
  const def = sourceForTopic(eddy, rec.topic);
  const headers = Array.isArray(rec.headers)
    ? (rec.headers as Record<string, Json>[]).map((h) => ({ key: String(h.KEY ?? h.key), value: (h.VALUE ?? h.value) ? Buffer.from(String(h.VALUE ?? h.value), 'base64') : null }))
    : [];
  const w = rec.window as Record<string, Json> | undefined | null;
  eddy.produce(
    rec.topic,
    [
      {
        timestamp: asNumber(rec.timestamp) ?? 0,
        key: encodePart(def, 'key', rec.key, eddy.schemaRegistry),
        value: encodePart(def, 'value', rec.value, eddy.schemaRegistry),
        headers,
        ...(asNumber(rec.partition) !== undefined ? { partition: asNumber(rec.partition)! } : {}),
        ...(w ? { window: { start: asNumber(w.start) ?? 0, end: asNumber(w.end) ?? 0 } } : {}),
      },
    ],
    def?.partitions ?? 1,
  );
  eddy.runUntilIdle(100_000);
  failOnQueryError(eddy);
}

/**
 * A query whose batch failed (a record it cannot serialize, say) is in ERROR. ksqlDB's harness
 * drives Kafka Streams' test driver, where such a failure is thrown from the input that caused it,
 * wrapped as Kafka Streams wraps it: a StreamsException 'Exception caught in process'.
 */
function failOnQueryError(eddy: Eddy): void {
  for (const q of eddy.queries()) {
    if (q.type === 'PERSISTENT' && q.status === 'ERROR') throw new Error(`Exception caught in process. query=${q.id}: ${q.lastError ?? 'failed'}`);
  }
}

/**
 * Where each input's processing left a topic's partitions: ksqlDB's harness feeds one input
 * record at a time and processes it fully, so its output topic lists records in the order the
 * inputs caused them, whatever partition each landed in. `marks[s][p]`: partition p's end offset
 * after step s (step 0: the statements, step i: the i-th input).
 */
class StepMarks {
  private readonly marks = new Map<string, number[][]>();

  constructor(
    private readonly eddy: Eddy,
    private readonly topics: readonly string[],
  ) {}

  mark(): void {
    const all = new Map(this.eddy.topics().map((t) => [t.name, t.endOffsets]));
    for (const topic of this.topics) this.marks.set(topic, [...(this.marks.get(topic) ?? []), [...(all.get(topic) ?? [])]]);
  }

  /** The step whose processing wrote the record. */
  stepOf(r: LogRecord): number {
    const steps = this.marks.get(r.topic) ?? [];
    const s = steps.findIndex((ends) => r.offset < (ends[r.partition] ?? 0));
    return s < 0 ? steps.length : s;
  }
}

/**
 * A topic's records in the order they were produced: by the step that wrote them; within a step
 * (one input written to several partitions) merged by timestamp, each partition's own order kept.
 */
function productionOrder(records: LogRecord[], marks: StepMarks): LogRecord[] {
  const bySteps = new Map<number, LogRecord[]>();
  for (const r of records) bySteps.set(marks.stepOf(r), [...(bySteps.get(marks.stepOf(r)) ?? []), r]);
  return [...bySteps.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, rs]) => mergeByTimestamp(rs));
}

function mergeByTimestamp(records: LogRecord[]): LogRecord[] {
  const byPartition = new Map<number, LogRecord[]>();
  for (const r of records) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r]);
  if (byPartition.size < 2) return records;
  const queues = [...byPartition.values()];
  const out: LogRecord[] = [];
  for (;;) {
    let best: LogRecord[] | undefined;
    for (const q of queues) if (q.length && (!best || q[0]!.timestamp < best[0]!.timestamp)) best = q;
    if (!best) return out;
    out.push(best.shift()!);
  }
}

function openEngine(v: CaseVariant): Eddy {
  const properties: Record<string, string> = { 'auto.offset.reset': 'earliest' };
  for (const [k, x] of Object.entries(v.case.properties ?? {})) properties[k] = String(toPlain(x));
  const eddy = Eddy.open({ autoStart: false, batch: { maxRecords: 1 }, properties });
  // ksqlDB's harness registry (a mock client) checks no compatibility: neither does this one.
  eddy.schemaRegistry.setCompatibility('NONE');
  const recordTopics = [...v.case.inputs, ...(v.case.outputs ?? [])].map((r) => r.topic);
  registerTopics(eddy.schemaRegistry, harnessTopics(caseTopics(v.case.topics, v.format), v.case.statements, recordTopics, properties));
  return eddy;
}

/**
 * ksqlDB runs a case's statements as one script, so positions in its messages count lines from
 * the first statement: each statement runs on its own, preceded by as many blank lines.
 */
function executeAsOneScript(eddy: Eddy, statements: readonly string[]): void {
  let line = 0;
  for (const s of statements) {
    eddy.execute('\n'.repeat(line) + s);
    line += s.split('\n').length;
  }
}

/** ksqlDB writes a position as `line L:C:` or `Line: L, Col: C:`; Eddy always writes the first. */
function normalisePositions(message: string): string {
  return message.replace(/Line: (\d+), Col: (\d+): /g, 'line $1:$2: ');
}

function expectException(v: CaseVariant, err: unknown): CaseOutcome {
  const want = v.case.expectedException?.message === undefined ? undefined : normalisePositions(v.case.expectedException.message);
  const got = errorMessage(err);
  if (!want || got.includes(want)) return { status: 'passed' };
  return { status: 'failed', reason: `expected exception containing "${want}", got: ${got}` };
}

const NO_EXPECTATION = 'the case states no expectation (no outputs, expectedException, post, responses or expectedError)';

function statesExpectation(v: CaseVariant): boolean {
  const c = v.case;
  return c.outputs !== undefined || c.expectedException !== undefined || c.post !== undefined || c.responses !== undefined || c.expectedError !== undefined;
}

/**
 * The topics whose records are compared: those the expected outputs name (as ksqlDB's harness
 * does); when they name none, every topic a persistent query writes (and the case does not feed),
 * which must then stay empty — `"outputs": []` for a query that emits records is no pass.
 */
function checkedTopics(eddy: Eddy, v: CaseVariant, outputs: readonly QttRecord[]): { topic: string; expectsNone: boolean }[] {
  if (outputs.length) return [...new Set(outputs.map((o) => o.topic))].map((topic) => ({ topic, expectsNone: false }));
  const fed = new Set(v.case.inputs.map((i) => i.topic));
  const sinks = eddy
    .queries()
    .filter((q) => q.type === 'PERSISTENT' && q.sink !== undefined)
    .map((q) => eddy.source(q.sink!));
  const topics = sinks.map((d) => (d?.discard ? undefined : d?.topic)).filter((t): t is string => t !== undefined && !fed.has(t));
  return [...new Set(topics)].map((topic) => ({ topic, expectsNone: true }));
}

export function runVariant(v: CaseVariant): CaseOutcome {
  if (v.skip) return { status: 'skipped', reason: v.skip };
  if (!statesExpectation(v)) return { status: 'unchecked', reason: NO_EXPECTATION };
  // A REST case states its outcome as responses or as an expected error (which may stand alone).
  if (v.case.responses || v.case.expectedError) return runRestVariant(v);
  const eddy = openEngine(v);
  try {
    let checked: { topic: string; expectsNone: boolean }[];
    let marks: StepMarks;
    try {
      executeAsOneScript(eddy, v.case.statements);
      checked = checkedTopics(eddy, v, v.case.outputs ?? []);
      marks = new StepMarks(
        eddy,
        checked.map((c) => c.topic),
      );
      marks.mark();
      for (const input of v.case.inputs) {
        produceInput(eddy, input);
        marks.mark();
      }
    } catch (e) {
      if (v.case.expectedException) return expectException(v, e);
      return { status: 'failed', reason: `unexpected error: ${errorMessage(e)}` };
    }
    if (v.case.expectedException) {
      return { status: 'failed', reason: `expected exception "${v.case.expectedException.message ?? v.case.expectedException.type}" but none was thrown` };
    }
    const outputs = v.case.outputs ?? [];
    for (const { topic, expectsNone } of checked) {
      const expected = outputs.filter((o) => o.topic === topic);
      const def = sourceForTopic(eddy, topic);
      const actual = productionOrder(eddy.readTopic(topic), marks).map((r) => actualRecord(def, r, eddy.schemaRegistry));
      if (expectsNone && actual.length)
        return { status: 'failed', reason: `topic ${topic}: the case expects no output records ("outputs": []), but ${actual.length} were written, the first ${describeRecord(actual[0]!)}` };
      for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
        const e = expected[i];
        const a = actual[i];
        if (!e) return { status: 'failed', reason: `topic ${topic}: unexpected extra record #${i + 1}: ${describeRecord(a!)}` };
        if (!a) return { status: 'failed', reason: `topic ${topic}: missing record #${i + 1}: expected ${describeRecord(e)} (got ${actual.length} records)` };
        if (!recordMatches(def, e, a)) return { status: 'failed', reason: `topic ${topic}: record #${i + 1} differs: expected ${describeRecord(e)}, got ${describeRecord(a)}` };
      }
    }
    return checkPost(eddy, v);
  } catch (e) {
    return { status: 'failed', reason: `runner error: ${errorMessage(e)}` };
  } finally {
    eddy.close();
  }
}

function checkPost(eddy: Eddy, v: CaseVariant): CaseOutcome {
  const post = v.case.post as { sources?: Record<string, Json>[] } | undefined;
  for (const s of post?.sources ?? []) {
    const name = asString(s.name)!;
    const def = eddy.source(name);
    if (!def) return { status: 'failed', reason: `post: source ${name} does not exist` };
    const type = asString(s.type)?.toUpperCase();
    if (type && type !== def.kind) return { status: 'failed', reason: `post: ${name} is a ${def.kind}, expected ${type}` };
    const schema = asString(s.schema);
    if (schema && normaliseSchema(schema) !== normaliseSchema(schemaString(def))) {
      return { status: 'failed', reason: `post: ${name} schema is "${schemaString(def)}", expected "${schema}"` };
    }
    const kf = (s.keyFormat as Record<string, Json> | undefined)?.format;
    if (kf && asString(kf) !== def.keyFormat) return { status: 'failed', reason: `post: ${name} key format is ${def.keyFormat}, expected ${asString(kf)}` };
    const vf = (s.valueFormat as Record<string, Json> | undefined)?.format;
    if (vf && asString(vf) !== def.valueFormat) return { status: 'failed', reason: `post: ${name} value format is ${def.valueFormat}, expected ${asString(vf)}` };
  }
  return { status: 'passed' };
}

// ------------------------------------------------------------------ REST cases

function queryResponse(r: StatementResult, eddy: Eddy): { header: string; rows: Json[] } | undefined {
  if (r.kind === 'rows') return { header: r.columns.map((c) => `\`${c.name}\` ${c.type}${c.key ? ' KEY' : ''}`).join(', '), rows: r.rows.map((row) => row.map(valueToJson)) };
  if (r.kind === 'push') {
    eddy.runUntilIdle(100_000);
    const rows = r.query.drain().map((x) => x.values.map(valueToJson) as Json);
    r.query.close();
    // ksqlDB's push-query header names and types the columns; it never marks keys.
    return { header: r.query.columns.map((c) => `\`${c.name}\` ${c.type}`).join(', '), rows };
  }
  return undefined;
}

function runRestVariant(v: CaseVariant): CaseOutcome {
  const eddy = openEngine(v);
  let producedInputs = false;
  try {
    const responses = v.case.responses ?? [];
    for (let i = 0; i < v.case.statements.length; i++) {
      const stmt = v.case.statements[i]!;
      const isQuery = /^\s*SELECT\b/i.test(stmt);
      const afterQueryStarts = v.case.inputConditions?.waitForActivePushQuery === true;
      if (isQuery && !producedInputs && !afterQueryStarts) {
        for (const input of v.case.inputs) produceInput(eddy, input);
        producedInputs = true;
      }
      let results: StatementResult[];
      try {
        results = eddy.execute(stmt);
      } catch (e) {
        const expected = v.case.expectedError as Record<string, Json> | undefined;
        const want = expected ? asString(expected.message) : undefined;
        if (expected && (!want || errorMessage(e).includes(want))) return { status: 'passed' };
        return { status: 'failed', reason: `statement ${i + 1} failed: ${errorMessage(e)}` };
      }
      if (isQuery && !producedInputs && afterQueryStarts) {
        for (const input of v.case.inputs) produceInput(eddy, input);
        producedInputs = true;
      }
      const resp = responses[i] as Record<string, Json> | undefined;
      if (!resp || !('query' in resp)) continue;
      const got = results[0] ? queryResponse(results[0], eddy) : undefined;
      if (!got) return { status: 'failed', reason: `statement ${i + 1}: expected a query response` };
      const parts = resp.query as Record<string, Json>[];
      const header = parts.find((p) => 'header' in p)?.header as Record<string, Json> | undefined;
      const wantSchema = header ? asString(header.schema) : undefined;
      if (wantSchema && normaliseSchema(wantSchema) !== normaliseSchema(got.header)) {
        return { status: 'failed', reason: `statement ${i + 1}: header "${got.header}", expected "${wantSchema}"` };
      }
      const wantRows = parts.filter((p) => 'row' in p).map((p) => (p.row as Record<string, Json>).columns ?? null);
      const sortKey = (j: Json) => stringifyJson(j);
      const a = [...got.rows].sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
      const e = [...wantRows].sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
      if (a.length !== e.length || !a.every((x, k) => jsonEquals(x, e[k]!))) {
        return { status: 'failed', reason: `statement ${i + 1}: rows ${stringifyJson(got.rows)}, expected ${stringifyJson(wantRows)}` };
      }
    }
    if (v.case.expectedError) return { status: 'failed', reason: `expected error ${stringifyJson(v.case.expectedError)} but none occurred` };
    return { status: 'passed' };
  } catch (e) {
    return { status: 'failed', reason: `runner error: ${errorMessage(e)}` };
  } finally {
    eddy.close();
  }
}
