import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoopbackCapture, tsharkSflowTotals } from './helpers/exporters-capture.js';
import { startTestCollector } from './helpers/exporters-collector.js';
import { Nfcapd } from './helpers/exporters-nfcapd.js';
import { runPmacctd } from './helpers/exporters-pmacct.js';
import { UdpTee } from './helpers/exporters-tee.js';
import { freeUdpPort, hostCapture, waitFor } from './helpers/peers.js';

// One pmacctd run over a real host capture exports NetFlow v9 and IPFIX (nfprobe) and sFlow
// (sfprobe). nfcapd is the oracle for nfprobe (pmacct's own counts are unreliable); for sfprobe
// tshark decodes a tcpdump capture of the same export.
test('pmacctd nfprobe (v9, IPFIX) and sfprobe (sFlow) into the collector', async (t) => {
  const nfcapd9 = await Nfcapd.start(t, await freeUdpPort());
  const nfcapdIpfix = await Nfcapd.start(t, await freeUdpPort());
  const ours9 = await startTestCollector(t, { netflowPort: await freeUdpPort() });
  const oursIpfix = await startTestCollector(t, { netflowPort: await freeUdpPort() });
  const oursSflow = await startTestCollector(t, { sflowPort: await freeUdpPort() });
  const tee9 = await UdpTee.start(t, [nfcapd9.port, ours9.collector.udp[0]!.port()]);
  const teeIpfix = await UdpTee.start(t, [nfcapdIpfix.port, oursIpfix.collector.udp[0]!.port()]);
  const teeSflow = await UdpTee.start(t, [oursSflow.collector.udp[0]!.port()]);
  const capture = await LoopbackCapture.start(t, teeSflow.port);

  await runPmacctd(t, hostCapture('loopback-http-dns-icmp.pcap'), {
    netflow9: tee9.port,
    ipfix: teeIpfix.port,
    sflow: teeSflow.port,
  });

  const cases = [
    { name: 'NetFlow v9', tee: tee9, ours: ours9, nfcapd: nfcapd9 },
    { name: 'IPFIX', tee: teeIpfix, ours: oursIpfix, nfcapd: nfcapdIpfix },
  ];
  for (const c of cases) {
    const datagrams = await c.tee.sync();
    assert.ok(datagrams > 0, `pmacctd sent no ${c.name}`);
    await waitFor(() => c.ours.collector.stats().decode.packets! >= datagrams, `${c.name} at our collector`);
    const expected = await c.nfcapd.stop();
    t.diagnostic(`${c.name} nfcapd: ${JSON.stringify(expected)}`);
    assert.ok(expected.flows > 0, `nfcapd got no ${c.name} flows:\n${c.nfcapd.log()}`);
    assert.deepEqual(await c.ours.totals(), expected, c.name);
    assert.equal(c.ours.collector.stats().decode.error_bad_version, 0, `${c.name} decoder missing`);
  }

  const sflowDatagrams = await teeSflow.sync();
  assert.ok(sflowDatagrams > 0, 'pmacctd sent no sFlow');
  await capture.stop(sflowDatagrams);
  await waitFor(
    () => oursSflow.collector.stats().decode.packets! >= sflowDatagrams,
    'sFlow at our collector',
  );
  const expected = await tsharkSflowTotals(t, capture.file, teeSflow.port);
  t.diagnostic(`sFlow tshark: ${JSON.stringify(expected)}`);
  assert.ok(expected.flows > 0, 'tshark decoded no sFlow flow samples');
  assert.deepEqual(await oursSflow.totals(), expected, 'sFlow');
  const errors = Object.entries(oursSflow.collector.stats().decode).filter(
    ([k, v]) => k.startsWith('error_') && v > 0,
  );
  assert.deepEqual(errors, [], 'sFlow decode errors');
});
