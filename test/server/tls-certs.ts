// Certificates for the TLS suites, made with Debian's openssl CLI in a fresh temporary directory:
// a CA, another CA (whose trust must fail), and a server certificate the first CA signs for
// 127.0.0.1 and localhost. Without openssl a suite skips loudly; under CI=true it fails.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TlsOptions } from '../../src/server/tls.js';

/** The tools among `tools` that are not installed; with any missing, a loud message (and under CI=true, an error). */
export function missingTools(suite: string, tools: string[], install: string): string[] {
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length) {
    const msg = `\n${'!'.repeat(78)}\n!! ${suite} SKIPPED: ${missing.join(' and ')} not installed (${install}).\n${'!'.repeat(78)}\n`;
    if (process.env.CI === 'true') throw new Error(msg);
    process.stderr.write(msg);
  }
  return missing;
}

export interface TestCerts {
  readonly dir: string;
  /**
   * A path in the directory: ca.pem, other-ca.pem, server.pem, server.key, and client
   * certificates with their keys (mode 0600, as libpq insists): eddy.pem/eddy.key (CN=eddy,
   * signed by ca), mallory.pem/.key (CN=mallory, signed by ca), stranger.pem/.key (CN=eddy,
   * signed by other-ca).
   */
  file(name: string): string;
  /** The server certificate and key, as EddyServer takes them. */
  readonly tls: TlsOptions;
}

export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-tls-'));
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  };
  /** A self-signed CA. */
  const makeCa = (name: string): void =>
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
    );
  makeCa('ca');
  makeCa('other-ca');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server.pem');
  const client = (name: string, cn: string, ca: string): void => {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    writeFileSync(file(`${name}.ext`), 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
    chmodSync(file(`${name}.key`), 0o600);
  };
  client('eddy', 'eddy', 'ca');
  client('mallory', 'mallory', 'ca');
  client('stranger', 'eddy', 'other-ca');
  return { dir, file, tls: { cert: readFileSync(file('server.pem')), key: readFileSync(file('server.key')) } };
}
