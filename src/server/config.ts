import { isIP } from 'node:net';
import { agentNamePattern } from '../ingest/agent-key.js';
import type { DeviceConfig } from '../ingest/devices.js';
import { isLogFormat, isLogLevel, type LogFormat, type LogLevel, logLevels } from '../log/levels.js';
import { parseHostPort, putUrl } from '../metrics/opentsdb-address.js';
import { parseFsyncPolicy } from '../store/wal/wal-file.js';

/** Everything `flowlens server` can be told, by config file (same keys) or flags. */
export interface ServerConfig {
  /** Data directory: templates, device ids and the flow store. Created if missing. */
  data: string;
  /** Address the listeners bind to. */
  listen: string;
  /** NetFlow v5/v9 and IPFIX over UDP. 0 disables. */
  netflowPort: number;
  sflowPort: number;
  ipfixTcpPort: number;
  /** HTTP API (query, ingest, status); 0 disables. */
  httpPort: number;
  /** Address the HTTP API binds to: loopback by default (no TLS; see docs/rest.md). */
  httpListen: string;
  /** PostgreSQL wire protocol (psql, drivers, Grafana); 0 disables. */
  pgPort: number;
  /** Address the PostgreSQL listener binds to: loopback by default, like the HTTP API. */
  pgListen: string;
  /** PEM certificate and key files: when both are set, psql's sslmode=require gets TLS. */
  pgTlsCert: string | undefined;
  pgTlsKey: string | undefined;
  /** PostgreSQL password exchange: `scram-sha-256` (libpq's and drivers' default) or `password` (cleartext). */
  pgAuth: 'scram-sha-256' | 'password';
  /** Health-check socket (`nc 127.0.0.1 10001` prints the process's health); 0 disables. */
  healthPort: number;
  /** Address the health socket binds to: loopback by default. */
  healthListen: string;
  /** Requested UDP receive buffer in bytes (capped by net.core.rmem_max). */
  recvBufferSize: number;
  /** Print received flows as JSON lines on stdout (as well as storing them). */
  print: boolean;
  /** Do not print received flows (wins over `print`). */
  quiet: boolean;
  /** Days of flows kept per tenant; older minutes are deleted whole. */
  retentionDays: number;
  /** WAL fsync policy: `always` (before acknowledging), `never`, or `interval(ms)`. */
  fsync: string;
  /** How long after a minute ends late flows are awaited before the minute is sealed. */
  graceMs: number;
  /** Hours that ended this long ago are compacted into hourly files. */
  compactAfterMs: number;
  /** How often compaction and rollups run (retention: every 10 of these). */
  maintenanceIntervalMs: number;
  /** Register unknown exporters as devices (true) or refuse and count them (false). */
  autoRegister: boolean;
  devices: DeviceConfig[];
  /** Users of psql, REST and the portal; each reads one tenant. */
  users: UserConfig[];
  /** Bearer tokens for scripts (REST), each acting as a user. */
  tokens: TokenConfig[];
  /** Query worker threads; 0 means one per core. */
  queryWorkers: number;
  /** Per tenant: queries per second allowed on average (token bucket refill rate)… */
  queryRate: number;
  /** …and the bucket's size (bursts). */
  queryBurst: number;
  /** Per tenant: queries running at once. */
  maxConcurrentQueries: number;
  /** Per query: rows it may scan before it is stopped. */
  maxRowsScanned: number;
  /** Per query: time before it is cancelled (statement_timeout can lower it per session). */
  queryTimeoutMs: number;
  /** Memory for memoized job results over sealed data. */
  memoBytes: number;
  /** Run the built-in demo exporter: simulated routers sending NetFlow v9 to our own UDP port. */
  demo: boolean;
  /** OpenTSDB telnet receiver of the server's metrics (`host:port`, `put` lines over TCP); unset: off. */
  opentsdbTelnet: string | undefined;
  /** OpenTSDB HTTP receiver of the server's metrics (base URL; POST /api/put); unset: off. */
  opentsdbUrl: string | undefined;
  /** How often the metrics are pushed to OpenTSDB. */
  metricsIntervalMs: number;
  /** How often the metrics are stored in the `metrics` table; 0: never. */
  metricsStoreIntervalMs: number;
  /** Days the `metrics` table keeps. */
  metricsRetentionDays: number;
  /** Synthetic agents whose registration token is one of these are approved at once (docs/synth.md). */
  synthTokens: string[];
  /** Days the synth_* result tables keep. */
  synthRetentionDays: number;
  /** Least severe level logged: error, warn, info or debug. */
  logLevel: LogLevel;
  /** `json` (one object per line) or `text` (one readable line); unset: text on a terminal, else JSON. */
  logFormat: LogFormat | undefined;
}

