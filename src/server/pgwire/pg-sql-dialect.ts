// PostgreSQL's SQL, as clients write their catalog queries, turned into SQLite's, so that
// pg-catalog-db.ts can run them over its pg_catalog tables. Token by token, outside strings and
// quoted names:
//   pg_catalog.f(…)                  → f(…)          (SQLite has no schema-qualified functions;
//                                                     pg_catalog.t, a table, stays: an attached schema)
//   OPERATOR(pg_catalog.~), ~, ~*    → REGEXP        (and !~, !~* → NOT REGEXP)
//   x::type, x::pg_catalog.type[]    → x             (SQLite compares by the column's affinity)
//   COLLATE pg_catalog.default       → (nothing)
//   E'a\nb'                          → 'a<newline>b'
//   format_type(a.atttypid, a.atttypmod) → eddy_format_type(a.attrelid, a.attnum): Eddy's own type name
//   ARRAY(SELECT x …)                → (SELECT '{' || group_concat(x) || '}' …)
// Anything else SQLite does not know (ARRAY[…], = ANY(…), unnest) makes SQLite refuse the query,
// and the caller falls back to its other answers.

interface Token {
  readonly kind: 'space' | 'string' | 'quoted' | 'word' | 'number' | 'op' | 'punct';
  readonly text: string;
}

const TOKEN = /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|[Ee]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d+)?|::|[+\-*/<>=~!@#%^&|`?]+|[(),;.[\]]/y;

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < sql.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(sql);
    if (!m) throw new Error(`cannot read the query at ${at}: ${sql.slice(at, at + 20)}`);
    const t = m[0];
    const c = t[0]!;
    const kind: Token['kind'] =
      /\s/.test(c) || t.startsWith('--') || t.startsWith('/*')
        ? 'space'
        : c === "'" || ((c === 'E' || c === 'e') && t[1] === "'")
          ? 'string'
          : c === '"'
            ? 'quoted'
            : /[A-Za-z_]/.test(c)
              ? 'word'
              : /\d/.test(c)
                ? 'number'
                : /[(),;.[\]]/.test(c)
                  ? 'punct'
                  : 'op';
    out.push({ kind, text: t });
  }
  return out;
}

const lower = (t: Token | undefined): string => (t?.kind === 'word' ? t.text.toLowerCase() : (t?.text ?? ''));

/** An E'…' string's escapes (\n, \t, \\, \'), as an ordinary SQL string. */
function escapeString(text: string): string {
  const body = text
    .slice(2, -1)
    .replace(/''/g, "'")
    .replace(/\\(.)/g, (_, ch: string) => ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' })[ch] ?? ch);
  return `'${body.replace(/'/g, "''")}'`;
}

/** The query in SQLite's dialect (see the top of the file). */
export function toSqlite(sql: string): string {
  return translate(tokenize(sql).filter((x) => x.kind !== 'space'));
}

/** The index of the `)` that closes the `(` at `open`. */
function closing(t: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < t.length; i++) {
    if (t[i]!.text === '(') depth++;
    else if (t[i]!.text === ')' && --depth === 0) return i;
  }
  throw new Error('unbalanced parentheses');
}

function translate(t: readonly Token[]): string {
  const out: string[] = [];
  const REGEXP = new Map([
    ['~', 'REGEXP'],
    ['~*', 'REGEXP'],
    ['!~', 'NOT REGEXP'],
    ['!~*', 'NOT REGEXP'],
  ]);
  for (let i = 0; i < t.length; i++) {
    const tok = t[i]!;
    const w = lower(tok);
    // ARRAY(SELECT x FROM …): the values as PostgreSQL's array text, '{a,b}' (psql's \du memberof).
    if (w === 'array' && t[i + 1]?.text === '(' && lower(t[i + 2]) === 'select') {
      const end = closing(t, i + 1);
      const inner = t.slice(i + 3, end);
      let depth = 0;
      let from = inner.length;
      for (let j = 0; j < inner.length; j++) {
        if (inner[j]!.text === '(') depth++;
        else if (inner[j]!.text === ')') depth--;
        else if (depth === 0 && lower(inner[j]) === 'from') {
          from = j;
          break;
        }
      }
      out.push(`(SELECT '{' || coalesce(group_concat(_a.v, ','), '') || '}' FROM (SELECT ${translate(inner.slice(0, from))} AS v ${translate(inner.slice(from))}) _a)`);
      i = end;
      continue;
    }
    // OPERATOR(pg_catalog.~)
    if (w === 'operator' && t[i + 1]?.text === '(') {
      let j = i + 2;
      if (lower(t[j]) === 'pg_catalog' && t[j + 1]?.text === '.') j += 2;
      const op = t[j]?.text ?? '';
      if (t[j + 1]?.text === ')' && REGEXP.has(op)) {
        out.push(REGEXP.get(op)!);
        i = j + 1;
        continue;
      }
    }
    if (tok.kind === 'op' && REGEXP.has(tok.text)) {
      out.push(REGEXP.get(tok.text)!);
      continue;
    }
    // pg_catalog.f( → f(
    if (w === 'pg_catalog' && t[i + 1]?.text === '.' && t[i + 2]?.kind === 'word' && t[i + 3]?.text === '(') {
      i += 1;
      continue;
    }
    // ::type (maybe pg_catalog-qualified, maybe an array): dropped.
    if (tok.text === '::') {
      let j = i + 1;
      if (lower(t[j]) === 'pg_catalog' && t[j + 1]?.text === '.') j += 2;
      if (t[j]?.kind === 'word' || t[j]?.kind === 'quoted') {
        // Two-word types: double precision, character varying, timestamp with time zone…
        while (['precision', 'varying', 'with', 'without', 'time', 'zone'].includes(lower(t[j + 1]))) j++;
        while (t[j + 1]?.text === '[' && t[j + 2]?.text === ']') j += 2;
        i = j;
        continue;
      }
    }
    if (w === 'collate') {
      let j = i + 1;
      if (lower(t[j]) === 'pg_catalog' && t[j + 1]?.text === '.') j += 2;
      i = j;
      continue;
    }
    // format_type(x.atttypid, x.atttypmod): Eddy's own name for the column's type.
    if (
      w === 'format_type' &&
      t[i + 1]?.text === '(' &&
      t[i + 3]?.text === '.' &&
      lower(t[i + 4]) === 'atttypid' &&
      t[i + 5]?.text === ',' &&
      t[i + 7]?.text === '.' &&
      lower(t[i + 8]) === 'atttypmod' &&
      t[i + 9]?.text === ')'
    ) {
      const alias = t[i + 2]!.text;
      out.push(`eddy_format_type(${alias}.attrelid, ${alias}.attnum)`);
      i += 9;
      continue;
    }
    if (tok.kind === 'string' && (tok.text[0] === 'E' || tok.text[0] === 'e')) {
      out.push(escapeString(tok.text));
      continue;
    }
    out.push(tok.text);
  }
  return out.join(' ');
}
