// Table functions: one input row becomes several output rows.

import { T } from '../../../parser/sql-type.js';
import { noOverload } from '../define.js';
import type { Value } from '../../values.js';
import { checkElements } from '../output-limits.js';
import type { ArgInfo, TableFunction } from '../types.js';

function bad(name: string, args: readonly ArgInfo[]): Error {
  return noOverload(name, args);
}

const EXPLODE: TableFunction = {
  name: 'EXPLODE',
  description: 'One row per element of an array (or per entry of a map, as a struct of key and value).',
  signatures: ['EXPLODE(ARRAY<T>) → T'],
  resolve(args) {
    const t = args[0]?.type;
    if (args.length !== 1 || !t || t.kind !== 'ARRAY') throw bad('EXPLODE', args);
    return { returnType: t.item, fn: (a) => (a[0] === null || a[0] === undefined ? [] : (a[0] as Value[])) };
  },
};

const MAX_CUBE = 20;

const CUBE_EXPLODE: TableFunction = {
  name: 'CUBE_EXPLODE',
  description: 'Every combination of the array elements with NULLs in their place (the grouping sets of a cube).',
  signatures: ['CUBE_EXPLODE(ARRAY<T>) → ARRAY<T>'],
  resolve(args) {
    const t = args[0]?.type;
    if (args.length !== 1 || !t || t.kind !== 'ARRAY') throw bad('CUBE_EXPLODE', args);
    return {
      returnType: t,
      // ksqlDB's cube: at most 20 elements; a NULL element has one possibility (NULL), so the
      // combinations that would only repeat it are skipped (no value is compared or printed).
      fn: (a) => {
        const arr = a[0] as Value[] | null;
        if (!arr) return [];
        const n = arr.length;
        if (n > MAX_CUBE) throw new Error(`cube_explode: too many columns (${n}); max is ${MAX_CUBE}`);
        let present = 0;
        for (let i = 0; i < n; i++) if (arr[i] !== null) present |= 1 << (n - 1 - i);
        checkElements('CUBE_EXPLODE', 2 ** arr.filter((v) => v !== null).length);
        const out: Value[] = [];
        for (let mask = 0; mask < 2 ** n; mask++) {
          if ((mask & present) !== mask) continue;
          out.push(arr.map((v, i) => (mask & (1 << (n - 1 - i)) ? v : null)));
        }
        return out;
      },
    };
  },
};

export const tableFunctions: TableFunction[] = [EXPLODE, CUBE_EXPLODE];
export { T };
