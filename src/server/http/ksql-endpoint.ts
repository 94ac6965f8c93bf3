// POST /ksql, GET /info, GET /healthcheck, GET /status: ksqlDB's statement endpoint and its
// server-info resources. Each statement runs through the request's LineSession (the line
// protocol's Connection); its replies become ksqlDB's response entities by the statement's kind.
// Reads of the catalog here only shape those entities (DESCRIBE's field list, SHOW's rows).

import { parse } from '../../parser/index.js';
import { isSqlError } from '../../parser/errors.js';
import type { Statement } from '../../parser/ast.js';
import type { SqlType } from '../../parser/sql-type.js';
import { formatType } from '../../parser/sql-type.js';
import type { SourceDef } from '../../planner/catalog.js';
import type { Eddy } from '../../engine-api.js';
import { JsonNumber, type Json } from '../../util/lossless-json.js';
import { ErrorCode, HttpError, genericError, statementError } from './errors.js';
import { propertyStatements, type Frame, type LineSession } from './line-session.js';

export const KSQL_CONTENT_TYPE = 'application/vnd.ksql.v1+json';

const n = (x: number) => new JsonNumber(String(x));

export function serverInfo(eddy: Eddy): Json {
  return {
    KsqlServerInfo: {
      version: '0.1.0',
      kafkaClusterId: eddy.properties.get('eddy.kafka.cluster.id') ?? 'eddy-embedded',
      ksqlServiceId: eddy.properties.get('ksql.service.id') ?? 'default_',
      serverStatus: 'RUNNING',
    },
  };
}

export function healthcheck(): Json {
  return { isHealthy: true, details: { metastore: { isHealthy: true }, kafka: { isHealthy: true } } };
}

/** ksqlDB's schema object of a field: `type`, and for containers `memberSchema` or `fields`. */
function schemaOf(t: SqlType): Json {
  switch (t.kind) {
    case 'ARRAY':
      return { type: 'ARRAY', fields: null, memberSchema: schemaOf(t.item) };
    case 'MAP':
      return { type: 'MAP', fields: null, memberSchema: schemaOf(t.value) };
    case 'STRUCT':
      return { type: 'STRUCT', fields: t.fields.map((f) => ({ name: f.name, schema: schemaOf(f.type) })), memberSchema: null };
    case 'DECIMAL':
      return { type: 'DECIMAL', fields: null, memberSchema: null, parameters: { precision: n(t.precision), scale: n(t.scale) } };
    default:
      return { type: formatType(t), fields: null, memberSchema: null };
  }
}

function queryEntity(id: string, sql: string, sink: string | undefined, state: string): Json {
  return { queryString: sql, sinks: sink ? [sink] : [], sinkKafkaTopics: [], id, statusCount: { [state]: n(1) }, queryType: 'PERSISTENT', state };
}

function sourceDescription(eddy: Eddy, def: SourceDef, extended: boolean): Json {
  const reads: Json[] = [];
  const writes: Json[] = [];
  for (const q of eddy.queries()) {
    if (q.type !== 'PERSISTENT') continue;
    const status = q.status;
    if (q.sources.includes(def.name)) reads.push(queryEntity(q.id, q.sql, q.sink, status));
    if (q.sink === def.name) writes.push(queryEntity(q.id, q.sql, q.sink, status));
  }
  return {
    name: def.name,
    windowType: def.windowed ? def.windowed.kind : null,
    readQueries: reads,
    writeQueries: writes,
    fields: def.columns.filter((c) => c.role !== 'header').map((c) => ({ name: c.name, schema: schemaOf(c.type), ...(c.role === 'key' ? { type: 'KEY' } : {}) })),
    type: def.kind,
    timestamp: def.timestampColumn ?? '',
    statistics: '',
    errorStats: '',
    extended,
    keyFormat: def.keyFormat,
    valueFormat: def.valueFormat,
    topic: def.topic ?? '',
    partitions: n(def.partitions),
    replication: n(1),
    statement: '',
    queryOffsetSummaries: [],
    sourceConstraints: [],
  };
}

/** The rows of a statement's reply, each as an object by column name. */
function rowObjects(frames: readonly Frame[]): Record<string, Json>[] {
  const head = frames.find((f) => f.type === 'header');
  const names = Array.isArray(head?.columns) ? head.columns.map((c) => (c && typeof c === 'object' && !Array.isArray(c) && !(c instanceof JsonNumber) ? String(c.name) : '')) : [];
  return frames.filter((f) => f.type === 'row' && Array.isArray(f.values)).map((f) => Object.fromEntries(names.map((k, i) => [k, (f.values as Json[])[i] ?? null])));
}

function messageOf(frames: readonly Frame[]): { message: string; queryId?: string } {
  const m = frames.find((f) => f.type === 'message');
  return { message: typeof m?.message === 'string' ? m.message : '', ...(typeof m?.queryId === 'string' ? { queryId: m.queryId } : {}) };
}

export class KsqlEndpoint {
  private sequence = 0;
  constructor(private readonly eddy: Eddy) {}

