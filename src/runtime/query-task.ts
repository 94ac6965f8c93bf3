// One running query. Each `step` is one micro-batch: read what arrived on the source partitions
// (up to the batch size, oldest timestamp first across partitions), decode it, push it through
// the operators, and commit the output, the operators' state and the new source offsets in one
// SQLite transaction. Subscribers of push queries see rows only after that commit.

import type { SchemaRegistry } from './registry/schema-registry.js';
import type Database from 'better-sqlite3';
import type { SourceDef } from '../planner/catalog.js';
import { sourcesOf, type QueryPlan, type SourceNode } from '../planner/plan.js';
import type { Rec } from '../planner/record.js';
import { buildPipeline } from './build-pipeline.js';
import type { LogRecord, PartitionPosition, QueryChannel, StateChange, StateChangelog, TopicLog } from './log/index.js';
import type { BuiltPipeline, OperatorEnv, OperatorInfo } from './operators/operator.js';
import type { ProcessingLog } from './processing-log.js';
import { QueryMetrics } from './query-metrics.js';
import { recordCodec, type RecordCodec } from './record-codec.js';
import { PullStore } from './pull-store.js';
import { openSinkWriter, SinkDelivery, sinkRow, sinkShape, type SinkRow } from './sinks/index.js';
import { PERSISTENT_STATE_HOME, StateBacking, StateStore, type StoreChangelog } from './state/state-store.js';
import { foldRestored } from './state/restore.js';
import { staticBatchJoin } from './static-table.js';

export interface TaskDeps {
  readonly db: Database.Database;
  readonly log: TopicLog;
  readonly processingLog: ProcessingLog;
  /** The topic's connector has read its input only in part (a file being caught up on): more is on its way. */
  readonly backlog?: (topic: string) => boolean;
  /** An asynchronous sink delivery finished: run the next cycle now rather than at the next tick. */
  readonly wake?: () => void;
  /** Schemas of the registry formats (AVRO, PROTOBUF, JSON_SR). */
  readonly registry?: SchemaRegistry;
}

export interface TaskOptions {
  /** Persisted offsets and state (persistent queries), or memory only (push and pull queries). */
  readonly persistent: boolean;
  readonly startAt: 'earliest' | 'latest';
  /** Receives every output record of a push query, after its batch committed. */
  readonly onRow?: (r: Rec) => void;
  /** Materialise into this table's pull-query store (CTAS sinks and source tables). */
  readonly materialize?: SourceDef;
  /** Write output records to the sink's topic (false for a source table's materialiser). */
  readonly writeSink?: boolean;
}

interface PartitionInput {
  readonly node: SourceNode;
  readonly topic: string;
  readonly partition: number;
  readonly codec: RecordCodec;
  readonly isTable: boolean;
  next: number;
  /** Where the query started reading (scale-out with state: where a task no server committed yet begins). */
  readonly start: number;
  /** Records read and not yet consumed: buffer[pos…] (an index, not shift(): shift is O(n) on big arrays). */
  buffer: LogRecord[];
  /** Instead of `buffer`, records that came decoded (a generated topic): recs[pos…]. */
  recs: Rec[] | undefined;
  pos: number;
  /** buffer[pos] decoded, when a merge of several inputs has looked at its event time. */
  head: Rec | undefined;
  /** The last read filled its request: the partition may hold more right now. */
  more: boolean;
  /** This batch reads offsets below this: the partition's end when the batch started. */
  until: number;
  /** The pipeline's entry for this source (a new one when the pipeline is rebuilt after a restore). */
  entry: (r: Rec) => void;
  /** This instance reads the partition (always, unless a consumer group gave it to another). */
  owned: boolean;
}

/** Records per read of the embedded log within a batch (see consume). */
const READ_CHUNK = 1024;
/** Records between two looks at the clock when a batch has a time budget. */
const BUDGET_CHECK = 16;

