import { createSocket } from 'node:dgram';
import { createExportFlow, setIPv4 } from '../../src/ingest/export/flow.js';
import { Netflow5Encoder } from '../../src/ingest/export/netflow5.js';

/**
 * Sends NetFlow v5 from `source` (a 127.0.0.0/8 address) to a collector with a known gap: a packet
 * of 2 flows (sequence 0), then one of 1 flow whose sequence says `lost` flows never arrived.
 */
export async function sendV5WithGap(port: number, source: string, lost: number): Promise<void> {
  const encoder = new Netflow5Encoder({ bootMs: Date.now() - 60_000 });
  const flow = createExportFlow();
  setIPv4(flow.srcAddr, 0x0a000001);
  setIPv4(flow.dstAddr, 0x0a000002);
  Object.assign(flow, { protocol: 6, srcPort: 40000, dstPort: 443, bytes: 1500, packets: 3 });
  flow.startMs = Date.now() - 1000;
  flow.endMs = Date.now();
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: source, port: 0 }, resolve);
  });
  const send = (count: number) => {
    const out = Buffer.alloc(24 + 48 * count);
    const n = encoder.encode(out, Array(count).fill(flow), 0, count, Date.now());
    return new Promise<void>((resolve, reject) =>
      socket.send(out.subarray(0, 24 + 48 * n), port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
    );
  };
  try {
    await send(2);
    encoder.sequence += lost;
    await send(1);
  } finally {
    socket.close();
  }
}

/** Sends `count` datagrams that are no flow export at all (bad_version) from `source`. */
export async function sendGarbage(port: number, source: string, count: number): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: source, port: 0 }, resolve);
  });
  try {
    for (let i = 0; i < count; i++)
      await new Promise<void>((resolve, reject) =>
        socket.send(Buffer.from('not a flow export'), port, '127.0.0.1', (err) =>
          err ? reject(err) : resolve(),
        ),
      );
  } finally {
    socket.close();
  }
}
