// A service's shared catalog (Kafka with a --service-id), as ksqlDB's command topic: every DDL
// statement a server of the service runs is appended to the service's command topic and applied
// by every server — the writer included — in the topic's order, so all run the same queries under
// the same ids, and a server started later catches up by reading the topic from where its data
// directory got to. The local command log stays what a restart replays first; the position in
// the topic is kept beside it, in the same SQLite transaction as each applied command.
//
// Writing: `begin` fences the other servers' writers (command-writer.ts) and gives the topic's
// end; the server applies everything before it, then appends its statement, with the query
// counter and session properties it is to run under, and applies it like any other — its result,
// or its error, is the client's answer. A statement the writer cannot run fails the same way on
// every server (each logs it to the processing log) and changes nothing.

import type Database from 'better-sqlite3';
import type { CommandTopic } from './log/topic-log.js';

/** One command as the topic holds it (JSON). */
export interface SharedCommand {
  readonly sql: string;
  /** The writer's query counter: the command's query (if any) is numbered from it on every server. */
  readonly counter: number;
  /** The session properties it ran under (auto.offset.reset, default formats, …). */
  readonly properties: Readonly<Record<string, string>>;
}

/** How long a catch-up may take before the statement waiting on it fails. */
const CATCH_UP_MS = 30_000;

export class SharedCatalog {
  private readonly setting: string;
  private nextOffset: number;

  constructor(
    readonly topic: CommandTopic,
    private readonly db: Database.Database,
  ) {
    this.setting = `command.topic.next:${topic.name}`;
    this.nextOffset = Number((db.prepare('SELECT value FROM settings WHERE name = ?').pluck().get(this.setting) as string | undefined) ?? 0);
  }

  /** The offset of the next command to apply. */
  get next(): number {
    return this.nextOffset;
  }

  /** Record that every command before `offset` is applied: inside the SQLite transaction that applied the last. */
  applied(offset: number): void {
    if (offset <= this.nextOffset) return;
    this.db.prepare('INSERT INTO settings(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value').run(this.setting, String(offset));
    this.nextOffset = offset;
  }

  /** Undo `applied` in memory when the transaction that recorded it rolled back. */
  reload(): void {
    this.nextOffset = Number((this.db.prepare('SELECT value FROM settings WHERE name = ?').pluck().get(this.setting) as string | undefined) ?? 0);
  }

  /**
   * Apply the commands that have arrived (never waits), or, with `until`, every command before
   * that offset (waiting for them, at most CATCH_UP_MS, then throwing). `apply` runs each in
   * order; it records `applied` itself.
   */
  catchUp(apply: (offset: number, cmd: SharedCommand | undefined, raw: string) => void, until?: number): void {
    const deadline = Date.now() + CATCH_UP_MS;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
      const { commands, fetched } = this.topic.poll(this.nextOffset);
      for (const c of commands) {
        if (c.offset < this.nextOffset) continue;
        apply(c.offset, decode(c.value), c.value);
      }
      if (until === undefined) return;
      if (this.nextOffset >= until || (!commands.length && fetched >= until)) return;
      if (Date.now() > deadline)
        throw new Error(`The shared catalog (${this.topic.name}) could not be read to offset ${until} within ${CATCH_UP_MS} ms (at ${this.nextOffset}): is the broker reachable?`);
      if (!commands.length) Atomics.wait(pause, 0, 0, 20);
    }
  }
}

function decode(value: string): SharedCommand | undefined {
  try {
    const v = JSON.parse(value) as Partial<SharedCommand>;
    if (typeof v.sql !== 'string' || typeof v.counter !== 'number') return undefined;
    return { sql: v.sql, counter: v.counter, properties: v.properties ?? {} };
  } catch {
    return undefined;
  }
}

export function encodeCommand(c: SharedCommand): string {
  return JSON.stringify(c);
}
