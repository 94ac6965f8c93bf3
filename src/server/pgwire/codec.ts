// PostgreSQL's wire framing (protocol 3.0): the first message of a connection is untyped
// (length + body: a StartupMessage, SSLRequest or CancelRequest), every later one is a type byte,
// a big-endian int32 length that counts itself, and the body. This file cuts frames out of the
// byte stream and builds the backend messages; it knows nothing of what they mean.

export interface FrontendMessage {
  /** The type byte as a character; '' for the untyped first message. */
  readonly type: string;
  readonly body: Buffer;
}

/** Accumulates socket data and yields whole messages; throws on a length past `maxBytes`. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private typed = false;

  constructor(private readonly maxBytes: number) {}

  /** After the startup phase every message carries a type byte. */
  startTyped(): void {
    this.typed = true;
  }

  /** Bytes received but not yet cut into a message. */
  get buffered(): number {
    return this.buf.length;
  }

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
  }

  /** The next whole message, or undefined until more bytes arrive. */
  next(): FrontendMessage | undefined {
    const head = this.typed ? 5 : 4;
    if (this.buf.length < head) return undefined;
    const len = this.buf.readInt32BE(this.typed ? 1 : 0);
    if (len < 4 || len > this.maxBytes) throw new Error(`message length ${len} is out of range (limit ${this.maxBytes} bytes)`);
    const total = len + (this.typed ? 1 : 0);
    if (this.buf.length < total) return undefined;
    const type = this.typed ? String.fromCharCode(this.buf[0]!) : '';
    const body = this.buf.subarray(head, total);
    this.buf = this.buf.subarray(total);
    return { type, body };
  }
}

/** Reads the fields of a message body in order. */
export class BodyReader {
  private at = 0;
  constructor(private readonly body: Buffer) {}

  int32(): number {
    const v = this.body.readInt32BE(this.at);
    this.at += 4;
    return v;
  }

  int16(): number {
    const v = this.body.readInt16BE(this.at);
    this.at += 2;
    return v;
  }

  byte(): string {
    return String.fromCharCode(this.body[this.at++]!);
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(): string {
    const end = this.body.indexOf(0, this.at);
    if (end < 0) throw new Error('unterminated string in message');
    const s = this.body.toString('utf8', this.at, end);
    this.at = end + 1;
    return s;
  }

  bytes(n: number): Buffer {
    if (this.at + n > this.body.length) throw new Error('message shorter than its fields');
    const b = this.body.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }

  rest(): Buffer {
    const b = this.body.subarray(this.at);
    this.at = this.body.length;
    return b;
  }

  get remaining(): number {
    return this.body.length - this.at;
  }
}

/** Builds one backend message: type byte, length, fields. */
export class MessageBuilder {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly type: string) {}

  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.add(b);
  }

  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.add(b);
  }

  byte(c: string): this {
    return this.add(Buffer.from([c.charCodeAt(0)]));
  }

  cstring(s: string): this {
    return this.add(Buffer.from(`${s}\0`, 'utf8'));
  }

  add(b: Buffer): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  build(): Buffer {
    const head = Buffer.alloc(5);
    head[0] = this.type.charCodeAt(0);
    head.writeInt32BE(this.size + 4, 1);
    return Buffer.concat([head, ...this.parts], 5 + this.size);
  }
}

// ------------------------------------------------------------------ backend messages

export const authOk = (): Buffer => new MessageBuilder('R').int32(0).build();

export const authSasl = (mechanisms: readonly string[]): Buffer => {
  const m = new MessageBuilder('R').int32(10);
  for (const x of mechanisms) m.cstring(x);
  return m.add(Buffer.from([0])).build();
};

export const authSaslContinue = (data: string): Buffer => new MessageBuilder('R').int32(11).add(Buffer.from(data, 'utf8')).build();
export const authSaslFinal = (data: string): Buffer => new MessageBuilder('R').int32(12).add(Buffer.from(data, 'utf8')).build();
export const authCleartext = (): Buffer => new MessageBuilder('R').int32(3).build();

