// A syntax error worded as ksqlDB words it. ksqlDB's parser (ANTLR, with its SyntaxErrorValidator)
// reports `line L:C: Syntax Error`, a line saying what went wrong, and `Statement: <the line>`.
// What goes wrong is found here the way ANTLR finds it, by asking the grammar what it would
// accept, not by reading chevrotain's own message:
//   - the offending token is the first one no reading of the statement accepts (ANTLR predicts
//     with all the lookahead it needs, so `ASSERT VALUES` fails at VALUES, not at ASSERT);
//   - a statement's first word that starts nothing: `Unknown statement 'X'` + `Did you mean 'Y'?`
//     (the nearest statement word by edit distance), or, for a ksqlDB statement Eddy lacks
//     (PAUSE, RESUME, …), that it is not supported;
//   - a reserved word where dropping it lets the statement go on: it is a reserved keyword, and
//     how to quote it (ANTLR's single-token deletion, as ksqlDB words it);
//   - no alternative of a choice fits: `Syntax error at or near 'X' at line L:C`;
//   - the end of the statement with a bracket still open: which brackets could be missing;
//   - the one token that could come is missing and the next would fit after it:
//     `missing ')' at ','` (ANTLR's single-token insertion);
//   - otherwise what could come instead, `Expecting {…}`, when that is at most three tokens;
//     with more, the line is left empty (as ksqlDB leaves it).

