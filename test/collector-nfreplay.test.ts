import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestCollector } from './helpers/exporters-collector.js';
import { Nfcapd } from './helpers/exporters-nfcapd.js';
import { UdpTee } from './helpers/exporters-tee.js';
import { freeUdpPort, hostCapture, runPeer, waitFor } from './helpers/peers.js';

// An nfcapd file made in the test (softflowd → nfcapd), replayed by nfreplay as NetFlow v5 and
// v9 through a tee into nfcapd and our collector at once.
test('nfreplay v5 and v9 from an nfcapd file: totals equal nfcapd', async (t) => {
  const sourcePort = await freeUdpPort();
  const source = await Nfcapd.start(t, sourcePort);
  const feed = await UdpTee.start(t, [sourcePort]);
  await runPeer(t, 'softflowd', [
    '-d',
    '-r',
    hostCapture('loopback-http-dns-icmp.pcap'),
    '-n',
    `127.0.0.1:${feed.port}`,
    '-v',
    '9',
    '-a',
    '-A',
    'milli',
  ]);
  await feed.sync();
  const sourceTotals = await source.stop();
  const [file] = source.files();
  assert.ok(file !== undefined && sourceTotals.flows > 0, `nfcapd wrote no flows:\n${source.log()}`);

  for (const version of [5, 9]) {
    await t.test(`nfreplay -v ${version}`, async (t) => {
      const nfcapdPort = await freeUdpPort();
      const ourPort = await freeUdpPort();
      const nfcapd = await Nfcapd.start(t, nfcapdPort);
      const ours = await startTestCollector(t, { netflowPort: ourPort });
      const tee = await UdpTee.start(t, [nfcapdPort, ourPort]);

      await runPeer(t, 'nfreplay', [
        '-r',
        file,
        '-H',
        '127.0.0.1',
        '-p',
        String(tee.port),
        '-v',
        String(version),
      ]);
      const datagrams = await tee.sync();
      assert.ok(datagrams > 0, 'nfreplay sent nothing');
      await waitFor(
        () => ours.collector.stats().decode.packets! >= datagrams,
        `${datagrams} datagrams at our collector`,
      );

      const expected = await nfcapd.stop();
      assert.ok(expected.flows > 0, `nfcapd got no flows:\n${nfcapd.log()}`);
      t.diagnostic(`nfcapd: ${JSON.stringify(expected)}`);
      assert.deepEqual(await ours.totals(), expected);
      if (version === 9) assert.deepEqual(expected, sourceTotals, 'v9 replay carries every flow of the file');
      const errors = Object.entries(ours.collector.stats().decode).filter(
        ([k, v]) => k.startsWith('error_') && v > 0,
      );
      assert.deepEqual(errors, []);
    });
  }
});
