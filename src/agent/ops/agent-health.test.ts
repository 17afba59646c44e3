import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptureStats } from '../../capture/errors.js';
import type { AgentExport } from '../export/agent-export.js';
import type { IpfixUdpStats } from '../export/ipfix-udp.js';
import { type FlowSenderStats, newSenderStats } from '../export/sender-stats.js';
import { AgentStats } from '../stats.js';
import { captureHealth, exportHealth, flowTableHealth } from './agent-health.js';

const T0 = 1_700_000_000_000;
const S = 5_000;

test('capture: GOOD while packets flow; kernel drops or capture errors in the last minute WARN; a failure is BAD', () => {
  const stats = new AgentStats();
  const capture = new CaptureStats();
  let drops = 0;
  let failure: string | undefined;
  const c = captureHealth({
    stats,
    capture: () => capture,
    kernelDrops: () => drops,
    failure: () => failure,
  });
  stats.packets = 100;
  assert.equal(c.check(T0).status, 'GOOD');
  stats.packets = 600;
  stats.capturedBytes = 1_250_000;
  const h = c.check(T0 + S);
  assert.equal(h.status, 'GOOD');
  assert.equal(h.values.packets_per_s, 100, '500 packets in 5 s');
  assert.equal(h.values.mbit_per_s, 2, '1.25 MB in 5 s');

  drops = 7;
  const dropped = c.check(T0 + 2 * S);
  assert.equal(dropped.status, 'WARN');
  assert.match(dropped.reasons[0]!, /kernel dropped 7 packets/);
  // A minute and more later without new drops, the window has moved past them.
  for (let t = 3; t <= 16; t++) c.check(T0 + t * S);
  assert.equal(c.check(T0 + 17 * S).status, 'GOOD');

  capture.error('truncated', 'the file ends inside a packet record at offset 99');
  const cut = c.check(T0 + 18 * S);
  assert.equal(cut.status, 'WARN');
  assert.match(cut.reasons[0]!, /1 capture errors.*offset 99/);

  failure = 'tcpdump exited with status 1';
  const failed = c.check(T0 + 19 * S);
  assert.equal(failed.status, 'BAD');
  assert.equal(failed.reasons[0], 'tcpdump exited with status 1');
});

test('capture: without a kernel drop source the column says so, and nothing WARNs', () => {
  const c = captureHealth({ stats: new AgentStats() });
  const h = c.check(T0);
  assert.equal(h.values.kernel_drops_last_min, '-');
  assert.equal(h.status, 'GOOD');
});

test('flow table: evictions WARN (raise --max-flows), so does a table over 90% full, and decoder bugs', () => {
  const stats = new AgentStats();
  let active = 0;
  const errors = { truncated: 0 };
  const f = flowTableHealth({
    stats,
    activeFlows: () => active,
    maxFlows: 100,
    apps: [{ errors } as never],
  });
  assert.equal(f.check(T0).status, 'GOOD');
  active = 89;
  errors.truncated = 3;
  const busy = f.check(T0 + S);
  assert.equal(busy.status, 'GOOD', 'decode errors in traffic are not the agent failing');
  assert.equal(busy.values.app_errors_last_min, 3);
  active = 90;
  assert.match(f.check(T0 + 2 * S).reasons.join(), /holds 90 of 100 flows/);
  stats.evicted = 4;
  const evicting = f.check(T0 + 3 * S);
  assert.equal(evicting.status, 'WARN');
  assert.deepEqual(evicting.reasons, [
    '4 flows evicted in the last minute: the table (100 flows) is full, raise --max-flows',
  ]);
  active = 10;
  for (let t = 4; t <= 16; t++) f.check(T0 + t * S);
  assert.equal(f.check(T0 + 17 * S).status, 'GOOD');
  stats.appDecoderThrew = 1;
  assert.equal(f.check(T0 + 18 * S).status, 'WARN');
});

function fakeExport(s: FlowSenderStats, ipfix?: IpfixUdpStats): AgentExport {
  return {
    sender: { stats: () => ({ ...s }) },
    ipfix: ipfix === undefined ? undefined : { stats: () => ({ ...ipfix }) },
  } as unknown as AgentExport;
}

test('export: an unreachable server WARNs (rows wait); rows dropped or refused in the last minute are BAD', () => {
  const s = newSenderStats();
  const e = exportHealth(fakeExport(s));
  s.sentRows = 1000;
  assert.equal(e.check(T0).status, 'GOOD');
  s.sentRows = 2000;
  const ok = e.check(T0 + S);
  assert.equal(ok.values.sent_rows_per_s, 200);

  s.failing = true;
  s.lastError = 'connect ECONNREFUSED 127.0.0.1:8080';
  s.queuedRows = 300;
  s.spoolBytes = 4096;
  const down = e.check(T0 + 2 * S);
  assert.equal(down.status, 'WARN');
  assert.equal(
    down.reasons[0],
    'the server is unreachable or failing (connect ECONNREFUSED 127.0.0.1:8080): 300 rows wait (spool 4096 bytes), retried',
  );

  s.droppedRows = 50;
  const full = e.check(T0 + 3 * S);
  assert.equal(full.status, 'BAD');
  assert.match(full.reasons[0]!, /50 rows dropped/);

  s.failing = false;
  s.rejectedRows = 20;
  s.rejected = { bad_credentials: 1 };
  const refused = e.check(T0 + 4 * S);
  assert.equal(refused.status, 'BAD');
  assert.match(refused.reasons.join('\n'), /refused 20 rows in the last minute \(bad_credentials\)/);
  for (let t = 5; t <= 17; t++) e.check(T0 + t * S);
  assert.equal(e.check(T0 + 18 * S).status, 'GOOD', 'a minute later the losses are history');
});

test('export: IPFIX send errors in the last minute WARN', () => {
  const ipfix = { messages: 10, records: 100, bytes: 9000, sendErrors: 0 };
  const e = exportHealth({
    sender: undefined,
    ipfix: { stats: () => ({ ...ipfix }) },
  } as unknown as AgentExport);
  assert.equal(e.check(T0).status, 'GOOD');
  ipfix.sendErrors = 2;
  const h = e.check(T0 + S);
  assert.equal(h.status, 'WARN');
  assert.equal(h.values.ipfix_send_errors, 2);
});
