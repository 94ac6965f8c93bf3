// The embedded log serves its newest records from memory. These tests hold it to returning exactly
// what SQLite returns, and to forgetting records whose transaction rolled back.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteLog } from '../../src/runtime/log/sqlite-log.js';
import { valueRunRecords, type AppendRecord, type LogRecord, type ValueRun } from '../../src/runtime/log/topic-log.js';

let db: Database.Database | undefined;
afterEach(() => db?.close());

function open(): { db: Database.Database; log: SqliteLog } {
  db = new Database(':memory:');
  return { db, log: new SqliteLog(db) };
}

/** What SQLite holds: a new log over the same database has nothing cached. */
function stored(d: Database.Database, topic: string, partition = 0, from = 0, max = 1_000_000): LogRecord[] {
  return new SqliteLog(d).read(topic, partition, from, max);
}

function recs(n: number, base = 0): AppendRecord[] {
  return Array.from({ length: n }, (_, i) => ({ timestamp: base + i, key: Buffer.from(`k${base + i}`), value: Buffer.from(`v${base + i}`) }));
}

describe('SqliteLog tail', () => {
  it('serves appended records from memory, equal to what SQLite returns', () => {
    const { db, log } = open();
    log.createTopic('t', 2);
    const odd: AppendRecord[] = [
      { partition: 0, timestamp: 1, key: null, value: null },
      {
        partition: 0,
        timestamp: 2.5,
        key: Buffer.alloc(0),
        value: Buffer.from('x'),
        headers: [
          { key: 'h', value: new Uint8Array([1, 2]) },
          { key: 'n', value: null },
        ],
      },
      { partition: 1, timestamp: 3, key: Buffer.from('k'), value: Buffer.from('v'), window: { start: 10, end: 20 } },
      { partition: 0, timestamp: 4, key: Buffer.from('k'), value: Buffer.from('v'), headers: [] },
    ];
    db.transaction(() => log.append('t', odd))();
    db.transaction(() => log.append('t', recs(100, 10)))(); // keyed: both partitions
    log.append('t', recs(5, 500)); // outside a transaction
    for (const p of [0, 1]) {
      const end = log.endOffset('t', p);
      expect(end).toBe(stored(db, 't', p).length);
      for (const [from, max] of [
        [0, 1000],
        [0, 3],
        [2, 7],
        [end - 1, 10],
        [end, 10],
        [1, 0],
      ] as const) {
        expect(log.read('t', p, from, max)).toEqual(stored(db, 't', p, from, max));
      }
    }
    // Served from memory: rows changed behind the log's back do not show.
    db.prepare('UPDATE log_chunks SET data = zeroblob(length(data))').run();
    expect(stored(db, 't', 0, 1, 1)[0]!.value).toEqual(Buffer.from([0]));
    expect(log.read('t', 0, 1, 1)[0]!.value).toEqual(Buffer.from('x'));
  });

  it('keeps its copy of the bytes: a caller reusing its buffer changes nothing', () => {
    const { db, log } = open();
    log.createTopic('t', 1);
    const value = Buffer.from('abc');
    db.transaction(() => log.append('t', [{ timestamp: 1, key: null, value }]))();
    value.write('zzz');
    expect(log.read('t', 0, 0, 10)[0]!.value!.toString()).toBe('abc');
  });

  it('is bounded: reads from before the tail go to SQLite', () => {
    const { db, log } = open();
    log.createTopic('t', 1);
    for (let b = 0; b < 10; b++) db.transaction(() => log.append('t', recs(10_000, b * 10_000)))();
    expect(log.endOffset('t', 0)).toBe(100_000);
    for (const from of [0, 30_000, 34_463, 34_464, 36_863, 36_864, 99_990]) expect(log.read('t', 0, from, 5000)).toEqual(stored(db, 't', 0, from, 5000));
    // What is still in memory ignores rows changed behind the log's back; what is not comes from SQLite.
    db.prepare('UPDATE log_chunks SET data = zeroblob(length(data))').run();
    expect(log.read('t', 0, 0, 1)[0]!.value).toEqual(Buffer.from([0, 0]));
    expect(log.read('t', 0, 99_999, 1)[0]!.value).toEqual(Buffer.from('v99999'));
    expect(log.read('t', 0, 100_000 - 60_000, 1)[0]!.value).toEqual(Buffer.from('v40000'));
  });
});

