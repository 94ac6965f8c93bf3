// Which key schemas a source or sink may have: no maps anywhere in a key (their serialised form
// is not stable, so equal keys could land apart), and only types the key format can write.

import { formatType, type SqlType } from '../parser/sql-type.js';
import type { SourceDef } from '../planner/catalog.js';

function containsMap(t: SqlType): boolean {
  switch (t.kind) {
    case 'MAP':
      return true;
    case 'ARRAY':
      return containsMap(t.item);
    case 'STRUCT':
      return t.fields.some((f) => containsMap(f.type));
    default:
      return false;
  }
}

/** Throws ksqlDB's message when a key column holds a map. */
export function checkNoMapKeys(def: SourceDef): void {
  for (const c of def.columns) {
    if (c.role === 'key' && containsMap(c.type)) {
      throw new Error(
        `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${c.name}\`. Column type: ${formatType(c.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
      );
    }
  }
}

/** ksqlDB's wording when the key format cannot hold the key columns. */
export function keyFormatError(def: SourceDef, reason: string): string {
  const cols = def.columns.filter((c) => c.role === 'key').map((c) => `\`${c.name}\` ${formatType(c.type)} KEY`);
  return `Key format does not support schema.\nformat: ${def.keyFormat}\nschema: Persistence{columns=[${cols.join(', ')}], features=[]}\nreason: ${reason}`;
}
