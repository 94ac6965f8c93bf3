// The PostgreSQL-protocol listener beside the line protocol's: same engine, same host and token
// rule. It hands out each connection's BackendKeyData (a process id and a random secret) and
// routes a CancelRequest, which arrives on a connection of its own, to the connection it names.

import { randomInt } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Eddy } from '../../engine-api.js';
import type { ServerTls } from '../tls.js';
import { PgConnection, type PgHost, type PgLimits } from './pg-connection.js';

export class PgServer implements PgHost {
  private readonly server: Server;
  private readonly connections = new Set<PgConnection>();
  private readonly byPid = new Map<number, PgConnection>();
  private readonly sockets = new Set<Socket>();
  private nextPid = 1;

  constructor(
    readonly eddy: Eddy,
    readonly token: string | undefined,
    readonly limits: PgLimits,
    private readonly onDisconnect?: (client: string, reason: string) => void,
    readonly tls: ServerTls | undefined = undefined,
  ) {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      this.connections.add(new PgConnection(socket, this));
    });
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve(this.server.address() as AddressInfo));
    });
  }

  register(c: PgConnection): { pid: number; secret: number } {
    const pid = this.nextPid++;
    this.byPid.set(pid, c);
    return { pid, secret: randomInt(1, 2 ** 31 - 1) };
  }

  cancel(pid: number, secret: number): void {
    const c = this.byPid.get(pid);
    // A wrong secret is ignored silently, as PostgreSQL does: the sender learns nothing.
    if (c && c.key.secret === secret) c.cancel();
  }

  onClose(c: PgConnection, reason: string | undefined): void {
    this.connections.delete(c);
    if (this.byPid.get(c.key.pid) === c) this.byPid.delete(c.key.pid);
    if (reason) this.onDisconnect?.(c.remote, reason);
  }

  get clientCount(): number {
    return this.byPid.size;
  }

  close(reason: string, graceMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const force = setTimeout(() => [...this.sockets].forEach((s) => s.destroy()), graceMs);
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      for (const c of [...this.connections]) c.shutdown(reason);
    });
  }
}
