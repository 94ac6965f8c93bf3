// `eddy server`: one engine, many TCP clients. SIGTERM/SIGINT finish the batch in flight
// (batches are synchronous, so it has committed), tell clients, and exit 0.

import type { Command } from 'commander';
import { EddyServer } from '../server/server.js';
import { addKafkaOptions, kafkaFromFlags, type KafkaFlags } from './kafka-options.js';

interface ServerFlags {
  readonly host: string;
  readonly port: string;
  readonly data?: string;
  readonly token?: string;
  readonly allowFiles?: string;
  readonly allowConnect?: string;
  readonly queryTimeout: string;
  readonly idleTimeout: string;
  readonly maxUnread: string;
  readonly maxUnreadTotal: string;
  readonly batchInterval: string;
  readonly batchMax: string;
}

export function registerServerCommand(program: Command): void {
  addKafkaOptions(program.command('server'))
    .description('serve SQL and push queries over TCP (see docs/protocol.md)')
    .option('--host <host>', 'address to bind (loopback unless told otherwise)', '127.0.0.1')
    .option('--port <port>', 'port', '7878')
    .option('--data <dir>', 'data directory (omit for memory only)')
    .option('--token <token>', 'require clients to send AUTH <token> first (or set EDDY_TOKEN); needed to bind a non-loopback address')
    .option('--allow-files <dir>', "let clients' COPY FROM, RUN SCRIPT and file sources read files inside <dir> (and only there); default: none")
    .option('--allow-connect <host:port,…>', "let clients' socket sources connect to these host:port pairs (host:* for any port); default: none")
    .option('--query-timeout <ms>', 'stop a pull query that runs longer, with an error (0: no limit)', '30000')
    .option('--idle-timeout <ms>', 'disconnect a client that sends nothing and runs no push query this long (0: never)', '300000')
    .option('--max-unread <bytes>', 'disconnect a client that leaves more replies than this unread', String(8 * 1024 * 1024))
    .option('--max-unread-total <bytes>', 'over all clients: past this, the client holding the most unread is disconnected', String(256 * 1024 * 1024))
    .option('--batch-interval <ms>', 'micro-batch trigger interval', '100')
    .option('--batch-max <n>', 'maximum records per batch', '10000')
    .action(async (opts: ServerFlags & KafkaFlags) => {
      const token = opts.token ?? process.env.EDDY_TOKEN;
      const server = new EddyServer({
        host: opts.host,
        port: Number(opts.port),
        ...(token ? { token } : {}),
        access: {
          ...(opts.allowFiles !== undefined ? { fileRoot: opts.allowFiles } : {}),
          ...(opts.allowConnect !== undefined ? { connect: opts.allowConnect.split(',').map((h) => h.trim()).filter(Boolean) } : {}),
        },
        queryTimeoutMs: Number(opts.queryTimeout),
        limits: { idleTimeoutMs: Number(opts.idleTimeout), maxBufferedBytes: Number(opts.maxUnread), maxTotalBufferedBytes: Number(opts.maxUnreadTotal) },
        onDisconnect: (client, reason) => process.stderr.write(`disconnected ${client}: ${reason}\n`),
        engine: { ...(opts.data ? { dataDir: opts.data } : {}), ...kafkaFromFlags(opts), batch: { intervalMs: Number(opts.batchInterval), maxRecords: Number(opts.batchMax) } },
      });
      const addr = await server.listen();
      process.stdout.write(`eddy server listening on ${addr.address}:${addr.port}${opts.data ? ` (data: ${opts.data})` : ' (in memory)'}${opts.kafka ? ` (kafka: ${opts.kafka})` : ''}\n`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`${signal}: shutting down\n`);
        void server.close(`server shutting down (${signal})`).then(() => process.exit(0));
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
