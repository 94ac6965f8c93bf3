// CREATE … AS SELECT with KEY_/VALUE_SCHEMA_ID: the sink writes with a schema the registry already
// holds, so ksqlDB's schema injector checks at CREATE time that the query's columns fit it — each
// of the query's key (value) columns must be the schema's column at the same position, with the
// same name and type. The schema may have more columns after them (written as their defaults).

import type { SqlErrorPosition } from '../parser/errors.js';
import { SqlError } from '../parser/errors.js';
import { formatType, typesEqual, type SqlType } from '../parser/sql-type.js';
import type { SourceDef } from './catalog.js';
import { INFERRING_FORMATS, schemaMissing, type InferRequest } from './plan-ddl.js';

/** The columns a registered schema gives, read as CREATE without columns reads them. */
export type SchemaColumns = (req: InferRequest) => readonly { readonly name: string; readonly type: SqlType }[] | undefined;

function show(c: { readonly name: string; readonly type: SqlType }, role: 'key' | 'value'): string {
  return `\`${c.name}\` ${formatType(c.type)}${role === 'key' ? ' KEY' : ''}`;
}

export function checkSinkFitsSchemaIds(target: SourceDef, schemaColumns: SchemaColumns, at: { loc?: SqlErrorPosition }): void {
  if (!target.topic) return;
  for (const role of ['key', 'value'] as const) {
    const schemaId = role === 'key' ? target.keySchemaId : target.valueSchemaId;
    const format = role === 'key' ? target.keyFormat : target.valueFormat;
    if (schemaId === undefined || !INFERRING_FORMATS.has(format)) continue;
    const mine = target.columns.filter((c) => c.role === role);
    if (!mine.length) continue;
    const fullName = role === 'key' ? target.keySchemaFullName : target.valueSchemaFullName;
    const theirs = schemaColumns({
      format,
      topic: target.topic,
      role,
      unwrapped: role === 'value' && target.wrapSingleValue === false,
      schemaId,
      ...(fullName ? { schemaFullName: fullName } : {}),
    });
    if (!theirs) throw new SqlError(schemaMissing(target.topic, role, schemaId), at);
    const differ = mine.filter((c, i) => !(theirs[i] && theirs[i]!.name === c.name && typesEqual(theirs[i]!.type, c.type)));
    if (differ.length) {
      throw new SqlError(
        `The following ${role} columns are changed, missing or reordered: [${differ.map((c) => show(c, role)).join(', ')}]. Schema from schema registry is [${theirs.map((c) => show(c, role)).join(', ')}]`,
        at,
      );
    }
  }
}
