// The end-to-end run the function benchmarks (udf-bench, udtf-bench) share: records of one stream
// in the embedded log, in memory, through CREATE STREAM OUT AS SELECT ID, <variant> FROM S, timed
// from the query's start until it is idle, and checked by the rows that came out.

import { Eddy } from '../src/engine-api.js';

/** A function under test: what its engine needs first (registering it), and the select item that calls it. */
export interface Variant {
  readonly setup: (e: Eddy) => void;
  readonly select: string;
}

export interface RunShape {
  readonly records: number;
  /** The columns of S after `ID INT KEY`. */
  readonly columns: string;
  /** The JSON value of record i. */
  readonly value: (i: number) => string;
  /** Rows OUT must hold once the query is idle. */
  readonly rowsOut: number;
}

/** An INT key in the KAFKA key format: 4 bytes, big-endian (a decimal string would not decode, and the record would go to the processing log). */
export function intKey(i: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(i);
  return b;
}

/** Milliseconds of one run; throws when OUT does not hold every row it should. */
export function timeQuery(variant: Variant, shape: RunShape): number {
  const e = Eddy.open({ autoStart: false, batch: { maxRecords: 10_000 }, properties: { 'auto.offset.reset': 'earliest' } });
  try {
    variant.setup(e);
    e.execute(`CREATE STREAM S (ID INT KEY, ${shape.columns}) WITH (kafka_topic='s', value_format='JSON', partitions=1);`);
    const records = Array.from({ length: shape.records }, (_, i) => ({ timestamp: i, key: intKey(i), value: Buffer.from(shape.value(i)) }));
    for (let i = 0; i < records.length; i += 10_000) e.state.log.append('s', records.slice(i, i + 10_000));
    e.execute(`CREATE STREAM OUT AS SELECT ID, ${variant.select} AS X FROM S;`);
    const t = performance.now();
    e.runUntilIdle();
    const ms = performance.now() - t;
    const out = e.state.log.endOffset('OUT', 0);
    if (out !== shape.rowsOut) throw new Error(`${variant.select}: ${out} rows out, expected ${shape.rowsOut}`);
    return ms;
  } finally {
    e.close();
  }
}
