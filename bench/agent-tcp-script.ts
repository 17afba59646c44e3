import { type Hosts, type PcapStreamWriter, TCP_SYN_OPTIONS, TCP_TS_OPTIONS } from './agent-pcap-writer.js';
import type { FastRandom } from './store-random.js';

const FIN = 1;
const SYN = 2;
const RST = 4;
const PSH = 8;
const ACK = 16;

/** Spacing of back-to-back segments (ms): a 1500-byte frame at about 1 Gbit/s. */
const GAP = 0.012;
/** How long the host takes to answer in the kernel (an ACK, a SYN/ACK), ms. */
const KERNEL = 0.03;

/** Loss and reordering of data segments (probabilities per segment). */
export interface TcpImpairment {
  readonly loss: number;
  readonly reorder: number;
}

interface Seg {
  t: number;
  fromA: boolean;
  flags: number;
  seq: number;
  ack: number;
  len: number;
  content: Buffer | undefined;
  capture: number;
}

interface Arrival {
  t: number;
  seq: number;
  len: number;
}

/**
 * One TCP connection as the capturing host sees it: A is the client, B the server, and the host
 * is one of them (`hostIsA`). Packets are scheduled in capture time: the host's own packets when
 * sent, the peer's when they arrive; the peer reacts to the host one round trip later. Messages
 * are cut into MSS-sized segments, acknowledged every second segment (cumulatively, so a loss
 * gives duplicate ACKs and a retransmission, a reordering an out-of-order segment).
 */
export class TcpConn {
  private readonly q: Seg[] = [];
  private head = 0;
  private seqA: number;
  private seqB: number;

  constructor(
    readonly h: Hosts,
    readonly aPort: number,
    readonly bPort: number,
    readonly hostIsA: boolean,
    readonly rttMs: number,
    private readonly rng: FastRandom,
    private readonly impair: TcpImpairment,
    /** Captured bytes of a frame that continues a message (the first segment is kept whole). */
    private readonly slice: number,
  ) {
    this.seqA = rng.u32();
    this.seqB = rng.u32();
  }

  /** Ethernet, IP and TCP (with timestamps) header bytes of a data segment. */
  get headers(): number {
    return this.h.v6 ? 86 : 66;
  }

  get mss(): number {
    return this.h.v6 ? 1428 : 1448;
  }

  /** Capture time of a reaction by side A (or B) to a packet captured at `t`, after `think` ms. */
  react(t: number, byA: boolean, think: number): number {
    return t + think + (byA === this.hostIsA ? 0 : this.rttMs);
  }

  /** SYN, SYN/ACK, ACK from `t`; returns the time of the last. */
  handshake(t: number): number {
    this.push(t, true, SYN, this.seqA, 0, 0, undefined);
    const t2 = this.react(t, false, KERNEL);
    this.push(t2, false, SYN | ACK, this.seqB, this.seqA + 1, 0, undefined);
    const t3 = this.react(t2, true, KERNEL);
    this.seqA = (this.seqA + 1) >>> 0;
    this.seqB = (this.seqB + 1) >>> 0;
    this.push(t3, true, ACK, this.seqA, this.seqB, 0, undefined);
    return t3;
  }

  /**
   * A message of `length` bytes from A (or B) starting at `t`, its first bytes `content`, with
   * the receiver's ACKs. Returns when the receiver had all of it (capture time of the last arrival).
   */
  message(t: number, fromA: boolean, length: number, content: Buffer | undefined): number {
    const mss = this.mss;
    const senderIsHost = fromA === this.hostIsA;
    const arrivals: Arrival[] = [];
    const start = fromA ? this.seqA : this.seqB;
    const ack = fromA ? this.seqB : this.seqA;
    let off = 0;
    let ts = t;
    while (off < length) {
      const len = Math.min(mss, length - off);
      const seq = (start + off) >>> 0;
      const part =
        off === 0
          ? content
          : content !== undefined && off < content.length
            ? content.subarray(off)
            : undefined;
      const flags = ACK | (off + len >= length ? PSH : 0);
      // Frames are kept up to the end of the message start they carry, others sliced.
      const capture =
        part !== undefined ? Math.max(this.slice, this.headers + Math.min(len, part.length)) : this.slice;
      const r = this.rng.next();
      if (r < this.impair.loss) {
        if (senderIsHost) {
          // Sent and captured, lost downstream: retransmitted after the duplicate ACKs.
          this.seg(ts, fromA, flags, seq, ack, len, part, capture);
          const again = ts + this.rttMs + 4 * GAP + 0.05;
          this.seg(again, fromA, flags, seq, ack, len, part, capture);
          arrivals.push({ t: again, seq, len });
        } else {
          // Lost before the host: only the retransmission arrives, a round trip later.
          const again = ts + this.rttMs + 4 * GAP + 0.05;
          this.seg(again, fromA, flags, seq, ack, len, part, capture);
          arrivals.push({ t: again, seq, len });
        }
      } else {
        const late = !senderIsHost && r < this.impair.loss + this.impair.reorder ? 2.5 * GAP : 0;
        this.seg(ts + late, fromA, flags, seq, ack, len, part, capture);
        arrivals.push({ t: ts + late, seq, len });
      }
      off += len;
      ts += GAP;
    }
    if (fromA) this.seqA = (start + length) >>> 0;
    else this.seqB = (start + length) >>> 0;
    return this.acks(arrivals, !fromA, start, length);
  }

