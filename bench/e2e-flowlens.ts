import { createCollector } from '../src/ingest/collector.js';
import { CountingSink } from '../src/ingest/sink.js';
import { drained, replay } from './replay.js';
import type { SenderOptions } from './sender.js';

export interface EndToEnd {
  target_flows_per_sec: number;
  sent_flows_per_sec: number;
  received_flows_per_sec: number;
  sent_packets: number;
  sent_flows: number;
  received_packets: number;
  received_flows: number;
  lost_flows_sent_vs_received: number;
  loss_ratio: number;
  /** From NetFlow v9 sequence numbers, per domain, as the decoder counts them. */
  lost_packets_by_sequence: number;
  kernel_socket_drops: number | undefined;
  recv_buffer_bytes: number;
  seconds: number;
}

/**
 * The flowlens collector (UDP listener → decodePacket → batch pipeline → counting sink) on
 * loopback, fed by the sender worker.
 */
export async function flowlensEndToEnd(
  o: Omit<SenderOptions, 'port'>,
  port: number,
  recvBufferSize: number,
): Promise<EndToEnd> {
  const sink = new CountingSink();
  const logs: string[] = [];
  const collector = createCollector(
    { sink, log: (line) => logs.push(line) },
    { listen: o.host, netflowPort: port, sflowPort: 0, ipfixTcpPort: 0, recvBufferSize },
  );
  await collector.start();
  const listener = collector.udp[0]!;
  const sent = await replay({ ...o, port });
  await drained(() => listener.stats().datagrams, sent.packets);
  const udp = listener.stats();
  await collector.stop();
  const lostBySequence = collector.devices.all().reduce((n, e) => n + e.stats.lostPackets, 0);
  const received = sink.total.flows;
  return {
    target_flows_per_sec: o.flowsPerSec,
    sent_flows_per_sec: sent.flowsPerSec,
    received_flows_per_sec: Math.round(received / sent.seconds),
    sent_packets: sent.packets,
    sent_flows: sent.flows,
    received_packets: udp.datagrams,
    received_flows: received,
    lost_flows_sent_vs_received: sent.flows - received,
    loss_ratio: (sent.flows - received) / sent.flows,
    lost_packets_by_sequence: lostBySequence,
    kernel_socket_drops: udp.socketDrops,
    recv_buffer_bytes: udp.recvBufferSize,
    seconds: sent.seconds,
  };
}
