// The typed AST the parser produces. Every node is a plain readonly object tagged by `kind`, so
// passes `switch` on it exhaustively and a new kind fails to compile until each pass handles it.
// Identifiers are normalised as ksqlDB does: unquoted → UPPER CASE, `back-quoted` → kept as is.

import type { SqlType } from './sql-type.js';

/** 1-based line and column of the first character of a node, and its 0-based offset. */
export interface Loc {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

interface Node {
  readonly loc: Loc;
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | ColumnRef
  | Dereference
  | Subscript
  | Unary
  | Binary
  | Comparison
  | Logical
  | IsNull
  | Between
  | InList
  | Like
  | Case
  | Cast
  | FunctionCall
  | Lambda
  | ArrayLiteral
  | MapLiteral
  | StructLiteral
  | IntervalLiteral;

/** A number exactly as written: `12`, `1.5`, `1.5E3`; the planner types it as ksqlDB does. */
export interface NumberLiteral extends Node {
  readonly kind: 'NumberLiteral';
  readonly text: string;
}
export interface StringLiteral extends Node {
  readonly kind: 'StringLiteral';
  readonly value: string;
}
export interface BooleanLiteral extends Node {
  readonly kind: 'BooleanLiteral';
  readonly value: boolean;
}
export interface NullLiteral extends Node {
  readonly kind: 'NullLiteral';
}
/** `name` or `source.name` (source is a stream/table name or alias). */
export interface ColumnRef extends Node {
  readonly kind: 'ColumnRef';
  readonly source?: string;
  readonly name: string;
}
/** Struct field access: `base->field`. */
export interface Dereference extends Node {
  readonly kind: 'Dereference';
  readonly base: Expr;
  readonly field: string;
}
/** Array index or map key: `base[index]`. */
export interface Subscript extends Node {
  readonly kind: 'Subscript';
  readonly base: Expr;
  readonly index: Expr;
}
export interface Unary extends Node {
  readonly kind: 'Unary';
  readonly op: '-' | '+' | 'NOT';
  readonly operand: Expr;
}
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '||';
export interface Binary extends Node {
  readonly kind: 'Binary';
  readonly op: ArithmeticOp;
  readonly left: Expr;
  readonly right: Expr;
}
export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | 'IS DISTINCT FROM' | 'IS NOT DISTINCT FROM';
export interface Comparison extends Node {
  readonly kind: 'Comparison';
  readonly op: ComparisonOp;
  readonly left: Expr;
  readonly right: Expr;
}
export interface Logical extends Node {
  readonly kind: 'Logical';
  readonly op: 'AND' | 'OR';
  readonly left: Expr;
  readonly right: Expr;
}
export interface IsNull extends Node {
  readonly kind: 'IsNull';
  readonly operand: Expr;
  readonly negated: boolean;
}
export interface Between extends Node {
  readonly kind: 'Between';
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
}
export interface InList extends Node {
  readonly kind: 'InList';
  readonly operand: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
}
export interface Like extends Node {
  readonly kind: 'Like';
  readonly operand: Expr;
  readonly pattern: Expr;
  readonly escape?: string;
  readonly negated: boolean;
}
/** Searched (`CASE WHEN c THEN …`) when operand is absent, simple (`CASE x WHEN v THEN …`) otherwise. */
export interface Case extends Node {
  readonly kind: 'Case';
  readonly operand?: Expr;
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly else?: Expr;
}
export interface Cast extends Node {
  readonly kind: 'Cast';
  readonly operand: Expr;
  readonly type: SqlType;
}
/** `NAME(args)`; `COUNT(*)` has star set and no args. Name is upper-cased. */
export interface FunctionCall extends Node {
  readonly kind: 'FunctionCall';
  readonly name: string;
  readonly args: readonly Expr[];
  readonly star: boolean;
  readonly distinct: boolean;
}
/** `x => expr` or `(x, y) => expr`, as a function argument. */
export interface Lambda extends Node {
  readonly kind: 'Lambda';
  readonly params: readonly string[];
  readonly body: Expr;
}
/** `ARRAY[a, b]` */
export interface ArrayLiteral extends Node {
  readonly kind: 'ArrayLiteral';
  readonly items: readonly Expr[];
}
/** `MAP(k := v, …)` */
export interface MapLiteral extends Node {
  readonly kind: 'MapLiteral';
  readonly entries: readonly { readonly key: Expr; readonly value: Expr }[];
}
/** `STRUCT(name := v, …)` */
export interface StructLiteral extends Node {
  readonly kind: 'StructLiteral';
  readonly fields: readonly { readonly name: string; readonly value: Expr }[];
}
/** A duration in an expression position, e.g. `1 DAY` inside a function call (rare). */
export interface IntervalLiteral extends Node {
  readonly kind: 'IntervalLiteral';
  readonly duration: Duration;
}

// ---------------------------------------------------------------- durations and windows

export interface Duration {
  readonly value: number;
  /** Unit as written, normalised to the plural upper case form: MILLISECONDS … DAYS. */
  readonly unit: 'MILLISECONDS' | 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';
  readonly ms: number;
}

export type WindowSpec =
  | {
      readonly kind: 'TUMBLING';
      readonly loc: Loc;
      readonly size: Duration;
      readonly retention?: Duration;
      readonly grace?: Duration;
    }
  | {
      readonly kind: 'HOPPING';
      readonly loc: Loc;
      readonly size: Duration;
      readonly advance: Duration;
      readonly retention?: Duration;
      readonly grace?: Duration;
    }
  | {
      readonly kind: 'SESSION';
      readonly loc: Loc;
      readonly gap: Duration;
      readonly retention?: Duration;
      readonly grace?: Duration;
    };

// ---------------------------------------------------------------- queries

export type SelectItem =
  /** `*` or `alias.*` */
  | { readonly kind: 'AllColumns'; readonly loc: Loc; readonly source?: string }
  /** `struct_col->*` */
  | { readonly kind: 'StructAll'; readonly loc: Loc; readonly expr: Expr }
  | { readonly kind: 'SelectExpr'; readonly loc: Loc; readonly expr: Expr; readonly alias?: string };

/** A stream or table named in FROM/JOIN. `latest.orders` has schema 'LATEST'. */
export interface SourceRef extends Node {
  readonly kind: 'SourceRef';
  readonly name: string;
  readonly schema?: string;
  readonly alias?: string;
}

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';

/** `WITHIN 10 SECONDS` (before = after) or `WITHIN (1 SECOND, 2 SECONDS)`, optional GRACE PERIOD. */
export interface WithinSpec {
  readonly loc: Loc;
  readonly before: Duration;
  readonly after: Duration;
  readonly grace?: Duration;
}

export interface Join extends Node {
  readonly kind: 'Join';
  readonly type: JoinType;
  readonly left: Relation;
  readonly right: SourceRef;
  readonly within?: WithinSpec;
  readonly on: Expr;
}

export type Relation = SourceRef | Join;

/** One `ORDER BY` item: `expr [ASC | DESC] [NULLS FIRST | NULLS LAST]` (nulls absent: the direction's default). */
export interface OrderItem {
  readonly loc: Loc;
  readonly expr: Expr;
  readonly descending: boolean;
  readonly nulls?: 'FIRST' | 'LAST';
}

/** `ORDER BY …` (Eddy: sorts the answer of a query over static tables or without FROM). */
export interface OrderBy {
  /** The ORDER keyword. */
  readonly loc: Loc;
  /** The BY keyword: where ksqlDB, whose grammar has no ORDER BY, reports its syntax error. */
  readonly by: Loc;
  readonly items: readonly OrderItem[];
}

export interface Query extends Node {
  readonly kind: 'Query';
  readonly select: readonly SelectItem[];
  /** Absent for `SELECT 1;` (Eddy): one row, no source. */
  readonly from?: Relation;
  readonly window?: WindowSpec;
  readonly where?: Expr;
  readonly groupBy?: readonly Expr[];
  readonly partitionBy?: readonly Expr[];
  readonly having?: Expr;
  /** Absent for a pull query. */
  readonly emit?: 'CHANGES' | 'FINAL';
  readonly orderBy?: OrderBy;
  readonly limit?: number;
}

// ---------------------------------------------------------------- statements

/** `WITH (kafka_topic='t', partitions=1)`: keys upper-cased; values as literals. */
export type Properties = ReadonlyMap<string, PropertyValue>;
export interface PropertyValue {
  readonly loc: Loc;
  readonly value: string | number | boolean;
  /** The literal as written (numbers keep their text). */
  readonly text: string;
}

export interface ColumnDef {
  readonly loc: Loc;
  readonly name: string;
  readonly type: SqlType;
  readonly key: boolean;
  readonly primaryKey: boolean;
  /** `HEADERS` → { all: true }; `HEADER('k')` → { key: 'k' }. */
  readonly header?: { readonly all: true } | { readonly key: string };
}

export type SourceKind = 'STREAM' | 'TABLE';

export interface CreateSource extends Node {
  readonly kind: 'CreateSource';
  readonly sourceType: SourceKind;
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  /** `CREATE SOURCE STREAM|TABLE`: read-only, materialised for pull queries. */
  readonly isSource: boolean;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly properties: Properties;
}

export interface CreateAsSelect extends Node {
  readonly kind: 'CreateAsSelect';
  readonly sourceType: SourceKind;
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly properties: Properties;
  readonly query: Query;
}

export interface InsertInto extends Node {
  readonly kind: 'InsertInto';
  readonly target: string;
  readonly targetLoc?: Loc;
  readonly properties: Properties;
  readonly query: Query;
}

export interface InsertValues extends Node {
  readonly kind: 'InsertValues';
  readonly target: string;
  readonly columns?: readonly string[];
  readonly values: readonly Expr[];
}

/** Eddy: static tables are kept by UPDATE and DELETE. */
export interface Update extends Node {
  readonly kind: 'Update';
  readonly target: string;
  readonly assignments: readonly { readonly column: string; readonly value: Expr }[];
  readonly where?: Expr;
}
export interface Delete extends Node {
  readonly kind: 'Delete';
  readonly target: string;
  readonly where?: Expr;
}
/** Eddy: `COPY table FROM 'file.csv' [WITH (format='CSV', header=true)]` bulk-loads a static table. */
export interface Copy extends Node {
  readonly kind: 'Copy';
  readonly target: string;
  readonly path: string;
  readonly properties: Properties;
}

export interface DropSource extends Node {
  readonly kind: 'DropSource';
  readonly sourceType: SourceKind;
  readonly ifExists: boolean;
  readonly name: string;
  readonly deleteTopic: boolean;
}

export interface CreateType extends Node {
  readonly kind: 'CreateType';
  readonly name: string;
  readonly type: SqlType;
  readonly ifNotExists: boolean;
}
export interface DropType extends Node {
  readonly kind: 'DropType';
  readonly name: string;
  readonly ifExists: boolean;
}

export type ShowWhat = 'STREAMS' | 'TABLES' | 'QUERIES' | 'TOPICS' | 'FUNCTIONS' | 'PROPERTIES' | 'TYPES' | 'SINKS';
export interface Show extends Node {
  readonly kind: 'Show';
  readonly what: ShowWhat;
  readonly extended: boolean;
}

/** `DESCRIBE name [EXTENDED]`, `DESCRIBE FUNCTION name`, `DESCRIBE STREAMS|TABLES [EXTENDED]`. */
export interface Describe extends Node {
  readonly kind: 'Describe';
  readonly target: { readonly kind: 'source'; readonly name: string } | { readonly kind: 'function'; readonly name: string } | { readonly kind: 'all'; readonly what: 'STREAMS' | 'TABLES' };
  readonly extended: boolean;
}

/** `EXPLAIN [ANALYZE] <statement>` or `EXPLAIN <query id>`. */
export interface Explain extends Node {
  readonly kind: 'Explain';
  readonly analyze: boolean;
  readonly target: { readonly kind: 'statement'; readonly statement: Statement } | { readonly kind: 'queryId'; readonly id: string };
}

export interface Terminate extends Node {
  readonly kind: 'Terminate';
  /** A query id, or 'ALL'. */
  readonly queryId: string;
}

export interface SetProperty extends Node {
  readonly kind: 'Set';
  readonly name: string;
  readonly value: string;
}
export interface UnsetProperty extends Node {
  readonly kind: 'Unset';
  readonly name: string;
}

export interface RunScript extends Node {
  readonly kind: 'RunScript';
  readonly path: string;
}

/** `PRINT topic [FROM BEGINNING] [INTERVAL n] [LIMIT n]` */
export interface Print extends Node {
  readonly kind: 'Print';
  readonly topic: string;
  readonly fromBeginning: boolean;
  readonly interval?: number;
  readonly limit?: number;
}

/**
 * `ASSERT [NOT EXISTS] TOPIC name [WITH (PARTITIONS=n, REPLICAS=n)] [TIMEOUT d]`: fails unless the
 * topic exists (with those settings) or, NOT EXISTS, does not.
 */
export interface AssertTopic extends Node {
  readonly kind: 'AssertTopic';
  readonly topic: string;
  readonly properties: Properties;
  readonly timeout?: Duration;
  readonly exists: boolean;
}

/** `ASSERT [NOT EXISTS] SCHEMA [SUBJECT name] [ID n] [TIMEOUT d]`: the registry has (or lacks) it. */
export interface AssertSchema extends Node {
  readonly kind: 'AssertSchema';
  readonly subject?: string;
  readonly id?: number;
  readonly timeout?: Duration;
  readonly exists: boolean;
}

export type Statement =
  | Query
  | CreateSource
  | CreateAsSelect
  | InsertInto
  | InsertValues
  | Update
  | Delete
  | Copy
  | DropSource
  | CreateType
  | DropType
  | Show
  | Describe
  | Explain
  | Terminate
  | SetProperty
  | UnsetProperty
  | RunScript
  | Print
  | CreateFunction
  | DropFunction
  | AssertTopic
  | AssertSchema;

/** A parsed statement with the exact text it came from (for SHOW QUERIES, errors, scripts). */
export interface ParsedStatement {
  readonly statement: Statement;
  readonly text: string;
}

// ---------------------------------------------------------------- user functions (function-statements.ts parses these)

/**
 * CREATE [OR REPLACE] [AGGREGATE | STATE] FUNCTION name(param type, …)
 *   RETURNS type | TABLE (col type, …) | SETOF type  [STATE type]  LANGUAGE JAVASCRIPT AS $$ body $$
 */
export interface CreateFunction {
  readonly kind: 'CreateFunction';
  readonly name: string;
  readonly orReplace: boolean;
  /** SCALAR: RETURNS type. TABLE: RETURNS TABLE (…) or SETOF type. AGGREGATE: CREATE AGGREGATE FUNCTION. STATE: CREATE STATE FUNCTION (per-key state). */
  readonly functionKind: 'SCALAR' | 'TABLE' | 'AGGREGATE' | 'STATE';
  readonly params: readonly { readonly name: string; readonly type: SqlType }[];
  /** The result's type; for a table function, one row's type (a STRUCT for RETURNS TABLE (…)). */
  readonly returns: SqlType;
  readonly language: 'JAVASCRIPT';
  readonly body: string;
  /** Where the body starts in the statement's script, so a JavaScript syntax error can point into it. */
  readonly bodyAt: Loc;
  readonly nullInput: 'call' | 'returnNull';
  /** A state function's STATE type: what it keeps per key (the column a CREATE TABLE AS over it holds). */
  readonly state?: SqlType;
  readonly loc?: Loc;
}

export interface DropFunction {
  readonly kind: 'DropFunction';
  readonly name: string;
  readonly ifExists: boolean;
  readonly loc?: Loc;
}
