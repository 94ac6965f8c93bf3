// pg_catalog and information_schema as tables (pg-catalog-db.ts): psql's own catalog queries for
// \dt, \d, \d name, \l, \dn and \du run as psql wrote them over tables filled from Eddy's catalog,
// and their answers follow CREATE and DROP; a driver's or BI tool's hand-written SELECTs over
// pg_class / pg_attribute / information_schema too (through the pg npm driver, with parameters).

import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { start } from './helpers.js';
import { run } from './pgwire-clients.js';

const hasPsql = spawnSync('sh', ['-c', 'command -v psql']).status === 0;
if (!hasPsql) {
  const msg = `\n${'!'.repeat(78)}\n!! pg_catalog tests with psql SKIPPED: psql is not installed (apt-get install -y postgresql-client).\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  process.stderr.write(msg);
}

const psql = (port: number, ...commands: string[]) => run('psql', ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'eddy', '-d', 'shop', ...commands.flatMap((c) => ['-c', c])], 30_000);

describe('pg_catalog as tables', () => {
  it.skipIf(!hasPsql)(
    "psql's \\dt, \\d, \\l, \\dn, \\du and \\d name follow CREATE and DROP",
    async () => {
      const { server } = await start({ pgPort: 0 });
      const port = server.pgAddress!.port;
      const before = await psql(port, '\\dt', '\\l', '\\dn');
      expect(before.stderr).toBe('');
      expect(before.stdout).toMatch(/ public +\| PROCESSING_LOG +\| table \| eddy\n\(1 row\)/);
      // \l: the database the client asked for; \dn: public (pg_* and information_schema hidden, as psql's query says).
      expect(before.stdout).toMatch(/ shop +\| eddy +\| UTF8 +\| C +\| C +\| +\| libc +\| *\n\(1 row\)/);
      expect(before.stdout).toMatch(/List of schemas\n +Name +\| Owner \n-+\+-+\n public \| eddy\n\(1 row\)/);

      server.eddy.execute(
        "CREATE STREAM ORDERS (ID INT KEY, PRICE DECIMAL(10,2), TAGS ARRAY<STRING>) WITH (kafka_topic='orders', value_format='JSON', partitions=1); CREATE TABLE PRICES (SKU STRING PRIMARY KEY, AMOUNT DOUBLE) WITH (kafka_topic='prices', value_format='JSON', partitions=1);",
      );
      const after = await psql(port, '\\dt', '\\dt+ ORD*', '\\d orders', '\\du', '\\dv');
      // \dv: no views (psql says so on stderr).
      expect(after.stderr).toBe('Did not find any relations.\n');
      expect(after.stdout).toMatch(/ public +\| ORDERS +\| table \| eddy\n public +\| PRICES +\| table \| eddy\n public +\| PROCESSING_LOG +\| table \| eddy\n\(3 rows\)/);
      // \dt+ with a pattern: only ORDERS, its description saying it is a stream.
      expect(after.stdout).toMatch(/ public +\| ORDERS \| table \| eddy +\| permanent +\| heap +\| [^|]+\| Eddy stream\n\(1 row\)/);
      expect(after.stdout).toMatch(
        /Table "public\.ORDERS"\n Column +\| +Type +\| Collation \| Nullable \| Default \n-[-+]+\n ID +\| INTEGER +\| +\| +\| KEY\n PRICE +\| DECIMAL\(10, 2\) +\| +\| +\| *\n TAGS +\| ARRAY<STRING> +\|/,
      );
      expect(after.stdout).toMatch(/ eddy +\| Superuser, Create role, Create DB +\| \{\}/);

      server.eddy.execute('DROP STREAM ORDERS;');
      const dropped = await psql(port, '\\dt', '\\d orders');
      expect(dropped.stdout).not.toContain('ORDERS');
      expect(dropped.stderr).toBe('Did not find any relation named "orders".\n');
    },
    60_000,
  );

  it('SELECTs over pg_class, pg_attribute and information_schema, with parameters, through the pg driver', async () => {
    const { server } = await start({ pgPort: 0 });
    server.eddy.execute("CREATE TABLE PRICES (SKU STRING PRIMARY KEY, AMOUNT DOUBLE, N BIGINT) WITH (kafka_topic='prices', value_format='JSON', partitions=1);");
    const client = new pg.Client({ host: '127.0.0.1', port: server.pgAddress!.port, user: 'eddy', database: 'eddy' });
    await client.connect();
    try {
      const tables = await client.query("SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
      expect(tables.rows).toEqual([
        { table_schema: 'public', table_name: 'PRICES', table_type: 'BASE TABLE' },
        { table_schema: 'public', table_name: 'PROCESSING_LOG', table_type: 'BASE TABLE' },
      ]);
      const cols = await client.query('SELECT column_name, data_type, is_nullable, ordinal_position FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position', ['PRICES']);
      expect(cols.rows).toEqual([
        { column_name: 'SKU', data_type: 'text', is_nullable: 'NO', ordinal_position: '1' },
        { column_name: 'AMOUNT', data_type: 'double precision', is_nullable: 'YES', ordinal_position: '2' },
        { column_name: 'N', data_type: 'bigint', is_nullable: 'YES', ordinal_position: '3' },
      ]);
      const attrs = await client.query(
        "SELECT a.attname, t.typname, a.attnotnull FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_type t ON t.oid = a.atttypid WHERE c.relname = 'PRICES' AND a.attnum > 0 ORDER BY a.attnum",
      );
      expect(attrs.rows).toEqual([
        { attname: 'SKU', typname: 'text', attnotnull: 't' },
        { attname: 'AMOUNT', typname: 'float8', attnotnull: 'f' },
        { attname: 'N', typname: 'int8', attnotnull: 'f' },
      ]);
      const count = await client.query("SELECT count(*) AS n FROM pg_catalog.pg_class WHERE relkind = 'r'");
      expect(count.rows).toEqual([{ n: '2' }]);
      // A stream's oid stays its own across a DROP of another and a CREATE.
      const oid = async (name: string) => (await client.query('SELECT oid FROM pg_catalog.pg_class WHERE relname = $1', [name])).rows[0]?.oid as string | undefined;
      const prices = await oid('PRICES');
      server.eddy.execute("CREATE STREAM A (X INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);");
      expect(await oid('PRICES')).toBe(prices);
      expect(await oid('A')).not.toBe(prices);
    } finally {
      await client.end();
    }
  }, 30_000);
});
