/**
 * Our ping across client → r1 → r2 → server in network namespaces, beside fping on the same
 * path: loss made by nftables on r1 (whose drop counter is an exact oracle), delay made by a
 * userspace relay between the routers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PingResult } from '../src/synth/contract.js';
import { createTopology } from './helpers/netns-topology.js';
import { fpingRtts, runSynth, runSynthJson } from './helpers/synth-peers.js';

const lost = (rtts: readonly (number | null)[]) => rtts.filter((r) => r === null || Number.isNaN(r)).length;

test('loss: ours equals the nftables drop count exactly, and agrees with fping within binomial bounds', async (t) => {
  const topo = await createTopology(t);
  const pct = 20;
  const loss = await topo.addLoss(pct);
  const n = 300;
  const p = pct / 100;
  // Each probe is dropped independently with probability p (numgen random mod 100 < 20), so a
  // run's lost count is Binomial(n, p): sd of the fraction sqrt(p(1−p)/n) = 0.023 for n = 300.
  // 4.5 sd keeps a false failure below 1e-5 per check; two runs' fractions differ with sd
  // sqrt(2p(1−p)/n).
  const bound = 4.5 * Math.sqrt((p * (1 - p)) / n);
  const diffBound = 4.5 * Math.sqrt((2 * p * (1 - p)) / n);
  for (const family of [4, 6] as const) {
    const target = family === 4 ? topo.serverAddress.v4 : topo.serverAddress.v6;
    const before = await loss.dropped();
    const ours = await runSynthJson<PingResult>(t, topo, topo.client, [
      'ping',
      target,
      '-c',
      String(n),
      '-i',
      '10',
      '--timeout',
      '2000',
    ]);
    const mid = await loss.dropped();
    const theirs = await fpingRtts(t, topo, topo.client, target, n, 10, 2000);
    const after = await loss.dropped();
    const what = `IPv${family}`;
    // The router dropped exactly the requests we lost (nothing else crosses it, and no reply
    // can be later than 2 s in an idle namespace), and the same holds for fping.
    assert.equal(ours.sent, n, what);
    assert.equal(ours.sent - ours.received, mid - before, `${what}: our losses vs nftables' drops`);
    assert.equal(lost(ours.rttsMs), mid - before, what);
    assert.equal(
      lost(theirs),
      after - mid,
      `${what}: fping's losses vs nftables' drops (the oracle's check)`,
    );
    assert.equal(ours.lossPct, ((n - ours.received) / n) * 100, what);
    const ourFraction = (mid - before) / n;
    const theirFraction = (after - mid) / n;
    assert.ok(Math.abs(ourFraction - p) <= bound, `${what}: our loss ${ourFraction} vs p ${p} ± ${bound}`);
    assert.ok(
      Math.abs(theirFraction - p) <= bound,
      `${what}: fping's loss ${theirFraction} vs p ${p} ± ${bound}`,
    );
    assert.ok(
      Math.abs(ourFraction - theirFraction) <= diffBound,
      `${what}: ${ourFraction} vs fping ${theirFraction}`,
    );
    assert.equal(ours.ok, true);
  }
});

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) };
}

test('delay: with a 10 ms relay each way, ours and fping (run at the same time) see RTT ≥ 20 ms and their medians agree', async (t) => {
  const topo = await createTopology(t);
  const oneWayMs = 10;
  await topo.addDelay(oneWayMs);
  const n = 100;
  for (const family of [4, 6] as const) {
    const target = family === 4 ? topo.serverAddress.v4 : topo.serverAddress.v6;
    const [ours, theirs] = await Promise.all([
      runSynthJson<PingResult>(t, topo, topo.client, [
        'ping',
        target,
        '-c',
        String(n),
        '-i',
        '20',
        '--timeout',
        '2000',
      ]),
      fpingRtts(t, topo, topo.client, target, n, 20, 2000),
    ]);
    const what = `IPv${family}`;
    // The relay holds each frame at least 10 ms in each direction and drops nothing; both tools
    // stamp a probe before its sendto and its reply on arrival, so neither can measure less.
    assert.equal(ours.received, n, what);
    assert.equal(lost(theirs), 0, what);
    assert.ok(ours.rttMinMs >= 2 * oneWayMs, `${what}: our min ${ours.rttMinMs}`);
    assert.ok(Math.min(...theirs) >= 2 * oneWayMs, `${what}: fping's min ${Math.min(...theirs)}`);
    // Both sample the same path at the same time and stamp a request right before its sendto and
    // its reply with the kernel's receive time (SO_TIMESTAMPNS). On a loaded machine either process
    // can still be descheduled between its send stamp and sendto, and the userspace relay can be
    // late: a heavy tail of tens of ms that hits the two tools unevenly and moves a mean by several
    // ms (seen: 30.0 vs 22.7 at load 16). The median ignores that tail while under half the probes
    // are hit, so the medians agree to within sampling noise of the relay's own jitter: 3 ms.
    const a = meanSd(ours.rttsMs as number[]);
    assert.ok(Math.abs(a.mean - ours.rttAvgMs) < 1e-9, what);
    const ourMedian = median(ours.rttsMs as number[]);
    const theirMedian = median(theirs);
    assert.ok(
      Math.abs(ourMedian - theirMedian) <= 3,
      `${what}: our median ${ourMedian} vs fping ${theirMedian} (means ${a.mean} vs ${meanSd(theirs).mean})`,
    );
  }
});

test('ping text output, and an ICMP unreachable from a router is reported as such', async (t) => {
  const topo = await createTopology(t);
  const run = await runSynth(t, topo, topo.client, [
    'run',
    'ping',
    topo.serverAddress.v4,
    '-c',
    '3',
    '-i',
    '10',
    '-s',
    '100',
  ]);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.length, 4);
  for (let i = 0; i < 3; i++)
    assert.match(lines[i]!, new RegExp(`^203\\.0\\.113\\.2 : \\[${i}\\], 108 bytes, \\d+\\.\\d{3} ms$`));
  assert.match(
    lines[3]!,
    /^203\.0\.113\.2 : xmt\/rcv\/%loss = 3\/3\/0%, min\/avg\/max = [\d.]+\/[\d.]+\/[\d.]+, stddev = [\d.]+, jitter = [\d.]+$/,
  );
  // r1 has no route to 2001:db8:99::/64 and says so (ICMPv6 destination unreachable, no route).
  const none = await runSynthJson<PingResult>(t, topo, topo.client, [
    'ping',
    '2001:db8:99::1',
    '-c',
    '2',
    '-i',
    '10',
  ]);
  assert.deepEqual(
    [none.ok, none.error, none.sent, none.received, none.lossPct],
    [false, 'unreachable', 2, 0, 100],
  );
  assert.equal(none.rttAvgMs, null, 'NaN travels as null in JSON');
});
