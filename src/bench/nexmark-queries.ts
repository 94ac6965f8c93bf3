import type { Rec } from '../planner/record.js';
import type { Value } from '../planner/values.js';
import type { NexmarkEvent } from '../engine-api.js';
// The Nexmark queries in Eddy's SQL, each a chain of persistent queries (CREATE … AS SELECT) whose
// last step's sink is the answer. Each step's output changes feed the next step's source in the same
// micro-batch cycle. Sinks project their key column first, as ksqlDB requires of a join or GROUP BY.

const SOURCES: readonly { readonly name: string; readonly kind: 'STREAM' | 'TABLE'; readonly event: string; readonly columns: string }[] = [
  { name: 'BID', kind: 'STREAM', event: 'bid', columns: 'AUCTION BIGINT, BIDDER BIGINT, PRICE BIGINT, CHANNEL STRING, URL STRING, DATETIME BIGINT, EXTRA STRING' },
  {
    name: 'AUCTION',
    kind: 'STREAM',
    event: 'auction',
    columns: 'ID BIGINT KEY, ITEMNAME STRING, DESCRIPTION STRING, INITIALBID BIGINT, RESERVE BIGINT, DATETIME BIGINT, EXPIRES BIGINT, SELLER BIGINT, CATEGORY BIGINT, EXTRA STRING',
  },
  { name: 'PERSON', kind: 'TABLE', event: 'person', columns: 'ID BIGINT PRIMARY KEY, NAME STRING, EMAILADDRESS STRING, CREDITCARD STRING, CITY STRING, STATE STRING, DATETIME BIGINT, EXTRA STRING' },
  { name: 'PERSON_STREAM', kind: 'STREAM', event: 'person', columns: 'ID BIGINT KEY, NAME STRING, EMAILADDRESS STRING, CREDITCARD STRING, CITY STRING, STATE STRING, DATETIME BIGINT, EXTRA STRING' },
];

/**
 * Where the sources' events come from: the nexmark source connector, JSON records in the embedded
 * log, or JSON-lines files read by the file source (one per kind of event, in `dir`, as
 * nexmarkLine writes them), each record's event time its DATETIME column.
 */
export type NexmarkInput =
  | { readonly via: 'nexmark'; readonly events: number; readonly eventsPerSecond: number; readonly rate?: number }
  | { readonly via: 'log' }
  | { readonly via: 'file'; readonly dir: string };

/** The file a kind of event is written to under `via: 'file'`. */
export function nexmarkFile(dir: string, event: string): string {
  return `${dir}/${event}.jsonl`;
}

/** The sources' DDL; with `only`, just the sources those statements name (a table is materialised, so unused ones cost). */
export function nexmarkDdl(input: NexmarkInput, only?: readonly string[]): string {
  const used = (name: string) => !only || only.some((sql) => new RegExp(`\\b${name}\\b`, 'i').test(sql));
  return SOURCES.filter((s) => used(s.name))
    .map((s) => {
      const props =
        input.via === 'log'
          ? `kafka_topic='${s.event}', value_format='JSON'`
          : input.via === 'file'
            ? `source='file', path='${nexmarkFile(input.dir, s.event)}', value_format='JSON', timestamp='DATETIME'`
            : `source='nexmark', event='${s.event}', max_rows=${input.events}, events_per_second=${input.eventsPerSecond}${input.rate ? `, rate=${input.rate}` : ''}`;
      return `CREATE ${s.kind} ${s.name} (${s.columns}) WITH (${props});`;
    })
    .join('\n');
}

/**
 * An event as the record of its source(s), columns in the order the DDL above declares them: a
 * person is both the PERSON table and PERSON_STREAM.
 */
export function toRec(e: NexmarkEvent): { sources: readonly string[]; rec: Rec } {
  switch (e.kind) {
    case 'bid': {
      const b = e.bid;
      return { sources: BID_SOURCES, rec: { cols: [b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra], ts: b.dateTime, partition: 0, offset: 0 } };
    }
    case 'auction': {
      const a = e.auction;
      return {
        sources: AUCTION_SOURCES,
        rec: { cols: [a.id, a.itemName, a.description, a.initialBid, a.reserve, a.dateTime, a.expires, a.seller, a.category, a.extra], ts: a.dateTime, partition: 0, offset: 0 },
      };
    }
    case 'person': {
      const p = e.person;
      const cols: Value[] = [p.id, p.name, p.emailAddress, p.creditCard, p.city, p.state, p.dateTime, p.extra];
      return { sources: PERSON_SOURCES, rec: { cols, ts: p.dateTime, partition: 0, offset: 0 } };
    }
  }
}
const BID_SOURCES = ['BID'];

/** Each kind of event's column names, in its DDL's order (toRec's). */
const COLUMN_NAMES = new Map(SOURCES.map((s) => [s.event, s.columns.split(',').map((c) => c.trim().split(/\s+/)[0]!)]));

