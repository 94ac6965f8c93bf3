// ksqlDB's session aggregation deletes a session merged into another with the row it held (Kafka
// Streams forwards the old value), so a HAVING after it deletes the row whenever that row had
// passed — also when the merged session fails HAVING and is never shown.

import { afterEach, describe, expect, it } from 'vitest';
import type { Eddy } from '../../src/runtime/engine.js';
import { engine, insert, topic } from './helpers.js';

let eddy: Eddy;
afterEach(() => eddy?.close());

const click = (u: string, ts: number) => insert(eddy, 'CLICKS', 'U, P', `'${u}', '/'`, ts);
const counts = () => topic(eddy, 'C').map((r) => [r.key, r.window?.start, r.window?.end, r.value === null ? null : (r.value as { N: number }).N]);

describe('session merges under HAVING', () => {
  it('a merged-away session that passed HAVING is deleted though the merged one fails it', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM CLICKS (U STRING KEY, P STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE C AS SELECT U, COUNT(*) AS N FROM CLICKS WINDOW SESSION (15 SECONDS) GROUP BY U HAVING COUNT(*) <= 2;');
    click('a', 0);
    click('a', 30000);
    click('a', 5000); // [0, 5000]: 2 rows, still passes
    click('a', 20000); // bridges [0, 5000] and [30000, 30000]: 4 rows, fails
    expect(counts()).toEqual([
      ['a', 0, 0, 1],
      ['a', 30000, 30000, 1],
      ['a', 0, 0, null],
      ['a', 0, 5000, 2],
      ['a', 0, 5000, null],
      ['a', 30000, 30000, null],
    ]);
    const [r] = eddy.execute("SELECT U, WINDOWSTART, WINDOWEND, N FROM C WHERE U = 'a';");
    expect(r!.kind === 'rows' ? r!.rows : r).toEqual([]);
  });

  it('a merged-away session that had failed HAVING was never shown, so nothing deletes it', () => {
    eddy = engine();
    eddy.execute("CREATE STREAM CLICKS (U STRING KEY, P STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);");
    eddy.execute('CREATE TABLE C AS SELECT U, COUNT(*) AS N FROM CLICKS WINDOW SESSION (10 SECONDS) GROUP BY U HAVING COUNT(*) >= 2;');
    click('a', 0);
    click('a', 5000);
    expect(counts()).toEqual([['a', 0, 5000, 2]]);
  });
});
