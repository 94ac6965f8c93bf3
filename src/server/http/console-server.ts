// `eddy --ui [port]`: the HTTP API, and so the web console, over an engine the process already has
// open (the shell's embedded one). On 127.0.0.1 only, with a fresh random token the URL carries in
// its fragment (the page keeps it; the fragment never reaches the server): another local user
// cannot read or change the shell's data through the port. Each HTTP request's statements run on
// a line-protocol Connection with a server's default limits, as under `eddy server --http-port`.

import { randomBytes } from 'node:crypto';
import type { Eddy } from '../../engine-api.js';
import { Connection, type ConnectionLimits, type SharedBudget } from '../connection.js';
import { HttpApi } from './http-api.js';
import type { ConnectionFactory } from './line-session.js';

const LIMITS: ConnectionLimits = {
  maxLineBytes: 1024 * 1024,
  maxBufferedBytes: 8 * 1024 * 1024,
  authTimeoutMs: 10_000,
  idleTimeoutMs: 300_000,
  maxQueuedRequests: 64,
};

export interface ConsoleServer {
  /** http://127.0.0.1:PORT/#token=…: the console, signed in. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0: any free port). */
export async function serveConsole(eddy: Eddy, port: number): Promise<ConsoleServer> {
  const token = randomBytes(18).toString('base64url');
  const connections = new Set<Connection>();
  const shared: SharedBudget = { maxTotalBufferedBytes: 256 * 1024 * 1024, connections };
  const open: ConnectionFactory = (socket, onClose) => {
    connections.add(
      new Connection(socket, eddy, undefined, LIMITS, shared, (c, reason, dropped) => {
        connections.delete(c);
        onClose(reason, dropped);
      }),
    );
  };
  const api = new HttpApi({ eddy, host: '127.0.0.1', port, token, maxBodyBytes: LIMITS.maxLineBytes, open });
  const addr = await api.listen();
  return { url: `http://127.0.0.1:${addr.port}/#token=${token}`, port: addr.port, token, close: () => api.close() };
}
