// file: tails a JSON-lines or CSV file, as `tail -f` would; each complete line is a row with
// every column (key and value). The byte position commits with the rows it produced.
// WITH (source='file', path='/var/log/orders.jsonl', value_format='JSON' | 'DELIMITED', format_header=true)

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createSerde } from '../serde/index.js';
import type { ConnectorFactory } from './connector.js';

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
  let refused = false;

  const poll = () => {
    let real: string;
    try {
      // Judged again each time: a symlink swapped in later must not lead outside the allowance.
      real = ctx.file(path);
      refused = false;
    } catch (e) {
      if (!refused) ctx.reject((e as Error).message);
      refused = true;
      return;
    }
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
      const line = buf.subarray(start, end).toString('utf8').replace(/\r$/, '');
      const lineStart = position + start;
      start = end + 1;
      if (!line.trim() || (skipHeader && lineStart === 0)) continue;
      try {
        const values = serde.deserialize(Buffer.from(line, 'utf8'));
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
