import type { Window } from './pages-range.js';

/**
 * The SQL of the Devices pages (docs/portal.md "Devices"). Flows carry the minute the collector
 * received them (`i_start_time`), so a window covers whole minutes: those starting in
 * [from, to). Every statement takes the window as $1, $2 (ISO timestamps).
 */

export interface Statement {
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

const MINUTE = 60_000;

export const windowParams = (w: Window): [string, string] => [
  new Date(w.fromMs).toISOString(),
  new Date(w.toMs).toISOString(),
];

/**
 * The seconds of traffic a window's flows cover: from the first minute starting at or after
 * `from` to the end of the last minute starting before `to`, but not past `now` (the current
 * minute holds what was received so far).
 */
export function coveredSeconds(w: Window, nowMs: number): number {
  const start = Math.ceil(w.fromMs / MINUTE) * MINUTE;
  const end = Math.min(Math.ceil(w.toMs / MINUTE) * MINUTE, nowMs);
  return Math.max(0, (end - start) / 1000);
}

/** The seconds of bucket [t, t + bucketS) whose flows the window selects (as coveredSeconds). */
export function bucketCoverage(t: number, bucketS: number, w: Window, nowMs: number): number {
  return coveredSeconds(
    { fromMs: Math.max(t, w.fromMs), toMs: Math.min(t + bucketS * 1000, w.toMs), live: w.live },
    nowMs,
  );
}

/** Per device in the window: flows, bytes and packets (sampling-adjusted), largest sampling rate. */
export function deviceTrafficSql(w: Window): Statement {
  return {
    sql:
      'SELECT i_device_id AS id, i_device_name AS name, count(*) AS flows, sum(in_bytes) AS bytes, ' +
      'sum(in_pkts) AS packets, max(sample_rate) AS sample_rate FROM all_devices ' +
      'WHERE i_start_time >= $1 AND i_start_time < $2 GROUP BY 1, 2',
    params: windowParams(w),
  };
}

/** Every device of the tenant with stored flows: total flows, first and last minute seen. */
export const storedDevicesSql: Statement = {
  sql: 'SELECT id, name, flows, first_seen, last_seen FROM devices',
  params: [],
};

/** One device's flows, bytes and packets per bucket of `bucketS` seconds (a multiple of 60). */
export function deviceSeriesSql(deviceId: number, w: Window, bucketS: number): Statement {
  return {
    sql:
      `SELECT time_bucket(interval '${Math.max(60, Math.round(bucketS))} seconds', i_start_time) AS t, ` +
      'count(*) AS flows, sum(in_bytes) AS bytes, sum(in_pkts) AS packets FROM all_devices ' +
      'WHERE i_device_id = $3 AND i_start_time >= $1 AND i_start_time < $2 GROUP BY 1 ORDER BY 1',
    params: [...windowParams(w), deviceId],
  };
}

export type InterfaceSide = 'input_port' | 'output_port';

/** One device's top `limit` interfaces (in or out) by bytes in the window. */
export function deviceInterfacesSql(deviceId: number, side: InterfaceSide, w: Window, limit = 10): Statement {
  return {
    sql:
      `SELECT ${side} AS iface, sum(in_bytes) AS bytes, sum(in_pkts) AS packets, count(*) AS flows ` +
      'FROM all_devices WHERE i_device_id = $3 AND i_start_time >= $1 AND i_start_time < $2 ' +
      `GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${Math.max(1, Math.floor(limit))}`,
    params: [...windowParams(w), deviceId],
  };
}
