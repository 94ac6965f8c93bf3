// `COPY t FROM STDIN …` over the PostgreSQL protocol (psql's `\copy t from 'file' csv`, psycopg's
// cursor.copy()): CopyInResponse, then the client's CopyData until CopyDone (or CopyFail), then
// `COPY n`. Each line goes through Eddy's own COPY rules (runtime/statements/copy.ts): CSV or JSON
// lines over the target's columns, a line that does not parse or (into a table) lacks its key is
// rejected and reported with its line number, rows are upserted into a static table or appended
// to a stream's topic, a chunk of rows at a time. PostgreSQL's text format (tab-separated, `\N`
// for NULL, backslash escapes) is read by turning each line into CSV first.

import { copiedMessage, copyLine, copySerde, copyWrite } from '../../engine-api.js';
import type { Value } from '../../planner/values.js';
import { commandComplete, copyInResponse, noticeResponse, type FrontendMessage } from './codec.js';
import { identifier } from './parameter-types.js';
import type { PortalContext } from './portal.js';

export interface CopySpec {
  readonly target: string;
  /** Eddy's COPY format: CSV (also for PostgreSQL's text format, converted) or JSON. */
  readonly format: 'CSV' | 'JSON';
  /** PostgreSQL's text format: each line is converted to CSV before Eddy reads it. */
  readonly text: boolean;
  readonly header: boolean;
  readonly delimiter: string | undefined;
}

/** What copy-in needs of its connection beyond a portal's needs: the client's next message. */
export interface CopyInContext extends PortalContext {
  /** Who the client is, for the processing log of rejected lines. */
  readonly remote: string;
  /** The next message the client sent (undefined: it has gone). */
  nextMessage(): Promise<FrontendMessage | undefined>;
}

export class CopyError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const NAME = String.raw`("(?:[^"]|"")*"|\x60(?:[^\x60]|\x60\x60)*\x60|[A-Za-z_][A-Za-z_0-9]*)`;
const COPY_FROM_STDIN = new RegExp(String.raw`^\s*COPY\s+${NAME}\s*(\([^)]*\))?\s*FROM\s+STDIN\b([\s\S]*?)\s*;?\s*$`, 'i');

const truthy = (v: string | undefined): boolean => v === undefined || ['true', 'on', '1', 'yes'].includes(v.toLowerCase());
const unquote = (v: string): string => v.replace(/^E?'((?:[^']|'')*)'$/i, (_m, x: string) => x.replace(/''/g, "'"));

/** `COPY t FROM STDIN [WITH] (FORMAT csv, HEADER, DELIMITER ';')` or the older `… CSV HEADER`; undefined when `sql` is not one. */
export function parseCopyFromStdin(sql: string): CopySpec | undefined {
  const m = COPY_FROM_STDIN.exec(sql);
  if (!m) return undefined;
  if (m[2]) throw new CopyError('COPY with a column list is not supported: Eddy\'s COPY takes every column but the headers, in order', '0A000');
  const opts = new Map<string, string | undefined>();
  let rest = m[3]!.trim().replace(/^WITH\b/i, '').trim();
  const list = /^\(([\s\S]*)\)$/.exec(rest);
  if (list) {
    for (const part of list[1]!.split(',')) {
      const [k, ...v] = part.trim().split(/\s+/);
      if (k) opts.set(k.toUpperCase(), v.length ? unquote(v.join(' ')) : undefined);
    }
  } else {
    // The pre-9.0 syntax psql's \copy writes: [BINARY] [DELIMITER [AS] 'c'] [NULL [AS] 's'] [CSV [HEADER]].
    for (let t: RegExpExecArray | null; rest && (t = /^(BINARY|CSV|HEADER|(DELIMITER|NULL|QUOTE|ESCAPE)\s+(?:AS\s+)?('(?:[^']|'')*'))\s*/i.exec(rest)); rest = rest.slice(t[0].length)) {
      const word = (t[2] ?? t[1]!).toUpperCase();
      if (word === 'CSV' || word === 'BINARY') opts.set('FORMAT', word.toLowerCase());
      else opts.set(word, t[3] ? unquote(t[3]) : undefined);
    }
    if (rest) throw new CopyError(`COPY FROM STDIN option not understood: ${rest}`, '42601');
  }
  for (const k of opts.keys()) {
    if (!['FORMAT', 'HEADER', 'DELIMITER', 'ENCODING'].includes(k)) throw new CopyError(`COPY FROM STDIN option ${k} is not supported (FORMAT, HEADER, DELIMITER are)`, '0A000');
  }
  const encoding = opts.get('ENCODING');
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) throw new CopyError(`COPY FROM STDIN reads UTF-8 only, not ${encoding}`, '0A000');
  const format = (opts.get('FORMAT') ?? 'text').toLowerCase();
  if (!['text', 'csv', 'json'].includes(format)) throw new CopyError(`COPY FROM STDIN format ${format} is not supported: text, csv or Eddy's json`, '0A000');
  const delimiter = opts.get('DELIMITER');
  if (delimiter !== undefined && [...delimiter].length !== 1) throw new CopyError('COPY delimiter must be a single one-byte character', '22023');
  return {
    target: identifier(m[1]!),
    format: format === 'json' ? 'JSON' : 'CSV',
    text: format === 'text',
    // As in PostgreSQL, a header line is there only when HEADER says so.
    header: opts.has('HEADER') && truthy(opts.get('HEADER')),
    delimiter,
  };
}