export interface UserConfig {
  name: string;
  password: string;
  /** Defaults to 'default'. */
  tenant: string;
  /** May use the debug endpoints (profiles, fail points) from other hosts than loopback. Default false. */
  admin?: boolean;
}

export interface TokenConfig {
  token: string;
  user: string;
}

export const defaultServerConfig: Omit<ServerConfig, 'data'> & { data: string | undefined } = {
  data: undefined,
  listen: '0.0.0.0',
  netflowPort: 2055,
  sflowPort: 6343,
  ipfixTcpPort: 4739,
  httpPort: 8080,
  httpListen: '127.0.0.1',
  pgPort: 5433,
  pgListen: '127.0.0.1',
  pgTlsCert: undefined,
  pgTlsKey: undefined,
  pgAuth: 'scram-sha-256',
  healthPort: 10001,
  healthListen: '127.0.0.1',
  recvBufferSize: 32 << 20,
  print: false,
  quiet: false,
  retentionDays: 30,
  fsync: 'always',
  graceMs: 90_000,
  compactAfterMs: 2 * 3_600_000,
  maintenanceIntervalMs: 60_000,
  autoRegister: true,
  devices: [],
  // On a single machine the built-in user is its operator too.
  users: [{ name: 'flowlens', password: 'flowlens', tenant: 'default', admin: true }],
  tokens: [],
  queryWorkers: 0,
  queryRate: 50,
  queryBurst: 100,
  maxConcurrentQueries: 16,
  maxRowsScanned: 2_000_000_000,
  queryTimeoutMs: 60_000,
  memoBytes: 256 << 20,
  demo: false,
  opentsdbTelnet: undefined,
  opentsdbUrl: undefined,
  metricsIntervalMs: 10_000,
  metricsStoreIntervalMs: 10_000,
  metricsRetentionDays: 30,
  synthTokens: [],
  synthRetentionDays: 30,
  logLevel: 'info',
  logFormat: undefined,
};

/** A configuration mistake, with a message naming the key (or flag) and what is expected. */
export class ConfigError extends Error {}

type Check = (value: unknown, where: string) => unknown;

const port: Check = (v, where) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535)
    throw new ConfigError(`${where}: expected a port number 0-65535 (0 disables), got ${show(v)}`);
  return v;
};
const text: Check = (v, where) => {
  if (typeof v !== 'string' || v === '')
    throw new ConfigError(`${where}: expected a non-empty string, got ${show(v)}`);
  return v;
};
const address: Check = (v, where) => {
  if (typeof v !== 'string' || isIP(v) === 0)
    throw new ConfigError(`${where}: expected an IPv4 or IPv6 address, got ${show(v)}`);
  return v;
};
const bool: Check = (v, where) => {
  if (typeof v !== 'boolean') throw new ConfigError(`${where}: expected true or false, got ${show(v)}`);
  return v;
};
const positive =
  (max: number): Check =>
  (v, where) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max)
      throw new ConfigError(`${where}: expected an integer 1-${max}, got ${show(v)}`);
    return v;
  };

const nonNegative =
  (max: number): Check =>
  (v, where) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
      throw new ConfigError(`${where}: expected an integer 0-${max}, got ${show(v)}`);
    return v;
  };
