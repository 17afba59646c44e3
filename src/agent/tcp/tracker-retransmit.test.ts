import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tcpScenarios as s } from '../../../test/helpers/tcp-scenarios.js';
import { ACK, C, handshake, metricsOf, OneFlow, seg } from '../../../test/helpers/tcp-segments.js';

// The conversations are described in test/helpers/tcp-scenarios.ts; test/agent-tcp-scenarios.test.ts
// checks every one of them against tshark too.

test('a segment sent again after the RTO is a retransmission', () => {
  // 1001 is below the next expected 1201, 268 ms after the highest segment (not < the 30 ms RTT).
  const m = metricsOf(s.afterRto!);
  assert.deepEqual(m.retransmits, [1, 0]);
  assert.deepEqual(m.outOfOrder, [0, 0]);
});

test('an old segment within the initial RTT of the highest one is out of order', () => {
  // 9 ms < 30 ms, and 1001+100 does not end at the next expected 1201: it filled a hole.
  assert.deepEqual(metricsOf(s.overtakenBy9ms!).outOfOrder, [1, 0]);
  assert.deepEqual(metricsOf(s.overtakenBy9ms!).retransmits, [0, 0]);
  // 31 ms is not < 30 ms: a retransmission.
  assert.deepEqual(metricsOf(s.overtakenBy31ms!).outOfOrder, [0, 0]);
  assert.deepEqual(metricsOf(s.overtakenBy31ms!).retransmits, [1, 0]);
});

test('without a handshake the out-of-order window is 3 ms (strictly less)', () => {
  assert.deepEqual(metricsOf(s.overtakenBy2999usNoHandshake!).outOfOrder, [1, 0]);
  const at = metricsOf(s.overtakenBy3msNoHandshake!);
  assert.deepEqual(at.outOfOrder, [0, 0]);
  assert.deepEqual(at.retransmits, [1, 0]);
});

test('after two duplicate ACKs, a resend within 20 ms of the last is a (fast) retransmission', () => {
  // 1 ms after the second duplicate ACK, asking for 1001: fast retransmission. It is also within
  // the initial RTT of the highest segment (33 ms), but fast retransmission takes precedence.
  const fast = metricsOf(s.fastRetransmission!);
  assert.deepEqual(fast.retransmits, [1, 0]);
  assert.deepEqual(fast.outOfOrder, [0, 0]);
  // 24 ms after the last duplicate ACK (not < 20 ms) but 27 ms after the highest segment
  // (< 30 ms): out of order, not a retransmission.
  const slow = metricsOf(s.resentAfter24msOfDupAcks!);
  assert.deepEqual(slow.retransmits, [0, 0]);
  assert.deepEqual(slow.outOfOrder, [1, 0]);
});

test('a new ACK restarts the duplicate-ACK count', () => {
  // Only one duplicate of the ACK of 1101 came before 1101 was sent again, not two: no fast
  // retransmission; 6 ms after the highest segment (< 30 ms) it is out of order.
  const m = metricsOf(s.dupAcksThenNewAck!);
  assert.deepEqual(m.retransmits, [0, 0]);
  assert.deepEqual(m.outOfOrder, [1, 0]);
});

test("an ACK of data never captured restarts the other side's duplicate-ACK count", () => {
  // Wireshark sets the client's count to -1 when the server acknowledges unseen client data, so
  // the client's next duplicate ACK is number 1 again, not 2: no fast retransmission; 4 ms after
  // the server's highest segment (< 30 ms) the resend is out of order.
  const m = metricsOf(s.ackOfUnseenData!);
  assert.deepEqual(m.retransmits, [0, 0]);
  assert.deepEqual(m.outOfOrder, [0, 1]);
});

test('data the receiver already acknowledged is a (spurious) retransmission', () => {
  // 1001 + 100 = 1101 ≤ the server's last ACK 1101.
  assert.deepEqual(metricsOf(s.spurious!).retransmits, [1, 0]);
});

test('keep-alives (0 or 1 byte at next-1) and their ACKs are not retransmissions', () => {
  const m = metricsOf(s.keepAlives!);
  assert.deepEqual(m.retransmits, [0, 0]);
  assert.deepEqual(m.outOfOrder, [0, 0]);
});

test('zero-window probes are not retransmissions, even when repeated', () => {
  // One byte at the next expected sequence number while the other side's window is 0 is a probe;
  // it does not move the next expected number, so the second probe is not "old" either.
  const m = metricsOf(s.zeroWindowProbes!);
  assert.deepEqual(m.retransmits, [0, 0]);
  // Every server segment with window 0 (and no SYN/FIN/RST) is a zero-window event.
  assert.equal(m.zeroWindow, 3);
});

test('a byte sent alone, then again with more data, is not a retransmission', () => {
  // The second segment starts one before the next expected number and carries more than one byte.
  assert.deepEqual(metricsOf(s.probeByteResentWithData!).retransmits, [0, 0]);
});

test('SYN and FIN occupy a sequence number: sending them again is a retransmission', () => {
  assert.deepEqual(metricsOf(s.synResent!).retransmits, [1, 0]);
  assert.deepEqual(metricsOf(s.finResent!).retransmits, [1, 0]);
  // 1 ms later, within the RTT, but a FIN at 1001 ends where the next expected (1002) is: it
  // filled no hole, so it is a retransmission rather than out of order.
  const quick = metricsOf(s.finResentQuickly!);
  assert.deepEqual(quick.retransmits, [1, 0]);
  assert.deepEqual(quick.outOfOrder, [0, 0]);
});

test('segments without data, SYN or FIN are never retransmissions', () => {
  assert.deepEqual(metricsOf(s.emptySegments!).retransmits, [0, 0]);
});

test('sequence numbers that wrap past 2^32', () => {
  // 0xffffff01 is before 0x201 in sequence space: sent again it is old; 0x201 is new data.
  const m = metricsOf(s.wraparound!);
  assert.deepEqual(m.retransmits, [1, 0]);
  assert.deepEqual(m.outOfOrder, [0, 0]);
});

test('repeated retransmits: the same segment retransmitted more than once', () => {
  // 1001 three times (the 2nd and 3rd are repeats), 1101 once.
  const m = metricsOf(s.repeated!);
  assert.deepEqual(m.retransmits, [4, 0]);
  assert.equal(m.repeatedRetransmits, 2);
});

test('counters restart at each read', () => {
  const flow = new OneFlow().feed(...s.afterRto!);
  assert.deepEqual(flow.read().retransmits, [1, 0]);
  assert.deepEqual(flow.read().retransmits, [0, 0]);
  assert.deepEqual(flow.feed(seg(C, 900, 1101, 5001, ACK, 100)).read().retransmits, [1, 0]);
  assert.equal(new OneFlow().feed(...handshake()).read().repeatedRetransmits, 0);
});

test('a SYN with a new initial sequence number starts the analysis again (port reuse)', () => {
  // Data at 701 would be "old" (below 5002) if the first connection's state were kept.
  const m = metricsOf(s.portReuse!);
  assert.deepEqual(m.retransmits, [0, 0]);
  // The second handshake's latencies: SYN/ACK 5 ms after the SYN, ACK 10 ms after the SYN/ACK.
  assert.equal(m.serverNwLatencyMs, 5);
  assert.equal(m.clientNwLatencyMs, 10);
});
