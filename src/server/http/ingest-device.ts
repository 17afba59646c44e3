import { F, type FlowBatch } from '../../flow/batch.js';
import { agentNamePattern } from '../../ingest/agent-key.js';
import type { Device, DeviceStats } from '../../ingest/device.js';
import { DeviceRegistry, defaultDeviceRegistryConfig } from '../../ingest/devices.js';
import { DecodeStats } from '../../ingest/stats.js';
import { HttpError, type HttpRequest } from './respond.js';

/** A registered agent: its device and the per-device counters the collector also keeps for exporters. */
export interface AgentDevice {
  readonly device: Device;
  readonly stats: DeviceStats;
}

/** The device an ingest request names (`?device=`), registered like an exporter; undefined when refused. */
export type AgentDeviceLookup = (tenant: string, name: string) => AgentDevice | undefined;

/** For servers wired without a collector (tests): agents get devices of a registry of their own. */
export function standaloneAgentDevices(): AgentDeviceLookup {
  const registry = new DeviceRegistry(defaultDeviceRegistryConfig, new DecodeStats());
  return (tenant, name) => registry.agent(tenant, name);
}

/** `?device=NAME`: the sending agent's device, or undefined when the request names none. */
export function requestDevice(
  req: HttpRequest,
  tenant: string,
  lookup: AgentDeviceLookup,
): AgentDevice | undefined {
  const name = req.url.searchParams.get('device');
  if (name === null) return undefined;
  if (!agentNamePattern.test(name))
    throw new HttpError(
      400,
      'bad_device',
      `device ${JSON.stringify(name)}: expected 1-128 letters, digits, '.', '_' or '-' (a host name)`,
    );
  const agent = lookup(tenant, name);
  if (agent === undefined)
    throw new HttpError(
      403,
      'unknown_device',
      `device "${name}" is not configured for tenant "${tenant}" and the server does not register new devices (autoRegister is off); configure {"address": "agent:${name}", "tenant": "${tenant}"}`,
    );
  return agent;
}

const MINUTE_MS = 60_000;

/**
 * Makes every row the device's (i_device_id, i_device_name), as the collector does for an
 * exporter's flows. Rows without i_start_time get the minute of receipt; with `unsampled`, rows
 * without a sampling rate get 1 (a host agent sees every packet).
 */
export function stampDevice(batch: FlowBatch, device: Device, receivedAt: number, unsampled: boolean): void {
  const n = batch.length;
  batch.col('i_device_id').fill(device.id, 0, n);
  const code = batch.dicts[F.i_device_name]!.code(device.name);
  batch.col('i_device_name').fill(code, 0, n);
  fillZeros(batch.col('i_start_time'), n, receivedAt - (receivedAt % MINUTE_MS));
  if (unsampled) fillZeros(batch.col('sample_rate'), n, 1);
}

function fillZeros(arr: { [i: number]: number }, n: number, value: number): void {
  for (let r = 0; r < n; r++) if (arr[r] === 0) arr[r] = value;
}
