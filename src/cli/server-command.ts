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
    .option('--token <token>', 'require clients to send AUTH <token> first')
    .option('--batch-interval <ms>', 'micro-batch trigger interval', '100')
    .option('--batch-max <n>', 'maximum records per batch', '10000')
    .action(async (opts: { host: string; port: string; data?: string; token?: string; batchInterval: string; batchMax: string } & KafkaFlags) => {
      const server = new EddyServer({
        host: opts.host,
        port: Number(opts.port),
        ...(opts.token ? { token: opts.token } : {}),
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
