import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFlowBatch, type FlowBatch } from '../../flow/batch.js';
import { RecordTotals, recordProtocols } from './record-totals.js';

const counted = [
  'retransmitted_in_pkts',
  'retransmitted_out_pkts',
  'repeated_retransmits',
  'ooorder_in_pkts',
  'ooorder_out_pkts',
  'zero_window',
] as const;

/** A batch of `rows` records with pseudo-random TCP counts and app_protocol values (one unknown). */
function randomBatch(seed: number, rows: number): { batch: FlowBatch; protocols: string[] } {
  let x = seed;
  const next = (n: number) => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x % n;
  };
  const values = ['', 'dns', 'http', 'dhcp', 'tls', 'quic'];
  const batch = createFlowBatch(4);
  batch.reserve(rows);
  const protocols: string[] = [];
  for (let r = 0; r < rows; r++) {
    for (const name of counted) batch.col(name)[r] = next(5);
    const p = values[next(values.length)]!;
    batch.setString('app_protocol', r, p);
    protocols.push(p);
  }
  batch.length = rows;
  return { batch, protocols };
}

test('sums every TCP count and counts records by app_protocol, across batches, as a plain loop does', () => {
  const totals = new RecordTotals();
  const seen: number[] = [];
  const sink = totals.counting({ write: (b) => seen.push(b.length) });
  const want: Record<string, number> = Object.fromEntries(counted.map((c) => [c, 0]));
  const byProtocol: Record<string, number> = {};
  for (const [seed, rows] of [
    [1, 10],
    [2, 0],
    [3, 700],
  ] as const) {
    const { batch, protocols } = randomBatch(seed, rows);
    for (let r = 0; r < rows; r++) for (const c of counted) want[c]! += batch.col(c)[r]!;
    for (const p of protocols) {
      // Records without a known protocol (none, or a value no decoder writes) count as `none`.
      const key = ['dns', 'http', 'dhcp', 'tls'].includes(p) ? p : 'none';
      byProtocol[key] = (byProtocol[key] ?? 0) + 1;
    }
    sink.write(batch);
  }
  assert.deepEqual(seen, [10, 0, 700], 'each batch is handed on');
  assert.equal(totals.records, 710);
  assert.deepEqual(
    {
      retransmitted_in_pkts: totals.retransmittedIn,
      retransmitted_out_pkts: totals.retransmittedOut,
      repeated_retransmits: totals.repeatedRetransmits,
      ooorder_in_pkts: totals.outOfOrderIn,
      ooorder_out_pkts: totals.outOfOrderOut,
      zero_window: totals.zeroWindows,
    },
    want,
  );
  const got = Object.fromEntries(
    recordProtocols.map((p, i) => [p, totals.byProtocol[i]!]).filter(([, n]) => n !== 0),
  );
  assert.deepEqual(got, byProtocol);
});
