// Column metadata over pg_catalog as clients ask for it: psql's `\d name`, `\d+ name` and `\d+`,
// pgJDBC's DatabaseMetaData.getColumns and getPrimaryKeys (types mapped by pgJDBC itself from the
// type OIDs and typmods the server gives), and psycopg's TypeInfo.fetch.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { start } from './helpers.js';
import { jdbcTestable, PGJDBC_JAR, psycopgTestable, run } from './pgwire-clients.js';

const hasPsql = spawnSync('sh', ['-c', 'command -v psql']).status === 0;
if (!hasPsql) {
  const msg = `\n${'!'.repeat(78)}\n!! pgwire catalog tests with psql SKIPPED: psql is not installed (apt-get install -y postgresql-client).\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  process.stderr.write(msg);
}

const SCHEMA = [
  "CREATE STREAM ORDERS (ID INT KEY, NAME STRING, N BIGINT, PRICE DECIMAL(10,2), PAID BOOLEAN, AT TIMESTAMP, TAGS ARRAY<STRING>) WITH (kafka_topic='orders', value_format='JSON', partitions=1);",
  "CREATE TABLE PRICES (SKU STRING PRIMARY KEY, AMOUNT DOUBLE) WITH (kafka_topic='prices', value_format='JSON', partitions=1);",
].join(' ');

describe('pg_catalog answers', () => {
  it.skipIf(!hasPsql)(
    'psql: \\d name, \\d+ name and \\d+',
    async () => {
      const { server } = await start({ pgPort: 0 });
      server.eddy.execute(SCHEMA);
      const r = await run('psql', ['-X', '-h', '127.0.0.1', '-p', String(server.pgAddress!.port), '-U', 'eddy', '-d', 'eddy', '-c', '\\d prices', '-c', '\\d+ prices', '-c', '\\d+'], 30_000);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Table "public\.PRICES"\n Column +\| +Type +\| Collation \| Nullable \| +Default +\n/);
      expect(r.stdout).toMatch(/ SKU +\| STRING +\| +\| not null \| PRIMARY KEY\n AMOUNT +\| DOUBLE +\| +\| +\| *\n/);
      // \d+: storage, compression, stats target and description, each where psql asked for it.
      expect(r.stdout).toMatch(/ Column +\| +Type +\| Collation \| Nullable \| +Default +\| Storage +\| Compression \| Stats target \| +Description +\n/);
      expect(r.stdout).toMatch(/ SKU +\| STRING +\| +\| not null \| PRIMARY KEY \| extended \| +\| +\| Eddy primary key column\n AMOUNT +\| DOUBLE +\| +\| +\| +\| plain +\|/);
      // \\d+ lists both as tables (PostgreSQL has no kind for a stream); the description says which.
      expect(r.stdout).toMatch(/public +\| ORDERS +\| table +\| eddy +\| permanent +\| [^|]+\| [^|]+\| Eddy stream/);
      expect(r.stdout).toMatch(/public +\| PRICES +\| table +\| eddy +\| permanent +\| [^|]+\| [^|]+\| Eddy table/);
    },
    60_000,
  );

  it.runIf(psycopgTestable())(
    'psycopg: TypeInfo.fetch of a type by name',
    async () => {
      const { server } = await start({ pgPort: 0 });
      const script = `
import sys, psycopg
from psycopg.types import TypeInfo
conn = psycopg.connect(host='127.0.0.1', port=int(sys.argv[1]), user='eddy', dbname='eddy', autocommit=True)
for name in ['numeric', 'integer', 'timestamp', 'json', 'nope']:
    t = TypeInfo.fetch(conn, name)
    print(name, None if t is None else [t.name, t.oid, t.array_oid, t.regtype])
`;
      const r = await run('python3', ['-c', script, String(server.pgAddress!.port)], 60_000);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim().split('\n')).toEqual([
        "numeric ['numeric', 1700, 1231, 'numeric']",
        "integer ['int4', 23, 1007, 'integer']",
        "timestamp ['timestamp', 1114, 1115, 'timestamp without time zone']",
        "json ['json', 114, 199, 'json']",
        'nope None',
      ]);
    },
    60_000,
  );

  it.runIf(jdbcTestable())(
    'pgJDBC: getColumns (types from the OIDs and typmods) and getPrimaryKeys',
    async () => {
      const { server } = await start({ pgPort: 0 });
      server.eddy.execute(SCHEMA);
      const dir = mkdtempSync(join(tmpdir(), 'eddy-jdbc-meta-'));
      writeFileSync(
        join(dir, 'Meta.java'),
        `
import java.sql.*;
public class Meta {
  public static void main(String[] a) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + a[0] + "/eddy", "eddy", "")) {
      DatabaseMetaData m = c.getMetaData();
      try (ResultSet r = m.getColumns(null, "public", "ORDERS", "%")) {
        while (r.next()) System.out.println("col " + r.getString("TABLE_NAME") + " " + r.getString("COLUMN_NAME") + " " + r.getInt("DATA_TYPE") + " " + r.getString("TYPE_NAME") + " " + r.getInt("COLUMN_SIZE") + " " + r.getInt("DECIMAL_DIGITS") + " " + r.getInt("NULLABLE") + " " + r.getInt("ORDINAL_POSITION") + " " + r.getString("REMARKS"));
      }
      try (ResultSet r = m.getColumns(null, null, "PRI%", "SK_")) {
        while (r.next()) System.out.println("like " + r.getString("TABLE_NAME") + " " + r.getString("COLUMN_NAME") + " " + r.getString("TYPE_NAME") + " " + r.getInt("NULLABLE"));
      }
      for (String t : new String[] {"PRICES", "ORDERS"}) {
        try (ResultSet r = m.getPrimaryKeys(null, "public", t)) {
          while (r.next()) System.out.println("pk " + r.getString("TABLE_NAME") + " " + r.getString("COLUMN_NAME") + " " + r.getInt("KEY_SEQ") + " " + r.getString("PK_NAME"));
        }
      }
    }
  }
}
`,
      );
      const r = await run('java', ['-cp', PGJDBC_JAR, join(dir, 'Meta.java'), String(server.pgAddress!.port)], 120_000);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim().split('\n')).toEqual([
        'col ORDERS ID 4 int4 10 0 1 1 KEY',
        'col ORDERS NAME 12 text 2147483647 0 1 2 null',
        'col ORDERS N -5 int8 19 0 1 3 null',
        'col ORDERS PRICE 2 numeric 10 2 1 4 null',
        'col ORDERS PAID -7 bool 1 0 1 5 null',
        'col ORDERS AT 93 timestamp 29 6 1 6 null',
        'col ORDERS TAGS 1111 json 2147483647 0 1 7 null',
        'like PRICES SKU text 0',
        'pk PRICES SKU 1 PRICES_pkey',
      ]);
    },
    150_000,
  );
});
