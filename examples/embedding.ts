// Eddy inside a Node program: open, create, insert, read (push and pull), close.
// Runs as it is in an ESM or a CommonJS project, and again on the same data directory.
import { Eddy } from 'eddy';

async function main(): Promise<void> {
  const eddy = Eddy.open({ dataDir: './eddy-data' }); // Eddy.open() keeps everything in memory
  eddy.execute(`
    CREATE STREAM IF NOT EXISTS ORDERS (ID STRING KEY, CUSTOMER STRING, AMOUNT DOUBLE)
      WITH (kafka_topic='orders', value_format='JSON', partitions=1);
    CREATE TABLE IF NOT EXISTS TOTALS AS
      SELECT CUSTOMER, COUNT(*) AS ORDERS, SUM(AMOUNT) AS SPENT FROM ORDERS GROUP BY CUSTOMER;
  `);

  // A push query: the table's changes as micro-batches commit, until we stop reading.
  const changes = eddy.query('SELECT CUSTOMER, ORDERS, SPENT FROM TOTALS EMIT CHANGES;');
  eddy.execute(`
    INSERT INTO ORDERS (ID, CUSTOMER, AMOUNT) VALUES ('o1', 'ada', 12.5);
    INSERT INTO ORDERS (ID, CUSTOMER, AMOUNT) VALUES ('o2', 'ada', 7.5);
    INSERT INTO ORDERS (ID, CUSTOMER, AMOUNT) VALUES ('o3', 'bob', 3);
  `);
  const seen = new Set<string>();
  for await (const row of changes) {
    console.log('change:', row.values.join(' '));
    seen.add(String(row.values[0]));
    if (seen.has('ada') && seen.has('bob')) break; // leaving the loop ends the push query
  }

  // A pull query: the current row of one key.
  const [result] = eddy.execute("SELECT CUSTOMER, ORDERS, SPENT FROM TOTALS WHERE CUSTOMER = 'ada';");
  if (result?.kind === 'rows') console.log('ada now:', result.rows[0]?.join(' '));

  eddy.close(); // stops the micro-batch loop; the process can exit
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
