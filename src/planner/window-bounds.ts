// Where WINDOWSTART/WINDOWEND may be read before a windowed aggregation has made them.

import type { Expr } from '../parser/ast.js';
import { SqlError } from '../parser/errors.js';
import { walkExpr } from './expr-text.js';
import type { RelationScope } from './relation-scope.js';

/**
 * WINDOWSTART/WINDOWEND of a windowed aggregation exist only after it: WHERE sees them only from a
 * windowed source, GROUP BY never (a real column of that name is fine in both).
 */
export function rejectWindowBounds(e: Expr, scope: RelationScope, sourceBounds: boolean, message: (name: string) => string): void {
  walkExpr(e, (x) => {
    if (x.kind === 'ColumnRef' && (x.name === 'WINDOWSTART' || x.name === 'WINDOWEND')) {
      try {
        const b = scope.resolveColumn(x);
        if (b.index !== undefined || sourceBounds) return true;
      } catch {
        // unresolvable: reported below
      }
      throw new SqlError(message(x.name), x);
    }
    return true;
  });
}
