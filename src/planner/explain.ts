// EXPLAIN: the plan drawn as an operator tree. Printed from the plan nodes that run, so the
// picture cannot drift from what executes.

import { formatType } from '../parser/sql-type.js';
import { sourcesOf, type PlanNode, type QueryPlan, type Schema } from './plan.js';

export interface ExplainLine {
  readonly depth: number;
  readonly operator: string;
  readonly detail: string;
  /** EXPLAIN ANALYZE: rows into the operator and time spent in it (exclusive of its consumers). */
  readonly analyze?: { readonly rowsIn: number; readonly ms: number };
}

function cols(s: Schema): string {
  return s.columns.map((c) => `${c.name} ${formatType(c.type)}${c.role === 'key' ? ' KEY' : ''}`).join(', ');
}

function describe(n: PlanNode): { operator: string; detail: string } {
  switch (n.kind) {
    case 'Source': {
      const s = n.source;
      const where = s.topic ? `topic '${s.topic}' (${s.keyFormat}/${s.valueFormat}, ${s.partitions} partition${s.partitions === 1 ? '' : 's'})` : 'static SQLite table';
      return {
        operator: s.kind === 'STREAM' ? 'StreamSource' : 'TableSource',
        detail: `${s.name}${n.alias !== s.name ? ` AS ${n.alias}` : ''} ← ${where}${s.topic ? '; new records since the last commit' : ''}${n.timestamp ? `; event time ${n.timestamp.text}` : ''}`,
      };
    }
    case 'Filter':
      return { operator: 'Filter', detail: n.predicate.text };
    case 'Project':
      return { operator: 'Project', detail: cols(n.schema) };
    case 'FlatMap':
      return { operator: 'FlatMap', detail: n.exprs.map((e) => e.text).join(', ') };
    case 'Rekey':
      return { operator: 'Rekey', detail: n.keys.map((k) => k.text).join(', ') };
    case 'Aggregate': {
      const w = n.window;
      const win = !w
        ? ''
        : w.kind === 'TUMBLING'
          ? ` WINDOW TUMBLING(size ${w.size.ms}ms${w.grace ? `, grace ${w.grace.ms}ms` : ''})`
          : w.kind === 'HOPPING'
            ? ` WINDOW HOPPING(size ${w.size.ms}ms, advance ${w.advance.ms}ms${w.grace ? `, grace ${w.grace.ms}ms` : ''})`
            : ` WINDOW SESSION(gap ${w.gap.ms}ms${w.grace ? `, grace ${w.grace.ms}ms` : ''})`;
      return {
        operator: w ? 'WindowAggregate' : 'Aggregate',
        detail: `GROUP BY ${n.groupBy.map((g) => g.text).join(', ')}${win}; ${n.aggregates.map((a) => a.text).join(', ')}; state in SQLite table 'state', one row per group (and window)${n.emitFinal ? '; EMIT FINAL' : ''}`,
      };
    }
    case 'Join':
      if (n.variant === 'StreamTable' && n.right.kind === 'Source' && !n.right.source.topic) {
        const stream = sourcesOf(n.left)[0]?.source.name.toLowerCase() ?? 'stream';
        return { operator: 'StreamStaticJoin', detail: `${n.text}; SQL ${n.joinType} JOIN of batch table temp.batch_${stream} with static_${n.right.source.name}` };
      }
      return {
        operator: `${n.variant}Join`,
        detail: `${n.text}${n.within ? ` WITHIN (${n.within.beforeMs}ms before, ${n.within.afterMs}ms after${n.within.graceMs !== undefined ? `, grace ${n.within.graceMs}ms` : ''})` : ''}`,
      };
  }
}

export function explainNode(n: PlanNode, depth = 0, out: ExplainLine[] = []): ExplainLine[] {
  out.push({ depth, ...describe(n) });
  const kids = n.kind === 'Source' ? [] : n.kind === 'Join' ? [n.left, n.right] : [n.input];
  for (const k of kids) explainNode(k, depth + 1, out);
  return out;
}

export function explainPlan(p: QueryPlan): ExplainLine[] {
  const sink =
    p.sink.kind === 'Source'
      ? { operator: p.sink.target.kind === 'TABLE' ? 'TableSink' : 'StreamSink', detail: `${p.sink.target.name} → topic '${p.sink.target.topic ?? ''}' (${p.sink.target.keyFormat}/${p.sink.target.valueFormat})` }
      : { operator: 'PushSink', detail: `to subscriber${p.sink.limit !== undefined ? `, LIMIT ${p.sink.limit}` : ''}` };
  const lines: ExplainLine[] = [{ depth: 0, ...sink }];
  explainNode(p.root, 1, lines);
  return lines;
}

export function explainText(p: QueryPlan): string {
  const head = [`Query ${p.id}: ${p.sql}`, `Output: ${cols(p.output)}`, 'Micro-batch plan (each batch: read new offsets → decode → operators → emit → commit state, output and offsets in one SQLite transaction):'];
  return [...head, ...explainPlan(p).map((l) => `${'  '.repeat(l.depth)}${l.depth ? '└─ ' : ''}${l.operator}: ${l.detail}`)].join('\n');
}
