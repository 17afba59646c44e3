import { flowColumns } from '../flow/schema.js';
import type { DeviceSummary } from '../store/backend.js';
import type { Field, TableInfo } from './api.js';
import { columnSqlType } from './sql-types.js';

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

/**
 * The tables a tenant sees: `all_devices`, `devices`, and one flow table per device, named after
 * the device (a name that is not a plain lowercase identifier needs double quotes in SQL).
 */
export function tenantTables(devices: readonly DeviceSummary[]): TableInfo[] {
  const tables: TableInfo[] = [
    { name: 'all_devices', kind: 'flows', columns: flowFields },
    { name: 'devices', kind: 'devices', columns: devicesTableFields },
  ];
  const reserved = new Set(tables.map((t) => t.name));
  for (const device of devices) {
    if (reserved.has(device.name)) continue;
    reserved.add(device.name);
    tables.push({ name: device.name, kind: 'flows', deviceId: device.id, columns: flowFields });
  }
  return tables;
}
