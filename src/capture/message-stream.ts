/**
 * Reassembles one direction of a TCP connection that carries length-prefixed export messages
 * (IPFIX over TCP, RFC 7011 section 10.4: each message starts with version 10 and its length).
 * In-order segments are appended; early segments are held (copied, bounded) until the gap fills;
 * retransmitted bytes are trimmed. Complete messages are handed out as views of the stream buffer.
 */
const IPFIX_VERSION = 10;
const HEADER = 16;
const MAX_HELD_SEGMENTS = 64;
const MAX_BUFFERED = 1 << 20;

export const streamProblems = ['not_ipfix', 'gap', 'bad_message'] as const;
export type StreamProblem = (typeof streamProblems)[number];

export type MessageHandler = (buf: Uint8Array, offset: number, length: number) => void;

export class MessageStream {
  /** 'start': no data yet; 'ipfix': in sync; 'other': not IPFIX; 'resync': lost, waiting for a message start. */
  state: 'start' | 'ipfix' | 'other' | 'resync' = 'start';
  private nextSeq: number | undefined;
  private buf = new Uint8Array(4096);
  private length = 0;
  private held: { seq: number; data: Uint8Array }[] = [];

  /** SYN: the data starts at `seq + 1`. */
  syn(seq: number): void {
    this.nextSeq = (seq + 1) >>> 0;
    this.length = 0;
    this.held = [];
    this.state = 'start';
  }

  /**
   * Adds a segment's payload; calls `onMessage` for each message it completes. Returns a problem
   * to count, or undefined.
   */
  push(
    seq: number,
    data: Uint8Array,
    offset: number,
    size: number,
    onMessage: MessageHandler,
  ): StreamProblem | undefined {
    if (this.state === 'other') return 'not_ipfix';
    // Out of sync, bytes are lost anyway: any later segment may start the next message.
    if (this.nextSeq === undefined || (this.state === 'resync' && ((seq - this.nextSeq) | 0) > 0))
      this.nextSeq = seq;
    const ahead = (seq - this.nextSeq) | 0;
    if (ahead > 0) {
      if (this.held.length >= MAX_HELD_SEGMENTS) return this.lose();
      this.held.push({ seq, data: data.slice(offset, offset + size) });
      return undefined;
    }
    // Trim bytes already received (a retransmission or overlap).
    const skip = Math.min(size, -ahead);
    let problem = this.append(data, offset + skip, size - skip, onMessage);
    while (problem === undefined && this.held.length > 0) {
      const i = this.held.findIndex((h) => ((h.seq - this.nextSeq!) | 0) <= 0);
      if (i < 0) break;
      const h = this.held.splice(i, 1)[0]!;
      const overlap = Math.min(h.data.length, -((h.seq - this.nextSeq!) | 0));
      problem = this.append(h.data, overlap, h.data.length - overlap, onMessage);
    }
    return problem;
  }

  private append(
    data: Uint8Array,
    offset: number,
    size: number,
    onMessage: MessageHandler,
  ): StreamProblem | undefined {
    if (size <= 0) return undefined;
    this.nextSeq = (this.nextSeq! + size) >>> 0;
    if (this.state === 'resync') {
      // Only a segment that starts with a message header can put the stream back in sync.
      if (size < 2 || ((data[offset]! << 8) | data[offset + 1]!) !== IPFIX_VERSION) return undefined;
      this.state = 'ipfix';
    }
    if (this.length + size > this.buf.length) {
      if (this.length + size > MAX_BUFFERED) return this.lose('bad_message');
      let cap = this.buf.length;
      while (cap < this.length + size) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(data.subarray(offset, offset + size), this.length);
    this.length += size;
    if (this.state === 'start') {
      // The first four bytes of the stream tell whether it carries IPFIX at all.
      if (this.length < 4) return undefined;
      if (!looksLikeMessageStart(this.buf, 0, this.length)) {
        this.state = 'other';
        this.length = 0;
        return 'not_ipfix';
      }
      this.state = 'ipfix';
    }
    return this.drain(onMessage);
  }

  private drain(onMessage: MessageHandler): StreamProblem | undefined {
    const b = this.buf;
    let pos = 0;
    let problem: StreamProblem | undefined;
    while (this.length - pos >= 4) {
      const version = (b[pos]! << 8) | b[pos + 1]!;
      const size = (b[pos + 2]! << 8) | b[pos + 3]!;
      if (version !== IPFIX_VERSION || size < HEADER) {
        problem = 'bad_message';
        pos = this.length;
        this.state = 'resync';
        break;
      }
      if (this.length - pos < size) break;
      onMessage(b, pos, size);
      pos += size;
    }
    if (pos > 0) {
      b.copyWithin(0, pos, this.length);
      this.length -= pos;
    }
    return problem;
  }

  /** Gives up on the missing bytes: drops what is buffered and waits for a message start. */
  private lose(problem: StreamProblem = 'gap'): StreamProblem {
    this.length = 0;
    this.held = [];
    this.nextSeq = undefined;
    this.state = 'resync';
    return problem;
  }
}

function looksLikeMessageStart(data: Uint8Array, offset: number, size: number): boolean {
  if (size < 4) return false;
  const version = (data[offset]! << 8) | data[offset + 1]!;
  const length = (data[offset + 2]! << 8) | data[offset + 3]!;
  return version === IPFIX_VERSION && length >= HEADER;
}
