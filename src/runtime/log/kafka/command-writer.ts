// The writing side of a service's command topic (worker side), as ksqlDB's command producer: one
// transactional producer whose id names the service, not the server. `begin` makes a new producer
// and initialises it — InitProducerId fences every other server's writer and ends its open
// transaction — and only then reads the topic's end: no command can be committed between that end
// and this server's next append but by a server that fenced this one, whose append then fails.

import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import { topicEnds } from './topic-ends.js';

export class CommandWriter {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly topic: string,
    private readonly transactionalId: string,
  ) {}

  /** Fence the other servers' writers; the topic's end offset after that. */
  async begin(): Promise<number> {
    await this.producer?.disconnect().catch(() => {});
    this.producer = undefined;
    const p = this.kafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    await p.connect();
    // The first transaction sends InitProducerId with the service's id: this is the fence.
    await (await p.transaction()).abort();
    this.producer = p;
    const [end] = await topicEnds(this.admin, this.topic);
    return end ?? 0;
  }

  /** Append the commands in one transaction; the offset of the last. Fails when another server began since. */
  async append(values: readonly string[]): Promise<number> {
    const p = this.producer;
    if (!p) throw new Error('command topic: append without begin');
    // One writer per begin: a failed append is not retried with the same producer.
    this.producer = undefined;
    const txn = await p.transaction();
    try {
      const meta = await txn.send({ topic: this.topic, acks: -1, messages: values.map((value) => ({ partition: 0, key: null, value })) });
      await txn.commit();
      return Number(meta[0]!.baseOffset) + values.length - 1;
    } catch (e) {
      await txn.abort().catch(() => {});
      throw e;
    } finally {
      await p.disconnect().catch(() => {});
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => {});
    this.producer = undefined;
  }
}
