// What scale-out (servers sharing a query through --service-id and Kafka) cannot run correctly
// yet. A task is one input partition, and a task's state is its own (changelogs: log/kafka/
// changelog.ts). Where the plan needs records of one group, or both sides of a join, to meet in
// one task and they do not — GROUP BY a non-key expression, a join not on both keys, a foreign-
// key join — ksqlDB first writes them to a repartition topic keyed by what they meet on. Eddy has
// none yet: each server would aggregate or join only its own partitions' share, so it refuses.

import { inputsOf, sourcesOf, type PlanNode } from './plan.js';

/** What the planner knows of a scaled-out log: each topic's partition count. */
export interface ScaleOut {
  partitions(topic: string): number | undefined;
}

/** Why the plan cannot run under scale-out, or undefined when it can. */
export function scaleOutRefusal(root: PlanNode, log: ScaleOut): string | undefined {
  const partitions = (n: PlanNode): { name: string; partitions: number }[] =>
    sourcesOf(n).flatMap((s) => (s.source.topic ? [{ name: s.source.name, partitions: log.partitions(s.source.topic) ?? s.source.partitions }] : []));
  const split = (n: PlanNode) => partitions(n).filter((p) => p.partitions > 1);
  const what = (ps: { name: string; partitions: number }[]) => ps.map((p) => `${p.name} has ${p.partitions} partitions`).join(', ');
  const why = 'Eddy has no repartition topics yet, and the servers sharing this --service-id would each see only their own partitions\u2019 records';
  const visit = (n: PlanNode): string | undefined => {
    if ((n.kind === 'Aggregate' || n.kind === 'GroupState') && n.repartition) {
      const ps = split(n.input);
      if (ps.length)
        return `Cannot run this query scaled out: GROUP BY ${n.groupBy.map((g) => g.text).join(', ')} is not the key of the source it reads, so a group's records lie in any partition (${what(ps)}). ${why} of a group. GROUP BY the source's key, give the source one partition, or run the query on a server without --service-id.`;
    }
    if (n.kind === 'Join' && n.repartition) {
      const ps = split(n);
      if (ps.length)
        return `Cannot run this query scaled out: ${n.text} does not join both inputs on their keys, so they are not co-partitioned (${what(ps)}). ${why} of each side. Join on both sources' keys (repartition one with PARTITION BY first), give both one partition, or run the query on a server without --service-id.`;
    }
    for (const i of inputsOf(n)) {
      const r = visit(i);
      if (r) return r;
    }
    return undefined;
  };
  return visit(root);
}
