// `eddy` / `eddy shell`: the interactive shell on the embedded default (./.eddy) or a server;
// with -f, -e or piped input, runs the statements and prints their answers for scripts; --ui also
// serves the web console over the embedded engine (server/http/console-server.ts).

import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { runBatch, type OutputFormat } from '../shell/batch-runner.js';
import { addKafkaOptions, kafkaFromFlags, type KafkaFlags } from './kafka-options.js';
import { addRegistryOptions, registryFromFlags, type RegistryFlags } from './registry-options.js';
import { dataDirectory, milliseconds } from './option-values.js';
import { defaultHistoryFile } from '../shell/history.js';
import { openBackend, type BackendChoice } from '../shell/open-backend.js';
import { errorLines } from '../shell/error-caret.js';
import { scriptOf } from '../shell/script-file.js';
import { serveConsole, type ConsoleServer } from '../server/http/console-server.js';
import type { Eddy } from '../engine-api.js';

interface ShellOptions extends KafkaFlags, RegistryFlags {
  connect?: string;
  token?: string;
  tls?: boolean;
  tlsCa?: string;
  data?: string;
  memory?: boolean;
  file?: string;
  execute?: string;
  output: string;
  batchInterval?: number;
  /** --ui [port]: true for the default port. */
  ui?: boolean | string;
}

export const DEFAULT_UI_PORT = 8088;

function readPem(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`--tls-ca ${file}: ${(e as Error).message}`);
  }
}

function uiPort(ui: boolean | string | undefined): number | undefined {
  if (ui === undefined || ui === false) return undefined;
  if (ui === true) return DEFAULT_UI_PORT;
  const n = Number(ui);
  if (!/^\d+$/.test(ui) || n > 65535) throw new Error(`--ui takes a port number (0: any free port), not '${ui}'`);
  return n;
}

/** The web console over the shell's embedded engine, its URL (token in the fragment) on stderr. */
async function startUi(eddy: Eddy | undefined, port: number | undefined): Promise<ConsoleServer | undefined> {
  if (port === undefined) return undefined;
  if (!eddy) throw new Error('--ui serves the embedded engine; a server serves its console with --http-port');
  const ui = await serveConsole(eddy, port);
  process.stderr.write(`eddy console: ${ui.url}\n`);
  return ui;
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => (text += d));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

async function nonInteractive(opts: ShellOptions, choice: BackendChoice, port: number | undefined): Promise<number> {
  const format = opts.output as OutputFormat; // one of the choices: commander checked it
  const text = opts.execute ?? (opts.file ? readFileSync(opts.file, 'utf8') : await readStdin());
  const script = scriptOf(text, opts.execute === undefined ? opts.file : undefined);
  const { backend, eddy } = await openBackend(choice);
  let ui: ConsoleServer | undefined;
  try {
    ui = await startUi(eddy, port);
  } catch (e) {
    await backend.close();
    throw e;
  }
  const interrupted = new Promise<void>((r) => process.once('SIGINT', () => r()));
  try {
    const code = await runBatch(backend, script, {
      format,
      out: (s) => process.stdout.write(s),
      err: (s) => process.stderr.write(s),
      width: process.stdout.isTTY ? process.stdout.columns : Infinity,
      interrupted,
    });
    // What runs before the error runs (as psql does); the script then fails, pointing at the spot.
    if (code === 0 && script.unclosed) {
      process.stderr.write(`${errorLines(text, script.unclosed).join('\n')}\n`);
      return 1;
    }
    if (ui) {
      // The script has run; its queries go on, and the console shows them until the user stops it.
      process.stderr.write('the statements ran; the console stays open until Ctrl+C\n');
      await new Promise<void>((r) => {
        process.once('SIGINT', () => r());
        process.once('SIGTERM', () => r());
      });
    }
    return code;
  } finally {
    await ui?.close();
    await backend.close();
  }
}

