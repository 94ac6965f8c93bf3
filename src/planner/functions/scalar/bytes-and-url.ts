// Numbers from bytes, and URL functions.

import { T, type SqlType } from '../../../parser/sql-type.js';
import type { Value } from '../../values.js';
import { P, scalar, type Overload } from '../define.js';
import type { ScalarFunction } from '../types.js';
import { longOf } from '../../long.js';
import { formParameterDecode, formParameterEscape, parseJavaUri, queryParameter, type JavaUri } from './java-uri.js';

/** The bytes in big-endian order, checked as ksqlDB checks them (the byte order first, even for NULL bytes). */
function bytesOf(v: unknown, want: number, order: unknown): Buffer | null {
  const o = typeof order === 'string' ? order.toUpperCase() : null;
  if (o !== 'BIG_ENDIAN' && o !== 'LITTLE_ENDIAN')
    throw new Error(`Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order '${order === null || order === undefined ? 'null' : String(order)}'.`);
  if (v === null || v === undefined) return null;
  const b = Buffer.from(v as Uint8Array);
  if (b.length !== want) throw new Error(`Number of bytes must be equal to ${want}, but found ${b.length}`);
  return o === 'LITTLE_ENDIAN' ? Buffer.from(b).reverse() : b;
}

/** The overloads of one X_FROM_BYTES: (bytes) big-endian, (bytes, order). */
function fromBytes(size: number, returns: SqlType, read: (b: Buffer) => Value): Overload[] {
  return [
    { params: [P.BYTES], returns, fn: (a) => read(bytesOf(a[0], size, 'BIG_ENDIAN')!) },
    {
      params: [P.BYTES, P.STRING],
      returns,
      nullTolerant: true,
      fn: (a) => {
        const b = bytesOf(a[0], size, a[1]);
        return b === null ? null : read(b);
      },
    },
  ];
}

function uri(text: unknown): JavaUri {
  return parseJavaUri(String(text));
}

export const bytesAndUrlFunctions: ScalarFunction[] = [
  scalar(
    'INT_FROM_BYTES',
    'conversion',
    'An INT from 4 bytes (big-endian unless told).',
    fromBytes(4, T.INTEGER, (b) => b.readInt32BE(0)),
  ),
  // Exact past 2^53: a BIGINT that does not fit a double arrives as a bigint (long.ts).
  scalar(
    'BIGINT_FROM_BYTES',
    'conversion',
    'A BIGINT from 8 bytes (big-endian unless told).',
    fromBytes(8, T.BIGINT, (b) => longOf(b.readBigInt64BE(0))),
  ),
  scalar(
    'DOUBLE_FROM_BYTES',
    'conversion',
    'A DOUBLE from 8 bytes (big-endian unless told).',
    fromBytes(8, T.DOUBLE, (b) => b.readDoubleBE(0)),
  ),
  scalar('URL_EXTRACT_HOST', 'string', 'The host of a URL (NULL for a relative one).', [{ params: [P.STRING], returns: T.STRING, fn: (a) => uri(a[0]).host }]),
  scalar('URL_EXTRACT_PATH', 'string', 'The decoded path of a URL (empty when it has none).', [{ params: [P.STRING], returns: T.STRING, fn: (a) => uri(a[0]).path }]),
  scalar('URL_EXTRACT_PORT', 'string', 'The port a URL states (NULL when it states none).', [{ params: [P.STRING], returns: T.INTEGER, fn: (a) => uri(a[0]).port }]),
  scalar('URL_EXTRACT_PROTOCOL', 'string', 'The protocol (scheme) of a URL, as written.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => uri(a[0]).scheme }]),
  scalar('URL_EXTRACT_QUERY', 'string', 'The decoded query string of a URL.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => uri(a[0]).query }]),
  scalar('URL_EXTRACT_FRAGMENT', 'string', 'The decoded fragment of a URL.', [{ params: [P.STRING], returns: T.STRING, fn: (a) => uri(a[0]).fragment }]),
  scalar('URL_EXTRACT_PARAMETER', 'string', "The value of one query parameter of a URL ('' for a bare name, NULL when absent).", [
    { params: [P.STRING, P.STRING], returns: T.STRING, fn: (a) => queryParameter(uri(a[0]).query, String(a[1])) },
  ]),
  scalar('URL_ENCODE_PARAM', 'string', 'Encodes text for a URL query parameter (application/x-www-form-urlencoded).', [
    { params: [P.STRING], returns: T.STRING, fn: (a) => formParameterEscape(String(a[0])) },
  ]),
  scalar('URL_DECODE_PARAM', 'string', 'Decodes a URL query parameter (+ is a space).', [{ params: [P.STRING], returns: T.STRING, fn: (a) => formParameterDecode(String(a[0])) }]),
];
