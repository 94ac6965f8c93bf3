// ksqlDB's error bodies: `@type`, `error_code` (the HTTP status × 100, plus a detail digit) and
// `message`; a statement's error also names the statement and the entities run before it.

import type { Json } from '../../util/lossless-json.js';
import { JsonNumber } from '../../util/lossless-json.js';

export const ErrorCode = {
  BAD_REQUEST: 40000,
  BAD_STATEMENT: 40001,
  QUERY_ENDPOINT: 40002,
  UNAUTHORIZED: 40100,
  NOT_FOUND: 40400,
  NOT_ACCEPTABLE: 40600,
  SERVER_ERROR: 50000,
} as const;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: { readonly [k: string]: Json },
  ) {
    super(typeof body.message === 'string' ? body.message : `HTTP ${status}`);
  }
}

export function genericError(status: number, code: number, message: string): HttpError {
  return new HttpError(status, { '@type': 'generic_error', error_code: new JsonNumber(String(code)), message });
}

export function statementError(message: string, statementText: string, entities: Json[]): HttpError {
  return new HttpError(400, { '@type': 'statement_error', error_code: new JsonNumber(String(ErrorCode.BAD_STATEMENT)), message, statementText, entities });
}
