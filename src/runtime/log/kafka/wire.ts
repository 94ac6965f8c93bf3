// What crosses the thread boundary between the engine and the Kafka worker: plain, structured-
// clonable shapes (Buffers arrive as Uint8Arrays and are re-wrapped on the engine side).

import type { Header } from '../../../planner/record.js';

export interface KafkaConnection {
  /** host:port[,host:port…] */
  readonly brokers: string;
  readonly clientId?: string;
  /** How long the broker waits before aborting a transaction whose producer died (ms). */
  readonly transactionTimeoutMs?: number;
}

export interface WireRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Header[];
}

export interface WireAppend {
  topic: string;
  partition?: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: readonly Header[];
}

export interface Position {
  topic: string;
  partition: number;
  next: number;
}

export interface PolledPartition {
  /** False: another group member owns it now. */
  owned: boolean;
  /** The group's committed next offset when this reader gained the partition (group readers). */
  groupNext: number | null;
  /** Which acquisition of the partition's task this is (group readers): a new one means it was lost and gained again. */
  epoch: number;
  records: WireRecord[];
  /** Where the prefetch got to: no committed record lies between the records returned and this offset. */
  fetched?: number;
}

/** Task n's staged batches, delivered in one transaction if this server still holds acquisition `epoch` of the task. */
export interface TaskDelivery {
  task: number;
  epoch: number;
  batches: OutputBatch[];
}

/** `lost`: the task is no longer this acquisition's (moved, fenced, or the outcome unknown): its staged output waits for the next. */
export type DeliverOutcome = 'delivered' | 'lost';

export interface OutputBatch {
  /** The batch's records, packed (record-pack.ts). */
  records: Uint8Array;
  /** Source positions after the batch: committed to the consumer group in the same transaction. */
  offsets: Position[];
}

/** Requests the worker serves; each method's argument and result types. */
export interface BridgeApi {
  connect: [KafkaConnection, void];
  /** `fresh`: ask the broker now instead of answering from the kept list. */
  topics: [{ fresh: boolean }, { name: string; partitions: number }[]];
  /** `configs`: topic configs (a changelog's cleanup.policy=compact). A topic that exists already is no error. */
  createTopic: [{ name: string; partitions: number; configs?: Record<string, string> }, void];
  deleteTopic: [string, void];
  /** `ownWrites` (a changelog restore's, with `fresh`): at least as far as this server's task producers committed there (tasks.ts writtenEnds). */
  endOffsets: [{ topic: string; fresh: boolean; ownWrites?: boolean }, number[]];
  produce: [WireAppend[], { partition: number; offset: number }[]];
  openReader: [{ id: string; topics: string[]; group: string | null }, void];
  /** `peek`: only report ownership of these positions (their records are still buffered on the engine side). */
  poll: [{ id: string; positions: Position[]; max: number; peek?: boolean[] }, PolledPartition[]];
  closeReader: [string, void];
  deliver: [{ id: string; tasks: TaskDelivery[] }, DeliverOutcome[]];
  /** Fence the other servers' command writers of this service (transactional id); the command topic's end offset after that. */
  commandBegin: [{ topic: string; transactionalId: string }, number];
  /** Append commands in one transaction of the writer `commandBegin` made; the offset of the last. */
  commandAppend: [{ topic: string; values: string[] }, number];
  /** This server's client address (`host:port`), carried in its group members' metadata. */
  advertise: [string, void];
  /** The advertised address of the member owning the partition in the group: null when none does, '' when it advertised none. */
  partitionOwner: [{ group: string; topic: string; partition: number }, string | null];
  close: [void, void];
}

export type BridgeMethod = keyof BridgeApi;
/** `seq` numbers the calls: a reply is matched to its own call, never to a later one. */
export type BridgeRequest = { [M in BridgeMethod]: { seq: number; method: M; arg: BridgeApi[M][0] } }[BridgeMethod];
export type BridgeReply = { seq: number } & ({ ok: true; value: unknown } | { ok: false; error: string });
