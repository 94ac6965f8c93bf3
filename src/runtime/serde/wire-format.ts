// Confluent's wire format for registry-backed records: magic byte 0, the schema id as a 4-byte
// big-endian integer, then the encoded payload (for Protobuf, first the message indexes).

import { DecodeError } from './json-coercion.js';

export function frame(id: number, payload: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + payload.length);
  out[0] = 0;
  out.writeInt32BE(id, 1);
  out.set(payload, 5);
  return out;
}

/** The schema id and the rest; ksqlDB's (the Confluent deserializer's) errors when the header is wrong. */
export function unframe(bytes: Buffer, what: string): { id: number; payload: Buffer } {
  if (bytes.length < 5) throw new DecodeError(`Error deserializing ${what} message: Unknown magic byte! (the record has ${bytes.length} bytes, fewer than the 5 of the header)`);
  if (bytes[0] !== 0) throw new DecodeError(`Error deserializing ${what} message: Unknown magic byte!`);
  return { id: bytes.readInt32BE(1), payload: bytes.subarray(5) };
}

/** Protobuf's message indexes after the id: zig-zag varints, a count then the path; [0] is the single byte 0. */
export function writeMessageIndexes(path: readonly number[]): Buffer {
  if (path.length === 1 && path[0] === 0) return Buffer.from([0]);
  const bytes: number[] = [];
  const varint = (n: number) => {
    let z = (n << 1) ^ (n >> 31);
    while (z > 0x7f) {
      bytes.push((z & 0x7f) | 0x80);
      z >>>= 7;
    }
    bytes.push(z);
  };
  varint(path.length);
  for (const i of path) varint(i);
  return Buffer.from(bytes);
}

export function readMessageIndexes(b: Buffer): { path: number[]; rest: Buffer } {
  let pos = 0;
  const varint = (): number => {
    let shift = 0;
    let z = 0;
    for (;;) {
      if (pos >= b.length) throw new DecodeError('Error deserializing Protobuf message: truncated message indexes');
      const x = b[pos++]!;
      z |= (x & 0x7f) << shift;
      if (!(x & 0x80)) break;
      shift += 7;
    }
    return (z >>> 1) ^ -(z & 1);
  };
  const n = varint();
  const path = n === 0 ? [0] : Array.from({ length: n }, varint);
  return { path, rest: b.subarray(pos) };
}