const pgAuth: Check = (v, where) => {
  if (v !== 'scram-sha-256' && v !== 'password')
    throw new ConfigError(`${where}: expected "scram-sha-256" or "password", got ${show(v)}`);
  return v;
};
const fsyncPolicy: Check = (v, where) => {
  try {
    if (typeof v !== 'string') throw new Error(`expected a string, got ${show(v)}`);
    parseFsyncPolicy(v);
  } catch (err) {
    throw new ConfigError(`${where}: ${(err as Error).message}`);
  }
  return v;
};
const hostPort: Check = (v, where) => {
  try {
    parseHostPort(typeof v === 'string' ? v : JSON.stringify(v));
  } catch (err) {
    throw new ConfigError(`${where}: ${(err as Error).message}`);
  }
  return v;
};
const httpUrl: Check = (v, where) => {
  try {
    putUrl(typeof v === 'string' ? v : JSON.stringify(v));
  } catch (err) {
    throw new ConfigError(`${where}: ${(err as Error).message}`);
  }
  return v;
};
const logLevel: Check = (v, where) => {
  if (!isLogLevel(v))
    throw new ConfigError(`${where}: expected one of ${logLevels.join(', ')}, got ${show(v)}`);
  return v;
};
const logFormat: Check = (v, where) => {
  if (!isLogFormat(v)) throw new ConfigError(`${where}: expected "json" or "text", got ${show(v)}`);
  return v;
};
const DAY_MS = 86_400_000;

/** An exporter's IP address, or `agent:NAME` for a host agent (src/ingest/agent-key.ts). */
const deviceAddress: Check = (v, where) => {
  if (typeof v === 'string' && v.startsWith('agent:') && agentNamePattern.test(v.slice(6))) return v;
  if (typeof v !== 'string' || isIP(v) === 0)
    throw new ConfigError(`${where}: expected an IPv4 or IPv6 address, or agent:NAME, got ${show(v)}`);
  return v;
};

const deviceChecks: Record<keyof DeviceConfig, Check> = {
  address: deviceAddress,
  id: positive(0xffff_ffff),
  name: text,
  tenant: text,
  sampleRate: positive(0xffff_ffff),
};

const devices: Check = (v, where) => {
  if (!Array.isArray(v)) throw new ConfigError(`${where}: expected an array of devices, got ${show(v)}`);
  const list = v.map((d, i) => {
    const at = `${where}[${i}]`;
    const device = checkObject(d, deviceChecks, at) as Partial<DeviceConfig>;
    if (device.address === undefined)
      throw new ConfigError(`${at}: missing "address" (the exporter's IP address)`);
    return device as DeviceConfig;
  });
  // An agent's name is its tenant's: two tenants may each have an agent:web-1.
  unique(
    list,
    (d) => (d.address.startsWith('agent:') ? `${d.address} of ${d.tenant}` : d.address),
    where,
    'address',
  );
  unique(list, (d) => d.id, where, 'id');
  return list;
};

const users: Check = (v, where) => {
  if (!Array.isArray(v)) throw new ConfigError(`${where}: expected an array of users, got ${show(v)}`);
  const list = v.map((u, i) => {
    const at = `${where}[${i}]`;
    const user = checkObject(
      u,
      { name: text, password: text, tenant: text, admin: bool },
      at,
    ) as Partial<UserConfig>;
    if (user.name === undefined || user.password === undefined)
      throw new ConfigError(`${at}: a user needs "name" and "password"`);
    return { tenant: 'default', admin: false, ...user } as UserConfig;
  });
  unique(list, (u) => u.name, where, 'name');
  return list;
};

const tokens: Check = (v, where) => {
  if (!Array.isArray(v)) throw new ConfigError(`${where}: expected an array of tokens, got ${show(v)}`);
  const list = v.map((t, i) => {
    const at = `${where}[${i}]`;
    const token = checkObject(t, { token: text, user: text }, at) as Partial<TokenConfig>;
    if (token.token === undefined || token.user === undefined)
      throw new ConfigError(`${at}: a token needs "token" and "user"`);
    if (token.token.length < 16) throw new ConfigError(`${at}.token: use at least 16 characters`);
    return token as TokenConfig;
  });
  unique(list, (t) => t.token, where, 'token');
  return list;
};