export class QueryTask {
  readonly metrics = new QueryMetrics();
  private readonly inputs: PartitionInput[] = [];
  private readonly channel: QueryChannel;
  private pipeline: BuiltPipeline;
  private readonly env: OperatorEnv;
  private readonly backing: StateBacking | undefined;
  /** Kafka scale-out with state: the stores' changes go to their tasks' changelogs, and a gained task's state is restored from them. */
  private readonly stateLog: StateChangelog | undefined;
  /** Tasks were gained since the state was last restored: restore before processing anything. */
  private restorePending = false;
  /** Store → key → task, as the last restore found them (the rebuilt stores take them over). */
  private taskSeed = new Map<string, Map<string, number>>();
  private readonly stores: StateStore<unknown>[] = [];
  private readonly pendingOut: Rec[] = [];
  private readonly sinkCodec: RecordCodec | undefined;
  /** The sink drops its records (WITH (sink='discard')): nothing to encode or append. */
  private readonly discard: boolean;
  /** …and nothing else takes them either (no pull store, no subscriber): counted on arrival, not kept. */
  private readonly dropOutput: boolean;
  /** WITH (sink='file'|'postgres'|…): the output is staged for that target, not the topic. */
  private readonly external: SinkDelivery | undefined;
  private readonly saveOffset: Database.Statement | undefined;
  private readonly pullStore: PullStore | undefined;
  private currentRec: Rec | undefined;
  /** ROWTIME of the last record the current batch read (the latency figure: query-metrics.ts). */
  private lastRowtime: number | undefined;
  private currentInput: PartitionInput | undefined;
  private emitted = 0;
  /** Records the merge skipped as undecodable (counted towards the batch). */
  private skipped = 0;
  /** Stopped from outside (TERMINATE, cancel): deliver nothing more. */
  private stopped = false;
  /** A push query reached its LIMIT: deliver what it emitted, then end. */
  private limitReached = false;

  /** The operators this task built, as EXPLAIN prints them. */
  get operators(): OperatorInfo {
    return this.pipeline.tree;
  }