  /** The receiver's cumulative ACKs: every second arrival, any out-of-order one, and the last. */
  private acks(arrivals: Arrival[], byA: boolean, start: number, length: number): number {
    arrivals.sort((x, y) => x.t - y.t);
    const end = (start + length) >>> 0;
    const own = byA ? this.seqA : this.seqB;
    const held: Arrival[] = [];
    let cum = start;
    let n = 0;
    let last = 0;
    for (const a of arrivals) {
      const inOrder = a.seq === cum;
      if (inOrder) {
        cum = (cum + a.len) >>> 0;
        for (let k = 0; k < held.length; ) {
          if (held[k]!.seq === cum) {
            cum = (cum + held[k]!.len) >>> 0;
            held.splice(k, 1);
            k = 0;
          } else k++;
        }
      } else held.push(a);
      n++;
      last = a.t;
      if (!inOrder || n % 2 === 0 || cum === end) {
        this.push(this.react(a.t, byA, KERNEL), byA, ACK, own, cum, 0, undefined);
      }
    }
    return last;
  }

  /** Closes: FIN from A (or B), the other's FIN, the last ACK; or a RST. Returns the last time. */
  close(t: number, fromA: boolean, reset: boolean): number {
    const s1 = fromA ? this.seqA : this.seqB;
    const s2 = fromA ? this.seqB : this.seqA;
    if (reset) {
      this.push(t, fromA, RST | ACK, s1, s2, 0, undefined);
      return t;
    }
    this.push(t, fromA, FIN | ACK, s1, s2, 0, undefined);
    const t2 = this.react(t, !fromA, KERNEL);
    this.push(t2, !fromA, FIN | ACK, s2, s1 + 1, 0, undefined);
    const t3 = this.react(t2, fromA, KERNEL);
    this.push(t3, fromA, ACK, s1 + 1, s2 + 1, 0, undefined);
    return t3;
  }

  /** Time of the next scheduled packet, or -1 when none is left. */
  next(): number {
    return this.head < this.q.length ? this.q[this.head]!.t : -1;
  }

  /** Orders what was scheduled since the queue last ran empty (call after scheduling). */
  settle(): void {
    if (this.head > 0) {
      this.q.splice(0, this.head);
      this.head = 0;
    }
    this.q.sort((x, y) => x.t - y.t);
  }

  /** Writes the next packet; returns its time. */
  write(w: PcapStreamWriter): number {
    const s = this.q[this.head++]!;
    const fromA = s.fromA;
    const options = s.flags & SYN ? TCP_SYN_OPTIONS : s.flags & RST ? 0 : TCP_TS_OPTIONS;
    const window = s.flags & SYN ? 64240 : fromA === this.hostIsA ? 501 : 2043;
    w.tcp(
      s.t,
      this.h,
      fromA,
      fromA ? this.aPort : this.bPort,
      fromA ? this.bPort : this.aPort,
      s.seq,
      s.flags & ACK ? s.ack : 0,
      s.flags,
      window,
      options,
      s.content,
      s.len,
      s.capture,
    );
    if (this.head === this.q.length) {
      this.q.length = 0;
      this.head = 0;
    }
    return s.t;
  }

  private push(
    t: number,
    fromA: boolean,
    flags: number,
    seq: number,
    ack: number,
    len: number,
    content: Buffer | undefined,
  ): void {
    this.seg(t, fromA, flags, seq >>> 0, ack >>> 0, len, content, 1 << 16);
  }

  private seg(
    t: number,
    fromA: boolean,
    flags: number,
    seq: number,
    ack: number,
    len: number,
    content: Buffer | undefined,
    capture: number,
  ): void {
    this.q.push({ t, fromA, flags, seq, ack, len, content, capture });
  }
}
