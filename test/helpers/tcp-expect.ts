import { clientOf, flowKey } from './tcp-feed.js';
import type { TsharkTcpFrame } from './tcp-tshark.js';

/** What a flow's TCP metrics should be, worked out here from tshark's frames. */
export interface ExpectedTcpFlow {
  readonly client: string;
  readonly server: string;
  /** Indexed like the tracker's: [from the client, from the server]. */
  readonly retransmits: [number, number];
  readonly outOfOrder: [number, number];
  readonly receiveWindow: [number, number];
  zeroWindow: number;
  repeatedRetransmits: number;
  clientNwLatencyMs: number;
  serverNwLatencyMs: number;
  applLatencyMs: number;
  /** Whether tshark's frames gave a handshake split / an application latency (reported, not compared). */
  handshakeMeasured: boolean;
  applMeasured: boolean;
  packets: number;
}

const SYN = 0x02;
const ACK = 0x10;
const roundMs = (ms: number) => Math.round(ms);

/**
 * Per connection (5-tuple; port reuse makes several tshark streams of one), the metrics the TCP
 * tracker must report, from tshark's analysis flags, window sizes and frame times:
 * - retransmits / out-of-order / zero windows: the frames tshark flags, per sending side;
 * - repeated retransmits: retransmitted frames whose sequence number the same side had already
 *   retransmitted;
 * - receive window: the side's last tcp.window_size;
 * - handshake: from tshark's initial RTT (shown first on the ACK that ends the handshake): the SYN
 *   is the pure SYN that many ms before that ACK (checked against the frames), the SYN/ACK the
 *   last one between them; server latency SYN → SYN/ACK, client latency SYN/ACK → ACK;
 * - application latency: the server's first payload minus the client's last payload before it.
 * Latencies in whole ms rounded half up, taken from the last stream of the 5-tuple that has one.
 */
export function expectedTcpFlows(frames: readonly TsharkTcpFrame[]): Map<string, ExpectedTcpFlow> {
  const flows = new Map<string, ExpectedTcpFlow>();
  const streams = new Map<number, TsharkTcpFrame[]>();
  const retransmittedSeqs = new Map<string, Set<number>>();
  for (const f of frames) {
    const key = flowKey(f.src, f.dst);
    let flow = flows.get(key);
    if (flow === undefined) {
      const client = clientOf(f.flags, f.src, f.dst);
      flow = {
        client,
        server: client === f.src ? f.dst : f.src,
        retransmits: [0, 0],
        outOfOrder: [0, 0],
        receiveWindow: [0, 0],
        zeroWindow: 0,
        repeatedRetransmits: 0,
        clientNwLatencyMs: 0,
        serverNwLatencyMs: 0,
        applLatencyMs: 0,
        handshakeMeasured: false,
        applMeasured: false,
        packets: 0,
      };
      flows.set(key, flow);
    }
    const d = f.src === flow.client ? 0 : 1;
    flow.packets++;
    flow.receiveWindow[d] = f.windowSize;
    if (f.zeroWindow) flow.zeroWindow++;
    if (f.outOfOrder) flow.outOfOrder[d]++;
    if (f.retransmission) {
      flow.retransmits[d]++;
      const seen = retransmittedSeqs.get(`${key} ${d}`) ?? new Set<number>();
      if (seen.has(f.seq)) flow.repeatedRetransmits++;
      seen.add(f.seq);
      retransmittedSeqs.set(`${key} ${d}`, seen);
    }
    const stream = streams.get(f.stream) ?? [];
    stream.push(f);
    streams.set(f.stream, stream);
  }
  for (const stream of streams.values()) {
    const flow = flows.get(flowKey(stream[0]!.src, stream[0]!.dst))!;
    handshake(stream, flow);
    application(stream, flow);
  }
  return flows;
}

function handshake(stream: readonly TsharkTcpFrame[], flow: ExpectedTcpFlow): void {
  // Wireshark's rule (packet-tcp.c): the initial RTT runs from the most recent SYN without ACK
  // (ts_mru_syn) to the first segment with ACK and without SYN after it; an RTT of 0 leaves it
  // unset for the next such segment. The frame tshark prints it on first is not always that
  // segment (a retransmitted SYN-ACK right after it may be), so the frames are found by the rule
  // and tshark's printed value is the check that the rule was applied as tshark applies it.
  let syn = -1;
  let at = -1;
  for (let i = 0; i < stream.length && at < 0; i++) {
    const f = stream[i]!;
    const kind = f.flags & (SYN | ACK);
    if (kind === SYN) syn = i;
    else if (kind === ACK && syn >= 0 && roundUs(f.timeMs - stream[syn]!.timeMs) > 0) at = i;
  }
  const printed = stream.find((f) => f.irttMs !== undefined);
  if (printed === undefined) return;
  if (at < 0) throw new Error(`stream ${printed.stream}: tshark has an iRTT but no SYN … ACK pair was found`);
  const ackFrame = stream[at]!;
  const rtt = ackFrame.timeMs - stream[syn]!.timeMs;
  // Frame times are whole µs and tshark rounds the iRTT it prints: allow a few µs.
  if (Math.abs(rtt - printed.irttMs!) >= 0.005)
    throw new Error(
      `stream ${printed.stream}: SYN frame ${stream[syn]!.frame} to ACK frame ${ackFrame.frame} is ${rtt} ms, tshark's iRTT ${printed.irttMs} ms`,
    );
  let synAck: TsharkTcpFrame | undefined;
  for (let i = syn + 1; i < at; i++) {
    const f = stream[i]!;
    if ((f.flags & (SYN | ACK)) === (SYN | ACK)) synAck = f;
    if ((f.flags & (SYN | ACK)) === SYN) synAck = undefined;
  }
  if (synAck === undefined || ackFrame.src !== flow.client) return;
  flow.serverNwLatencyMs = roundMs(synAck.timeMs - stream[syn]!.timeMs);
  flow.clientNwLatencyMs = roundMs(ackFrame.timeMs - synAck.timeMs);
  flow.handshakeMeasured = true;
}

function application(stream: readonly TsharkTcpFrame[], flow: ExpectedTcpFlow): void {
  let lastClient: number | undefined;
  for (const f of stream) {
    if (f.len === 0 || f.keepAlive) continue;
    if (f.src === flow.client) {
      lastClient = f.timeMs;
      continue;
    }
    if (lastClient !== undefined) {
      flow.applLatencyMs = roundMs(f.timeMs - lastClient);
      flow.applMeasured = true;
    }
    return;
  }
}

const roundUs = (ms: number): number => Math.round(ms * 1000);
