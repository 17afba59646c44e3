import { flowColumns } from '../flow/schema.js';
import { metricsTableSchema } from '../metrics/metrics-table.js';
import type { DeviceSummary } from '../store/backend.js';
import type { TableColumnKind } from '../store/table/index.js';
import type { Field, TableInfo } from './api.js';
import { columnSqlType, type SqlType } from './sql-types.js';

/** Every flow column, as SQL sees it. */
export const flowFields: readonly Field[] = flowColumns.map((col) => ({
  name: col.name,
  type: columnSqlType(col),
}));

/** The `devices` table: one row per device of the tenant that has stored flows. */
export const devicesTableFields: readonly Field[] = [
  { name: 'id', type: 'int8' },
  { name: 'name', type: 'text' },
  { name: 'flows', type: 'int8' },
  { name: 'first_seen', type: 'timestamptz' },
  { name: 'last_seen', type: 'timestamptz' },
];

const tableStoreTypes: Readonly<Record<TableColumnKind, SqlType>> = {
  time: 'timestamptz',
  f64: 'float8',
  string: 'text',
};

/** The `metrics` table: the server's own metrics, stored every 10 s (docs/metrics.md). */
export const metricsTableFields: readonly Field[] = metricsTableSchema.columns.map((c) => ({
  name: c.name,
  type: tableStoreTypes[c.kind],
}));

/** Names no device table takes, whoever asks: `metrics` means the same table for every user. */
const reservedNames = ['all_devices', 'devices', 'metrics'];

/**
 * The tables a tenant sees: `all_devices`, `devices`, for admins `metrics`, and one flow table per
 * device, named after the device (a name that is not a plain lowercase identifier needs double
 * quotes in SQL).
 */
export function tenantTables(
  devices: readonly DeviceSummary[],
  options: { readonly admin?: boolean | undefined } = {},
): TableInfo[] {
  const tables: TableInfo[] = [
    { name: 'all_devices', kind: 'flows', columns: flowFields },
    { name: 'devices', kind: 'devices', columns: devicesTableFields },
  ];
  if (options.admin === true) tables.push({ name: 'metrics', kind: 'metrics', columns: metricsTableFields });
  const reserved = new Set(reservedNames);
  for (const device of devices) {
    if (reserved.has(device.name)) continue;
    reserved.add(device.name);
    tables.push({ name: device.name, kind: 'flows', deviceId: device.id, columns: flowFields });
  }
  return tables;
}
