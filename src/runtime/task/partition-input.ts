// One source partition a task reads: where it stands, what the last read handed over and not yet
// consumed, and the pipeline entry its records go to. Opened from the committed offsets (or the
// query's start position) for every partition of every topic-backed source of the plan.

import type { SourceDef } from '../../planner/catalog.js';
import { sourcesOf, type QueryPlan, type SourceNode } from '../../planner/plan.js';
import type { Rec } from '../../planner/record.js';
import type { LogRecord, TopicLog } from '../log/index.js';
import type { SchemaRegistry } from '../registry/schema-registry.js';
import { recordCodec, type RecordCodec } from '../record-codec.js';
import { OffsetStore } from './offset-store.js';

export interface PartitionInput {
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

export interface InputSettings {
  readonly log: TopicLog;
  readonly registry: SchemaRegistry | undefined;
  /** Where a source without committed offsets starts. */
  readonly startAt: 'earliest' | 'latest';
  /** Persistent queries' committed offsets; a partition without one gets its start position saved. */
  readonly offsets: OffsetStore | undefined;
  /** The pipeline's entry per source alias. */
  readonly entries: ReadonlyMap<string, (r: Rec) => void>;
  /** Scale-out with state: keep where the query first started apart from the offsets it reached (OffsetStore.startOwner). */
  readonly keepStart?: boolean;
  /** Where the sources' codecs come from (push queries share theirs: task/shared-decode.ts); one of its own per source otherwise. */
  readonly codecFor?: (def: SourceDef) => RecordCodec;
}

/** The partitions `plan` reads, each at its committed offset or the start position. */
export function openPartitionInputs(plan: QueryPlan, s: InputSettings): PartitionInput[] {
  const inputs: PartitionInput[] = [];
  const { offsets } = s;
  const saved = offsets?.load(plan.id) ?? new Map<string, number>();
  const startOwner = OffsetStore.startOwner(plan.id);
  const starts = s.keepStart && offsets ? offsets.load(startOwner) : saved;
  for (const node of sourcesOf(plan.root)) {
    const topic = node.source.topic;
    if (!topic) continue; // static tables are looked up, not read
    const info = s.log.describeTopic(topic);
    const partitions = info?.partitions ?? node.source.partitions;
    const codec = s.codecFor ? s.codecFor(node.source) : recordCodec(node.source, s.registry, node.reads);
    for (let p = 0; p < partitions; p++) {
      const key = `${topic}:${p}`;
      const savedNext = saved.get(key);
      const first = starts.get(key) ?? savedNext ?? (s.startAt === 'earliest' || !info ? 0 : s.log.endOffset(topic, p));
      if (s.keepStart && !starts.has(key)) offsets?.save(startOwner, topic, p, first);
      const next = savedNext ?? first;
      if (savedNext === undefined) offsets?.save(plan.id, topic, p, next);
      inputs.push({
        node,
        topic,
        partition: p,
        codec,
        isTable: node.schema.isTable,
        next,
        start: first,
        buffer: [],
        recs: undefined,
        pos: 0,
        head: undefined,
        more: false,
        until: Infinity,
        entry: s.entries.get(node.alias)!,
        owned: false,
      });
    }
  }
  return inputs;
}

export function setBuffer(i: PartitionInput, records: LogRecord[], decoded?: Rec[]): void {
  i.buffer = records;
  i.recs = decoded;
  i.pos = 0;
  i.head = undefined;
}