import { EOF, createTokenInstance, tokenMatcher, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import { SqlError, type SqlErrorPosition } from './errors.js';
import * as L from './lexer.js';

/** What computes the tokens a rule accepts after a prefix (the parser's content assist). */
export interface GrammarOracle {
  computeContentAssist(startRuleName: string, precedingTokens: IToken[]): { nextTokenType: TokenType; ruleStack: string[] }[];
}

export interface SyntaxErrorInput {
  readonly error: IRecognitionException;
  /** The tokens of the statement being parsed (no `;`). */
  readonly tokens: readonly IToken[];
  /** The whole text the tokens came from (their offsets index it). */
  readonly text: string;
  readonly startRule: string;
  readonly oracle: GrammarOracle;
  /** Advice after ksqlDB's message, for a habit from another SQL (may be empty). */
  readonly hint?: (offending: IToken | undefined, before: string) => string;
}

const MAX_ASSISTED_TOKENS = 5000;

/** The words that start a ksqlDB statement (its SyntaxErrorValidator's list). */
const KSQL_STATEMENTS = ['SELECT', 'CREATE', 'INSERT', 'DESCRIBE', 'PRINT', 'EXPLAIN', 'SHOW', 'LIST', 'TERMINATE', 'PAUSE', 'RESUME', 'DROP', 'SET', 'DEFINE', 'UNDEFINE', 'UNSET', 'ASSERT', 'ALTER'];

const RESERVED = new Set(L.allTokens.filter((t) => t.PATTERN instanceof RegExp && /^[A-Z]+\(/.test(t.PATTERN.source) && !(t.CATEGORIES ?? []).includes(L.NonReserved)).map((t) => t.name));

/** ANTLR's display of a token type in an expected set: literals quoted, classes by name. */
const PUNCTUATION: Record<string, string> = {
  Semicolon: "';'",
  Comma: "','",
  LParen: "'('",
  RParen: "')'",
  Dot: "'.'",
  LBracket: "'['",
  RBracket: "']'",
  Less: "'<'",
  Greater: "'>'",
  LambdaArrow: "'=>'",
  Equals: "'='",
  NotEquals: "'<>'",
  LessEq: "'<='",
  GreaterEq: "'>='",
  Plus: "'+'",
  Minus: "'-'",
  Star: "'*'",
  Slash: "'/'",
  Percent: "'%'",
  Concat: "'||'",
  Arrow: "'->'",
  Assign: "':='",
  Colon: "':'",
};
const CLASSES: Record<string, string> = {
  StringLiteral: 'STRING',
  IntegerLiteral: 'INTEGER_VALUE',
  DecimalLiteral: 'DECIMAL_VALUE',
  Identifier: 'IDENTIFIER',
  DigitIdentifier: 'DIGIT_IDENTIFIER',
  DoubleQuotedIdentifier: 'QUOTED_IDENTIFIER',
  BacktickIdentifier: 'BACKQUOTED_IDENTIFIER',
};
// ANTLR lists a set in token-number order: the grammar's own literals first (in the order it
// first uses them), then keywords, operators, and the literal and identifier classes.
const LITERAL_ORDER = ['Semicolon', 'Comma', 'LParen', 'RParen', 'Dot', 'LBracket', 'RBracket', 'Less', 'Greater', 'STRING', 'LambdaArrow'];

function display(t: TokenType): string {
  return PUNCTUATION[t.name] ?? CLASSES[t.name] ?? `'${t.name}'`;
}

function rank(t: TokenType): number {
  const literal = LITERAL_ORDER.indexOf(t.name);
  if (literal >= 0) return literal;
  if (t.name in PUNCTUATION) return 2000 + Object.keys(PUNCTUATION).indexOf(t.name);
  if (t.name in CLASSES) return 3000 + Object.keys(CLASSES).indexOf(t.name);
  return 1000;
}

/** A category (NonReserved, TypeParameter) stands for its members, as ANTLR would list them. */
function expand(types: Iterable<TokenType>): TokenType[] {
  const out = new Map<string, TokenType>();
  for (const t of types) {
    const members = L.allTokens.filter((m) => m !== t && (m.CATEGORIES ?? []).includes(t));
    for (const m of members.length ? members : [t]) out.set(m.name, m);
  }
  return [...out.values()].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export function formatSet(types: readonly TokenType[]): string {
  const shown = types.map(display);
  return shown.length === 1 ? shown[0]! : `{${shown.join(', ')}}`;
}

/** The end of a statement is its `;` when it has one (ksqlDB's statements always do). */
function tokenText(t: IToken | undefined, text: string, pos: SqlErrorPosition): string {
  if (t) return t.image;
  return /^\s*;/.test(text.slice(pos.offset ?? text.length)) ? ';' : '<EOF>';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

export function ksqlSyntaxError(input: SyntaxErrorInput): SqlError {
  const { error, tokens, text, startRule, oracle } = input;
  // Content assist re-reads the prefix each time (~50 ms per thousand tokens): prefixes of the
  // statement are asked once each, and a statement past MAX_ASSISTED_TOKENS is not asked at all
  // (its message then says only where the parse stopped).
  const asked = new Map<number, { nextTokenType: TokenType; ruleStack: string[] }[]>();
  const paths = (prefix: readonly IToken[]): { nextTokenType: TokenType; ruleStack: string[] }[] => {
    if (tokens.length > MAX_ASSISTED_TOKENS) return [];
    const synthetic = prefix.length > 0 && prefix[prefix.length - 1] !== tokens[prefix.length - 1];
    const known = synthetic ? undefined : asked.get(prefix.length);
    if (known) return known;
    let found: { nextTokenType: TokenType; ruleStack: string[] }[];
    try {
      found = oracle.computeContentAssist(startRule, [...prefix]);
    } catch {
      found = [];
    }
    if (!synthetic) asked.set(prefix.length, found);
    return found;
  };
  const accepts = (prefix: readonly IToken[], t: IToken): boolean => paths(prefix).some((p) => tokenMatcher(t, p.nextTokenType));

  // Where chevrotain stopped. A failed choice stops at the choice's first token; ANTLR, which
  // predicts with as much lookahead as it needs, blames the first token no alternative takes —
  // so go on while the grammar still accepts (at most chevrotain's own lookahead: past that
  // the grammar's gates, which content assist does not see, would be skipped).
  const found = error.token.tokenType === EOF || Number.isNaN(error.token.startOffset) ? tokens.length : tokens.findIndex((t) => t.startOffset === error.token.startOffset);
  const stopped = found < 0 ? tokens.length : found;
  const choice = error.name === 'NoViableAltException' || error.name === 'EarlyExitException';
  let at = stopped;
  for (let steps = 0; choice && at < tokens.length && steps < 4 && accepts(tokens.slice(0, at), tokens[at]!); steps++) at++;
  const offending = tokens[at];
  const prefix = tokens.slice(0, at);
  const pos = positionOf(offending, tokens[at - 1], text);
  const next = paths(prefix);
  // ANTLR expects what the rule it is in could take at that point; the rules around it were
  // decided earlier. Chevrotain's rule stack at the failure says which rule that is.
  const here = error.context.ruleStack.join('>');
  const inRule = next.filter((p) => p.ruleStack.join('>') === here);
  const fallback = error.name === 'MismatchedTokenException' ? expectedToken(error) : undefined;
  const expected = next.length ? (inRule.length ? inRule : next).map((p) => p.nextTokenType) : fallback ? [fallback] : [];

  let detail: string;
  if (offending && at === 0) {
    const words = [...new Set(expected.filter((t) => /^[A-Z]+$/.test(t.name)).map((t) => t.name))];
    const isWord = /^[A-Za-z_]\w*$/.test(offending.image) && !L.KEYWORDS.includes(offending.image.toUpperCase());
    const nearest = words.sort((a, b) => editDistance(a, offending.image.toUpperCase()) - editDistance(b, offending.image.toUpperCase()))[0];
    const word = offending.image.toUpperCase();
    if (KSQL_STATEMENTS.includes(word) && !words.includes(word)) detail = `Unknown statement '${offending.image}'\nksqlDB's ${word} statement is not supported by Eddy`;
    else detail = isWord && nearest ? `Unknown statement '${offending.image}'\nDid you mean '${nearest}'?` : atOrNear(offending, pos, text);
  } else if (offending && RESERVED.has(offending.tokenType.name) && tokens[at + 1] && accepts(prefix, tokens[at + 1]!)) {
    detail = `"${offending.image}" is a reserved keyword and it can't be used as an identifier. You can use it as an identifier by escaping it as '${offending.image}' `;
  } else if ((!offending || offending.tokenType === L.Semicolon) && openBrackets(prefix) > 0) {
    detail = `Syntax error at or near ";"\n'}', ']', or ')' is missing`;
  } else if (choice) {
    detail = atOrNear(offending, pos, text);
  } else {
    // ANTLR inserts a token only where one token alone could come (a match, not a loop's or an
    // option's decision): then `missing X at Y` when Y fits after X.
    const set = expand(new Map(expected.map((t) => [t.name, t])).values());
    const missing = error.name === 'MismatchedTokenException' && set.length === 1 ? expectedToken(error) : undefined;
    const followsMissing = missing && offending && accepts([...prefix, createTokenInstance(missing, '', NaN, NaN, NaN, NaN, NaN, NaN)], offending);
    if (missing && followsMissing) detail = `missing ${display(missing)} at '${tokenText(offending, text, pos)}'`;
    else detail = set.length > 0 && set.length <= 3 ? `Expecting ${formatSet(set)}` : '';
  }
  const line = text.split(/\r?\n/)[pos.line - 1] ?? '';
  const hint = input.hint?.(offending, text.slice(0, pos.offset)) ?? '';
  return new SqlError(`Syntax Error\n${detail}`, pos, { statement: line, ...(hint ? { hint } : {}) });
}

function atOrNear(t: IToken | undefined, pos: SqlErrorPosition, text: string): string {
  return `Syntax error at or near '${tokenText(t, text, pos)}' at line ${pos.line}:${pos.column}`;
}

function expectedToken(e: IRecognitionException): TokenType | undefined {
  const name = /Expecting token of type --> (\w+) <--/.exec(e.message)?.[1];
  return name ? L.allTokens.find((t) => t.name === name) : undefined;
}

function openBrackets(tokens: readonly IToken[]): number {
  let depth = 0;
  for (const t of tokens) {
    const n = t.tokenType.name;
    if (n === 'LParen' || n === 'LBracket') depth++;
    else if (n === 'RParen' || n === 'RBracket') depth--;
  }
  return depth;
}

function positionOf(t: IToken | undefined, previous: IToken | undefined, text: string): SqlErrorPosition {
  if (t && !Number.isNaN(t.startOffset)) return { line: t.startLine ?? 1, column: t.startColumn ?? 1, offset: t.startOffset };
  if (previous && !Number.isNaN(previous.startOffset)) return { line: previous.endLine ?? 1, column: (previous.endColumn ?? 0) + 1, offset: (previous.endOffset ?? 0) + 1 };
  const lines = text.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1, offset: text.length };
}
