// CREATE OR REPLACE as ksqlDB upgrades in place: the replacing query keeps the old one's id,
// state and offsets, so both the sink and the plan must be compatible with what the old query
// left behind. The sink (DataSource#canUpgradeTo): same name, type, topic and timestamp column;
// key columns identical; value columns may only be added at the end. The plan
// (ExecutionStep#validateUpgrade): reduced to its stateful or keying steps — filters and
// projections are passive and may change freely — both plans must match step by step.

import { formatType } from '../parser/sql-type.js';
import type { ColumnDef, SourceDef } from './catalog.js';
import type { PlanNode } from './plan.js';

/** Why `next` cannot replace `old` as a source definition (ksqlDB's words), or undefined. */
export function sourceUpgradeProblem(old: SourceDef, next: SourceDef): string | undefined {
  const issues: string[] = [];
  const prop = (name: string, a: string, b: string) => {
    if (a !== b) issues.push(`DataSource '${old.name}' has ${name} = ${a} which is not upgradeable to ${b}`);
  };
  prop('type', sourceType(old), sourceType(next));
  prop('topic', old.topic ?? '-', next.topic ?? '-');
  prop('timestampColumn', timestampText(old), timestampText(next));
  const schema = schemaProblem(old.columns, next.columns);
  if (schema) issues.push(`DataSource '${old.name}' has schema = ${schemaText(old.columns)} which is not upgradeable to ${schemaText(next.columns)}. (${schema})`);
  return issues.length ? `Cannot upgrade data source: ${issues.join('\n\tAND ')}` : undefined;
}

/** Why the plan `next` cannot take over the state of `old`, or undefined. */
export function planUpgradeProblem(old: PlanNode, next: PlanNode): string | undefined {
  const a = enforcingSteps(old);
  if (typeof a === 'string') return a;
  const b = enforcingSteps(next);
  if (typeof b === 'string')
    return b.startsWith('Upgrades') ? `Query is not upgradeable. Cannot add a ${b.slice('Upgrades not yet supported for '.length)} step that is not in the original query plan.` : b;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) return `Query is not upgradeable. Cannot add a ${(y ?? x)!.step} step that is not in the original query plan.`;
    if (x.step !== y.step) return `Query is not upgradeable. Cannot add a ${y.step} step that is not in the original query plan.`;
    for (const [name, value] of Object.entries(x.mustMatch)) {
      if (value !== y.mustMatch[name]) return `Query is not upgradeable. Plan step of type ${x.step} must have matching ${name}. Values differ: ${value} vs. ${y.mustMatch[name]}`;
    }
  }
  return undefined;
}

interface Step {
  readonly step: string;
  readonly mustMatch: Readonly<Record<string, string>>;
}

/** The plan's enforcing steps from the sink down, or the message for a step that cannot be upgraded. */
function enforcingSteps(n: PlanNode): Step[] | string {
  const out: Step[] = [];
  for (let node: PlanNode | undefined = n; node; ) {
    switch (node.kind) {
      case 'Filter':
      case 'Project':
        node = node.input;
        break;
      case 'Source':
        out.push({
          step: node.schema.isTable ? 'TableSource' : 'StreamSource',
          mustMatch: { topicName: node.source.topic ?? node.source.name, formats: `${node.source.keyFormat}/${node.source.valueFormat}`, timestampColumn: timestampText(node.source) },
        });
        node = undefined;
        break;
      case 'Aggregate':
        if (isTable(node.input)) return 'Upgrades not yet supported for TableAggregate';
        if (node.window) return 'Upgrades not yet supported for StreamWindowedAggregate';
        out.push({
          step: 'StreamAggregate',
          mustMatch: { 'grouping expressions': node.groupBy.map((g) => g.text).join(', '), 'aggregate functions': node.aggregates.map((x) => x.text).join(', '), emitFinal: String(node.emitFinal) },
        });
        node = node.input;
        break;
      case 'FlatMap':
        return 'Upgrades not yet supported for StreamFlatMap';
      case 'GroupState':
        return 'Upgrades not yet supported for GroupState (a state function)';
      case 'SingleRow':
        // A persistent query always has a FROM (persistent-query-rules.ts).
        node = undefined;
        break;
      case 'Join':
        return `Upgrades not yet supported for ${node.variant === 'ForeignKey' ? 'ForeignKeyTableTableJoin' : `${node.variant}Join`}`;
    }
  }
  return out;
}

function isTable(n: PlanNode): boolean {
  return n.schema.isTable;
}

function sourceType(s: SourceDef): string {
  return s.kind === 'STREAM' ? 'KSTREAM' : 'KTABLE';
}

function timestampText(s: SourceDef): string {
  return s.timestampColumn ? `Optional[${s.timestampColumn}]` : 'Optional.empty';
}

function columnText(c: ColumnDef): string {
  return `\`${c.name}\` ${formatType(c.type)}${c.role === 'key' ? ' KEY' : ''}`;
}

function schemaText(cols: readonly ColumnDef[]): string {
  return cols
    .filter((c) => c.role !== 'header')
    .map(columnText)
    .join(', ');
}

/** Old columns must all still be there, unchanged and in place; new value columns may follow. */
function schemaProblem(old: readonly ColumnDef[], next: readonly ColumnDef[]): string | undefined {
  const missing = (role: 'key' | 'value') => {
    const a = old.filter((c) => c.role === role);
    const b = next.filter((c) => c.role === role);
    return a.filter((c, i) => !b[i] || b[i]!.name !== c.name || formatType(b[i]!.type) !== formatType(c.type));
  };
  const keys = missing('key');
  const keyAdded = next.filter((c) => c.role === 'key').length !== old.filter((c) => c.role === 'key').length;
  if (keys.length || keyAdded) {
    const changed = keys.length ? keys : next.filter((c) => c.role === 'key');
    return `Key columns must be identical. The following key columns are changed, missing or reordered: [${changed.map(columnText).join(', ')}]`;
  }
  const values = missing('value');
  return values.length ? `The following columns are changed, missing or reordered: [${values.map(columnText).join(', ')}]` : undefined;
}
