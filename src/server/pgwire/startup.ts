// The start of a PostgreSQL connection: the untyped first message (SSLRequest, GSSENCRequest,
// CancelRequest or StartupMessage) and authentication. With a server token a client proves it
// knows the token by SCRAM-SHA-256 (RFC 5802/7677, as PostgreSQL does it: the token is the
// password, the user name is ignored), so the token never crosses the connection — there is no
// TLS here. Without a token every client is trusted, as the line protocol does.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { BodyReader } from './codec.js';

export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const PROTOCOL_3 = 196608;

export type FirstMessage =
  | { readonly kind: 'ssl' }
  | { readonly kind: 'gssenc' }
  | { readonly kind: 'cancel'; readonly pid: number; readonly secret: number }
  | { readonly kind: 'startup'; readonly params: ReadonlyMap<string, string> }
  | { readonly kind: 'unsupported'; readonly version: number };

export function readFirstMessage(body: Buffer): FirstMessage {
  const r = new BodyReader(body);
  const code = r.int32();
  if (code === SSL_REQUEST) return { kind: 'ssl' };
  if (code === GSSENC_REQUEST) return { kind: 'gssenc' };
  if (code === CANCEL_REQUEST) return { kind: 'cancel', pid: r.int32(), secret: r.int32() };
  if (code >> 16 !== 3) return { kind: 'unsupported', version: code };
  const params = new Map<string, string>();
  while (r.remaining > 1) {
    const k = r.cstring();
    if (!k) break;
    params.set(k, r.cstring());
  }
  return { kind: 'startup', params };
}

const ITERATIONS = 4096;

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

/** One SCRAM-SHA-256 exchange, server side: first message in, challenge out; final in, verdict out. */
export class ScramServer {
  private readonly salt = randomBytes(16);
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';

  constructor(private readonly password: string) {}

  /** The SASLInitialResponse's data (`n,,n=…,r=…`); returns server-first-message. */
  first(mechanism: string, data: string): string {
    if (mechanism !== 'SCRAM-SHA-256') throw new Error(`unsupported SASL mechanism ${mechanism}`);
    // gs2 header: no channel binding (`n,,`) or client supports it but thinks we do not (`y,,`).
    const m = /^[ny],[^,]*,(.*)$/.exec(data);
    if (!m) throw new Error('malformed SCRAM client-first-message (channel binding is not offered)');
    this.clientFirstBare = m[1]!;
    const clientNonce = /(?:^|,)r=([^,]+)/.exec(this.clientFirstBare)?.[1];
    if (!clientNonce) throw new Error('SCRAM client-first-message has no nonce');
    this.nonce = clientNonce + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.salt.toString('base64')},i=${ITERATIONS}`;
    return this.serverFirst;
  }

  /** The SASLResponse's data (`c=…,r=…,p=…`); returns server-final-message, or undefined when the proof is wrong. */
  final(data: string): string | undefined {
    const m = /^(c=[^,]*,r=([^,]*)(?:,.*?)?),p=([^,]+)$/.exec(data);
    if (!m || m[2] !== this.nonce) return undefined;
    const withoutProof = m[1]!;
    const proof = Buffer.from(m[3]!, 'base64');
    const salted = pbkdf2Sync(this.password, this.salt, ITERATIONS, 32, 'sha256');
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = sha256(clientKey);
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(storedKey, authMessage);
    if (proof.length !== signature.length) return undefined;
    const recovered = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) recovered[i] = proof[i]! ^ signature[i]!;
    if (!timingSafeEqual(sha256(recovered), storedKey)) return undefined;
    return `v=${hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}`;
  }
}

/** The ParameterStatus values sent after authentication; what drivers read to pick their parsers. */
export function serverParameters(version: string): [string, string][] {
  return [
    ['server_version', `15.0 (Eddy ${version})`],
    ['server_encoding', 'UTF8'],
    ['client_encoding', 'UTF8'],
    ['DateStyle', 'ISO, MDY'],
    ['integer_datetimes', 'on'],
    ['standard_conforming_strings', 'on'],
    ['TimeZone', 'UTC'],
    ['IntervalStyle', 'postgres'],
    ['is_superuser', 'off'],
    ['application_name', ''],
  ];
}
