// TLS on the line protocol's port (server/line-tls.ts): with a certificate the port speaks TLS
// only. EddyClient with the CA (and the token handshake over TLS), node's TLS and `openssl s_client`
// seeing TLSv1.3, a wrong CA failing with a clear message, a plain client told at once (or after
// the hello wait) instead of hanging, a TLS client against a plain port; and real processes:
// `eddy server --tls-cert … --tls-key …` with `eddy shell --connect … --tls --tls-ca …`.

import { spawn } from 'node:child_process';
import { connect as connectTls } from 'node:tls';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { EddyClient } from '../../src/server/client.js';
import { RemoteBackend } from '../../src/shell/remote-backend.js';
import { nodeArgsFor } from '../bundled-script.js';
import { CLI, CLICKS, raw, spawnServer, start, until } from './helpers.js';
import { makeCerts, missingTools, type TestCerts } from './tls-certs.js';

const missing = missingTools('line-protocol TLS tests', ['openssl'], 'apt-get install -y openssl');
let certs: TestCerts;
beforeAll(() => {
  if (!missing.length) certs = makeCerts();
});

interface Done {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function runProcess(cmd: string, args: string[], input?: string): Promise<Done> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
    child.stdin.end(input ?? '');
  });
}

/** `eddy shell …` as a user runs it. */
async function shell(...args: string[]): Promise<Done> {
  return runProcess(process.execPath, [...(await nodeArgsFor(CLI)), 'shell', ...args]);
}

