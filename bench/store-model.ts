import { AliasZipf, FastRandom } from './store-random.js';

/**
 * The network behind the store benchmark's data set: ten edge routers of one operator, each with
 * customer prefixes behind its access ports and a few uplinks to the Internet. Remote prefixes
 * (IPv4 and IPv6) are drawn Zipf-skewed by traffic and belong to origin ASes that are themselves
 * Zipf-skewed (a big AS announces many prefixes). Everything is derived from the seed.
 */

export interface ModelConfig {
  readonly seed: number;
  readonly devices: number;
  readonly remoteV4Prefixes: number;
  readonly remoteV6Prefixes: number;
  readonly originAses: number;
}

export const defaultModelConfig: ModelConfig = {
  seed: 42,
  devices: 10,
  remoteV4Prefixes: 30_000,
  remoteV6Prefixes: 5_000,
  originAses: 6_000,
};

/** The operator's own AS, the origin of every customer prefix. */
export const LOCAL_AS = 64_500;
export const UPLINKS = 4;
export const ACCESS_PORTS = 40;
export const LOCAL_V4_PREFIXES = 16;
export const LOCAL_V6_PREFIXES = 4;

/** Sampling rate per device: mostly 1:1000-class sampling, one unsampled device. */
const sampleRates = [1000, 1000, 2000, 500, 1024, 1000, 4096, 256, 100, 1];

export interface Device {
  readonly id: number;
  readonly name: string;
  readonly sampleRate: number;
  /** Share of all flows this device exports (the shares sum to 1). */
  readonly share: number;
  readonly v4Base: Uint32Array;
  readonly v4Len: Uint8Array;
  /** Upper 32 bits of each customer /48 (the next 16 bits are the prefix index). */
  readonly v6Base: Uint32Array;
}

/** A 32-bit integer hash (lowbias32): deterministic host bits without tables. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const v4Lengths = [24, 24, 24, 24, 22, 23, 21, 20, 19, 16, 18, 24];

export class NetworkModel {
  readonly config: ModelConfig;
  readonly devices: Device[] = [];
  /** Cumulative device shares, for drawing the exporting device of a flow. */
  readonly deviceCdf: Float64Array;
  readonly v4Zipf: AliasZipf;
  readonly v4Base: Uint32Array;
  readonly v4Len: Uint8Array;
  readonly v4As: Uint32Array;
  readonly v6Zipf: AliasZipf;
  /** Upper 32 bits of each remote IPv6 prefix; the prefix length is in v6Len. */
  readonly v6Hi: Uint32Array;
  readonly v6Len: Uint8Array;
  readonly v6As: Uint32Array;

  constructor(config: Partial<ModelConfig> = {}) {
    this.config = { ...defaultModelConfig, ...config };
    const rng = new FastRandom(this.config.seed ^ 0x5eed);
    const asZipf = new AliasZipf(this.config.originAses, 0.9);
    const asn = (rank: number) =>
      rank % 5 === 4 ? 131_072 + (mix32(rank) % 270_000) : 1 + (mix32(rank) % 64_000);
    const n4 = this.config.remoteV4Prefixes;
    this.v4Zipf = new AliasZipf(n4, 1.05);
    this.v4Base = new Uint32Array(n4);
    this.v4Len = new Uint8Array(n4);
    this.v4As = new Uint32Array(n4);
    for (let i = 0; i < n4; i++) {
      const len = v4Lengths[rng.int(v4Lengths.length)]!;
      const addr = (0x01000000 + rng.int(0xdf000000 - 0x01000000)) >>> 0;
      this.v4Base[i] = (addr & (0xffffffff << (32 - len))) >>> 0;
      this.v4Len[i] = len;
      this.v4As[i] = asn(asZipf.draw(rng));
    }
    const n6 = this.config.remoteV6Prefixes;
    this.v6Zipf = new AliasZipf(n6, 1.05);
    this.v6Hi = new Uint32Array(n6);
    this.v6Len = new Uint8Array(n6);
    this.v6As = new Uint32Array(n6);
    for (let i = 0; i < n6; i++) {
      this.v6Hi[i] = (0x24000000 + rng.int(0x0c000000)) >>> 0; // 2400::/6-ish global unicast
      this.v6Len[i] = [32, 36, 40, 44, 48, 48, 48][rng.int(7)]!;
      this.v6As[i] = asn(asZipf.draw(rng));
    }
    let total = 0;
    const weights: number[] = [];
    for (let d = 0; d < this.config.devices; d++) {
      weights.push(1 / (d + 1) ** 0.7);
      total += weights[d]!;
    }
    this.deviceCdf = new Float64Array(this.config.devices);
    let sum = 0;
    for (let d = 0; d < this.config.devices; d++) {
      sum += weights[d]! / total;
      this.deviceCdf[d] = sum;
      this.devices.push(this.device(d, weights[d]! / total, rng));
    }
    this.deviceCdf[this.config.devices - 1] = 1;
  }

  private device(d: number, share: number, rng: FastRandom): Device {
    const v4Base = new Uint32Array(LOCAL_V4_PREFIXES);
    const v4Len = new Uint8Array(LOCAL_V4_PREFIXES);
    for (let p = 0; p < LOCAL_V4_PREFIXES; p++) {
      const len = 20 + rng.int(5);
      const addr = (0x64000000 + d * 0x00400000 + p * 0x00004000) >>> 0; // carved out of 100.x/8
      v4Base[p] = (addr & (0xffffffff << (32 - len))) >>> 0;
      v4Len[p] = len;
    }
    const v6Base = new Uint32Array(LOCAL_V6_PREFIXES);
    for (let p = 0; p < LOCAL_V6_PREFIXES; p++) v6Base[p] = (0x2001_0db8 + d * 0x10) >>> 0;
    return {
      id: d + 1,
      name: `edge-${String(d + 1).padStart(2, '0')}`,
      sampleRate: sampleRates[d % sampleRates.length]!,
      share,
      v4Base,
      v4Len,
      v6Base,
    };
  }

  /** The device exporting a flow, for a uniform draw `u` in [0, 1). */
  deviceFor(u: number): Device {
    const cdf = this.deviceCdf;
    let d = 0;
    while (cdf[d]! <= u && d < cdf.length - 1) d++;
    return this.devices[d]!;
  }
}
