// Tokens of ksqlDB's SQL. Keywords are case-insensitive; most are non-reserved (they may also
// name columns, sources and functions), as in ksqlDB's grammar — the `NonReserved` category
// lets the parser accept them wherever an identifier fits.

import { createToken, Lexer, type TokenType } from 'chevrotain';

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_@$]*/ });
export const NonReserved = createToken({ name: 'NonReserved', pattern: Lexer.NA });

const keywordTokens: TokenType[] = [];
const byName = new Map<string, TokenType>();

function kw(word: string, reserved = false): TokenType {
  const t = createToken({
    name: word,
    pattern: new RegExp(`${word}(?![A-Za-z0-9_@$])`, 'i'),
    longer_alt: Identifier,
    categories: reserved ? [] : [NonReserved],
  });
  keywordTokens.push(t);
  byName.set(word, t);
  return t;
}

// Reserved: clause words that would make the grammar ambiguous if they could be aliases.
export const Select = kw('SELECT', true);
export const From = kw('FROM', true);
export const Where = kw('WHERE', true);
export const Group = kw('GROUP', true);
export const By = kw('BY', true);
export const Having = kw('HAVING', true);
export const Window = kw('WINDOW', true);
export const Partition = kw('PARTITION', true);
export const Emit = kw('EMIT', true);
export const Limit = kw('LIMIT', true);
export const Join = kw('JOIN', true);
export const Inner = kw('INNER', true);
export const Left = kw('LEFT', true);
export const Right = kw('RIGHT', true);
export const Full = kw('FULL', true);
export const Outer = kw('OUTER', true);
export const On = kw('ON', true);
export const Within = kw('WITHIN', true);
export const As = kw('AS', true);
export const And = kw('AND', true);
export const Or = kw('OR', true);
export const Not = kw('NOT', true);
export const Is = kw('IS', true);
export const Null = kw('NULL', true);
export const True = kw('TRUE', true);
export const False = kw('FALSE', true);
export const Case = kw('CASE', true);
export const When = kw('WHEN', true);
export const Then = kw('THEN', true);
export const Else = kw('ELSE', true);
export const End = kw('END', true);
export const Cast = kw('CAST', true);
export const In = kw('IN', true);
export const Between = kw('BETWEEN', true);
export const Like = kw('LIKE', true);
export const Escape = kw('ESCAPE', true);
export const Distinct = kw('DISTINCT', true);
export const With = kw('WITH', true);
export const Values = kw('VALUES', true);
export const SetKw = kw('SET', true);
export const Into = kw('INTO', true);

// Non-reserved.
export const Create = kw('CREATE');
export const Replace = kw('REPLACE');
export const Stream = kw('STREAM');
export const Streams = kw('STREAMS');
export const Table = kw('TABLE');
export const Tables = kw('TABLES');
export const Source = kw('SOURCE');
export const If = kw('IF');
export const Exists = kw('EXISTS');
export const Key = kw('KEY');
export const Primary = kw('PRIMARY');
export const Headers = kw('HEADERS');
export const Header = kw('HEADER');
export const Insert = kw('INSERT');
export const Drop = kw('DROP');
export const Delete = kw('DELETE');
export const Topic = kw('TOPIC');
export const Topics = kw('TOPICS');
export const Show = kw('SHOW');
export const List = kw('LIST');
export const Queries = kw('QUERIES');
export const Functions = kw('FUNCTIONS');
export const FunctionKw = kw('FUNCTION');
export const Properties = kw('PROPERTIES');
export const Types = kw('TYPES');
export const Sinks = kw('SINKS');
export const Type = kw('TYPE');
export const Extended = kw('EXTENDED');
export const Describe = kw('DESCRIBE');
export const Explain = kw('EXPLAIN');
export const Analyze = kw('ANALYZE');
export const Terminate = kw('TERMINATE');
export const All = kw('ALL');
export const Unset = kw('UNSET');
export const Run = kw('RUN');
export const Script = kw('SCRIPT');
export const Print = kw('PRINT');
export const Beginning = kw('BEGINNING');
export const Interval = kw('INTERVAL');
export const Changes = kw('CHANGES');
export const Final = kw('FINAL');
export const Tumbling = kw('TUMBLING');
export const Hopping = kw('HOPPING');
export const Session = kw('SESSION');
export const Size = kw('SIZE');
export const Advance = kw('ADVANCE');
export const Retention = kw('RETENTION');
export const Grace = kw('GRACE');
export const Period = kw('PERIOD');
export const Update = kw('UPDATE');
export const Copy = kw('COPY');
export const ArrayKw = kw('ARRAY');
export const MapKw = kw('MAP');
export const Struct = kw('STRUCT');
export const Decimal = kw('DECIMAL');
// ORDER BY (Eddy): non-reserved, so `order` still names a column or an alias.
export const Order = kw('ORDER');
export const Asc = kw('ASC');
export const Desc = kw('DESC');
export const Nulls = kw('NULLS');
export const First = kw('FIRST');
export const Last = kw('LAST');
export const Assert = kw('ASSERT');
export const Schema = kw('SCHEMA');
export const Subject = kw('SUBJECT');
export const Id = kw('ID');
export const Timeout = kw('TIMEOUT');

