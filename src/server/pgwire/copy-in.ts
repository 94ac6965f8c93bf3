// `COPY t FROM STDIN …` over the PostgreSQL protocol (psql's `\copy t from 'file' csv`, psycopg's
// cursor.copy()): CopyInResponse, then the client's CopyData until CopyDone (or CopyFail), then
// `COPY n`. Each line goes through Eddy's own COPY rules (runtime/statements/copy.ts): CSV or JSON
// lines over the target's columns, a line that does not parse or (into a table) lacks its key is
// rejected and reported with its line number, rows are upserted into a static table or appended
// to a stream's topic, a chunk of rows at a time. PostgreSQL's text and CSV formats, its options
// and a column list are read by copy-format.ts into each record's fields, which become a line of
// Eddy's CSV over all the target's columns (a column the list leaves out is NULL).

import type { CopyLoader } from '../../engine-api.js';
import type { Value } from '../../planner/values.js';
import { commandComplete, copyInResponse, noticeResponse, type FrontendMessage } from './codec.js';
import { CopyError, csvFields, csvValues, eddyCsvLine, textFields, type CopySpec } from './copy-format.js';
import type { PortalContext } from './portal.js';

/** What copy-in needs of its connection beyond a portal's needs: the client's next message. */
export interface CopyInContext extends PortalContext {
  /** Who the client is, for the processing log of rejected lines. */
  readonly remote: string;
  /** The next message the client sent (undefined: it has gone). */
  nextMessage(): Promise<FrontendMessage | undefined>;
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
  const targets = def.columns.filter((c) => c.role !== 'header');
  // Where each field goes among the target's columns: the column list, or all of them in order.
  const slots = (spec.columns ?? targets.map((c) => c.name)).map((name, i, all) => {
    const at = targets.findIndex((c) => c.name.toUpperCase() === name.toUpperCase());
    if (at < 0) {
      const header = def.columns.some((c) => c.name.toUpperCase() === name.toUpperCase());
      throw new CopyError(
        header ? `column "${name}" of ${def.name} holds headers, which COPY does not write` : `column "${name}" of relation "${def.name}" does not exist`,
        header ? '0A000' : '42703',
      );
    }
    if (all.findIndex((n) => n.toUpperCase() === name.toUpperCase()) !== i) throw new CopyError(`column "${name}" specified more than once`, '42701');
    return at;
  });
  const names = slots.map((i) => targets[i]!.name);
  let loader: CopyLoader;
  try {
    loader = eddy.copyLoader(def.name, spec.format === 'json' ? 'JSON' : 'CSV', source);
  } catch (e) {
    // A column the format cannot hold (CSV has no ARRAY): refused before any data is asked for.
    throw new CopyError((e as Error).message, '0A000');
  }
  ctx.write(copyInResponse(slots.length));
  const rejected = loader.rejected;
  let copied = 0;
  let lineNo = 0;
  let records = 0;
  let chunk: Value[][] = [];
  let partial = Buffer.alloc(0);
  /** A CSV record whose quoted field goes on past its line, and the line it started on. */
  let open: { text: string; line: number } | undefined;
  /** An error in the data (a header that does not match): the rest of the copy is read and dropped, then it is raised. */
  let failure: CopyError | undefined;
  let ended = false;
  const flush = () => {
    ctx.inSession(() => loader.write(chunk));
    copied += chunk.length;
    chunk = [];
  };
  const reject = (line: number, why: string) => {
    rejected.push(`line ${line}: ${why}`);
    eddy.logRejectedInput(source, line, `COPY ${def.name}: ${why}`);
    if (rejected.length <= TOLD_REJECTIONS) ctx.write(noticeResponse({ severity: 'WARNING', code: '22P04', message: `COPY ${def.name}, line ${line}: ${why}` }));
  };
  const record = (fields: (string | null)[], line: number) => {
    if (records++ === 0 && spec.header) {
      if (spec.header === 'match') {
        const bad = names.findIndex((n, i) => (fields[i] ?? '').toUpperCase() !== n.toUpperCase());
        if (bad >= 0 || fields.length !== names.length) {
          const i = bad >= 0 ? bad : Math.min(fields.length, names.length);
          failure = new CopyError(
            i < names.length
              ? `column name mismatch in header line field ${i + 1}: got "${fields[i] ?? ''}", expected "${names[i]}"`
              : `wrong number of fields in header line: got ${fields.length}, expected ${names.length}`,
            '22P04',
          );
        }
      }
      return;
    }
    if (fields.length < slots.length) return reject(line, `missing data for column "${names[fields.length]}"`);
    if (fields.length > slots.length) return reject(line, 'extra data after last expected column');
    const row: (string | null)[] = targets.map(() => null);
    slots.forEach((at, i) => (row[at] = fields[i]!));
    const vals = loader.line(Buffer.from(eddyCsvLine(row), 'utf8'), line);
    if (!vals && rejected.length <= TOLD_REJECTIONS) ctx.write(noticeResponse({ severity: 'WARNING', code: '22P04', message: `COPY ${def.name}, ${rejected[rejected.length - 1]}` }));
    if (vals) chunk.push(vals);
    if (chunk.length >= CHUNK_ROWS) flush();
  };
  const take = (raw: Buffer) => {
    lineNo++;
    if (failure || ended) return;
    const line = (raw[raw.length - 1] === 0x0d ? raw.subarray(0, -1) : raw).toString('utf8');
    if (open) {
      const text = `${open.text}\n${line}`;
      const fields = csvFields(text, spec);
      if (fields) {
        record(csvValues(fields, names, spec), open.line);
        open = undefined;
      } else open.text = text;
      return;
    }
    // `\.` on a line of its own ends the data (what psql sends last in text format).
    if (line === '\\.') {
      ended = true;
      return;
    }
    // Blank lines carry no record (as Eddy's COPY from a file skips them).
    if (line.trim() === '') return;
    if (spec.format === 'json') {
      const vals = loader.line(Buffer.from(line, 'utf8'), lineNo);
      if (!vals && rejected.length <= TOLD_REJECTIONS) ctx.write(noticeResponse({ severity: 'WARNING', code: '22P04', message: `COPY ${def.name}, ${rejected[rejected.length - 1]}` }));
      if (vals) chunk.push(vals);
      if (chunk.length >= CHUNK_ROWS) flush();
      return;
    }
    if (spec.format === 'text') return record(textFields(line, spec), lineNo);
    const fields = csvFields(line, spec);
    if (fields) record(csvValues(fields, names, spec), lineNo);
    else open = { text: line, line: lineNo };
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
      if (open && !failure) reject(open.line, 'unterminated CSV quoted field');
      if (failure) throw failure;
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
  ctx.write(noticeResponse({ code: '00000', message: loader.message(copied) }));
  ctx.write(commandComplete(`COPY ${copied}`));
}