  constructor(
    readonly plan: QueryPlan,
    private readonly deps: TaskDeps,
    private readonly opts: TaskOptions,
  ) {
    const { db } = deps;
    const backing = opts.persistent ? new StateBacking(db, plan.id) : undefined;
    this.backing = backing;
    this.pullStore = opts.materialize ? new PullStore(db, opts.materialize, plan.id) : undefined;
    // Persistent queries that write a sink share their work with other instances (Kafka consumer group).
    const shared = opts.persistent && opts.writeSink !== false && plan.sink.kind === 'Source';
    // Scale-out (Kafka with a --service-id): local state is a copy of the changelogs, rebuilt whenever a task is gained.
    const scaleOutState = shared && backing !== undefined && deps.log.scaleOut === true;
    if (scaleOutState) backing.clear();
    const storeLog = (name: string): StoreChangelog | undefined => {
      if (!scaleOutState) return undefined;
      let tasks = this.taskSeed.get(name);
      if (!tasks) this.taskSeed.set(name, (tasks = new Map()));
      return { current: () => this.currentInput?.partition, tasks };
    };
    this.env = {
      store: <V,>(name: string, enc: (v: V) => unknown, dec: (j: unknown) => V) => {
        const s = new StateStore<V>(backing, name, enc, dec, false, storeLog(name));
        this.stores.push(s as StateStore<unknown>);
        return s;
      },
      textStore: (name) => {
        const s = StateStore.text(backing, name, storeLog(name));
        this.stores.push(s as StateStore<unknown>);
        return s;
      },
      logError: (reason, rec) => this.logError(reason, rec),
      countLate: () => this.metrics.lateDropped++,
      staticJoin: (source, stream) => staticBatchJoin(db, source, stream),
      // Scale-out keeps windowed state in its own store, whose changes go to the changelog.
      ...(backing && this.pullStore && !scaleOutState ? { windowRows: this.pullStore } : {}),
      stateHome: backing ? PERSISTENT_STATE_HOME : 'memory',
    };
    this.pipeline = buildPipeline(plan.root, (r) => this.output(r), this.env, { sink: plan.sink });
    const sink = plan.sink;
    this.sinkCodec = sink.kind === 'Source' && opts.writeSink !== false ? recordCodec(sink.target, deps.registry) : undefined;
    this.discard = sink.kind === 'Source' && sink.target.discard === true;
    this.dropOutput = this.discard && !opts.materialize && !opts.onRow;
    const ext = sink.kind === 'Source' && opts.persistent && opts.writeSink !== false ? sink.target.sink : undefined;
    if (ext && sink.kind === 'Source') {
      const writer = openSinkWriter(ext, sinkShape(sink.target), plan.id);
      const report = (reason: string) => {
        this.metrics.errors++;
        deps.processingLog.write({ queryId: plan.id, topic: null, partition: null, offset: null, reason });
      };
      this.external = new SinkDelivery({ db, owner: plan.id, writer, report, ...(deps.wake ? { wake: deps.wake } : {}) });
    }
    this.saveOffset = opts.persistent
      ? db.prepare('INSERT INTO offsets(owner, topic, partition, next_offset) VALUES (?, ?, ?, ?) ON CONFLICT(owner, topic, partition) DO UPDATE SET next_offset = excluded.next_offset')
      : undefined;

    const savedOf = (owner: string): Map<string, number> => {
      const saved = new Map<string, number>();
      if (!opts.persistent) return saved;
      for (const r of db.prepare('SELECT topic, partition, next_offset FROM offsets WHERE owner = ?').all(owner) as { topic: string; partition: number; next_offset: number }[]) {
        saved.set(`${r.topic}:${r.partition}`, r.next_offset);
      }
      return saved;
    };
    const saved = savedOf(plan.id);
    // Scale-out with state: where the query first started, kept apart from the offsets it reached.
    const startOwner = `${plan.id}#start`;
    const starts = scaleOutState ? savedOf(startOwner) : saved;
    let tasks = 0;
    for (const node of sourcesOf(plan.root)) {
      const topic = node.source.topic;
      if (!topic) continue; // static tables are looked up, not read
      const info = deps.log.describeTopic(topic);
      const partitions = info?.partitions ?? node.source.partitions;
      tasks = Math.max(tasks, partitions);
      const codec = recordCodec(node.source, deps.registry);
      for (let p = 0; p < partitions; p++) {
        const key = `${topic}:${p}`;
        const savedNext = saved.get(key);
        const first = starts.get(key) ?? savedNext ?? (opts.startAt === 'earliest' || !info ? 0 : deps.log.endOffset(topic, p));
        if (scaleOutState && !starts.has(key)) this.saveOffset?.run(startOwner, topic, p, first);
        const next = savedNext ?? first;
        if (savedNext === undefined) this.saveOffset?.run(plan.id, topic, p, next);
        this.inputs.push({ node, topic, partition: p, codec, isTable: node.schema.isTable, next, start: first, buffer: [], recs: undefined, pos: 0, head: undefined, more: false, until: Infinity, entry: this.pipeline.entries.get(node.alias)!, owned: false });
      }
    }
    this.channel = deps.log.openChannel(plan.id, { topics: [...new Set(this.inputs.map((i) => i.topic))], shared });
    const changelog = this.channel.changelog;
    if (scaleOutState && this.stores.length && changelog) {
      try {
        changelog.open(this.stores.map((s) => s.storeName), tasks);
      } catch (e) {
        this.channel.close();
        throw e;
      }
      this.stateLog = changelog;
    }
  }

  get id(): string {
    return this.plan.id;
  }

  get isDone(): boolean {
    return this.stopped || this.limitReached;
  }

  /** Rows held in this query's state stores (for the state-rows metric). */
  get stateRows(): number {
    let n = 0;
    for (const s of this.stores) n += s.size;
    return n;
  }

  /** Records waiting on the source partitions (for lag metrics and idleness). */
  lag(): number {
    let n = 0;
    for (const i of this.inputs) if (i.owned && this.deps.log.hasTopic(i.topic)) n += Math.max(0, this.deps.log.endOffset(i.topic, i.partition) - i.next);
    return n;
  }

  /** Records waiting on one source topic's partitions. */
  lagOf(topic: string): number {
    let n = 0;
    for (const i of this.inputs) if (i.topic === topic && i.owned && this.deps.log.hasTopic(topic)) n += Math.max(0, this.deps.log.endOffset(topic, i.partition) - i.next);
    return n;
  }

  stop(): void {
    this.stopped = true;
    this.channel.close();
    this.external?.close();
  }

  /** The external sink this query writes (WITH (sink='file'|'postgres'|…)), if any. */
  get sink(): SinkDelivery | undefined {
    return this.external;
  }

