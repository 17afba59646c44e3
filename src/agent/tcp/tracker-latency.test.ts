import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tcpScenarios as s } from '../../../test/helpers/tcp-scenarios.js';
import { metricsOf, OneFlow } from '../../../test/helpers/tcp-segments.js';

test('handshake: server latency SYN → SYN/ACK, client latency SYN/ACK → ACK, reported once', () => {
  const flow = new OneFlow().feed(...s.handshake!);
  const m = flow.read();
  // SYN at 0, SYN/ACK at 10, ACK at 30 ms (tshark's initial RTT: 30 ms).
  assert.equal(m.serverNwLatencyMs, 10);
  assert.equal(m.clientNwLatencyMs, 20);
  const again = flow.read();
  assert.equal(again.serverNwLatencyMs, 0);
  assert.equal(again.clientNwLatencyMs, 0);
});

test('latencies are whole milliseconds rounded half up', () => {
  const m = metricsOf(s.subMillisecond!);
  assert.equal(m.serverNwLatencyMs, 0); // 0.4 ms
  assert.equal(m.clientNwLatencyMs, 2); // 1.5 ms
});

test('from the last SYN and the last SYN/ACK when they were sent again', () => {
  const m = metricsOf(s.resentHandshake!);
  assert.equal(m.serverNwLatencyMs, 1010); // the SYN at 1000 → the SYN/ACK the client answered (2010)
  assert.equal(m.clientNwLatencyMs, 20);
});

test('no SYN/ACK captured: the split is unknown (0)', () => {
  const m = metricsOf(s.noSynAck!);
  assert.equal(m.serverNwLatencyMs, 0);
  assert.equal(m.clientNwLatencyMs, 0);
});

test('application latency: end of the first request to the first response byte', () => {
  // The request's last segment at 45 ms, the response's first at 145 ms; the second exchange
  // does not change it, and it is reported once.
  const flow = new OneFlow().feed(...s.request!);
  assert.equal(flow.read().applLatencyMs, 100);
  assert.equal(flow.read().applLatencyMs, 0);
});

test('no application latency when the server speaks first', () => {
  assert.equal(metricsOf(s.serverFirst!).applLatencyMs, 0);
});

test('a keep-alive byte is not a request', () => {
  assert.equal(metricsOf(s.keepAliveBeforeResponse!).applLatencyMs, 5060); // from 40 ms, not 5000
});
