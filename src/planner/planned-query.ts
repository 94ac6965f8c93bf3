// What planning a SELECT yields: the operator tree, the output schema, the bound relation and, for a
// bounded ad-hoc query, its ORDER BY. Its own file so the planQuery parts can share it.

import type { PlanNode, Schema } from './plan.js';
import type { PlannedRelation } from './plan-relation.js';
import type { OrderPlan } from './order-by.js';

export interface PlannedQuery {
  readonly root: PlanNode;
  readonly output: Schema;
  readonly relation: PlannedRelation;
  /** ORDER BY of a bounded ad-hoc query: the runtime sorts the whole answer by it, then applies LIMIT. */
  readonly order?: OrderPlan;
}
