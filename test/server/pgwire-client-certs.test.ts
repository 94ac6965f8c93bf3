// Client certificates on the PostgreSQL port (`--tls-client-ca`, PostgreSQL's hostssl with
// clientcert=verify-ca / verify-full): throw-away certificates from Debian's openssl CLI
// (tls-certs.ts). psql with sslmode=verify-full and a certificate the CA signed gets in; without
// one, with one another CA signed, or (verify-full) with one named for another user, it is refused
// with PostgreSQL's FATAL 28000. The same through the `pg` npm driver and psycopg. Without
// openssl or psql the suite skips loudly; under CI=true it fails.

import { readFileSync } from 'node:fs';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TlsOptions } from '../../src/server/tls.js';
import { start } from './helpers.js';
import { makeCerts, missingTools } from './tls-certs.js';
import { psycopgTestable, run, spawnPsql } from './pgwire-clients.js';

const tools = missingTools('pgwire client-certificate tests', ['openssl', 'psql'], 'apt-get install -y openssl postgresql-client');

let file: (name: string) => string;
let tls: TlsOptions;

beforeAll(() => {
  if (tools.length) return;
  const certs = makeCerts();
  file = certs.file;
  tls = { ...certs.tls, clientCa: readFileSync(certs.file('ca.pem')) };
});

/** psql as `user` with sslmode=verify-full, the server's CA, and the client certificate `cert` (none: no certificate). */
function psql(port: number, sql: string, cert: string | undefined, user = 'eddy') {
  const env: Record<string, string> = { PGSSLMODE: 'verify-full', PGSSLROOTCERT: file('ca.pem'), PGUSER: user, PGPASSWORD: 'tk' };
  // libpq reads ~/.postgresql/postgresql.crt when PGSSLCERT is unset: point it at nothing instead.
  env.PGSSLCERT = cert ? file(`${cert}.pem`) : file('none.pem');
  env.PGSSLKEY = cert ? file(`${cert}.key`) : file('none.key');
  // spawnPsql passes -U eddy; a later -U wins.
  return spawnPsql(port, ['-A', '-t', '-U', user, '-c', sql], env).done;
}

describe.skipIf(tools.length > 0)('pgwire client certificates', () => {
  it('psql: verify-ca admits a certificate the CA signed and refuses none, or one another CA signed', async () => {
    const { server } = await start({ pgPort: 0, token: 'tk', tls });
    const port = server.pgAddress!.port;
    const ok = await psql(port, 'SELECT version();', 'eddy');
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('PostgreSQL 15.0 (Eddy');
    const none = await psql(port, 'SELECT 1;', undefined);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('FATAL:  connection requires a valid client certificate');
    const stranger = await psql(port, 'SELECT 1;', 'stranger');
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toContain('FATAL:  connection requires a valid client certificate: UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    // verify-ca does not look at the name: mallory's certificate logs in as eddy.
    const other = await psql(port, 'SELECT 1;', 'mallory');
    expect(other.stderr).toBe('');
    expect(other.stdout.trim()).toBe('1');
    // Asking for a certificate implies TLS: a plain connection is refused.
    const plain = await spawnPsql(port, ['-c', 'SELECT 1;'], { PGSSLMODE: 'disable', PGPASSWORD: 'tk' }).done;
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('FATAL:  this server accepts only TLS connections');
  }, 60_000);

  it('psql: verify-full also wants the certificate named for the user', async () => {
    const { server } = await start({ pgPort: 0, token: 'tk', tls: { ...tls, clientVerify: 'verify-full' } });
    const port = server.pgAddress!.port;
    const ok = await psql(port, 'SELECT current_user;', 'eddy');
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('eddy');
    const wrong = await psql(port, 'SELECT 1;', 'mallory');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('FATAL:  certificate authentication failed for user "eddy": the client certificate\'s common name is "mallory"');
    const asMallory = await psql(port, 'SELECT current_user;', 'mallory', 'mallory');
    expect(asMallory.stderr).toBe('');
    expect(asMallory.stdout.trim()).toBe('mallory');
  }, 60_000);

  it('the pg npm driver: ssl with ca, cert and key connects; without the certificate it is refused', async () => {
    const { server } = await start({ pgPort: 0, token: 'tk', tls });
    const port = server.pgAddress!.port;
    const base = { host: '127.0.0.1', port, user: 'eddy', database: 'eddy', password: 'tk' };
    const client = new pg.Client({ ...base, ssl: { ca: readFileSync(file('ca.pem')), cert: readFileSync(file('eddy.pem')), key: readFileSync(file('eddy.key')), servername: 'localhost' } });
    await client.connect();
    expect((await client.query('SELECT current_user')).rows).toEqual([{ current_user: 'eddy' }]);
    await client.end();
    const bare = new pg.Client({ ...base, ssl: { ca: readFileSync(file('ca.pem')), servername: 'localhost' } });
    bare.on('error', () => {});
    await expect(bare.connect()).rejects.toMatchObject({ code: '28000', message: 'connection requires a valid client certificate' });
  }, 30_000);

  it.runIf(psycopgTestable())(
    'psycopg with sslmode=verify-full, sslcert and sslkey',
    async () => {
      const { server } = await start({ pgPort: 0, token: 'tk', tls: { ...tls, clientVerify: 'verify-full' } });
      const script = `
import sys, psycopg
d = sys.argv[2]
conn = psycopg.connect(host='127.0.0.1', port=int(sys.argv[1]), user='eddy', dbname='eddy', password='tk', sslmode='verify-full',
                       sslrootcert=d + '/ca.pem', sslcert=d + '/eddy.pem', sslkey=d + '/eddy.key', autocommit=True)
print(conn.pgconn.ssl_in_use, conn.execute('SELECT current_user').fetchone()[0])
try:
    psycopg.connect(host='127.0.0.1', port=int(sys.argv[1]), user='eddy', dbname='eddy', password='tk', sslmode='verify-full',
                    sslrootcert=d + '/ca.pem', sslcert=d + '/mallory.pem', sslkey=d + '/mallory.key')
    print('mallory connected')
except psycopg.OperationalError as e:
    print('mallory refused', str(e).strip().splitlines()[-1])
`;
      const r = await run('python3', ['-c', script, String(server.pgAddress!.port), file('').replace(/\/$/, '')], 60_000);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('True eddy');
      expect(r.stdout).toContain('mallory refused');
      expect(r.stdout).toContain('certificate authentication failed for user "eddy"');
    },
    60_000,
  );
});
