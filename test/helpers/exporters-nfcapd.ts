import { readdirSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { type Peer, runPeer, startPeer, tempDir, waitForUdpQueueEmpty } from './peers.js';

export interface ExportTotals {
  flows: number;
  packets: number;
  bytes: number;
}

/** nfcapd collecting on 127.0.0.1:port into its own directory: the oracle for our totals. */
export class Nfcapd {
  private constructor(
    private readonly t: TestContext,
    private readonly peer: Peer,
    readonly dir: string,
    readonly port: number,
  ) {}

  /** `args` are more nfcapd options (e.g. `-s -N`: multiply every record by the sampling rate N). */
  static async start(t: TestContext, port: number, args: readonly string[] = []): Promise<Nfcapd> {
    const dir = tempDir(t, 'flowlens-nfcapd-');
    const peer = startPeer(t, 'nfcapd', [
      '-w',
      dir,
      '-b',
      '127.0.0.1',
      '-p',
      String(port),
      '-t',
      '60',
      ...args,
    ]);
    await peer.waitForOutput('Startup');
    return new Nfcapd(t, peer, dir, port);
  }

  /**
   * Stops nfcapd once it has read every datagram queued for it (it writes its file on SIGTERM),
   * and returns what nfdump counts in that file.
   */
  async stop(): Promise<ExportTotals> {
    await waitForUdpQueueEmpty(this.port);
    await this.peer.stop('SIGTERM');
    return nfdumpTotals(this.t, this.dir);
  }

  /** The nfcapd output files (after stop). */
  files(): string[] {
    return readdirSync(this.dir)
      .filter((name) => /^nfcapd\.\d{12}$/.test(name))
      .map((name) => `${this.dir}/${name}`);
  }

  log(): string {
    return this.peer.output();
  }
}

/** Flows, packets and bytes of every nfcapd file in `dir`, as `nfdump -R DIR -I` reports them. */
export async function nfdumpTotals(t: TestContext, dir: string): Promise<ExportTotals> {
  const info = await runPeer(t, 'nfdump', ['-R', dir, '-I'], 30_000, 'stdout');
  const field = (name: string): number => {
    const m = new RegExp(`^${name}: (\\d+)$`, 'm').exec(info);
    if (m === null) throw new Error(`nfdump -I printed no ${name}:\n${info}`);
    return Number(m[1]);
  };
  return { flows: field('Flows'), packets: field('Packets'), bytes: field('Bytes') };
}
