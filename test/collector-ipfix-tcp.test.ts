import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { startTestCollector } from './helpers/exporters-collector.js';
import { Nfcapd } from './helpers/exporters-nfcapd.js';
import { writeFlowsPcap } from './helpers/exporters-pcap.js';
import { UdpTee } from './helpers/exporters-tee.js';
import { freeTcpPort, freeUdpPort, runPeer, tempDir, waitFor } from './helpers/peers.js';

// softflowd exports IPFIX over UDP only; its export, as nfcapd counts it, is sent again over one
// TCP connection in odd-sized chunks (messages split and coalesced) to the IPFIX/TCP listener.
test('IPFIX over TCP: softflowd export replayed over a stream gives nfcapd totals', async (t) => {
  const nfcapdPort = await freeUdpPort();
  const nfcapd = await Nfcapd.start(t, nfcapdPort);
  const tee = await UdpTee.start(t, [nfcapdPort]);
  const pcap = `${tempDir(t)}/flows.pcap`;
  writeFlowsPcap(pcap, 1000, 2);
  await runPeer(t, 'softflowd', [
    '-d',
    '-r',
    pcap,
    '-n',
    `127.0.0.1:${tee.port}`,
    '-v',
    '10',
    '-a',
    '-A',
    'milli',
  ]);
  const datagrams = await tee.sync();
  const expected = await nfcapd.stop();
  t.diagnostic(`${datagrams} messages; nfcapd: ${JSON.stringify(expected)}`);

  const ours = await startTestCollector(t, { ipfixTcpPort: await freeTcpPort() });
  const stream = Buffer.concat(tee.datagrams);
  const socket = net.connect(ours.collector.tcp[0]!.port(), '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.setNoDelay(true);
  for (let at = 0, step = 1; at < stream.length; at += step, step = (step * 7 + 13) % 3001)
    await new Promise((resolve) => socket.write(stream.subarray(at, at + step), resolve));
  socket.end();
  await waitFor(
    () => ours.collector.stats().tcp[0]!.messages === datagrams,
    `${datagrams} IPFIX messages over TCP`,
  );

  assert.deepEqual(await ours.totals(), expected);
  const stats = ours.collector.stats();
  assert.equal(stats.tcp[0]!.badFrames, 0);
  assert.equal(stats.decode.error_template_missing, 0);
});
