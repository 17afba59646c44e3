import { Dir, type TcpMetrics, type TcpSegment, type TcpTracker } from '../../src/agent/contract.js';
import { createTcpTracker, newTcpMetrics } from '../../src/agent/tcp/tracker.js';

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

export const C = Dir.FromClient;
export const S = Dir.FromServer;

/** A hand-built segment: `len` payload bytes, window 1000 and no window-scale option unless said. */
export function seg(
  dir: Dir,
  timeMs: number,
  seq: number,
  ack: number,
  flags: number,
  len = 0,
  window = 1000,
  windowScale = -1,
): TcpSegment {
  return { timeMs, dir, seq: seq >>> 0, ack: ack >>> 0, flags, window, windowScale, payloadLength: len };
}

/** A tracker with one flow in slot 0, fed segment by segment. */
export class OneFlow {
  readonly tracker: TcpTracker = createTcpTracker(4);
  constructor() {
    this.tracker.open(0);
  }

  feed(...segments: TcpSegment[]): this {
    for (const s of segments) this.tracker.segment(0, s);
    return this;
  }

  read(): TcpMetrics {
    const out = newTcpMetrics();
    this.tracker.read(0, out);
    return out;
  }
}

/**
 * The usual handshake: client ISN 1000, server ISN 5000; SYN at 0 ms, SYN/ACK at 10 ms, ACK at
 * 30 ms (initial RTT 30 ms). Both SYNs announce window scale 7; windows 1000 (unscaled raw values).
 */
export function handshake(client = 1000, server = 5000): TcpSegment[] {
  return [
    seg(C, 0, client, 0, SYN, 0, 65535, 7),
    seg(S, 10, server, client + 1, SYN | ACK, 0, 65535, 7),
    seg(C, 30, client + 1, server + 1, ACK),
  ];
}

/** The metrics of one flow fed `segments`, read once. */
export function metricsOf(segments: readonly TcpSegment[]): TcpMetrics {
  return new OneFlow().feed(...segments).read();
}
