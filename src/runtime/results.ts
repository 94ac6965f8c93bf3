// What executing a statement gives back, to the library, the server and the shell alike.

import type { ExplainLine } from './explain.js';
import type { Value } from '../planner/values.js';
import type { ColumnHeader, PushQuery } from './push-query.js';

export type { ColumnHeader };

export type StatementResult =
  | { readonly kind: 'message'; readonly statement: string; readonly message: string; readonly queryId?: string }
  | { readonly kind: 'rows'; readonly statement: string; readonly columns: readonly ColumnHeader[]; readonly rows: readonly Value[][]; readonly title?: string }
  | { readonly kind: 'push'; readonly statement: string; readonly query: PushQuery }
  | { readonly kind: 'explain'; readonly statement: string; readonly text: string; readonly lines: readonly ExplainLine[]; readonly summary?: string };