/** An event as one JSON line of its kind's file (every column, key ones included, by name), for `via: 'file'`. */
export function nexmarkLine(e: NexmarkEvent): { event: string; line: string } {
  const names = COLUMN_NAMES.get(e.kind)!;
  const { cols } = toRec(e).rec;
  let line = '{';
  for (let i = 0; i < names.length; i++) line += `${i ? ',' : ''}"${names[i]!}":${JSON.stringify(cols[i] ?? null)}`;
  return { event: e.kind, line: `${line}}\n` };
}
const AUCTION_SOURCES = ['AUCTION'];
const PERSON_SOURCES = ['PERSON', 'PERSON_STREAM'];

/** The JSON topics of the embedded log (the operators-only runner declares these). */
export const NEXMARK_DDL = nexmarkDdl({ via: 'log' });

export interface BenchStep {
  /** A CREATE … AS SELECT; the last step's sink holds the answer. */
  readonly sql: string;
  /** For intermediate steps: the source later steps read its output as (declared by `ddl` if not the sink itself). */
  readonly feeds?: { readonly source: string; readonly ddl?: string };
}

export interface BenchQuery {
  readonly name: string;
  readonly title: string;
  readonly steps: readonly BenchStep[];
  /** How results are compared with the hand-written loop on a small input. */
  readonly compare: 'sequence' | 'final-by-first-column';
  readonly target: number;
}

export const NEXMARK_QUERIES: readonly BenchQuery[] = [
  { name: 'q0', title: 'pass-through', compare: 'sequence', target: 1_000_000, steps: [{ sql: 'CREATE STREAM Q0 AS SELECT * FROM BID;' }] },
  {
    name: 'q1',
    title: 'currency conversion',
    compare: 'sequence',
    target: 1_000_000,
    steps: [{ sql: 'CREATE STREAM Q1 AS SELECT AUCTION, BIDDER, 0.908E0 * PRICE AS PRICE, DATETIME FROM BID;' }],
  },
  { name: 'q2', title: 'selection', compare: 'sequence', target: 1_000_000, steps: [{ sql: 'CREATE STREAM Q2 AS SELECT AUCTION, PRICE FROM BID WHERE AUCTION % 123 = 0;' }] },
  {
    name: 'q3',
    title: 'local item suggestion (auction ⋈ person)',
    compare: 'sequence',
    target: 200_000,
    steps: [
      {
        sql: "CREATE STREAM Q3 AS SELECT P.ID AS SELLER, A.ID AS AUCTION, P.NAME, P.CITY, P.STATE FROM AUCTION A JOIN PERSON P ON A.SELLER = P.ID WHERE A.CATEGORY = 10 AND (P.STATE = 'OR' OR P.STATE = 'ID' OR P.STATE = 'CA');",
      },
    ],
  },
  {
    name: 'q5',
    title: 'hot items (hopping counts, max per window)',
    compare: 'final-by-first-column',
    target: 300_000,
    steps: [
      {
        // ksqlDB allows window bounds only in a windowed aggregation's SELECT: carry the start as a value.
        sql: 'CREATE TABLE AUCTION_COUNTS AS SELECT AUCTION, WINDOWSTART AS WS, COUNT(*) AS NUM FROM BID WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 2 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY AUCTION;',
        feeds: {
          source: 'COUNT_CHANGES',
          ddl: "CREATE STREAM COUNT_CHANGES (AUCTION BIGINT KEY, WS BIGINT, NUM BIGINT) WITH (kafka_topic='AUCTION_COUNTS', value_format='JSON', window_type='HOPPING', window_size='10 SECONDS');",
        },
      },
      { sql: 'CREATE TABLE Q5 AS SELECT WS, MAX(NUM) AS MAXNUM FROM COUNT_CHANGES GROUP BY WS;' },
    ],
  },
  {
    name: 'q7',
    title: 'highest bid (tumbling max, joined back)',
    compare: 'sequence',
    target: 300_000,
    steps: [
      {
        sql: 'CREATE TABLE MAXP AS SELECT (ROWTIME / 10000) * 10000 AS W, MAX(PRICE) AS MAXPRICE FROM BID GROUP BY (ROWTIME / 10000) * 10000;',
        feeds: { source: 'MAXP' },
      },
      { sql: 'CREATE STREAM Q7 AS SELECT ROWKEY AS W, B.AUCTION, B.PRICE, B.BIDDER FROM BID B JOIN MAXP M ON (B.ROWTIME / 10000) * 10000 = M.W WHERE B.PRICE = M.MAXPRICE;' },
    ],
  },
  {
    name: 'q8',
    title: 'monitor new users (windowed stream ⋈ stream)',
    compare: 'sequence',
    target: 200_000,
    steps: [{ sql: 'CREATE STREAM Q8 AS SELECT P.ID, P.NAME, A.RESERVE FROM PERSON_STREAM P JOIN AUCTION A WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON P.ID = A.SELLER;' }],
  },
];
