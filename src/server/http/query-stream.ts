// POST /query-stream, /query, /close-query and /inserts-stream: ksqlDB's streaming endpoints. A
// query runs as one request of the HTTP request's LineSession; its header and rows are rewritten
// into ksqlDB's shapes as they come. The Connection's next write waits until the HTTP peer has
// taken the previous one, so a client that stops reading holds its query's rows in the
// Connection's limits, not here. A client that hangs up ends its session and so its query.

import { parse } from '../../parser/index.js';
import { isSqlError } from '../../parser/errors.js';
import { LineSplitter, LineTooLong } from '../../util/line-splitter.js';
import { JsonNumber, parseJson, stringifyJson, type Json } from '../../util/lossless-json.js';
import { ErrorCode, genericError, statementError } from './errors.js';
import { header, type Exchange, type HttpResponse } from './exchange.js';
import { propertyStatements, type Frame, type LineSession } from './line-session.js';

export const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';

/** Push queries running over HTTP, by query id: /close-query finds them here. */
export type OpenQueries = Map<string, { readonly session: LineSession; readonly requestId: string }>;

type Shape = 'delimited' | 'json' | 'legacy';

interface Column {
  readonly name: string;
  readonly type: string;
}

function columnsOf(f: Frame): Column[] {
  if (!Array.isArray(f.columns)) return [];
  return f.columns.map((c) => (c && typeof c === 'object' && !Array.isArray(c) && !(c instanceof JsonNumber) ? { name: String(c.name), type: String(c.type) } : { name: '', type: '' }));
}

function asObject(j: Json): { [k: string]: Json } | undefined {
  return typeof j === 'object' && j !== null && !Array.isArray(j) && !(j instanceof JsonNumber) ? j : undefined;
}

/** Holds the Connection's writes while `res` has more buffered than it wants. */
function pace(session: LineSession, res: HttpResponse, state: { blocked: boolean }): void {
  session.wait = (done) => {
    if (!state.blocked) return done();
    res.once('drain', () => {
      state.blocked = false;
      done();
    });
  };
}

/**
 * Runs one query (`sql`, with `properties` SET first in the session) and streams it in `shape`.
 * Returns when the response has ended.
 */
export async function streamQuery(x: Exchange, session: LineSession, open: OpenQueries, sql: string, properties: Json | undefined, shape: Shape): Promise<void> {
  let parsed;
  try {
    parsed = parse(sql);
  } catch (e) {
    throw statementError(isSqlError(e) ? e.message : (e as Error).message, sql, []);
  }
  if (parsed.length !== 1 || parsed[0]!.statement.kind !== 'Query') {
    throw statementError(parsed.length !== 1 ? 'Expected exactly one SELECT statement.' : 'This endpoint runs SELECT statements; run other statements on /ksql.', sql, []);
  }
  for (const set of propertyStatements(properties)) {
    const frames = await session.collect(set);
    const err = frames.find((f) => f.type === 'error');
    if (err) throw statementError(String(err.message), set, []);
  }
  const { res } = x;
  const state = { blocked: false };
  pace(session, res, state);
  const write = (s: string) => {
    // A Buffer, not a string: node's HTTP/2 over a non-native socket (http-api.ts's overSocket) sent
    // other bytes in place of a string written while an earlier frame was in flight.
    if (!res.writableEnded && !res.write(Buffer.from(s))) state.blocked = true;
  };
  return new Promise<void>((resolve, reject) => {
    let queryId: string | undefined;
    let rows = 0;
    const finish = (tail: string) => {
      if (queryId) open.delete(queryId);
      if (tail) write(tail);
      if (!res.writableEnded) res.end();
      resolve();
    };
    res.on('close', () => {
      if (queryId) open.delete(queryId);
      resolve();
    });
    const requestId = session.request(sql, (f) => {
      switch (f.type) {
        case 'header': {
          queryId = typeof f.queryId === 'string' ? f.queryId : undefined;
          if (queryId) open.set(queryId, { session, requestId });
          const cols = columnsOf(f);
          res.statusCode = 200;
          res.setHeader('Content-Type', shape === 'delimited' ? DELIMITED : shape === 'json' ? 'application/json' : 'application/vnd.ksql.v1+json');
          if (shape === 'legacy') {
            const schema = cols.map((c) => `\`${c.name}\` ${c.type}`).join(', ');
            write(`[${stringifyJson({ header: { queryId: queryId ?? `query_${Date.now()}`, schema } })}`);
          } else {
            const head = stringifyJson({ ...(queryId ? { queryId } : {}), columnNames: cols.map((c) => c.name), columnTypes: cols.map((c) => c.type) });
            write(shape === 'json' ? `[${head}` : `${head}\n`);
          }
          res.flushHeaders?.();
          return;
        }
        case 'row': {
          const values = stringifyJson(Array.isArray(f.values) ? f.values : []);
          rows++;
          if (shape === 'delimited') write(`${values}\n`);
          else if (shape === 'json') write(`,${values}`);
          else write(`,\n{"row":{"columns":${values}${f.tombstone === true ? ',"tombstone":true' : ''}}}`);
          return;
        }
        case 'end': {
          if (!res.headersSent && rows === 0 && queryId === undefined) {
            // No header came: not a query after all (cannot happen after the parse check, but say so).
            reject(genericError(400, ErrorCode.BAD_REQUEST, 'the statement returned no rows header'));
            return;
          }
          const limit = f.reason === 'limit';
          if (shape === 'json') finish(']');
          else if (shape === 'legacy') finish(`${limit ? ',\n{"finalMessage":"Limit Reached"}' : ''}]\n`);
          else finish('');
          return;
        }
        case 'error': {
          const message = String(f.message);
          if (!res.headersSent) {
            if (queryId) open.delete(queryId);
            reject(statementError(message, sql, []));
            return;
          }
          const body = { '@type': 'generic_error', error_code: new JsonNumber(String(ErrorCode.SERVER_ERROR)), message };
          if (shape === 'json') finish(`,${stringifyJson(body)}]`);
          else if (shape === 'legacy') finish(`,\n${stringifyJson({ errorMessage: body })}]\n`);
          else finish(`${stringifyJson(body)}\n`);
          return;
        }
        default:
          return; // SET's messages, PRINT titles
      }
    });
  });
}

