// TLS on the line protocol's port. With a certificate the port speaks TLS only, as a ksqlDB
// `https://` listener does: the protocol is server-speaks-first (the welcome line), so there is no
// in-band request to upgrade on, as PostgreSQL's SSLRequest is, and a welcome sent in the clear
// before TLS would let anyone on the path answer in the server's name. A client that is not
// speaking TLS is told so in the clear, once, and disconnected, rather than left waiting: its first
// byte is not a TLS handshake record (0x16), or it sends nothing within `helloMs` (a plain client
// waits for the welcome; a TLS client sends its ClientHello at once).

import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { ServerTls } from './tls.js';

/** A TLS record of type handshake starts with this byte; a ClientHello is one. */
const TLS_HANDSHAKE_RECORD = 0x16;

export const PLAIN_CLIENT_REFUSAL =
  'this port speaks TLS only (the server has a certificate): connect with TLS (eddy shell --connect host:port --tls --tls-ca FILE; EddyClient.connect(host, port, { tls: { ca } }))';

/**
 * Waits for the client's ClientHello on `tcp` and hands the TLS socket over it to `onSecure` once
 * the handshake is done; a plain client gets the refusal and `onRefused` says why. `helloMs` also
 * bounds the whole handshake: a client that starts one and stalls is dropped.
 */
export function acceptTls(tcp: Socket, tls: ServerTls, helloMs: number, onSecure: (s: TLSSocket) => void, onRefused: (reason: string) => void): void {
  let settled = false;
  const settle = (): boolean => {
    if (settled) return false;
    settled = true;
    clearTimeout(timer);
    return true;
  };
  const refuse = (reason: string) => {
    if (!settle()) return;
    tcp.end(`${JSON.stringify({ type: 'bye', reason: PLAIN_CLIENT_REFUSAL })}\n`);
    setTimeout(() => tcp.destroy(), 1000).unref();
    onRefused(reason);
  };
  const fail = (reason: string) => {
    if (!settle()) return;
    tcp.destroy();
    onRefused(reason);
  };
  tcp.on('error', () => {}); // a reset before or during the handshake: the socket just closes (below)
  // A client that hangs up mid-handshake (one that does not trust the certificate sends an alert and goes).
  tcp.once('close', () => fail('closed during the TLS handshake (does the client trust the certificate?)'));
  let secure: TLSSocket | undefined;
  const timer = setTimeout(() => (secure ? fail('TLS handshake not finished in time') : refuse('no TLS handshake (a plain client)')), helloMs);
  tcp.once('data', (chunk: Buffer) => {
    tcp.pause();
    if (chunk[0] !== TLS_HANDSHAKE_RECORD) return refuse('not TLS (a plain client)');
    // The bytes read go back on the socket: the TLS socket takes what is buffered as received.
    tcp.unshift(chunk);
    const s = new TLSSocket(tcp, { isServer: true, secureContext: tls.context });
    secure = s;
    // Errors after the handshake are the Connection's (it listens on the TLS socket too).
    s.on('error', (e: Error) => fail(`TLS handshake failed: ${e.message.split('\n')[0]}`));
    s.once('secure', () => settle() && onSecure(s));
  });
}
