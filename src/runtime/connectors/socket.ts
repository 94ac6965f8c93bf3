// socket: reads lines from a TCP server, as Spark's socket source does — for demos and tests,
// not for production: what a socket sent is not replayable, so a restart resumes at whatever
// arrives next (exactly-once holds from the moment a line is appended to the stream's topic).
// WITH (source='socket', host='127.0.0.1', port=9999, value_format='JSON' | 'DELIMITED')

import { connect, type Socket } from 'node:net';
import { createSerde } from '../serde/index.js';
import type { ConnectorFactory } from './connector.js';

export const socketConnector: ConnectorFactory = (ctx, settings) => {
  const host = String(settings.HOST ?? '127.0.0.1');
  const port = Number(settings.PORT);
  if (!Number.isInteger(port)) throw new Error("source='socket' needs port=…");
  ctx.connect(host, port);
  const cols = ctx.source.columns.filter((c) => c.role !== 'header').map((c) => ({ name: c.name, type: c.type }));
  const serde = createSerde(ctx.source.valueFormat === 'DELIMITED' ? 'DELIMITED' : 'JSON', cols, { role: 'value', ...(ctx.source.valueDelimiter ? { delimiter: ctx.source.valueDelimiter } : {}) });
  const headers = ctx.source.columns.filter((c) => c.role === 'header').map(() => null);
  let socket: Socket | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let buffer = '';
  let lineNo = 0;

  const open = () => {
    if (stopped) return;
    socket = connect({ host, port });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const rows = [];
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        lineNo++;
        if (!line.trim()) continue;
        try {
          const values = serde.deserialize(Buffer.from(line, 'utf8'));
          if (values) rows.push({ values: [...values, ...headers], ts: Date.now() });
        } catch (e) {
          ctx.reject(`line ${lineNo}: ${(e as Error).message}`, lineNo);
        }
      }
      if (rows.length) ctx.append(rows);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!stopped) retry = setTimeout(open, 500);
    });
  };

  return {
    kind: 'socket',
    start: open,
    stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      socket?.destroy();
    },
  };
};
