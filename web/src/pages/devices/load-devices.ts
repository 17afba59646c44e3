import { type CollectorDevice, type DeviceRow, deviceRows } from '../../../../src/portal/devices-shape.js';
import type { Statement } from '../../../../src/portal/devices-sql.js';
import { coveredSeconds, deviceTrafficSql, storedDevicesSql } from '../../../../src/portal/devices-sql.js';
import type { Window } from '../../../../src/portal/pages-range.js';
import { get, query } from '../../app/api.js';

export interface DevicesData {
  readonly rows: readonly DeviceRow[];
  /** When the collector's counters started (the server's start). */
  readonly sinceMs: number;
  readonly seconds: number;
  readonly window: Window;
  readonly loadedAt: number;
  readonly statements: readonly Statement[];
}

export const run = (st: Statement, signal: AbortSignal) => query(st.sql, { params: st.params, signal });

/** Every device: the collector's counters (GET /api/v1/devices) beside its flows in SQL. */
export async function loadDevices(window: Window, signal: AbortSignal): Promise<DevicesData> {
  const statements = [deviceTrafficSql(window), storedDevicesSql];
  const [collector, traffic, stored] = await Promise.all([
    get<{ since: string; devices: CollectorDevice[] }>('/api/v1/devices', { signal }),
    run(statements[0]!, signal),
    run(statements[1]!, signal),
  ]);
  const now = Date.now();
  const seconds = coveredSeconds(window, now);
  return {
    rows: deviceRows(collector.devices, traffic, stored, seconds),
    sinceMs: Date.parse(collector.since),
    seconds,
    window,
    loadedAt: now,
    statements,
  };
}
