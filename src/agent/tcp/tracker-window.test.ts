import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tcpScenarios as s } from '../../../test/helpers/tcp-scenarios.js';
import { ACK, C, metricsOf, OneFlow, seg } from '../../../test/helpers/tcp-segments.js';

// Raw windows after the handshakes below: client 512, server 100.

test('receive window: the raw window shifted by its own SYN scale when both SYNs had one', () => {
  // Client 512 << 7 = 65536, server 100 << 9 = 51200.
  assert.deepEqual(metricsOf(s.scaledBoth!).receiveWindow, [65536, 51200]);
});

test('no scaling when either SYN lacks the option', () => {
  assert.deepEqual(metricsOf(s.scaledSynOnly!).receiveWindow, [512, 100]);
  assert.deepEqual(metricsOf(s.scaledSynAckOnly!).receiveWindow, [512, 100]);
  assert.deepEqual(metricsOf(s.scaledNeither!).receiveWindow, [512, 100]);
});

test('SYN windows are never scaled', () => {
  assert.deepEqual(metricsOf(s.synWindows!).receiveWindow, [65535, 29200]);
});

test('only the SYN/ACK seen: its side is scaled, the other stays raw (as tshark)', () => {
  // Wireshark turns scaling off only after a SYN without the option; the client's SYN was not
  // captured, so its scale stays unknown and its windows are shown raw. Server: 100 << 9.
  assert.deepEqual(metricsOf(s.synAckOnly!).receiveWindow, [512, 51200]);
});

test('a shift above 14 is used as 14; the largest window fits', () => {
  assert.deepEqual(metricsOf(s.shiftCap!).receiveWindow, [1 << 14, 65535 * (1 << 14)]);
});

test('the receive window is the last one seen, kept across reads', () => {
  const flow = new OneFlow().feed(seg(C, 0, 1, 1, ACK, 0, 700), seg(C, 1, 1, 1, ACK, 0, 300));
  assert.deepEqual(flow.read().receiveWindow, [300, 0]);
  assert.deepEqual(flow.read().receiveWindow, [300, 0]);
});

test('zero window: window 0 on segments without SYN, FIN or RST', () => {
  // Of SYN, SYN/ACK, ACK, data, FIN and RST, only the ACK and the data segment count.
  assert.equal(metricsOf(s.zeroWindows!).zeroWindow, 2);
});
