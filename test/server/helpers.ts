// Shared pieces of the server suites: in-process servers that close after each test, a raw
// line client (what `nc` does), polling, and real server processes.

import { spawn, type ChildProcess } from 'node:child_process';
import { nodeArgsFor } from '../bundled-script.js';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { EddyServer, type ServerOptions } from '../../src/server/server.js';

export const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
export const CLICKS = "CREATE STREAM CLICKS (U STRING KEY, P STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);";

const servers: EddyServer[] = [];
afterEach(() => stopServers());

/**
 * Closes every server `start` opened. Runs after each test by itself; a suite whose own
 * afterEach depends on the engines being closed (vitest runs later-registered hooks first)
 * calls it there.
 */
export async function stopServers(): Promise<void> {
  for (const s of servers.splice(0)) await s.close().catch(() => {});
}

/** An in-process server on a free port; stops by itself at the end of the test. */
export async function start(opts: ServerOptions = {}): Promise<{ server: EddyServer; port: number }> {
  const server = new EddyServer({ port: 0, engine: { batch: { intervalMs: 10 }, properties: { 'auto.offset.reset': 'earliest' } }, ...opts });
  servers.push(server);
  const addr = await server.listen();
  return { server, port: addr.port };
}

export interface RawClient {
  readonly socket: Socket;
  readonly lines: Record<string, unknown>[];
  send(line: string): void;
  readonly closed: Promise<void>;
}

/** A raw line-protocol client, as `nc` would be. */
export function raw(port: number): Promise<RawClient> {
  return new Promise((resolve) => {
    const lines: Record<string, unknown>[] = [];
    let buf = '';
    const socket = connect({ host: '127.0.0.1', port }, () => resolve({ socket, lines, send: (l) => socket.write(`${l}\n`), closed }));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
        buf = buf.slice(nl + 1);
      }
    });
    socket.on('error', () => {});
  });
}

export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ServerProcess {
  readonly child: ChildProcess;
  /** The address the server bound, as it reported it. */
  readonly host: string;
  readonly port: number;
  readonly exited: Promise<number | null>;
  readonly output: () => string;
}

/** `eddy server` as a child process, the way a user runs it. */
export async function spawnServer(args: string[]): Promise<ServerProcess> {
  const run = await nodeArgsFor(CLI, args.includes('--kafka'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...run, 'server', '--port', '0', '--batch-interval', '10', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on ([\d.]+):(\d+)/.exec(out);
      if (m) resolve({ child, host: m[1]!, port: Number(m[2]), exited, output: () => out + err });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
}

/** Runs `sql` over a fresh raw connection until its end; an error reply is thrown. */
export async function runSql(port: number, sql: string, ms = 60_000): Promise<void> {
  const c = await raw(port);
  c.send(JSON.stringify({ id: 'x', sql }));
  await until(() => c.lines.some((l) => l.id === 'x' && (l.type === 'end' || l.type === 'error')), ms);
  const err = c.lines.find((l) => l.type === 'error');
  c.socket.destroy();
  if (err) throw new Error(String(err.message));
}
