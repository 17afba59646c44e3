import { F, type FlowBatch } from '../src/flow/batch.js';
import { type Conversation, ConversationRing, emptyConversation } from './store-conversations.js';
import {
  ACCESS_PORTS,
  LOCAL_AS,
  LOCAL_V4_PREFIXES,
  LOCAL_V6_PREFIXES,
  mix32,
  NetworkModel,
  UPLINKS,
} from './store-model.js';
import { AliasZipf, FastRandom } from './store-random.js';
import { type Columns, columns, hostMask, write4, write16, writtenColumns } from './store-rows.js';

/**
 * The store benchmark's data set: `flows` router flows, generated deterministically from `seed`
 * in receive order (all devices interleaved, as the collector hands them to the store), written
 * straight into a reused flow batch. See docs/bench.md for the distributions.
 */
export interface DataSetConfig {
  readonly seed: number;
  readonly flows: number;
  /** Flows per second over all devices: sets how many minutes the data set spans. */
  readonly flowsPerSec: number;
  readonly ipv6Fraction: number;
  /** Share of records that repeat one of the device's recent conversations. */
  readonly recurring: number;
  /** Receive time of the first flow (ms, minute-aligned). */
  readonly startMs: number;
}

export const defaultDataSetConfig: DataSetConfig = {
  seed: 42,
  flows: 100_000_000,
  flowsPerSec: 10_000,
  ipv6Fraction: 0.15,
  recurring: 0.25,
  startMs: Date.UTC(2026, 0, 5, 0, 0, 0),
};

const tcpPorts = [443, 80, 8080, 22, 993, 25, 8443, 3389, 587, 143, 110, 3306, 5432, 1935, 6881, 5222];
const udpPorts = [53, 443, 123, 3478, 4500, 500, 1194, 5060, 161, 19302, 27015, 51820];
const icmp4 = [0x0800, 0x0000, 0x0303, 0x0b00, 0x0301];
const icmp6 = [0x8000, 0x8100, 0x0104, 0x0300, 0x8700];
const flagsOnePacket = [0x10, 0x10, 0x10, 0x18, 0x18, 0x02, 0x12, 0x11, 0x04, 0x14];
const flagsMany = [0x1b, 0x1b, 0x1b, 0x1a, 0x18, 0x1f, 0x10, 0x19, 0x1e, 0x12];
const dscp = [0x20, 0x28, 0x48, 0x68, 0x88, 0xb8, 0x02, 0x01];
const MINUTE = 60_000;
/** Active hosts per customer prefix (ranked, Zipf-skewed); for IPv6 each has a random interface id. */
const LOCAL_HOSTS = 4096;
const RECENT_CONVERSATIONS = 8192;

export class DataSet {
  readonly config: DataSetConfig;
  readonly model: NetworkModel;
  /** Flows generated so far. */
  produced = 0;
  private readonly rng: FastRandom;
  private readonly tcpZipf = new AliasZipf(tcpPorts.length, 1.4);
  private readonly udpZipf = new AliasZipf(udpPorts.length, 1.3);
  private readonly remoteHostZipf = new AliasZipf(1024, 1.1);
  private readonly localHostZipf = new AliasZipf(LOCAL_HOSTS, 0.8);
  private readonly cv = emptyConversation();
  private readonly rings: ConversationRing[];
  private readonly localV4Zipf = new AliasZipf(LOCAL_V4_PREFIXES, 0.8);
  private readonly localV6Zipf = new AliasZipf(LOCAL_V6_PREFIXES, 0.8);
  private readonly uplinkZipf = new AliasZipf(UPLINKS, 1.0);

  constructor(config: Partial<DataSetConfig> = {}) {
    this.config = { ...defaultDataSetConfig, ...config };
    this.model = new NetworkModel({ seed: this.config.seed });
    this.rng = new FastRandom(this.config.seed);
    this.rings = this.model.devices.map(() => new ConversationRing(RECENT_CONVERSATIONS));
  }

