// Java regular expressions (ksqlDB's java.util.regex) run by Eddy's linear-time matcher (RE2):
// Java's US-ASCII POSIX classes \p{Lower}, \P{Digit}… are rewritten to RE2's [[:lower:]] and
// match the same; inline flags and \Q…\E need nothing. What needs backtracking (possessive
// quantifiers, atomic groups, lookaround, backreferences) or what RE2 would read as something
// else (a class intersection `[a-z&&[^e]]`) is refused while planning, naming the construct.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, refusalOf, topic } from './helpers.js';

let eddy: Eddy;
beforeEach(() => {
  eddy = engine();
  eddy.execute("CREATE STREAM S (K INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
});
afterEach(() => eddy?.close());

describe('Java regex syntax RE2 spells differently', () => {
  it('reads the POSIX classes, negated and inside a class, as Java does (ASCII only)', () => {
    eddy.execute(
      "CREATE STREAM O AS SELECT K, REGEXP_EXTRACT('\\p{Upper}+', V) AS U, REGEXP_REPLACE(V, '[\\p{Lower}\\p{Digit}]', '_') AS R, REGEXP_EXTRACT('\\P{Lower}+', V) AS N, REGEXP_EXTRACT('(?i)déf|def', V) AS I FROM S;",
    );
    insert(eddy, 'S', 'K, V', "1, 'abcDEF12é'", 1);
    expect(topic(eddy, 'O').map((r) => r.value)).toEqual([{ U: 'DEF', R: '___DEF__é', N: 'DEF12é', I: 'DEF' }]);
  });
});

describe('Java constructs RE2 cannot run', () => {
  const refused = (pattern: string): string => refusalOf(eddy, `CREATE STREAM O AS SELECT K, REGEXP_EXTRACT('${pattern}', V) AS X FROM S;`);

  it('are refused while planning, each named', () => {
    expect(refused('a++b')).toContain('it uses a possessive quantifier (++)');
    expect(refused('x{2}+')).toContain('it uses a possessive quantifier (}+)');
    expect(refused('(?>ab)c')).toContain('it uses an atomic group (?>…)');
    expect(refused('(?<=a)b')).toContain('it uses a lookaround group');
    expect(refused('\\p{javaLowerCase}')).toContain('it uses the Java character class \\p{javaLowerCase}');
  });

  it('refuse a class intersection, which RE2 would take as a set of literal chars', () => {
    expect(refused('[a-z&&[^e]]+')).toContain("REGEXP_EXTRACT: invalid or unsupported regular expression '[a-z&&[^e]]+': it uses a character class intersection (&&)");
  });

  it('are not mistaken for literal text that merely looks like them', () => {
    eddy.execute("CREATE STREAM O AS SELECT K, REGEXP_EXTRACT('a\\++b', V) AS A, REGEXP_EXTRACT('b}+', V) AS B, REGEXP_EXTRACT('[+&]+', V) AS C FROM S;");
    insert(eddy, 'S', 'K, V', "1, 'a+b}+&c'", 1);
    expect(topic(eddy, 'O').map((r) => r.value)).toEqual([{ A: 'a+b', B: 'b}', C: '+' }]);
  });
});

describe('a brace that opens no repetition', () => {
  it("is Java's 'Illegal repetition', which fails each row (NULL), though RE2 would read it as literal text", () => {
    eddy.execute("CREATE STREAM O AS SELECT K, REGEXP_EXTRACT('a{,3}', V) AS A, REGEXP_REPLACE(V, '{', '-') AS B, REGEXP_EXTRACT('x{2}', V) AS C, REGEXP_EXTRACT('\\x{41}\\p{L}{2,}', V) AS D FROM S;");
    insert(eddy, 'S', 'K, V', "1, 'a{,3}{xxABc'", 1);
    expect(topic(eddy, 'O').map((r) => r.value)).toEqual([{ A: null, B: null, C: 'xx', D: 'ABc' }]);
  });
});
