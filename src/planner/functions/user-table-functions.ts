// User table functions (UDTFs): registered from the library (Eddy.registerTableFunction) or by
// CREATE FUNCTION … RETURNS TABLE (…) | SETOF type. One input row becomes the rows the function
// gives (any iterable: an array, a Set, a generator), planned where ksqlDB's EXPLODE is — on its
// own in the SELECT list of a stream query — so FlatMap runs them like the built-ins.
//
// NULL and errors, as ksqlDB's UDTFs: a NULL argument reaches the function (unless it is declared
// RETURNS NULL ON NULL INPUT / nullInput 'returnNull': then the record gives no rows, as
// EXPLODE(NULL) does); a result of null/undefined is no rows; a NULL element is a row whose value
// is NULL. A function that throws, or gives something that is not an iterable of its declared row
// type, sends the record to the processing log (with its offset) and gives no rows; the query
// goes on.

import { formatType, type SqlType } from '../../parser/sql-type.js';
import type { Value } from '../values.js';
import { MAX_FUNCTION_ELEMENTS } from './output-limits.js';
import type { ArgInfo, FunctionSettings, TableFunction, TableFunctionImpl } from './types.js';
import { checkUserArgs, resultChecker, widen, type UserOrigin, type UserParam } from './user-functions.js';

export interface UserTableDef {
  readonly name: string;
  readonly params: readonly UserParam[];
  /** The type of one row: a STRUCT for RETURNS TABLE (A INT, B STRING), else the SETOF type. */
  readonly returns: SqlType;
  readonly description?: string;
  readonly nullInput?: 'call' | 'returnNull';
  /** Called with the arguments in order; returns an iterable of rows (or null for none). */
  readonly call: (args: readonly Value[]) => unknown;
  readonly origin: UserOrigin;
}

/** The rows an iterable gives, at most MAX_FUNCTION_ELEMENTS (an endless generator is an error, not a hang). */
export function collectRows(name: string, result: unknown): unknown[] {
  if (result === null || result === undefined) return [];
  if (typeof result !== 'object' || typeof (result as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new Error(`${name} returned ${typeof result === 'string' ? JSON.stringify(result) : String(result)} (${typeof result}), not an iterable of rows (an array or a generator)`);
  }
  const out: unknown[] = [];
  for (const row of result as Iterable<unknown>) {
    if (out.length === MAX_FUNCTION_ELEMENTS) throw new Error(`${name} gave more than ${MAX_FUNCTION_ELEMENTS} rows for one record (the limit per call)`);
    out.push(row);
  }
  return out;
}

/** The TableFunction a user definition is planned as (a FunctionTable makes it once, at registration). */
export function userTableFunction(def: UserTableDef): TableFunction {
  const name = def.name.toUpperCase();
  return {
    name,
    description: def.description ?? (def.origin === 'library' ? 'user table function (library)' : `user table function (SQL, JAVASCRIPT${def.origin.sandboxed ? ', sandboxed' : ''})`),
    signatures: [tableSignatureOf(def)],
    resolve(args: readonly ArgInfo[], settings?: FunctionSettings): TableFunctionImpl {
      checkUserArgs(name, def.params, args);
      const check = resultChecker(name, def.returns);
      const report = settings?.onError ?? (() => {});
      const returnNull = def.nullInput === 'returnNull';
      const params = def.params;
      return {
        returnType: def.returns,
        fn: (a) => {
          if (returnNull && a.some((v) => v === null || v === undefined)) return [];
          try {
            return collectRows(name, def.call(a.map((v, i) => widen(params[i]!.type, v ?? null)))).map(check);
          } catch (e) {
            report(`Error computing table function ${name}: ${(e as Error).message}`);
            return [];
          }
        },
      };
    },
  };
}

/** `NAME(X STRING) → TABLE (WORD STRING, POS INTEGER)` or `… → SETOF STRING`. */
export function tableSignatureOf(def: { name: string; params: readonly UserParam[]; returns: SqlType }): string {
  return `${def.name}(${def.params.map((p) => `${p.name} ${formatType(p.type)}`).join(', ')}) → ${rowTypeText(def.returns)}`;
}

/** How DESCRIBE and SHOW word a row type: TABLE (A INT, …) for a STRUCT, else SETOF T. */
export function rowTypeText(t: SqlType): string {
  return t.kind === 'STRUCT' ? `TABLE (${t.fields.map((f) => `${f.name} ${formatType(f.type)}`).join(', ')})` : `SETOF ${formatType(t)}`;
}
