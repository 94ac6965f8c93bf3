// The processing log as the catalog sees it: a built-in, read-only static table (its rows are
// written by runtime/processing-log.ts). A statement may read it but not drop or replace it.

import { T } from '../parser/sql-type.js';
import type { SourceDef } from './catalog.js';

export const PROCESSING_LOG_SOURCE: SourceDef = {
  name: 'PROCESSING_LOG',
  kind: 'TABLE',
  columns: [
    { name: 'ID', type: T.BIGINT, role: 'key' },
    { name: 'LOGGED_AT', type: T.TIMESTAMP, role: 'value' },
    { name: 'QUERY_ID', type: T.STRING, role: 'value' },
    { name: 'TOPIC', type: T.STRING, role: 'value' },
    { name: 'PARTITION', type: T.INTEGER, role: 'value' },
    { name: 'OFFSET', type: T.BIGINT, role: 'value' },
    { name: 'REASON', type: T.STRING, role: 'value' },
  ],
  partitions: 1,
  keyFormat: 'KAFKA',
  valueFormat: 'JSON',
  readOnly: true,
  sql: '(built-in)',
};

/** Whether `def` is the engine's processing log (not a user source that took its name). */
export function isProcessingLog(def: SourceDef): boolean {
  return def.name === PROCESSING_LOG_SOURCE.name && def.sql === PROCESSING_LOG_SOURCE.sql;
}
