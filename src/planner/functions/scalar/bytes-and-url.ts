// Numbers from bytes, and URL functions.

import { T } from '../../../parser/sql-type.js';
import { P, scalar } from '../define.js';
import type { ScalarFunction } from '../types.js';

function bytesOf(v: unknown, want: number, name: string, order: unknown): Buffer {
  const b = Buffer.from(v as Uint8Array);
  if (b.length !== want) throw new Error(`Number of bytes must be equal to ${want}, but found ${b.length}`);
  const o = String(order ?? 'BIG_ENDIAN').toUpperCase();
  if (o !== 'BIG_ENDIAN' && o !== 'LITTLE_ENDIAN') throw new Error(`${name}: byte order must be BIG_ENDIAN or LITTLE_ENDIAN`);
  return o === 'LITTLE_ENDIAN' ? Buffer.from(b).reverse() : b;
}

function url(text: unknown): URL {
  return new URL(String(text));
}

export const bytesAndUrlFunctions: ScalarFunction[] = [
  scalar('INT_FROM_BYTES', 'conversion', 'An INT from 4 bytes (big-endian unless told).', [
    { params: [P.BYTES], returns: T.INTEGER, fn: (a) => bytesOf(a[0], 4, 'INT_FROM_BYTES', null).readInt32BE(0) },
    { params: [P.BYTES, P.STRING], returns: T.INTEGER, fn: (a) => bytesOf(a[0], 4, 'INT_FROM_BYTES', a[1]).readInt32BE(0) },
  ]),
  scalar('BIGINT_FROM_BYTES', 'conversion', 'A BIGINT from 8 bytes (big-endian unless told).', [
    { params: [P.BYTES], returns: T.BIGINT, fn: (a) => Number(bytesOf(a[0], 8, 'BIGINT_FROM_BYTES', null).readBigInt64BE(0)) },
    { params: [P.BYTES, P.STRING], returns: T.BIGINT, fn: (a) => Number(bytesOf(a[0], 8, 'BIGINT_FROM_BYTES', a[1]).readBigInt64BE(0)) },
  ]),
  scalar('DOUBLE_FROM_BYTES', 'conversion', 'A DOUBLE from 8 bytes (big-endian unless told).', [
    { params: [P.BYTES], returns: T.DOUBLE, fn: (a) => bytesOf(a[0], 8, 'DOUBLE_FROM_BYTES', null).readDoubleBE(0) },
    { params: [P.BYTES, P.STRING], returns: T.DOUBLE, fn: (a) => bytesOf(a[0], 8, 'DOUBLE_FROM_BYTES', a[1]).readDoubleBE(0) },
  ]),
  scalar('URL_EXTRACT_HOST', 'string', 'The host of a URL.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => url(a[0]).hostname || null }]),
  scalar('URL_EXTRACT_PATH', 'string', 'The path of a URL.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => decodeURI(url(a[0]).pathname) }]),
  scalar('URL_EXTRACT_PORT', 'string', 'The port of a URL.', [{ params: [P.STRING], returns: T.INTEGER, fn: (a) => (url(a[0]).port ? Number(url(a[0]).port) : null) }]),
  scalar('URL_EXTRACT_PROTOCOL', 'string', 'The protocol (scheme) of a URL.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => url(a[0]).protocol.replace(/:$/, '') }]),
  scalar('URL_EXTRACT_QUERY', 'string', 'The query string of a URL.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => (url(a[0]).search ? decodeURIComponent(url(a[0]).search.slice(1)) : null) }]),
  scalar('URL_EXTRACT_FRAGMENT', 'string', 'The fragment of a URL.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => (url(a[0]).hash ? decodeURIComponent(url(a[0]).hash.slice(1)) : null) }]),
  scalar('URL_EXTRACT_PARAMETER', 'string', 'The value of one query parameter of a URL.', [{ params: [P.STRING, P.STRING], returns: T.STRING, fn: (a) => url(a[0]).searchParams.get(String(a[1])) }]),
  scalar('URL_ENCODE_PARAM', 'string', 'Encodes text for a URL query parameter.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => encodeURIComponent(String(a[0])).replace(/%20/g, '+') }]),
  scalar('URL_DECODE_PARAM', 'string', 'Decodes a URL query parameter.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => decodeURIComponent(String(a[0]).replace(/\+/g, ' ')) }]),
];
