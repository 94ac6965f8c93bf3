// file: tails a JSON-lines or CSV file, as `tail -f` would; each complete line is a row with
// every column (key and value). The byte position commits with the rows it produced.
// WITH (source='file', path='/var/log/orders.jsonl', value_format='JSON' | 'DELIMITED', format_header=true)

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createSerde } from '../serde/index.js';
import type { ConnectorFactory } from './connector.js';
import { isBlank, withoutCr } from './line-bytes.js';

export const fileConnector: ConnectorFactory = (ctx, settings) => {
  const path = String(settings.PATH ?? '');
  if (!path) throw new Error("source='file' needs path='…'");
  ctx.file(path); // refused at CREATE time, before the catalog changes
  const cols = ctx.source.columns.filter((c) => c.role !== 'header').map((c) => ({ name: c.name, type: c.type }));
  const csv = ctx.source.valueFormat === 'DELIMITED';
  const serde = createSerde(csv ? 'DELIMITED' : 'JSON', cols, { role: 'value', ...(ctx.source.valueDelimiter ? { delimiter: ctx.source.valueDelimiter } : {}) });
  const skipHeader = csv && String(settings.FORMAT_HEADER ?? 'false').toLowerCase() === 'true';
  let position = Number(ctx.checkpoint() ?? 0);
  let timer: NodeJS.Timeout | undefined;
  /** The last read failure reported, so a lasting one (a directory at the path) is logged once. */
  let failure: string | undefined;

  const poll = () => {
    let real: string;
    try {
      // Judged again each time: a symlink swapped in later must not lead outside the allowance.
      real = ctx.file(path);
    } catch (e) {
      const reason = (e as Error).message;
      if (reason !== failure) ctx.reject(reason);
      failure = reason;
      return;
    }
    try {
      read(real);
      failure = undefined;
    } catch (e) {
      // Whatever is at the path (a directory, a file without read permission) must not stop the server.
      const reason = `cannot read '${path}': ${(e as Error).message}`;
      if (reason !== failure) ctx.reject(reason);
      failure = reason;
    }
  };

  const read = (real: string) => {
    let size: number;
    try {
      size = statSync(real).size;
    } catch {
      return; // not there yet
    }
    if (size < position) position = 0; // truncated or rotated: start over
    if (size === position) return;
    const buf = Buffer.alloc(size - position);
    const fd = openSync(real, 'r');
    try {
      readSync(fd, buf, 0, buf.length, position);
    } finally {
      closeSync(fd);
    }
    const lastNl = buf.lastIndexOf(0x0a);
    if (lastNl < 0) return; // wait for a whole line
    const rows = [];
    let start = 0;
    while (start <= lastNl) {
      const end = buf.indexOf(0x0a, start);
      // The line's bytes as they are: the format decides whether they are text (invalid UTF-8 is rejected).
      const line = withoutCr(buf.subarray(start, end));
      const lineStart = position + start;
      start = end + 1;
      if (isBlank(line) || (skipHeader && lineStart === 0)) continue;
      try {
        const values = serde.deserialize(line);
        if (values) rows.push({ values: [...values, ...ctx.source.columns.filter((c) => c.role === 'header').map(() => null)], ts: Date.now() });
      } catch (e) {
        ctx.reject(`byte ${lineStart}: ${(e as Error).message}`, lineStart);
      }
    }
    position += lastNl + 1;
    ctx.append(rows, String(position));
  };

  return {
    kind: 'file',
    start() {
      poll();
      timer = setInterval(poll, 200);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
};
