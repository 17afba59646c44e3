import type { Writable } from 'node:stream';

const CHUNK_BYTES = 64 * 1024;

/** What a connection's metrics see of its traffic (pg-metrics.ts); every hook is cheap. */
export interface WireTap {
  bytesReceived(n: number): void;
  bytesSent(n: number): void;
  /** An ErrorResponse with this SQLSTATE was written. */
  errorSent(code: string): void;
}

/**
 * Builds backend messages into a chunk buffer and hands full chunks to the socket. A chunk, once
 * written, belongs to the socket; the writer starts a new one, so a large result costs one
 * allocation per 64 KiB, not one per row. `drained()` is the backpressure point.
 */
export class WireWriter {
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;
  private lengthAt = -1;

  constructor(
    private readonly out: Writable,
    readonly tap?: WireTap,
  ) {}

  /** Bytes waiting in the current chunk. */
  get pending(): number {
    return this.pos;
  }

  begin(type: string): this {
    this.ensure(5);
    this.buf[this.pos++] = type.charCodeAt(0);
    this.lengthAt = this.pos;
    this.pos += 4;
    return this;
  }

  end(): this {
    this.buf.writeInt32BE(this.pos - this.lengthAt, this.lengthAt);
    this.lengthAt = -1;
    if (this.pos >= CHUNK_BYTES) this.flush();
    return this;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v | 0, this.pos);
    this.pos += 4;
    return this;
  }

  /** A NUL-terminated string. */
  cstr(s: string): this {
    this.ensure(Buffer.byteLength(s) + 1);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    this.buf[this.pos++] = 0;
    return this;
  }

  /** A length-prefixed UTF-8 string (a DataRow cell), -1 for NULL. */
  lstr(s: string | null): this {
    if (s === null) return this.int32(-1);
    const n = Buffer.byteLength(s);
    this.ensure(n + 4);
    this.buf.writeInt32BE(n, this.pos);
    this.pos += 4;
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Room for `n` more bytes at `pos`, for encoders that write in place; returns the buffer. */
  reserve(n: number): Buffer {
    this.ensure(n);
    return this.buf;
  }

  get offset(): number {
    return this.pos;
  }

  advance(n: number): void {
    this.pos += n;
  }

  /** Sends the current chunk (outside a message). */
  flush(): void {
    if (this.pos === 0 || this.lengthAt >= 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
    this.pos = 0;
    if (this.out.destroyed) return;
    this.tap?.bytesSent(chunk.length);
    this.out.write(chunk);
  }

  needsDrain(): boolean {
    return this.out.writableNeedDrain;
  }

  /** Resolves once the socket wants more (immediately unless it is backed up). */
  drained(): Promise<void> {
    if (!this.out.writableNeedDrain || this.out.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // A message under construction must stay contiguous: grow, keeping what is there.
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
