// The interactive shell as a person uses it: tables, errors with carets, live push queries that
// update in place and cancel with Ctrl-C, completion, multi-line input and history.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLICKS, KEYS, openSession, tempDir } from './helpers.js';

async function run(s: ReturnType<typeof openSession>, sql: string): Promise<void> {
  await s.type(sql);
  await s.key(KEYS.enter);
}

describe('shell: statements and tables', () => {
  it('runs a statement typed over several lines and draws the rows as an aligned table with NULLs marked', async () => {
    const s = openSession();
    await s.type('CREATE TABLE PEOPLE (ID INT PRIMARY KEY,');
    await s.key(KEYS.enter);
    expect(s.screen()).toMatch(/^ {3}->/m);
    await run(s, ' NAME STRING, CITY STRING);');
    await s.waitFor((x) => x.includes('Table created'));
    await run(s, "INSERT INTO PEOPLE (ID, NAME, CITY) VALUES (1, 'ada', 'London');");
    await run(s, "INSERT INTO PEOPLE (ID, NAME) VALUES (22, 'grace');");
    await run(s, 'SELECT * FROM PEOPLE;');
    const screen = await s.waitFor((x) => /2 rows \(/.test(x));
    expect(screen).toContain('│ ID │ NAME  │ CITY   │');
    expect(screen).toContain('│  1 │ ada   │ London │');
    expect(screen).toContain('│ 22 │ grace │ null   │');
  });

  it('follows a topic with PRINT until Ctrl-C, from the records that arrive after it starts, formats above', async () => {
    const s = openSession();
    await run(s, CLICKS);
    await s.waitFor((x) => x.includes('Stream created'));
    s.eddy.execute("INSERT INTO CLICKS (USER_ID, PAGE, MS) VALUES ('before', '/old', 1);");
    await run(s, 'PRINT clicks;');
    await s.waitFor((x) => x.includes('Ctrl-C to cancel'));
    s.eddy.execute("INSERT INTO CLICKS (USER_ID, PAGE, MS) VALUES ('after', '/new', 2);");
    const live = await s.waitFor((x) => x.includes('after'));
    expect(live).toContain('Key format: KAFKA_STRING · Value format: JSON or KAFKA_STRING');
    expect(live).not.toContain('before');
    await s.key(KEYS.ctrlC);
    await s.waitFor((x) => x.includes('Cancelled: 1 row'));
  });

  it('shows DESCRIBE as a titled table and EXPLAIN as a tree of operators', async () => {
    const s = openSession();
    await run(s, CLICKS);
    await run(s, 'DESCRIBE CLICKS;');
    await s.waitFor((x) => x.includes('Stream CLICKS') && x.includes('│ USER_ID │ STRING (key) │'));
    await run(s, 'EXPLAIN SELECT C.USER_ID, COUNT(*) FROM CLICKS C JOIN USERS U ON C.USER_ID = U.ID GROUP BY C.USER_ID EMIT CHANGES;');
    await s.waitFor((x) => x.includes('ERROR'));
    await run(s, "CREATE TABLE USERS (ID STRING PRIMARY KEY, NAME STRING) WITH (kafka_topic='users', value_format='JSON', partitions=1);");
    await run(s, 'EXPLAIN SELECT C.USER_ID, COUNT(*) FROM CLICKS C JOIN USERS U ON C.USER_ID = U.ID GROUP BY C.USER_ID EMIT CHANGES;');
    const screen = await s.waitFor((x) => x.includes('PushSink'));
    const tree = screen.split('\n').filter((l) => /(Sink|Project|Aggregate|Join|Source) /.test(l));
    expect(tree[0]).toMatch(/^PushSink/);
    // The join's two inputs hang from it as siblings: the first with ├─, the last with └─.
    expect(tree.some((l) => /├─ StreamSource +CLICKS/.test(l))).toBe(true);
    expect(tree.some((l) => /└─ TableSource +USERS/.test(l))).toBe(true);
  });

  it('repeats the faulty line of a statement with a caret under the column at fault', async () => {
    const s = openSession();
    await run(s, CLICKS);
    await s.type('SELECT USER_ID,');
    await s.key(KEYS.enter);
    await run(s, '       NOPE FROM CLICKS;');
    const screen = await s.waitFor((x) => x.includes('ERROR at line 2, column 8'));
    const lines = screen.split('\n');
    const at = lines.findIndex((l) => l.startsWith('ERROR at line 2'));
    expect(lines[at + 1]).toBe('2 |        NOPE FROM CLICKS;');
    expect(lines[at + 2]).toBe(`${' '.repeat('2 |        '.length)}^`);
    // A syntax error points too.
    await run(s, 'SELECT * FROM CLICKS WHERE;');
    await s.waitFor((x) => /ERROR at line 1, column 27: Syntax Error/.test(x));
  });

  it('switches to one field a line when the rows are too wide for the terminal', async () => {
    const s = openSession({ columns: 40 });
    await run(s, 'CREATE TABLE WIDE (ID INT PRIMARY KEY, A STRING, B STRING, C STRING, D STRING, E STRING);');
    await run(s, "INSERT INTO WIDE (ID, A, B, C, D, E) VALUES (1, 'aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc', 'dddddddddddd', 'eeeeeeeeeeee');");
    await run(s, 'SELECT * FROM WIDE;');
    const screen = await s.waitFor((x) => x.includes('1 row'));
    expect(screen).toContain('─[ RECORD 1 ]');
    expect(screen).toMatch(/^A  │ aaaaaaaaaaaa$/m);
  });

  it('turns records on and off with \\x whatever the width', async () => {
    const s = openSession();
    await run(s, 'CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING);');
    await run(s, "INSERT INTO T (ID, NAME) VALUES (7, 'ada');");
    await s.type('\\x');
    await s.key(KEYS.enter);
    await s.waitFor((x) => x.includes('Records (one field a line) are on.'));
    await run(s, 'SELECT * FROM T;');
    await s.waitFor((x) => /─\[ RECORD 1 \]─+\nID   │ 7\nNAME │ ada/.test(x));
    await s.type('\\x');
    await s.key(KEYS.enter);
    await run(s, 'SELECT * FROM T;');
    await s.waitFor((x) => x.includes('│  7 │ ada  │'));
  });

  it('shows EXPLAIN ANALYZE figures on every operator and its summary', async () => {
    const s = openSession();
    await run(s, CLICKS);
    s.eddy.insert(
      'CLICKS',
      [1, 2, 3].map((i) => ({ USER_ID: `u${i}`, PAGE: `/p${i}`, MS: i })),
    );
    await run(s, 'EXPLAIN ANALYZE SELECT USER_ID, MS FROM CLICKS WHERE MS > 1 EMIT CHANGES;');
    const screen = await s.waitFor((x) => x.includes('Nothing was written.'));
    // Long lines wrap at the test terminal's width: read the text with its line breaks as spaces.
    const flat = screen.replace(/\s+/g, ' ');
    expect(flat).toMatch(/PushSink to subscriber \[rows in 2, \d+\.\d+ ms\]/);
    expect(flat).toMatch(/Project USER_ID STRING, MS INTEGER \[rows in 2, \d+\.\d+ ms\]/);
    expect(flat).toMatch(/Filter \(MS > 1\) \[rows in 3, \d+\.\d+ ms\]/);
    expect(flat).toMatch(/StreamSource CLICKS ← .* \[rows in 3, \d+\.\d+ ms\]/);
    expect(screen).toContain('Analyzed over 3 input records');
  });

  it('points a RUN SCRIPT error at the line and column of the file', async () => {
    const file = join(tempDir(), 'bad.sql');
    writeFileSync(file, `${CLICKS}\n\nSELECT USER_ID,\n   NOPE FROM CLICKS EMIT CHANGES;\n`);
    const s = openSession();
    await run(s, `RUN SCRIPT '${file}';`);
    const screen = await s.waitFor((x) => x.includes('Ran 1 of 2'));
    expect(screen).toContain(`ERROR at line 4, column 4 of ${file}: Column 'NOPE'`);
    expect(screen).toContain('4 |    NOPE FROM CLICKS EMIT CHANGES;\n       ^');
  });

  it('runs RUN SCRIPT files statement by statement', async () => {
    const dir = tempDir();
    const file = join(dir, 'setup.sql');
    writeFileSync(file, `${CLICKS}\nINSERT INTO CLICKS (USER_ID, PAGE, MS) VALUES ('ada', '/a', 1);\nINSERT INTO CLICKS (USER_ID, PAGE, MS) VALUES ('bob', '/b', 2);\n`);
    const s = openSession();
    await run(s, `RUN SCRIPT '${file}';`);
    await s.waitFor((x) => x.includes(`Ran 3 of 3 statements from ${file}`));
    expect(s.frames().some((f) => new RegExp(`RUN SCRIPT '${file}' \\[[█·]+\\] +\\d+% [0-2]/3`).test(f))).toBe(true);
    expect(s.eddy.readTopic('clicks')).toHaveLength(2);
  });
});

describe('shell: live push queries', () => {
  it('updates a windowed count in place by key, shows the status line, and Ctrl-C cancels without leaving', async () => {
    const s = openSession();
    await run(s, CLICKS);
    await run(s, 'SELECT USER_ID, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY USER_ID EMIT CHANGES;');
    await s.waitFor((x) => x.includes('Ctrl-C to cancel'));
    const t = Date.UTC(2026, 0, 1, 10, 0, 0);
    s.eddy.insert('CLICKS', [{ USER_ID: 'ada', PAGE: '/a', MS: 1, ROWTIME: t }]);
    await s.waitFor((x) => /│ ada +│ +1 │/.test(x));
    s.eddy.insert('CLICKS', [
      { USER_ID: 'ada', PAGE: '/b', MS: 2, ROWTIME: t + 1000 },
      { USER_ID: 'bob', PAGE: '/c', MS: 3, ROWTIME: t + 2000 },
    ]);
    const screen = await s.waitFor((x) => /│ ada +│ +2 │/.test(x) && /│ bob +│ +1 │/.test(x));
    // In place: ada's row changed from 1 to 2 instead of a second ada row scrolling in.
    expect(screen.match(/│ ada /g)).toHaveLength(1);
    expect(screen).toContain('10:00:00–11:00:00');
    expect(screen).toMatch(/batch \d+ · \d+ rows\/s · latency .* · late dropped 0 · 3 rows received, 2 keys/);
    await s.key(KEYS.ctrlC);
    await s.waitFor((x) => x.includes('Cancelled: 3 rows'));
    expect(s.eddy.state.pushQueries.size).toBe(0);
    // Still in the shell.
    await run(s, 'SHOW STREAMS;');
    await s.waitFor((x) => x.includes('│ CLICKS │'));
  });

  it('counts late records in the status line', async () => {
    const s = openSession();
    await run(s, CLICKS);
    await run(s, 'SELECT USER_ID, COUNT(*) AS N FROM CLICKS WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 0 SECONDS) GROUP BY USER_ID EMIT CHANGES;');
    await s.waitFor((x) => x.includes('Ctrl-C to cancel'));
    const t = Date.UTC(2026, 0, 1, 10, 0, 0);
    s.eddy.insert('CLICKS', [{ USER_ID: 'ada', PAGE: '/', MS: 1, ROWTIME: t }]);
    s.eddy.insert('CLICKS', [{ USER_ID: 'ada', PAGE: '/', MS: 2, ROWTIME: t + 3_600_000 }]);
    await s.waitFor((x) => x.includes('11:00:00–11:01:00'));
    s.eddy.insert('CLICKS', [{ USER_ID: 'ada', PAGE: '/', MS: 3, ROWTIME: t + 1000 }]);
    await s.waitFor((x) => x.includes('late dropped 1'));
    await s.key(KEYS.ctrlC);
  });

  it('scrolls rows of a plain stream and ends by itself at LIMIT', async () => {
    const s = openSession();
    await run(s, CLICKS);
    s.eddy.insert(
      'CLICKS',
      [1, 2, 3].map((i) => ({ USER_ID: `u${i}`, PAGE: `/p${i}`, MS: i })),
    );
    await run(s, 'SELECT * FROM CLICKS EMIT CHANGES LIMIT 3;');
    const screen = await s.waitFor((x) => x.includes('Query ended: 3 rows'));
    expect(screen).toMatch(/│ u3 +│ \/p3 +│ +3 │/);
    expect(screen.trimEnd().endsWith('eddy>')).toBe(true);
  });

  it('keeps keys typed while a query runs and runs them after it (type-ahead); Ctrl-C drops them', async () => {
    const s = openSession();
    await run(s, CLICKS);
    await run(s, 'SELECT * FROM CLICKS EMIT CHANGES LIMIT 2;');
    await s.waitFor((x) => !/^eddy>/m.test(x.split('\n').slice(-1)[0] ?? ''));
    // Typed while the push query waits for rows: nothing shows yet, nothing is lost.
    await run(s, 'SHOW STREAMS;');
    expect(s.screen()).not.toContain('SHOW STREAMS;');
    s.eddy.insert(
      'CLICKS',
      [1, 2].map((i) => ({ USER_ID: `u${i}`, PAGE: `/p${i}`, MS: i })),
    );
    const after = await s.waitFor((x) => x.includes('Query ended: 2 rows') && /eddy> SHOW STREAMS;/.test(x) && x.includes('CLICKS') && x.trimEnd().endsWith('eddy>'));
    expect(after.indexOf('Query ended: 2 rows')).toBeLessThan(after.indexOf('eddy> SHOW STREAMS;'));
    // Typed ahead, then cancelled: the terminal's rule (an interrupt flushes pending input).
    await run(s, 'SELECT * FROM CLICKS EMIT CHANGES LIMIT 9;');
    await s.type('SHOW TABLES;');
    await s.key(KEYS.ctrlC);
    const cancelled = await s.waitFor((x) => x.includes('Cancelled:') && x.trimEnd().endsWith('eddy>'));
    expect(cancelled).not.toContain('SHOW TABLES;');
  });
});

describe('shell: help and leaving', () => {
  it('answers help without a semicolon, and Ctrl-D on an empty prompt closes the engine', async () => {
    const s = openSession();
    await s.type('help');
    await s.key(KEYS.enter);
    await s.waitFor((x) => x.includes('Ctrl-R searches it'));
    await s.type('SHOW');
    await s.key(KEYS.ctrlD); // not empty: deletes under the cursor, stays
    await s.key(KEYS.ctrlC); // clears the line
    expect(s.screen()).toMatch(/eddy>$/);
    await s.key(KEYS.ctrlD);
    for (let i = 0; i < 100 && s.eddy.state.db.open; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.eddy.state.db.open).toBe(false);
  });
});

describe('shell: progress', () => {
  it('shows a progress bar while a push query catches up with a backlog', async () => {
    const s = openSession({ maxRecords: 2 });
    await run(s, CLICKS);
    s.eddy.insert(
      'CLICKS',
      Array.from({ length: 3000 }, (_, i) => ({ USER_ID: `u${i % 7}`, PAGE: '/', MS: i })),
    );
    await run(s, 'SELECT USER_ID, COUNT(*) AS N FROM CLICKS GROUP BY USER_ID EMIT CHANGES;');
    await s.waitFor((x) => /catching up \[[█·]+\] +\d+% \d+ behind/.test(x));
    // Caught up: the bar goes and the counts are complete.
    await s.waitFor((x) => !x.includes('catching up') && /│ u0 +│ +429 │/.test(x), 30_000);
    await s.key(KEYS.ctrlC);
  });
});

describe('shell: bulk load progress', () => {
  /** A session that has started `COPY ORDERS FROM` a temp CSV of `n` rows (with a header). */
  async function startCopy(n: number): Promise<ReturnType<typeof openSession>> {
    const file = join(tempDir(), 'orders.csv');
    writeFileSync(file, ['ID,ITEM,QTY', ...Array.from({ length: n }, (_, i) => `${i},item-${i % 97},${i % 13}`)].join('\n') + '\n');
    const s = openSession();
    await run(s, 'CREATE TABLE ORDERS (ID INT PRIMARY KEY, ITEM STRING, QTY INT);');
    await s.waitFor((x) => x.includes('Table created'));
    await run(s, `COPY ORDERS FROM '${file}';`);
    return s;
  }

  it('draws a progress bar with a growing percentage while COPY loads 50,000 rows', async () => {
    const s = await startCopy(50_000);
    await s.waitFor((x) => x.includes('Copied 50000 rows into ORDERS.'), 30_000);
    const bar = /COPY ORDERS \[[█·]+\] +(\d+)% (\d+)\/50000 rows · [\d.]+ of [\d.]+ MB/;
    const percents = s
      .frames()
      .map((f) => bar.exec(f))
      .filter((m) => m !== null)
      .map((m) => Number(m[1]));
    expect(new Set(percents).size).toBeGreaterThan(2);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.some((p) => p < 100)).toBe(true);
    expect(s.eddy.execute('SELECT * FROM ORDERS;')[0]).toMatchObject({ rows: { length: 50_000 } });
  });

  it('stops a COPY on Ctrl-C and says how many rows were committed', async () => {
    const s = await startCopy(200_000);
    await s.waitFor((x) => /COPY ORDERS \[[█·]+\] +\d+%/.test(x));
    await s.key(KEYS.ctrlC);
    const screen = await s.waitFor((x) => x.includes('COPY cancelled'), 30_000);
    const copied = Number(/COPY cancelled: (\d+) rows of 200000 copied into ORDERS and committed/.exec(screen)?.[1]);
    expect(copied).toBeGreaterThan(0);
    expect(copied).toBeLessThan(200_000);
    expect(s.eddy.execute('SELECT * FROM ORDERS;')[0]).toMatchObject({ rows: { length: copied } });
    // The prompt is back.
    await run(s, 'SHOW TABLES;');
    await s.waitFor((x) => x.includes('│ ORDERS'));
  });
});

