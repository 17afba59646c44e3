import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { startPeer, tempDir, waitFor } from './peers.js';

/**
 * Captures loopback traffic with tcpdump while `traffic` runs, into a pcap file it returns.
 * `filter` is a BPF expression for the traffic. The end is known by an event, not a delay: after
 * the traffic a marker datagram goes to a port the capture also takes, and the file is complete
 * once the marker is in it (tcpdump -U writes each packet as it comes, in order).
 */
export async function captureLoopback(
  t: TestContext,
  filter: string,
  traffic: () => Promise<void>,
): Promise<string> {
  const marker = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => marker.bind(0, '127.0.0.1', resolve));
  const markerPort = marker.address().port;
  const file = `${tempDir(t, 'flowlens-app-')}/capture.pcap`;
  const tcpdump = startPeer(t, 'tcpdump', [
    '-i',
    'lo',
    '-U',
    '--immediate-mode',
    '-B',
    '32768', // KiB: loopback bursts (a body of hundreds of KB) must not overflow the kernel's buffer
    '-n',
    '-w',
    file,
    `(${filter}) or (udp dst port ${markerPort})`,
  ]);
  try {
    await tcpdump.waitForOutput('listening on');
    await traffic();
    const text = `flowlens-capture-end-${process.pid}-${markerPort}`;
    await new Promise<void>((resolve, reject) =>
      marker.send(text, markerPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
    );
    await waitFor(() => contains(file, text), `the end marker in ${file}`);
    await tcpdump.stop('SIGINT');
    // The decoders are compared with tshark on the file, but a capture missing packets is a test
    // of loss handling, which is done elsewhere on purpose: this one must be whole.
    if (!/\b0 packets dropped by kernel/.test(tcpdump.output()))
      throw new Error(`tcpdump dropped packets:\n${tcpdump.output()}`);
  } finally {
    marker.close();
  }
  return file;
}

function contains(file: string, text: string): boolean {
  try {
    return readFileSync(file).includes(text);
  } catch {
    return false;
  }
}
