// Table functions: one input row becomes several output rows.

import { formatType, T } from '../../../parser/sql-type.js';
import type { Value } from '../../values.js';
import { checkElements } from '../output-limits.js';
import type { ArgInfo, TableFunction } from '../types.js';

function bad(name: string, args: readonly ArgInfo[]): Error {
  return new Error(`Function '${name}' does not accept parameters (${args.map((a) => (a.type ? formatType(a.type) : 'NULL')).join(', ')}).`);
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

const CUBE_EXPLODE: TableFunction = {
  name: 'CUBE_EXPLODE',
  description: 'Every combination of the array elements with NULLs in their place (the grouping sets of a cube).',
  signatures: ['CUBE_EXPLODE(ARRAY<T>) → ARRAY<T>'],
  resolve(args) {
    const t = args[0]?.type;
    if (args.length !== 1 || !t || t.kind !== 'ARRAY') throw bad('CUBE_EXPLODE', args);
    return {
      returnType: t,
      fn: (a) => {
        const arr = a[0] as Value[] | null;
        if (!arr) return [];
        const out: Value[] = [];
        const n = arr.length;
        checkElements('CUBE_EXPLODE', 2 ** n);
        const seen = new Set<string>();
        for (let mask = 0; mask < 2 ** n; mask++) {
          const combo = arr.map((v, i) => (Math.floor(mask / 2 ** (n - 1 - i)) % 2 ? v : null));
          const k = JSON.stringify(combo);
          if (!seen.has(k)) {
            seen.add(k);
            out.push(combo);
          }
        }
        return out;
      },
    };
  },
};

export const tableFunctions: TableFunction[] = [EXPLODE, CUBE_EXPLODE];
export { T };