describe('SqliteLog after a rollback', () => {
  function committedThenRolledBack(): { db: Database.Database; log: SqliteLog } {
    const { db, log } = open();
    log.createTopic('t', 1);
    db.transaction(() => log.append('t', recs(3)))();
    expect(() =>
      db.transaction(() => {
        log.append('t', recs(4, 100));
        // Inside the transaction its own rows are there, as SQLite shows them.
        expect(log.read('t', 0, 0, 100)).toHaveLength(7);
        expect(log.endOffset('t', 0)).toBe(7);
        throw new Error('batch failed');
      })(),
    ).toThrow('batch failed');
    return { db, log };
  }

  it('goes back to the committed end and serves no phantom records', () => {
    const { db, log } = committedThenRolledBack();
    expect(log.endOffset('t', 0)).toBe(3);
    expect(log.read('t', 0, 0, 100)).toEqual(stored(db, 't'));
    expect(log.read('t', 0, 3, 100)).toEqual([]);
    expect(log.append('t', recs(2, 200))).toEqual([
      { partition: 0, offset: 3 },
      { partition: 0, offset: 4 },
    ]);
    expect(log.read('t', 0, 0, 100).map((r) => r.value!.toString())).toEqual(['v0', 'v1', 'v2', 'v200', 'v201']);
    expect(log.read('t', 0, 0, 100)).toEqual(stored(db, 't'));
  });

  it('notices the rollback when the next access is inside the next transaction', () => {
    const { db, log } = committedThenRolledBack();
    db.transaction(() => {
      expect(log.read('t', 0, 3, 100)).toEqual([]);
      expect(log.append('t', recs(1, 300))[0]!.offset).toBe(3);
    })();
    expect(log.read('t', 0, 0, 100)).toEqual(stored(db, 't'));
    expect(log.endOffset('t', 0)).toBe(4);
  });

  it('notices a savepoint rolled back inside a transaction that commits', () => {
    const { db, log } = open();
    log.createTopic('t', 1);
    db.transaction(() => {
      log.append('t', recs(2));
      expect(() =>
        db.transaction(() => {
          log.append('t', recs(5, 100));
          throw new Error('inner');
        })(),
      ).toThrow('inner');
      expect(log.endOffset('t', 0)).toBe(2);
      expect(log.read('t', 0, 0, 100)).toHaveLength(2);
      log.append('t', recs(1, 200));
    })();
    expect(log.read('t', 0, 0, 100).map((r) => [r.offset, r.value!.toString()])).toEqual([
      [0, 'v0'],
      [1, 'v1'],
      [2, 'v200'],
    ]);
    expect(log.read('t', 0, 0, 100)).toEqual(stored(db, 't'));
  });

  it('finds the end in SQLite after an append that failed half-way and was committed anyway', () => {
    const { db, log } = open();
    log.createTopic('t', 1);
    const bad = [...recs(40), { partition: 7, timestamp: 0, key: null, value: null }];
    db.transaction(() => expect(() => log.append('t', bad)).toThrow(/Partition 7/))();
    expect(log.endOffset('t', 0)).toBe(stored(db, 't').length);
    expect(log.append('t', recs(1, 99))[0]!.offset).toBe(stored(db, 't').length - 1);
    expect(log.read('t', 0, 0, 100)).toEqual(stored(db, 't'));
  });
});