  private commandId(s: Statement): string {
    switch (s.kind) {
      case 'CreateSource':
      case 'CreateAsSelect':
        return `${s.sourceType.toLowerCase()}/${s.name.toUpperCase()}/create`;
      case 'DropSource':
        return `${s.sourceType.toLowerCase()}/${s.name.toUpperCase()}/drop`;
      case 'Terminate':
        return `terminate/${s.queryId}/execute`;
      default:
        return `${s.kind.toLowerCase()}/${this.sequence}/execute`;
    }
  }

  /** The entity of one statement that ran; undefined for statements ksqlDB answers with none. */
  private entity(s: Statement, text: string, frames: readonly Frame[]): Json | undefined {
    const base = { statementText: text, warnings: [] as Json[] };
    switch (s.kind) {
      case 'CreateSource':
      case 'CreateAsSelect':
      case 'InsertInto':
      case 'DropSource':
      case 'Terminate':
      case 'CreateType':
      case 'DropType': {
        const m = messageOf(frames);
        return {
          '@type': 'currentStatus',
          ...base,
          commandId: this.commandId(s),
          commandStatus: { status: 'SUCCESS', message: m.message, ...(m.queryId ? { queryId: m.queryId } : {}) },
          commandSequenceNumber: n(++this.sequence),
        };
      }
      case 'InsertValues':
      case 'Set':
      case 'Unset':
        return undefined;
      case 'Show': {
        const rows = rowObjects(frames);
        switch (s.what) {
          case 'STREAMS':
          case 'TABLES': {
            const table = s.what === 'TABLES';
            const list = rows.map((r) => ({
              type: table ? 'TABLE' : 'STREAM',
              name: r.Name ?? null,
              topic: r.Topic ?? null,
              keyFormat: r['Key Format'] ?? null,
              valueFormat: r['Value Format'] ?? null,
              isWindowed: r.Windowed ?? false,
            }));
            return table ? { '@type': 'tables', ...base, tables: list } : { '@type': 'streams', ...base, streams: list };
          }
          case 'QUERIES':
            return {
              '@type': 'queries',
              ...base,
              queries: rows.map((r) => ({
                queryString: r.Query ?? null,
                sinks: typeof r.Sink === 'string' ? [r.Sink] : [],
                sinkKafkaTopics: [],
                id: r['Query ID'] ?? null,
                statusCount: { [String(r.Status)]: n(1) },
                queryType: r.Type ?? null,
                state: r.Status ?? null,
              })),
            };
          case 'PROPERTIES':
            return {
              '@type': 'properties',
              ...base,
              properties: rows.map((r) => ({ name: r.Property ?? null, scope: 'KSQL', value: r.Value ?? null })),
              overwrittenProperties: [],
              defaultProperties: [],
            };
          case 'TOPICS':
            return {
              '@type': 'kafka_topics',
              ...base,
              topics: rows.map((r) => ({ name: r.Topic ?? null, replicaInfo: Array.from({ length: r.Partitions instanceof JsonNumber ? Number(r.Partitions.text) : 1 }, () => n(1)) })),
            };
          default:
            return { '@type': 'eddy_rows', ...base, rows };
        }
      }
      case 'Describe': {
        if (s.target.kind === 'source') {
          const def = this.eddy.source(s.target.name);
          if (def) return { '@type': 'sourceDescription', ...base, sourceDescription: sourceDescription(this.eddy, def, s.extended) };
        }
        return { '@type': 'eddy_rows', ...base, rows: rowObjects(frames) };
      }
      default: {
        const rows = rowObjects(frames);
        if (frames.some((f) => f.type === 'header')) return { '@type': 'eddy_rows', ...base, rows };
        return { '@type': 'eddy_message', ...base, message: messageOf(frames).message };
      }
    }
  }

  /** Runs the request's statements in order; a failure answers 400 with the entities before it. */
  async run(session: LineSession, body: Json): Promise<Json[]> {
    if (typeof body !== 'object' || body === null || Array.isArray(body) || body instanceof JsonNumber || typeof body.ksql !== 'string') {
      throw genericError(400, ErrorCode.BAD_REQUEST, 'the request body must be a JSON object with a "ksql" string');
    }
    let parsed;
    try {
      parsed = parse(body.ksql);
    } catch (e) {
      throw statementError(isSqlError(e) ? e.message : (e as Error).message, body.ksql, []);
    }
    for (const p of parsed) {
      if ((p.statement.kind === 'Query' && !p.statement.emit) || p.statement.kind === 'Print' || (p.statement.kind === 'Query' && p.statement.emit)) {
        throw new HttpError(400, {
          '@type': 'statement_error',
          error_code: n(ErrorCode.QUERY_ENDPOINT),
          message: "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT",
          statementText: p.text,
          entities: [],
        });
      }
    }
    // streamsProperties hold for this request only: its session ends with it.
    for (const set of propertyStatements(body.streamsProperties)) {
      const frames = await session.collect(set);
      const err = frames.find((f) => f.type === 'error');
      if (err) throw statementError(String(err.message), set, []);
    }
    const entities: Json[] = [];
    for (const p of parsed) {
      const frames = await session.collect(p.text);
      const err = frames.find((f) => f.type === 'error');
      if (err) throw statementError(String(err.message), p.text, entities);
      const e = this.entity(p.statement, p.text, frames);
      if (e !== undefined) entities.push(e);
    }
    return entities;
  }
}
