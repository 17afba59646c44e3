import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createIpfixUdpExporter, parseIpfixTarget } from '../src/agent/export/ipfix-udp.js';
import { formatAddr, formatMac } from '../src/flow/addr.js';
import { F, type FlowBatch } from '../src/flow/batch.js';
import { Nfcapd } from './helpers/exporters-nfcapd.js';
import { randomFlowBatch } from './helpers/flow-batches.js';
import { freeUdpPort, runPeer } from './helpers/peers.js';

/**
 * `--ipfix HOST:PORT`: the router-compatible columns as IPFIX over UDP, read by a real collector
 * (nfcapd) and printed by nfdump: every record's addresses, ports, counters both ways,
 * interfaces, AS numbers, masks, VLANs, MACs and MPLS label equal the row sent.
 */

/** Random rows, half IPv4 and half IPv6, with values each IPFIX element can carry. */
function ipfixBatch(): FlowBatch {
  const b = randomFlowBatch(77, 400);
  const addrs = [F.src_addr, F.dst_addr, F.ipv4_next_hop];
  for (let r = 0; r < b.length; r++) {
    const v4 = r % 2 === 0;
    for (const c of addrs) {
      const a = b.arrays[c] as Uint8Array;
      if (v4) a.fill(0, r * 16, r * 16 + 10).fill(0xff, r * 16 + 10, r * 16 + 12);
      else a[r * 16] = 0x20; // a global unicast address, never IPv4-mapped
    }
    b.arrays[F.ip_version]![r] = v4 ? 4 : 6;
    b.arrays[F.l4_src_port]![r] = 1000 + r; // a key per record
    // nfdump prints ICMP ports as type.code: keep to other protocols.
    if (b.arrays[F.protocol]![r] === 1 || b.arrays[F.protocol]![r] === 58) b.arrays[F.protocol]![r] = 6;
    b.arrays[F.mpls_label]![r]! &= 0xfffff;
    b.arrays[F.src_route_length]![r]! %= v4 ? 33 : 129;
    b.arrays[F.dst_route_length]![r]! %= v4 ? 33 : 129;
  }
  b.touchAll([F.ip_version, F.mpls_label, F.l4_src_port, ...addrs]);
  return b;
}

test('IPFIX over UDP: nfcapd receives every row with its router columns', async (t) => {
  const port = await freeUdpPort();
  const nfcapd = await Nfcapd.start(t, port);
  const exporter = createIpfixUdpExporter(parseIpfixTarget(`127.0.0.1:${port}`));
  const batch = ipfixBatch();
  exporter.send(batch);
  await exporter.close();
  assert.ok(exporter.stats().messages > 30, 'several datagrams of at most 1400 bytes');
  const totals = await nfcapd.stop();
  assert.equal(totals.flows, batch.length);
  const csv = await runPeer(t, 'nfdump', ['-R', nfcapd.dir, '-o', 'csv', '-q'], 30_000, 'stdout');
  const header =
    'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh'.split(',');
  const got = csv
    .trim()
    .split('\n')
    .map((line) => line.split(','))
    .filter((f) => f.length > header.length);
  const col = (name: string) => header.indexOf(name);
  const key = (sa: string, da: string, sp: string, dp: string) => `${sa} ${da} ${sp} ${dp}`;
  const byKey = new Map(got.map((f) => [key(f[col('sa')]!, f[col('da')]!, f[col('sp')]!, f[col('dp')]!), f]));
  assert.equal(byKey.size, batch.length, 'distinct records');
  const a = batch.arrays;
  for (let r = 0; r < batch.length; r++) {
    const sa = formatAddr(a[F.src_addr] as Uint8Array, r * 16);
    const da = formatAddr(a[F.dst_addr] as Uint8Array, r * 16);
    const f = byKey.get(key(sa, da, String(a[F.l4_src_port]![r]), String(a[F.l4_dst_port]![r])));
    assert.ok(f, `row ${r} (${sa} → ${da}) reached nfcapd`);
    const expect: Record<string, string> = {
      ipkt: String(a[F.in_pkts]![r]),
      ibyt: String(a[F.in_bytes]![r]),
      opkt: String(a[F.out_pkts]![r]),
      obyt: String(a[F.out_bytes]![r]),
      in: String(a[F.input_port]![r]),
      out: String(a[F.output_port]![r]),
      sas: String(a[F.src_as]![r]),
      das: String(a[F.dst_as]![r]),
      smk: String(a[F.src_route_length]![r]),
      dmk: String(a[F.dst_route_length]![r]),
      stos: String(a[F.tos]![r]),
      nh: formatAddr(a[F.ipv4_next_hop] as Uint8Array, r * 16),
    };
    for (const [name, value] of Object.entries(expect))
      assert.equal(f[col(name)]!.trim(), value, `row ${r} ${name}`);
    const rest = f.slice(header.length);
    // After nh: nhb, svln, dvln, ismc, odmc, idmc, osmc, mpls1…
    assert.equal(rest[1], String(a[F.vlan_in]![r]), `row ${r} svln`);
    assert.equal(rest[2], String(a[F.vlan_out]![r]), `row ${r} dvln`);
    assert.equal(rest[3], formatMac(a[F.src_eth_mac]![r]!), `row ${r} ismc`);
    assert.equal(rest[5], formatMac(a[F.dst_eth_mac]![r]!), `row ${r} idmc`);
    const label = a[F.mpls_label]![r]!;
    assert.equal(rest[7], label === 0 ? '0-0-0' : `${label}-0-1`, `row ${r} mpls1`);
  }
});

test('--ipfix targets: host:port and [v6]:port', () => {
  assert.deepEqual(parseIpfixTarget('127.0.0.1:4739'), { host: '127.0.0.1', port: 4739 });
  assert.deepEqual(parseIpfixTarget('[::1]:2055'), { host: '::1', port: 2055 });
  assert.deepEqual(parseIpfixTarget('collector.example:4739'), { host: 'collector.example', port: 4739 });
  for (const bad of ['127.0.0.1', '::1:4739', 'h:0', 'h:70000'])
    assert.throws(() => parseIpfixTarget(bad), /HOST:PORT/);
});
