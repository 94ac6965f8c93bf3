// `eddy server`: one engine, many TCP clients. SIGTERM/SIGINT finish the batch in flight
// (batches are synchronous, so it has committed), tell clients, and exit 0.

import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { EddyServer } from '../server/server.js';
import { addKafkaOptions, kafkaFromFlags, type KafkaFlags } from './kafka-options.js';
import { addRegistryOptions, registryFromFlags, type RegistryFlags } from './registry-options.js';
import { count, dataDirectory, milliseconds, port } from './option-values.js';

interface ServerFlags {
  readonly host: string;
  readonly port: number;
  readonly pgPort?: number;
  readonly httpPort?: number;
  readonly data?: string;
  readonly token?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsRequired?: boolean;
  readonly tlsClientCa?: string;
  readonly tlsClientVerify?: 'verify-ca' | 'verify-full';
  readonly allowFiles?: string;
  readonly allowConnect?: string;
  readonly allowFunctions?: boolean;
  readonly functionTimeMs?: string;
  readonly functionMemoryMb?: string;
  readonly queryTimeout: number;
  readonly idleTimeout: number;
  readonly maxLine: number;
  readonly maxUnread: number;
  readonly maxUnreadTotal: number;
  readonly batchInterval: number;
  readonly batchMax: number;
  readonly batchMaxMs: number;
}

