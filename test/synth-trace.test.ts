/**
 * Our traceroute across client → r1 → r2 → server in network namespaces finds the hops that
 * traceroute(8) finds on the same path: UDP (`traceroute -n`), ICMP (`-I`), IPv4 and IPv6.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TraceResult } from '../src/synth/contract.js';
import { createTopology } from './helpers/netns-topology.js';
import { runSynth, runSynthJson, traceroute } from './helpers/synth-peers.js';

function ourHops(r: TraceResult): string[][] {
  return r.hops.map((h) => [...new Set(h.probes.map((p) => p.address).filter((a) => a !== ''))]);
}

test('trace finds the hops traceroute finds, UDP and ICMP, IPv4 and IPv6', async (t) => {
  const topo = await createTopology(t);
  for (const family of [4, 6] as const) {
    const target = family === 4 ? topo.serverAddress.v4 : topo.serverAddress.v6;
    const truth = topo.hops.map((h) => [family === 4 ? h.v4 : h.v6]);
    for (const protocol of ['udp', 'icmp'] as const) {
      const what = `IPv${family} ${protocol}`;
      const flags = [
        `-${family}`,
        '-n',
        '-q',
        '3',
        '-w',
        '2',
        '-m',
        '10',
        ...(protocol === 'icmp' ? ['-I'] : []),
      ];
      const theirs = await traceroute(topo, topo.client, [...flags, target]);
      const ours = await runSynthJson<TraceResult>(t, topo, topo.client, [
        'trace',
        target,
        `-${family}`,
        '--protocol',
        protocol,
        '--max-hops',
        '10',
        '--probes',
        '3',
        '--timeout',
        '2000',
      ]);
      assert.deepEqual(ourHops(ours), theirs, `${what}: our hops vs traceroute's`);
      // Both also match the topology as built (a check on the oracle as much as on us).
      assert.deepEqual(theirs, truth, `${what}: traceroute vs the topology`);
      assert.equal(ours.reached, true, what);
      assert.equal(ours.ok, true, what);
      assert.equal(ours.address, target);
      for (const hop of ours.hops) {
        assert.equal(hop.lossPct, 0, `${what} hop ${hop.ttl}`);
        for (const p of hop.probes) assert.ok(p.rttMs > 0, `${what} hop ${hop.ttl}: rtt ${p.rttMs}`);
      }
    }
  }
});

test('trace stops at max hops unreached, and where a router answers "host unreachable"', async (t) => {
  const topo = await createTopology(t);
  const short = await runSynthJson<TraceResult>(t, topo, topo.client, [
    'trace',
    topo.serverAddress.v4,
    '-m',
    '2',
    '-q',
    '1',
  ]);
  assert.deepEqual(ourHops(short), [[topo.hops[0]!.v4], [topo.hops[1]!.v4]]);
  assert.deepEqual([short.reached, short.ok, short.error], [false, false, 'not_reached']);
  // r2 rejects what it would forward to the server: a probe that reaches r2 with TTL 2 still
  // expires there (the TTL check precedes the forward hook); with TTL 3 it is refused with host
  // unreachable (traceroute's !H), which ends the trace at hop 3, unreached.
  const table = 'flsyn_reject';
  await topo.exec(topo.r2, 'nft', ['add', 'table', 'inet', table]);
  await topo.exec(topo.r2, 'nft', [
    'add chain inet',
    table,
    'filter_fwd { type filter hook forward priority 0; policy accept; }',
  ]);
  await topo.exec(topo.r2, 'nft', [
    'add rule inet',
    table,
    'filter_fwd ip daddr',
    topo.serverAddress.v4,
    'reject with icmp type host-unreachable',
  ]);
  for (const protocol of ['udp', 'icmp'] as const) {
    const theirs = await traceroute(topo, topo.client, [
      '-n',
      '-q',
      '1',
      '-w',
      '1',
      ...(protocol === 'icmp' ? ['-I'] : []),
      topo.serverAddress.v4,
    ]);
    const cut = await runSynthJson<TraceResult>(t, topo, topo.client, [
      'trace',
      topo.serverAddress.v4,
      '-q',
      '1',
      '-P',
      protocol,
    ]);
    assert.deepEqual(ourHops(cut), theirs, protocol);
    assert.deepEqual(theirs, [[topo.hops[0]!.v4], [topo.hops[1]!.v4], [topo.hops[1]!.v4]], protocol);
    assert.deepEqual([cut.reached, cut.error], [false, 'unreachable'], protocol);
  }
});

test('the text report lists one row per hop like mtr --report; bad usage exits 2', async (t) => {
  const topo = await createTopology(t);
  const run = await runSynth(t, topo, topo.client, ['run', 'trace', topo.serverAddress.v6, '-q', '2']);
  assert.equal(run.code, 0, run.stderr);
  const rows = run.stdout.split('\n').filter((l) => /^\s*\d+\.\|-- /.test(l));
  assert.deepEqual(
    rows.map((r) => r.split(/\s+/).filter(Boolean).slice(0, 4)),
    topo.hops.map((h, i) => [`${i + 1}.|--`, h.v6, '0.0%', '2']),
  );
  for (const args of [
    ['run', 'trace'],
    ['run', 'trace', 'a', 'b'],
    ['run', 'trace', 'x', '--protocol', 'tcp'],
    ['run', 'trace', 'x', '--max-hops', '0'],
    ['run', 'trace', 'x', '-4', '-6'],
    ['run', 'nosuchtype', 'x'],
    ['run', 'ping', 'x', '--count', 'many'],
  ]) {
    const bad = await runSynth(t, topo, topo.client, args);
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, /^flowlens synth: /);
  }
});
