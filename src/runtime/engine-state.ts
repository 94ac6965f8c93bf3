// Everything one Eddy instance holds, shared by the statement handlers: storage, catalog,
// running queries and session properties.

import type Database from 'better-sqlite3';
import { Catalog, type SourceDef } from '../planner/catalog.js';
import type { ErrorRoute } from '../planner/compile.js';
import type { QueryPlan } from '../planner/plan.js';
import type { GeneratedTopics } from './log/index.js';
import { PROCESSING_LOG_SOURCE, ProcessingLog } from './processing-log.js';
import type { PrintTail } from './print-tail.js';
import type { PushGroup } from './push-group.js';
import type { PushQuery } from './push-query.js';
import { SharedDecodes } from './task/shared-decode.js';
import { QuerySupervisor } from './query-health.js';
import { QueryTask, type TaskDeps } from './query-task.js';
import type { Connector } from './connectors/connector.js';
import type { SchemaRegistry } from './registry/schema-registry.js';
import { SqliteSchemaRegistry } from './registry/sqlite-registry.js';

export interface RunningQuery {
  readonly id: string;
  readonly sql: string;
  readonly plan: QueryPlan;
  /** Replaced by a fresh task (`restart`) when a batch fails. */
  task: QueryTask;
  /** A new task for this query, resuming from its committed state and offsets. */
  readonly restart: () => QueryTask;
  readonly errors: ErrorRoute;
  readonly sink?: string;
  readonly sources: readonly string[];
  /** Internal: keeps a source table's pull-query store current. */
  readonly internal: boolean;
}

export interface BatchSettings {
  maxRecords: number;
  intervalMs: number;
  /** A cycle's time budget: past it, each query's batch is cut at the record it reached (the rest waits for the next cycle); omit for none. */
  maxMs?: number;
}

export class EngineState {
  readonly catalog = new Catalog();
  readonly processingLog: ProcessingLog;
  /** Each persistent query's RUNNING/ERROR status and retry backoff. */
  readonly supervisor: QuerySupervisor;
  /** Persistent queries and materialisers, in creation order (the order batches run them). */
  readonly queries = new Map<string, RunningQuery>();
  /** Running push queries by id: the task that feeds each (shared by equal plans: push-group.ts) and the query's own text. */
  readonly pushQueries = new Map<string, { task: QueryTask; query: PushQuery; sql: string }>();
  /** The tasks push queries run on, each with the queries it feeds; stepped once a cycle each. */
  readonly pushGroups = new Set<PushGroup>();
  /** Push queries' codecs: one decode per record for all of them (task/shared-decode.ts). */
  readonly sharedDecodes: SharedDecodes;
  /** Running PRINTs: not queries (SHOW QUERIES does not list them, as in ksqlDB), stepped each cycle. */
  readonly prints = new Map<string, PrintTail>();
  readonly connectors = new Map<string, Connector>();
  /** SET properties (ksqlDB names, e.g. auto.offset.reset). */
  readonly properties = new Map<string, string>();
  /** Offsets [from, to) of each stream's newest batch, for latest.<stream>. */
  readonly latest = new Map<string, { topic: string; ranges: { partition: number; from: number; to: number }[] }>();
  readonly lastEnd = new Map<string, number>();
  queryCounter = 0;
  transientCounter = 0;
  replaying = false;
  /** Run a cycle soon (the engine sets it): an asynchronous sink delivery finished. */
  wake: () => void = () => {};
  /** On replay: the id the command being replayed gave its query. */
  replayQueryId: string | undefined;

  constructor(
    readonly db: Database.Database,
    readonly log: GeneratedTopics,
    readonly batch: BatchSettings,
    /** The schema registry of AVRO, PROTOBUF and JSON_SR: the embedded one in `db` unless given. */
    readonly registry: SchemaRegistry = new SqliteSchemaRegistry(db),
  ) {
    this.processingLog = new ProcessingLog(db);
    this.sharedDecodes = new SharedDecodes(registry);
    this.supervisor = new QuerySupervisor(this.processingLog);
    this.catalog.put(PROCESSING_LOG_SOURCE);
  }

  /** A new query id from `format(counter)`; on replay, the id the command gave its query then. */
  nextQueryId(format: (n: number) => string): string {
    const replayed = this.replayQueryId;
    if (replayed === undefined) return format(this.queryCounter++);
    this.queryCounter = Math.max(this.queryCounter, Number(/_(\d+)$/.exec(replayed)?.[1] ?? -1) + 1);
    return replayed;
  }

  startAt(): 'earliest' | 'latest' {
    const v = this.properties.get('auto.offset.reset') ?? this.properties.get('ksql.streams.auto.offset.reset');
    return v?.toLowerCase() === 'earliest' ? 'earliest' : 'latest';
  }

  ensureTopic(def: SourceDef): void {
    if (def.topic && !this.log.hasTopic(def.topic)) this.log.createTopic(def.topic, def.partitions);
  }

  /** What a query task needs of the engine. */
  taskDeps(): TaskDeps {
    return { db: this.db, log: this.log, processingLog: this.processingLog, backlog: (topic) => this.backlog(topic), wake: () => this.wake(), registry: this.registry };
  }

  /** Whether a connector appending to the topic has input it has not appended yet (see Connector.backlog). */
  backlog(topic: string): boolean {
    for (const [name, c] of this.connectors) if (c.backlog?.() && this.catalog.get(name)?.topic === topic) return true;
    return false;
  }

  /** Queries that read a source (by name). */
  readersOf(name: string): RunningQuery[] {
    return [...this.queries.values()].filter((q) => !q.internal && q.sources.includes(name));
  }

  writersOf(name: string): RunningQuery[] {
    return [...this.queries.values()].filter((q) => !q.internal && q.sink === name);
  }
}
