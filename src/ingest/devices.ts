import { agentKey, configuredAgentKey, parseAgentKey } from './agent-key.js';
import type { Device } from './device.js';
import { ExporterState } from './exporter.js';
import type { DecodeStats } from './stats.js';

/** A device as configured: the exporter address it sends from, and who it is. */
export interface DeviceConfig {
  /** The exporter's source address (IPv4 or IPv6), as packets arrive from it. */
  readonly address: string;
  /** Device id; allocated when absent. */
  readonly id?: number | undefined;
  /** Defaults to the address. */
  readonly name?: string | undefined;
  /** Defaults to 'default'. */
  readonly tenant?: string | undefined;
  /** Overrides the sampling rate the exporter reports. */
  readonly sampleRate?: number | undefined;
}

/** An auto-registered device as remembered in the data directory. */
export interface RememberedDevice {
  readonly address: string;
  readonly id: number;
}

export interface DeviceRegistryConfig {
  /** Register exporters that are not configured (true) or refuse and count them (false). */
  autoRegister: boolean;
  devices: readonly DeviceConfig[];
}

export const defaultDeviceRegistryConfig: DeviceRegistryConfig = { autoRegister: true, devices: [] };

export const defaultTenant = 'default';

const maxRefusedTracked = 1024;

/**
 * Maps exporter addresses to devices and keeps one ExporterState (templates, sequence numbers,
 * per-device stats) per address. Lookups are one Map.get on the hot path.
 */
export class DeviceRegistry {
  private readonly exporters = new Map<string, ExporterState>();
  private readonly refused = new Map<string, number>();
  private readonly autoRegistered: ExporterState[] = [];
  private nextId = 1;
  /** Bumped whenever a device is auto-registered, so that the list can be saved when it changes. */
  autoRegisteredVersion = 0;
  /** Called with each device registered from traffic or restored (the metrics register its series). */
  onRegister: ((exporter: ExporterState) => void) | undefined;

  constructor(
    private readonly config: DeviceRegistryConfig,
    private readonly stats: DecodeStats,
  ) {
    for (const d of config.devices) if (d.id !== undefined) this.nextId = Math.max(this.nextId, d.id + 1);
    for (const d of config.devices) {
      const address = configuredAgentKey(d.address, d.tenant ?? defaultTenant) ?? normalizeAddress(d.address);
      const device: Device = {
        id: d.id ?? this.nextId++,
        name: d.name ?? parseAgentKey(address)?.name ?? address,
        tenant: d.tenant ?? defaultTenant,
        sampleRate: d.sampleRate,
      };
      this.exporters.set(address, new ExporterState(address, device));
    }
  }

  /**
   * The exporter state for a packet's source address, registering the device if allowed;
   * undefined (and counted as 'unknown_exporter') when the exporter is refused.
   */
  exporter(address: string): ExporterState | undefined {
    const known = this.exporters.get(address);
    if (known !== undefined) return known;
    const normalized = normalizeAddress(address);
    if (normalized !== address) {
      const state = this.exporter(normalized);
      // Cache the raw spelling too, so the next packet is one lookup.
      if (state !== undefined) this.exporters.set(address, state);
      return state;
    }
    if (!this.config.autoRegister) {
      const seen = this.refused.get(address);
      // Bounded: a flood of spoofed sources must not grow memory without limit.
      if (seen !== undefined || this.refused.size < maxRefusedTracked)
        this.refused.set(address, (seen ?? 0) + 1);
      this.stats.error('unknown_exporter', `packet from ${address}, which is not a configured device`);
      return undefined;
    }
    return this.register(address, this.nextId++);
  }

  /**
   * Re-registers devices auto-registered by an earlier run with the ids they had, so a router keeps
   * its device id across restarts. Configured devices win; ids already taken are skipped.
   */
  restore(remembered: readonly RememberedDevice[]): number {
    if (!this.config.autoRegister) return 0;
    const taken = new Set(this.all().map((e) => e.device.id));
    let restored = 0;
    for (const { address, id } of remembered) {
      const normalized = normalizeAddress(address);
      if (this.exporters.has(normalized) || taken.has(id)) continue;
      this.register(normalized, id);
      this.nextId = Math.max(this.nextId, id + 1);
      taken.add(id);
      restored++;
    }
    return restored;
  }

  /** Devices registered from traffic (not configured), to remember across restarts. */
  rememberedDevices(): RememberedDevice[] {
    return this.autoRegistered.map((e) => ({ address: e.address, id: e.device.id }));
  }

  /**
   * The device of a host agent (or any program using the sender library) called `name`, sending
   * as a user of `tenant` (agent-key.ts): registered on first use like an exporter, with an id
   * from the same sequence, remembered across restarts; undefined (counted as 'unknown_exporter')
   * when auto-registration is off and no device `agent:NAME` is configured for the tenant.
   */
  agent(tenant: string, name: string): ExporterState | undefined {
    return this.exporter(agentKey(tenant, name));
  }

  private register(address: string, id: number): ExporterState {
    const agent = parseAgentKey(address);
    const state = new ExporterState(address, {
      id,
      name: agent?.name ?? address,
      tenant: agent?.tenant ?? defaultTenant,
      sampleRate: undefined,
    });
    this.exporters.set(address, state);
    this.autoRegistered.push(state);
    this.autoRegisteredVersion++;
    this.onRegister?.(state);
    return state;
  }

  /**
   * The exporter state to restore saved templates into: registered as a packet would register it,
   * but a refused exporter gets a detached state (its templates are dropped) and is not counted.
   */
  exporterToRestore(address: string): ExporterState {
    const normalized = normalizeAddress(address);
    const known = this.exporters.get(normalized);
    if (known !== undefined) return known;
    if (!this.config.autoRegister)
      return new ExporterState(normalized, { id: 0, name: normalized, tenant: defaultTenant });
    return this.exporter(normalized)!;
  }

  /** Every exporter state, once each (an exporter may be cached under two spellings). */
  all(): ExporterState[] {
    return [...new Set(this.exporters.values())];
  }

  /** Packets refused per unknown exporter address. */
  refusedPackets(): ReadonlyMap<string, number> {
    return this.refused;
  }
}

/** IPv4-mapped IPv6 (from a dual-stack socket) becomes plain IPv4, so a device has one address. */
export function normalizeAddress(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  return address;
}
