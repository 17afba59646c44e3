import type { DeviceSummary, JobColumns } from '../../store/backend.js';

/** The `devices` table (src/query/tables.ts) as one job's columns, for the kernels. */
export function devicesJobColumns(devices: readonly DeviceSummary[]): JobColumns {
  const n = devices.length;
  const names = [''];
  const codes = new Uint32Array(n);
  devices.forEach((d, i) => {
    codes[i] = names.length;
    names.push(d.name);
  });
  return {
    rows: n,
    columns: {
      id: Float64Array.from(devices, (d) => d.id),
      name: codes,
      flows: Float64Array.from(devices, (d) => d.rows),
      first_seen: Float64Array.from(devices, (d) => d.firstBucket),
      last_seen: Float64Array.from(devices, (d) => d.lastBucket),
    },
    dicts: { name: names },
  };
}
