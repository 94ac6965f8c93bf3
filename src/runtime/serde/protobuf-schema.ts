// ksqlDB's mapping between SQL columns and Protobuf (proto3) schemas, both ways, over protobufjs'
// parsed types. Generated: one message `ConnectDefault1` (or SCHEMA_FULL_NAME) with a field per
// column numbered from 1, nested structs as nested messages ConnectDefault2, 3, …, DECIMAL as
// confluent.type.Decimal, DATE/TIME as google.type.Date/TimeOfDay, TIMESTAMP as
// google.protobuf.Timestamp. Read: the wrappers (google.protobuf.Int32Value, …) are their scalar,
// enums STRING, unsigned 32-bit BIGINT, float DOUBLE, every field name upper-cased.

import protobuf from 'protobufjs';
import { T, type SqlType } from '../../parser/sql-type.js';
import type { ColumnSchema } from './serde-types.js';

/** Types every schema may use without importing their files: Google's well-known ones and Confluent's Decimal. */
const EXTRA_TYPES = `
syntax = "proto3";
package google.type;
message Date { int32 year = 1; int32 month = 2; int32 day = 3; }
message TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }
`;
const CONFLUENT_DECIMAL = `
syntax = "proto3";
package confluent.type;
message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }
`;

export interface ParsedProto {
  readonly root: protobuf.Root;
  /** The top-level messages of the schema's own file, in declaration order (message indexes count them). */
  readonly messages: readonly protobuf.Type[];
}

function baseRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const f of ['google/protobuf/wrappers.proto', 'google/protobuf/timestamp.proto']) root.addJSON(protobuf.common.get(f)!.nested!);
  protobuf.parse(EXTRA_TYPES, root, { keepCase: true });
  protobuf.parse(CONFLUENT_DECIMAL, root, { keepCase: true });
  return root;
}

/** A file a schema imports, as its registry references give it (registry/schema-references.ts). */
export interface ProtoImport {
  readonly name: string;
  readonly schema: string;
}

function typesIn(ns: protobuf.NamespaceBase, into: Set<protobuf.ReflectionObject>): Set<protobuf.ReflectionObject> {
  for (const x of ns.nestedArray) {
    into.add(x);
    if (x instanceof protobuf.Namespace || x instanceof protobuf.Type) typesIn(x, into);
  }
  return into;
}

/** `imports`: the files the schema's references name, dependencies first; their types resolve, their messages are not the schema's own. */
export function parseProto(text: string, imports: readonly ProtoImport[] = []): ParsedProto {
  const root = baseRoot();
  for (const dep of imports) protobuf.parse(dep.schema, root, { keepCase: true });
  const before = imports.length ? typesIn(root, new Set()) : undefined;
  const parsed = protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();
  const ns = parsed.package ? root.lookup(parsed.package) : root;
  const own = (ns as protobuf.Namespace).nestedArray.filter(
    (x): x is protobuf.Type => x instanceof protobuf.Type && !(ns === root && (x.name === 'google' || x.name === 'confluent')) && !before?.has(x),
  );
  return { root, messages: own };
}

/**
 * The message indexes of the message a full name names (`Outer.Inner`, package-qualified or not):
 * KEY_/VALUE_SCHEMA_FULL_NAME picks which of a schema's messages a source reads and writes.
 * Without a name, or when none matches, the first message ([0]).
 */
export function messagePath(text: string, fullName: string | undefined, imports: readonly ProtoImport[] = []): number[] {
  if (!fullName) return [0];
  const { messages } = parseProto(text, imports);
  const want = fullName.replace(/^\./, '');
  // The name as written (package included), else without the schema's package.
  const walk = (types: readonly protobuf.Type[], prefix: number[], matches: (name: string) => boolean): number[] | undefined => {
    for (let i = 0; i < types.length; i++) {
      const t = types[i]!;
      if (matches(fullNameOf(t))) return [...prefix, i];
      const nested = walk(
        t.nestedArray.filter((x): x is protobuf.Type => x instanceof protobuf.Type),
        [...prefix, i],
        matches,
      );
      if (nested) return nested;
    }
    return undefined;
  };
  return walk(messages, [], (n) => n === want) ?? walk(messages, [], (n) => n.endsWith(`.${want}`)) ?? [0];
}

// ------------------------------------------------------------------ columns → .proto

export const DEFAULT_PROTOBUF_NAME = 'ConnectDefault1';

const SCALARS: Partial<Record<SqlType['kind'], string>> = {
  BOOLEAN: 'bool',
  INTEGER: 'int32',
  BIGINT: 'int64',
  DOUBLE: 'double',
  STRING: 'string',
  BYTES: 'bytes',
  DECIMAL: 'confluent.type.Decimal',
  DATE: 'google.type.Date',
  TIME: 'google.type.TimeOfDay',
  TIMESTAMP: 'google.protobuf.Timestamp',
};

/** The wrapper ksqlDB's WRAPPER representation gives each primitive. */
const WRAPPER_OF: Partial<Record<SqlType['kind'], string>> = {
  BOOLEAN: 'google.protobuf.BoolValue',
  INTEGER: 'google.protobuf.Int32Value',
  BIGINT: 'google.protobuf.Int64Value',
  DOUBLE: 'google.protobuf.DoubleValue',
  STRING: 'google.protobuf.StringValue',
  BYTES: 'google.protobuf.BytesValue',
};

