import { isIP } from 'node:net';
import type { TestSpec, TestType } from '../contract.js';

/**
 * A test as a user defines it (POST/PUT /api/v1/synth/tests): its type and target, the options of
 * its type (defaults for what is left out), a label, and which agents run it. Checked here; a
 * problem is an InputError naming the field, answered 400 bad_test.
 */
export interface TestInput {
  /** The spec without its id (the server gives it). */
  readonly spec: DistributiveOmit<TestSpec, 'id'>;
  /** A label for people (dashboards, lists); '' when none. */
  readonly label: string;
  /** 'all' approved agents, or these agent ids. */
  readonly agents: 'all' | readonly string[];
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export class InputError extends Error {}

export const testTypes: readonly TestType[] = ['ping', 'trace', 'http', 'dns', 'tcp'];

/** Whole-run deadlines when the test names none. */
const defaultTimeoutMs: Readonly<Record<TestType, number>> = {
  ping: 5_000,
  trace: 20_000,
  http: 10_000,
  dns: 5_000,
  tcp: 5_000,
};

const hostPattern =
  /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;
const agentIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

const commonKeys = ['type', 'target', 'intervalS', 'timeoutMs', 'family', 'label', 'agents'];
const typeKeys: Readonly<Record<TestType, readonly string[]>> = {
  ping: ['count', 'packetIntervalMs', 'size'],
  trace: ['protocol', 'maxHops', 'probesPerHop', 'port'],
  http: ['url', 'method', 'headers', 'expectStatus', 'bodyMatch', 'ca', 'insecure'],
  dns: ['name', 'recordType', 'port', 'transport'],
  tcp: ['port'],
};

/** Checks a test definition sent by a user; throws InputError on the first problem. */
export function parseTestInput(body: unknown): TestInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InputError('expected a JSON object describing the test');
  const o = body as Record<string, unknown>;
  const type = o.type;
  if (typeof type !== 'string' || !(testTypes as readonly string[]).includes(type))
    throw new InputError(`type: expected one of ${testTypes.join(', ')}, got ${show(type)}`);
  const t = type as TestType;
  const known = new Set([...commonKeys, ...typeKeys[t]]);
  for (const key of Object.keys(o))
    if (!known.has(key))
      throw new InputError(`unknown field "${key}" for a ${t} test (known: ${[...known].join(', ')})`);
  const intervalS = integer(o, 'intervalS', 1, 86_400, 60);
  const timeoutMs = integer(o, 'timeoutMs', 1, 3_600_000, Math.min(defaultTimeoutMs[t], intervalS * 1000));
  if (timeoutMs > intervalS * 1000)
    throw new InputError(
      `timeoutMs: ${timeoutMs} is longer than the interval (${intervalS} s): a run must end before the next`,
    );
  const family: 4 | 6 | undefined =
    o.family === undefined
      ? undefined
      : o.family === 4 || o.family === 6
        ? o.family
        : bad('family', '4 or 6', o.family);
  const label = optionalText(o, 'label', 200) ?? '';
  const agents = agentList(o.agents);
  const base = { intervalS, timeoutMs, ...(family === undefined ? {} : { family }) };
  return { spec: { ...base, ...typeSpec(t, o) }, label, agents };
}

