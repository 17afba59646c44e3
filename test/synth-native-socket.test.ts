/**
 * The native raw socket (native/icmp_socket.c) across client → r1 → r2 → server: the TTL / hop
 * limit asked for goes out on each request, answers carry the TTL / hop limit they arrived with
 * (IPv4 from the IP header, IPv6 from IPV6_HOPLIMIT), and RTTs come from the kernel's receive
 * time, so they are positive and never longer than the time the process saw pass.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Outcome } from '../src/synth/icmp/probe-table.js';
import { createTopology } from './helpers/netns-topology.js';
import { runPeer } from './helpers/peers.js';

const child = fileURLToPath(new URL('./helpers/synth-native-child.js', import.meta.url));

interface Ended {
  family: 4 | 6;
  ttl: number;
  outcome: number;
  from: string;
  rttMs: number;
  answerTtl: number;
  boundMs: number;
}

test('answers carry their TTL / hop limit, requests the TTL asked for, RTTs the kernel’s receive time', async (t) => {
  const topo = await createTopology(t);
  const sysctl = async (ns: string, key: string) =>
    Number((await topo.exec(ns, 'sysctl', ['-n', key])).trim());
  // What each sender starts with: the server answers echo requests, r1 sends time exceeded.
  const serverTtl = await sysctl(topo.server, 'net.ipv4.ip_default_ttl');
  const serverHops = await sysctl(topo.server, 'net.ipv6.conf.s0.hop_limit');
  const r1Ttl = await sysctl(topo.r1, 'net.ipv4.ip_default_ttl');
  const r1Hops = await sysctl(topo.r1, 'net.ipv6.conf.r1a.hop_limit');
  const { v4, v6 } = topo.serverAddress;
  const out = await runPeer(
    t,
    'ip',
    ['netns', 'exec', topo.client, process.execPath, child, v4, v6],
    30_000,
    'stdout',
  );
  const [echo4, exceeded4, echo6, exceeded6] = JSON.parse(out) as Ended[];
  // Two routers (r1, r2) between the server and the client each take one off.
  assert.deepEqual([echo4!.outcome, echo4!.from, echo4!.answerTtl], [Outcome.reply, v4, serverTtl - 2]);
  assert.deepEqual([echo6!.outcome, echo6!.from, echo6!.answerTtl], [Outcome.reply, v6, serverHops - 2]);
  // TTL 1 expires at r1, which answers from the client-side address, one hop away.
  assert.deepEqual(
    [exceeded4!.outcome, exceeded4!.from, exceeded4!.answerTtl],
    [Outcome.timeExceeded, topo.hops[0]!.v4, r1Ttl],
  );
  assert.deepEqual(
    [exceeded6!.outcome, exceeded6!.from, exceeded6!.answerTtl],
    [Outcome.timeExceeded, topo.hops[0]!.v6, r1Hops],
  );
  for (const e of [echo4, exceeded4, echo6, exceeded6])
    assert.ok(
      e!.rttMs > 0 && e!.rttMs <= e!.boundMs,
      `IPv${e!.family} ttl ${e!.ttl}: ${e!.rttMs} ≤ ${e!.boundMs}`,
    );
});
