// The consumer-group assignor of Eddy's persistent queries. A query's task n is partition n of
// every input topic (Kafka Streams' partition group): the task's output and offsets commit in one
// transaction of the task's own producer (tasks.ts), so one member must own all of a task's
// partitions. kafkajs's round-robin spreads each topic's partitions independently; this gives
// partition number n of every topic to the n-th member (modulo the member count).
//
// Each member's metadata carries the address its server answers clients on (its user data, as
// Kafka Streams' carries its application.server): a pull query for a key another server owns is
// forwarded there (groupOwner).

import { AssignerProtocol, type Admin, type PartitionAssigner } from 'kafkajs';

/** This process's advertised `host:port` ('' until the server listens). */
let endpoint = '';

export function advertise(hostPort: string): void {
  endpoint = hostPort;
}

export function advertised(): string {
  return endpoint;
}

/**
 * The advertised address of the member that owns `topic`'s partition in the group now: null when
 * no member does (a rebalance under way, or the group is empty), '' when its member joined before
 * its server advertised one.
 */
export async function groupOwner(admin: Admin, group: string, topic: string, partition: number): Promise<string | null> {
  const { groups } = await admin.describeGroups([group]);
  for (const m of groups[0]?.members ?? []) {
    if (!m.memberAssignment?.length) continue;
    const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {};
    if (!assignment[topic]?.includes(partition)) continue;
    const meta = m.memberMetadata?.length ? AssignerProtocol.MemberMetadata.decode(m.memberMetadata) : null;
    return meta?.userData?.toString('utf8') ?? '';
  }
  return null;
}

export const taskAssignor: PartitionAssigner = ({ cluster }) => ({
  name: 'EddyTaskAssignor',
  version: 0,
  async assign({ members, topics }) {
    const ids = members.map((m) => m.memberId).sort();
    const plan = new Map<string, Record<string, number[]>>(ids.map((id) => [id, {}]));
    for (const topic of topics) {
      for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
        const mine = plan.get(ids[partitionId % ids.length]!)!;
        (mine[topic] ??= []).push(partitionId);
      }
    }
    return [...plan].map(([memberId, assignment]) => ({ memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }) }));
  },
  protocol({ topics }) {
    return { name: 'EddyTaskAssignor', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.from(endpoint, 'utf8') }) };
  },
});
