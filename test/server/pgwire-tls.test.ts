// TLS on the PostgreSQL port: a CA and a server certificate for 127.0.0.1 made with Debian's
// openssl CLI (tls-certs.ts); psql with sslmode=require and verify-full (and verify-full against another CA,
// which must fail), psycopg and pgJDBC verifying the certificate, SCRAM over TLS, 'N' from a
// server without a certificate, a server that requires TLS refusing a plain connection (and
// still taking psql's CancelRequest, which libpq sends in the clear), and bytes piggybacked on
// an SSLRequest refused; and the HTTP port as HTTPS with the same certificate (curl). Without openssl or psql the suite skips loudly; under CI=true it fails.

import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TlsOptions } from '../../src/server/tls.js';
import { start, until } from './helpers.js';
import { makeCerts, missingTools } from './tls-certs.js';
import { jdbcTestable, PGJDBC_JAR, psycopgTestable, run, spawnPsql } from './pgwire-clients.js';

const psql = (port: number, args: string[], env: Record<string, string>) => spawnPsql(port, ['-A', '-t', ...args], env);

const tools = missingTools('pgwire TLS tests', ['openssl', 'psql'], 'apt-get install -y openssl postgresql-client');

let file: (name: string) => string;
let tls: TlsOptions;

beforeAll(() => {
  if (tools.length) return;
  const certs = makeCerts();
  file = certs.file;
  tls = certs.tls;
});

const c = (...statements: string[]): string[] => statements.flatMap((s) => ['-c', s]);

