// A pull query forwarded to the server of the service that owns its key (runtime/pull-route.ts):
// asked over the line protocol with "route": false (so it is answered there, never passed on
// again), its header and rows handed back as they come, parsed losslessly so that every number
// keeps its digits.

import { connect } from 'node:net';
import { LineSplitter, LineTooLong } from '../util/line-splitter.js';
import { JsonNumber, parseJson, type Json } from '../util/lossless-json.js';

export class ForwardedPullError extends Error {
  constructor(
    message: string,
    readonly line?: Json,
    readonly column?: Json,
  ) {
    super(message);
  }
}

/** Longest reply line taken from the owner. */
const MAX_LINE = 64 * 1024 * 1024;

/** Resolves when the owner ended the reply; rejects with its error, or when it cannot be reached or takes longer than `timeoutMs`. */
export function forwardPull(hostPort: string, sql: string, token: string | undefined, timeoutMs: number, onReply: (reply: { [k: string]: Json }) => void): Promise<void> {
  const at = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, at);
  const port = Number(hostPort.slice(at + 1));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const lines = new LineSplitter(MAX_LINE);
    let settled = false;
    const finish = (e?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (e) reject(e);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`the server owning the key (${hostPort}) did not answer within ${timeoutMs} ms`)), timeoutMs || 30_000);
    socket.on('connect', () => {
      if (token !== undefined) socket.write(`${JSON.stringify({ auth: token })}\n`);
      socket.write(`${JSON.stringify({ id: 'fwd', sql, route: false })}\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      for (const text of lines.push(chunk)) {
        if (text instanceof LineTooLong) return finish(new Error(`the server owning the key (${hostPort}) sent a reply line over ${MAX_LINE} bytes`));
        const r = parseJson(text);
        if (r === null || typeof r !== 'object' || Array.isArray(r) || r instanceof JsonNumber) continue;
        if (r.type === 'bye') return finish(new Error(`the server owning the key (${hostPort}) closed the connection: ${String(r.reason)}`));
        if (r.id !== 'fwd') continue;
        if (r.type === 'error') return finish(new ForwardedPullError(`${String(r.message)} (answered by ${hostPort}, which owns the key)`, r.line, r.column));
        if (r.type === 'end') return finish();
        onReply(r);
      }
    });
    socket.on('error', (e) => finish(new Error(`cannot reach the server owning the key (${hostPort}): ${e.message}`)));
    socket.on('close', () => finish(new Error(`the server owning the key (${hostPort}) closed the connection`)));
  });
}
