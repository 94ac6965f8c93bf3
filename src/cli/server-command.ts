// `eddy server`: one engine, many TCP clients. SIGTERM/SIGINT finish the batch in flight
// (batches are synchronous, so it has committed), tell clients, and exit 0.

import { Option, type Command } from 'commander';
import { EddyServer } from '../server/server.js';
import { addKafkaOptions, kafkaFromFlags, type KafkaFlags } from './kafka-options.js';
import { count, dataDirectory, milliseconds, port } from './option-values.js';

export function registerServerCommand(program: Command): void {
  addKafkaOptions(program.command('server'))
    .description('serve SQL and push queries over TCP (see docs/protocol.md)')
    .option('--host <host>', 'address to bind (loopback unless told otherwise)', '127.0.0.1')
    .addOption(new Option('--port <port>', 'port (0: any free port)').argParser(port).default(7878))
    .addOption(new Option('--data <dir>', 'data directory, created if missing (its parent must exist); omit for memory only').argParser(dataDirectory))
    .option('--token <token>', 'require clients to send AUTH <token> first')
    .addOption(new Option('--batch-interval <ms>', 'micro-batch trigger interval').argParser(milliseconds).default(100))
    .addOption(new Option('--batch-max <n>', 'maximum records per batch').argParser(count).default(10_000))
    .action(async (opts: { host: string; port: number; data?: string; token?: string; batchInterval: number; batchMax: number } & KafkaFlags) => {
      const server = new EddyServer({
        host: opts.host,
        port: opts.port,
        ...(opts.token ? { token: opts.token } : {}),
        onDisconnect: (client, reason) => process.stderr.write(`disconnected ${client}: ${reason}\n`),
        engine: { ...(opts.data ? { dataDir: opts.data } : {}), ...kafkaFromFlags(opts), batch: { intervalMs: opts.batchInterval, maxRecords: opts.batchMax } },
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
