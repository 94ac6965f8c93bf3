// SHOW FUNCTIONS as ksqlDB lists its built-ins: each under its FunctionCategory's words (a
// regular expression or URL function is not just STRING, a map function not ARRAY, GREATEST is
// MATHEMATICAL), aggregates AGGREGATE and table functions TABLE, ordered by name as Java
// compares strings ('ASIN' before 'AS_MAP').

import { afterEach, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, rows } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

it('gives each built-in the type and category ksqlDB gives it', () => {
  eddy = engine();
  const listed = new Map(rows(eddy, 'SHOW FUNCTIONS;').map((r) => [r[0] as string, [r[1], r[2]]]));
  const expected: Record<string, [string, string]> = {
    ABS: ['SCALAR', 'MATHEMATICAL'],
    GREATEST: ['SCALAR', 'MATHEMATICAL'],
    CONCAT: ['SCALAR', 'STRING'],
    REGEXP_REPLACE: ['SCALAR', 'REGULAR EXPRESSION'],
    URL_EXTRACT_HOST: ['SCALAR', 'URL'],
    ARRAY_LENGTH: ['SCALAR', 'ARRAY'],
    MAP_KEYS: ['SCALAR', 'MAP'],
    PARSE_TIMESTAMP: ['SCALAR', 'DATE / TIME'],
    JSON_KEYS: ['SCALAR', 'JSON'],
    TRANSFORM: ['SCALAR', 'LAMBDA'],
    COALESCE: ['SCALAR', 'CONDITIONAL'],
    INT_FROM_BYTES: ['SCALAR', 'CONVERSIONS'],
    TO_BYTES: ['SCALAR', 'STRING'],
    GEO_DISTANCE: ['SCALAR', 'OTHER'],
    COUNT: ['AGGREGATE', 'AGGREGATE'],
    EXPLODE: ['TABLE', 'TABLE'],
  };
  for (const [name, v] of Object.entries(expected)) expect([name, ...(listed.get(name) ?? [])]).toEqual([name, ...v]);
});

it('orders the list by name as Java compares strings', () => {
  eddy = engine();
  const names = rows(eddy, 'SHOW FUNCTIONS;').map((r) => r[0] as string);
  expect(names.indexOf('ASIN')).toBeLessThan(names.indexOf('AS_MAP'));
  expect([...names].sort()).toEqual(names);
});
