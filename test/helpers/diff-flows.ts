import { createFlowBatch, type FlowBatch } from '../../src/flow/batch.js';
import { flowColumns } from '../../src/flow/schema.js';
import { prng } from './store-flows.js';

/**
 * The flows of the differential test: several devices over several minutes (two of them on the
 * day before), skewed so that groups repeat (a few AS numbers, addresses, ports and countries
 * carry most rows), IPv4 and IPv6, a few huge byte counts so that sums pass 2^53, and strings with
 * LIKE metacharacters, non-ASCII and astral characters.
 */

export const MINUTE = 60_000;
/** now() of every statement (a fixed instant, so that the run is reproducible). */
export const DIFF_NOW = Date.UTC(2026, 10, 20, 10, 5, 30);

export const diffDevices = [
  { id: 1, name: 'edge1', weight: 0.5 },
  { id: 2, name: 'core-2', weight: 0.3 },
  { id: 3, name: 'Border', weight: 0.15 },
  { id: 12, name: 'lab', weight: 0.05 },
] as const;

/** Eight minutes up to now (the last one still open) and two on the previous day. */
export const diffMinutes: readonly number[] = [
  ...Array.from({ length: 8 }, (_, i) => Math.floor(DIFF_NOW / MINUTE) * MINUTE - i * MINUTE),
  Date.UTC(2026, 10, 19, 23, 59),
  Date.UTC(2026, 10, 19, 22, 30),
];

const asns = [15169, 13335, 64512, 0, 3356, 4200000000, 174, 2914, 65000, 8075, 16509, 32934];
const geos = ['US', 'US', 'DE', 'FR', 'JP', 'BR', '', 'ÅL', 'gb'];
const hosts = [
  '',
  'example.com',
  'Example.COM',
  'api.flowlens.test',
  'ünïcødé.example',
  '🙂.example',
  'a_b%c.test',
  'x\\y.test',
];
const macs = [0, 0x08002b010203, 0x0000000000ff, 0xfeedfacecafe, 0x1c6f65aa0001];
const nextHops = ['10.0.0.1', '10.0.0.2', '192.168.1.254', '2001:db8::1', '2001:db8:0:1::fe'];

/** A Zipf-like pick: low indexes much more likely. */
function skewed(rnd: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(n * rnd() ** 2.5));
}

