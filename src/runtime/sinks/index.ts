// The one place a sink's writer is chosen for its definition (one file per sink behind SinkWriter).

import type { ExternalSinkDef, SourceDef } from '../../planner/catalog.js';
import type { Rec } from '../../planner/record.js';
import { FileSink } from './file-sink.js';
import { PostgresSink } from './postgres-sink.js';
import type { SinkRow, SinkShape, SinkWriter } from './sink-writer.js';
import { SqliteSink } from './sqlite-sink.js';
import { WebhookSink } from './webhook-sink.js';

export { SinkDelivery } from './sink-delivery.js';
export { dropSinkState, type SinkPosition } from './sink-outbox.js';
export type { SinkRow, SinkShape, SinkWriter } from './sink-writer.js';

export function openSinkWriter(def: ExternalSinkDef, shape: SinkShape, owner: string): SinkWriter {
  switch (def.kind) {
    case 'file':
      return new FileSink(shape, owner, def);
    case 'postgres':
      return new PostgresSink(shape, owner, def);
    case 'sqlite':
      return new SqliteSink(shape, owner, def);
    case 'webhook':
      return new WebhookSink(shape, owner, def);
  }
}

/** The rows' columns: the sink's key and value columns, and a windowed table's window bounds as keys after its key. */
export function sinkShape(target: SourceDef): SinkShape {
  const cols = target.columns.filter((c) => c.role !== 'header').map((c) => ({ name: c.name, type: c.type, key: c.role === 'key' }));
  if (target.windowed && !cols.some((c) => c.name === 'WINDOWSTART' || c.name === 'WINDOWEND')) {
    const at = cols.filter((c) => c.key).length;
    const bigint = { kind: 'BIGINT' } as const;
    cols.splice(at, 0, { name: 'WINDOWSTART', type: bigint, key: true }, { name: 'WINDOWEND', type: bigint, key: true });
  }
  return { name: target.name, columns: cols, isTable: target.kind === 'TABLE' };
}

/** An output record as a row of the shape (window bounds spliced in after the key). */
export function sinkRow(shape: SinkShape, target: SourceDef, r: Rec): SinkRow {
  if (!target.windowed || shape.columns.length === r.cols.length) return { values: r.cols, delete: r.tombstone === true };
  const keys = target.columns.filter((c) => c.role === 'key').length;
  const values = [...r.cols.slice(0, keys), r.window?.start ?? null, r.window?.end ?? null, ...r.cols.slice(keys)];
  return { values, delete: r.tombstone === true };
}
