// The projection of a pull or push query: the select list as written.

import { SqlError } from '../parser/errors.js';
import type { ColumnDef } from './catalog.js';
import { compileSelectItem, tableFunction, type ErrorRoute } from './compile.js';
import { exprText } from './expr-text.js';
import { callsTableFunction, planTableFunctionCall } from './function-calls.js';
import type { TableFunctionImpl } from './functions/types.js';
import type { CompiledExpr, FlatMapNode, PlanNode, ProjectNode, Schema } from './plan.js';
import type { PlannedRelation } from './plan-relation.js';
import type { PlannedQuery } from './planned-query.js';
import { bindingIndex } from './query-exprs.js';
import type { RelationScope } from './relation-scope.js';
import type { SelectColumn } from './select-list.js';

/**
 * Pull and push queries answer with the select list as written: columns in select order,
 * marked KEY only where they are a table's key (or its window bounds), as ksqlDB's REST API does.
 */
export function planTransientProjection(rel: PlannedRelation, scope: RelationScope, input: PlanNode, columns: SelectColumn[], errors: ErrorRoute): PlannedQuery {
  const keyIndexes = new Set(rel.isTable && !rel.isJoin ? rel.entries[0]!.columns.map((c, i) => (c.role === 'key' ? i : -1)).filter((i) => i >= 0) : []);
  const hasTableFn = callsTableFunction(columns, scope, rel.isTable);
  const outCols: ColumnDef[] = [];
  const exprs: (CompiledExpr | { tableFunction: TableFunctionImpl; args: CompiledExpr[]; text: string })[] = [];
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new SqlError(`Duplicate column name '${c.name}' in the projection. Use AS to give it another name.`, c.loc);
    seen.add(c.name);
    const isWindowBound = c.expr.kind === 'ColumnRef' && (c.expr.name === 'WINDOWSTART' || c.expr.name === 'WINDOWEND') && rel.isTable && rel.windowed;
    const bi = bindingIndex(c.expr, scope);
    const role = (bi !== undefined && keyIndexes.has(bi)) || isWindowBound ? ('key' as const) : ('value' as const);
    if (c.expr.kind === 'FunctionCall' && tableFunction(c.expr.name, scope)) {
      const { impl, args } = planTableFunctionCall(c.expr, scope, errors);
      exprs.push({ tableFunction: impl, args, text: exprText(c.expr) });
      outCols.push({ name: c.name, type: impl.returnType, role });
    } else {
      const e = compileSelectItem(c.expr, scope, errors);
      exprs.push(e);
      outCols.push({ name: c.name, type: e.type, role });
    }
  }
  const schema: Schema = { columns: outCols, isTable: rel.isTable, ...(rel.node.schema.windowed ? { windowed: rel.node.schema.windowed } : {}) };
  const root: ProjectNode | FlatMapNode = hasTableFn ? { kind: 'FlatMap', input, exprs, schema } : { kind: 'Project', input, exprs: exprs as CompiledExpr[], schema };
  return { root, output: schema, relation: rel };
}
