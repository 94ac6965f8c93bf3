// An error raised by the PostgreSQL front end itself (a cursor that does not exist, a statement
// in an aborted transaction block), with the SQLSTATE and fields the client is to get.

import type { NoticeFields } from './codec.js';

export class PgError extends Error {
  constructor(readonly fields: NoticeFields) {
    super(fields.message);
  }
}
