// The consumer-group assignor of Eddy's persistent queries. A query's task n is partition n of
// every input topic (Kafka Streams' partition group): the task's output and offsets commit in one
// transaction of the task's own producer (tasks.ts), so one member must own all of a task's
// partitions. kafkajs's round-robin spreads each topic's partitions independently; this gives
// partition number n of every topic to the n-th member (modulo the member count).

import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

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
    return { name: 'EddyTaskAssignor', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});