/** POST /query-stream: {"sql", "properties"}; Accept picks delimited (default) or JSON. */
export function shapeOf(x: Exchange): Shape {
  const accept = header(x.req, 'accept') ?? '';
  if (accept.includes(DELIMITED)) return 'delimited';
  if (accept.includes('application/json')) return 'json';
  return 'delimited';
}

/** POST /close-query: {"queryId"}; 200 with an empty body, or 400 when no such query runs here. */
export function closeQuery(open: OpenQueries, body: Json): void {
  const id = asObject(body)?.queryId;
  if (typeof id !== 'string') throw genericError(400, ErrorCode.BAD_REQUEST, 'the request body must be a JSON object with a "queryId" string');
  const q = open.get(id);
  if (!q) throw genericError(400, ErrorCode.BAD_REQUEST, `No query with id ${id}`);
  open.delete(id);
  q.session.cancel(q.requestId);
}

/** Rows read from an inserts stream and not yet acked, past which the body is not read on. */
const MAX_QUEUED_INSERTS = 64;

/**
 * POST /inserts-stream: a first line {"target"}, then one JSON object a line; one ack a line,
 * {"status":"ok","seq":n} or an error with its seq, in order. Rows go in through the session's
 * insert request, one at a time, as they arrive; the body is not read on while 64 wait, so a
 * client that sends faster than rows go in is held back instead of queued for. A line over
 * `maxLineBytes` (ended or not) fails the request, and its connection is closed: what follows
 * such a line is not worth reading.
 */
export function insertsStream(x: Exchange, session: LineSession, maxLineBytes: number, resolveTarget: (name: string) => string | undefined): Promise<void> {
  const { req, res } = x;
  return new Promise<void>((resolve) => {
    const lines = new LineSplitter(maxLineBytes);
    let target: string | undefined;
    let seq = 0;
    let chain = Promise.resolve();
    let queued = 0;
    let failed = false;
    const ack = (o: { [k: string]: Json }) => {
      if (!res.headersSent) {
        res.statusCode = 200;
        res.setHeader('Content-Type', header(req, 'accept')?.includes('application/json') ? 'application/json' : DELIMITED);
      }
      if (!res.writableEnded) res.write(`${stringifyJson(o)}\n`);
    };
    const fail = (status: number, message: string, hangUp = false) => {
      if (failed) return;
      failed = true;
      if (!res.headersSent) {
        res.statusCode = status;
        res.setHeader('Content-Type', 'application/json');
        // HTTP/2 has no Connection header: ending the stream ends that request only.
        if (hangUp && req.httpVersionMajor === 1) res.setHeader('Connection', 'close');
      }
      res.end(`${stringifyJson({ '@type': 'generic_error', error_code: new JsonNumber(String(status * 100)), message })}\n`);
      // The error goes out first; then the rest of the body is not read (nor buffered) at all.
      if (hangUp) res.once('finish', () => req.destroy());
    };
    const line = (text: string) => {
      if (failed || !text.trim()) return;
      let j: Json;
      try {
        j = parseJson(text);
      } catch (e) {
        return fail(400, `malformed JSON: ${(e as Error).message}`);
      }
      if (target === undefined) {
        const t = asObject(j)?.target;
        if (typeof t !== 'string') return fail(400, 'the first line must be a JSON object with a "target" string');
        target = resolveTarget(t);
        if (target === undefined) return fail(400, `Cannot insert values into an unknown stream/table: ${t}`);
        return;
      }
      const n = seq++;
      const into: string = target;
      if (++queued >= MAX_QUEUED_INSERTS) req.pause();
      chain = chain.then(async () => {
        if (!failed) {
          const err = await session.insert(into, [j]);
          if (err) ack({ status: 'error', seq: new JsonNumber(String(n)), error_code: new JsonNumber(String(ErrorCode.BAD_REQUEST)), message: err });
          else ack({ status: 'ok', seq: new JsonNumber(String(n)) });
        }
        if (--queued === MAX_QUEUED_INSERTS / 2) req.resume();
      });
    };
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      for (const l of lines.push(chunk)) {
        if (l instanceof LineTooLong) return fail(400, `a line over ${maxLineBytes} bytes`, true);
        line(l);
      }
    });
    req.on('end', () => {
      const last = lines.end();
      if (last !== undefined) line(last);
      void chain.then(() => {
        if (!failed) {
          if (!res.headersSent) {
            res.statusCode = 200;
            res.setHeader('Content-Type', DELIMITED);
          }
          res.end();
        }
        resolve();
      });
    });
    res.on('close', () => resolve());
  });
}
