import { overflowTagValue, type Registry } from '../metrics/registry.js';
import type { TenantTotals } from './write/stats.js';

export interface TenantGaugeSource {
  /** In memory and in the WAL (the write path). */
  readonly open: (tenant: string) => TenantTotals;
  /** Sealed segment files (the catalog): files of every kind, their bytes, flow rows. */
  readonly disk: (tenant: string) => { files: number; bytes: number; rows: number };
}

type Reading = (s: TenantGaugeSource, tenant: string) => number;

const gauges: readonly (readonly [name: string, help: string, read: Reading])[] = [
  ['flowlens_store_open_rows', 'Rows in open (unsealed, in-memory) minutes', (s, t) => s.open(t).openRows],
  ['flowlens_store_open_minutes', 'Minutes with open (unsealed) rows', (s, t) => s.open(t).openMinutes],
  [
    'flowlens_store_open_bytes',
    'Bytes of the open minutes’ columns in memory',
    (s, t) => s.open(t).openBytes,
  ],
  ['flowlens_store_wal_files', 'WAL files on disk', (s, t) => s.open(t).walFiles],
  ['flowlens_store_wal_disk_bytes', 'Bytes of the WAL files on disk', (s, t) => s.open(t).walBytes],
  ['flowlens_store_segment_files', 'Segment files on disk (flows and rollups)', (s, t) => s.disk(t).files],
  ['flowlens_store_segment_bytes', 'Bytes of the segment files on disk', (s, t) => s.disk(t).bytes],
  ['flowlens_store_segment_rows', 'Flow rows in sealed segment files', (s, t) => s.disk(t).rows],
];

/**
 * The per-tenant gauges (tag `tenant`), registered when a tenant first shows up. Past the
 * registry's limit of distinct tenant values the registry hands out the `other` series: it then
 * reads the sum over every tenant that did not get a series of its own, so totals stay right.
 */
export class TenantGauges {
  private readonly tracked = new Set<string>();
  private readonly overflow = new Set<string>();

  constructor(
    private readonly registry: Registry,
    private readonly source: TenantGaugeSource,
  ) {}

  track(tenant: string): void {
    if (this.tracked.has(tenant)) return;
    this.tracked.add(tenant);
    for (const [name, help, read] of gauges) {
      const gauge = this.registry.gaugeFn(name, () => read(this.source, tenant), { tenant }, { help });
      if (gauge.tags.tenant === tenant) continue;
      this.overflow.add(tenant);
      // A tenant really named `other` shares the series from now on.
      if (this.tracked.has(overflowTagValue)) this.overflow.add(overflowTagValue);
      // Registering the `other` series again replaces its function: the sum over the overflow.
      this.registry.gaugeFn(name, () => this.sum(read), { tenant: gauge.tags.tenant! }, { help });
    }
  }

  private sum(read: Reading): number {
    let total = 0;
    for (const tenant of this.overflow) total += read(this.source, tenant);
    return total;
  }
}
