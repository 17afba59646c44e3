import { type DeviceRow, deviceSeries } from '../../../../src/portal/devices-shape.js';
import {
  deviceInterfacesSql,
  deviceSeriesSql,
  type InterfaceSide,
  type Statement,
} from '../../../../src/portal/devices-sql.js';
import { num, type Pivoted, records } from '../../../../src/portal/pages-cells.js';
import { bucketSeconds, type Window } from '../../../../src/portal/pages-range.js';
import { loadDevices, run } from './load-devices.js';

export interface InterfaceRow {
  readonly iface: number;
  readonly bytes: number;
  readonly packets: number;
  readonly flows: number;
}

export interface DeviceData {
  /** Undefined: the tenant has no device of that id. */
  readonly device: DeviceRow | undefined;
  readonly sinceMs: number;
  /** Seconds of traffic the window's flows cover (coveredSeconds). */
  readonly seconds: number;
  readonly series: Pivoted;
  readonly bucketS: number;
  readonly interfaces: Readonly<Record<InterfaceSide, readonly InterfaceRow[]>>;
  readonly window: Window;
  readonly statements: readonly Statement[];
}

/** One device: its line of the Devices page, its traffic over time and its top interfaces. */
export async function loadDevice(id: number, window: Window, signal: AbortSignal): Promise<DeviceData> {
  const bucketS = bucketSeconds(window, 60);
  const own = [
    deviceSeriesSql(id, window, bucketS),
    deviceInterfacesSql(id, 'input_port', window),
    deviceInterfacesSql(id, 'output_port', window),
  ];
  const [all, series, input, output] = await Promise.all([
    loadDevices(window, signal),
    ...own.map((st) => run(st, signal)),
  ]);
  const ifaces = (a: typeof input) =>
    records(a).map((r) => ({
      iface: num(r.iface) ?? 0,
      bytes: num(r.bytes) ?? 0,
      packets: num(r.packets) ?? 0,
      flows: num(r.flows) ?? 0,
    }));
  return {
    device: all.rows.find((d) => d.id === id),
    sinceMs: all.sinceMs,
    seconds: all.seconds,
    series: deviceSeries(series, bucketS, window, Date.now()),
    bucketS,
    interfaces: { input_port: ifaces(input), output_port: ifaces(output) },
    window,
    statements: [...all.statements, ...own],
  };
}
