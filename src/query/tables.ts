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

/** The SQL type of a table-store column kind (a table may say otherwise per column: int8, int2). */
export const tableStoreTypes: Readonly<Record<TableColumnKind, SqlType>> = {
  time: 'timestamptz',
  f64: 'float8',
  string: 'text',
};

/** The columns of the `metrics` table. */
export const metricsTableFields: readonly Field[] = metricsTableSchema.columns.map((c) => ({
  name: c.name,
  type: tableStoreTypes[c.kind],
}));

/** A table of the table store as SQL sees it (kind 'table'), and who may read it. */
export interface StoreTableDef {
  readonly info: TableInfo;
  /** Listed for admins only (the server's own `metrics`); others naming it get 42501. */
  readonly adminOnly: boolean;
}

/** The `metrics` table: the server's own metrics, stored every 10 s (docs/metrics.md). */
export const metricsTableDef: StoreTableDef = {
  info: { name: 'metrics', kind: 'table', columns: metricsTableFields },
  adminOnly: true,
};

/**
 * The tables a tenant sees: `all_devices`, `devices`, the table-store tables (`metrics` for admins
 * only, the `synth_*` tables when the server has them), and one flow table per device, named
 * after the device (a name that is not a plain lowercase identifier needs double quotes in SQL).
 * The name of every table-store table is taken from the devices, whoever asks: `metrics` means
 * the same table for every user.
 */
export function tenantTables(
  devices: readonly DeviceSummary[],
  options: { readonly admin?: boolean | undefined } = {},
  storeTables: readonly StoreTableDef[] = [metricsTableDef],
): TableInfo[] {
  const tables: TableInfo[] = [
    { name: 'all_devices', kind: 'flows', columns: flowFields },
    { name: 'devices', kind: 'devices', columns: devicesTableFields },
  ];
  const reserved = new Set(['all_devices', 'devices']);
  for (const t of storeTables) {
    reserved.add(t.info.name);
    if (!t.adminOnly || options.admin === true) tables.push(t.info);
  }
  for (const device of devices) {
    if (reserved.has(device.name)) continue;
    reserved.add(device.name);
    tables.push({ name: device.name, kind: 'flows', deviceId: device.id, columns: flowFields });
  }
  return tables;
}
