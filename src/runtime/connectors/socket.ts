// socket: reads lines from a TCP server, as Spark's socket source does — for demos and tests,
// not for production: what a socket sent is not replayable, so a restart resumes at whatever
// arrives next (exactly-once holds from the moment a line is appended to the stream's topic).
// WITH (source='socket', host='127.0.0.1', port=9999, value_format='JSON' | 'DELIMITED')

import { connect, type Socket } from 'node:net';
import { createSerde } from '../serde/index.js';
import type { ConnectorFactory } from './connector.js';
import { LineSplitter, LineTooLong } from '../../util/line-splitter.js';
import { isBlank } from './line-bytes.js';

/**
 * Longest line taken, in bytes: a server that sends one longer (or one that never ends) costs a
 * processing-log entry, not memory without bound. Far past any record Kafka takes by default (1 MB).
 */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

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
  let lines = new LineSplitter(MAX_LINE_BYTES);
  let lineNo = 0;

  const open = () => {
    if (stopped) return;
    socket = connect({ host, port });
    // Bytes as sent: the format rejects what is not valid UTF-8 rather than altering it.
    socket.on('data', (chunk: Buffer) => {
      const rows = [];
      for (const line of lines.pushBytes(chunk)) {
        lineNo++;
        if (line instanceof LineTooLong) {
          ctx.reject(`line ${lineNo}: ${line.message}; skipped to its end`, lineNo);
          continue;
        }
        if (isBlank(line)) continue;
        try {
          const values = serde.deserialize(line);
          if (values) rows.push({ values: [...values, ...headers], ts: Date.now() });
        } catch (e) {
          ctx.reject(`line ${lineNo}: ${(e as Error).message}`, lineNo);
        }
      }
      if (rows.length) ctx.append(rows);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      lines = new LineSplitter(MAX_LINE_BYTES); // a line cut off by the connection's end is no line
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
