import { type AppPayload, Dir } from '../../src/agent/contract.js';
import { RecordingSink, type TestDecoder } from './app-decode.js';

export { Dir };

const PAD = 7;

function bytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'latin1')) : data;
}

/**
 * Drives one flow of a decoder with hand-made segments, each placed in the middle of a larger
 * buffer (as in a capture), tracking both directions' sequence numbers.
 */
export class SegmentFeeder<S, D extends TestDecoder<S> = TestDecoder<S>> {
  readonly sink = new RecordingSink();
  readonly state: S;
  /** Next sequence number per direction (the server's near the 32-bit wrap). */
  readonly seq = [1000, 0xffff_ff00];

  constructor(readonly decoder: D) {
    this.state = decoder.newState();
  }

  /**
   * Sends `data` from `dir` as one segment and advances the direction's sequence. `captured`:
   * how many of its bytes the capture kept (snap length); `seq`: send at this sequence number
   * instead (a retransmission or an overlap), without advancing.
   */
  send(dir: Dir, data: string | Uint8Array, options: { captured?: number; seq?: number } = {}): void {
    const payload = bytes(data);
    const captured = options.captured ?? payload.length;
    const buf = new Uint8Array(PAD + captured + PAD).fill(0xee);
    buf.set(payload.subarray(0, captured), PAD);
    const p: AppPayload = {
      buf,
      start: PAD,
      end: PAD + captured,
      wireLength: payload.length,
      timeMs: 0,
      dir,
      transport: 'tcp',
      seq: options.seq ?? this.seq[dir]!,
    };
    if (options.seq === undefined) this.seq[dir] = (this.seq[dir]! + payload.length) >>> 0;
    this.decoder.payload(this.state, p, this.sink);
  }

  /** Sends `data` cut at the given offsets, one segment per piece (empty pieces are not sent). */
  split(dir: Dir, data: string | Uint8Array, cuts: number[]): void {
    const payload = bytes(data);
    let from = 0;
    for (const cut of [...cuts, payload.length]) {
      if (cut > from) this.send(dir, payload.subarray(from, cut));
      from = Math.max(from, cut);
    }
  }

  /** `n` bytes of the direction that the capture never saw (a lost segment). */
  skip(dir: Dir, n: number): void {
    this.seq[dir] = (this.seq[dir]! + n) >>> 0;
  }

  exported(): void {
    this.decoder.exported(this.state);
  }

  /** The values written to `column`, in order. */
  values(column: string): (string | number)[] {
    return this.sink.events.filter(([c]) => c === column).map(([, v]) => v);
  }
}

/** Every error count that is not zero. */
export function nonZero(errors: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(errors).filter(([, n]) => n !== 0));
}
