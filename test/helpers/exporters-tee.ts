import dgram from 'node:dgram';
import type { TestContext } from 'node:test';

const marker = Buffer.from('flowlens-tee-sync-marker');

/**
 * A UDP tee: every datagram an exporter sends to `port` is forwarded, in order, to each target
 * (first target first), so two collectors see exactly the same export. Keeps a copy of each
 * datagram for diagnostics.
 */
export class UdpTee {
  readonly datagrams: Buffer[] = [];
  /** Datagrams forwarded to every target (their sends completed). */
  forwarded = 0;
  private readonly socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  private readonly markers: ((count: number) => void)[] = [];

  private constructor() {}

  static async start(t: TestContext, targets: number[]): Promise<UdpTee> {
    const tee = new UdpTee();
    const socket = tee.socket;
    socket.on('message', (buf) => {
      if (buf.equals(marker)) {
        tee.markers.shift()?.(tee.datagrams.length);
        return;
      }
      tee.datagrams.push(buf);
      let left = targets.length;
      for (const port of targets)
        socket.send(buf, port, '127.0.0.1', () => {
          if (--left === 0) tee.forwarded++;
        });
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    t.after(() => tee.close());
    return tee;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /**
   * Once an exporter has exited, every datagram it sent is already queued on our socket. This
   * queues a marker behind them and resolves, when the marker comes through, with the number of
   * datagrams received before it, after all of them have been forwarded.
   */
  async sync(): Promise<number> {
    const count = new Promise<number>((resolve) => this.markers.push(resolve));
    const sender = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sender.send(marker, this.port, '127.0.0.1', () => resolve()));
    sender.close();
    const n = await count;
    while (this.forwarded < n) await new Promise((resolve) => setImmediate(resolve));
    return n;
  }

  close(): void {
    try {
      this.socket.close();
    } catch {}
  }
}
