/**
 * /proc/net/dev: one line per interface, `  eth0: rx(bytes packets errs drop fifo frame compressed
 * multicast) tx(bytes packets errs drop fifo colls carrier compressed)`. The kernel prints rx
 * `drop` as rx_dropped + rx_missed_errors (net/core/net-procfs.c); interface names never hold a
 * colon (dev_valid_name), so the first colon ends the name.
 */
export interface NetDevCounters {
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly rxErrors: number;
  readonly rxDrops: number;
  readonly txBytes: number;
  readonly txPackets: number;
  readonly txErrors: number;
  readonly txDrops: number;
}

export type NetDevField = keyof NetDevCounters;

/** Interface name → its counters, in file order. */
export function parseNetDev(text: string): Map<string, NetDevCounters> {
  const out = new Map<string, NetDevCounters>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (name === '' || f.length < 16 || f.some((n) => !Number.isFinite(n))) continue;
    out.set(name, {
      rxBytes: f[0]!,
      rxPackets: f[1]!,
      rxErrors: f[2]!,
      rxDrops: f[3]!,
      txBytes: f[8]!,
      txPackets: f[9]!,
      txErrors: f[10]!,
      txDrops: f[11]!,
    });
  }
  return out;
}
