// Where a task's result records go. During the batch, `push` (the pipeline's last call) keeps
// each one: a push query's rows up to its LIMIT, a sink's records with the sink's event time (a
// negative one goes to the processing log). At the batch's end, inside its transaction, `flush`
// encodes and stages them on the channel (the sink topic), stages them for an external sink and
// upserts a CTAS's pull-store rows; a push query's rows reach its subscriber after the commit.

import type { QueryPlan } from '../../planner/plan.js';
import type { Rec } from '../../planner/record.js';
import type { QueryChannel, StateChange } from '../log/index.js';
import type { PullStore } from '../pull-store.js';
import type { QueryMetrics } from '../query-metrics.js';
import type { RecordCodec } from '../record-codec.js';
import { sinkRow, sinkShape, type SinkDelivery, type SinkRow } from '../sinks/index.js';
import type { BatchReader } from './batch-reader.js';

export interface OutputTargets {
  /** Encodes sink records for the sink topic (none for a materialiser or a push query). */
  readonly sinkCodec: RecordCodec | undefined;
  /** WITH (sink='file'|'postgres'|…): the output is staged for that target, not the topic. */
  readonly external: SinkDelivery | undefined;
  readonly pullStore: PullStore | undefined;
  /** Scale-out with state: the changelog store the pull store's rows go to (restored with the state). */
  readonly pullChangelog?: string | undefined;
  /** A push query's subscriber: then rows are kept until they are delivered after the commit. */
  readonly subscribed: boolean;
  /** Records that can go nowhere: the sink drops them (WITH (sink='discard')) and nothing else reads them. */
  readonly dropOutput: boolean;
  /** The sink is 'discard': nothing goes to its topic. */
  readonly discard: boolean;
}

export class TaskOutput {
  /** This batch's result records, in the order they were produced. */
  readonly pending: Rec[] = [];
  /** A push query reached its LIMIT: deliver what it emitted, then end. */
  limitReached = false;
  private emitted = 0;
  /** targets.dropOutput, read once per record. */
  private readonly dropOutput: boolean;

  constructor(
    private readonly plan: QueryPlan,
    private readonly targets: OutputTargets,
    private readonly metrics: QueryMetrics,
    /** An invalid sink timestamp goes to the processing log with the record it came from. */
    private readonly logError: (reason: string, rec: Rec) => void,
    /** Called once, when a push query's LIMIT is reached: the reader takes no more records. */
    private readonly onLimit: () => void,
  ) {
    this.dropOutput = targets.dropOutput;
  }

  push(r: Rec): void {
    const sink = this.plan.sink;
    if (sink.kind === 'Push') {
      if (r.tombstone && !this.plan.output.isTable) return; // a stream record without a value
      if (sink.limit !== undefined && this.emitted >= sink.limit) return;
      this.emitted++;
      this.pending.push(r);
      if (sink.limit !== undefined && this.emitted >= sink.limit) {
        this.limitReached = true;
        this.onLimit();
      }
      return;
    }
    if (this.dropOutput) {
      this.metrics.recordsOut++; // nothing will read it: do not keep it until the batch ends
      return;
    }
    let out = r;
    if (sink.timestamp && !r.tombstone) {
      const ts = sink.timestamp.eval(r);
      out = { ...r, ts: typeof ts === 'number' ? ts : Number.NaN };
    }
    if (!(out.ts >= 0)) {
      // Kafka cannot carry a negative or missing timestamp: the record goes to the processing log.
      this.logError(`Invalid timestamp ${String(out.ts)} for the sink record: timestamps must be non-negative`, r);
      return;
    }
    this.pending.push(out);
  }

  /** Stage the batch's records on their targets (inside the batch's transaction); `changes`: the state's, staged with them (scale-out). */
  flush(channel: QueryChannel, reader: BatchReader, changes?: StateChange[]): void {
    const sink = this.plan.sink;
    if (sink.kind !== 'Source') return;
    const target = sink.target;
    const { sinkCodec, external, pullStore } = this.targets;
    const out = this.pending;
    if (changes && pullStore && this.targets.pullChangelog) pullStore.changes(out, this.targets.pullChangelog, changes);
    if (external) {
      const shape = sinkShape(target);
      const rows: SinkRow[] = [];
      for (const r of out) if (!r.tombstone || target.kind === 'TABLE') rows.push(sinkRow(shape, target, r));
      external.stage(rows);
    }
    if (sinkCodec) {
      const topic = this.targets.discard || external ? undefined : target.topic;
      channel.stage(topic ? { topic, records: out.map((r) => sinkCodec.encode(r)), partitions: out.map((r) => r.partition) } : undefined, reader.positions(), changes);
    }
    pullStore?.write(out);
    this.metrics.recordsOut += out.length;
    if (!this.targets.subscribed) out.length = 0;
  }

  /** The rows produced since the last call, for the subscriber (after the commit). */
  take(): Rec[] {
    return this.pending.splice(0);
  }
}
