import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { decodeFlowBatch } from '../src/agent/export/batch-decode.js';
import { FlowBatchEncoder } from '../src/agent/export/batch-encode.js';
import { createFlowBatch, F, type FlowBatch } from '../src/flow/batch.js';
import { createExportFlow } from '../src/ingest/export/flow.js';
import { FlowGenerator } from '../src/ingest/export/generator.js';
import { Random, Zipf } from '../src/ingest/export/random.js';

/**
 * `node dist/bench/agent-export.js`: what the batch format costs and saves on host-agent-like
 * batches (the demo generator's router fields plus TCP metrics and DNS/HTTP/TLS fields), for each
 * payload compression choice: bytes per row, encode and decode rows per second on one core, and
 * JSON lines (gzip) beside it. Prints one JSON object (docs/agent-export.md quotes it).
 */

const ROWS = 10_000;
const hosts = Array.from({ length: 200 }, (_, i) => `svc-${i}.example.internal`);
const names = Array.from({ length: 2000 }, (_, i) => `host${i}.cdn${i % 17}.example.com`);
const urls = Array.from({ length: 500 }, (_, i) => `/api/v${i % 3}/items/${i}?id=[redacted]`);

function agentBatch(seed: number): FlowBatch {
  const gen = new FlowGenerator({ seed, ipv6Fraction: 0.2 });
  const rng = new Random(seed);
  const zipf = new Zipf(2000, 1.1);
  const f = createExportFlow();
  const b = createFlowBatch(ROWS);
  const now = Date.UTC(2026, 0, 5, 10, 0);
  for (let r = 0; r < ROWS; r++) {
    gen.next(f, now);
    const a = b.arrays;
    (a[F.src_addr] as Uint8Array).set(f.srcAddr, r * 16);
    (a[F.dst_addr] as Uint8Array).set(f.dstAddr, r * 16);
    a[F.i_start_time]![r] = now;
    a[F.sample_rate]![r] = 1;
    a[F.flow_start_time]![r] = f.startMs;
    a[F.flow_end_time]![r] = f.endMs;
    a[F.l4_src_port]![r] = f.srcPort;
    a[F.l4_dst_port]![r] = f.dstPort;
    a[F.protocol]![r] = f.protocol;
    a[F.tcp_flags]![r] = f.tcpFlags;
    a[F.in_bytes]![r] = f.bytes;
    a[F.in_pkts]![r] = f.packets;
    a[F.out_bytes]![r] = f.outBytes;
    a[F.out_pkts]![r] = f.outPackets;
    a[F.ip_version]![r] = f.ipVersion;
    if (f.protocol === 6) {
      a[F.client_nw_latency_ms]![r] = rng.int(40);
      a[F.server_nw_latency_ms]![r] = rng.int(5);
      a[F.appl_latency_ms]![r] = rng.int(300);
      a[F.retransmitted_in_pkts]![r] = rng.int(8) === 0 ? rng.int(5) : 0;
      a[F.receive_window]![r] = 65535 << rng.int(7);
    }
    if (f.dstPort === 53) {
      b.setString('app_protocol', r, 'dns');
      b.setString('dns_query', r, names[zipf.draw(rng)]!);
      a[F.dns_query_type]![r] = 1;
    } else if (f.dstPort === 80 || f.dstPort === 8080) {
      b.setString('app_protocol', r, 'http');
      b.setString('http_method', r, 'GET');
      b.setString('http_host', r, hosts[rng.int(hosts.length)]!);
      b.setString('http_url', r, urls[rng.int(urls.length)]!);
      a[F.http_status]![r] = 200;
    } else if (f.dstPort === 443) {
      b.setString('app_protocol', r, 'tls');
      b.setString('tls_server_name', r, hosts[rng.int(hosts.length)]!);
      a[F.tls_version]![r] = 0x0304;
      a[F.tls_cipher]![r] = 0x1301;
    }
  }
  b.length = ROWS;
  for (let c = 0; c < b.schema.length; c++) b.touch(c);
  return b;
}

function rate(fn: () => void): number {
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < 1000) {
    fn();
    runs++;
  }
  return Math.round((runs * ROWS) / ((performance.now() - start) / 1000));
}

const batch = agentBatch(1);
const encoder = new FlowBatchEncoder();
const out: Record<string, unknown> = { rows: ROWS };
for (const level of [0, 1, 3, 9]) {
  const body = encoder.encode(batch, { level });
  out[level === 0 ? 'batch_uncompressed' : `batch_zstd_${level}`] = {
    bytes_per_row: +(body.length / ROWS).toFixed(1),
    encode_rows_per_s: rate(() => encoder.encode(batch, { level })),
    decode_rows_per_s: rate(() => decodeFlowBatch(body)),
  };
}
const raw = encoder.encode(batch, { level: 0 });
out.batch_gzip_6 = {
  bytes_per_row: +(gzipSync(raw).length / ROWS).toFixed(1),
  encode_rows_per_s: rate(() => gzipSync(encoder.encode(batch, { level: 0 }))),
};
const lines = Array.from({ length: ROWS }, (_, r) => JSON.stringify(batch.rowObject(r))).join('\n');
out.json_lines = { bytes_per_row: +(Buffer.byteLength(lines) / ROWS).toFixed(1) };
out.json_lines_gzip_6 = { bytes_per_row: +(gzipSync(lines).length / ROWS).toFixed(1) };
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
