// The PostgreSQL wire protocol driven by pgJDBC (org.postgresql:postgresql from Maven Central,
// fetched by scripts/ci-deps.sh): a single-file Java program run with `java -cp pgjdbc.jar
// Prog.java` against a real server. SCRAM with the token, PreparedStatement parameters (typed:
// int4, int8, float8, numeric, bool, varchar, a Timestamp sent untyped with the JVM's offset, a
// text[] from createArrayOf), ResultSet's typed getters, DatabaseMetaData.getTables (a pg_catalog
// query), a SQLException's SQLState, and a push query read with a fetch size of 1 (Execute with
// a row limit, PortalSuspended) and stopped by a CancelRequest (the connection's cancelQuery()) while the connection goes on.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { start } from './helpers.js';
import { jdbcTestable, PGJDBC_JAR, run } from './pgwire-clients.js';

const PROGRAM = String.raw`
import java.math.BigDecimal;
import java.sql.*;
import java.util.concurrent.*;

public class Prog {
  static void out(String k, Object v) { System.out.println(k + "=" + v); }

  public static void main(String[] a) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/eddy";
    try (Connection c = DriverManager.getConnection(url, "eddy", a[1])) {
      out("version", c.getMetaData().getDatabaseProductVersion());
      try (Statement s = c.createStatement()) {
        s.execute("CREATE STREAM J (ID INT KEY, NAME STRING, N BIGINT, X DOUBLE, P DECIMAL(10,2), B BOOLEAN, AT TIMESTAMP, TAGS ARRAY<STRING>) WITH (kafka_topic='j', value_format='JSON', partitions=1)");
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO J (ID, NAME, N, X, P, B, AT, TAGS) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        p.setInt(1, 1); p.setString(2, "o'brien'); DROP STREAM J; --"); p.setLong(3, 998877665544332211L); p.setDouble(4, 2.5);
        p.setBigDecimal(5, new BigDecimal("12.50")); p.setBoolean(6, true); p.setTimestamp(7, Timestamp.valueOf("2026-12-01 10:20:30.12"));
        p.setArray(8, c.createArrayOf("text", new String[] {"x", "y z", null}));
        out("insert", p.executeUpdate());
        p.setInt(1, 2); p.setString(2, "42"); p.setLong(3, -5); p.setDouble(4, -0.25); p.setBigDecimal(5, new BigDecimal("-0.01")); p.setBoolean(6, false);
        p.setNull(7, Types.TIMESTAMP); p.setNull(8, Types.ARRAY);
        out("insert", p.executeUpdate());
      }
      try (PreparedStatement p = c.prepareStatement("SELECT ID, NAME, N, X, P, B, AT, TAGS FROM J WHERE ID <= ?")) {
        // pgJDBC switches to a named server-side statement from the fifth run on (prepareThreshold).
        for (int run = 0; run < 6; run++) {
          p.setInt(1, 2);
          try (ResultSet r = p.executeQuery()) {
            ResultSetMetaData md = r.getMetaData();
            StringBuilder cols = new StringBuilder();
            for (int i = 1; i <= md.getColumnCount(); i++) cols.append(md.getColumnName(i)).append(':').append(md.getColumnTypeName(i)).append(' ');
            if (run == 0) out("columns", cols.toString().trim());
            while (r.next()) {
              if (run > 0) { out("run" + run, r.getInt("ID")); continue; }
              out("row", r.getInt(1) + "|" + r.getString(2) + "|" + r.getLong(3) + "|" + r.getDouble(4) + "|" + r.getBigDecimal(5) + "|" + r.getBoolean(6) + "|" + r.getTimestamp(7) + "|" + r.getString(8) + "|" + r.wasNull());
            }
          }
        }
      }
      try (ResultSet r = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
        while (r.next()) out("table", r.getString("TABLE_SCHEM") + "." + r.getString("TABLE_NAME") + " " + r.getString("TABLE_TYPE") + " " + r.getString("REMARKS"));
      }
      try (Statement s = c.createStatement()) {
        s.executeQuery("SELECT NOPE FROM J");
      } catch (SQLException e) {
        out("error", e.getSQLState() + " " + e.getMessage().split("\n")[0]);
      }

      // A push query read a row at a time: the next row is inserted from another connection only
      // once the previous one has arrived; after the third, Statement.cancel() (a CancelRequest).
      BlockingQueue<Integer> todo = new LinkedBlockingQueue<>();
      Thread feeder = new Thread(() -> {
        try (Connection o = DriverManager.getConnection(url, "eddy", a[1]); PreparedStatement ins = o.prepareStatement("INSERT INTO J (ID, NAME) VALUES (?, ?)")) {
          for (int i; (i = todo.take()) > 0; ) { ins.setInt(1, i); ins.setString(2, "live " + i); ins.executeUpdate(); }
        } catch (Exception e) { out("feeder", e); }
      });
      feeder.start();
      c.setAutoCommit(false); // a fetch size reads through a portal only outside autocommit
      todo.put(10);
      int seen = 0;
      try (PreparedStatement p = c.prepareStatement("SELECT ID, NAME FROM J WHERE ID >= ? EMIT CHANGES")) {
        p.setInt(1, 10);
        p.setFetchSize(1);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            out("streamed", r.getInt(1) + " " + r.getString(2));
            if (++seen < 3) todo.put(10 + seen);
            else {
              // Cancelled while the server waits for a fourth row (an Execute for the next row
              // runs then): a cancel between two Executes has nothing to stop, as in PostgreSQL.
              // Statement.cancel() does nothing while the ResultSet fetches (pgJDBC thinks the
              // statement idle), so the connection's cancelQuery() sends the CancelRequest.
              new Thread(() -> { try { Thread.sleep(300); c.unwrap(org.postgresql.core.BaseConnection.class).cancelQuery(); } catch (Exception e) { out("cancel", e); } }).start();
            }
          }
          out("ended", "without a cancel");
        } catch (SQLException e) {
          out("cancelled", e.getSQLState() + " " + e.getMessage());
        }
      }
      todo.put(0);
      feeder.join();
      c.rollback();
      c.setAutoCommit(true);
      try (PreparedStatement p = c.prepareStatement("SELECT NAME FROM J WHERE ID = ?")) {
        p.setInt(1, 11);
        try (ResultSet r = p.executeQuery()) { while (r.next()) out("after", r.getString(1)); }
      }
    }
  }
}
`;

