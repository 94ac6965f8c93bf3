// The input line editor's state and its keys, as pure functions (the ink component only renders
// them): a multi-line buffer with a cursor, history browsing, and Ctrl-R reverse search.

import type { Key } from 'ink';
import type { History } from './history.js';

export interface EditorState {
  readonly text: string;
  readonly cursor: number;
  /** Index into history while browsing with up/down; undefined when editing fresh text. */
  readonly historyIndex?: number;
  /** The fresh text kept aside while browsing history. */
  readonly draft?: string;
  readonly search?: { readonly query: string; readonly index?: number };
  /** Completion candidates shown under the prompt after an ambiguous Tab. */
  readonly choices?: readonly string[];
}

export type EditorAction = { kind: 'submit'; text: string } | { kind: 'clear' } | { kind: 'exit' } | { kind: 'none' };

/** What the keys consult beyond the state itself. */
export interface EditorEnv {
  readonly history: History;
  /** Whether Enter should submit the text as it stands. */
  readonly isComplete: (text: string) => boolean;
  /** Tab: the text and cursor after completing at the cursor, and the choices when ambiguous. */
  readonly complete: (text: string, cursor: number) => EditorState;
}

export const EMPTY: EditorState = { text: '', cursor: 0 };

function insert(s: EditorState, chunk: string): EditorState {
  return { text: s.text.slice(0, s.cursor) + chunk + s.text.slice(s.cursor), cursor: s.cursor + chunk.length };
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

function lineEnd(text: string, at: number): number {
  const n = text.indexOf('\n', at);
  return n < 0 ? text.length : n;
}

/** Move the cursor one line up (-1) or down (+1) keeping its column; undefined at the edge. */
function verticalMove(s: EditorState, dir: -1 | 1): EditorState | undefined {
  const start = lineStart(s.text, s.cursor);
  const col = s.cursor - start;
  if (dir < 0) {
    if (start === 0) return undefined;
    const prevStart = lineStart(s.text, start - 1);
    return { ...s, cursor: Math.min(prevStart + col, start - 1) };
  }
  const end = lineEnd(s.text, s.cursor);
  if (end >= s.text.length) return undefined;
  return { ...s, cursor: Math.min(end + 1 + col, lineEnd(s.text, end + 1)) };
}

function browse(s: EditorState, history: History, dir: -1 | 1): EditorState {
  const n = history.entries.length;
  const from = s.historyIndex ?? n;
  const to = from + dir;
  if (to < 0 || to > n) return s;
  const draft = s.historyIndex === undefined ? s.text : (s.draft ?? '');
  const text = to === n ? draft : history.entries[to]!;
  return { text, cursor: text.length, ...(to === n ? {} : { historyIndex: to, draft }) };
}

function searchKey(s: EditorState, input: string, key: Key, history: History): EditorState {
  const search = s.search!;
  const found = (query: string, before?: number) => history.search(query, before);
  if (key.ctrl && input === 'r') {
    const next = found(search.query, search.index);
    return next ? { ...s, search: { query: search.query, index: next.index } } : s;
  }
  if (key.escape || (key.ctrl && (input === 'g' || input === 'c'))) return { text: s.text, cursor: s.cursor };
  if (key.backspace || key.delete) {
    const query = search.query.slice(0, -1);
    const m = found(query);
    return { ...s, search: { query, ...(m ? { index: m.index } : {}) } };
  }
  if (key.return || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.tab) {
    const entry = search.index !== undefined ? history.entries[search.index]! : s.text;
    return { text: entry, cursor: entry.length };
  }
  if (input && !key.ctrl && !key.meta) {
    const query = search.query + input;
    const m = found(query);
    return { ...s, search: { query, ...(m ? { index: m.index } : search.index !== undefined ? { index: search.index } : {}) } };
  }
  return s;
}

/** Apply one key. */
export function applyKey(s: EditorState, input: string, key: Key, env: EditorEnv): [EditorState, EditorAction] {
  const { history, isComplete } = env;
  const none: EditorAction = { kind: 'none' };
  if (s.search) return [searchKey(s, input, key, history), none];
  const plain: EditorState = { text: s.text, cursor: s.cursor, ...(s.historyIndex !== undefined ? { historyIndex: s.historyIndex, draft: s.draft ?? '' } : {}) };
  if (key.ctrl) {
    switch (input) {
      case 'd':
        if (!s.text) return [s, { kind: 'exit' }];
        return [{ text: s.text.slice(0, s.cursor) + s.text.slice(s.cursor + 1), cursor: s.cursor }, none];
      case 'c':
        return [EMPTY, none];
      case 'r':
        return [{ ...plain, search: { query: '' } }, none];
      case 'l':
        return [plain, { kind: 'clear' }];
      case 'a':
        return [{ ...plain, cursor: lineStart(s.text, s.cursor) }, none];
      case 'e':
        return [{ ...plain, cursor: lineEnd(s.text, s.cursor) }, none];
      case 'u': {
        // Deletes from the start of the line to the cursor, as readline does.
        const from = lineStart(s.text, s.cursor);
        return [{ text: s.text.slice(0, from) + s.text.slice(s.cursor), cursor: from }, none];
      }
      case 'k':
        return [{ text: s.text.slice(0, s.cursor) + s.text.slice(lineEnd(s.text, s.cursor)), cursor: s.cursor }, none];
      default:
        return [s, none];
    }
  }
  if (key.tab) return [env.complete(s.text, s.cursor), none];
  if (key.return) {
    if (isComplete(s.text)) return [EMPTY, { kind: 'submit', text: s.text }];
    return [insert(plain, '\n'), none];
  }
  if (key.upArrow) return [verticalMove(plain, -1) ?? browse(s, history, -1), none];
  if (key.downArrow) return [verticalMove(plain, 1) ?? browse(s, history, 1), none];
  if (key.leftArrow) return [{ ...plain, cursor: Math.max(0, s.cursor - 1) }, none];
  if (key.rightArrow) return [{ ...plain, cursor: Math.min(s.text.length, s.cursor + 1) }, none];
  if (key.home) return [{ ...plain, cursor: lineStart(s.text, s.cursor) }, none];
  if (key.end) return [{ ...plain, cursor: lineEnd(s.text, s.cursor) }, none];
  // Terminals send DEL (0x7f) for Backspace, which ink reports as `delete`.
  if (key.backspace || key.delete) {
    if (s.cursor === 0) return [plain, none];
    return [{ text: s.text.slice(0, s.cursor - 1) + s.text.slice(s.cursor), cursor: s.cursor - 1 }, none];
  }
  if (key.escape || key.meta) return [plain, none];
  if (!input) return [plain, none];
  // Pasted or typed-ahead text: every line break acts as Enter would.
  let cur: EditorState = plain;
  const parts = input.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < parts.length; i++) {
    cur = insert(cur, parts[i]!);
    if (i < parts.length - 1) {
      if (isComplete(cur.text)) return [EMPTY, { kind: 'submit', text: cur.text + (parts.slice(i + 1).join('\n') ? `\n${parts.slice(i + 1).join('\n')}` : '') }];
      cur = insert(cur, '\n');
    }
  }
  return [cur, none];
}
