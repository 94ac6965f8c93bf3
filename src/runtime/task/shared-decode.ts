// One decode per log record for all the push queries that read it. Each push query used to decode
// every record of its source itself: 300 clients each running `SELECT … EMIT CHANGES` over one
// stream parsed every row 300 times (issue 12). Push queries' codecs come from here instead: one
// codec per source definition, whose decode results are kept for the newest records of each
// partition, so the second and later readers of a record get the first one's result.
//
// A kept result is used only for the very same bytes: a hit compares the record's key, value,
// timestamp and window with the ones it was decoded from (a record at a reused offset, after a
// rollback or a recreated topic, is decoded anew). Records with headers are not kept (their header
// columns would need the headers compared as well; they are rare on the paths that fan out).
//
// The decoded Rec is shared by its readers: operators never change a record they are handed (they
// emit new ones: project.ts, aggregate.ts), which is what makes the sharing sound.

import type { SourceDef } from '../../planner/catalog.js';
import type { LogRecord } from '../log/index.js';
import type { SchemaRegistry } from '../registry/schema-registry.js';
import { recordCodec, type DecodeResult, type RecordCodec } from '../record-codec.js';

/**
 * Results kept per partition. Readers at the log's head read the same records within one cycle;
 * one that lags further decodes for itself (correct, only slower). Bounded so that memory does not
 * grow with the number of readers or of records: ~2,000 decoded 1 KiB rows are a few MiB.
 */
export const KEPT_PER_PARTITION = 2048;

interface Kept {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly window: LogRecord['window'];
  readonly result: DecodeResult;
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === b || (a !== null && b !== null && a.equals(b));
}

/** A codec whose decode results are shared by every reader of the source. */
class SharedDecodeCodec implements RecordCodec {
  /** Per partition: offset → what its record decoded to (oldest first, as Map keeps insertion order). */
  private readonly kept = new Map<number, Map<number, Kept>>();
  /** For tests and metrics: decodes done, and decodes saved. */
  decodes = 0;
  hits = 0;

  constructor(private readonly inner: RecordCodec) {}

  decode(r: LogRecord): DecodeResult {
    if (r.headers.length) return this.inner.decode(r);
    let part = this.kept.get(r.partition);
    if (!part) this.kept.set(r.partition, (part = new Map()));
    const k = part.get(r.offset);
    if (k && k.timestamp === r.timestamp && sameBytes(k.key, r.key) && sameBytes(k.value, r.value) && k.window?.start === r.window?.start && k.window?.end === r.window?.end) {
      this.hits++;
      return k.result;
    }
    this.decodes++;
    const result = this.inner.decode(r);
    if (k) part.delete(r.offset);
    part.set(r.offset, { key: r.key, value: r.value, timestamp: r.timestamp, window: r.window, result });
    if (part.size > KEPT_PER_PARTITION) part.delete(part.keys().next().value!);
    return result;
  }

  encode: RecordCodec['encode'] = (rec) => this.inner.encode(rec);
  encodeKey: RecordCodec['encodeKey'] = (cols) => this.inner.encodeKey(cols);
}

/** The engine's shared codecs: one per source definition (a replaced definition gets a new one). */
export class SharedDecodes {
  private readonly codecs = new WeakMap<SourceDef, SharedDecodeCodec>();

  constructor(private readonly registry: SchemaRegistry | undefined) {}

  codecFor(def: SourceDef): SharedDecodeCodec {
    let c = this.codecs.get(def);
    if (!c) this.codecs.set(def, (c = new SharedDecodeCodec(recordCodec(def, this.registry))));
    return c;
  }

  /** Decodes done and saved for one source (tests: 300 readers of a record decode it once). */
  counts(def: SourceDef): { decodes: number; hits: number } {
    const c = this.codecs.get(def);
    return { decodes: c?.decodes ?? 0, hits: c?.hits ?? 0 };
  }
}
