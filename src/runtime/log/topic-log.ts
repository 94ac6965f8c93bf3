// The log interface: an ordered, partitioned, offset-numbered sequence of records per topic.
// Two backends implement it — the embedded SQLite log (default) and Kafka.

import type { Header, Rec } from '../../planner/record.js';

export interface LogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly Header[];
  /** Windowed keys carry their window (Kafka encodes it inside the key bytes). */
  readonly window?: { readonly start: number; readonly end: number };
}

export interface AppendRecord {
  readonly partition?: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: readonly Header[];
  readonly window?: { readonly start: number; readonly end: number };
  /** A session window's key carries its end as well as its start on Kafka (SessionKeySchema). */
  readonly sessionWindow?: boolean;
}

export interface TopicInfo {
  readonly name: string;
  readonly partitions: number;
}

/** Records without keys or headers, all with one timestamp, whose values are bytes [starts[i], ends[i]) of one buffer. */
export interface ValueRun {
  readonly bytes: Buffer;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly count: number;
  readonly timestamp: number;
}

/** A run as AppendRecords (their values views of the run's buffer). */
export function valueRunRecords(run: ValueRun): AppendRecord[] {
  const out = new Array<AppendRecord>(run.count);
  for (let i = 0; i < run.count; i++) out[i] = { timestamp: run.timestamp, key: null, value: run.bytes.subarray(run.starts[i]!, run.ends[i]!) };
  return out;
}

/** Append a run to `topic`, through the log's appendValues where it has one. */
export function appendValueRun(log: TopicLog, topic: string, run: ValueRun): void {
  if (run.count === 0) return;
  if (log.appendValues) log.appendValues(topic, run);
  else log.append(topic, valueRunRecords(run));
}

export interface TopicLog {
  /** Topics live outside the SQLite database (Kafka): creating or deleting one does not roll back with a transaction. */
  readonly topicsOutsideDb?: boolean;
  /** Other servers may share the persistent queries (Kafka with a --service-id): see planner/scale-out-rules.ts. */
  readonly scaleOut?: boolean;
  /** The service's command topic (Kafka with a --service-id): its DDL is shared through it (shared-catalog.ts). */
  readonly commands?: CommandTopic;
  /** Scale-out: this server's client address, for the others to forward pull queries to. */
  advertise?(hostPort: string): void;
  /** Scale-out: the address of the server whose task of query `owner` reads this partition now (null: none; '' unknown). */
  partitionOwner?(owner: string, topic: string, partition: number): string | null;
  createTopic(name: string, partitions: number): void;
  hasTopic(name: string): boolean;
  describeTopic(name: string): TopicInfo | undefined;
  /**
   * describeTopic for a statement: where topics live outside this process (Kafka) and the kept
   * list lacks the name, the broker is asked (another client may have made it since the list was
   * taken). Optional: without it, describeTopic is the answer.
   */
  lookUpTopic?(name: string): TopicInfo | undefined;
  listTopics(): TopicInfo[];
  deleteTopic(name: string): void;
  /** Appends in order; the caller owns the transaction. */
  append(topic: string, records: readonly AppendRecord[]): { partition: number; offset: number }[];
  /**
   * The same as append(valueRunRecords(run)), without an object per record: a file's lines go
   * from the read buffer into the log's storage in one copy each. Optional: appendValueRun
   * falls back to append where a log has none.
   */
  appendValues?(topic: string, run: ValueRun): void;
  read(topic: string, partition: number, fromOffset: number, maxRecords: number): LogRecord[];
  /** The next offset to be written. */
  endOffset(topic: string, partition: number): number;
  /** How one query reads its sources and writes its output (see QueryChannel). */
  openChannel(owner: string, opts: ChannelOptions): QueryChannel;
  /** Release connections (the embedded log has none). */
  close(): void;
}