  /**
   * Run one micro-batch of at most maxRecords input records, cut short once `performance.now()`
   * passes `deadline` (the records not reached wait for the next batch; the offsets committed are
   * those consumed); returns how many were consumed.
   */
  step(maxRecords: number, deadline = Infinity): number {
    if (this.isDone) return 0;
    // Output of earlier batches still on its way to the sink (Kafka unreachable): wait for it.
    if (!this.channel.deliver()) return 0;
    // Likewise an external sink: it may lag by a few batches, then the query waits for it.
    this.external?.deliver();
    if (this.external && !this.external.accepting) return 0;
    const started = performance.now();
    let consumed = 0;
    const run = () => {
      consumed = this.consume(maxRecords, deadline);
      if (consumed === 0) return;
      for (const f of this.pipeline.endBatch) f();
      if (this.stateLog) {
        // The state's changes go with the output, in the same Kafka transaction per task.
        const changes: StateChange[] = [];
        for (const s of this.stores) s.flush(changes);
        this.flushOutput(changes);
      } else {
        this.flushOutput();
        for (const s of this.stores) s.flush();
      }
      for (const i of this.inputs) this.saveOffset?.run(this.plan.id, i.topic, i.partition, i.next);
    };
    if (this.opts.persistent) this.deps.db.transaction(run)();
    else run();
    if (consumed > 0) this.channel.deliver();
    if (consumed > 0) this.external?.deliver();
    if (consumed > 0) {
      const delivered = this.pendingOut.splice(0);
      if (this.opts.onRow) for (const r of delivered) if (!this.stopped) this.opts.onRow(r);
      this.metrics.recordBatch(consumed, performance.now() - started, this.lag(), this.lastRowtime);
    }
    return consumed;
  }

