// A SQL synopsis block (`<!-- synopsis -->` in docs/*.md) as statements the parser can be given.
// The notation: `[x]` optional, `{x | y}` and `[x | y]` a choice among sequences, `a | b` a choice
// between the two words beside the bar (also inside a bracket's parentheses), `, …` and `]…` repetition, `…` "anything here", and
// lower-case placeholders (`name`, `type`, `n unit`, `expr`, …). Each statement is expanded into a
// few concrete ones — every optional part left out, every one put in, and each alternative in turn —
// with the placeholders replaced by something of their kind, so that what the docs show as
// syntax is syntax the parser takes.

type Node = { kind: 'text'; text: string } | { kind: 'opt'; alts: Node[][] } | { kind: 'choice'; alts: Node[][] };

/** Placeholders → a value of their kind (whole words, outside quotes). */
const PLACEHOLDERS: Record<string, string> = {
  name: 'N1',
  table: 'T1',
  source: 'SRC',
  alias: 'A1',
  col: 'C1',
  topic: 'TOPIC1',
  query_id: 'Q1',
  expr: 'E1',
  condition: 'E2',
  a: 'EA',
  b: 'EB',
  select_list: '1',
  value: '1',
  type: 'INT',
  n: '5',
  unit: 'SECONDS',
  before: '1 SECOND',
  after: '2 SECONDS',
  statement: 'SELECT * FROM SRC',
};

function tokens(s: string): string[] {
  const out: string[] = [];
  const re = /'(?:[^']|'')*'|[[\]{}|]|…|[^\s'[\]{}|…]+/g;
  for (const m of s.matchAll(re)) out.push(m[0]);
  return out;
}

/** Items of a sequence up to `end`; at this level `a | b` picks between neighbours, inside brackets it splits the bracket. */
function parseSeq(ts: string[], at: { i: number }, end: string | undefined): Node[][] {
  const alts: Node[][] = [[]];
  while (at.i < ts.length) {
    const t = ts[at.i]!;
    if (t === end) {
      at.i++;
      break;
    }
    at.i++;
    const seq = alts[alts.length - 1]!;
    if (t === '|') {
      // In brackets the bar splits the bracket, unless it stands inside parentheses opened there
      // (`[WITH (format='CSV' | 'JSON', …)]`): then, as at the top level, it picks between neighbours.
      if (end !== undefined && depth(seq) === 0) alts.push([]);
      else {
        // The item before and the one after are the choice.
        const before = seq.pop()!;
        const after = parseItem(ts, at);
        const prev = before.kind === 'choice' && (before as { bar?: true }).bar ? before : undefined;
        if (prev) {
          prev.alts.push([after]);
          seq.push(prev);
        } else seq.push(Object.assign({ kind: 'choice' as const, alts: [[before], [after]] }, { bar: true as const }));
      }
      continue;
    }
    at.i--;
    seq.push(parseItem(ts, at));
  }
  return alts;
}

/** Parentheses opened and not closed by a sequence's words. */
function depth(seq: Node[]): number {
  let d = 0;
  for (const n of seq) if (n.kind === 'text' && !n.text.startsWith("'")) d += (n.text.match(/\(/g)?.length ?? 0) - (n.text.match(/\)/g)?.length ?? 0);
  return d;
}

function parseItem(ts: string[], at: { i: number }): Node {
  const t = ts[at.i++]!;
  if (t === '[') return { kind: 'opt', alts: parseSeq(ts, at, ']') };
  if (t === '{') return { kind: 'choice', alts: parseSeq(ts, at, '}') };
  return { kind: 'text', text: t };
}

/** One concrete text: optional parts in or out, the k-th alternative of every choice (or its last). */
function render(seq: Node[], withOptional: boolean, k: number): string {
  return seq
    .map((n) => {
      if (n.kind === 'text') return n.text;
      if (n.kind === 'opt' && !withOptional) return '';
      return render(n.alts[Math.min(k, n.alts.length - 1)]!, withOptional, k);
    })
    .filter((s) => s !== '')
    .join(' ');
}

function widest(seq: Node[]): number {
  let w = 1;
  for (const n of seq) if (n.kind !== 'text') w = Math.max(w, n.alts.length, ...n.alts.map(widest));
  return w;
}

/** `…` as the notation means it, then placeholders, then the commas left by parts left out. */
function concrete(s: string): string {
  const parts = s.split(/('(?:[^']|'')*')/);
  const out = parts
    .map((p, i) => {
      if (i % 2 === 1) return p; // a quoted string stays as written
      return p
        .replace(/WITH \( …\s*\)/g, "WITH (kafka_topic='t')")
        .replace(/\( …\s*\)/g, '(ID INT)')
        .replace(/SELECT …(?= FROM)/g, 'SELECT *')
        .replace(/SELECT …/g, 'SELECT * FROM SRC')
        .replace(/BY …/g, 'BY E1')
        .replace(/= …/g, "= 'x'")
        .replace(/, …/g, '')
        .replace(/…/g, '')
        .replace(/\b[a-z_]+\b/g, (w) => PLACEHOLDERS[w] ?? w);
    })
    .join('');
  let prev = '';
  let t = out;
  while (t !== prev) {
    prev = t;
    t = t
      .replace(/,\s*,/g, ',')
      .replace(/,\s*\)/g, ')')
      .replace(/\(\s*,/g, '(');
  }
  return t.replace(/\s+/g, ' ').replace(/\s+;/g, ';').trim();
}

/** The statements of a SQL synopsis block, each expanded into the concrete statements above. */
export function expandSynopsis(code: string): { synopsis: string; statements: string[] }[] {
  const text = code
    .split('\n')
    .map((l) => l.replace(/\s--\s.*$/, ''))
    .join('\n');
  const out: { synopsis: string; statements: string[] }[] = [];
  for (const stmt of text.split(/;(?=(?:[^']*'[^']*')*[^']*$)/)) {
    const synopsis = stmt.replace(/\s+/g, ' ').trim();
    if (!synopsis) continue;
    // The notation's own spacing: `=…`, `(…)`, `]…` are tokens apart.
    const ts = tokens(synopsis.replace(/…/g, ' … '));
    const seq = parseSeq(ts, { i: 0 }, undefined)[0]!;
    const statements = new Set<string>();
    for (const withOptional of [false, true]) for (let k = 0; k < widest(seq); k++) statements.add(concrete(`${render(seq, withOptional, k)};`));
    out.push({ synopsis, statements: [...statements] });
  }
  return out;
}
