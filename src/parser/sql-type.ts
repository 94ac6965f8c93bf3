// The SQL type model. It lives in the parser because type syntax is parsed here; planner and
// runtime import it from here (imports point one way).

export type PrimitiveTypeName = 'BOOLEAN' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'STRING' | 'BYTES' | 'TIMESTAMP' | 'DATE' | 'TIME';

export type SqlType =
  | { readonly kind: PrimitiveTypeName }
  | { readonly kind: 'DECIMAL'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'ARRAY'; readonly item: SqlType }
  | { readonly kind: 'MAP'; readonly key: SqlType; readonly value: SqlType }
  | { readonly kind: 'STRUCT'; readonly fields: readonly StructField[] }
  /** A name declared with CREATE TYPE; the planner resolves it. */
  | { readonly kind: 'CUSTOM'; readonly name: string };

export interface StructField {
  readonly name: string;
  readonly type: SqlType;
}

export const T = {
  BOOLEAN: { kind: 'BOOLEAN' } as SqlType,
  INTEGER: { kind: 'INTEGER' } as SqlType,
  BIGINT: { kind: 'BIGINT' } as SqlType,
  DOUBLE: { kind: 'DOUBLE' } as SqlType,
  STRING: { kind: 'STRING' } as SqlType,
  BYTES: { kind: 'BYTES' } as SqlType,
  TIMESTAMP: { kind: 'TIMESTAMP' } as SqlType,
  DATE: { kind: 'DATE' } as SqlType,
  TIME: { kind: 'TIME' } as SqlType,
  decimal: (precision: number, scale: number): SqlType => ({ kind: 'DECIMAL', precision, scale }),
  array: (item: SqlType): SqlType => ({ kind: 'ARRAY', item }),
  map: (key: SqlType, value: SqlType): SqlType => ({ kind: 'MAP', key, value }),
  struct: (fields: StructField[]): SqlType => ({ kind: 'STRUCT', fields }),
} as const;

/** ksqlDB's spelling of a type, as DESCRIBE and error messages show it. */
export function formatType(t: SqlType): string {
  switch (t.kind) {
    case 'DECIMAL':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'ARRAY':
      return `ARRAY<${formatType(t.item)}>`;
    case 'MAP':
      return `MAP<${formatType(t.key)}, ${formatType(t.value)}>`;
    case 'STRUCT':
      return `STRUCT<${t.fields.map((f) => `\`${f.name}\` ${formatType(f.type)}`).join(', ')}>`;
    case 'CUSTOM':
      return t.name;
    default:
      return t.kind;
  }
}

export function typesEqual(a: SqlType, b: SqlType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'DECIMAL':
      return b.kind === 'DECIMAL' && a.precision === b.precision && a.scale === b.scale;
    case 'ARRAY':
      return b.kind === 'ARRAY' && typesEqual(a.item, b.item);
    case 'MAP':
      return b.kind === 'MAP' && typesEqual(a.key, b.key) && typesEqual(a.value, b.value);
    case 'STRUCT':
      return b.kind === 'STRUCT' && a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i]!.name && typesEqual(f.type, b.fields[i]!.type));
    case 'CUSTOM':
      return b.kind === 'CUSTOM' && a.name === b.name;
    default:
      return true;
  }
}

export function isNumeric(t: SqlType): boolean {
  return t.kind === 'INTEGER' || t.kind === 'BIGINT' || t.kind === 'DOUBLE' || t.kind === 'DECIMAL';
}