export function registerServerCommand(program: Command): void {
  addRegistryOptions(addKafkaOptions(program.command('server')))
    .description('serve SQL and push queries over TCP (see docs/protocol.md)')
    .option('--host <host>', 'address to bind (loopback unless told otherwise)', '127.0.0.1')
    .addOption(new Option('--port <port>', 'port (0: any free port)').argParser(port).default(7878))
    .addOption(new Option('--pg-port <port>', "also speak PostgreSQL's wire protocol on this port, for psql and Postgres drivers (same host; the token is the password); default: off").argParser(port))
    .addOption(new Option('--http-port <port>', "also serve ksqlDB's REST API, /metrics and query progress over HTTP on this port (same host and token; default: off)").argParser(port))
    .addOption(new Option('--data <dir>', 'data directory, created if missing (its parent must exist); omit for memory only').argParser(dataDirectory))
    .option('--token <token>', 'require clients to send AUTH <token> first (or set EDDY_TOKEN); needed to bind a non-loopback address')
    .option(
      '--tls-cert <file>',
      'PEM certificate (chain): the line port speaks TLS only (eddy shell --connect … --tls), the PostgreSQL port answers an SSLRequest with it, the HTTP port speaks HTTPS only; needs --tls-key',
    )
    .option('--tls-key <file>', 'with --tls-cert: its PEM private key (unencrypted)')
    .option('--tls-required', 'with --tls-cert: refuse PostgreSQL clients that do not use TLS (sslmode=disable/allow/prefer without TLS)')
    .option('--tls-client-ca <file>', 'with --tls-cert: PostgreSQL clients must present a certificate this PEM CA signed (implies --tls-required)')
    .addOption(
      new Option('--tls-client-verify <mode>', "with --tls-client-ca: verify-ca (the CA signed it) or verify-full (and its CN is the user's name)")
        .choices(['verify-ca', 'verify-full'])
        .default('verify-ca'),
    )
    .option('--allow-files <dir>', "let clients' COPY FROM, RUN SCRIPT and file sources read files inside <dir> (and only there); default: none")
    .option('--allow-connect <host:port,…>', "let clients' socket sources connect to these host:port pairs (host:* for any port); default: none")
    .option('--allow-functions', 'let clients CREATE FUNCTION … LANGUAGE JAVASCRIPT; their bodies run in a sandbox worker with a time and memory limit; default: refused')
    .option('--function-time-ms <ms>', 'with --allow-functions: longest one call may run', '1000')
    .option('--function-memory-mb <mb>', "with --allow-functions: the sandbox's heap limit", '64')
    .addOption(new Option('--query-timeout <ms>', 'stop a pull query that runs longer, with an error (0: no limit)').argParser(milliseconds).default(30_000))
    .addOption(new Option('--idle-timeout <ms>', 'disconnect a client that sends nothing and runs no push query this long (0: never)').argParser(milliseconds).default(300_000))
    .addOption(
      new Option('--max-line <bytes>', 'longest request line (and HTTP body or inserts-stream line); a client sending a longer one, ended or not, gets an error and is disconnected')
        .argParser(count)
        .default(1024 * 1024),
    )
    .addOption(new Option('--max-unread <bytes>', 'disconnect a client that leaves more replies than this unread').argParser(count).default(8 * 1024 * 1024))
    .addOption(new Option('--max-unread-total <bytes>', 'over all clients: past this, the client holding the most unread is disconnected').argParser(count).default(256 * 1024 * 1024))
    .addOption(new Option('--batch-interval <ms>', 'micro-batch trigger interval').argParser(milliseconds).default(100))
    .addOption(new Option('--batch-max <n>', 'maximum records per batch').argParser(count).default(10_000))
    .addOption(
      new Option('--batch-max-ms <ms>', 'time budget of a micro-batch cycle: a slow query is cut there and goes on next cycle, so clients are answered meanwhile (0: none)')
        .argParser(milliseconds)
        .default(250),
    )
    .action(async (opts: ServerFlags & KafkaFlags & RegistryFlags) => {
      const token = opts.token ?? process.env.EDDY_TOKEN;
      if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) throw new Error('--tls-cert and --tls-key go together');
      if (opts.tlsRequired && opts.tlsCert === undefined) throw new Error('--tls-required needs --tls-cert and --tls-key');
      if (opts.tlsClientCa !== undefined && opts.tlsCert === undefined) throw new Error('--tls-client-ca needs --tls-cert and --tls-key');
      const pem = (flag: string, file: string): Buffer => {
        try {
          return readFileSync(file);
        } catch (e) {
          throw new Error(`${flag} ${file}: ${(e as Error).message}`);
        }
      };
      const tls =
        opts.tlsCert !== undefined && opts.tlsKey !== undefined
          ? {
              cert: pem('--tls-cert', opts.tlsCert),
              key: pem('--tls-key', opts.tlsKey),
              required: (opts.tlsRequired ?? false) || opts.tlsClientCa !== undefined,
              ...(opts.tlsClientCa !== undefined ? { clientCa: pem('--tls-client-ca', opts.tlsClientCa), clientVerify: opts.tlsClientVerify ?? 'verify-ca' } : {}),
            }
          : undefined;
      const server = new EddyServer({
        host: opts.host,
        port: opts.port,
        ...(opts.pgPort !== undefined ? { pgPort: opts.pgPort } : {}),
        ...(opts.httpPort !== undefined ? { httpPort: opts.httpPort } : {}),
        ...(token ? { token } : {}),
        ...(tls ? { tls } : {}),
        access: {
          ...(opts.allowFiles !== undefined ? { fileRoot: opts.allowFiles } : {}),
          ...(opts.allowConnect !== undefined
            ? {
                connect: opts.allowConnect
                  .split(',')
                  .map((h) => h.trim())
                  .filter(Boolean),
              }
            : {}),
          ...(opts.allowFunctions ? { functions: { timeMs: Number(opts.functionTimeMs ?? 1000), memoryMb: Number(opts.functionMemoryMb ?? 64) } } : {}),
        },
        queryTimeoutMs: opts.queryTimeout,
        limits: { idleTimeoutMs: opts.idleTimeout, maxLineBytes: opts.maxLine, maxBufferedBytes: opts.maxUnread, maxTotalBufferedBytes: opts.maxUnreadTotal },
        onDisconnect: (client, reason) => process.stderr.write(`disconnected ${client}: ${reason}\n`),
        engine: {
          ...(opts.data ? { dataDir: opts.data } : {}),
          ...kafkaFromFlags(opts),
          ...registryFromFlags(opts),
          batch: { intervalMs: opts.batchInterval, maxRecords: opts.batchMax, maxMs: opts.batchMaxMs },
        },
      });
      const addr = await server.listen();
      process.stdout.write(
        `eddy server listening on ${addr.address}:${addr.port}${tls ? ' (TLS)' : ''}${opts.data ? ` (data: ${opts.data})` : ' (in memory)'}${opts.kafka ? ` (kafka: ${opts.kafka})` : ''}${opts.schemaRegistry ? ` (schema registry: ${opts.schemaRegistry.replace(/\/\/[^@/]*@/, '//')})` : ''}\n`,
      );
      if (server.pgAddress)
        process.stdout.write(
          `postgresql protocol on ${server.pgAddress.address}:${server.pgAddress.port}${tls ? (tls.clientCa ? ' (TLS and a client certificate required)' : tls.required ? ' (TLS required)' : ' (TLS offered)') : ''}\n`,
        );
      if (server.httpAddress) process.stdout.write(`eddy ${tls ? 'https' : 'http'} listening on ${server.httpAddress.address}:${server.httpAddress.port}\n`);
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