describe('SqliteLog storage', () => {
  it('reads across stored chunks and the tail in one read, as it appended them', () => {
    const { db, log } = open();
    log.createTopic('t', 1);
    // Uneven appends: chunks of many sizes, some cut at a segment's end.
    let n = 0;
    for (const size of [1, 4095, 3, 5000, 70_000, 2, 9000]) {
      db.transaction(() => log.append('t', recs(size, n)))();
      n += size;
    }
    const all = log.read('t', 0, 0, -1);
    expect(all.map((r) => r.offset)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(all.map((r) => r.value!.toString())).toEqual(Array.from({ length: n }, (_, i) => `v${i}`));
    for (const [from, max] of [
      [0, 10],
      [4094, 5],
      [4095, 20_000],
      [9000, 20_000],
      [n - 3, 10],
    ] as const)
      expect(log.read('t', 0, from, max)).toEqual(stored(db, 't', 0, from, max));
  });

  it('moves a data directory of the row-per-record layout into chunks, records and all', () => {
    db = new Database(':memory:');
    db.exec(`CREATE TABLE topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL);
      CREATE TABLE log (topic TEXT NOT NULL, partition INTEGER NOT NULL, "offset" INTEGER NOT NULL, ts INTEGER NOT NULL,
        k BLOB, v BLOB, h TEXT, ws INTEGER, we INTEGER, PRIMARY KEY (topic, partition, "offset")) WITHOUT ROWID;
      INSERT INTO topics VALUES ('a', 2), ('b', 1);`);
    const ins = db.prepare('INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < 5000; i++) ins.run('a', i % 2, Math.floor(i / 2), i, Buffer.from(`k${i}`), i % 7 ? Buffer.from(`v${i}`) : null, null, null, null);
    ins.run(
      'b',
      0,
      0,
      5,
      null,
      Buffer.from('x'),
      JSON.stringify([
        ['h', Buffer.from('hv').toString('base64')],
        ['n', null],
      ]),
      10,
      20,
    );
    const log = new SqliteLog(db);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'log'").get()).toBeUndefined();
    expect(log.endOffset('a', 0)).toBe(2500);
    expect(log.endOffset('a', 1)).toBe(2500);
    const a1 = log.read('a', 1, 0, -1);
    expect(a1.map((r) => [r.offset, r.timestamp, r.key!.toString(), r.value?.toString() ?? null])).toEqual(
      Array.from({ length: 2500 }, (_, j) => [j, 2 * j + 1, `k${2 * j + 1}`, (2 * j + 1) % 7 ? `v${2 * j + 1}` : null]),
    );
    expect(log.read('b', 0, 0, 10)).toEqual([
      {
        topic: 'b',
        partition: 0,
        offset: 0,
        timestamp: 5,
        key: null,
        value: Buffer.from('x'),
        headers: [
          { key: 'h', value: Buffer.from('hv') },
          { key: 'n', value: null },
        ],
        window: { start: 10, end: 20 },
      },
    ]);
    expect(log.append('a', [{ partition: 0, timestamp: 1, key: null, value: null }])).toEqual([{ partition: 0, offset: 2500 }]);
  });
});

describe("SqliteLog.appendValues (a file's lines as byte ranges of one buffer)", () => {
  /** Lines of `text` as a run: the ranges between '\n's, as the file source hands them over. */
  function run(text: string, timestamp: number): ValueRun {
    const bytes = Buffer.from(text);
    const starts: number[] = [];
    const ends: number[] = [];
    let s = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        starts.push(s);
        ends.push(i);
        s = i + 1;
      }
    }
    return { bytes, starts: Int32Array.from(starts), ends: Int32Array.from(ends), count: starts.length, timestamp };
  }

  it('stores what append stores for the same records, across segment boundaries, served and stored alike', () => {
    const { db, log } = open();
    log.createTopic('a', 1);
    log.createTopic('b', 1);
    // Long lines and many of them: more than one segment (SEGMENT_BYTES, SEGMENT_RECORDS) per append.
    const lines = Array.from({ length: 9000 }, (_, i) => `{"n":${i},"s":"${'é'.repeat(i % 300)}"}`);
    lines[17] = '';
    const text = lines.join('\n');
    db.transaction(() => log.appendValues('a', run(text, 7)))();
    db.transaction(() => log.append('b', valueRunRecords(run(text, 7))))();
    db.transaction(() => log.appendValues('a', run('x\ny', 8)))();
    db.transaction(() => log.append('b', valueRunRecords(run('x\ny', 8))))();
    const strip = (rs: LogRecord[]) => rs.map(({ topic: _t, ...r }) => ({ ...r, value: r.value?.toString('utf8') ?? null }));
    expect(log.endOffset('a', 0)).toBe(9002);
    expect(strip(log.read('a', 0, 0, 100_000))).toEqual(strip(log.read('b', 0, 0, 100_000)));
    expect(strip(stored(db, 'a'))).toEqual(strip(stored(db, 'b')));
    expect(stored(db, 'a')[17]!.value!.length).toBe(0);
    expect(stored(db, 'a')[9001]!.value!.toString()).toBe('y');
  });

  it('forgets a rolled-back run, and goes round-robin over several partitions as append does', () => {
    const { db, log } = open();
    log.createTopic('t', 1);
    db.transaction(() => log.appendValues('t', run('a\nb', 1)))();
    expect(() =>
      db.transaction(() => {
        log.appendValues('t', run('c\nd', 2));
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(log.read('t', 0, 0, 10).map((r) => r.value!.toString())).toEqual(['a', 'b']);
    expect(log.endOffset('t', 0)).toBe(2);
    log.createTopic('p', 2);
    log.createTopic('q', 2);
    log.appendValues('p', run('1\n2\n3\n4\n5', 3));
    log.append('q', valueRunRecords(run('1\n2\n3\n4\n5', 3)));
    for (const p of [0, 1]) expect(log.read('p', p, 0, 10).map((r) => r.value!.toString())).toEqual(log.read('q', p, 0, 10).map((r) => r.value!.toString()));
  });
});
