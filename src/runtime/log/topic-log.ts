// The log interface: an ordered, partitioned, offset-numbered sequence of records per topic.
// Two backends implement it — the embedded SQLite log (default) and Kafka.

import type { Header } from '../../planner/record.js';

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
}

export interface TopicInfo {
  readonly name: string;
  readonly partitions: number;
}

export interface TopicLog {
  createTopic(name: string, partitions: number): void;
  hasTopic(name: string): boolean;
  describeTopic(name: string): TopicInfo | undefined;
  listTopics(): TopicInfo[];
  deleteTopic(name: string): void;
  /** Appends in order; the caller owns the transaction. */
  append(topic: string, records: readonly AppendRecord[]): { partition: number; offset: number }[];
  read(topic: string, partition: number, fromOffset: number, maxRecords: number): LogRecord[];
  /** The next offset to be written. */
  endOffset(topic: string, partition: number): number;
}
