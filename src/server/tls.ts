// The server's TLS identity: a certificate chain and its private key (PEM), given by
// `--tls-cert`/`--tls-key`. The PostgreSQL listener upgrades a connection that asks for it
// (SSLRequest); with `required`, it refuses one that does not. With a client CA
// (`--tls-client-ca`), the PostgreSQL listener also asks each client for a certificate and admits
// only one that chains to that CA (PostgreSQL's `clientcert=verify-ca`; with `verify-full`, its
// common name must also be the user name the client logs in as), which implies `required`.

import { createSecureContext, type SecureContext } from 'node:tls';

export interface TlsOptions {
  /** PEM: the server's certificate, then any intermediates. */
  readonly cert: string | Buffer;
  /** PEM: the certificate's private key (unencrypted). */
  readonly key: string | Buffer;
  /** Refuse clients that do not ask for TLS (PostgreSQL's `hostssl`); default: TLS is offered, not required. */
  readonly required?: boolean;
  /** PEM: the CA(s) a PostgreSQL client's certificate must chain to; given, every client must present one. */
  readonly clientCa?: string | Buffer;
  /** With clientCa: 'verify-full' also requires the certificate's CN to be the user name (default 'verify-ca'). */
  readonly clientVerify?: ClientVerify;
}

export type ClientVerify = 'verify-ca' | 'verify-full';

/** What a PostgreSQL client's certificate must be: chained to `ca`, and with `verify-full` named for the user. */
export interface ClientCertCheck {
  readonly verify: ClientVerify;
}

export interface ServerTls {
  readonly context: SecureContext;
  /** The PEM certificate and key again, for a tls.Server (which builds its own context from them). */
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly required: boolean;
  /** Set: the PostgreSQL listener asks for a client certificate and refuses a client without a valid one. */
  readonly client: ClientCertCheck | undefined;
  /** The PEM client CA again, for a tls.Server. */
  readonly clientCa: string | Buffer | undefined;
}

/** The secure context for `opts`; a certificate and key that do not load or do not match are refused here, at start-up. */
export function serverTls(opts: TlsOptions): ServerTls {
  try {
    const context = createSecureContext({ cert: opts.cert, key: opts.key, minVersion: 'TLSv1.2', ...(opts.clientCa !== undefined ? { ca: opts.clientCa } : {}) });
    const client = opts.clientCa !== undefined ? { verify: opts.clientVerify ?? 'verify-ca' } : undefined;
    // A client certificate can only be checked over TLS: asking for one requires TLS.
    return { context, cert: opts.cert, key: opts.key, required: (opts.required ?? false) || client !== undefined, client, clientCa: opts.clientCa };
  } catch (e) {
    throw new Error(`TLS certificate and key cannot be used: ${(e as Error).message}`);
  }
}
