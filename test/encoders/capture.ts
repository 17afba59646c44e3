import { writeFileSync } from 'node:fs';
import { formatAddr } from '../../src/flow/addr.js';
import {
  createExportFlow,
  createFlows,
  type ExportFlow,
  FlowGenerator,
  PcapWriter,
} from '../../src/ingest/export/index.js';

export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0, 250);
export const BOOT = NOW - 3_600_000;
export const EXPORTER = '192.0.2.10';

/** Deterministic IPv4 and IPv6 flows for the encoder tests. */
export function testFlows(seed: number): { v4: ExportFlow[]; v6: ExportFlow[] } {
  const v4 = createFlows(60, createExportFlow);
  const v6 = createFlows(20, createExportFlow);
  new FlowGenerator({ seed, ipv6Fraction: 0 }).fill(v4, NOW);
  new FlowGenerator({ seed: seed + 1, ipv6Fraction: 1 }).fill(v6, NOW);
  return { v4, v6 };
}

/** Writes datagrams (copied) to a pcap file, all from EXPORTER to `port`. */
export function writeCapture(path: string, datagrams: readonly Uint8Array[], port: number): void {
  const w = new PcapWriter();
  datagrams.forEach((d, i) => {
    w.addUdp(d, { srcAddr: EXPORTER, dstAddr: '192.0.2.250', srcPort: 50000, dstPort: port }, NOW + i);
  });
  writeFileSync(path, w.toBuffer());
}

export const addrText = (a: Uint8Array): string => formatAddr(a, 0);
