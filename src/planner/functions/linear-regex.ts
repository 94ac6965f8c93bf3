// Regular expressions for SQL functions, run by re2js (a pure-JS port of RE2): matching takes
// time linear in the input, so no pattern can hang the engine the way a backtracking one
// (`(a+)+$` on "aaaa…b") hangs V8's RegExp. RE2 has no backreferences or lookaround; such a
// pattern is an error that says so, as is a Java construct RE2 lacks (java-regex-constructs.ts). Compiled patterns are cached: compiling costs far more than
// matching, and a query applies the same pattern to every row.

import { RE2JS, RE2JSException } from 're2js';
import type { SqlType } from '../../parser/sql-type.js';
import type { ArgInfo } from './types.js';
import { readJavaPattern } from './java-regex-constructs.js';

const cache = new Map<string, RE2JS>();
const CACHE_SIZE = 512;

/** The compiled pattern, or an error naming the function and what RE2 refused. */
export function linearRegex(fn: string, pattern: string, ignoreCase = false): RE2JS {
  const key = ignoreCase ? `i:${pattern}` : `c:${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const java = readJavaPattern(pattern);
  let re: RE2JS;
  // java.util.regex's refusal: each call fails (the row's value is NULL), as ksqlDB compiles per call.
  if (java.invalid) throw new Error(`${java.invalid}\n${pattern}`);
  try {
    if (java.unsupported) throw new Error(`it uses ${java.unsupported}, which Java's regular expressions have and RE2 does not`);
    re = RE2JS.compile(java.re2, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (e) {
    const why = e instanceof RE2JSException || e instanceof Error ? e.message : String(e);
    throw new Error(
      `${fn}: invalid or unsupported regular expression '${pattern}': ${why} (Eddy matches in linear time with RE2 syntax: no backreferences or lookaround, possessive quantifiers, atomic groups or class intersections)`,
    );
  }
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(key, re);
  return re;
}

/**
 * A function's return type that also checks a constant pattern argument while planning. ksqlDB
 * compiles the pattern on each call, so a pattern that is not a regular expression at all fails
 * each row at run time (the row's value is NULL, the processing log says why), and is not refused
 * here. A pattern that is valid where backtracking engines take it (JavaScript's RegExp syntax, as
 * close to Java's as we have) but that RE2 cannot run (a backreference, lookaround) is Eddy's
 * limit, not the user's error: that one is refused while planning, with line and column.
 */
export function checkedPattern(fn: string, patternArg: number, returns: SqlType): (types: readonly unknown[], infos: readonly ArgInfo[]) => SqlType {
  return (_types, infos) => {
    const a = infos[patternArg];
    if (a?.isConstant && typeof a.constant === 'string' && !readJavaPattern(a.constant).invalid && (isRegexSyntax(a.constant) || readJavaPattern(a.constant).unsupported)) linearRegex(fn, a.constant);
    return returns;
  };
}

/** The pattern parses as a backtracking regular expression (compiled only, never run). */
function isRegexSyntax(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Group `group` of the first match (0: the whole match), or null. */
export function regexFirst(fn: string, pattern: string, input: string, group = 0): string | null {
  const m = linearRegex(fn, pattern).matcher(input);
  if (!m.find() || group < 0 || group > m.groupCount()) return null;
  return m.group(group);
}

/** Group `group` of every match. */
export function regexAll(fn: string, pattern: string, input: string, group = 0): (string | null)[] {
  const m = linearRegex(fn, pattern).matcher(input);
  const out: (string | null)[] = [];
  const inRange = group >= 0 && group <= m.groupCount();
  while (m.find()) out.push(inRange ? m.group(group) : null);
  return out;
}

/** Every match replaced; `$1`, `$&` and `$$` in the replacement work as in JavaScript's replace. */
/** Java's String.replaceAll: `$n` (also `$0`) and `${name}` insert groups, a backslash escapes; a missing group is an error. */
export function regexReplace(fn: string, pattern: string, input: string, replacement: string): string {
  return linearRegex(fn, pattern).matcher(input).replaceAll(replacement, true);
}

/** Java's Pattern.split with a negative limit: capture groups are not returned, trailing empties kept. */
export function regexSplit(fn: string, pattern: string, input: string): string[] {
  const m = linearRegex(fn, pattern).matcher(input);
  const out: string[] = [];
  let last = 0;
  while (m.find()) {
    const start = m.start();
    const end = m.end();
    if (start === end && (start === 0 || start === input.length)) continue;
    out.push(input.slice(last, start));
    last = end;
  }
  out.push(input.slice(last));
  return out;
}
