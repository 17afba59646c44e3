import { isIPv4 } from 'node:net';
import type { RouterProfile } from '../ingest/demo/config.js';
import type { DeviceConfig } from '../ingest/devices.js';
import type { ServerConfig } from './config.js';

/**
 * Where `--demo`'s routers send: the server's own NetFlow port, at an address its listener
 * accepts datagrams from 127.0.0.0/8 on. Throws (a start-up error) when there is none.
 */
export function demoTarget(config: Pick<ServerConfig, 'listen' | 'netflowPort'>): {
  targetAddress: string;
  targetPort: number;
} {
  if (config.netflowPort === 0)
    throw new Error('the demo routers send NetFlow v9 to the NetFlow UDP port, which is disabled (port 0)');
  const { listen } = config;
  if (listen === '0.0.0.0' || listen === '::')
    return { targetAddress: '127.0.0.1', targetPort: config.netflowPort };
  if (isIPv4(listen)) return { targetAddress: listen, targetPort: config.netflowPort };
  throw new Error(
    `the demo routers send from 127.0.0.0/8 over IPv4, but the listeners are bound to ${listen}; use --listen 127.0.0.1, 0.0.0.0 or ::`,
  );
}

/**
 * The configured devices, plus the demo routers when exporters are not auto-registered (else they
 * would be refused). With auto-registration (the default) they register like any router, keep
 * their ids in DATA/devices.json, and are named by their addresses.
 */
export function demoDevices(
  config: Pick<ServerConfig, 'devices' | 'autoRegister'>,
  routers: readonly RouterProfile[],
): DeviceConfig[] {
  if (config.autoRegister || routers.length === 0) return config.devices;
  const configured = new Set(config.devices.map((d) => d.address));
  return [
    ...config.devices,
    ...routers.filter((r) => !configured.has(r.address)).map((r) => ({ address: r.address })),
  ];
}
