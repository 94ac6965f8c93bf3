// Nexmark q3 (stream ⋈ table) and q8 (windowed stream ⋈ stream) over real file sources must give
// the embedded-log answer (records inserted with ROWTIME = DATETIME), whatever the batch size and
// however the files are cut into polls: the sources' records are merged by event time, and a query
// waits for a source whose file is not yet read to its end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NEXMARK_QUERIES, toRec } from '../../src/bench/nexmark-queries.js';
import { NexmarkGenerator } from '../../src/runtime/connectors/nexmark-generator.js';
import { Eddy } from '../../src/runtime/engine.js';
import { topic } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'eddy-file-nexmark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCES = {
  AUCTION: {
    kind: 'STREAM',
    file: 'auction',
    columns: 'ID BIGINT KEY, ITEMNAME STRING, DESCRIPTION STRING, INITIALBID BIGINT, RESERVE BIGINT, DATETIME BIGINT, EXPIRES BIGINT, SELLER BIGINT, CATEGORY BIGINT, EXTRA STRING',
  },
  PERSON: { kind: 'TABLE', file: 'person', columns: 'ID BIGINT PRIMARY KEY, NAME STRING, EMAILADDRESS STRING, CREDITCARD STRING, CITY STRING, STATE STRING, DATETIME BIGINT, EXTRA STRING' },
  PERSON_STREAM: { kind: 'STREAM', file: 'person', columns: 'ID BIGINT KEY, NAME STRING, EMAILADDRESS STRING, CREDITCARD STRING, CITY STRING, STATE STRING, DATETIME BIGINT, EXTRA STRING' },
} as const;
type SourceName = keyof typeof SOURCES;

// 1,000 events per second of event time: 40,000 events span 40 s, four times q8's window.
const EVENTS = 40_000;
const lines: Record<'person' | 'auction', string[]> = { person: [], auction: [] };
const rows: Record<'person' | 'auction', Record<string, unknown>[]> = { person: [], auction: [] };
{
  const gen = new NexmarkGenerator({ eventsPerSecond: 1000, baseTime: 1_700_000_000_000, seed: 3 });
  const names = { person: SOURCES.PERSON.columns, auction: SOURCES.AUCTION.columns };
  for (let n = 0; n < EVENTS; n++) {
    const e = gen.next();
    if (e.kind === 'bid') continue;
    const cols = names[e.kind].split(', ').map((c) => c.split(' ')[0]!);
    const obj = Object.fromEntries(cols.map((c, i) => [c, toRec(e).rec.cols[i]]));
    lines[e.kind].push(JSON.stringify(obj));
    rows[e.kind].push({ ...obj, ROWTIME: obj.DATETIME });
  }
  for (const kind of ['person', 'auction'] as const) writeFileSync(join(dir, `${kind}.jsonl`), `${lines[kind].join('\n')}\n`);
}

function sourcesOf(sql: string): SourceName[] {
  return (Object.keys(SOURCES) as SourceName[]).filter((s) => new RegExp(`\\b(FROM|JOIN)\\s+${s}\\b`).test(sql));
}

/** The query's sink, decoded and sorted (batches may order simultaneous outputs differently). */
function answer(name: string, via: 'file' | 'log', maxRecords: number, pollBytes?: number): string[] {
  const q = NEXMARK_QUERIES.find((x) => x.name === name)!;
  const sql = q.steps[0]!.sql;
  const eddy = Eddy.open({ autoStart: false, batch: { maxRecords }, properties: { 'auto.offset.reset': 'earliest' } });
  try {
    for (const s of sourcesOf(sql)) {
      const src = SOURCES[s];
      const path = join(dir, `${src.file}.jsonl`);
      const props = via === 'file' ? `source='file', path='${path}'${pollBytes ? `, poll_bytes=${pollBytes}` : ''}` : `kafka_topic='${s}'`;
      eddy.execute(`CREATE ${src.kind} ${s} (${src.columns}) WITH (${props}, value_format='JSON', timestamp='DATETIME');`);
      if (via === 'log') eddy.insert(s, rows[src.file]);
    }
    eddy.execute(sql);
    eddy.runUntilIdle();
    const sink = /^CREATE STREAM (\w+)/.exec(sql)![1]!;
    return topic(eddy, sink)
      .map((r) => JSON.stringify([r.key, r.value]))
      .sort();
  } finally {
    eddy.close();
  }
}

describe('Nexmark over file sources', () => {
  for (const name of ['q3', 'q8']) {
    it(`${name}: the embedded-log answer at any batch size and poll size`, () => {
      const expected = answer(name, 'log', 10_000);
      expect(expected.length).toBeGreaterThan(name === 'q3' ? 5 : 500);
      expect(answer(name, 'log', 7)).toEqual(expected);
      // Whole files in one poll, and files cut into 16 KiB polls (each source waits for the other).
      expect(answer(name, 'file', 10_000)).toEqual(expected);
      expect(answer(name, 'file', 10_000, 16_384)).toEqual(expected);
      expect(answer(name, 'file', 7, 16_384)).toEqual(expected);
    }, 120_000);
  }
});
