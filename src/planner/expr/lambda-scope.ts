import type { Expr } from '../../parser/ast.js';
import type { SqlType } from '../../parser/sql-type.js';
import type { Binding, Scope } from '../scope.js';
import type { Value } from '../values.js';

/** Lambda parameters resolve to slots of a frame that the lambda fills before each call. */
export class LambdaScope implements Scope {
  readonly allowAggregates: boolean;
  readonly functions: Scope['functions'];
  constructor(
    private readonly outer: Scope,
    private readonly params: readonly string[],
    private readonly types: readonly SqlType[],
    private readonly frame: Value[],
  ) {
    this.allowAggregates = outer.allowAggregates ?? false;
    this.functions = outer.functions;
  }
  bindExpression(e: Expr): Binding | undefined {
    if (e.kind === 'ColumnRef' && !e.source && this.params.includes(e.name)) return undefined;
    return this.outer.bindExpression?.(e);
  }
  resolveColumn(ref: Parameters<Scope['resolveColumn']>[0]): Binding {
    const i = ref.source ? -1 : this.params.indexOf(ref.name);
    if (i >= 0) {
      const frame = this.frame;
      return { type: this.types[i]!, read: () => frame[i] ?? null };
    }
    return this.outer.resolveColumn(ref);
  }
}
