// PRINT as ksqlDB runs it: a push that follows a topic until its LIMIT or until its reader
// cancels. Without FROM BEGINNING it starts at the topic's end (records that arrive after it
// starts); INTERVAL n shows the first record and then every n-th. Each micro-batch cycle reads
// what arrived since the last; the guessed key and value formats ride along as the push's title,
// re-said when the records seen narrow them (as ksqlDB prints "Key format: …" when they change).

import type { TopicInfo, TopicLog } from './log/topic-log.js';
import { PushQuery, type ColumnHeader } from './push-query.js';
import { FormatGuess } from './statements/print-format.js';

export const PRINT_COLUMNS: readonly ColumnHeader[] = [
  { name: 'rowtime', type: 'STRING' },
  { name: 'partition', type: 'INTEGER' },
  { name: 'offset', type: 'BIGINT' },
  // Keys and values are texts or numbers, whichever format fits: typed ANY so neither is forced.
  { name: 'key', type: 'ANY' },
  { name: 'value', type: 'ANY' },
];

export interface PrintOptions {
  readonly fromBeginning: boolean;
  readonly interval?: number;
  readonly limit?: number;
}

export class PrintTail {
  readonly query: PushQuery;
  private readonly next: number[];
  private readonly keys = new FormatGuess();
  private readonly values = new FormatGuess();
  private polled = 0;
  private written = 0;

  constructor(
    id: string,
    private readonly log: TopicLog,
    private readonly topic: TopicInfo,
    private readonly opts: PrintOptions,
    onClose: () => void,
  ) {
    this.next = Array.from({ length: topic.partitions }, (_, p) => (opts.fromBeginning ? 0 : log.endOffset(topic.name, p)));
    this.query = new PushQuery(id, PRINT_COLUMNS, onClose);
    if (opts.limit === 0) this.query.close();
  }

  /** Reads up to `max` records that arrived since the last cycle; returns how many were read. */
  step(max: number): number {
    if (this.query.isClosed) return 0;
    let n = 0;
    const interval = this.opts.interval ?? 1;
    for (let p = 0; p < this.next.length && n < max; p++) {
      const records = this.log.read(this.topic.name, p, this.next[p]!, max - n);
      for (const r of records) {
        this.next[p] = r.offset + 1;
        n++;
        if (this.polled++ % interval !== 0) continue;
        const key = this.keys.show(r.key);
        const value = this.values.show(r.value);
        this.query.title = `Key format: ${this.keys.describe()} · Value format: ${this.values.describe()}`;
        this.query.deliver({ values: [new Date(r.timestamp).toISOString(), p, r.offset, key, value], ts: r.timestamp });
        if (this.opts.limit !== undefined && ++this.written >= this.opts.limit) {
          this.query.close();
          return n;
        }
      }
    }
    return n;
  }
}
