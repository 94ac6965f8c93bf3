// The unrolled SELECT-list function computes what the plain loop computes, at every width.

import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../src/parser/sql-type.js';
import type { CompiledExpr } from '../../src/planner/plan.js';
import type { Rec } from '../../src/planner/record.js';
import { projector, projectRow } from '../../src/runtime/operators/project.js';

const col = (i: number): CompiledExpr => ({ text: `C${i}`, type: { kind: 'BIGINT' } as SqlType, eval: (r) => (r.cols[i % r.cols.length] as number) * (i + 1) });

describe('projector', () => {
  it('equals the loop for no, few, many and more columns than it unrolls', () => {
    const r: Rec = { cols: [1, 2, 3, 4, 5], ts: 0, partition: 0, offset: 0 };
    for (const width of [0, 1, 4, 64, 65, 200]) {
      const exprs = Array.from({ length: width }, (_, i) => col(i));
      expect(projector(exprs)(r), `width ${width}`).toEqual(projectRow(exprs, r));
      expect(projector(exprs)(r)).toHaveLength(width);
    }
  });
});
