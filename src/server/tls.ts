// The server's TLS identity: a certificate chain and its private key (PEM), given by
// `--tls-cert`/`--tls-key`. The PostgreSQL listener upgrades a connection that asks for it
// (SSLRequest); with `required`, it refuses one that does not.

import { createSecureContext, type SecureContext } from 'node:tls';

export interface TlsOptions {
  /** PEM: the server's certificate, then any intermediates. */
  readonly cert: string | Buffer;
  /** PEM: the certificate's private key (unencrypted). */
  readonly key: string | Buffer;
  /** Refuse clients that do not ask for TLS (PostgreSQL's `hostssl`); default: TLS is offered, not required. */
  readonly required?: boolean;
}

export interface ServerTls {
  readonly context: SecureContext;
  /** The PEM certificate and key again, for a tls.Server (which builds its own context from them). */
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly required: boolean;
}

/** The secure context for `opts`; a certificate and key that do not load or do not match are refused here, at start-up. */
export function serverTls(opts: TlsOptions): ServerTls {
  try {
    return { context: createSecureContext({ cert: opts.cert, key: opts.key, minVersion: 'TLSv1.2' }), cert: opts.cert, key: opts.key, required: opts.required ?? false };
  } catch (e) {
    throw new Error(`TLS certificate and key cannot be used: ${(e as Error).message}`);
  }
}
