// The SQLite column type (its affinity) an Eddy column is created with, shared by static tables
// and the SQLite sink. They differ only in temporal values: static tables keep them as integers
// (epoch millis / days / millis of day, exact and ordered), the sink as ISO text, which SQLite's own
// date functions read.
import type { SqlType } from '../parser/sql-type.js';

export function sqliteAffinity(t: SqlType, temporals: 'INTEGER' | 'TEXT'): string {
  switch (t.kind) {
    case 'BOOLEAN':
    case 'INTEGER':
    case 'BIGINT':
      return 'INTEGER';
    case 'TIMESTAMP':
    case 'DATE':
    case 'TIME':
      return temporals;
    case 'DOUBLE':
      return 'REAL';
    case 'BYTES':
      return 'BLOB';
    default:
      return 'TEXT';
  }
}
