import assert from 'node:assert/strict';
import { expectedTcpFlows } from './tcp-expect.js';
import { feedTracker } from './tcp-feed.js';
import { tsharkTcpFrames } from './tcp-tshark.js';

/** Totals over a capture, ours and tshark's, for the test's report. */
export interface TcpCompareReport {
  readonly flows: number;
  readonly packets: number;
  readonly retransmits: readonly [ours: number, tshark: number];
  readonly outOfOrder: readonly [ours: number, tshark: number];
  readonly zeroWindow: readonly [ours: number, tshark: number];
  readonly repeatedRetransmits: readonly [ours: number, tshark: number];
  /** Connections with a handshake split / an application latency, and their values (ms). */
  readonly handshakes: readonly string[];
  readonly applLatencies: readonly number[];
}

/**
 * Feeds `file` to the TCP tracker and checks every connection's metrics against tshark's analysis
 * of the same file (see expectedTcpFlows). Throws on the first difference, naming the flow.
 */
export async function assertTcpMatchesTshark(file: string): Promise<TcpCompareReport> {
  const [ours, frames] = await Promise.all([feedTracker(file), tsharkTcpFrames(file)]);
  const expected = expectedTcpFlows(frames);
  assert.deepEqual([...ours.keys()].sort(), [...expected.keys()].sort(), `${file}: TCP connections`);
  const sum = { retr: [0, 0], ooo: [0, 0], zw: [0, 0], rep: [0, 0] };
  const handshakes: string[] = [];
  const applLatencies: number[] = [];
  for (const [key, want] of expected) {
    const got = ours.get(key)!;
    const m = got.metrics;
    assert.deepEqual(
      {
        client: got.client,
        retransmits: m.retransmits,
        outOfOrder: m.outOfOrder,
        zeroWindow: m.zeroWindow,
        repeatedRetransmits: m.repeatedRetransmits,
        receiveWindow: m.receiveWindow,
        serverNwLatencyMs: m.serverNwLatencyMs,
        clientNwLatencyMs: m.clientNwLatencyMs,
        applLatencyMs: m.applLatencyMs,
      },
      {
        client: want.client,
        retransmits: want.retransmits,
        outOfOrder: want.outOfOrder,
        zeroWindow: want.zeroWindow,
        repeatedRetransmits: want.repeatedRetransmits,
        receiveWindow: want.receiveWindow,
        serverNwLatencyMs: want.serverNwLatencyMs,
        clientNwLatencyMs: want.clientNwLatencyMs,
        applLatencyMs: want.applLatencyMs,
      },
      `${file}: connection ${key}`,
    );
    sum.retr[0]! += m.retransmits[0] + m.retransmits[1];
    sum.retr[1]! += want.retransmits[0] + want.retransmits[1];
    sum.ooo[0]! += m.outOfOrder[0] + m.outOfOrder[1];
    sum.ooo[1]! += want.outOfOrder[0] + want.outOfOrder[1];
    sum.zw[0]! += m.zeroWindow;
    sum.zw[1]! += want.zeroWindow;
    sum.rep[0]! += m.repeatedRetransmits;
    sum.rep[1]! += want.repeatedRetransmits;
    if (want.handshakeMeasured) handshakes.push(`${want.serverNwLatencyMs}+${want.clientNwLatencyMs}`);
    if (want.applMeasured) applLatencies.push(want.applLatencyMs);
  }
  return {
    flows: expected.size,
    packets: frames.length,
    retransmits: [sum.retr[0]!, sum.retr[1]!],
    outOfOrder: [sum.ooo[0]!, sum.ooo[1]!],
    zeroWindow: [sum.zw[0]!, sum.zw[1]!],
    repeatedRetransmits: [sum.rep[0]!, sum.rep[1]!],
    handshakes,
    applLatencies,
  };
}

export function reportLine(name: string, r: TcpCompareReport): string {
  const pair = (p: readonly [number, number]) => `${p[0]}/${p[1]}`;
  return (
    `${name}: ${r.flows} connections, ${r.packets} TCP packets; ours/tshark retransmissions ${pair(r.retransmits)}, ` +
    `out-of-order ${pair(r.outOfOrder)}, zero windows ${pair(r.zeroWindow)}, repeated ${pair(r.repeatedRetransmits)}; ` +
    `equal handshake splits server+client ms [${r.handshakes.join(' ')}], application latencies ms [${r.applLatencies.join(' ')}]`
  );
}
