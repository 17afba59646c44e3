import type { ExportFlow } from './flow.js';
import { setIPv4 } from './flow.js';
import { Random, Zipf } from './random.js';

export interface FlowGeneratorConfig {
  /** PRNG seed: the same seed gives the same flows. */
  seed: number;
  /** Fraction of flows that are IPv6 (0 = IPv4 only, 1 = IPv6 only). */
  ipv6Fraction: number;
  /** Number of distinct prefixes (each with its own AS) addresses are drawn from. */
  prefixes: number;
  /** Number of interfaces (ifIndex 1..n). */
  interfaces: number;
  /** Mean of the exponential packet count per flow. */
  meanPackets: number;
  /** Flows end at most this long before the time given to `next` (ms). */
  maxAgeMs: number;
}

export const defaultFlowGeneratorConfig: FlowGeneratorConfig = {
  seed: 1,
  ipv6Fraction: 0,
  prefixes: 2000,
  interfaces: 48,
  meanPackets: 12,
  maxAgeMs: 30_000,
};

/** Server ports with rough real-world weights; the other side uses an ephemeral port. */
const serverPorts = [443, 80, 53, 123, 22, 25, 993, 8080, 3389, 5060, 1194, 8443, 3478, 500, 161, 179];
const serverPortWeights = new Zipf(serverPorts.length, 1.3);
const appNames: Record<number, string> = {
  443: 'https',
  80: 'http',
  53: 'dns',
  123: 'ntp',
  22: 'ssh',
  25: 'smtp',
  993: 'imaps',
  8080: 'http-alt',
  3389: 'ms-wbt-server',
  5060: 'sip',
  1194: 'openvpn',
  8443: 'https-alt',
  3478: 'stun',
  500: 'isakmp',
  161: 'snmp',
  179: 'bgp',
};
const tcpFlagSets = [0x1b, 0x1b, 0x1b, 0x1a, 0x18, 0x10, 0x02, 0x12, 0x11, 0x14];
const routeLengths = [24, 24, 24, 22, 20, 19, 16, 23, 21, 18];
const packetSizes = [64, 64, 76, 128, 576, 1200, 1380, 1400, 1500, 1500];

/**
 * A deterministic source of realistic flows: Zipf-skewed prefixes (hence AS numbers and
 * addresses), common server ports against ephemeral client ports, TCP-heavy protocol mix,
 * exponential packet counts. `next` fills a reused flow in place and allocates nothing.
 */
export class FlowGenerator {
  readonly config: FlowGeneratorConfig;
  private readonly rng: Random;
  private readonly prefixZipf: Zipf;
  private readonly ifZipf: Zipf;
  private readonly prefixBase: Uint32Array;
  private readonly prefixLen: Uint8Array;
  private readonly prefixAs: Uint32Array;
  private readonly nextHops: Uint32Array;

  constructor(config: Partial<FlowGeneratorConfig> = {}) {
    this.config = { ...defaultFlowGeneratorConfig, ...config };
    const n = this.config.prefixes;
    this.rng = new Random(this.config.seed);
    this.prefixZipf = new Zipf(n, 1.05);
    this.ifZipf = new Zipf(this.config.interfaces, 1.2);
    this.prefixBase = new Uint32Array(n);
    this.prefixLen = new Uint8Array(n);
    this.prefixAs = new Uint32Array(n);
    const asZipf = new Zipf(Math.max(1, n >> 2), 1.0);
    for (let i = 0; i < n; i++) {
      const len = routeLengths[this.rng.int(routeLengths.length)]!;
      // Public-looking unicast space 1.0.0.0 - 223.255.255.255, aligned to the prefix.
      const addr = (0x01000000 + this.rng.int(0xdf000000 - 0x01000000)) >>> 0;
      this.prefixBase[i] = (addr & (0xffffffff << (32 - len))) >>> 0;
      this.prefixLen[i] = len;
      // Several prefixes share an origin AS; 16-bit and 32-bit ASNs both occur.
      const asRank = asZipf.draw(this.rng);
      this.prefixAs[i] = asRank % 5 === 4 ? 196608 + asRank * 7 : 1 + ((asRank * 2477) % 64000);
    }
    this.nextHops = new Uint32Array(8);
    for (let i = 0; i < 8; i++) this.nextHops[i] = (0x0a000001 + (i << 8)) >>> 0; // 10.0.i.1
  }

