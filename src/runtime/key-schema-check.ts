// ksqlDB's wording when a source's or sink's key columns are of types its key format cannot write.

import { formatType } from '../parser/sql-type.js';
import type { SourceDef } from '../planner/catalog.js';

/** ksqlDB's wording when the key format cannot hold the key columns. */
export function keyFormatError(def: SourceDef, reason: string): string {
  const cols = def.columns.filter((c) => c.role === 'key').map((c) => `\`${c.name}\` ${formatType(c.type)} KEY`);
  return `Key format does not support schema.\nformat: ${def.keyFormat}\nschema: Persistence{columns=[${cols.join(', ')}], features=[]}\nreason: ${reason}`;
}