/** ksqlDB's .proto for the columns (always a message: Protobuf has no bare values). */
/** `wrappers`: primitives as google.protobuf.*Value (ksqlDB's nullable representation WRAPPER), so NULL is kept. */
export function protoSchemaFor(columns: readonly ColumnSchema[], fullName = DEFAULT_PROTOBUF_NAME, wrappers = false): string {
  let counter = 1;
  const imports = new Set<string>();
  const message = (name: string, fields: readonly ColumnSchema[], indent: string): string => {
    const nested: string[] = [];
    const lines = fields.map((f, i) => {
      const typeName = (t: SqlType): string => {
        const s = SCALARS[t.kind];
        if (s) {
          if (t.kind === 'TIMESTAMP') imports.add('google/protobuf/timestamp.proto');
          if (t.kind === 'DATE') imports.add('google/type/date.proto');
          if (t.kind === 'TIME') imports.add('google/type/timeofday.proto');
          if (t.kind === 'DECIMAL') imports.add('confluent/type/decimal.proto');
          return s;
        }
        if (t.kind === 'STRUCT') {
          const n = `ConnectDefault${++counter}`;
          nested.push(message(n, t.fields, `${indent}  `));
          return n;
        }
        throw new Error(`PROTOBUF cannot nest ${t.kind} here`);
      };
      const t = f.type;
      const wrapper = wrappers ? WRAPPER_OF[t.kind] : undefined;
      if (wrapper) imports.add('google/protobuf/wrappers.proto');
      const decl = t.kind === 'ARRAY' ? `repeated ${typeName(t.item)}` : t.kind === 'MAP' ? `map<${typeName(t.key)}, ${typeName(t.value)}>` : (wrapper ?? typeName(t));
      return `${indent}  ${decl} ${f.name} = ${i + 1};`;
    });
    return `${indent}message ${name} {\n${[...nested, ...lines].join('\n')}\n${indent}}`;
  };
  const dot = fullName.lastIndexOf('.');
  const pkg = dot > 0 ? fullName.slice(0, dot) : undefined;
  const body = message(dot > 0 ? fullName.slice(dot + 1) : fullName, columns, '');
  return ['syntax = "proto3";', '', ...[...imports].sort().map((i) => `import "${i}";`), ...(imports.size ? [''] : []), ...(pkg ? [`package ${pkg};`, ''] : []), body, ''].join('\n');
}

// ------------------------------------------------------------------ .proto → columns

const WRAPPERS: Record<string, SqlType> = {
  'google.protobuf.BoolValue': T.BOOLEAN,
  'google.protobuf.Int32Value': T.INTEGER,
  'google.protobuf.UInt32Value': T.BIGINT,
  'google.protobuf.Int64Value': T.BIGINT,
  'google.protobuf.UInt64Value': T.BIGINT,
  'google.protobuf.FloatValue': T.DOUBLE,
  'google.protobuf.DoubleValue': T.DOUBLE,
  'google.protobuf.StringValue': T.STRING,
  'google.protobuf.BytesValue': T.BYTES,
};

export function fullNameOf(t: protobuf.ReflectionObject): string {
  return t.fullName.replace(/^\./, '');
}

function scalarType(type: string): SqlType | undefined {
  switch (type) {
    case 'bool':
      return T.BOOLEAN;
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return T.INTEGER;
    case 'uint32':
    case 'fixed32':
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return T.BIGINT;
    case 'float':
    case 'double':
      return T.DOUBLE;
    case 'string':
      return T.STRING;
    case 'bytes':
      return T.BYTES;
    default:
      return undefined;
  }
}

/** The SQL type of a field's element (repeated and map aside). */
export function elementType(field: protobuf.Field, fieldName: FieldName = upperName): SqlType {
  const scalar = scalarType(field.type);
  if (scalar) return scalar;
  const r = field.resolvedType;
  if (r instanceof protobuf.Enum) return T.STRING;
  if (r instanceof protobuf.Type) return messageType(r, fieldName);
  throw new Error(`Unknown Protobuf type ${field.type}`);
}

type FieldName = (n: string) => string;
const upperName: FieldName = (n) => n.toUpperCase();

/** `fieldName`: upper case by default; as written for a schema named by id (ksqlDB's ORIGINAL_FIELD_NAME policy). */
export function messageType(m: protobuf.Type, fieldName: FieldName = upperName): SqlType {
  const name = fullNameOf(m);
  if (WRAPPERS[name]) return WRAPPERS[name]!;
  if (name === 'google.protobuf.Timestamp') return T.TIMESTAMP;
  if (name === 'google.type.Date') return T.DATE;
  if (name === 'google.type.TimeOfDay') return T.TIME;
  if (name === 'confluent.type.Decimal') return T.decimal(64, 0);
  return T.struct(m.fieldsArray.map((f) => ({ name: fieldName(f.name), type: fieldType(f, fieldName) })));
}

export function fieldType(f: protobuf.Field, fieldName: FieldName = upperName): SqlType {
  if (f instanceof protobuf.MapField) return T.map(scalarType(f.keyType) ?? T.STRING, elementType(f, fieldName));
  if (f.repeated) return T.array(elementType(f, fieldName));
  return elementType(f, fieldName);
}

/** A schema's columns: its first message's fields (upper-cased), or the message `fullName` names; a key's fields too, Protobuf keys being messages. */
export function columnsOfProto(text: string, originalNames = false, fullName?: string, imports: readonly ProtoImport[] = []): ColumnSchema[] {
  const fieldName: FieldName = originalNames ? (n) => n : upperName;
  const path = messagePath(text, fullName, imports);
  let m: protobuf.Type | undefined = parseProto(text, imports).messages[path[0]!];
  for (const i of path.slice(1)) m = m?.nestedArray.filter((x): x is protobuf.Type => x instanceof protobuf.Type)[i];
  if (!m) throw new Error('The Protobuf schema declares no message');
  return m.fieldsArray.map((f) => ({ name: fieldName(f.name), type: fieldType(f, fieldName) }));
}