async function interactive(choice: BackendChoice, port: number | undefined): Promise<void> {
  // ink draws only a final frame when it thinks it runs in CI (it reads CI when first imported);
  // a shell on a terminal is interactive whatever the environment says, so ink loads after this.
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
  const { runShell } = await import('../shell/run-shell.js');
  const { backend, createdDemo, eddy } = await openBackend({ ...choice, demo: true });
  const ui = await startUi(eddy, port);
  try {
    await runShell(backend, defaultHistoryFile(), createdDemo);
  } finally {
    await ui?.close();
  }
}

export function registerShellCommand(program: Command, isDefault: boolean): Command {
  const cmd = program
    .command('shell', { isDefault })
    .usage('[options]')
    .description('the interactive SQL shell (the default command); -f/-e/stdin run statements non-interactively')
    .option('--connect <host:port>', 'use an Eddy server instead of an embedded engine')
    .option('--token <token>', 'token for a server started with --token')
    .option('--tls', 'with --connect: speak TLS to a server started with --tls-cert, verifying its certificate against the system CAs (or --tls-ca)')
    .option('--tls-ca <file>', "with --tls: the PEM CA the server's certificate must chain to (implies --tls)")
    .addOption(new Option('--data <dir>', 'data directory of the embedded engine, created if missing (its parent must exist)').argParser(dataDirectory).default('.eddy'))
    .option('--memory', 'embedded engine in memory only (nothing kept)')
    .option('-f, --file <file>', 'run the statements in a file and exit')
    .option('-e, --execute <sql>', 'run these statements and exit')
    .addOption(new Option('-o, --output <format>', 'non-interactive output (json: JSON lines)').choices(['table', 'csv', 'json']).default('table'))
    .option('--ui [port]', `also serve the web console for the embedded engine on 127.0.0.1 (default port ${DEFAULT_UI_PORT}; 0: any free port), its URL with a fresh token on stderr`)
    .addOption(new Option('--batch-interval <ms>', 'micro-batch trigger interval of the embedded engine').argParser(milliseconds))
    // `eddy vresion` lands here as the default command: name it as an unknown command.
    .argument('[command]')
    .allowExcessArguments(false);
  return addRegistryOptions(addKafkaOptions(cmd)).action(async (word: string | undefined, opts: ShellOptions) => {
    if (word !== undefined) cmd.error(`error: unknown command '${word}' (eddy --help lists the commands; SQL goes in -e "…" or the shell)`);
    let tls: BackendChoice['tls'];
    try {
      if ((opts.tls || opts.tlsCa !== undefined) && !opts.connect) throw new Error('--tls and --tls-ca are for --connect host:port');
      if (opts.tlsCa !== undefined) tls = { ca: readPem(opts.tlsCa) };
      else if (opts.tls) tls = {};
    } catch (e) {
      cmd.error(`error: ${(e as Error).message}`);
    }
    const choice: BackendChoice = {
      ...(opts.connect ? { connect: opts.connect } : {}),
      ...(tls ? { tls } : {}),
      ...(opts.token !== undefined ? { token: opts.token } : {}),
      ...(opts.data ? { dataDir: opts.data } : {}),
      ...(opts.memory ? { memory: true } : {}),
      ...(opts.batchInterval !== undefined ? { batchIntervalMs: opts.batchInterval } : {}),
      ...kafkaFromFlags(opts),
      ...registryFromFlags(opts),
    };
    let port: number | undefined;
    try {
      port = uiPort(opts.ui);
      if (port !== undefined && opts.connect) throw new Error('--ui serves the embedded engine; a server serves its console with --http-port');
    } catch (e) {
      cmd.error(`error: ${(e as Error).message}`);
    }
    if (opts.file !== undefined || opts.execute !== undefined || !process.stdin.isTTY) {
      const code = await nonInteractive(opts, choice, port);
      process.exit(code);
    }
    await interactive(choice, port);
    process.exit(0);
  });
}
