// Reading one micro-batch's input: what had arrived on the task's source partitions when the
// batch started, polled through its QueryChannel in chunks, decoded, and pushed into the
// pipeline one record at a time in event-time order across partitions. The hot path of every
// query: one loop, one record shape, one entry call per record.

import type { Rec } from '../../planner/record.js';
import type { PartitionPosition, QueryChannel, TopicLog } from '../log/index.js';
import type { ProcessingLog } from '../processing-log.js';
import type { QueryMetrics } from '../query-metrics.js';
import { setBuffer, type PartitionInput } from './partition-input.js';

/** Records per read of the embedded log within a batch (see consume). */
const READ_CHUNK = 1024;
/** Records between two looks at the clock when a batch has a time budget. */
const BUDGET_CHECK = 16;

export interface ReaderDeps {
  readonly log: TopicLog;
  readonly processingLog: ProcessingLog;
  /** The topic's connector has read its input only in part (a file being caught up on): more is on its way. */
  readonly backlog?: (topic: string) => boolean;
}

export class BatchReader {
  /** Stop taking records (the task was stopped, or a push query reached its LIMIT). */
  halted = false;
  /** The record in hand, for the processing log's entry of an evaluation error. */
  currentRec: Rec | undefined;
  currentInput: PartitionInput | undefined;
  /** ROWTIME of the last record the last batch read (the latency figure: query-metrics.ts). */
  lastRowtime: number | undefined;
  /** Records the merge skipped as undecodable (counted towards the batch). */
  private skipped = 0;
  /** Scale-out with state: a task was gained since the state was last restored; restore before taking any record. */
  private restorePending = false;

  constructor(
    private readonly queryId: string,
    readonly inputs: readonly PartitionInput[],
    private readonly channel: QueryChannel,
    private readonly deps: ReaderDeps,
    private readonly metrics: QueryMetrics,
    /**
     * Scale-out with state: make the local state that of the tasks now owned (true), or false when
     * the changelogs cannot be read now (the batch then takes nothing). A gained task no server
     * committed yet is read from its `start`: its state is restored empty.
     */
    private readonly restore?: () => boolean,
  ) {}

  /** Records waiting on the source partitions (for lag metrics and idleness). */
  lag(): number {
    const { log } = this.deps;
    let n = 0;
    for (const i of this.inputs) if (i.owned && log.hasTopic(i.topic)) n += Math.max(0, log.endOffset(i.topic, i.partition) - i.next);
    return n;
  }

  /** Records waiting on one source topic's partitions. */
  lagOf(topic: string): number {
    const { log } = this.deps;
    let n = 0;
    for (const i of this.inputs) if (i.topic === topic && i.owned && log.hasTopic(topic)) n += Math.max(0, log.endOffset(topic, i.partition) - i.next);
    return n;
  }

  /** Source offsets after this batch, of the partitions this instance owns. */
  positions(): PartitionPosition[] {
    return this.inputs.filter((i) => i.owned).map((i) => ({ topic: i.topic, partition: i.partition, next: i.next }));
  }

