// One running query. Each `step` is one micro-batch: read what arrived on the source partitions
// (up to the batch size, oldest timestamp first across partitions), decode it, push it through
// the operators, and commit the output, the operators' state and the new source offsets in one
// SQLite transaction. Subscribers of push queries see rows only after that commit.
//
// The task wires its parts together and runs the batch's lifecycle; each part is its own file
// under task/: the partitions it reads (partition-input.ts) and how a batch reads them
// (batch-reader.ts), where its results go (task-output.ts), the env its operators keep state
// through (operator-env.ts), and its committed offsets (offset-store.ts). Health and backoff of a
// failing query are the supervisor's (query-health.ts).
//
// Scale-out with state (Kafka with a --service-id): the stores' changes go to their tasks'
// changelog topics with the batch's output and offsets (one Kafka transaction per task), and when
// this server gains a task the state is restored from them and the pipeline rebuilt over it
// (restoreState) before the batch takes any record.

import type { SchemaRegistry } from './registry/schema-registry.js';
import type Database from 'better-sqlite3';
import type { SourceDef } from '../planner/catalog.js';
import type { QueryPlan } from '../planner/plan.js';
import type { Rec } from '../planner/record.js';
import { buildPipeline } from './build-pipeline.js';
import type { QueryChannel, StateChange, StateChangelog, TopicLog } from './log/index.js';
import type { BuiltPipeline, OperatorInfo } from './operators/operator.js';
import type { ProcessingLog } from './processing-log.js';
import { countsOf, setCounts } from './operator-counts.js';
import { QueryMetrics } from './query-metrics.js';
import { recordCodec, type RecordCodec } from './record-codec.js';
import { PullStore } from './pull-store.js';
import { openSinkWriter, SinkDelivery, sinkShape } from './sinks/index.js';
import { foldRestored } from './state/restore.js';
import type { StateStore } from './state/state-store.js';
import { BatchReader } from './task/batch-reader.js';
import { OffsetStore } from './task/offset-store.js';
import { openOperatorEnv, type TaskEnv } from './task/operator-env.js';
import { openPartitionInputs } from './task/partition-input.js';
import { TaskOutput } from './task/task-output.js';

/** The changelog store of a scale-out CTAS's pull-query rows (no operator store has this name: theirs hold a '/'). */
const PULL_ROWS = 'pull-rows';

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
  /** The sources' codecs, when shared with other tasks (push queries: task/shared-decode.ts). */
  readonly codecFor?: (def: SourceDef) => RecordCodec;
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

