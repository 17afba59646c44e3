import dgram from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { netflow9Packets } from './packets.js';

/** What the main thread asks the sender worker to do. */
export interface SenderOptions {
  host: string;
  port: number;
  /** Target rate in flow records per second. */
  flowsPerSec: number;
  seconds: number;
  /** Observation domains (source ids), each with its own sequence numbers, sent round-robin. */
  domains: number;
}

export interface SenderResult {
  packets: number;
  flows: number;
  templatePackets: number;
  sendErrors: number;
  seconds: number;
  flowsPerSec: number;
}

const RING = 4096;
const MAX_IN_FLIGHT = 1024;
const TEMPLATE_EVERY = 4096;
const SEQUENCE_OFFSET = 12;

/**
 * Blasts pre-encoded NetFlow v9 datagrams (18-field template, ~29 flows each) at a paced rate
 * from a worker thread. Each datagram's sequence number is patched in place just before it is
 * sent, so every domain's sequence is exact; templates go first and are refreshed as a router
 * does. Nothing is allocated per datagram.
 */
async function run(o: SenderOptions): Promise<SenderResult> {
  const now = Date.now();
  const perDomain = Array.from({ length: o.domains }, (_, d) => netflow9Packets(64, now, d + 1));
  const flowsPerPacket = perDomain[0]!.flowsPerPacket;
  const ring: Buffer[] = [];
  for (let s = 0; s < RING; s++) {
    const p = perDomain[s % o.domains]!;
    ring.push(Buffer.from(p.data[Math.floor(s / o.domains) % p.data.length]!));
  }
  const templates = perDomain.map((p) => p.templates[0]!);
  const sequence = new Uint32Array(o.domains);
  const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 8 << 20 });
  await new Promise<void>((resolve) => socket.connect(o.port, o.host, resolve));

  let inFlight = 0;
  let sendErrors = 0;
  const done = (err: Error | null) => {
    inFlight--;
    if (err) sendErrors++;
  };
  const send = (buf: Buffer, domain: number) => {
    buf.writeUInt32BE(sequence[domain]!, SEQUENCE_OFFSET);
    sequence[domain] = (sequence[domain]! + 1) >>> 0;
    inFlight++;
    socket.send(buf, done);
  };
  let templatePackets = 0;
  const sendTemplates = () => {
    for (let d = 0; d < o.domains; d++) send(templates[d]!, d);
    templatePackets += o.domains;
  };
  sendTemplates();

  const packetsPerSec = o.flowsPerSec / flowsPerPacket;
  const total = Math.round(packetsPerSec * o.seconds);
  let sent = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * packetsPerSec));
      while (sent < due && inFlight < MAX_IN_FLIGHT) {
        const slot = sent % RING;
        send(ring[slot]!, slot % o.domains);
        sent++;
        if (sent % (TEMPLATE_EVERY * o.domains) === 0) sendTemplates();
      }
      if (sent >= total && inFlight === 0) resolve();
      else if (sent < due || sent >= total) setImmediate(tick);
      else setTimeout(tick, 1);
    };
    tick();
  });
  const seconds = (performance.now() - start) / 1000;
  socket.close();
  return {
    packets: sent + templatePackets,
    flows: sent * flowsPerPacket,
    templatePackets,
    sendErrors,
    seconds: Math.round(seconds * 1000) / 1000,
    flowsPerSec: Math.round((sent * flowsPerPacket) / seconds),
  };
}

if (parentPort) {
  const port = parentPort;
  run(workerData as SenderOptions).then((r) => port.postMessage(r));
}
