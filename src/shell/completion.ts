// Tab completion: keywords from the grammar (chevrotain's content assist, via the parser's
// suggestAt) and names from the catalog, chosen by where the cursor stands.

import { suggestAt } from '../parser/index.js';
import type { CatalogNames } from './backend.js';

export interface Completion {
  /** Offset where the word being completed starts. */
  readonly start: number;
  /** The word typed so far. */
  readonly partial: string;
  readonly candidates: readonly string[];
}

const SOURCE_AFTER = new Set(['FROM', 'JOIN', 'INTO', 'DESCRIBE', 'EXTENDED', 'STREAM', 'TABLE', 'EXISTS']);
const QUERY_AFTER = new Set(['TERMINATE', 'EXPLAIN']);
const EXPRESSION_AFTER = new Set(['SELECT', 'WHERE', 'BY', 'ON', 'AND', 'OR', 'NOT', 'HAVING', 'WHEN', 'THEN', 'ELSE', ',', '(', '=', '<', '>', '+', '-', '*', '/', '%', '||']);

function previousWord(before: string): string {
  const m = /([A-Za-z_][A-Za-z0-9_]*|[,(=<>+\-*/%]|\|\|)\s*$/.exec(before);
  return m ? m[1]!.toUpperCase() : '';
}

function matching(names: readonly string[], partial: string): string[] {
  const p = partial.toUpperCase();
  return names.filter((n) => n.toUpperCase().startsWith(p) && n.toUpperCase() !== p);
}

export function complete(text: string, cursor: number, names: CatalogNames): Completion {
  const before = text.slice(0, cursor);
  const partial = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before)?.[0] ?? '';
  const start = cursor - partial.length;
  const prev = previousWord(before.slice(0, start));
  const keywords = suggestAt(text, cursor).filter((k) => k !== partial.toUpperCase());
  let found: string[];
  if (SOURCE_AFTER.has(prev)) found = [...matching(names.sources, partial), ...keywords];
  else if (QUERY_AFTER.has(prev)) found = [...matching(names.queries, partial), ...keywords];
  else if (EXPRESSION_AFTER.has(prev) || keywords.includes('CAST')) found = [...matching(names.columns, partial), ...matching(names.functions, partial), ...keywords];
  else found = keywords;
  return { start, partial, candidates: [...new Set(found)] };
}

/** The longest prefix the candidates share (compared case-insensitively, spelled as the first). */
export function commonPrefix(candidates: readonly string[]): string {
  if (!candidates.length) return '';
  let p = candidates[0]!;
  for (const c of candidates) while (!c.toUpperCase().startsWith(p.toUpperCase())) p = p.slice(0, -1);
  return p;
}

/** Text and cursor after pressing Tab once. */
export function applyCompletion(text: string, cursor: number, c: Completion): { text: string; cursor: number } {
  const word = c.candidates.length === 1 ? `${c.candidates[0]!} ` : commonPrefix(c.candidates);
  if (word.length <= c.partial.length) return { text, cursor };
  const next = text.slice(0, c.start) + word + text.slice(cursor);
  return { text: next, cursor: c.start + word.length };
}
