import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type { ExportTotals } from './exporters-nfcapd.js';
import { type Peer, runPeer, startPeer, tempDir, waitFor } from './peers.js';

/** tcpdump writing the datagrams sent to one UDP port on loopback into a pcap file. */
export class LoopbackCapture {
  private constructor(
    private readonly peer: Peer,
    readonly file: string,
  ) {}

  static async start(t: TestContext, port: number): Promise<LoopbackCapture> {
    const file = `${tempDir(t, 'flowlens-capture-')}/export.pcap`;
    const peer = startPeer(t, 'tcpdump', [
      '-i',
      'lo',
      '-U',
      '-n',
      '-w',
      file,
      'udp',
      'dst',
      'port',
      String(port),
    ]);
    await peer.waitForOutput('listening on');
    return new LoopbackCapture(peer, file);
  }

  /** Waits until the file holds `packets` packets, then stops tcpdump. */
  async stop(packets: number): Promise<void> {
    await waitFor(() => pcapRecords(this.file) >= packets, `${packets} packets in ${this.file}`);
    await this.peer.stop('SIGTERM');
  }
}

/** The number of packet records in a (classic) pcap file, by walking its record headers. */
export function pcapRecords(file: string): number {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return 0;
  }
  if (buf.length < 24) return 0;
  const le = buf.readUInt32LE(0) === 0xa1b2c3d4 || buf.readUInt32LE(0) === 0xa1b23c4d;
  let n = 0;
  for (let o = 24; o + 16 <= buf.length; n++) {
    const caplen = le ? buf.readUInt32LE(o + 8) : buf.readUInt32BE(o + 8);
    o += 16 + caplen;
    if (o > buf.length) break;
  }
  return n;
}

/**
 * What tshark decodes from an sFlow capture: one flow per flow sample, packets = the sampling
 * rate, bytes = the sampled frame's length × the sampling rate.
 */
export async function tsharkSflowTotals(t: TestContext, file: string, port: number): Promise<ExportTotals> {
  const out = await runPeer(
    t,
    'tshark',
    [
      '-r',
      file,
      '-d',
      `udp.port==${port},sflow`,
      '-T',
      'fields',
      '-E',
      'occurrence=a',
      '-E',
      'aggregator=;',
      '-e',
      'sflow.flow_sample.sampling_rate',
      '-e',
      'sflow_245.header.frame_length',
    ],
    30_000,
    'stdout',
  );
  const totals: ExportTotals = { flows: 0, packets: 0, bytes: 0 };
  for (const line of out.split('\n')) {
    if (line.trim() === '') continue;
    const [rates = '', lengths = ''] = line.split('\t');
    const r = rates === '' ? [] : rates.split(';').map(Number);
    const l = lengths === '' ? [] : lengths.split(';').map(Number);
    if (r.length !== l.length)
      throw new Error(`tshark: ${r.length} flow samples but ${l.length} sampled headers`);
    for (let i = 0; i < r.length; i++) {
      totals.flows++;
      totals.packets += r[i]!;
      totals.bytes += r[i]! * l[i]!;
    }
  }
  return totals;
}
