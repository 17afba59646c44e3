import { isIPv4 } from 'node:net';

/** The built-in demo exporter: simulated routers sending NetFlow v9 to a collector's UDP port. */
export interface DemoExporterConfig {
  /** Where the collector listens (IPv4). */
  targetAddress: string;
  targetPort: number;
  /** How many routers to simulate. */
  routers: number;
  /** Source address of the first router; the next ones count up from it (127.0.0.11, .12, …). */
  firstSource: string;
  /** Flows per second of the busiest router; the others send a fixed fraction of it. */
  flowsPerSecond: number;
  /** How often the routers export what accumulated. */
  tickMs: number;
  /** Templates, the options template and sampling options data are re-sent this often. */
  templateIntervalMs: number;
  /** Largest datagram (bytes): the usual export MTU. */
  maxBytes: number;
  /** Seed of every router's flow generator (router i uses seed + i). */
  seed: number;
}

export const defaultDemoExporterConfig: DemoExporterConfig = {
  targetAddress: '127.0.0.1',
  targetPort: 2055,
  routers: 4,
  firstSource: '127.0.0.11',
  flowsPerSecond: 1000,
  tickMs: 100,
  templateIntervalMs: 10_000,
  maxBytes: 1400,
  seed: 1,
};

/** One simulated router: who it is and how it exports. */
export interface RouterProfile {
  readonly role: string;
  /** The source address its datagrams come from. */
  readonly address: string;
  /** NetFlow v9 source id (observation domain). */
  readonly sourceId: number;
  /** 1-in-N packet sampling, announced in options data. */
  readonly sampleRate: number;
  /** ifIndex of the first interface and how many there are. */
  readonly firstIfIndex: number;
  readonly interfaces: number;
  readonly flowsPerSecond: number;
  readonly ipv6Fraction: number;
  readonly seed: number;
  /** How long before the exporter started the router booted (its sysUptime then). */
  readonly uptimeMs: number;
}

const DAY_MS = 86_400_000;

/**
 * Roles cycled over the routers. Sampling rates as operators set them (heavier sampling where the
 * traffic is heavier, the access switch unsampled); ifIndex numbering Cisco-like from 1 except the
 * core router's Juniper-like 500+; uptimes of days, well under sysUptime's 49.7-day wrap.
 */
const roles = [
  { role: 'edge', share: 1, sampleRate: 512, firstIfIndex: 1, interfaces: 48, ipv6: 0.15, days: 12.4 },
  { role: 'border', share: 0.7, sampleRate: 1000, firstIfIndex: 1, interfaces: 24, ipv6: 0.25, days: 31.2 },
  { role: 'core', share: 0.5, sampleRate: 2048, firstIfIndex: 501, interfaces: 96, ipv6: 0.1, days: 5.7 },
  { role: 'access', share: 0.3, sampleRate: 1, firstIfIndex: 1, interfaces: 16, ipv6: 0.05, days: 2.1 },
] as const;

/** The routers of a config, in order. Throws on a config that cannot work. */
export function routerProfiles(config: DemoExporterConfig): RouterProfile[] {
  if (!isIPv4(config.targetAddress))
    throw new Error(`demo exporter: target ${config.targetAddress} is not an IPv4 address`);
  if (!Number.isInteger(config.routers) || config.routers < 1 || config.routers > 200)
    throw new Error(`demo exporter: routers must be 1-200, got ${config.routers}`);
  if (!(config.flowsPerSecond > 0)) throw new Error('demo exporter: flowsPerSecond must be positive');
  // The template packet (about 230 bytes) and one IPv6 record (103) must fit in a datagram.
  if (!(config.maxBytes >= 300 && config.maxBytes <= 65_507))
    throw new Error(`demo exporter: maxBytes must be 300-65507, got ${config.maxBytes}`);
  const first = config.firstSource.split('.').map(Number);
  if (!isIPv4(config.firstSource) || first[0] !== 127 || first[3]! + config.routers - 1 > 254)
    throw new Error(
      `demo exporter: sources ${config.firstSource} and the ${config.routers - 1} after it must be in 127.0.0.0/8 (last octet up to 254)`,
    );
  const out: RouterProfile[] = [];
  for (let i = 0; i < config.routers; i++) {
    const r = roles[i % roles.length]!;
    out.push({
      role: `${r.role}${1 + Math.floor(i / roles.length)}`,
      address: `${first[0]}.${first[1]}.${first[2]}.${first[3]! + i}`,
      sourceId: i + 1,
      sampleRate: r.sampleRate,
      firstIfIndex: r.firstIfIndex,
      interfaces: r.interfaces,
      flowsPerSecond: config.flowsPerSecond * r.share,
      ipv6Fraction: r.ipv6,
      seed: config.seed + i,
      uptimeMs: Math.round((r.days + i * 0.37) * DAY_MS),
    });
  }
  return out;
}
