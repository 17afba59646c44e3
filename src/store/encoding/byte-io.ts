/** Thrown by decoders on input that does not parse; the segment reader turns it into CorruptSegmentError. */
export class DecodeError extends Error {}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** A growable little-endian byte buffer. */
export class ByteWriter {
  bytes: Uint8Array;
  view: DataView;
  length = 0;

  constructor(capacity = 4096) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  reset(): void {
    this.length = 0;
  }

  /** Makes room for `n` more bytes and returns the offset where they go. */
  reserve(n: number): number {
    const need = this.length + n;
    if (need > this.bytes.length) {
      let cap = this.bytes.length * 2;
      while (cap < need) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    const at = this.length;
    this.length = need;
    return at;
  }

  /** Pads with zeroes to a multiple of `n`, so typed-array views of what follows are aligned. */
  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    const at = this.reserve(pad);
    this.bytes.fill(0, at, at + pad);
  }

  u8(v: number): void {
    const at = this.reserve(1);
    this.bytes[at] = v;
  }

  u32(v: number): void {
    const at = this.reserve(4); // before reading this.view: reserve may replace it
    this.view.setUint32(at, v, true);
  }

  f64(v: number): void {
    const at = this.reserve(8);
    this.view.setFloat64(at, v, true);
  }

  /** Unsigned LEB128 up to 2^53. */
  varint(v: number): void {
    while (v >= 0x80) {
      this.u8((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.u8(v);
  }

  raw(src: Uint8Array): void {
    const at = this.reserve(src.length);
    this.bytes.set(src, at);
  }

  string(s: string): void {
    const encoded = utf8.encode(s);
    this.varint(encoded.length);
    this.raw(encoded);
  }

  /** The written bytes (a view, valid until the next write). */
  view8(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** A bounds-checked reader over a byte range; every overrun throws DecodeError. */
export class ByteReader {
  readonly view: DataView;
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    this.pos = start;
  }

  /** Advances past `n` bytes and returns the offset where they start. */
  take(n: number): number {
    if (!(n >= 0) || this.pos + n > this.end) throw new DecodeError(`need ${n} bytes at ${this.pos}`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  align(n: number): void {
    this.take((n - (this.pos % n)) % n);
  }

  u8(): number {
    return this.bytes[this.take(1)]!;
  }

  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  f64(): number {
    return this.view.getFloat64(this.take(8), true);
  }

  varint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
    }
    throw new DecodeError('varint too long');
  }

  /** A count that must fit in what is left of the input at `bytesEach` bytes per item. */
  count(bytesEach: number): number {
    const n = this.varint();
    if (n * bytesEach > this.end - this.pos) throw new DecodeError(`count ${n} exceeds the input`);
    return n;
  }

  string(): string {
    const n = this.count(1);
    const at = this.take(n);
    try {
      return utf8Decoder.decode(this.bytes.subarray(at, at + n));
    } catch {
      throw new DecodeError('invalid UTF-8');
    }
  }

  done(): void {
    if (this.pos !== this.end) throw new DecodeError(`${this.end - this.pos} trailing bytes`);
  }
}
