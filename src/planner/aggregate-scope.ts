// The scope of the expressions after GROUP BY (select list, HAVING): group-by values and
// aggregate results, nothing else.

import type { ColumnRef, Expr } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import type { SqlType } from '../parser/sql-type.js';
import { exprText } from './expr-text.js';
import { sameExpr } from './query-exprs.js';
import type { Rec } from './record.js';
import { pseudoBinding, type RelationScope } from './relation-scope.js';
import type { Binding, Scope } from './scope.js';

/** After GROUP BY, expressions see group-by values and aggregate results, nothing else. */
export class AggregateScope implements Scope {
  readonly allowAggregates = true;
  get functions(): Scope['functions'] {
    return this.relScope.functions;
  }
  constructor(
    private readonly groupBy: readonly Expr[],
    private readonly groupTypes: readonly SqlType[],
    private readonly aggTexts: readonly string[],
    private readonly aggTypes: readonly SqlType[],
    private readonly relScope: RelationScope,
    private readonly windowed: boolean,
  ) {}

  bindExpression(e: Expr): Binding | undefined {
    for (let i = 0; i < this.groupBy.length; i++) {
      if (sameExpr(e, this.groupBy[i]!, this.relScope)) return { type: this.groupTypes[i]!, index: i, read: (r: Rec) => r.cols[i] ?? null };
    }
    if (e.kind === 'FunctionCall') {
      const j = this.aggTexts.indexOf(exprText(e));
      if (j >= 0) {
        const idx = this.groupBy.length + j;
        return { type: this.aggTypes[j]!, index: idx, read: (r: Rec) => r.cols[idx] ?? null };
      }
    }
    return undefined;
  }

  resolveColumn(ref: ColumnRef): Binding {
    const p = ref.name === 'ROWTIME' || ref.name === 'WINDOWSTART' || ref.name === 'WINDOWEND' ? pseudoBinding(ref.name, this.windowed) : undefined;
    if (p) return p;
    // Distinguish "unknown column" from "not grouped" for a clearer message.
    this.relScope.resolveColumn(ref);
    throw new SqlError(`Non-aggregate SELECT expression(s) not part of GROUP BY: ${exprText(ref)}`, ref);
  }
}
