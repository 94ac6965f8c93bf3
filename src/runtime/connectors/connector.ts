// The one interface every data connector implements. A connector turns an outside source
// (a generator, a file, a socket) into records appended to its stream's topic; from there the
// micro-batch loop treats it like any other input, so replay and exactly-once come for free.

import type { SourceDef } from '../../planner/catalog.js';
import type { Value } from '../../planner/values.js';
import type { GeneratedTopic } from '../log/index.js';
import type { ValueRun } from '../log/topic-log.js';

export interface ConnectorRow {
  /** Every column's value, in the source's column order (only the key columns' when `value` is given). */
  readonly values: readonly Value[];
  readonly ts: number;
  /** The record value as it is, already in the source's value format (a JSON line read from a file): not encoded again. */
  readonly value?: Buffer;
}

export interface ConnectorContext {
  readonly source: SourceDef;
  /**
   * Append rows (values for every column, in the source's column order) with event times. With
   * a checkpoint, the connector's position commits in the same transaction as the rows, so a
   * restart neither loses nor repeats them.
   */
  append(rows: readonly ConnectorRow[], checkpoint?: string): void;
  /**
   * Append records that are values as they are (lines of a source without key columns), byte
   * ranges of one buffer, copied before this returns; with the checkpoint as append's.
   */
  appendValues(run: ValueRun, checkpoint?: string): void;
  /** The last committed checkpoint, if any. */
  checkpoint(): string | undefined;
  /**
   * Serve the stream's topic straight from a replayable source instead of appending to it: for
   * sources that can generate any offset again, so nothing needs storing (see GeneratedTopics).
   */
  serve(source: GeneratedTopic): void;
  unserve(source: GeneratedTopic): void;
  /** The real path the connector may open; throws when the engine's access policy refuses it. */
  file(path: string): string;
  /** Throws when the engine's access policy refuses a connection to host:port. */
  connect(host: string, port: number): void;
  /** Report a line or record the connector could not use. */
  reject(reason: string, position?: number): void;
}

export interface Connector {
  readonly kind: string;
  start(): void;
  /**
   * Pulled connectors (a file) do their reading here, called by each micro-batch cycle before the
   * queries run: append at most a bounded chunk and return the rows appended.
   */
  poll?(): number;
  /** Input the connector has seen and not yet appended (a file read only in part): queries merging this source with others wait for it. */
  backlog?(): boolean;
  stop(): void;
}

export type ConnectorFactory = (ctx: ConnectorContext, settings: Readonly<Record<string, string | number | boolean>>) => Connector;
