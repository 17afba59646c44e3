import { createFlowBatch, F, type FlowBatch } from '../flow/batch.js';
import { defaultTenant } from '../ingest/devices.js';
import type { FlowStoreSink } from '../ingest/sink.js';

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

/** Device id → tenant; undefined for a device the registry does not know (stored under 'default'). */
export type TenantOf = (deviceId: number) => string | undefined;

export class StoreSink implements FlowStoreSink {
  readonly stats: StoreSinkStats = { batches: 0, storedFlows: 0, lostFlows: 0, errors: {} };
  /** Spare per-tenant batches for splitting, returned once their append settles. */
  private readonly parts = new Map<string, FlowBatch>();

  constructor(
    private readonly target: StoreSinkTarget,
    private readonly tenantOf: TenantOf,
  ) {}

  async write(flows: FlowBatch): Promise<void> {
    if (flows.length === 0) return;
    this.stats.batches++;
    const split = this.split(flows);
    if (split === undefined) {
      await this.append(this.tenantOf(flows.arrays[F.i_device_id]![0]!) ?? defaultTenant, flows);
      return;
    }
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

  /** Undefined when every row belongs to one tenant; else one batch per tenant. */
  private split(flows: FlowBatch): Map<string, FlowBatch> | undefined {
    const devices = flows.arrays[F.i_device_id]!;
    const tenants: string[] = new Array(flows.length);
    let lastDevice = -1;
    let lastTenant = '';
    let mixed = false;
    for (let row = 0; row < flows.length; row++) {
      if (devices[row] !== lastDevice) {
        lastDevice = devices[row]!;
        lastTenant = this.tenantOf(lastDevice) ?? defaultTenant;
      }
      tenants[row] = lastTenant;
      if (lastTenant !== tenants[0]) mixed = true;
    }
    if (!mixed) return undefined;
    const out = new Map<string, FlowBatch>();
    for (let row = 0; row < flows.length; row++) {
      const tenant = tenants[row]!;
      let part = out.get(tenant);
      if (part === undefined) {
        part = this.parts.get(tenant) ?? createFlowBatch(flows.length);
        this.parts.delete(tenant);
        out.set(tenant, part);
      }
      copyRow(flows, row, part);
    }
    return out;
  }
}

/** Appends row `row` of `from` to `to` (strings re-coded in `to`'s dictionaries). */
export function copyRow(from: FlowBatch, row: number, to: FlowBatch): void {
  to.reserve(1);
  const at = to.length;
  for (let c = 0; c < from.schema.length; c++) {
    const src = from.arrays[c]!;
    const dst = to.arrays[c]!;
    const type = from.schema[c]!.type;
    if (type === 'addr') {
      const o = row * 16;
      let any = false;
      for (let i = 0; i < 16; i++) any ||= src[o + i] !== 0;
      if (!any) continue;
      (dst as Uint8Array).set((src as Uint8Array).subarray(o, o + 16), at * 16);
    } else {
      const v = src[row]!;
      if (v === 0) continue;
      dst[at] = type === 'string' ? to.dicts[c]!.code(from.dicts[c]!.values[v]!) : v;
    }
    to.touch(c);
  }
  to.length = at + 1;
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