describe.skipIf(tools.length > 0)('pgwire over TLS', () => {
  it('psql: sslmode=require and verify-full get TLS (and SCRAM over it); verify-full against another CA fails', async () => {
    const { server } = await start({ pgPort: 0, token: 'tk', tls });
    const port = server.pgAddress!.port;
    for (const mode of ['require', 'verify-full']) {
      const r = await psql(port, c('\\conninfo', 'SELECT version();'), { PGPASSWORD: 'tk', PGSSLMODE: mode, PGSSLROOTCERT: file('ca.pem') }).done;
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/SSL connection \(protocol: TLSv1\.[23], cipher: /);
      expect(r.stdout).toContain('PostgreSQL 15.0 (Eddy');
    }
    const wrongCa = await psql(port, c('SELECT 1;'), { PGPASSWORD: 'tk', PGSSLMODE: 'verify-full', PGSSLROOTCERT: file('other-ca.pem') }).done;
    expect(wrongCa.code).toBe(2);
    expect(wrongCa.stderr).toContain('certificate verify failed');
    // Without a certificate the server answers 'N': sslmode=require gives up, prefer goes on in the clear.
    const { server: plain } = await start({ pgPort: 0 });
    const refused = await psql(plain.pgAddress!.port, c('SELECT 1;'), { PGSSLMODE: 'require' }).done;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('server does not support SSL, but SSL was required');
    const clear = await psql(plain.pgAddress!.port, c('\\conninfo'), { PGSSLMODE: 'prefer' }).done;
    expect(clear.code).toBe(0);
    expect(clear.stdout).not.toContain('SSL connection');
  }, 60_000);

  it('with required TLS refuses a plain connection, and a CancelRequest (sent in the clear) still stops a push query', async () => {
    const { server } = await start({ pgPort: 0, tls: { ...tls, required: true } });
    const port = server.pgAddress!.port;
    const plain = await psql(port, c('SELECT 1;'), { PGSSLMODE: 'disable' }).done;
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('FATAL:  this server accepts only TLS connections (--tls-required)');
    const prefer = await psql(port, c('\\conninfo'), { PGSSLMODE: 'prefer' }).done;
    expect(prefer.stdout).toMatch(/SSL connection/);
    server.eddy.execute("CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    const endless = psql(port, c('SELECT ID FROM S EMIT CHANGES;'), { PGSSLMODE: 'verify-full', PGSSLROOTCERT: file('ca.pem') });
    await until(() => server.eddy.state.pushQueries.size > 0);
    endless.interrupt();
    const e = await endless.done;
    expect(e.stderr).toContain('ERROR:  canceling statement due to user request');
    expect(server.eddy.state.pushQueries.size).toBe(0);
  }, 60_000);

  it('refuses bytes sent in the clear behind an SSLRequest (they would be read as if sent under TLS)', async () => {
    const { server } = await start({ pgPort: 0, tls });
    const ssl = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    const startup = Buffer.from([0, 0, 0, 8, 0, 3, 0, 0]);
    const reply = await new Promise<Buffer>((resolve) => {
      const s = connect(server.pgAddress!.port, '127.0.0.1', () => s.write(Buffer.concat([ssl, startup])));
      const got: Buffer[] = [];
      s.on('data', (d: Buffer) => got.push(d));
      s.on('close', () => resolve(Buffer.concat(got)));
      s.on('error', () => {});
    });
    expect(reply[0]).toBe('E'.charCodeAt(0));
    expect(reply.toString('utf8')).toContain('received unencrypted data after SSL request');
  });

  it('the HTTP port speaks HTTPS with the same certificate: curl over HTTP/1.1 and HTTP/2 verifying it, plain HTTP refused', async () => {
    const { server } = await start({ httpPort: 0, token: 'tk-http', tls });
    const url = `https://127.0.0.1:${server.httpAddress!.port}/ksql`;
    const body = JSON.stringify({ ksql: 'SHOW STREAMS;', streamsProperties: {} });
    for (const version of ['--http1.1', '--http2']) {
      const r = await run(
        'curl',
        ['-sS', version, '--cacert', file('ca.pem'), '-u', 'eddy:tk-http', '-H', 'Content-Type: application/vnd.ksql.v1+json', '-w', '\n%{http_version} %{http_code}', '-d', body, url],
        30_000,
      );
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('"@type":"streams"');
      expect(r.stdout.trim().split('\n').at(-1)).toBe(version === '--http2' ? '2 200' : '1.1 200');
    }
    const untrusted = await run('curl', ['-sS', '--cacert', file('other-ca.pem'), url], 30_000);
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/certificate/i);
    const plain = await run('curl', ['-sS', '-m', '5', `http://127.0.0.1:${server.httpAddress!.port}/info`], 30_000);
    expect(plain.code).not.toBe(0);
  }, 60_000);

  it.runIf(psycopgTestable())(
    'psycopg with sslmode=verify-full',
    async () => {
      const { server } = await start({ pgPort: 0, token: 'tk-py', tls: { ...tls, required: true } });
      const script = `
import sys, psycopg
conn = psycopg.connect(host='127.0.0.1', port=int(sys.argv[1]), user='eddy', dbname='eddy', password='tk-py', sslmode='verify-full', sslrootcert=sys.argv[2], autocommit=True)
print(conn.pgconn.ssl_in_use, conn.execute('SELECT version()').fetchone()[0])
`;
      const r = await run('python3', ['-c', script, String(server.pgAddress!.port), file('ca.pem')], 60_000);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^True PostgreSQL 15\.0 \(Eddy/);
    },
    60_000,
  );

  it.runIf(jdbcTestable())(
    'pgJDBC with sslmode=verify-full and the CA as sslrootcert',
    async () => {
      const { server } = await start({ pgPort: 0, token: 'tk-jdbc', tls: { ...tls, required: true } });
      writeFileSync(
        file('Tls.java'),
        `
import java.sql.*;

public class Tls {
  public static void main(String[] a) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/eddy?sslmode=verify-full&sslrootcert=" + a[1];
    try (Connection c = DriverManager.getConnection(url, "eddy", "tk-jdbc"); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT version()")) {
      r.next();
      System.out.println("ok " + r.getString(1));
    }
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + a[0] + "/eddy?sslmode=disable", "eddy", "tk-jdbc")) {
      System.out.println("plain connected");
    } catch (SQLException e) {
      System.out.println("plain refused " + e.getSQLState() + " " + e.getMessage());
    }
  }
}
`,
      );
      const r = await run('java', ['-cp', PGJDBC_JAR, file('Tls.java'), String(server.pgAddress!.port), file('ca.pem')], 120_000);
      expect(r.stdout).toMatch(/^ok PostgreSQL 15\.0 \(Eddy/);
      expect(r.stdout).toContain('plain refused 28000 FATAL: this server accepts only TLS connections');
    },
    150_000,
  );
});
