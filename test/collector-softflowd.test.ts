import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { startTestCollector } from './helpers/exporters-collector.js';
import { Nfcapd } from './helpers/exporters-nfcapd.js';
import { writeFlowsPcap } from './helpers/exporters-pcap.js';
import { UdpTee } from './helpers/exporters-tee.js';
import { freeUdpPort, hostCapture, runPeer, tempDir, waitFor } from './helpers/peers.js';

// softflowd turns a capture into one export; a tee feeds that same export to nfcapd and to our
// collector, and nfdump's totals are the expected answer.
async function softflowdIntoBoth(t: TestContext, pcap: string, version: number): Promise<void> {
  const nfcapdPort = await freeUdpPort();
  const ourPort = await freeUdpPort();
  const nfcapd = await Nfcapd.start(t, nfcapdPort);
  const ours = await startTestCollector(t, { netflowPort: ourPort });
  const tee = await UdpTee.start(t, [nfcapdPort, ourPort]);

  const out = await runPeer(t, 'softflowd', [
    '-d',
    '-r',
    pcap,
    '-n',
    `127.0.0.1:${tee.port}`,
    '-v',
    String(version),
    '-a',
    '-A',
    'milli',
  ]);
  const exported = /Flows exported: \d+ \(\d+ records\) in (\d+) packets \(0 failures\)/.exec(out);
  assert.ok(exported, `softflowd did not report a clean export:\n${out}`);
  const datagrams = await tee.sync();
  assert.equal(datagrams, Number(exported[1]), 'datagrams the tee received vs softflowd sent');
  await waitFor(
    () => ours.collector.stats().decode.packets! >= datagrams,
    `${datagrams} datagrams at our collector`,
  );

  const expected = await nfcapd.stop();
  t.diagnostic(
    `${datagrams} datagrams; nfcapd: ${JSON.stringify(expected)}; ${/Sequence Errors: \d+/.exec(nfcapd.log())}`,
  );
  assert.ok(expected.flows > 0, `nfcapd got no flows:\n${nfcapd.log()}`);
  assert.deepEqual(await ours.totals(), expected);
  const stats = ours.collector.stats();
  const errors = Object.entries(stats.decode).filter(([k, v]) => k.startsWith('error_') && v > 0);
  assert.deepEqual(errors, [], 'decode errors');
  assert.equal(stats.devices.length, 1);
  assert.equal(stats.devices[0]!.flows, expected.flows);
  // softflowd's IPFIX sequence numbers are not RFC 7011 record counts (nfcapd logs sequence
  // errors for the same export), so loss accounting is only checked for v5 and v9.
  if (version !== 10) assert.equal(stats.devices[0]!.lostPackets + stats.devices[0]!.lostFlows, 0);
}

const name = (version: number) => (version === 10 ? 'IPFIX' : `NetFlow v${version}`);

for (const version of [5, 9, 10]) {
  test(`softflowd ${name(version)} from a real host capture: totals equal nfcapd's`, (t) =>
    softflowdIntoBoth(t, hostCapture('loopback-http-dns-icmp.pcap'), version));

  test(`softflowd ${name(version)} of 3000 flows (IPv4 and IPv6) in many datagrams: totals equal nfcapd's`, (t) => {
    const pcap = `${tempDir(t)}/flows.pcap`;
    writeFlowsPcap(pcap, 3000, 3);
    return softflowdIntoBoth(t, pcap, version);
  });
}
