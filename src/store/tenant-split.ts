import { F, type FlowBatch } from '../flow/batch.js';
import { defaultTenant } from '../ingest/devices.js';

/** Device id → tenant; undefined for a device the registry does not know (stored under 'default'). */
export type TenantOf = (deviceId: number) => string | undefined;

const CACHE = 1024;

/**
 * Splits a collector batch by tenant. The tenant of each row is looked up through a small
 * direct-mapped cache of device ids (the collector's batches interleave a few devices row by
 * row: a Map lookup per row cost more than the rest of the split), and a one-tenant batch — the
 * common case — is reported as such without copying anything. Rows of a mixed batch are grouped
 * with a counting sort and copied column by column into one spare batch per tenant.
 */
export class TenantSplitter {
  private readonly cacheIds = new Float64Array(CACHE).fill(-1);
  private readonly cacheTenant = new Uint16Array(CACHE);
  private readonly cacheEpoch = new Uint32Array(CACHE);
  private epoch = 0;
  private rowTenant = new Uint16Array(1024);
  private order = new Uint32Array(1024);
  /** The tenants of the last batch, in order of first appearance. */
  readonly tenants: string[] = [];

  constructor(private readonly tenantOf: TenantOf) {}

  /** Resolves each row's tenant; returns how many tenants the batch has (`tenants`). */
  resolve(flows: FlowBatch): number {
    const n = flows.length;
    if (this.rowTenant.length < n) {
      this.rowTenant = new Uint16Array(Math.max(n, this.rowTenant.length * 2));
      this.order = new Uint32Array(this.rowTenant.length);
    }
    this.tenants.length = 0;
    this.epoch = (this.epoch + 1) >>> 0 || 1;
    const devices = flows.arrays[F.i_device_id]!;
    const rowTenant = this.rowTenant;
    const ids = this.cacheIds;
    const epochs = this.cacheEpoch;
    for (let r = 0; r < n; r++) {
      const id = devices[r]!;
      const slot = id & (CACHE - 1);
      if (ids[slot] !== id || epochs[slot] !== this.epoch) {
        ids[slot] = id;
        epochs[slot] = this.epoch;
        this.cacheTenant[slot] = this.indexOf(this.tenantOf(id) ?? defaultTenant);
      }
      rowTenant[r] = this.cacheTenant[slot]!;
    }
    return this.tenants.length;
  }

  /** After `resolve` found several tenants: each tenant's rows, copied into `spare(tenant)`. */
  split(flows: FlowBatch, spare: (tenant: string) => FlowBatch): Map<string, FlowBatch> {
    const n = flows.length;
    const t = this.tenants.length;
    const starts = new Uint32Array(t + 1);
    for (let r = 0; r < n; r++) starts[this.rowTenant[r]! + 1]!++;
    for (let k = 0; k < t; k++) starts[k + 1]! += starts[k]!;
    const next = starts.slice(0, t);
    for (let r = 0; r < n; r++) this.order[next[this.rowTenant[r]!]!++] = r;
    const touched = (flows as unknown as { touched?: Uint8Array }).touched;
    const out = new Map<string, FlowBatch>();
    for (let k = 0; k < t; k++) {
      const part = spare(this.tenants[k]!);
      copyRows(flows, this.order.subarray(starts[k]!, starts[k + 1]!), part, touched);
      out.set(this.tenants[k]!, part);
    }
    return out;
  }

  private indexOf(tenant: string): number {
    const at = this.tenants.indexOf(tenant);
    return at >= 0 ? at : this.tenants.push(tenant) - 1;
  }
}

/** Appends rows `rows` of `from` to `to`, column by column (strings re-coded in `to`'s dictionaries). */
function copyRows(from: FlowBatch, rows: Uint32Array, to: FlowBatch, touched: Uint8Array | undefined): void {
  to.reserve(rows.length);
  const at = to.length;
  for (let c = 0; c < from.schema.length; c++) {
    if (touched !== undefined && touched[c] !== 1) continue;
    const src = from.arrays[c]!;
    const dst = to.arrays[c]!;
    const type = from.schema[c]!.type;
    if (type === 'addr') copyAddrs(src as Uint8Array, rows, dst as Uint8Array, at);
    else if (type === 'string') {
      const values = from.dicts[c]!.values;
      const dict = to.dicts[c]!;
      const remap = new Int32Array(values.length).fill(-1);
      for (let i = 0; i < rows.length; i++) {
        const code = src[rows[i]!]!;
        if (remap[code] === -1) remap[code] = dict.code(values[code]!);
        dst[at + i] = remap[code]!;
      }
    } else for (let i = 0; i < rows.length; i++) dst[at + i] = src[rows[i]!]!;
    to.touch(c);
  }
  to.length = at + rows.length;
}

/** 16-byte rows as four 32-bit words (batch arrays start 4-aligned), else byte by byte. */
function copyAddrs(src: Uint8Array, rows: Uint32Array, dst: Uint8Array, at: number): void {
  if (src.byteOffset % 4 !== 0 || dst.byteOffset % 4 !== 0) {
    for (let i = 0; i < rows.length; i++)
      dst.set(src.subarray(rows[i]! * 16, rows[i]! * 16 + 16), (at + i) * 16);
    return;
  }
  const s = new Uint32Array(src.buffer, src.byteOffset, src.length >>> 2);
  const d = new Uint32Array(dst.buffer, dst.byteOffset, dst.length >>> 2);
  for (let i = 0; i < rows.length; i++) {
    const from = rows[i]! * 4;
    const to = (at + i) * 4;
    d[to] = s[from]!;
    d[to + 1] = s[from + 1]!;
    d[to + 2] = s[from + 2]!;
    d[to + 3] = s[from + 3]!;
  }
}