  get done(): boolean {
    return this.produced >= this.config.flows;
  }

  /** Receive time of flow number `i` (ms). */
  receiveTime(i: number): number {
    return this.config.startMs + Math.floor((i * 1000) / this.config.flowsPerSec);
  }

  /**
   * Replaces the batch's content with the next `rows` flows (fewer at the end of the set);
   * returns how many. The batch must hold `rows` rows without growing.
   */
  fill(batch: FlowBatch, rows: number): number {
    const n = Math.min(rows, this.config.flows - this.produced);
    if (n > batch.capacity) throw new Error(`batch capacity ${batch.capacity} < ${n}`);
    if (n < batch.length) batch.clear();
    batch.touchAll(writtenColumns);
    const names = batch.dicts[F.i_device_name]!;
    const nameCodes = this.model.devices.map((d) => names.code(d.name));
    const c = columns(batch);
    for (let r = 0; r < n; r++) this.row(c, r, nameCodes);
    batch.length = n;
    this.produced += n;
    return n;
  }

  private row(c: Columns, r: number, nameCodes: number[]): void {
    const rng = this.rng;
    const m = this.model;
    const t = this.receiveTime(this.produced + r);
    const dev = m.deviceFor(rng.next());
    const cv = this.cv;
    const ring = this.rings[dev.id - 1]!;
    if (ring.count > 0 && rng.next() < this.config.recurring) ring.recall(rng.int(ring.count), cv);
    else {
      this.newConversation(cv);
      ring.remember(cv);
    }
    const inbound = cv.inbound;
    const local = inbound ? c.dst_addr : c.src_addr;
    const remote = inbound ? c.src_addr : c.dst_addr;
    const lp = cv.localPrefix;
    const rp = cv.remotePrefix;
    const host = mix32(cv.localHost * 0x9e37 + (dev.id << 12) + lp);
    let remoteAs: number;
    let localLen: number;
    let remoteLen: number;
    if (cv.v6) {
      write16(local, r, dev.v6Base[lp]!, (lp << 16) | (host & 0xf), mix32(host), mix32(~host));
      localLen = 48;
      const netBits = m.v6Len[rp]! - 32;
      const net = netBits === 0 ? 0 : (mix32(rp) >>> (32 - netBits)) << (32 - netBits);
      const rank = cv.remoteHost;
      write16(remote, r, m.v6Hi[rp]!, net >>> 0, rank & 1 ? mix32(rank ^ rp) : 0, mix32(rank * 31 + rp));
      remoteLen = m.v6Len[rp]!;
      remoteAs = m.v6As[rp]!;
    } else {
      localLen = dev.v4Len[lp]!;
      write4(local, r, (dev.v4Base[lp]! | (host & hostMask(localLen))) >>> 0);
      remoteLen = m.v4Len[rp]!;
      write4(remote, r, (m.v4Base[rp]! | (mix32(cv.remoteHost * 0x10001 + rp) & hostMask(remoteLen))) >>> 0);
      remoteAs = m.v4As[rp]!;
    }
    const access = 100 + ((lp * 7 + dev.id) % ACCESS_PORTS);
    const output = inbound ? access : cv.uplink;
    c.input_port[r] = inbound ? cv.uplink : access;
    c.output_port[r] = output;
    c.src_as[r] = inbound ? remoteAs : LOCAL_AS;
    c.dst_as[r] = inbound ? LOCAL_AS : remoteAs;
    c.src_route_length[r] = inbound ? remoteLen : localLen;
    c.dst_route_length[r] = inbound ? localLen : remoteLen;
    const hop = c.ipv4_next_hop;
    if (cv.v6) write16(hop, r, 0x20010db8, 0xffff0000 | dev.id, 0, output);
    else
      write4(
        hop,
        r,
        inbound ? (0x0a000001 | (dev.id << 16) | (output << 8)) >>> 0 : 0xc6336400 + dev.id * 8 + output,
      );
    this.packets(c, r, t, dev.sampleRate);
    c.i_start_time[r] = t - (t % MINUTE);
    c.i_device_id[r] = dev.id;
    c.i_device_name[r] = nameCodes[dev.id - 1]!;
    c.sample_rate[r] = dev.sampleRate;
    c.ip_version[r] = cv.v6 ? 6 : 4;
  }

