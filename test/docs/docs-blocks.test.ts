// The code blocks of docs/*.md: each says what it is on the line before its fence, so none is left
// out unseen — `<!-- synopsis -->` (syntax with `…` and `|`: its SQL statements are expanded into
// concrete ones that must parse, synopsis.ts; its `eddy` command lines' flags must be the CLI's), `<!-- output -->`
// (what something prints), `<!-- run: transcript -->` (a protocol session this test replays
// against a real server, comparing every reply), or `<!-- needs: X -->` (what one in-process
// server does not give: a server process to signal and a socket sender are replayed here too, in
// their own tests; Kafka in the Kafka project; minutes of benchmark are not run). README.md's
// blocks are readme.test.ts's.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeBlocks, ROOT, type CodeBlock } from './readme-blocks.js';
import { raw, spawnServer, start, until } from '../server/helpers.js';
import { parse } from '../../src/parser/index.js';
import { expandSynopsis } from './synopsis.js';
import { cliScript } from '../bundled-script.js';

const files = readdirSync(join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

function mark(b: CodeBlock): string | undefined {
  const lines = readFileSync(join(ROOT, b.file), 'utf8').split('\n');
  return /^<!-- (synopsis|output|run: transcript|needs: .+) -->$/.exec(lines[b.line - 2] ?? '')?.[1];
}

const blocks = files.flatMap((f) => codeBlocks(f));

type Reply = Record<string, unknown>;

/**
 * Sends a transcript's `>` lines over a raw connection, each once the replies shown before it have
 * come; a line `(kill …)` is handed to `onAction` at its place. Returns what came and what the
 * transcript shows.
 */
async function replay(port: number, code: string, onAction: (line: string) => Promise<void> = async () => {}): Promise<{ got: Reply[]; expected: Reply[] }> {
  const t = await raw(port);
  const lines = code.split('\n').filter((l) => /^[<>] /.test(l) || /^\(.*\)$/.test(l));
  const expected = lines.filter((l) => l.startsWith('< ')).map((l) => JSON.parse(l.slice(2)) as Reply);
  let waitFor = 0;
  for (const l of lines) {
    if (l.startsWith('< ')) {
      waitFor++;
      continue;
    }
    const n = waitFor;
    await until(() => t.lines.length >= n, 3_000).catch(() => {});
    if (l.startsWith('(')) await onAction(l);
    else t.send(l.slice(2));
  }
  await until(() => t.lines.length >= expected.length, 3_000).catch(() => {});
  t.socket.end();
  return { got: t.lines, expected };
}

// Replies to different requests may interleave differently; each request's own are exact.
function byId(xs: Reply[]): Record<string, unknown[]> {
  const m = new Map<string, unknown[]>();
  for (const x of xs) m.set(String(x.id ?? ''), [...(m.get(String(x.id ?? '')) ?? []), x]);
  return Object.fromEntries(m);
}

const marked = (what: string) => blocks.filter((b) => mark(b) === what);

describe('docs/*.md code blocks', () => {
  it('each says what it is', () => {
    expect(
      blocks.filter((b) => !mark(b)).map((b) => `${b.file}:${b.line}`),
      'blocks without a mark',
    ).toEqual([]);
    expect(marked('run: transcript').length).toBeGreaterThan(0);
  });

  // A synopsis is syntax, not run: each of its SQL statements, expanded into concrete ones (every
  // optional part out, every one in, each alternative in turn: synopsis.ts), must parse.
  for (const b of marked('synopsis').filter((x) => x.lang === 'sql')) {
    it(`parses every statement of the SQL synopsis at ${b.file}:${b.line}`, () => {
      const failed: string[] = [];
      let n = 0;
      for (const { synopsis, statements } of expandSynopsis(b.code)) {
        for (const sql of statements) {
          n++;
          try {
            expect(parse(sql).length).toBe(1);
          } catch (e) {
            failed.push(`${synopsis}\n  as: ${sql}\n  ${(e as Error).message.split('\n')[0]}`);
          }
        }
      }
      expect(failed).toEqual([]);
      expect(n).toBeGreaterThan(0);
    });
  }

  // A shell synopsis of an `eddy` command: every flag it shows is one that command's --help lists.
  for (const b of marked('synopsis').filter((x) => x.lang === 'sh')) {
    it(`the flags of the command synopsis at ${b.file}:${b.line} are the CLI's`, async () => {
      const command = /^eddy (\w+)/.exec(b.code)?.[1];
      expect(command, 'a synopsis of an eddy command').toBeDefined();
      const help = execFileSync(process.execPath, [await cliScript(), command!, '--help'], { encoding: 'utf8' });
      const flags = [...new Set(b.code.match(/--[a-z][a-z-]*/g) ?? [])];
      expect(flags.length).toBeGreaterThan(0);
      expect(flags.filter((f) => !new RegExp(`(^|[\\s,])${f}(?![a-z-])`, 'm').test(help))).toEqual([]);
    }, 30_000);
  }

  for (const b of marked('run: transcript')) {
    it(`replays the session of ${b.file}:${b.line} against a real server, reply for reply`, async () => {
      // The transcripts were recorded against `eddy server` with its defaults (a 100 ms trigger).
      const { port } = await start({ engine: { batch: { intervalMs: 100 } } });
      const { got, expected } = await replay(port, b.code);
      expect(byId(got)).toEqual(byId(expected));
    }, 60_000);
  }

  it('replays the SIGTERM session of docs/protocol.md against a real server process: shutdown, bye, exit 0', async () => {
    const [b] = marked('needs: a server process to signal (SIGTERM)');
    expect(b?.file).toBe('docs/protocol.md');
    // The session follows the first transcript of the same page on the same server (PER_USER and
    // its windows come from there), as the page tells it.
    const first = marked('run: transcript').find((x) => x.file === b!.file && x.line < b!.line && x.code.includes('PER_USER'));
    expect(first).toBeDefined();
    const server = await spawnServer(['--batch-interval', '100']);
    try {
      await replay(server.port, first!.code);
      let code: number | null | undefined;
      const { got, expected } = await replay(server.port, b!.code, async (action) => {
        expect(action).toBe('(kill -TERM <server pid>)');
        server.child.kill('SIGTERM');
        code = await server.exited;
      });
      expect(byId(got)).toEqual(byId(expected));
      expect(code).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
    }
  }, 90_000);

  it('replays the socket-source session of docs/protocol.md with a real sender: three rows, the bad line logged', async () => {
    const [b] = marked('needs: a socket sender (nc -l)');
    expect(b?.file).toBe('docs/protocol.md');
    // The sender `nc -l 127.0.0.1 9999` was typed at: two JSON lines, one that is not JSON (line
    // 3, as the processing log says), and a third JSON line.
    const sender = createServer((socket) => socket.write('{"ID":1,"ITEM":"apple"}\n{"ID":2,"ITEM":"pear"}\noops\n{"ID":3,"ITEM":"fig"}\n'));
    await new Promise<void>((r) => sender.listen(0, '127.0.0.1', r));
    const senderPort = (sender.address() as AddressInfo).port;
    try {
      // A server lets clients' socket sources connect only where --allow-connect says; reading from
      // the start of the stream's topic, the three rows do not depend on when the sender sent them.
      const { port } = await start({ access: { connect: [`127.0.0.1:${senderPort}`] }, engine: { batch: { intervalMs: 100 }, properties: { 'auto.offset.reset': 'earliest' } } });
      const { got, expected } = await replay(port, b!.code.replace('port=9999', `port=${senderPort}`));
      expect(byId(got)).toEqual(byId(expected));
    } finally {
      sender.close();
    }
  }, 60_000);
});