function addressPool(rnd: () => number, size: number, v6Share: number): string[] {
  const pool: string[] = [];
  for (let i = 0; i < size; i++) {
    if (rnd() < v6Share) {
      const words = [
        '2001',
        'db8',
        ...Array.from({ length: 6 }, () => (rnd() < 0.4 ? '0' : Math.floor(rnd() * 65536).toString(16))),
      ];
      pool.push(words.join(':'));
    } else {
      const a = pick(rnd, [10, 10, 10, 192, 172, 8, 203]);
      pool.push(
        [
          a,
          a === 10 ? Math.floor(rnd() * 4) : Math.floor(rnd() * 256),
          Math.floor(rnd() * 256),
          Math.floor(rnd() * 256),
        ].join('.'),
      );
    }
  }
  return pool;
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

function writeAddr(
  batch: FlowBatch,
  column: 'src_addr' | 'dst_addr' | 'ipv4_next_hop' | 'bgp_next_hop',
  row: number,
  text: string,
): void {
  const bytes = batch.col(column) as Uint8Array;
  const o = row * 16;
  bytes.fill(0, o, o + 16);
  if (!text.includes(':')) {
    bytes[o + 10] = 0xff;
    bytes[o + 11] = 0xff;
    text.split('.').forEach((p, i) => {
      bytes[o + 12 + i] = Number(p);
    });
    return;
  }
  const [head, tail] = text.split('::');
  const hw = head === '' || head === undefined ? [] : head.split(':');
  const tw = tail === undefined || tail === '' ? [] : tail.split(':');
  const words = [
    ...hw,
    ...new Array<string>(tail === undefined ? 0 : 8 - hw.length - tw.length).fill('0'),
    ...tw,
  ];
  words.forEach((w, i) => {
    const v = Number.parseInt(w, 16);
    bytes[o + 2 * i] = v >> 8;
    bytes[o + 2 * i + 1] = v & 0xff;
  });
}

/**
 * `parts` batches of `rows` flows in total (the test appends each, sealing between them, so that
 * minutes have sealed segments and open data both).
 */
export function diffFlows(seed: number, rows: number, parts: number): FlowBatch[] {
  const rnd = prng(seed);
  const srcPool = addressPool(rnd, 300, 0.3);
  const dstPool = addressPool(rnd, 120, 0.25);
  const batches: FlowBatch[] = [];
  let left = rows;
  for (let p = 0; p < parts; p++) {
    const n = p === parts - 1 ? left : Math.floor(rows / parts);
    left -= n;
    const batch = createFlowBatch(n);
    batch.reserve(n);
    for (let i = 0; i < flowColumns.length; i++) batch.touch(i);
    for (let row = 0; row < n; row++) fillRow(batch, row, rnd, srcPool, dstPool, p);
    batch.length = n;
    batches.push(batch);
  }
  return batches;
}

function fillRow(
  batch: FlowBatch,
  row: number,
  rnd: () => number,
  srcPool: string[],
  dstPool: string[],
  part: number,
): void {
  const set = (name: Parameters<FlowBatch['col']>[0], v: number) => {
    batch.col(name)[row] = v;
  };
  let w = rnd();
  // The 'lab' device only appears in the last (open) part.
  const devices = part === 0 ? diffDevices.slice(0, 3) : diffDevices;
  const device =
    devices.find((d) => {
      w -= d.weight;
      return w < 0;
    }) ?? devices[0]!;
  const minute = diffMinutes[skewed(rnd, diffMinutes.length)]!;
  set('i_start_time', minute);
  set('i_device_id', device.id);
  batch.setString('i_device_name', row, device.name);
  set('sample_rate', pick(rnd, [1, 1, 100, 1000]));
  const start = minute - Math.floor(rnd() * 90_000);
  set('flow_start_time', start);
  set('flow_end_time', start + Math.floor(rnd() * 60_000));
  const src = srcPool[skewed(rnd, srcPool.length)]!;
  writeAddr(batch, 'src_addr', row, src);
  writeAddr(batch, 'dst_addr', row, dstPool[skewed(rnd, dstPool.length)]!);
  if (rnd() < 0.8) writeAddr(batch, 'ipv4_next_hop', row, pick(rnd, nextHops));
  if (rnd() < 0.2) writeAddr(batch, 'bgp_next_hop', row, pick(rnd, nextHops));
  set('ip_version', src.includes(':') ? 6 : 4);
  set('l4_src_port', rnd() < 0.6 ? 1024 + Math.floor(rnd() * 64000) : pick(rnd, [443, 80, 53]));
  set('l4_dst_port', rnd() < 0.7 ? pick(rnd, [443, 443, 80, 53, 22, 123]) : Math.floor(rnd() * 65536));
  set('protocol', pick(rnd, [6, 6, 6, 6, 17, 17, 1, 58]));
  set('tcp_flags', pick(rnd, [0, 2, 16, 18, 24, 27]));
  set('tos', pick(rnd, [0, 0, 0, 32, 184]));
  const huge = rnd() < 0.002;
  set(
    'in_bytes',
    huge
      ? 2 ** 50 + Math.floor(rnd() * 2 ** 49)
      : Math.floor(-Math.log(1 - rnd()) * 1500) * pick(rnd, [1, 1, 1, 100]),
  );
  set('in_pkts', 1 + Math.floor(-Math.log(1 - rnd()) * 20));
  set('out_bytes', rnd() < 0.5 ? 0 : Math.floor(rnd() * 100_000));
  set('out_pkts', rnd() < 0.5 ? 0 : Math.floor(rnd() * 100));
  set('input_port', 1 + skewed(rnd, 8));
  set('output_port', 1 + skewed(rnd, 8));
  set('vlan_in', pick(rnd, [0, 0, 10, 20, 4094]));
  set('src_as', asns[skewed(rnd, asns.length)]!);
  set('dst_as', asns[skewed(rnd, asns.length)]!);
  set('src_route_length', pick(rnd, [24, 16, 0, 48, 32]));
  set('src_eth_mac', macs[skewed(rnd, macs.length)]!);
  set('direction', rnd() < 0.5 ? 0 : 1);
  batch.setString('src_geo', row, geos[skewed(rnd, geos.length)]!);
  batch.setString('dst_geo', row, pick(rnd, geos));
  const host = rnd() < 0.35;
  set('appl_latency_ms', host && rnd() < 0.8 ? 1 + skewed(rnd, 400) : 0);
  set('client_nw_latency_ms', host ? Math.floor(rnd() * 50) : 0);
  set('http_status', host ? pick(rnd, [200, 200, 404, 500, 0]) : 0);
  batch.setString('http_host', row, host ? pick(rnd, hosts) : '');
  batch.setString('app_protocol', row, host ? pick(rnd, ['dns', 'http', 'tls', '']) : '');
}
