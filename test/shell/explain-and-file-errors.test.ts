// EXPLAIN ANALYZE's figures for every operator, and errors of -f and RUN SCRIPT located in the
// file (line and column counted from the file's start, not the statement's). Real processes.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './build.js';
import { tempDir } from './helpers.js';
import { eddy } from './process.js';

const CLICKS = `CREATE STREAM CLICKS (USER_ID STRING KEY, PAGE STRING, MS INT) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);
INSERT INTO CLICKS (USER_ID, PAGE, MS) VALUES ('ada', '/a', 5);
INSERT INTO CLICKS (USER_ID, PAGE, MS) VALUES ('bob', '/b', 50);
INSERT INTO CLICKS (USER_ID, PAGE, MS) VALUES ('ada', '/c', 500);`;

describe('EXPLAIN ANALYZE with -e', () => {
  beforeAll(ensureBuilt, 180_000);

  it('prints rows in and time for every operator of the tree, and the summary', async () => {
    const r = await eddy(['--memory', '-e', `${CLICKS}\nEXPLAIN ANALYZE SELECT USER_ID, COUNT(*) AS N FROM CLICKS WHERE MS > 10 GROUP BY USER_ID EMIT CHANGES;`]);
    expect(r.status).toBe(0);
    const tree = r.stdout.split('\n').filter((l) => /^[\s│├└─]*(\w*Sink|\w*Source|Filter|Project|Aggregate)  /.test(l));
    expect(tree.length).toBe(5);
    for (const line of tree) expect(line).toMatch(/\[rows in \d+, \d+\.\d+ ms\]$/);
    expect(tree.find((l) => /StreamSource/.test(l))).toContain('[rows in 3,');
    expect(r.stdout).toMatch(/Analyzed over 3 input records in 1 batch/);
  }, 90_000);
});

const SCRIPT = `-- set-up for the clicks demo
${CLICKS}

SELECT USER_ID,
       NOPE FROM CLICKS EMIT CHANGES;
`;

describe('errors located in the file', () => {
  beforeAll(ensureBuilt, 180_000);

  it('-f reports the line and column within the file and shows that line', async () => {
    const file = join(tempDir(), 'setup.sql');
    writeFileSync(file, SCRIPT);
    const r = await eddy(['--memory', '-f', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`ERROR at line 8, column 8 of ${file}: Column 'NOPE'`);
    expect(r.stderr).toContain('8 |        NOPE FROM CLICKS EMIT CHANGES;\n           ^');
  }, 90_000);

  it('-e counts lines from the start of the text, and a statement that starts mid-line keeps its column', async () => {
    const r = await eddy(['--memory', '-e', 'SHOW STREAMS;\nSHOW TABLES; SELECT * FROM NOWHERE;']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ERROR at line 2, column 28: NOWHERE does not exist.\n2 | SHOW TABLES; SELECT * FROM NOWHERE;\n                               ^');
  }, 90_000);

  it('RUN SCRIPT reports the line within the script it ran', async () => {
    const file = join(tempDir(), 'setup.sql');
    writeFileSync(file, SCRIPT);
    const r = await eddy(['--memory', '-e', `RUN SCRIPT '${file}';`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`ERROR at line 8, column 8 of ${file}: Column 'NOPE'`);
  }, 90_000);
});