  /** Fills `f` with the next flow; flows end within `maxAgeMs` before `nowMs`. */
  next(f: ExportFlow, nowMs: number): void {
    const rng = this.rng;
    const v6 = this.config.ipv6Fraction > 0 && rng.next() < this.config.ipv6Fraction;
    const src = this.prefixZipf.draw(rng);
    const dst = this.prefixZipf.draw(rng);
    this.address(f.srcAddr, src, v6);
    this.address(f.dstAddr, dst, v6);
    f.ipVersion = v6 ? 6 : 4;
    f.srcAs = this.prefixAs[src]!;
    f.dstAs = this.prefixAs[dst]!;
    f.srcMask = v6 ? 48 : this.prefixLen[src]!;
    f.dstMask = v6 ? 48 : this.prefixLen[dst]!;
    const hop = this.nextHops[rng.int(8)]!;
    if (v6) {
      this.address(f.nextHop, rng.int(8), true);
      f.bgpNextHop.set(f.nextHop);
    } else {
      setIPv4(f.nextHop, hop);
      setIPv4(f.bgpNextHop, (hop + 0x100000) >>> 0);
    }
    const p = rng.next();
    f.protocol = p < 0.8 ? 6 : p < 0.98 ? 17 : v6 ? 58 : 1;
    const server = serverPorts[serverPortWeights.draw(rng)]!;
    const client = 32768 + rng.int(28232);
    const toServer = rng.next() < 0.5;
    if (f.protocol === 1 || f.protocol === 58) {
      f.srcPort = 0;
      f.dstPort = rng.next() < 0.5 ? 0x0800 : 0x0000; // echo request / reply
      f.tcpFlags = 0;
      f.appName = '';
    } else {
      f.srcPort = toServer ? client : server;
      f.dstPort = toServer ? server : client;
      f.tcpFlags = f.protocol === 6 ? tcpFlagSets[rng.int(tcpFlagSets.length)]! : 0;
      f.appName = appNames[server] ?? '';
    }
    f.tos = rng.next() < 0.9 ? 0 : (rng.int(8) << 5) | 0;
    const packets = 1 + Math.floor(rng.exponential(this.config.meanPackets));
    f.packets = packets;
    f.bytes = packets * packetSizes[rng.int(packetSizes.length)]!;
    f.outPackets = 0;
    f.outBytes = 0;
    f.inputIf = 1 + this.ifZipf.draw(rng);
    f.outputIf = 1 + ((f.inputIf + 1 + this.ifZipf.draw(rng)) % this.config.interfaces);
    f.vlanIn = rng.next() < 0.3 ? 100 + rng.int(20) : 0;
    f.vlanOut = f.vlanIn === 0 ? 0 : 200 + rng.int(20);
    f.srcMac = 0x02_00_00_00_00_00 + f.inputIf;
    f.dstMac = 0x02_00_00_00_01_00 + f.outputIf;
    f.direction = 0;
    f.mplsLabel = 0;
    const end = nowMs - rng.int(this.config.maxAgeMs);
    f.endMs = end;
    f.startMs = end - Math.floor(rng.exponential(5_000));
  }

  /** Fills every flow of `flows` (see `next`). */
  fill(flows: readonly ExportFlow[], nowMs: number): void {
    for (const f of flows) this.next(f, nowMs);
  }

  private address(out: Uint8Array, prefix: number, v6: boolean): void {
    const base = this.prefixBase[prefix]!;
    const host = this.rng.u32() & ~(0xffffffff << (32 - this.prefixLen[prefix]!));
    if (!v6) {
      setIPv4(out, (base | host) >>> 0);
      return;
    }
    // 2001:db8-style documentation space widened by the prefix: 2a0x:pppp:pppp::host.
    out.fill(0);
    out[0] = 0x2a;
    out[1] = 0x00 | (prefix & 0x0f);
    out[2] = base >>> 24;
    out[3] = (base >>> 16) & 0xff;
    out[4] = (base >>> 8) & 0xff;
    out[5] = base & 0xff;
    out[12] = host >>> 24;
    out[13] = (host >>> 16) & 0xff;
    out[14] = (host >>> 8) & 0xff;
    out[15] = (host & 0xff) | 1;
  }
}

export function createFlows(n: number, create: () => ExportFlow): ExportFlow[] {
  const out: ExportFlow[] = [];
  for (let i = 0; i < n; i++) out.push(create());
  return out;
}
