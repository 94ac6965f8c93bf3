// Statement history kept across sessions: one JSON string per line (multi-line statements stay
// whole), appended as they are entered, searched backwards for Ctrl-R.

import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const KEEP = 1000;

export function defaultHistoryFile(): string {
  return process.env['EDDY_HISTORY'] ?? join(homedir(), '.eddy_history');
}

export class History {
  readonly entries: string[] = [];

  constructor(private readonly file: string | undefined) {
    if (!file) return;
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return; // no history yet
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as unknown;
        if (typeof e === 'string') this.entries.push(e);
      } catch {
        // a damaged line: skip it, keep the rest
      }
    }
    if (this.entries.length > KEEP) {
      this.entries.splice(0, this.entries.length - KEEP);
      this.rewrite();
    }
  }

  add(entry: string): void {
    const e = entry.trim();
    if (!e || this.entries[this.entries.length - 1] === e) return;
    this.entries.push(e);
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${JSON.stringify(e)}\n`);
    } catch {
      // history is a convenience: a read-only home must not stop the shell
    }
  }

  /** The newest entry before index `before` that contains `query` (case-insensitive). */
  search(query: string, before = this.entries.length): { index: number; entry: string } | undefined {
    const q = query.toLowerCase();
    for (let i = Math.min(before, this.entries.length) - 1; i >= 0; i--) {
      if (this.entries[i]!.toLowerCase().includes(q)) return { index: i, entry: this.entries[i]! };
    }
    return undefined;
  }

  private rewrite(): void {
    if (!this.file) return;
    try {
      writeFileSync(this.file, this.entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    } catch {
      // as above
    }
  }
}