  private consume(maxRecords: number, deadline: number): number {
    let consumed = 0;
    this.lastRowtime = undefined;
    // The clock is read every BUDGET_CHECK records (reading it per record costs more than a cheap filter).
    let untilCheck = BUDGET_CHECK;
    const late = deadline !== Infinity ? () => --untilCheck <= 0 && ((untilCheck = BUDGET_CHECK), performance.now() >= deadline) : () => false;
    const repeatable = this.channel.repeatable;
    // Records read ahead by an earlier batch would make this batch depend on read history.
    if (repeatable) for (const i of this.inputs) this.setBuffer(i, []);
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
    if (this.restorePending && !this.restoreState()) return 0;
    let refill = false;
    const single = this.inputs.length === 1 ? this.inputs[0] : undefined;
    if (single) this.currentInput = single;
    while (consumed < maxRecords && !this.isDone && !late()) {
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
        while (best.pos < stop && !this.isDone && !late()) {
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
        this.deps.processingLog.write({ queryId: this.plan.id, topic: raw.topic, partition: raw.partition, offset: raw.offset, reason: d.error });
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
        this.deps.processingLog.write({ queryId: this.plan.id, topic: raw.topic, partition: raw.partition, offset: raw.offset, reason: d.error });
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
    const polled = this.channel.poll(inputs.map((i) => ({ topic: i.topic, partition: i.partition, next: i.next })), maxRecords, peek);
    inputs.forEach((i, n) => {
      const p = polled[n]!;
      if (!p.owned) {
        i.owned = false;
        this.setBuffer(i, []); // another instance has it now: records not yet consumed are theirs
        return;
      }
      if (p.gained) {
        // (Re)gained: records buffered before were read for an ownership that has ended.
        if (peek[n]) this.setBuffer(i, []);
        i.owned = false;
        if (this.stateLog) this.restorePending = true;
      }
      if (peek[n] && i.owned) return;
      if (!i.owned) {
        i.owned = true;
        // Gained from the group: resume where the channel says (its staged output, or the group's offsets).
        // With state, a task no server committed yet starts from the beginning: its state is restored empty.
        const resume = p.groupNext ?? (this.stateLog ? i.start : i.next);
        if (resume !== i.next || peek[n]) {
          i.next = resume;
          return; // records were read from the old position; the next poll reads from the new one
        }
      }
      const got = p.decoded ?? p.records;
      let keep = got.length;
      while (keep > 0 && got[keep - 1]!.offset >= i.until) keep--;
      if (keep < got.length) {
        this.setBuffer(i, p.decoded ? [] : p.records.slice(0, keep), p.decoded?.slice(0, keep));
        i.more = false;
      } else {
        this.setBuffer(i, p.records, p.decoded);
        i.more = got.length >= maxRecords;
      }
    });
  }

  private setBuffer(i: PartitionInput, records: LogRecord[], decoded?: Rec[]): void {
    i.buffer = records;
    i.recs = decoded;
    i.pos = 0;
    i.head = undefined;
  }

  /**
   * Scale-out: make the local state the changelogs' of the tasks this server now owns, and rebuild
   * the operators over it. Runs before the batch reads anything: the output of earlier batches is
   * delivered (step waits for that), so a task kept through the rebalance restores what it had.
   * False: the changelogs could not be read now; nothing is processed until they are.
   */
  private restoreState(): boolean {
    const log = this.stateLog!;
    const tasks = [...new Set(this.inputs.filter((i) => i.owned).map((i) => i.partition))].sort((a, b) => a - b);
    const names = this.stores.map((s) => s.storeName);
    let changes: StateChange[];
    try {
      changes = log.restore(names, tasks);
    } catch (e) {
      this.deps.processingLog.write({ queryId: this.plan.id, topic: null, partition: null, offset: null, reason: `Restoring state from the changelog failed, will retry: ${(e as Error).message}` });
      return false;
    }
    const restored = foldRestored(changes);
    const backing = this.backing!;
    backing.clear();
    this.taskSeed = new Map();
    for (const [store, keys] of restored) {
      const seed = new Map<string, number>();
      for (const [k, { task, value }] of keys) {
        backing.writeText(store, k, value);
        seed.set(k, task);
      }
      this.taskSeed.set(store, seed);
    }
    backing.flushWrites();
    this.stores.length = 0;
    this.pipeline = buildPipeline(this.plan.root, (r) => this.output(r), this.env, { sink: this.plan.sink });
    for (const i of this.inputs) i.entry = this.pipeline.entries.get(i.node.alias)!;
    this.restorePending = false;
    this.metrics.restores++;
    return true;
  }

  /** Source offsets after this batch, of the partitions this instance owns. */
  private positions(): PartitionPosition[] {
    return this.inputs.filter((i) => i.owned).map((i) => ({ topic: i.topic, partition: i.partition, next: i.next }));
  }

  /** An evaluation error (a failing function call) of `rec`, or of the record in hand, for the processing log. */
  logError(reason: string, rec?: Rec): void {
    const r = rec ?? this.currentRec;
    this.metrics.errors++;
    this.deps.processingLog.write({ queryId: this.plan.id, topic: this.currentInput?.topic ?? null, partition: r?.partition ?? null, offset: r?.offset ?? null, reason });
  }

  private output(r: Rec): void {
    const sink = this.plan.sink;
    if (sink.kind === 'Push') {
      if (r.tombstone && !this.plan.output.isTable) return; // a stream record without a value
      if (sink.limit !== undefined && this.emitted >= sink.limit) return;
      this.emitted++;
      this.pendingOut.push(r);
      if (sink.limit !== undefined && this.emitted >= sink.limit) this.limitReached = true;
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
    this.pendingOut.push(out);
  }

  private flushOutput(changes?: StateChange[]): void {
    const sink = this.plan.sink;
    if (sink.kind !== 'Source') return;
    const target = sink.target;
    const out = this.pendingOut;
    if (this.external) {
      const shape = sinkShape(target);
      const rows: SinkRow[] = [];
      for (const r of out) if (!r.tombstone || target.kind === 'TABLE') rows.push(sinkRow(shape, target, r));
      this.external.stage(rows);
    }
    if (this.sinkCodec) {
      const topic = this.discard || this.external ? undefined : target.topic;
      this.channel.stage(topic ? { topic, records: out.map((r) => this.sinkCodec!.encode(r)), partitions: out.map((r) => r.partition) } : undefined, this.positions(), changes);
    }
    this.pullStore?.write(out);
    this.metrics.recordsOut += out.length;
    if (!this.opts.onRow) out.length = 0;
  }
}
