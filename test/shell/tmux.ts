// A real terminal for the shell suites: the built `eddy` binary in a tmux session, typed at as a
// person would, its screen read back. Needs tmux: the suites skip loudly without it (a failure
// under CI=true).

import { execFileSync, spawnSync } from 'node:child_process';
import { sleep } from './helpers.js';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

if (!hasTmux) {
  const say = '\n\n!!!!!!!!!! tmux is not installed: the terminal test of the shell is SKIPPED (apt-get install -y tmux) !!!!!!!!!!\n\n';
  if (process.env['CI'] === 'true') throw new Error(`${say}Under CI=true this is a failure.`);
  console.warn(say);
}

export class Terminal {
  private readonly socket: string;

  constructor(name: string) {
    this.socket = `eddy-${name}-${process.pid}`;
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Starts `command` in a terminal of the given size. */
  start(command: string, columns = 120, rows = 40): void {
    this.tmux('new-session', '-d', '-s', 'eddy', '-x', String(columns), '-y', String(rows), command);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'eddy');
  }

  /** Types one line; tmux would read a trailing `;` as its own command separator, hence `\;`. */
  typeLine(text: string): void {
    this.typeRaw(text);
    this.keys('Enter');
  }

  typeRaw(text: string): void {
    this.tmux('send-keys', '-t', 'eddy', '-l', text.endsWith(';') ? `${text.slice(0, -1)}\\;` : text);
  }

  keys(...names: string[]): void {
    this.tmux('send-keys', '-t', 'eddy', ...names);
  }

  async waitFor(pred: (s: string) => boolean, what: string, ms = 60_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      if (pred(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the terminal shows:\n${s}`);
      await sleep(100);
    }
  }

  running(): boolean {
    return spawnSync('tmux', ['-L', this.socket, 'has-session', '-t', 'eddy']).status === 0;
  }

  async waitForExit(what: string, ms = 15_000): Promise<void> {
    const end = Date.now() + ms;
    while (this.running()) {
      if (Date.now() > end) throw new Error(`${what} did not leave the shell; the terminal shows:\n${this.screen()}`);
      await sleep(100);
    }
  }

  stop(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}
