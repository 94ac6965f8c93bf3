// The Nexmark queries in Eddy's SQL. A query with several steps is a chain: each step's output
// changes feed the next step's source, in the same batch (as chained persistent queries would).

export const NEXMARK_DDL = `
  CREATE STREAM BID (AUCTION BIGINT, BIDDER BIGINT, PRICE BIGINT, CHANNEL STRING, URL STRING, DATETIME BIGINT, EXTRA STRING)
    WITH (kafka_topic='bid', value_format='JSON');
  CREATE STREAM AUCTION (ID BIGINT KEY, ITEMNAME STRING, DESCRIPTION STRING, INITIALBID BIGINT, RESERVE BIGINT, DATETIME BIGINT, EXPIRES BIGINT, SELLER BIGINT, CATEGORY BIGINT, EXTRA STRING)
    WITH (kafka_topic='auction', value_format='JSON');
  CREATE TABLE PERSON (ID BIGINT PRIMARY KEY, NAME STRING, EMAILADDRESS STRING, CREDITCARD STRING, CITY STRING, STATE STRING, DATETIME BIGINT, EXTRA STRING)
    WITH (kafka_topic='person', value_format='JSON');
  CREATE STREAM PERSON_STREAM (ID BIGINT KEY, NAME STRING, EMAILADDRESS STRING, CREDITCARD STRING, CITY STRING, STATE STRING, DATETIME BIGINT, EXTRA STRING)
    WITH (kafka_topic='person', value_format='JSON');
`;

export interface BenchStep {
  /** A CREATE … AS SELECT whose sink later steps read, or the final push query. */
  readonly sql: string;
  /** For intermediate steps: the source later steps read its output as. */
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
  { name: 'q0', title: 'pass-through', compare: 'sequence', target: 1_000_000, steps: [{ sql: 'SELECT * FROM BID EMIT CHANGES;' }] },
  {
    name: 'q1',
    title: 'currency conversion',
    compare: 'sequence',
    target: 1_000_000,
    steps: [{ sql: 'SELECT AUCTION, BIDDER, 0.908E0 * PRICE AS PRICE, DATETIME FROM BID EMIT CHANGES;' }],
  },
  { name: 'q2', title: 'selection', compare: 'sequence', target: 1_000_000, steps: [{ sql: 'SELECT AUCTION, PRICE FROM BID WHERE AUCTION % 123 = 0 EMIT CHANGES;' }] },
  {
    name: 'q3',
    title: 'local item suggestion (auction ⋈ person)',
    compare: 'sequence',
    target: 200_000,
    steps: [
      {
        sql: "SELECT A.ID, P.NAME, P.CITY, P.STATE FROM AUCTION A JOIN PERSON P ON A.SELLER = P.ID WHERE A.CATEGORY = 10 AND (P.STATE = 'OR' OR P.STATE = 'ID' OR P.STATE = 'CA') EMIT CHANGES;",
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
        sql: 'CREATE TABLE AUCTION_COUNTS AS SELECT AUCTION, COUNT(*) AS NUM FROM BID WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 2 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY AUCTION;',
        feeds: {
          source: 'COUNT_CHANGES',
          ddl: "CREATE STREAM COUNT_CHANGES (AUCTION BIGINT KEY, NUM BIGINT) WITH (kafka_topic='AUCTION_COUNTS', value_format='JSON', window_type='HOPPING', window_size='10 SECONDS');",
        },
      },
      { sql: 'SELECT WINDOWSTART AS WS, MAX(NUM) AS MAXNUM FROM COUNT_CHANGES GROUP BY WINDOWSTART EMIT CHANGES;' },
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
      { sql: 'SELECT B.AUCTION, B.PRICE, B.BIDDER FROM BID B JOIN MAXP M ON (B.ROWTIME / 10000) * 10000 = M.W WHERE B.PRICE = M.MAXPRICE EMIT CHANGES;' },
    ],
  },
  {
    name: 'q8',
    title: 'monitor new users (windowed stream ⋈ stream)',
    compare: 'sequence',
    target: 200_000,
    steps: [{ sql: 'SELECT P.ID, P.NAME, A.RESERVE FROM PERSON_STREAM P JOIN AUCTION A WITHIN 10 SECONDS ON P.ID = A.SELLER EMIT CHANGES;' }],
  },
];
