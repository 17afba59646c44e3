import { bucketCoverage } from './devices-sql.js';
import { type Cell, num, type Pivoted, type QueryAnswer, records, text, time } from './pages-cells.js';
import type { Window } from './pages-range.js';

/** A device as GET /api/v1/devices shows it (counters since the server started). */
export interface CollectorDevice {
  readonly id: number;
  readonly name: string;
  readonly address: string;
  readonly sampleRate: number;
  readonly configuredSampleRate: number | null;
  readonly packets: number;
  readonly bytes: number;
  readonly flows: number;
  readonly decodeErrors: number;
  readonly templateMisses: number;
  readonly lostPackets: number;
  readonly lostFlows: number;
  readonly lastSeen: string | null;
}

/** One line of the Devices page. */
export interface DeviceRow {
  readonly id: number;
  readonly name: string;
  /** The exporter's address ('' when the collector does not know the device: stored flows only). */
  readonly address: string;
  readonly flowsPerSecond: number;
  readonly bytesPerSecond: number;
  readonly packetsPerSecond: number;
  /** Flows in the window. */
  readonly flows: number;
  /** The configured override, else the last one the device reported, else the largest stored. */
  readonly sampleRate: number | null;
  /** Last packet from it (collector), else the start of the last minute with stored flows. */
  readonly lastSeenMs: number | null;
  readonly storedFlows: number;
  /** Collector counters since the server started (null: not known to the collector). */
  readonly decodeErrors: number | null;
  readonly templateMisses: number | null;
  readonly lostPackets: number | null;
  readonly lostFlows: number | null;
}

interface Entry {
  readonly name: string;
  c?: CollectorDevice;
  t?: Record<string, Cell>;
  s?: Record<string, Cell>;
}

/**
 * The rows of the Devices page: every device the collector knows or that has stored flows, with
 * its traffic in the window (`traffic`: deviceTrafficSql, over `seconds` of coverage), stored
 * totals (`stored`: storedDevicesSql) and collector counters. Sorted by bytes/s, then name.
 */
export function deviceRows(
  collector: readonly CollectorDevice[],
  traffic: QueryAnswer,
  stored: QueryAnswer,
  seconds: number,
): DeviceRow[] {
  const byId = new Map<number, Entry>();
  const entry = (id: number, name: string) => {
    const found = byId.get(id);
    if (found !== undefined) return found;
    const e: Entry = { name };
    byId.set(id, e);
    return e;
  };
  for (const c of collector) entry(c.id, c.name).c = c;
  for (const s of records(stored)) entry(num(s.id) ?? -1, text(s.name)).s = s;
  for (const t of records(traffic)) entry(num(t.id) ?? -1, text(t.name)).t = t;
  const rate = (v: number | null) => (seconds > 0 && v !== null ? v / seconds : 0);
  const rows: DeviceRow[] = [];
  for (const [id, { name, c, t, s }] of byId) {
    if (id < 0) continue;
    const collectorSeen = c?.lastSeen == null ? null : Date.parse(c.lastSeen);
    rows.push({
      id,
      name,
      address: c?.address ?? '',
      flowsPerSecond: rate(num(t?.flows)),
      bytesPerSecond: rate(num(t?.bytes)),
      packetsPerSecond: rate(num(t?.packets)),
      flows: num(t?.flows) ?? 0,
      sampleRate:
        c?.configuredSampleRate ?? (c !== undefined && c.sampleRate > 0 ? c.sampleRate : num(t?.sample_rate)),
      lastSeenMs: collectorSeen ?? time(s?.last_seen),
      storedFlows: num(s?.flows) ?? 0,
      decodeErrors: c?.decodeErrors ?? null,
      templateMisses: c?.templateMisses ?? null,
      lostPackets: c?.lostPackets ?? null,
      lostFlows: c?.lostFlows ?? null,
    });
  }
  return rows.sort(
    (a, b) => b.bytesPerSecond - a.bytesPerSecond || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/**
 * A device's traffic per bucket (deviceSeriesSql) as rates: bits/s, packets/s and flows/s. Every
 * bucket of the window is there (zero when no flow came), and each is divided by the seconds of
 * it the window covers (the current bucket: up to now).
 */
export function deviceSeries(answer: QueryAnswer, bucketS: number, w: Window, nowMs: number): Pivoted {
  const byTime = new Map(records(answer).map((r) => [time(r.t) ?? 0, r]));
  const width = bucketS * 1000;
  const times: number[] = [];
  for (let t = Math.floor(w.fromMs / width) * width; t < w.toMs && t < nowMs; t += width) times.push(t);
  const seconds = times.map((t) => bucketCoverage(t, bucketS, w, nowMs));
  const per = (key: string, scale: number) =>
    times.map((t, i) => (seconds[i]! > 0 ? ((num(byTime.get(t)?.[key]) ?? 0) * scale) / seconds[i]! : null));
  return {
    times,
    series: [
      { key: 'bits/s', values: per('bytes', 8) },
      { key: 'packets/s', values: per('packets', 1) },
      { key: 'flows/s', values: per('flows', 1) },
    ],
  };
}

/** Whether a device was heard from in the last `withinMs` (default 2 minutes). */
export function isActive(row: DeviceRow, nowMs: number, withinMs = 120_000): boolean {
  return row.lastSeenMs !== null && nowMs - row.lastSeenMs <= withinMs;
}