/** A service's command topic: one partition, every server's DDL in the order all of them apply it. */
export interface CommandTopic {
  readonly name: string;
  /** Fence the other servers' writers; the topic's end offset then (every command before it is to be applied before this server appends one). */
  begin(): number;
  /** Append commands in one transaction; the offset of the last. Throws when another server began since. */
  append(values: readonly string[]): number;
  /** The committed commands from offset `next` on that have arrived (never waits); `fetched`: no committed command lies before it that was not returned. */
  poll(next: number): { commands: { offset: number; value: string }[]; fetched: number };
  /** The topic's end offset as the broker has it now. */
  end(): number;
}

export interface ChannelOptions {
  readonly topics: readonly string[];
  /** Share the topics' partitions with other instances running the same query (a Kafka consumer group). */
  readonly shared: boolean;
}

export interface PartitionPosition {
  readonly topic: string;
  readonly partition: number;
  readonly next: number;
}

export interface PolledRecords {
  /** False while another instance owns the partition. */
  readonly owned: boolean;
  /** Where the group had got to when this instance gained the partition (shared channels). */
  readonly groupNext: number | null;
  /** The partition was (re)gained since the last poll — moved here, or fenced and acquired again: resume at groupNext. */
  readonly gained?: boolean;
  readonly records: LogRecord[];
  /** A generated topic's records come already decoded, with no bytes (and `records` is empty). */
  readonly decoded?: Rec[];
}

/** One change of a stateful operator's store, bound for its task's changelog (Kafka scale-out only). */
export interface StateChange {
  /** The store's name within its query. */
  readonly store: string;
  /** The task (input partition) the key belongs to: the changelog partition. */
  readonly task: number;
  readonly key: string;
  /** The value's JSON text, as the state table holds it; null deletes the key. */
  readonly value: string | null;
}

/**
 * The changelog topics of a query's state stores (Kafka scale-out: a --service-id with Kafka).
 * Each store has a compacted topic, one partition per task; its changes are written in the same
 * Kafka transaction as the task's output and input offsets, so what a read_committed reader sees
 * of it is exactly the state as of the task's committed offsets.
 */
export interface StateChangelog {
  /** Create each store's changelog topic if it is missing (`tasks` partitions), and from now on treat a (re)gained task's staged output as void: its state is restored instead. */
  open(stores: readonly string[], tasks: number): void;
  /** Every committed change of these tasks' changelogs, in each partition's order (waits until the partitions are read to their end). */
  restore(stores: readonly string[], tasks: readonly number[]): StateChange[];
}

/**
 * A query's view of the log. The embedded log reads any partition directly and appends in the
 * caller's transaction. Kafka reads from a prefetched buffer (empty until records arrive), stages
 * output in the caller's SQLite transaction and delivers it after commit.
 */
export interface QueryChannel {
  /**
   * Reads at the same positions always return the same records (the embedded log). Then each
   * batch is cut from the committed offsets alone, so a restart replays exactly the batches an
   * uninterrupted run would have made (Spark's deterministic batches); a live Kafka topic's
   * batches follow arrival instead.
   */
  readonly repeatable: boolean;
  /** Records at each position; where `peek` is set, only whether the partition is still owned. */
  poll(positions: readonly PartitionPosition[], maxRecords: number, peek?: readonly boolean[]): PolledRecords[];
  /**
   * Called inside the batch transaction with the batch's output (if any) and the source offsets
   * after it; `partitions[i]` is the input partition output record i came from (its task's);
   * `changes`: the batch's state changes, for the changelog (only with `changelog`).
   */
  stage(
    output: { readonly topic: string; readonly records: readonly AppendRecord[]; readonly partitions?: readonly number[] } | undefined,
    positions: readonly PartitionPosition[],
    changes?: readonly StateChange[],
  ): void;
  /** Present when the query's state must follow its tasks between servers (Kafka scale-out). */
  readonly changelog?: StateChangelog | undefined;
  /**
   * Called before and after each batch transaction: moves earlier batches' output on without
   * waiting for it, so the next batch runs while it is delivered. False: too much output is still
   * waiting for delivery; the query should not start another batch yet.
   */
  deliver(): boolean;
  /** Wait (briefly) until all staged output is delivered; false while some is still on its way. */
  settle(): boolean;
  close(): void;
}
