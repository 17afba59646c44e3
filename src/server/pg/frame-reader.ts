/**
 * A frontend message that breaks the protocol (SQLSTATE 08P01). Fatal when the byte stream can no
 * longer be trusted (bad length, unknown message type): the connection ends; otherwise the message
 * fails like any other error.
 */
export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly fatal = false,
  ) {
    super(message);
  }
}

export interface Frame {
  /** The type byte ('Q', 'P', …); 0 for a startup-phase message, which has none. */
  readonly type: number;
  /** The body, a view valid only until the next push(): decode it before awaiting anything. */
  readonly body: Buffer;
}

/**
 * Splits the byte stream from a client into messages. Bytes accumulate in one reused buffer that
 * is compacted or grown as needed; a length field beyond the configured bound is refused before
 * any of the body is buffered.
 */
export class FrameReader {
  private buf = Buffer.allocUnsafe(16 * 1024);
  private start = 0;
  private end = 0;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly maxStartupBytes: number,
  ) {}

  /** Bytes received and not yet returned as messages. */
  get buffered(): number {
    return this.end - this.start;
  }

  push(chunk: Buffer): void {
    if (this.end + chunk.length > this.buf.length) {
      const live = this.end - this.start;
      if (live + chunk.length <= this.buf.length) {
        this.buf.copy(this.buf, 0, this.start, this.end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, live + chunk.length));
        this.buf.copy(grown, 0, this.start, this.end);
        this.buf = grown;
      }
      this.start = 0;
      this.end = live;
    }
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }

  /** The next complete message, or undefined until more bytes arrive. */
  next(startup: boolean): Frame | undefined {
    const header = startup ? 4 : 5;
    if (this.end - this.start < header) return undefined;
    const type = startup ? 0 : this.buf[this.start]!;
    const length = this.buf.readInt32BE(this.start + header - 4);
    const max = startup ? this.maxStartupBytes : this.maxMessageBytes;
    if (length < 4) throw new ProtocolError(`invalid message length ${length}`, true);
    if (length > max)
      throw new ProtocolError(`message of ${length} bytes is longer than the limit of ${max} bytes`, true);
    const total = length + header - 4;
    if (this.end - this.start < total) return undefined;
    const body = this.buf.subarray(this.start + header, this.start + total);
    this.start += total;
    if (this.start === this.end) this.start = this.end = 0;
    return { type, body };
  }
}

/** Reads the fields of one message body in order; running off the end is a protocol error. */
export class BodyCursor {
  private pos = 0;

  constructor(private readonly body: Buffer) {}

  get remaining(): number {
    return this.body.length - this.pos;
  }

  int16(): number {
    this.need(2);
    const v = this.body.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.body.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  byte(): number {
    this.need(1);
    return this.body[this.pos++]!;
  }

  cstr(): string {
    const nul = this.body.indexOf(0, this.pos);
    if (nul < 0) throw new ProtocolError('string without its terminating NUL');
    const s = this.body.toString('utf8', this.pos, nul);
    this.pos = nul + 1;
    return s;
  }

  /** `n` bytes, copied (the body is a view into a reused buffer). */
  bytes(n: number): Buffer {
    if (n < 0) throw new ProtocolError(`negative length ${n}`);
    this.need(n);
    const b = Buffer.from(this.body.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }

  /** Everything left, copied. */
  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  private need(n: number): void {
    if (this.pos + n > this.body.length) throw new ProtocolError('message shorter than its fields');
  }
}
