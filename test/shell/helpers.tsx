// Shared pieces of the shell suites: the real App on a real engine in a temp directory, driven
// through ink-testing-library, with waiting on what the screen shows.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach } from 'vitest';
import { Eddy } from '../../src/runtime/engine.js';
import { App } from '../../src/shell/app.js';
import { EmbeddedBackend } from '../../src/shell/embedded-backend.js';
import { History } from '../../src/shell/history.js';
import type { ShellBackend } from '../../src/shell/backend.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-shell-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Strips colours so assertions read the text a person sees. */
export function plain(s: string | undefined): string {
  return (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');
}

export interface Session {
  readonly eddy: Eddy;
  readonly history: History;
  readonly historyFile: string;
  screen(): string;
  /** Every frame drawn so far (to see states that passed quickly). */
  frames(): string[];
  type(text: string): Promise<void>;
  key(seq: string): Promise<void>;
  waitFor(pred: (screen: string) => boolean, ms?: number): Promise<string>;
  unmount(): void;
}

export const KEYS = { enter: '\r', tab: '\t', up: '\x1b[A', down: '\x1b[B', ctrlC: '\x03', ctrlD: '\x04', ctrlR: '\x12', backspace: '\x7f' };

export function openSession(opts: { backend?: ShellBackend; columns?: number; historyFile?: string; maxRecords?: number } = {}): Session {
  const dir = tempDir();
  const eddy = Eddy.open({ dataDir: join(dir, 'data'), batch: { intervalMs: 10, ...(opts.maxRecords ? { maxRecords: opts.maxRecords } : {}) }, properties: { 'auto.offset.reset': 'earliest' } });
  const historyFile = opts.historyFile ?? join(dir, 'history');
  const history = new History(historyFile);
  const backend = opts.backend ?? new EmbeddedBackend(eddy, 'test');
  const app = render(<App backend={backend} history={history} welcome={['welcome to the test']} size={{ columns: opts.columns ?? 100, rows: 30 }} />);
  cleanups.push(() => {
    app.unmount();
    eddy.close();
  });
  const screen = () => plain(app.lastFrame());
  // After a write the app handles the key on stdin's next tick and React renders it from a
  // setImmediate task. A 30 ms timer alone could fire first when the process had been descheduled
  // (timers run before immediates in Node's loop), so the screen was read before the render; the
  // immediates queued after the timer run behind React's own.
  const pause = async () => {
    await sleep(30);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  return {
    eddy,
    history,
    historyFile,
    screen,
    frames: () => app.frames.map(plain),
    async type(text) {
      app.stdin.write(text);
      await pause();
    },
    async key(seq) {
      app.stdin.write(seq);
      await pause();
    },
    async waitFor(pred, ms = 10_000) {
      const end = Date.now() + ms;
      for (;;) {
        const s = screen();
        if (pred(s)) return s;
        if (Date.now() > end) throw new Error(`timed out; the screen shows:\n${s}`);
        await sleep(20);
      }
    },
    unmount: () => app.unmount(),
  };
}

export const CLICKS = "CREATE STREAM CLICKS (USER_ID STRING KEY, PAGE STRING, MS INT) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);";