/**
 * What may stand in a type's parentheses (`VARCHAR(10)`, ksqlDB's `typeParameter`: an integer or
 * the word STRING). One category, so the parser matches it as one set of tokens — as ANTLR
 * does — and a syntax error there can say which tokens would do.
 */
export const TypeParameter = createToken({ name: 'TypeParameter', pattern: Lexer.NA });
export const StringKw = createToken({
  name: 'STRING',
  pattern: /STRING(?![A-Za-z0-9_@$])/i,
  longer_alt: Identifier,
  categories: [NonReserved, TypeParameter],
});
keywordTokens.push(StringKw);
byName.set('STRING', StringKw);

export const BacktickIdentifier = createToken({ name: 'BacktickIdentifier', pattern: /`(?:[^`]|``)*`/ });
export const DoubleQuotedIdentifier = createToken({ name: 'DoubleQuotedIdentifier', pattern: /"(?:[^"]|"")*"/ });
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /'(?:[^']|'')*'/ });
export const DecimalLiteral = createToken({ name: 'DecimalLiteral', pattern: /(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/ });
/** ksqlDB allows identifiers that start with digits (`1R`). */
export const DigitIdentifier = createToken({ name: 'DigitIdentifier', pattern: /\d+[A-Za-z_][A-Za-z0-9_@$]*/ });
export const IntegerLiteral = createToken({ name: 'IntegerLiteral', pattern: /\d+/, longer_alt: [DecimalLiteral, DigitIdentifier], categories: [TypeParameter] });

export const Arrow = createToken({ name: 'Arrow', pattern: /->/ });
export const LambdaArrow = createToken({ name: 'LambdaArrow', pattern: /=>/ });
export const Assign = createToken({ name: 'Assign', pattern: /:=/ });
export const NotEquals = createToken({ name: 'NotEquals', pattern: /<>|!=/ });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/ });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/ });
export const Less = createToken({ name: 'Less', pattern: /</ });
export const Greater = createToken({ name: 'Greater', pattern: />/ });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });
export const Concat = createToken({ name: 'Concat', pattern: /\|\|/ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const Percent = createToken({ name: 'Percent', pattern: /%/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /]/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED });

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  NonReserved,
  TypeParameter,
  ...keywordTokens,
  Identifier,
  BacktickIdentifier,
  DoubleQuotedIdentifier,
  StringLiteral,
  DecimalLiteral,
  DigitIdentifier,
  IntegerLiteral,
  Arrow,
  LambdaArrow,
  Assign,
  NotEquals,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  Concat,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  Semicolon,
  Colon,
];

export const sqlLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });

/** Every keyword, upper case (for completion). */
export const KEYWORDS: readonly string[] = [...byName.keys()];
