// The category SHOW FUNCTIONS gives a built-in, in ksqlDB's words (its FunctionCategory): Eddy
// groups its definitions by family (one file each), and a few families hold functions ksqlDB
// files elsewhere — the map functions among the collections, GREATEST/LEAST (mathematical)
// among the conditionals, the regular expression and URL functions among the strings.

import type { ScalarFunction } from './types.js';

const BY_FAMILY: Readonly<Record<ScalarFunction['category'], string>> = {
  math: 'MATHEMATICAL',
  string: 'STRING',
  datetime: 'DATE / TIME',
  json: 'JSON',
  collection: 'ARRAY',
  lambda: 'LAMBDA',
  conditional: 'CONDITIONAL',
  conversion: 'CONVERSIONS',
  other: 'OTHER',
};

/** Functions whose ksqlDB category is not their family's. */
const BY_NAME: Readonly<Record<string, string>> = {
  AS_MAP: 'MAP',
  ENTRIES: 'MAP',
  MAP_KEYS: 'MAP',
  MAP_UNION: 'MAP',
  MAP_VALUES: 'MAP',
  GREATEST: 'MATHEMATICAL',
  LEAST: 'MATHEMATICAL',
  FROM_BYTES: 'STRING',
  TO_BYTES: 'STRING',
  // ksqlDB declares no category for these, so they take UdfDescription's default.
  AS_VALUE: 'OTHER',
  GEO_DISTANCE: 'OTHER',
};

/** The category ksqlDB lists a built-in scalar function under. */
export function ksqlCategory(name: string, family: ScalarFunction['category']): string {
  const named = BY_NAME[name];
  if (named) return named;
  if (name.startsWith('REGEXP_')) return 'REGULAR EXPRESSION';
  if (name.startsWith('URL_')) return 'URL';
  return BY_FAMILY[family];
}