describe.skipIf(!jdbcTestable())('pgwire with pgJDBC', () => {
  it('prepared statements, typed getters, getTables, errors, a push query cancelled', async () => {
    const { server } = await start({ pgPort: 0, token: 'tok-jdbc' });
    const dir = mkdtempSync(join(tmpdir(), 'eddy-jdbc-'));
    writeFileSync(join(dir, 'Prog.java'), PROGRAM);
    // The JVM's zone is pinned away from UTC: a Timestamp is wall-clock time both ways, as in PostgreSQL.
    const r = await run('java', ['-Duser.timezone=Europe/Berlin', '-cp', PGJDBC_JAR, join(dir, 'Prog.java'), String(server.pgAddress!.port), 'tok-jdbc'], 120_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const get = (k: string) => lines.filter((l) => l.startsWith(`${k}=`)).map((l) => l.slice(k.length + 1));
    expect(get('version')).toEqual(['15.0 (Eddy 0.1.0)']);
    expect(get('insert')).toEqual(['1', '1']);
    expect(get('columns')).toEqual(['ID:int4 NAME:text N:int8 X:float8 P:numeric B:bool AT:timestamp TAGS:json']);
    expect(get('row').sort()).toEqual([`1|o'brien'); DROP STREAM J; --|998877665544332211|2.5|12.50|true|2026-12-01 10:20:30.12|["x","y z",null]|false`, '2|42|-5|-0.25|-0.01|false|null|null|true']);
    expect(get('run5').length).toBe(2);
    expect(get('table')).toEqual(['public.J TABLE stream', 'public.PROCESSING_LOG TABLE table']);
    expect(get('error')).toEqual(["42000 ERROR: Column 'NOPE' cannot be resolved."]);
    expect(get('streamed')).toEqual(['10 live 10', '11 live 11', '12 live 12']);
    expect(get('cancelled')).toEqual(['57014 ERROR: canceling statement due to user request']);
    expect(get('after')).toEqual(['live 11']);
    expect(get('feeder')).toEqual([]);
    expect(server.eddy.state.pushQueries.size).toBe(0);
  }, 150_000);
});
