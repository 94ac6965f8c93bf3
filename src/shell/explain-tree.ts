// EXPLAIN's operators drawn as a tree: each operator under the one it feeds, siblings (a join's
// two inputs) joined by rails, so the data flows bottom-up as it does in the micro-batch.

export interface OperatorLine {
  readonly depth: number;
  readonly operator: string;
  readonly detail: string;
  /** EXPLAIN ANALYZE's figures for the operator. */
  readonly analyze?: { readonly rowsIn: number; readonly ms: number };
}

function figures(a: NonNullable<OperatorLine['analyze']>): string {
  return `  [rows in ${a.rowsIn}, ${a.ms.toFixed(a.ms < 10 ? 2 : 1)} ms]`;
}

export function drawExplainTree(lines: readonly OperatorLine[], bold: (s: string) => string = (s) => s): string[] {
  const out: string[] = [];
  lines.forEach((l, i) => {
    // Is there a later sibling (same depth before the parent's subtree ends)? Then draw ├ and keep a rail.
    const hasNextSibling = (depth: number, from: number): boolean => {
      for (let j = from + 1; j < lines.length; j++) {
        if (lines[j]!.depth < depth) return false;
        if (lines[j]!.depth === depth) return true;
      }
      return false;
    };
    let prefix = '';
    for (let d = 1; d < l.depth; d++) {
      // the ancestor at depth d is the nearest line above with that depth
      let a = i;
      while (a >= 0 && lines[a]!.depth !== d) a--;
      prefix += hasNextSibling(d, a) ? '│  ' : '   ';
    }
    if (l.depth > 0) prefix += hasNextSibling(l.depth, i) ? '├─ ' : '└─ ';
    out.push(`${prefix}${bold(l.operator)}  ${l.detail}${l.analyze ? figures(l.analyze) : ''}`);
  });
  return out;
}
