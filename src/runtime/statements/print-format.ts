// PRINT's guess at a topic's key and value formats from the bytes alone, as ksqlDB's PRINT makes
// it: every format a record could be read as, narrowed over the records printed (MIXED when none
// fits them all); each record shown as the first fitting format reads it (42, not "\0\0\0*").

export type PrintFormat = 'JSON' | 'KAFKA_STRING' | 'KAFKA_INT' | 'KAFKA_BIGINT' | 'KAFKA_DOUBLE';

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]/;

/** Formats these bytes could be, in the order PRINT prefers to show them. */
export function formatsOf(bytes: Buffer): PrintFormat[] {
  const out: PrintFormat[] = [];
  const text = bytes.toString('utf8');
  const printable = !UNPRINTABLE.test(text);
  if (printable) {
    try {
      JSON.parse(text);
      out.push('JSON');
    } catch {
      // not JSON
    }
    out.push('KAFKA_STRING');
  }
  if (bytes.length === 4) out.push('KAFKA_INT');
  if (bytes.length === 8) out.push('KAFKA_BIGINT', 'KAFKA_DOUBLE');
  return out;
}

export function readAs(bytes: Buffer, f: PrintFormat): string | number {
  switch (f) {
    case 'KAFKA_INT':
      return bytes.readInt32BE(0);
    case 'KAFKA_BIGINT':
      return Number(bytes.readBigInt64BE(0));
    case 'KAFKA_DOUBLE':
      return bytes.readDoubleBE(0);
    case 'JSON':
    case 'KAFKA_STRING':
      return bytes.toString('utf8');
  }
}

/** What the records of one side (keys or values) have in common, narrowed record by record. */
export class FormatGuess {
  private common: PrintFormat[] | undefined;

  /** Notes a record's bytes and returns how to show them. */
  show(bytes: Buffer | null): string | number | null {
    if (!bytes) return null;
    const own = formatsOf(bytes);
    this.common = this.common ? this.common.filter((f) => own.includes(f)) : own;
    const f = this.common[0] ?? own[0];
    return f ? readAs(bytes, f) : bytes.toString('base64');
  }

  /** "JSON or KAFKA_STRING", "MIXED", or "UNDEFINED" when every record had none. */
  describe(): string {
    if (!this.common) return 'UNDEFINED';
    return this.common.length ? this.common.join(' or ') : 'MIXED';
  }
}
