import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scratchDir } from './helpers/capture-tools.js';
import { assertTcpMatchesTshark, reportLine } from './helpers/tcp-compare.js';
import { captureLossyTransfers } from './helpers/tcp-lossy-loopback.js';

test('TCP metrics equal tshark on a loopback capture with 5% real packet loss', {
  timeout: 120_000,
}, async (t) => {
  const file = await captureLossyTransfers(t, scratchDir(), 5);
  const report = await assertTcpMatchesTshark(file);
  t.diagnostic(reportLine('lossy loopback', report));
  // The loss was real: the capture has retransmissions (about 5% of several thousand packets).
  assert.ok(report.retransmits[1] > 0, 'tshark found no retransmission in the capture');
});
