// The words EXPLAIN uses for an operator's settings, taken from the plan node it was built from
// (build-pipeline.ts names the operator; this file only spells out its node).

import { formatType } from '../parser/sql-type.js';
import { sourcesOf, type AggregateNode, type GroupStateNode, type JoinNode, type Schema, type SinkSpec, type SourceNode } from '../planner/plan.js';

export function schemaColumns(s: Schema): string {
  return s.columns.map((c) => `${c.name} ${formatType(c.type)}${c.role === 'key' ? ' KEY' : ''}`).join(', ');
}

export function describeSource(n: SourceNode): [name: string, detail: string] {
  const s = n.source;
  const where = s.topic ? `topic '${s.topic}' (${s.keyFormat}/${s.valueFormat}, ${s.partitions} partition${s.partitions === 1 ? '' : 's'})` : 'static SQLite table';
  const detail = `${s.name}${n.alias !== s.name ? ` AS ${n.alias}` : ''} ← ${where}${s.topic ? '; new records since the last commit' : ''}${n.timestamp ? `; event time ${n.timestamp.text}` : ''}${n.keyLookup ? `; primary-key lookup ${keyLookupText(n)}` : ''}`;
  return [s.kind === 'STREAM' ? 'StreamSource' : 'TableSource', detail];
}

/** `ID = 'u1' AND N = 2`: the key a lookup reads, as SQL. */
function keyLookupText(n: SourceNode): string {
  const keys = n.source.columns.filter((c) => c.role === 'key');
  return (n.keyLookup ?? []).map((v, i) => `${keys[i]?.name ?? '?'} = ${typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v)}`).join(' AND ');
}

export function describeGroupState(n: GroupStateNode): string {
  return `GROUP BY ${n.groupBy.map((g) => g.text).join(', ')}; ${n.call.text} per record, emits its ${n.emits === 'rows' ? 'rows' : 'state per key'}`;
}

export function describeAggregate(n: AggregateNode): string {
  const w = n.window;
  const grace = w?.grace ? `, grace ${w.grace.ms}ms` : '';
  const win = !w
    ? ''
    : w.kind === 'TUMBLING'
      ? ` WINDOW TUMBLING(size ${w.size.ms}ms${grace})`
      : w.kind === 'HOPPING'
        ? ` WINDOW HOPPING(size ${w.size.ms}ms, advance ${w.advance.ms}ms${grace})`
        : ` WINDOW SESSION(gap ${w.gap.ms}ms${grace})`;
  return `GROUP BY ${n.groupBy.map((g) => g.text).join(', ')}${win}; ${n.aggregates.map((a) => a.text).join(', ')}${n.emitFinal ? '; EMIT FINAL' : ''}`;
}

export function describeStaticJoin(n: JoinNode & { right: SourceNode }): string {
  const stream = sourcesOf(n.left)[0]?.source.name.toLowerCase() ?? 'stream';
  return `${n.text}; SQL ${n.joinType} JOIN of batch table temp.batch_${stream} with static_${n.right.source.name}`;
}

export function describeJoin(n: JoinNode): string {
  const w = n.within;
  return `${n.text}${w ? ` WITHIN (${w.beforeMs}ms before, ${w.afterMs}ms after${w.graceMs !== undefined ? `, grace ${w.graceMs}ms` : ''})` : ''}`;
}

export function describeSink(s: SinkSpec): [name: string, detail: string] {
  if (s.kind === 'Push') return ['PushSink', `to subscriber${s.limit !== undefined ? `, LIMIT ${s.limit}` : ''}`];
  const t = s.target;
  const where = t.discard ? 'discarded (sink=discard)' : `topic '${t.topic ?? ''}' (${t.keyFormat}/${t.valueFormat}, ${t.partitions} partition${t.partitions === 1 ? '' : 's'})`;
  return [t.kind === 'TABLE' ? 'TableSink' : 'StreamSink', `${t.name} → ${where}${s.timestamp ? `; event time ${s.timestamp.text}` : ''}`];
}
