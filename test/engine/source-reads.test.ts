// A persistent query's stream sources decode only the columns it reads (planner/source-reads.ts,
// SourceNode.reads): which columns those are, where the rule declines to narrow, and that the
// answers over narrowed sources are the ones every column gives.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { sourcesOf } from '../../src/planner/plan.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const BIDS =
  "CREATE STREAM BIDS (ID INT KEY, AUCTION BIGINT, PRICE BIGINT, URL STRING, AT BIGINT, EXTRA STRING, QTY BIGINT) WITH (kafka_topic='bids', value_format='JSON', partitions=1, timestamp='AT');";
const ITEMS = "CREATE TABLE ITEMS (AUCTION BIGINT PRIMARY KEY, NAME STRING, SELLER BIGINT) WITH (kafka_topic='items', value_format='JSON', partitions=1);";
const CLICKS = "CREATE STREAM CLICKS (ID INT KEY, AUCTION BIGINT, WHO STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);";

/** The column names each source of the query writing `sink` reads (undefined: every column). */
function reads(e: Eddy, sink: string): Record<string, string[] | undefined> {
  const q = [...e.state.queries.values()].find((x) => x.sink === sink)!;
  return Object.fromEntries(sourcesOf(q.plan.root).map((n) => [n.source.name, n.reads?.map((i) => n.source.columns[i]!.name)]));
}

describe('the columns a persistent query reads', () => {
  it('are its columns by name, keys and the TIMESTAMP column always', () => {
    eddy = engine();
    eddy.execute(BIDS);
    eddy.execute('CREATE STREAM CHEAP AS SELECT ID, PRICE FROM BIDS WHERE AUCTION % 2 = 0;');
    expect(reads(eddy, 'CHEAP')).toEqual({ BIDS: ['ID', 'AUCTION', 'PRICE', 'AT'] });
    eddy.execute('CREATE TABLE MAXES AS SELECT AUCTION, MAX(PRICE) AS M FROM BIDS WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY AUCTION;');
    expect(reads(eddy, 'MAXES')).toEqual({ BIDS: ['ID', 'AUCTION', 'PRICE', 'AT'] });
    // A stream joined to a table: the stream narrowed, the table (its rows are state) not.
    eddy.execute(ITEMS);
    eddy.execute('CREATE STREAM NAMED AS SELECT B.AUCTION, I.NAME, B.PRICE FROM BIDS B JOIN ITEMS I ON B.AUCTION = I.AUCTION;');
    expect(reads(eddy, 'NAMED')).toEqual({ BIDS: ['ID', 'AUCTION', 'PRICE', 'AT'], ITEMS: undefined });
  });

  it('are every column under *, and in a stream-stream join (its window state keeps whole records)', () => {
    eddy = engine();
    eddy.execute(BIDS);
    eddy.execute(CLICKS);
    eddy.execute('CREATE STREAM ALLB AS SELECT * FROM BIDS;');
    expect(reads(eddy, 'ALLB')).toEqual({ BIDS: undefined });
    eddy.execute('CREATE STREAM PAIRS AS SELECT B.ID, B.PRICE, C.WHO FROM BIDS B JOIN CLICKS C WITHIN 1 MINUTE ON B.ID = C.ID;');
    expect(reads(eddy, 'PAIRS')).toEqual({ BIDS: undefined, CLICKS: undefined });
  });

  it('give the answers every column gives', () => {
    eddy = engine();
    eddy.execute(BIDS);
    eddy.execute('CREATE STREAM CHEAP AS SELECT ID, PRICE, URL FROM BIDS WHERE AUCTION % 2 = 0;');
    eddy.execute('CREATE STREAM EVERY AS SELECT * FROM BIDS WHERE AUCTION % 2 = 0;');
    insert(eddy, 'BIDS', 'ID, AUCTION, PRICE, URL, AT, EXTRA', "1, 2, 10, 'u\"1', 1000, 'x'", 1000);
    insert(eddy, 'BIDS', 'ID, AUCTION, PRICE, URL, AT, EXTRA', "2, 3, 20, 'u2', 2000, 'y'", 2000);
    insert(eddy, 'BIDS', 'ID, AUCTION, PRICE, URL, AT, EXTRA', '3, 4, NULL, NULL, 3000, NULL', 3000);
    // Records written by another producer: other field order, an extra field, escapes; and one
    // whose unread column does not fit its type is refused as before.
    const key = (n: number) => {
      const k = Buffer.alloc(4);
      k.writeInt32BE(n);
      return k;
    };
    eddy.produce('bids', [
      { timestamp: 4000, key: key(4), value: Buffer.from('{"PRICE":40,"AUCTION":6,"URL":"w","AT":4000,"EXTRA":"e"}') },
      { timestamp: 5000, key: key(5), value: Buffer.from('{"AUCTION":8,"PRICE":50,"URL":"\\u0041","AT":5000,"EXTRA":"e","MORE":1}') },
      { timestamp: 6000, key: key(6), value: Buffer.from('{"AUCTION":10,"PRICE":60,"URL":"v","AT":6000,"EXTRA":7}') },
      { timestamp: 7000, key: key(7), value: Buffer.from('{"AUCTION":12,"PRICE":70,"URL":"v","AT":7000,"EXTRA":"e","QTY":"many"}') },
    ]);
    eddy.runUntilIdle();
    const cheap = topic(eddy, 'CHEAP').map((r) => r.value);
    const every = topic(eddy, 'EVERY').map((r) => {
      const v = r.value as Record<string, unknown>;
      return { PRICE: v.PRICE, URL: v.URL };
    });
    expect(cheap).toEqual(every);
    expect(cheap).toEqual([
      { PRICE: 10, URL: 'u"1' },
      { PRICE: null, URL: null },
      { PRICE: 40, URL: 'w' },
      { PRICE: 50, URL: 'A' },
      { PRICE: 60, URL: 'v' },
    ]);
    expect(eddy.processingLog(10).filter((e) => /QTY|many/.test(JSON.stringify(e))).length).toBe(2); // both queries refused it
  });
});
