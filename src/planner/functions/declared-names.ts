// The name ksqlDB's error messages quote for a built-in: the name its UDF class declares, which is
// lower case for most (`'substring'`) but not all (`'LPad'`, `'COUNT'`, `'JSON_KEYS'`).

const DECLARED: ReadonlyMap<string, string> = new Map(
  [
    // scalar functions
    'JSON_RECORDS',
    'JSON_ARRAY_LENGTH',
    'IS_JSON_STRING',
    'JSON_CONCAT',
    'JSON_ARRAY_CONTAINS',
    'JSON_ITEMS',
    'JSON_KEYS',
    'TO_JSON_STRING',
    'LPad',
    'RPad',
    'Chr',
    'UUID',
    'ARRAY_JOIN',
    'ENTRIES',
    'ARRAY_LENGTH',
    'GENERATE_SERIES',
    'Abs',
    'Floor',
    'Round',
    'Ceil',
    'ARRAY_CONTAINS',
    'AS_MAP',
    'IFNULL',
    'COALESCE',
    'NULLIF',
    'AS_VALUE',
    // aggregates
    'ATTR',
    'COUNT_DISTINCT',
    'COUNT',
    'MAX',
    'MIN',
    'SUM',
    'TOPK',
    'TOPKDISTINCT',
    'EARLIEST_BY_OFFSET',
    'LATEST_BY_OFFSET',
    'STDDEV_SAMP',
    'STDDEV_SAMPLE',
  ].map((n) => [n.toUpperCase(), n]),
);

/** How ksqlDB names the built-in `name` (any case) in its messages. */
export function declaredName(name: string): string {
  return DECLARED.get(name.toUpperCase()) ?? name.toLowerCase();
}