/** One line of PostgreSQL's text format as a CSV line: fields split on the delimiter, `\N` a NULL (an empty field). */
export function textLineToCsv(line: string, delimiter = '\t'): string {
  const fields: (string | null)[] = [];
  let cur = '';
  const ESC: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  let isNull = false;
  for (let i = 0; i <= line.length; i++) {
    const c = line[i];
    if (c === undefined || c === delimiter) {
      fields.push(isNull && cur === '' ? null : cur);
      cur = '';
      isNull = false;
    } else if (c === '\\' && i + 1 < line.length) {
      const n = line[++i]!;
      if (n === 'N') isNull = true;
      else cur += ESC[n] ?? n;
    } else cur += c;
  }
  return fields.map((f) => (f === null ? '' : f === '' || /[",\n\r]/.test(f) || /^\s|\s$/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

const CHUNK_ROWS = 1000;
/** Rejected lines told one by one (as WARNINGs) before the rest are only counted. */
const TOLD_REJECTIONS = 20;

/**
 * Runs one COPY FROM STDIN: the target is checked, CopyInResponse sent, then lines are read and
 * written a chunk at a time until CopyDone. Throws CopyError (CopyFail, a message that has no
 * place in a copy, the client gone); the chunks of CHUNK_ROWS written before stay, as a cancelled
 * Eddy COPY's do, and the rows after them are dropped.
 */
export async function copyIn(ctx: CopyInContext, spec: CopySpec, source: string): Promise<void> {
  const eddy = ctx.eddy;
  const def = eddy.source(spec.target);
  if (!def) throw new CopyError(`${spec.target} does not exist.`, '42P01');
  // The text format's delimiter splits its fields before they become CSV (comma-separated).
  let serde: ReturnType<typeof copySerde>;
  try {
    serde = copySerde(def, spec.format, spec.text ? undefined : spec.delimiter);
  } catch (e) {
    // A column the format cannot hold (CSV has no ARRAY): refused before any data is asked for.
    throw new CopyError((e as Error).message, '0A000');
  }
  const columns = def.columns.filter((c) => c.role !== 'header').length;
  ctx.write(copyInResponse(columns));
  const rejected: string[] = [];
  let copied = 0;
  let lineNo = 0;
  let chunk: Value[][] = [];
  let partial = Buffer.alloc(0);
  const flush = () => {
    ctx.inSession(() => copyWrite(eddy, def, chunk));
    copied += chunk.length;
    chunk = [];
  };
  const take = (raw: Buffer) => {
    lineNo++;
    const line = raw[raw.length - 1] === 0x0d ? raw.subarray(0, -1) : raw;
    if ((spec.header && lineNo === 1) || line.toString('utf8').trim() === '') return;
    // psql ends text-format data with `\.` on a line of its own (protocol 2's end marker).
    if (spec.text && line.toString('utf8') === '\\.') return;
    const data = spec.text ? Buffer.from(textLineToCsv(line.toString('utf8'), spec.delimiter ?? '\t'), 'utf8') : line;
    const vals = copyLine(eddy, def, serde, data, lineNo, source, rejected);
    if (rejected.length <= TOLD_REJECTIONS && !vals) ctx.write(noticeResponse({ severity: 'WARNING', code: '22P04', message: `COPY ${def.name}, ${rejected[rejected.length - 1]}` }));
    if (vals) chunk.push(vals);
    if (chunk.length >= CHUNK_ROWS) flush();
  };
  for (;;) {
    const m = await ctx.nextMessage();
    if (!m) throw new CopyError('the client went away during COPY FROM STDIN', '08006');
    if (m.type === 'd') {
      let data = partial.length ? Buffer.concat([partial, m.body]) : m.body;
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a)) {
        take(data.subarray(0, nl));
        data = data.subarray(nl + 1);
      }
      // Copied: the message's buffer is not kept beyond it.
      partial = Buffer.from(data);
    } else if (m.type === 'c') {
      if (partial.length) take(partial);
      flush();
      break;
    } else if (m.type === 'f' || (m.type !== 'H' && m.type !== 'S')) {
      // CopyFail, or a message that has no place in a copy (Flush and Sync mean nothing in one):
      // the rows not yet written are dropped; whole chunks written before stay committed.
      const why = m.type === 'f' ? `COPY from stdin failed: ${m.body.subarray(0, Math.max(0, m.body.indexOf(0))).toString('utf8')}` : `unexpected message type '${m.type}' during COPY from stdin`;
      const kept = copied ? ` (the ${copied} rows written before stay committed)` : '';
      throw new CopyError(`${why}${kept}`, m.type === 'f' ? '57014' : '08P01');
    }
  }
  ctx.write(noticeResponse({ code: '00000', message: copiedMessage(def, copied, rejected) }));
  ctx.write(commandComplete(`COPY ${copied}`));
}
