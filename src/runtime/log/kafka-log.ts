// The Kafka backend of the log interface. Topic metadata and end offsets are cached (refreshed
// at most every REFRESH_MS); appends outside queries (INSERT, connectors) are acknowledged before
// they return; queries read and write through channels (kafka/channel.ts).

import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { KafkaBridge } from './kafka/bridge.js';
import { KafkaChannel, fromWire } from './kafka/channel.js';
import { toWire } from './kafka/records.js';
import type { KafkaConnection } from './kafka/wire.js';
import type { AppendRecord, ChannelOptions, CommandTopic, LogRecord, QueryChannel, TopicInfo, TopicLog } from './topic-log.js';

const REFRESH_MS = 500;
/** How long the first call (the worker starting, then connecting) may take. */
const CONNECT_MS = 30_000;
/** How long a call waits for the broker when it must (DDL, INSERT, a first look at a topic): the whole server waits with it. */
const ASK_MS = 5_000;
/** How long a call the worker answers from what it keeps may take (it never waits on the broker). */
const WORKER_MS = 1_000;
/** How long an ad-hoc read (PRINT, a pull query over a stream) waits for records it knows exist. */
const READ_WAIT_MS = 1_500;
/** How long the owner of a partition, once asked of the group, is taken as known. */
const OWNER_MS = 500;

export interface KafkaOptions extends KafkaConnection {
  /** Names this deployment: instances with the same service id share persistent queries' work. */
  readonly serviceId?: string;
}

export class KafkaLog implements TopicLog {
  private readonly bridge = new KafkaBridge();
  private topics = new Map<string, TopicInfo>();
  private topicsAt = 0;
  /** End offsets per topic as of `at`; `refresh`: the request asking for newer ones, if one is running. */
  private readonly ends = new Map<string, { at: number; offsets: number[]; refresh?: number | undefined }>();
  private readonly adhoc = new Map<string, string>();
  private readonly serviceId: string;
  /** A --service-id was given: other servers may share the queries, so their state goes to changelog topics. */
  readonly scaleOut: boolean;
  private channels = 0;
  readonly topicsOutsideDb = true;
  /** This server's advertised client address ('' until it listens). */
  advertised = '';
  private readonly owners = new Map<string, { at: number; owner: string | null }>();
  /** With a --service-id: the service's shared catalog. */
  readonly commands: CommandTopic | undefined;

  constructor(
    private readonly db: Database.Database,
    opts: KafkaOptions,
  ) {
    this.serviceId = opts.serviceId ?? 'eddy';
    this.scaleOut = opts.serviceId !== undefined;
    try {
      // The worker thread loads kafkajs first: on a loaded machine (three servers starting on two
      // cores under tsx) that took longer than the bridge's 10 s.
      this.bridge.call('connect', opts, CONNECT_MS);
    } catch (e) {
      this.bridge.close();
      throw new Error(`cannot connect to Kafka at ${opts.brokers}: ${(e as Error).message}`);
    }
    if (this.scaleOut) this.commands = this.openCommandTopic();
  }

  /** `_eddy-<service-id>_command_topic` (as ksqlDB's `_confluent-ksql-<service>_command_topic`): one partition, kept forever. */
  private openCommandTopic(): CommandTopic {
    const name = `_eddy-${this.serviceId}_command_topic`;
    const transactionalId = `_eddy-${this.serviceId}-commands`;
    if (!this.hasTopic(name)) {
      try {
        this.bridge.call('createTopic', { name, partitions: 1, configs: { 'retention.ms': '-1', 'retention.bytes': '-1', 'cleanup.policy': 'delete' } }, ASK_MS * 2);
      } catch (e) {
        throw new Error(`cannot create the command topic ${name}: ${(e as Error).message}`);
      }
      this.topics.set(name, { name, partitions: 1 });
    }
    const readerId = `commands-${randomUUID()}`;
    this.bridge.call('openReader', { id: readerId, topics: [name], group: null });
    const bridge = this.bridge;
    return {
      name,
      begin: () => bridge.call('commandBegin', { topic: name, transactionalId }, ASK_MS * 2),
      append: (values) => bridge.call('commandAppend', { topic: name, values: [...values] }, ASK_MS),
      poll: (next) => {
        const [p] = bridge.call('poll', { id: readerId, positions: [{ topic: name, partition: 0, next }], max: 1_000 }, WORKER_MS);
        return { commands: (p?.records ?? []).map((r) => ({ offset: r.offset, value: Buffer.from(r.value ?? new Uint8Array()).toString('utf8') })), fetched: p?.fetched ?? next };
      },
      end: () => bridge.call('endOffsets', { topic: name, fresh: true }, ASK_MS)[0] ?? 0,
    };
  }

  private refreshTopics(force: boolean): void {
    if (!force && Date.now() - this.topicsAt < REFRESH_MS) return;
    // Forced (SHOW TOPICS, DDL): ask the broker. Otherwise the worker answers from its kept list.
    this.topics = new Map(this.bridge.call('topics', { fresh: force }, force ? ASK_MS : WORKER_MS).map((t) => [t.name, t]));
    this.topicsAt = Date.now();
  }