describe('shell: completion and history', () => {
  it('completes keywords, source names and column names with Tab', async () => {
    const s = openSession();
    await run(s, CLICKS);
    // A unique completion adds the word and a space: the next word follows directly.
    await s.type('sel');
    await s.key(KEYS.tab);
    await s.type('US');
    expect(s.screen()).toContain('eddy> SELECT US');
    await s.key(KEYS.tab);
    await s.type('FROM CL');
    expect(s.screen()).toContain('eddy> SELECT USER_ID FROM CL');
    await s.key(KEYS.tab);
    await s.type('WINDOW T');
    await s.waitFor((x) => x.includes('eddy> SELECT USER_ID FROM CLICKS WINDOW T'));
    await s.key(KEYS.tab);
    await s.type('(');
    await s.waitFor((x) => x.includes('WINDOW TUMBLING ('));
    // Ambiguous: the choices are listed.
    await s.key(KEYS.ctrlC);
    await s.type('SELECT C');
    await s.key(KEYS.tab);
    const screen = await s.waitFor((x) => x.includes('COUNT'));
    expect(screen).toMatch(/CASE.*CAST|CAST.*CASE/);
  });

  it('keeps history across sessions: up arrow recalls, Ctrl-R searches', async () => {
    const first = openSession();
    await run(first, 'SHOW STREAMS;');
    await run(first, 'SHOW TABLES;');
    await first.waitFor((x) => x.includes('Tables'));
    first.unmount();
    expect(readFileSync(first.historyFile, 'utf8')).toBe('"SHOW STREAMS;"\n"SHOW TABLES;"\n');
    const s = openSession({ historyFile: first.historyFile });
    await s.key(KEYS.up);
    expect(s.screen()).toContain('eddy> SHOW TABLES;');
    await s.key(KEYS.up);
    expect(s.screen()).toContain('eddy> SHOW STREAMS;');
    await s.key(KEYS.down);
    await s.key(KEYS.down);
    expect(s.screen()).toMatch(/eddy>$/m);
    await s.key(KEYS.ctrlR);
    await s.type('str');
    expect(s.screen()).toContain("(reverse-i-search)`str': SHOW STREAMS;");
    await s.key(KEYS.enter);
    expect(s.screen()).toContain('eddy> SHOW STREAMS;');
    await s.key(KEYS.enter);
    await s.waitFor((x) => x.includes('Streams'));
  });
});
