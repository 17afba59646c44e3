/** IPFIX message header: version (2), length (2), export time, sequence, observation domain. */
export const ipfixHeaderLength = 16;
const ipfixVersion = 10;

export type FramingError = 'bad_length' | 'bad_version';

/**
 * Splits an IPFIX-over-TCP byte stream (RFC 7011 §10.4) into messages by the header's length
 * field. Chunks may hold part of a message or several; a whole message inside one chunk is passed
 * on as a view without copying, the rest is assembled in a reused buffer. After a framing error
 * the stream cannot be resynchronised: `push` returns the error and the caller closes it.
 * A message handed to `onMessage` is valid only during the call (its bytes may be reused).
 */
export class IpfixFramer {
  private pending = Buffer.alloc(0);
  private pendingLength = 0;

  constructor(private readonly onMessage: (message: Buffer) => void) {}

  /** Feeds the next chunk; returns a framing error, or undefined when all is well. */
  push(chunk: Buffer): FramingError | undefined {
    let offset = 0;
    if (this.pendingLength > 0) {
      // Complete the header first, then the message it announces.
      const headerNeed = Math.max(0, 4 - this.pendingLength);
      offset = this.append(chunk, 0, headerNeed);
      if (this.pendingLength < 4) return undefined;
      const error = check(this.pending, 0);
      if (error !== undefined) return error;
      const total = this.pending.readUInt16BE(2);
      offset = this.append(chunk, offset, total - this.pendingLength);
      if (this.pendingLength < total) return undefined;
      this.pendingLength = 0;
      this.onMessage(this.pending.subarray(0, total));
    }
    while (offset < chunk.length) {
      const left = chunk.length - offset;
      if (left < 4) break;
      const error = check(chunk, offset);
      if (error !== undefined) return error;
      const total = chunk.readUInt16BE(offset + 2);
      if (total > left) break;
      this.onMessage(chunk.subarray(offset, offset + total));
      offset += total;
    }
    this.append(chunk, offset, chunk.length - offset);
    return undefined;
  }

  /** Bytes of an incomplete message waiting for the rest. */
  buffered(): number {
    return this.pendingLength;
  }

  private append(chunk: Buffer, from: number, count: number): number {
    const n = Math.min(count, chunk.length - from);
    if (n <= 0) return from;
    if (this.pending.length < this.pendingLength + n) {
      const grown = Buffer.alloc(Math.max(this.pendingLength + n, 0x1_0000));
      this.pending.copy(grown, 0, 0, this.pendingLength);
      this.pending = grown;
    }
    chunk.copy(this.pending, this.pendingLength, from, from + n);
    this.pendingLength += n;
    return from + n;
  }
}

function check(buf: Buffer, offset: number): FramingError | undefined {
  if (buf.readUInt16BE(offset) !== ipfixVersion) return 'bad_version';
  if (buf.readUInt16BE(offset + 2) < ipfixHeaderLength) return 'bad_length';
  return undefined;
}
