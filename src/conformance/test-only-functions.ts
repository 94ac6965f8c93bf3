// Functions that some ksqlDB test cases call but that ship only on ksqlDB's own test classpath
// (test UDFs/UDAFs/UDTFs, not part of any ksqlDB release). Eddy does not imitate them: a case that
// calls one is reported as skipped, with this reason. Keep the list short and exact: a name goes
// here only when ksqlDB's function reference does not document it.

export const TEST_ONLY_FUNCTIONS: readonly string[] = [
  'TEST_UDF',
  'TEST_UDTF',
  'TEST_UDAF',
  'VAR_ARG',
  'GENERIC_VAR_ARG',
  'MID_VAR_ARG',
  'MULTI_ARG',
  'OBJ_COL_ARG',
  'SUM_LIST',
  'TOSTRUCT',
  'BAD_UDF',
];

/** The first test-only function the statements call, if any. */
export function testOnlyFunctionIn(statements: readonly string[]): string | undefined {
  const text = statements.join('\n');
  return TEST_ONLY_FUNCTIONS.find((name) => new RegExp(`\\b${name}\\s*\\(`, 'i').test(text));
}
