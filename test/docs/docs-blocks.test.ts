// The code blocks of docs/*.md: each says what it is on the line before its fence, so none is left
// out unseen — `<!-- synopsis -->` (syntax with `…` and `|`, not meant to run), `<!-- output -->`
// (what something prints), `<!-- run: transcript -->` (a protocol session this test replays
// against a real server, comparing every reply), or `<!-- needs: X -->` (what this project does
// not have cheaply: Kafka, a second process to signal, minutes of benchmark). README.md's blocks
// are readme.test.ts's.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeBlocks, ROOT, type CodeBlock } from './readme-blocks.js';
import { raw, start, until } from '../server/helpers.js';

const files = readdirSync(join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

function mark(b: CodeBlock): string | undefined {
  const lines = readFileSync(join(ROOT, b.file), 'utf8').split('\n');
  return /^<!-- (synopsis|output|run: transcript|needs: .+) -->$/.exec(lines[b.line - 2] ?? '')?.[1];
}

const blocks = files.flatMap((f) => codeBlocks(f));

describe('docs/*.md code blocks', () => {
  it('each says what it is', () => {
    expect(blocks.filter((b) => !mark(b)).map((b) => `${b.file}:${b.line}`), 'blocks without a mark').toEqual([]);
    expect(blocks.filter((b) => mark(b) === 'run: transcript').length).toBeGreaterThan(0);
  });

  for (const b of blocks.filter((x) => mark(x) === 'run: transcript')) {
    it(`replays the session of ${b.file}:${b.line} against a real server, reply for reply`, async () => {
      // The transcripts were recorded against `eddy server` with its defaults (a 100 ms trigger).
      const { port } = await start({ engine: { batch: { intervalMs: 100 } } });
      const t = await raw(port);
      const lines = b.code.split('\n').filter((l) => /^[<>] /.test(l));
      const expected = lines.filter((l) => l.startsWith('< ')).map((l) => JSON.parse(l.slice(2)) as Record<string, unknown>);
      let waitFor = 0;
      for (const l of lines) {
        if (l.startsWith('< ')) {
          waitFor++;
          continue;
        }
        // Each request goes in once the replies shown before it have come.
        const n = waitFor;
        await until(() => t.lines.length >= n, 3_000).catch(() => {});
        t.send(l.slice(2));
      }
      await until(() => t.lines.length >= expected.length, 3_000).catch(() => {});
      // Replies to different requests may interleave differently; each request's own are exact.
      const byId = (xs: Record<string, unknown>[]) => {
        const m = new Map<string, unknown[]>();
        for (const x of xs) m.set(String(x.id ?? ''), [...(m.get(String(x.id ?? '')) ?? []), x]);
        return Object.fromEntries(m);
      };
      expect(byId(t.lines)).toEqual(byId(expected));
      t.socket.end();
    }, 60_000);
  }
});
