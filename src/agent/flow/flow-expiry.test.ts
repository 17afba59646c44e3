import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentHarness, T0 } from '../../../test/helpers/agent-harness.js';
import { ethernet, ipv4, tcp, udp } from '../../../test/helpers/capture-craft.js';
import { seededUniform as mulberry32 } from '../../ingest/export/random.js';

interface ModelFlow {
  last: number;
  closed: boolean;
}

// Flow i: client 10.0.<i>.1 port 40000 + i to the server 10.9.9.9 port 9 (below 1024: the server),
// UDP for even i, TCP (ACK, or RST + ACK which closes it) for odd i.
const KEYS = 40;
const name = (i: number) => `10.0.${i}.1:${40000 + i}`;
const frame = (i: number, rst: boolean) => {
  const src = `10.0.${i}.1`;
  const dst = '10.9.9.9';
  return i % 2 === 0
    ? ethernet(ipv4({ protocol: 17, src, dst }, udp(40000 + i, 9, [1, 2, 3])))
    : ethernet(ipv4({ protocol: 6, src, dst }, tcp(40000 + i, 9, 1000, rst ? 0x14 : 0x10, [])));
};

/**
 * The reference: every flow's last packet time, idle and closed timeouts checked exactly at each
 * packet (closed flows first, each list in the order of last packets), and eviction of the flow
 * seen least recently — what the flow table promises, worked out by brute force over all flows.
 */
function runModel(
  packets: readonly { i: number; t: number; rst: boolean }[],
  maxFlows: number,
  idleMs: number,
  closedMs: number,
) {
  const flows = new Map<number, ModelFlow>();
  const exported: string[] = [];
  const counts = { idle: 0, closed: 0, evicted: 0 };
  for (const { i, t, rst } of packets) {
    for (const [closed, timeout] of [
      [true, closedMs],
      [false, idleMs],
    ] as const) {
      const due = [...flows].filter(([, f]) => f.closed === closed && t - f.last >= timeout);
      due.sort((a, b) => a[1].last - b[1].last);
      for (const [k] of due) {
        exported.push(name(k));
        flows.delete(k);
        if (closed) counts.closed++;
        else counts.idle++;
      }
    }
    let f = flows.get(i);
    if (f === undefined) {
      if (flows.size >= maxFlows) {
        const [victim] = [...flows].reduce((a, b) => (b[1].last < a[1].last ? b : a));
        exported.push(name(victim));
        flows.delete(victim);
        counts.evicted++;
      }
      f = { last: t, closed: false };
      flows.set(i, f);
    }
    f.last = t;
    if (rst && i % 2 === 1) f.closed = true;
  }
  return { exported, counts, remaining: [...flows.keys()].map(name) };
}

test('timeouts and evictions pick exactly the flows a brute-force reference picks', () => {
  for (let round = 0; round < 60; round++) {
    const next = mulberry32(round + 1);
    const maxFlows = 2 + Math.floor(next() * 20);
    // Short timeouts make ticks (a quarter of the shortest) of a few ms; long ones, of a second.
    const long = round % 3 === 0;
    const idleMs = long ? 4000 + Math.floor(next() * 4000) : 20 + Math.floor(next() * 3000);
    const closedMs = long ? 4000 + Math.floor(next() * 3000) : 5 + Math.floor(next() * 1000);
    const packets: { i: number; t: number; rst: boolean }[] = [];
    // Strictly increasing times with fractions of a millisecond (no two flows seen at once, so the
    // least recently seen is one flow), all inside one minute (no minute splits).
    const maxGap = long ? 400 : 40 + next() * 200;
    for (let t = T0 + 1 + next(); t < T0 + 59_000 && packets.length < 1500; t += 0.001 + next() * maxGap) {
      const i = Math.floor(KEYS * next() ** 2); // some flows much busier than others
      packets.push({ i, t, rst: next() < 0.05 });
    }
    const model = runModel(packets, maxFlows, idleMs, closedMs);
    const h = agentHarness({ maxFlows, idleTimeoutMs: idleMs, closedTimeoutMs: closedMs });
    for (const p of packets) h.send(frame(p.i, p.rst), p.t);
    const what = `round ${round}: maxFlows ${maxFlows}, idle ${idleMs}, closed ${closedMs}`;
    const seen = h.records.map((r) => `${r.src_addr}:${r.l4_src_port}`);
    assert.deepEqual(seen, model.exported, what);
    assert.deepEqual(
      [h.stats.expiredIdle, h.stats.expiredClosed, h.stats.evicted],
      [model.counts.idle, model.counts.closed, model.counts.evicted],
      what,
    );
    h.pipeline.finish();
    assert.deepEqual(
      h.records
        .slice(seen.length)
        .map((r) => `${r.src_addr}:${r.l4_src_port}`)
        .sort(),
      model.remaining.sort(),
      what,
    );
  }
});