function typeSpec(
  t: TestType,
  o: Record<string, unknown>,
): DistributiveOmit<TestSpec, 'id' | 'intervalS' | 'timeoutMs'> {
  switch (t) {
    case 'ping':
      return {
        type: t,
        target: host(o.target),
        count: integer(o, 'count', 1, 1000, 5),
        packetIntervalMs: integer(o, 'packetIntervalMs', 10, 60_000, 200),
        size: integer(o, 'size', 0, 65_000, 56),
      };
    case 'trace':
      return {
        type: t,
        target: host(o.target),
        protocol: oneOf(o, 'protocol', ['udp', 'icmp'] as const, 'udp'),
        maxHops: integer(o, 'maxHops', 1, 255, 30),
        probesPerHop: integer(o, 'probesPerHop', 1, 10, 3),
        port: integer(o, 'port', 1, 65_535, 33_434),
      };
    case 'http': {
      const url = httpUrl(o.url);
      if (o.target !== undefined && o.target !== url.hostname)
        throw new InputError(
          `target: an http test's target is its URL's host (${url.hostname}); leave it out`,
        );
      const expectStatus =
        o.expectStatus === undefined ? undefined : integer(o, 'expectStatus', 100, 599, 200);
      const bodyMatch = optionalText(o, 'bodyMatch', 10_000);
      if (bodyMatch !== undefined) {
        try {
          new RegExp(bodyMatch);
        } catch (err) {
          throw new InputError(`bodyMatch: not a regular expression: ${(err as Error).message}`);
        }
      }
      const ca = optionalText(o, 'ca', 100_000);
      return {
        type: t,
        target: url.hostname.replace(/^\[|\]$/g, ''),
        url: url.toString(),
        method: oneOf(
          o,
          'method',
          ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'] as const,
          'GET',
        ),
        headers: headers(o.headers),
        ...(expectStatus === undefined ? {} : { expectStatus }),
        ...(bodyMatch === undefined ? {} : { bodyMatch }),
        ...(ca === undefined ? {} : { ca }),
        ...(o.insecure === undefined ? {} : { insecure: bool(o, 'insecure') }),
      };
    }
    case 'dns': {
      const name = optionalText(o, 'name', 253);
      if (name === undefined) throw new InputError('name: a dns test needs the name to query');
      const recordType = optionalText(o, 'recordType', 10)?.toUpperCase() ?? 'A';
      if (!/^[A-Z0-9]+$/.test(recordType))
        throw new InputError(`recordType: expected A, AAAA, MX, … got ${show(o.recordType)}`);
      return {
        type: t,
        target: host(o.target),
        name,
        recordType,
        port: integer(o, 'port', 1, 65_535, 53),
        transport: oneOf(o, 'transport', ['udp', 'tcp'] as const, 'udp'),
      };
    }
    case 'tcp':
      if (o.port === undefined) throw new InputError('port: a tcp test needs the port to connect to');
      return { type: t, target: host(o.target), port: integer(o, 'port', 1, 65_535, 0) };
  }
}

function host(v: unknown): string {
  if (typeof v !== 'string' || (isIP(v) === 0 && !hostPattern.test(v)))
    throw new InputError(`target: expected a host name or an IP address, got ${show(v)}`);
  return v;
}

function httpUrl(v: unknown): URL {
  let url: URL;
  try {
    url = new URL(String(v));
  } catch {
    throw new InputError(`url: expected an http:// or https:// URL, got ${show(v)}`);
  }
  if (typeof v !== 'string' || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new InputError(`url: expected an http:// or https:// URL, got ${show(v)}`);
  return url;
}

function headers(v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new InputError('headers: expected an object of header names to values');
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k) || typeof value !== 'string' || /[\r\n]/.test(value))
      throw new InputError(`headers.${k}: expected a header name and a one-line string value`);
    out[k] = value;
  }
  return out;
}

function agentList(v: unknown): 'all' | string[] {
  if (v === undefined || v === 'all') return 'all';
  if (
    !Array.isArray(v) ||
    v.length === 0 ||
    v.length > 10_000 ||
    !v.every((a) => typeof a === 'string' && agentIdPattern.test(a))
  )
    throw new InputError(`agents: expected "all" or a non-empty list of agent ids, got ${show(v)}`);
  return [...new Set(v as string[])];
}

function integer(
  o: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    bad(key, `an integer ${min}-${max}`, v);
  return v as number;
}

function oneOf<T extends string>(
  o: Record<string, unknown>,
  key: string,
  values: readonly T[],
  fallback: T,
): T {
  const v = o[key];
  if (v === undefined) return fallback;
  if (!(values as readonly unknown[]).includes(v)) bad(key, values.join(' or '), v);
  return v as T;
}

function optionalText(o: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    bad(key, `a string of 1-${max} characters`, v);
  return v as string;
}

function bool(o: Record<string, unknown>, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') bad(key, 'true or false', v);
  return v as boolean;
}

function bad(key: string, expected: string, got: unknown): never {
  throw new InputError(`${key}: expected ${expected}, got ${show(got)}`);
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