export class QueryTask {
  readonly metrics = new QueryMetrics();
  private readonly reader: BatchReader;
  private readonly output: TaskOutput;
  private readonly channel: QueryChannel;
  private pipeline: BuiltPipeline;
  private readonly taskEnv: TaskEnv;
  private readonly stores: StateStore<unknown>[];
  /** Kafka scale-out with state: the stores' changes go to their tasks' changelogs, and a gained task's state is restored from them. */
  private readonly stateLog: StateChangelog | undefined;
  /** Scale-out with state: the table's pull store, whose rows are restored with the state. */
  private readonly pullStore: PullStore | undefined;
  /** WITH (sink='file'|'postgres'|…): the output is staged for that target, not the topic. */
  private readonly external: SinkDelivery | undefined;
  private readonly offsets: OffsetStore | undefined;
  /** countsOf the operators at the start of the batch in progress (reused: no allocation per batch). */
  private readonly committedCounts: number[] = [];
  /** Stopped from outside (TERMINATE, cancel): deliver nothing more. */
  private stopped = false;

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
    const sink = plan.sink;
    const pullStore = opts.materialize ? new PullStore(db, opts.materialize, plan.id) : undefined;
    // Persistent queries that write a sink share their work with other instances (Kafka consumer group).
    const shared = opts.persistent && opts.writeSink !== false && sink.kind === 'Source';
    // Scale-out (Kafka with a --service-id): local state is a copy of the changelogs, rebuilt whenever a task is gained.
    const scaleOutState = shared && deps.log.scaleOut === true;
    this.taskEnv = openOperatorEnv({
      db,
      persistentOwner: opts.persistent ? plan.id : undefined,
      pullStore,
      logError: (reason, rec) => this.logError(reason, rec),
      countLate: () => this.metrics.lateDropped++,
      ...(scaleOutState ? { scaleOut: { currentTask: () => this.reader.currentInput?.partition } } : {}),
    });
    this.stores = this.taskEnv.stores;
    // The pipeline's last call hands each result to the output (made below: nothing is emitted while building).
    this.pipeline = buildPipeline(plan.root, (r) => output.push(r), this.taskEnv.env, { sink });
    const sinkCodec = sink.kind === 'Source' && opts.writeSink !== false ? recordCodec(sink.target, deps.registry) : undefined;
    const ext = sink.kind === 'Source' && opts.persistent && opts.writeSink !== false ? sink.target.sink : undefined;
    if (ext && sink.kind === 'Source') {
      const writer = openSinkWriter(ext, sinkShape(sink.target), plan.id);
      const report = (reason: string) => {
        this.metrics.errors++;
        deps.processingLog.write({ queryId: plan.id, topic: null, partition: null, offset: null, reason });
      };
      this.external = new SinkDelivery({ db, owner: plan.id, writer, report, ...(deps.wake ? { wake: deps.wake } : {}) });
    }
    const discard = sink.kind === 'Source' && sink.target.discard === true;
    // Scale-out with state: the rows pull queries read follow their tasks too (a changelog store of their own).
    this.pullStore = scaleOutState ? pullStore : undefined;
    const output = new TaskOutput(
      plan,
      {
        sinkCodec,
        external: this.external,
        pullStore,
        subscribed: opts.onRow !== undefined,
        pullChangelog: this.pullStore ? PULL_ROWS : undefined,
        discard,
        dropOutput: discard && !opts.materialize && !opts.onRow,
      },
      this.metrics,
      (reason, rec) => this.logError(reason, rec),
      () => (this.reader.halted = true),
    );
    this.output = output;
    this.offsets = opts.persistent ? new OffsetStore(db) : undefined;
    const inputs = openPartitionInputs(plan, {
      log: deps.log,
      registry: deps.registry,
      startAt: opts.startAt,
      offsets: this.offsets,
      entries: this.pipeline.entries,
      keepStart: scaleOutState,
      ...(deps.codecFor ? { codecFor: deps.codecFor } : {}),
    });
    this.channel = deps.log.openChannel(plan.id, { topics: [...new Set(inputs.map((i) => i.topic))], shared });
    const changelog = this.channel.changelog;
    if (scaleOutState && this.stores.length && changelog) {
      // One changelog partition per task: as many as the widest source has partitions.
      let tasks = 0;
      for (const i of inputs) tasks = Math.max(tasks, i.partition + 1);
      try {
        changelog.open(this.changelogStores(), tasks);
      } catch (e) {
        this.channel.close();
        throw e;
      }
    }
    this.stateLog = scaleOutState && this.stores.length ? changelog : undefined;
    this.reader = new BatchReader(plan.id, inputs, this.channel, deps, this.metrics, this.stateLog ? () => this.restoreState() : undefined);
  }

  get id(): string {
    return this.plan.id;
  }

  get isDone(): boolean {
    return this.stopped || this.output.limitReached;
  }

  /** Rows held in this query's state stores (for the state-rows metric). */
  get stateRows(): number {
    let n = 0;
    for (const s of this.stores) n += s.size;
    for (const rows of this.taskEnv.stateCounts) n += rows();
    return n;
  }

  /** Records waiting on the source partitions (for lag metrics and idleness). */
  lag(): number {
    return this.reader.lag();
  }

  /** Where each source partition's next record is, by `topic:partition` (a push query joining a shared task compares it with its own start: push-group.ts). */
  nextOffsets(): Map<string, number> {
    return new Map(this.reader.inputs.map((i) => [`${i.topic}:${i.partition}`, i.next]));
  }

  /** Records waiting on one source topic's partitions. */
  lagOf(topic: string): number {
    return this.reader.lagOf(topic);
  }

  /**
   * A fresh task in place of `failed` (the supervisor's retry): its figures and operator counts go
   * on from the failed task's committed ones, so a retry does not reset what SHOW QUERIES EXTENDED,
   * /metrics and the console show.
   */
  continueFrom(failed: QueryTask): void {
    this.metrics.continueFrom(failed.metrics);
    setCounts(this.pipeline.tree, countsOf(failed.pipeline.tree));
  }

  stop(): void {
    this.stopped = true;
    this.reader.halted = true;
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
    // Output of earlier batches on its way to the sink: the next batch runs meanwhile, unless too
    // much of it lags (Kafka slow or unreachable); then the query waits for it.
    if (!this.channel.deliver()) return 0;
    // Likewise an external sink: it may lag by a few batches, then the query waits for it.
    this.external?.deliver();
    if (this.external && !this.external.accepting) return 0;
    const started = performance.now();
    let consumed = 0;
    // A batch without input still runs when an operator's processing-time timer is due.
    let timed = false;
    const run = () => {
      consumed = this.reader.consume(maxRecords, deadline);
      if (consumed === 0 && !(timed = this.pipeline.timersDue.some((due) => due()))) return;
      this.commitBatch();
    };
    // The operator counts and the figures a batch moves, as of the last commit: a batch that
    // throws has rolled back, and its records come out of them again (the retry counts them).
    const committed = countsOf(this.pipeline.tree, this.committedCounts);
    this.metrics.markBatch();
    try {
      if (this.opts.persistent) this.deps.db.transaction(run)();
      else run();
    } catch (e) {
      setCounts(this.pipeline.tree, committed);
      this.metrics.rollBack();
      throw e;
    }
    // Nothing to read: wait (briefly) for the output still in flight, as there is nothing else to do.
    if (consumed === 0) this.channel.settle();
    if (consumed > 0 || timed) {
      this.channel.deliver();
      this.external?.deliver();
      const delivered = this.output.take();
      if (this.opts.onRow) for (const r of delivered) if (!this.stopped) this.opts.onRow(r);
      this.metrics.recordBatch(consumed, performance.now() - started, this.lag(), this.reader.lastRowtime);
    }
    return consumed;
  }

  /** The batch's end, inside its transaction: operators finish the batch, then output, state and offsets are written. */
  private commitBatch(): void {
    for (const f of this.pipeline.endBatch) f();
    if (this.stateLog) {
      // The state's changes go with the output, in the same Kafka transaction per task.
      const changes: StateChange[] = [];
      for (const s of this.stores) s.flush(changes);
      this.output.flush(this.channel, this.reader, changes);
    } else {
      this.output.flush(this.channel, this.reader);
      for (const s of this.stores) s.flush();
    }
    const { offsets } = this;
    if (offsets) for (const i of this.reader.inputs) offsets.save(this.plan.id, i.topic, i.partition, i.next);
  }

  /** The changelog stores: the operators' stores, and the pull store's rows when the query has one. */
  private changelogStores(): string[] {
    // Read before the pipeline is rebuilt, while `stores` lists the stores the operators opened.
    const names = this.stores.map((s) => s.storeName);
    return this.pullStore ? [...names, PULL_ROWS] : names;
  }

  /**
   * Scale-out: make the local state the changelogs' of the tasks this server now owns, and rebuild
   * the operators over it. Runs before the batch reads anything, once the output of earlier batches
   * is delivered (it waits for that), so a task kept through the rebalance restores what it had.
   * False: the changelogs could not be read now; nothing is processed until they are.
   */
  private restoreState(): boolean {
    const log = this.stateLog!;
    // The changelogs hold a kept task's state only once its staged output (its changes with it) is
    // delivered: until then, restore nothing (the batch reads nothing and asks again).
    if (!this.channel.settle()) return false;
    const tasks = [...new Set(this.reader.inputs.filter((i) => i.owned).map((i) => i.partition))].sort((a, b) => a - b);
    const names = this.changelogStores();
    let changes: StateChange[];
    try {
      changes = log.restore(names, tasks);
    } catch (e) {
      this.deps.processingLog.write({ queryId: this.plan.id, topic: null, partition: null, offset: null, reason: `Restoring state from the changelog failed, will retry: ${(e as Error).message}` });
      return false;
    }
    const restored = foldRestored(changes);
    if (this.pullStore) {
      const rows = new Map<string, string>();
      for (const [k, { value }] of restored.get(PULL_ROWS) ?? []) rows.set(k, value);
      this.pullStore.restore(rows);
      restored.delete(PULL_ROWS);
    }
    const te = this.taskEnv;
    const backing = te.backing!;
    backing.clear();
    te.taskSeed = new Map();
    for (const [store, keys] of restored) {
      const seed = new Map<string, number>();
      for (const [k, { task, value }] of keys) {
        backing.writeText(store, k, value);
        seed.set(k, task);
      }
      te.taskSeed.set(store, seed);
    }
    backing.flushWrites();
    // The rebuilt operators open their stores anew, loading the restored state.
    this.stores.length = 0;
    te.stateCounts.length = 0;
    const output = this.output;
    const counts = countsOf(this.pipeline.tree);
    this.pipeline = buildPipeline(this.plan.root, (r) => output.push(r), te.env, { sink: this.plan.sink });
    // The rebuilt operators go on counting from the old ones' figures (operator-counts.ts).
    setCounts(this.pipeline.tree, counts);
    for (const i of this.reader.inputs) i.entry = this.pipeline.entries.get(i.node.alias)!;
    this.metrics.restores++;
    return true;
  }

  /** An evaluation error (a failing function call) of `rec`, or of the record in hand, for the processing log. */
  logError(reason: string, rec?: Rec): void {
    const r = rec ?? this.reader.currentRec;
    this.metrics.errors++;
    this.deps.processingLog.write({ queryId: this.plan.id, topic: this.reader.currentInput?.topic ?? null, partition: r?.partition ?? null, offset: r?.offset ?? null, reason });
  }
}