export const parameterStatus = (name: string, value: string): Buffer => new MessageBuilder('S').cstring(name).cstring(value).build();
export const backendKeyData = (pid: number, secret: number): Buffer => new MessageBuilder('K').int32(pid).int32(secret).build();
/** `I` idle, `T` in a transaction block, `E` in a failed one. */
export const readyForQuery = (status: 'I' | 'T' | 'E' = 'I'): Buffer => new MessageBuilder('Z').byte(status).build();
export const commandComplete = (tag: string): Buffer => new MessageBuilder('C').cstring(tag).build();
export const emptyQueryResponse = (): Buffer => new MessageBuilder('I').build();
export const parseComplete = (): Buffer => new MessageBuilder('1').build();
export const bindComplete = (): Buffer => new MessageBuilder('2').build();
export const closeComplete = (): Buffer => new MessageBuilder('3').build();
export const noData = (): Buffer => new MessageBuilder('n').build();
export const portalSuspended = (): Buffer => new MessageBuilder('s').build();

export const parameterDescription = (oids: readonly number[]): Buffer => {
  const m = new MessageBuilder('t').int16(oids.length);
  for (const o of oids) m.int32(o);
  return m.build();
};

export interface FieldDescription {
  readonly name: string;
  readonly oid: number;
  /** pg_type.typlen: -1 for variable length. */
  readonly size: number;
}

/** `formats`: each column's format code (0 text, 1 binary); none given, all text. */
export const rowDescription = (fields: readonly FieldDescription[], formats: readonly number[] = []): Buffer => {
  const m = new MessageBuilder('T').int16(fields.length);
  // table oid 0, column number 0, type modifier -1, format code.
  fields.forEach((f, i) =>
    m
      .cstring(f.name)
      .int32(0)
      .int16(0)
      .int32(f.oid)
      .int16(f.size)
      .int32(-1)
      .int16(formats[i] ?? 0),
  );
  return m.build();
};

/** A row: text cells as UTF-8, binary cells as they are; null is SQL NULL (length -1). */
export const dataRow = (cells: readonly (string | Buffer | null)[]): Buffer => {
  const m = new MessageBuilder('D').int16(cells.length);
  for (const c of cells) {
    if (c === null) m.int32(-1);
    else {
      const b = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
      m.int32(b.length).add(b);
    }
  }
  return m.build();
};

/** CopyOutResponse: text format for the whole copy and each of `columns`. */
export const copyOutResponse = (columns: number): Buffer => {
  const m = new MessageBuilder('H').add(Buffer.from([0])).int16(columns);
  for (let i = 0; i < columns; i++) m.int16(0);
  return m.build();
};

/** CopyInResponse: the client may send CopyData now, text format for the whole copy and each of `columns`. */
export const copyInResponse = (columns: number): Buffer => {
  const m = new MessageBuilder('G').add(Buffer.from([0])).int16(columns);
  for (let i = 0; i < columns; i++) m.int16(0);
  return m.build();
};

/** One row of COPY's text format: tab-separated, `\N` for NULL, backslash escapes, a newline. */
export const copyData = (cells: readonly (string | null)[]): Buffer => {
  const escape = (c: string) => c.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
  const line = cells.map((c) => (c === null ? '\\N' : escape(c))).join('\t');
  return new MessageBuilder('d').add(Buffer.from(`${line}\n`, 'utf8')).build();
};

export const copyDone = (): Buffer => new MessageBuilder('c').build();

export interface NoticeFields {
  readonly severity: 'ERROR' | 'FATAL' | 'NOTICE' | 'WARNING' | 'INFO';
  readonly code: string;
  readonly message: string;
  /** 1-based character position in the query string. */
  readonly position?: number;
  readonly detail?: string;
  readonly hint?: string;
}

function fields(type: 'E' | 'N', f: NoticeFields): Buffer {
  const m = new MessageBuilder(type);
  m.byte('S').cstring(f.severity).byte('V').cstring(f.severity).byte('C').cstring(f.code).byte('M').cstring(f.message);
  if (f.detail !== undefined) m.byte('D').cstring(f.detail);
  if (f.hint !== undefined) m.byte('H').cstring(f.hint);
  if (f.position !== undefined) m.byte('P').cstring(String(f.position));
  return m.add(Buffer.from([0])).build();
}

export const errorResponse = (f: NoticeFields): Buffer => fields('E', f);
export const noticeResponse = (f: Omit<NoticeFields, 'severity'> & { severity?: NoticeFields['severity'] }): Buffer => fields('N', { severity: 'NOTICE', ...f });