  /** Push up to `maxRecords` records into the pipeline, stopping once `deadline` passes; returns how many were consumed. */
  consume(maxRecords: number, deadline: number): number {
    let consumed = 0;
    this.lastRowtime = undefined;
    // The clock is read every BUDGET_CHECK records (reading it per record costs more than a cheap filter).
    let untilCheck = BUDGET_CHECK;
    const late = deadline !== Infinity ? () => --untilCheck <= 0 && ((untilCheck = BUDGET_CHECK), performance.now() >= deadline) : () => false;
    const repeatable = this.channel.repeatable;
    // Records read ahead by an earlier batch would make this batch depend on read history.
    if (repeatable) for (const i of this.inputs) setBuffer(i, []);
    // A batch is what had arrived when it started (as Spark fixes a micro-batch's end offsets at
    // the trigger): records arriving while it runs wait for the next one, so a slow batch does
    // not grow itself. Measured on q3 at half rate: batches that read on doubled and took 160 ms.
    const { log } = this.deps;
    for (const i of this.inputs) i.until = repeatable && log.hasTopic(i.topic) ? log.endOffset(i.topic, i.partition) : Infinity;
    // Read the embedded log in chunks: a whole 10k-record batch read at once stays alive until the
    // batch ends, and every young-generation GC meanwhile copies it (such batches ran at a quarter
    // of the speed of 1k-record ones). The batch is the same: a chunk is refilled before the merge
    // below looks past it. Kafka's channel hands over what it prefetched, so it is read whole.
    const chunk = repeatable ? Math.min(maxRecords, READ_CHUNK) : maxRecords;
    this.fill(chunk);
    if (this.restorePending) {
      if (!this.restore!()) return 0;
      this.restorePending = false;
    }
    let refill = false;
    const single = this.inputs.length === 1 ? this.inputs[0] : undefined;
    if (single) this.currentInput = single;
    while (consumed < maxRecords && !this.halted && !late()) {
      if (refill) {
        this.fill(Math.min(chunk, maxRecords - consumed));
        refill = false;
      }
      let best: PartitionInput | undefined;
      if (single) best = single.pos < (single.recs ?? single.buffer).length ? single : undefined;
      else {
        let bestTs = 0;
        let held = false;
        let starved = false;
        for (const i of this.inputs) {
          // By event time (the TIMESTAMP column, if declared), as Kafka Streams picks its next
          // record by the extracted timestamp: the log record's own time may be the ingest's clock.
          const ts = i.recs ? i.recs[i.pos]?.ts : this.headOf(i)?.ts;
          if (ts === undefined) {
            // Read to its end while its connector still has input to append: records of any other
            // input now could be ahead of it in event time (Kafka Streams waits likewise on a
            // partition it knows to have unfetched records, KIP-695).
            if (i.more && repeatable) starved = true;
            else if (i.owned && this.deps.backlog?.(i.topic)) held = true;
            continue;
          }
          // On a timestamp tie a table's change goes first: a stream record joins the table as of its
          // own time, inclusive (as temporal joins define it), not by which topic was listed first.
          if (!best || ts < bestTs || (ts === bestTs && i.isTable && !best.isTable)) {
            best = i;
            bestTs = ts;
          }
        }
        consumed += this.skipped;
        this.skipped = 0;
        if (starved) {
          refill = true; // its undecodable records were skipped to the chunk's end: read on first
          continue;
        }
        if (held) break;
      }
      if (!best) break;
      if (!single) this.currentInput = best;
      const recs = best.recs;
      if (recs) {
        // Decoded records (a generated topic): nothing to parse, and the partition's whole read
        // is taken in one run unless another input's record comes first by time.
        const entry = best.entry;
        const stop = single ? Math.min(recs.length, best.pos + maxRecords - consumed) : best.pos + 1;
        while (best.pos < stop && !this.halted && !late()) {
          const rec = recs[best.pos++]!;
          best.next = rec.offset + 1;
          consumed++;
          this.currentRec = rec;
          entry(rec);
        }
        if (best.pos === recs.length && best.more) refill = repeatable;
        continue;
      }
      const head = best.head;
      const raw = best.buffer[best.pos++]!;
      if (best.pos === best.buffer.length && best.more) refill = repeatable;
      best.next = raw.offset + 1;
      consumed++;
      if (head) {
        best.head = undefined;
        this.currentRec = head;
        best.entry(head);
        continue;
      }
      const d = best.codec.decode(raw);
      if (d.error) {
        this.deps.processingLog.write({ queryId: this.queryId, topic: raw.topic, partition: raw.partition, offset: raw.offset, reason: d.error });
        this.metrics.errors++;
        continue;
      }
      if (!d.rec) continue;
      this.currentRec = d.rec;
      best.entry(d.rec);
    }
    if (this.currentRec) this.lastRowtime = this.currentRec.ts;
    this.currentRec = undefined;
    this.currentInput = undefined;
    return consumed;
  }

  /** The next decodable record of a partition's buffer (kept as its head); undecodable ones are logged and skipped. */
  private headOf(i: PartitionInput): Rec | undefined {
    while (!i.head && i.pos < i.buffer.length) {
      const raw = i.buffer[i.pos]!;
      const d = i.codec.decode(raw);
      if (d.rec) {
        i.head = d.rec;
        break;
      }
      if (d.error) {
        this.deps.processingLog.write({ queryId: this.queryId, topic: raw.topic, partition: raw.partition, offset: raw.offset, reason: d.error });
        this.metrics.errors++;
      }
      i.pos++;
      i.next = raw.offset + 1;
      this.skipped++;
    }
    return i.head;
  }

  /** Refill empty partition buffers from the log; follow partitions moving between instances. */
  private fill(maxRecords: number): void {
    const { log } = this.deps;
    const inputs = this.inputs.filter((i) => log.hasTopic(i.topic));
    const peek = inputs.map((i) => i.pos < (i.recs ?? i.buffer).length);
    const polled = this.channel.poll(
      inputs.map((i) => ({ topic: i.topic, partition: i.partition, next: i.next })),
      maxRecords,
      peek,
    );
    inputs.forEach((i, n) => {
      const p = polled[n]!;
      if (!p.owned) {
        // Lost (scale-out with state): its state and pull rows go too, at the restore, which keeps only the owned tasks'.
        if (i.owned && this.restore) this.restorePending = true;
        i.owned = false;
        setBuffer(i, []); // another instance has it now: records not yet consumed are theirs
        return;
      }
      if (p.gained) {
        // (Re)gained: records buffered before were read for an ownership that has ended.
        if (peek[n]) setBuffer(i, []);
        i.owned = false;
        if (this.restore) this.restorePending = true;
      }
      if (peek[n] && i.owned) return;
      if (!i.owned) {
        i.owned = true;
        // Gained from the group: resume where the channel says (its staged output, or the group's offsets).
        // With state, a task no server committed yet starts from the beginning: its state is restored empty.
        const resume = p.groupNext ?? (this.restore ? i.start : i.next);
        if (resume !== i.next || peek[n]) {
          i.next = resume;
          return; // records were read from the old position; the next poll reads from the new one
        }
      }
      const got = p.decoded ?? p.records;
      let keep = got.length;
      while (keep > 0 && got[keep - 1]!.offset >= i.until) keep--;
      if (keep < got.length) {
        setBuffer(i, p.decoded ? [] : p.records.slice(0, keep), p.decoded?.slice(0, keep));
        i.more = false;
      } else {
        setBuffer(i, p.records, p.decoded);
        i.more = got.length >= maxRecords;
      }
    });
  }
}
