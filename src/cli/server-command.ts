// `eddy server`: one engine, many TCP clients. SIGTERM/SIGINT finish the batch in flight
// (batches are synchronous, so it has committed), tell clients, and exit 0.

import type { Command } from 'commander';
import { EddyServer } from '../server/server.js';
import { addKafkaOptions, kafkaFromFlags, type KafkaFlags } from './kafka-options.js';

export function registerServerCommand(program: Command): void {
  addKafkaOptions(program.command('server'))
    .description('serve SQL and push queries over TCP (see docs/protocol.md)')
    .option('--host <host>', 'address to bind (loopback unless told otherwise)', '127.0.0.1')
    .option('--port <port>', 'port', '7878')
    .option('--data <dir>', 'data directory (omit for memory only)')
    .option('--token <token>', 'require clients to send AUTH <token> first (or set EDDY_TOKEN); needed to bind a non-loopback address')
    .option('--allow-files <dir>', "let clients' COPY FROM, RUN SCRIPT and file sources read files inside <dir> (and only there); default: none")
    .option('--allow-connect <host:port,…>', "let clients' socket sources connect to these host:port pairs (host:* for any port); default: none")
    .option('--batch-interval <ms>', 'micro-batch trigger interval', '100')
    .option('--batch-max <n>', 'maximum records per batch', '10000')
    .action(async (opts: { host: string; port: string; data?: string; token?: string; allowFiles?: string; allowConnect?: string; batchInterval: string; batchMax: string } & KafkaFlags) => {
      const token = opts.token ?? process.env.EDDY_TOKEN;
      const server = new EddyServer({
        host: opts.host,
        port: Number(opts.port),
        ...(token ? { token } : {}),
        access: {
          ...(opts.allowFiles !== undefined ? { fileRoot: opts.allowFiles } : {}),
          ...(opts.allowConnect !== undefined ? { connect: opts.allowConnect.split(',').map((h) => h.trim()).filter(Boolean) } : {}),
        },
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