  createTopic(name: string, partitions: number): void {
    if (this.hasTopic(name)) return;
    // The kept list may predate a topic another client just made: ask the broker before creating.
    this.refreshTopics(true);
    if (this.topics.has(name)) return;
    if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`Invalid partition count for topic '${name}': ${partitions}`);
    this.bridge.call('createTopic', { name, partitions });
    // Made here or, in a race, by another client with its own partition count: the broker says which.
    this.refreshTopics(true);
    if (!this.topics.has(name)) this.topics.set(name, { name, partitions });
  }

  hasTopic(name: string): boolean {
    return this.describeTopic(name) !== undefined;
  }

  describeTopic(name: string): TopicInfo | undefined {
    if (!this.topics.has(name)) this.refreshTopics(false);
    return this.topics.get(name);
  }

  /**
   * The kept list answers for the topics it has. A name it lacks is asked of the broker: the list
   * can be as old as the server's last look (an idle server's, from its start), and a statement
   * planned on "no such topic" would take a default partition count for a topic another client
   * made since — a server of a service then holds another catalog than the one that wrote the
   * command (a 1-partition source where the others see 4, and refusals that differ).
   */
  lookUpTopic(name: string): TopicInfo | undefined {
    const kept = this.describeTopic(name);
    if (kept) return kept;
    this.refreshTopics(true);
    return this.topics.get(name);
  }

  listTopics(): TopicInfo[] {
    this.refreshTopics(true);
    return [...this.topics.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  deleteTopic(name: string): void {
    if (!this.hasTopic(name)) return;
    this.bridge.call('deleteTopic', name);
    this.topics.delete(name);
    this.dropEnds(name);
  }

  /** Forget a topic's end offsets (and the refresh asking for them): the next look asks the broker. */
  private dropEnds(topic: string): void {
    const r = this.ends.get(topic)?.refresh;
    if (r !== undefined) this.bridge.forget(r);
    this.ends.delete(topic);
  }

  endOffset(topic: string, partition: number): number {
    let e = this.ends.get(topic);
    if (!e) {
      // No entry (first use, or dropped to see an append): ask the broker, and wait for it.
      const offsets = this.hasTopic(topic) ? this.bridge.call('endOffsets', { topic, fresh: true }, ASK_MS) : [];
      e = { at: Date.now(), offsets };
      this.ends.set(topic, e);
    } else if (e.refresh !== undefined) {
      // A refresh was started: take its answer if it is there, else keep answering from the last.
      try {
        const got = this.bridge.result('endOffsets', e.refresh, 0);
        if (got) {
          e.offsets = got.value;
          e.at = Date.now();
          e.refresh = undefined;
        }
      } catch {
        e.refresh = undefined; // the worker could not answer: the next call asks again
        e.at = Date.now();
      }
    } else if (Date.now() - e.at >= REFRESH_MS && this.hasTopic(topic)) {
      // Refreshed in the background from the worker's kept offsets: the engine's every-cycle lag
      // figures never wait on a worker busy with fetches and transactions (measured: 20 % of the
      // main thread's time on Kafka → filter → Kafka went to these round trips).
      e.refresh = this.bridge.start('endOffsets', { topic, fresh: false });
    }
    return e.offsets[partition] ?? 0;
  }

  append(topic: string, records: readonly AppendRecord[]): { partition: number; offset: number }[] {
    if (!this.hasTopic(topic)) throw new Error(`Topic '${topic}' does not exist`);
    if (!records.length) return [];
    this.dropEnds(topic);
    const partitions = this.describeTopic(topic)!.partitions;
    return this.bridge.call(
      'produce',
      records.map((r) => toWire(topic, r, partitions)),
      ASK_MS,
    );
  }

  /** Ad-hoc reads (PRINT, pull queries over streams) go through one private reader per topic. */
  read(topic: string, partition: number, fromOffset: number, maxRecords: number): LogRecord[] {
    this.dropEnds(topic);
    const end = this.endOffset(topic, partition);
    if (fromOffset >= end) return [];
    let id = this.adhoc.get(topic);
    if (!id) {
      id = `adhoc-${topic}-${randomUUID()}`;
      this.bridge.call('openReader', { id, topics: [topic], group: null });
      this.adhoc.set(topic, id);
    }
    const deadline = Date.now() + READ_WAIT_MS;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
      const [p] = this.bridge.call('poll', { id, positions: [{ topic, partition, next: fromOffset }], max: maxRecords }, WORKER_MS);
      // The end offset counts transaction markers: the prefetch passing it means nothing is left to wait for.
      if (p?.records.length || (p?.fetched ?? 0) >= end || Date.now() > deadline) return (p?.records ?? []).map(fromWire);
      Atomics.wait(pause, 0, 0, 20);
    }
  }

  advertise(hostPort: string): void {
    this.advertised = hostPort;
    if (this.scaleOut) this.bridge.call('advertise', hostPort);
  }

  /** Asked of the broker (the group's current assignment), kept for OWNER_MS. */
  partitionOwner(owner: string, topic: string, partition: number): string | null {
    const key = `${owner}\u0000${topic}\u0000${partition}`;
    const kept = this.owners.get(key);
    if (kept && Date.now() - kept.at < OWNER_MS) return kept.owner;
    const answer = this.bridge.call('partitionOwner', { group: `${this.serviceId}-${owner}`, topic, partition }, ASK_MS);
    this.owners.set(key, { at: Date.now(), owner: answer });
    return answer;
  }

  openChannel(owner: string, opts: ChannelOptions): QueryChannel {
    const readerId = `${owner}-${++this.channels}-${randomUUID()}`;
    const group = opts.shared ? `${this.serviceId}-${owner}` : null;
    return new KafkaChannel(this.bridge, this.db, readerId, group, opts.topics, owner, this.scaleOut, (topic) => this.describeTopic(topic)?.partitions);
  }

  close(): void {
    this.bridge.close();
  }
}
