// nexmark: the Nexmark auction model's Person, Auction or Bid events as a stream or table.
// WITH (source='nexmark', event='bid' | 'auction' | 'person', max_rows=<events in the sequence>,
//       [rate=<events per second, paced by the wall clock>], [events_per_second=<event time's pace, default
//       10,000 as the reference generator's first_event_rate, or the rate when paced>], [seed=n])
// Offsets are event numbers of the one shared sequence (a bid topic skips the person and auction
// numbers), and every event is a function of its number, so the topic is served straight from the
// generator: nothing is stored, replay regenerates the same records, and queries get them decoded.

import type { SqlType } from '../../parser/sql-type.js';
import type { Rec } from '../../planner/record.js';
import type { Value } from '../../planner/values.js';
import type { GeneratedTopic, LogRecord } from '../log/index.js';
import { recordCodec } from '../record-codec.js';
import type { ConnectorFactory } from './connector.js';
import { DEFAULT_CONFIG, eventKind, NexmarkGenerator, type NexmarkEvent } from './nexmark-generator.js';

type Kind = NexmarkEvent['kind'];
type Fields = Readonly<Record<string, Value>>;

const KINDS: readonly Kind[] = ['person', 'auction', 'bid'];
const NO_HEADERS = Object.freeze([]);

function fieldsOf(e: NexmarkEvent): Fields {
  return (e.kind === 'bid' ? e.bid : e.kind === 'auction' ? e.auction : e.person) as unknown as Fields;
}

function fits(t: SqlType, v: Value): boolean {
  if (typeof v === 'number') return t.kind === 'BIGINT' || t.kind === 'INTEGER' || t.kind === 'DOUBLE' || t.kind === 'TIMESTAMP';
  return t.kind === 'STRING';
}

function setting(settings: Readonly<Record<string, string | number | boolean>>, name: string): number | undefined {
  const v = settings[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`nexmark: ${name.toLowerCase()} must be a non-negative number, got '${String(v)}'`);
  return n;
}

export const nexmarkConnector: ConnectorFactory = (ctx, settings) => {
  const def = ctx.source;
  const kind = String(settings.EVENT ?? '').toLowerCase() as Kind;
  if (!KINDS.includes(kind)) throw new Error(`nexmark: event must be one of ${KINDS.join(', ')}, got '${String(settings.EVENT ?? '')}'`);
  if (def.partitions !== 1) throw new Error('nexmark: the source has one partition (PARTITIONS=1)');
  const maxRows = setting(settings, 'MAX_ROWS');
  const rate = setting(settings, 'RATE');
  if (maxRows === undefined && !rate) throw new Error('nexmark: give max_rows (events in the sequence), rate (events per second), or both');
  // Paced by the wall clock: event time follows it from the first start, kept across restarts.
  const base = rate ? Number(ctx.checkpoint() ?? Date.now()) : DEFAULT_CONFIG.baseTime;
  // Event time advances at events_per_second; paced and without it, with the wall clock.
  const eventsPerSecond = setting(settings, 'EVENTS_PER_SECOND') || rate || DEFAULT_CONFIG.eventsPerSecond;
  const gen = new NexmarkGenerator({ eventsPerSecond, baseTime: base, seed: setting(settings, 'SEED') ?? DEFAULT_CONFIG.seed });

  // Columns by name from the event's fields, checked once here rather than per record.
  const sample = fieldsOf(gen.at(kind === 'person' ? 0 : kind === 'auction' ? 1 : 4)); // the first event of each kind
  const names = Object.keys(sample);
  const fields = def.columns.map((c) => {
    if (c.role === 'header') throw new Error(`nexmark: ${kind} events have no headers (column ${c.name})`);
    const f = names.find((n) => n.toUpperCase() === c.name);
    if (!f) throw new Error(`nexmark: ${kind} events have no field ${c.name}; they have ${names.map((n) => n.toUpperCase()).join(', ')}`);
    if (!fits(c.type, sample[f]!)) throw new Error(`nexmark: ${kind}.${f} is a ${typeof sample[f] === 'number' ? 'number (BIGINT)' : 'STRING'}, not ${c.type.kind}`);
    return f;
  });
  const codec = recordCodec(def);
  // One compiled function rather than a loop of keyed loads: this runs once per generated record.
  // The field names are the generator's own identifiers (checked against Object.keys above).
  const extract = new Function('f', `return [${fields.map((f) => `f.${f}`).join(', ')}];`) as (f: Fields) => Value[];

  const end = (): number => {
    const paced = rate ? Math.floor(((Date.now() - base) * rate) / 1000) : Infinity;
    return Math.max(0, Math.min(maxRows ?? Infinity, paced));
  };
  const recs = (from: number, max: number): Rec[] => {
    const out: Rec[] = [];
    for (let id = from, last = end(); id < last && out.length < max; id++) {
      if (eventKind(id) !== kind) continue;
      out.push({ cols: extract(fieldsOf(gen.at(id))), ts: gen.timeOf(id), partition: 0, offset: id });
    }
    return out;
  };
  const topic = def.topic!;
  const source: GeneratedTopic = {
    end,
    readDecoded: recs,
    read: (from, max) => recs(from, max).map((rec): LogRecord => ({ ...codec.encode(rec), topic, partition: 0, offset: rec.offset, headers: NO_HEADERS })),
  };
  return {
    kind: 'nexmark',
    start() {
      if (rate && ctx.checkpoint() === undefined) ctx.append([], String(base));
      ctx.serve(source);
    },
    stop() {
      ctx.unserve(source);
    },
  };
};