describe.skipIf(missing.length > 0)('line protocol over TLS', () => {
  it('EddyClient with the CA: the token handshake and statements over TLS; a wrong token is still refused', async () => {
    const { port } = await start({ token: 'tk', tls: certs.tls });
    const c = await EddyClient.connect('127.0.0.1', port, { token: 'tk', tls: { ca: readFileSync(certs.file('ca.pem')) } });
    try {
      expect((await c.execute(CLICKS)).messages).toEqual(['Stream created']);
      await c.insert('CLICKS', [{ U: 'u1', P: '/a' }]);
      expect((await c.execute('SHOW STREAMS;')).rows.map((r) => r[0])).toContain('CLICKS');
    } finally {
      c.close();
    }
    // The name checked is the host's: localhost is in the certificate as well as 127.0.0.1.
    const byName = await EddyClient.connect('localhost', port, { token: 'tk', tls: { ca: readFileSync(certs.file('ca.pem')) } });
    byName.close();
    await expect(EddyClient.connect('127.0.0.1', port, { token: 'nope', tls: { ca: readFileSync(certs.file('ca.pem')) } })).rejects.toThrow(/refused/);
    await expect(EddyClient.connect('127.0.0.1', port, { tls: { ca: readFileSync(certs.file('ca.pem')) } })).rejects.toThrow(/requires a token/);
    // The shell's backend keeps the TLS options (it reconnects with them too).
    const b = await RemoteBackend.connect('127.0.0.1', port, 'tk', 5000, { ca: readFileSync(certs.file('ca.pem')) });
    try {
      expect(b.description).toBe(`server 127.0.0.1:${port} (TLS)`);
      expect(await b.run('SHOW STREAMS;')).toMatchObject({ kind: 'rows' });
    } finally {
      await b.close();
    }
  });

  it('node tls and openssl s_client see TLSv1.3 and a certificate that verifies against the CA', async () => {
    const { port } = await start({ tls: certs.tls });
    const protocol = await new Promise<string | null>((resolve, reject) => {
      const s = connectTls({ host: '127.0.0.1', port, ca: readFileSync(certs.file('ca.pem')) }, () => {
        resolve(s.getProtocol());
        s.destroy();
      });
      s.on('error', reject);
    });
    expect(protocol).toBe('TLSv1.3');
    // s_client stays until killed (its stdin kept open): what came through the tunnel is the welcome line, as in the clear.
    const s = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', certs.file('ca.pem'), '-verify_return_error', '-brief'], { stdio: ['pipe', 'pipe', 'pipe'] });
    onTestFinished(() => void s.kill('SIGKILL'));
    let out = '';
    s.stdout.on('data', (d: Buffer) => (out += d.toString()));
    s.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => /"type":"welcome"/.test(out));
    expect(out).toMatch(/Protocol version: TLSv1\.3/);
    expect(out).toMatch(/Verification: OK/);
  });

  it('a wrong CA fails with a clear message; rejectUnauthorized: false connects anyway', async () => {
    const { server, port } = await start({ tls: certs.tls });
    await expect(EddyClient.connect('127.0.0.1', port, { tls: { ca: readFileSync(certs.file('other-ca.pem')) } })).rejects.toThrow(
      /TLS: the certificate of the server at 127\.0\.0\.1:\d+ is not trusted \(.*\): give the CA that signed it/,
    );
    // Without a CA the system's are used, and they do not know this one either.
    await expect(EddyClient.connect('127.0.0.1', port, { tls: true })).rejects.toThrow(/is not trusted/);
    // The server sees those two go at once (not after the hello wait), and says so with the client's address.
    await until(() => server.disconnects.length >= 2, 2000);
    for (const d of server.disconnects) {
      expect(d.client).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(d.reason).toMatch(/^(closed during the TLS handshake|TLS handshake failed)/);
    }
    const insecure = await EddyClient.connect('127.0.0.1', port, { tls: { rejectUnauthorized: false } });
    expect((await insecure.execute('SHOW STREAMS;')).rows).toEqual([]);
    insecure.close();
  });

  it('a plain client gets a clear error, not a hang: at once if it speaks first, after the hello wait if it waits', async () => {
    const { server, port } = await start({ tls: certs.tls, limits: { tlsHelloMs: 400 } });
    const t0 = Date.now();
    await expect(EddyClient.connect('127.0.0.1', port)).rejects.toThrow(/refused: this port speaks TLS only \(the server has a certificate\): connect with TLS/);
    expect(Date.now() - t0).toBeLessThan(3000);
    // nc typing a request: the first byte is not a TLS record, so the answer comes at once.
    const nc = await raw(port);
    nc.send('{"sql":"SHOW STREAMS;"}');
    await nc.closed;
    expect(nc.lines).toEqual([{ type: 'bye', reason: expect.stringMatching(/^this port speaks TLS only/) as unknown }]);
    await until(() => server.disconnects.length >= 2);
    expect(server.disconnects.map((d) => d.reason)).toEqual(['no TLS handshake (a plain client)', 'not TLS (a plain client)']);
    // The port still serves TLS clients after refusing those.
    const c = await EddyClient.connect('127.0.0.1', port, { tls: { ca: readFileSync(certs.file('ca.pem')) } });
    c.close();
  });

  it('a TLS client against a plain port says the server does not speak TLS', async () => {
    const { port } = await start();
    await expect(EddyClient.connect('127.0.0.1', port, { tls: { ca: readFileSync(certs.file('ca.pem')) } })).rejects.toThrow(
      /TLS: the server at 127\.0\.0\.1:\d+ does not speak TLS \(.*\): is it started with --tls-cert\?/,
    );
  });

  it('processes: eddy server --tls-cert/--tls-key and eddy shell --connect --tls --tls-ca run a statement; a wrong CA and a plain shell fail clearly', async () => {
    const server = await spawnServer(['--token', 'tk', '--tls-cert', certs.file('server.pem'), '--tls-key', certs.file('server.key')]);
    onTestFinished(() => void server.child.kill('SIGTERM'));
    expect(server.output()).toMatch(/eddy server listening on 127\.0\.0\.1:\d+ \(TLS\)/);
    const at = `127.0.0.1:${server.port}`;
    const ok = await shell('--connect', at, '--token', 'tk', '--tls', '--tls-ca', certs.file('ca.pem'), '-e', `${CLICKS} SHOW STREAMS;`);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Stream created');
    expect(ok.stdout).toContain('CLICKS');
    // --tls-ca alone implies --tls.
    const caOnly = await shell('--connect', at, '--token', 'tk', '--tls-ca', certs.file('ca.pem'), '-o', 'json', '-e', 'SHOW STREAMS;');
    expect(caOnly.code).toBe(0);
    expect(caOnly.stdout).toContain('CLICKS');
    const wrongCa = await shell('--connect', at, '--token', 'tk', '--tls-ca', certs.file('other-ca.pem'), '-e', 'SHOW STREAMS;');
    expect(wrongCa.code).not.toBe(0);
    expect(wrongCa.stderr).toMatch(/TLS: the certificate of the server at 127\.0\.0\.1:\d+ is not trusted .*give the CA that signed it \(--tls-ca FILE/);
    const plain = await shell('--connect', at, '--token', 'tk', '-e', 'SHOW STREAMS;');
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/this port speaks TLS only .*--tls --tls-ca FILE/);
    expect(plain.ms).toBeLessThan(15_000); // the server's 3 s hello wait, plus a process start
    const noConnect = await shell('--tls', '-e', 'SHOW STREAMS;');
    expect(noConnect.code).not.toBe(0);
    expect(noConnect.stderr).toContain('--tls and --tls-ca are for --connect host:port');
    expect(server.output()).toMatch(/disconnected 127\.0\.0\.1:\d+: (TLS handshake failed|closed during the TLS handshake)/);
    expect(server.output()).toMatch(/disconnected 127\.0\.0\.1:\d+: no TLS handshake \(a plain client\)/);
  }, 90_000);
});