  /** Draws a new conversation: family, direction, both ends, protocol and ports. */
  private newConversation(cv: Conversation): void {
    const rng = this.rng;
    const m = this.model;
    cv.v6 = rng.next() < this.config.ipv6Fraction;
    cv.inbound = rng.next() < 0.5;
    cv.localPrefix = cv.v6 ? this.localV6Zipf.draw(rng) : this.localV4Zipf.draw(rng);
    cv.localHost = this.localHostZipf.draw(rng);
    cv.remotePrefix = cv.v6 ? m.v6Zipf.draw(rng) : m.v4Zipf.draw(rng);
    cv.remoteHost = this.remoteHostZipf.draw(rng);
    cv.uplink = 1 + this.uplinkZipf.draw(rng);
    const p = rng.next();
    const proto = p < 0.78 ? 6 : p < 0.97 ? 17 : p < 0.99 ? (cv.v6 ? 58 : 1) : p < 0.995 ? 47 : 50;
    cv.protocol = proto;
    cv.serverPort = 0;
    cv.clientPort = 0;
    if (proto === 6) cv.serverPort = tcpPorts[this.tcpZipf.draw(rng)]!;
    else if (proto === 17) cv.serverPort = udpPorts[this.udpZipf.draw(rng)]!;
    else if (proto === 1 || proto === 58) cv.clientPort = (proto === 1 ? icmp4 : icmp6)[rng.int(5)]!;
    if (cv.serverPort !== 0)
      cv.clientPort = rng.next() < 0.7 ? 32768 + rng.int(28232) : 49152 + rng.int(16384);
    cv.tos = rng.next() < 0.88 ? 0 : dscp[rng.int(dscp.length)]!;
  }

  /** Ports, flags, ToS, packets, bytes and the exporter's flow times of one record. */
  private packets(c: Columns, r: number, t: number, rate: number): void {
    const rng = this.rng;
    const cv = this.cv;
    const proto = cv.protocol;
    const icmp = proto === 1 || proto === 58;
    c.protocol[r] = proto;
    c.l4_src_port[r] = icmp ? 0 : cv.inbound ? cv.serverPort : cv.clientPort;
    c.l4_dst_port[r] = icmp ? cv.clientPort : cv.inbound ? cv.clientPort : cv.serverPort;
    const sampled = rate === 1 ? 1 + Math.floor(rng.exponential(15)) : 1 + Math.floor(rng.exponential(0.4));
    c.tcp_flags[r] = proto !== 6 ? 0 : sampled === 1 ? flagsOnePacket[rng.int(10)]! : flagsMany[rng.int(10)]!;
    c.tos[r] = cv.tos;
    const s = rng.next();
    const size =
      s < 0.4
        ? 40 + Math.floor(rng.exponential(30))
        : s < 0.85
          ? 1500 - rng.int(4) * 20
          : 120 + rng.int(1180);
    c.in_pkts[r] = sampled * rate;
    c.in_bytes[r] = Math.min(size, 1500) * sampled * rate;
    const duration = sampled === 1 ? 0 : Math.min(60_000, Math.floor(rng.exponential(10_000)));
    // Active-timeout flows are exported at once; idle ones after the 15 s inactive timeout.
    const end = t - (duration === 60_000 ? rng.int(1000) : 15_000 + rng.int(1000));
    c.flow_end_time[r] = end;
    c.flow_start_time[r] = end - duration;
  }
}
