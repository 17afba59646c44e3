import { readFileSync } from 'node:fs';
import { overflowTagValue, type Registry } from '../registry.js';
import { cachedLoad } from './cached-load.js';
import { type NetDevCounters, type NetDevField, parseNetDev } from './proc-net-dev.js';
import { type SourceOptions, works } from './sources.js';

export const netFields: readonly [NetDevField, string, string][] = [
  ['rxBytes', 'flowlens_host_network_receive_bytes_total', 'Bytes received by the interface'],
  ['rxPackets', 'flowlens_host_network_receive_packets_total', 'Packets received by the interface'],
  ['rxErrors', 'flowlens_host_network_receive_errors_total', 'Receive errors the interface reported'],
  [
    'rxDrops',
    'flowlens_host_network_receive_drops_total',
    'Received packets dropped before the stack took them (no buffer, missed by the NIC)',
  ],
  ['txBytes', 'flowlens_host_network_transmit_bytes_total', 'Bytes sent by the interface'],
  ['txPackets', 'flowlens_host_network_transmit_packets_total', 'Packets sent by the interface'],
  ['txErrors', 'flowlens_host_network_transmit_errors_total', 'Transmit errors the interface reported'],
  ['txDrops', 'flowlens_host_network_transmit_drops_total', 'Packets dropped on the way out'],
];

/**
 * Per-interface counters of /proc/net/dev, tag `iface`. Interfaces come and go (containers, VPNs):
 * each re-read registers the new ones and removes the series of those gone. The registry bounds
 * the tag; interfaces past its limit are summed into `iface="other"`.
 */
export function registerNetworkMetrics(registry: Registry, { procRoot, maxAgeMs }: SourceOptions): void {
  /** Interface → whether it has its own series (true) or is summed into `other` (false). */
  const tracked = new Map<string, boolean>();
  let current = new Map<string, NetDevCounters>();
  const field = (iface: string, f: NetDevField) => () => {
    read();
    return current.get(iface)?.[f] ?? Number.NaN;
  };
  const others = (f: NetDevField) => () => {
    read();
    let sum = 0;
    for (const [iface, own] of tracked) if (!own) sum += current.get(iface)?.[f] ?? 0;
    return sum;
  };

  const track = (iface: string) => {
    let own = true;
    for (const [f, name, help] of netFields) {
      const metric = registry.counterFn(name, field(iface, f), { iface }, { help });
      if (metric.tags.iface === overflowTagValue && iface !== overflowTagValue) {
        own = false;
        registry.counterFn(name, others(f), { iface: overflowTagValue });
      }
    }
    tracked.set(iface, own);
  };
  const untrack = (iface: string) => {
    if (tracked.get(iface) === true) for (const [, name] of netFields) registry.remove(name, { iface });
    tracked.delete(iface);
  };

  const read = cachedLoad(() => {
    current = parseNetDev(readFileSync(`${procRoot}/net/dev`, 'utf8'));
    for (const iface of current.keys()) if (!tracked.has(iface)) track(iface);
    for (const iface of [...tracked.keys()]) if (!current.has(iface)) untrack(iface);
  }, maxAgeMs);
  works(read);
}
