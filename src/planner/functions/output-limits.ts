// Caps on what one function call may build, so that one short expression cannot exhaust the
// server's memory (GENERATE_SERIES(1, 1000000000) once aborted the process). A call over a cap
// fails like any other bad call: a processing-log entry in a persistent query, an error in a
// pull query — never a crash.

/** Elements of an array (or rows of a table function) one call may produce. */
export const MAX_FUNCTION_ELEMENTS = 1_000_000;
/** Characters of a string one call may produce. */
export const MAX_FUNCTION_CHARS = 1024 * 1024;

/** Throws unless `count` elements fit under the cap. */
export function checkElements(fn: string, count: number): void {
  if (count > MAX_FUNCTION_ELEMENTS) throw new Error(`${fn} would produce ${count} elements; the limit is ${MAX_FUNCTION_ELEMENTS} per call`);
}

/** Throws unless a string of `length` characters fits under the cap. */
export function checkChars(fn: string, length: number): void {
  if (length > MAX_FUNCTION_CHARS) throw new Error(`${fn} would produce a string of ${length} characters; the limit is ${MAX_FUNCTION_CHARS} per call`);
}
