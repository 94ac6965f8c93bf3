// A windowed key's bytes on Kafka, as Kafka Streams and ksqlDB lay them out: a time window
// (TUMBLING, HOPPING) is the key then the window start (8 bytes, big-endian, TimeWindowedSerde);
// a session window is the key, then the end, then the start (8 bytes each, SessionKeySchema).

export function windowedKeyBytes(key: Buffer, window: { readonly start: number; readonly end: number }, session: boolean): Buffer {
  const suffix = Buffer.alloc(session ? 16 : 8);
  if (session) {
    suffix.writeBigInt64BE(BigInt(window.end), 0);
    suffix.writeBigInt64BE(BigInt(window.start), 8);
  } else suffix.writeBigInt64BE(BigInt(window.start), 0);
  return Buffer.concat([key, suffix]);
}

/** The base key and window of a windowed key's bytes; `sizeMs` gives a time window its end. Undefined: too short to hold a window. */
export function splitWindowedKey(bytes: Buffer, session: boolean, sizeMs: number | undefined): { key: Buffer; window: { start: number; end: number } } | undefined {
  const n = session ? 16 : 8;
  if (bytes.length < n) return undefined;
  const at = bytes.length - n;
  const key = bytes.subarray(0, at);
  if (session) return { key, window: { start: Number(bytes.readBigInt64BE(at + 8)), end: Number(bytes.readBigInt64BE(at)) } };
  const start = Number(bytes.readBigInt64BE(at));
  return { key, window: { start, end: sizeMs !== undefined ? start + sizeMs : start } };
}
