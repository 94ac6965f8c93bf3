// What separates a Java regular expression (ksqlDB compiles patterns with java.util.regex) from
// RE2's syntax, which Eddy runs: the POSIX classes Java spells \p{Lower} are RE2's [[:lower:]]
// (both US-ASCII), so they are rewritten; the constructs that need backtracking (possessive
// quantifiers, atomic groups, lookaround, backreferences) or that RE2 reads differently (a class
// intersection `[a-z&&[^e]]`, which RE2 would take as a set of literal chars) are named, so the
// pattern is refused with a reason instead of failing obscurely or matching something else.

const POSIX: Readonly<Record<string, string>> = {
  Lower: 'lower',
  Upper: 'upper',
  ASCII: 'ascii',
  Alpha: 'alpha',
  Digit: 'digit',
  Alnum: 'alnum',
  Punct: 'punct',
  Graph: 'graph',
  Print: 'print',
  Blank: 'blank',
  Cntrl: 'cntrl',
  XDigit: 'xdigit',
  Space: 'space',
};

export interface JavaPattern {
  /** The pattern in RE2 syntax (POSIX classes rewritten). */
  readonly re2: string;
  /** A construct Java has and RE2 lacks, described for a message, if the pattern uses one. */
  readonly unsupported?: string;
  /**
   * Why java.util.regex refuses the pattern where RE2 takes it, if it does: a `{` that opens no
   * repetition `{n}`, `{n,}`, `{n,m}` (`a{,3}`, `{x}`) is Java's "Illegal repetition" but RE2's
   * literal text.
   */
  readonly invalid?: string;
}

/** Read a Java pattern: rewrite what RE2 spells differently, name the first construct it lacks. */
export function readJavaPattern(pattern: string): JavaPattern {
  let out = '';
  let classDepth = 0;
  let unsupported: string | undefined;
  let invalid: string | undefined;
  const note = (what: string): void => {
    unsupported ??= what;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (n === 'Q') {
        // \Q…\E quotes everything up to \E; RE2 reads it the same way.
        const end = pattern.indexOf('\\E', i + 2);
        const stop = end < 0 ? pattern.length : end + 2;
        out += pattern.slice(i, stop);
        i = stop - 1;
        continue;
      }
      if ((n === 'p' || n === 'P') && pattern[i + 2] === '{') {
        const close = pattern.indexOf('}', i + 3);
        const name = close < 0 ? '' : pattern.slice(i + 3, close);
        const posix = POSIX[name.replace(/^Is/, '')];
        if (posix) {
          const cls = `[:${n === 'P' ? '^' : ''}${posix}:]`;
          out += classDepth > 0 ? cls : `[${cls}]`;
          i = close;
          continue;
        }
        if (name.startsWith('java')) note(`the Java character class \\${n}{${name}}`);
      }
      if ('pPxN'.includes(n) && n !== '' && pattern[i + 2] === '{') {
        // \p{L}, \x{263A}, \N{name}: the braces belong to the escape.
        const close = pattern.indexOf('}', i + 3);
        const stop = close < 0 ? pattern.length : close + 1;
        out += pattern.slice(i, stop);
        i = stop - 1;
        continue;
      }
      if (/[1-9]/.test(n) && classDepth === 0) note(`a backreference \\${n}`);
      if (n === 'k' && pattern[i + 2] === '<') note('a named backreference \\k<…>');
      if ('GZRXhH'.includes(n) && n !== '') note(`the escape \\${n}`);
      out += c + n;
      i++;
      continue;
    }
    if (classDepth > 0) {
      if (c === '[') classDepth++;
      else if (c === ']') classDepth--;
      else if (c === '&' && pattern[i + 1] === '&') note('a character class intersection (&&)');
      out += c;
      continue;
    }
    if (c === '[') {
      classDepth = 1;
      out += c;
      // A ']' right after '[' or '[^' is a literal member, not the end.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += pattern[++i];
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2, i + 4);
      if (rest.startsWith('>')) note('an atomic group (?>…)');
      else if (rest.startsWith('=') || rest.startsWith('!') || rest === '<=' || rest === '<!') note('a lookaround group');
    }
    if (c === '+' && isQuantifierEnd(pattern, i - 1)) note(`a possessive quantifier (${pattern[i - 1]}+)`);
    if (c === '{' && (i === 0 || !/^\{\d+(,\d*)?\}/.test(pattern.slice(i)))) invalid ??= `Illegal repetition near index ${i}`;
    out += c;
  }
  return { re2: out, ...(unsupported === undefined ? {} : { unsupported }), ...(invalid === undefined ? {} : { invalid }) };
}

/** Whether the char at `at` ends a quantifier: an unescaped * + ? or the } of {n}, {n,} or {n,m}. */
function isQuantifierEnd(pattern: string, at: number): boolean {
  if (at < 0 || isEscaped(pattern, at)) return false;
  const c = pattern[at]!;
  if (c === '}') return /\{\d+(,\d*)?\}$/.test(pattern.slice(0, at + 1));
  return c === '*' || c === '+' || c === '?';
}

function isEscaped(pattern: string, at: number): boolean {
  let n = 0;
  for (let j = at - 1; j >= 0 && pattern[j] === '\\'; j--) n++;
  return n % 2 === 1;
}
