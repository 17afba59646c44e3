import { createFlowBatch, type FlowBatch } from '../flow/batch.js';
import type { FlowStoreSink } from '../ingest/sink.js';
import { type TenantOf, TenantSplitter } from './tenant-split.js';

export type { TenantOf } from './tenant-split.js';

/**
 * The collector → store adapter. The collector's batches mix devices, and devices belong to
 * tenants: each batch is split per tenant (one append each; the common single-tenant batch is
 * appended as is, without a copy) and the write's promise settles once every part is durable, so
 * the collector reuses the batch only then. Failed appends are counted per error code and
 * rethrown (the collector counts the lost flows and logs them at a limited rate).
 */

export interface StoreSinkTarget {
  append(tenant: string, flows: FlowBatch): Promise<void>;
  /** Makes everything appended durable (fsync under relaxed policies). */
  flush(): Promise<void>;
}

export interface StoreSinkStats {
  batches: number;
  storedFlows: number;
  lostFlows: number;
  /** Failed appends per error code (store_disk_full, store_write_failed, …). */
  errors: Record<string, number>;
}

export class StoreSink implements FlowStoreSink {
  readonly stats: StoreSinkStats = { batches: 0, storedFlows: 0, lostFlows: 0, errors: {} };
  /** Spare per-tenant batches for splitting, returned once their append settles. */
  private readonly parts = new Map<string, FlowBatch>();
  private readonly splitter: TenantSplitter;

  constructor(
    private readonly target: StoreSinkTarget,
    tenantOf: TenantOf,
  ) {
    this.splitter = new TenantSplitter(tenantOf);
  }

  async write(flows: FlowBatch): Promise<void> {
    if (flows.length === 0) return;
    this.stats.batches++;
    if (this.splitter.resolve(flows) === 1) {
      await this.append(this.splitter.tenants[0]!, flows);
      return;
    }
    const split = this.splitter.split(flows, (tenant) => {
      const part = this.parts.get(tenant) ?? createFlowBatch(flows.length);
      this.parts.delete(tenant);
      return part;
    });
    const results = await Promise.allSettled(
      [...split].map(([tenant, part]) =>
        this.append(tenant, part).finally(() => {
          part.clear();
          this.parts.set(tenant, part);
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  flush(): Promise<void> {
    return this.target.flush();
  }

  private async append(tenant: string, flows: FlowBatch): Promise<void> {
    try {
      await this.target.append(tenant, flows);
      this.stats.storedFlows += flows.length;
    } catch (err) {
      this.stats.lostFlows += flows.length;
      const code = String((err as { code?: unknown }).code ?? 'store_write_failed');
      this.stats.errors[code] = (this.stats.errors[code] ?? 0) + 1;
      throw err;
    }
  }
}

/**
 * A TenantOf over the collector's device registry. Configured devices never change; auto-registered
 * ones are added as they appear, so a miss rebuilds the map when the registry has grown.
 */
export function registryTenants(registry: {
  all(): readonly { device: { id: number; tenant: string } }[];
  readonly autoRegisteredVersion: number;
}): TenantOf {
  const tenants = new Map<number, string>();
  let version = -1;
  return (deviceId) => {
    const known = tenants.get(deviceId);
    if (known !== undefined || registry.autoRegisteredVersion === version) return known;
    version = registry.autoRegisteredVersion;
    for (const { device } of registry.all()) tenants.set(device.id, device.tenant);
    return tenants.get(deviceId);
  };
}