const synthTokens: Check = (v, where) => {
  if (!Array.isArray(v) || !v.every((t) => typeof t === 'string' && t.length >= 16 && t.length <= 512))
    throw new ConfigError(`${where}: expected an array of agent tokens of 16-512 characters, got ${show(v)}`);
  return v;
};

const positiveNumber: Check = (v, where) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new ConfigError(`${where}: expected a positive number, got ${show(v)}`);
  return v;
};

const serverChecks: Record<keyof ServerConfig, Check> = {
  data: text,
  listen: address,
  netflowPort: port,
  sflowPort: port,
  ipfixTcpPort: port,
  httpPort: port,
  httpListen: address,
  pgPort: port,
  pgListen: address,
  pgTlsCert: text,
  pgTlsKey: text,
  pgAuth,
  healthPort: port,
  healthListen: address,
  recvBufferSize: positive(2 ** 31 - 1),
  print: bool,
  quiet: bool,
  retentionDays: positive(36_500),
  fsync: fsyncPolicy,
  graceMs: nonNegative(DAY_MS),
  compactAfterMs: nonNegative(30 * DAY_MS),
  maintenanceIntervalMs: positive(DAY_MS),
  autoRegister: bool,
  devices,
  users,
  tokens,
  queryWorkers: nonNegative(256),
  queryRate: positiveNumber,
  queryBurst: positive(1_000_000),
  maxConcurrentQueries: positive(10_000),
  maxRowsScanned: positive(Number.MAX_SAFE_INTEGER),
  queryTimeoutMs: positive(DAY_MS),
  memoBytes: nonNegative(2 ** 40),
  demo: bool,
  opentsdbTelnet: hostPort,
  opentsdbUrl: httpUrl,
  metricsIntervalMs: positive(DAY_MS),
  metricsStoreIntervalMs: nonNegative(DAY_MS),
  metricsRetentionDays: positive(36_500),
  synthTokens,
  synthRetentionDays: positive(36_500),
  logLevel,
  logFormat,
};

/** Parses and validates a JSON config file's text; only the keys it sets are returned. */
export function parseConfigFile(json: string, file: string): Partial<ServerConfig> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  try {
    return checkObject(value, serverChecks, '') as Partial<ServerConfig>;
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${file}: ${err.message}`);
    throw err;
  }
}

/** Validates one option given as a flag, under its config key. */
export function checkOption<K extends keyof ServerConfig>(
  key: K,
  value: unknown,
  where: string,
): ServerConfig[K] {
  return serverChecks[key](value, where) as ServerConfig[K];
}

/** Defaults, then the config file, then flags; `data` must be set by one of them. */
export function mergeConfig(file: Partial<ServerConfig>, flags: Partial<ServerConfig>): ServerConfig {
  const merged = { ...defaultServerConfig, ...file, ...flags };
  if (merged.data === undefined)
    throw new ConfigError('no data directory: pass --data DIR (or set "data" in the config file)');
  return merged as ServerConfig;
}

function checkObject(value: unknown, checks: Record<string, Check>, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(`${where || 'top level'}: expected an object, got ${show(value)}`);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const check = checks[key];
    if (check === undefined)
      throw new ConfigError(
        `${where === '' ? '' : `${where}: `}unknown key "${key}" (known keys: ${Object.keys(checks).join(', ')})`,
      );
    out[key] = check(v, where === '' ? key : `${where}.${key}`);
  }
  return out;
}

function unique<T>(list: T[], key: (item: T) => unknown, where: string, name: string): void {
  const seen = new Set<unknown>();
  for (const [i, item] of list.entries()) {
    const k = key(item);
    if (k === undefined) continue;
    if (seen.has(k)) throw new ConfigError(`${where}[${i}].${name}: duplicate ${name} ${show(k)}`);
    seen.add(k);
  }
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}
