import { formatIPv6Words } from '../../../flow/addr.js';
import type { CidrValue } from '../../plan/plan.js';

/**
 * inet and cidr values as PostgreSQL reads, prints, orders and contains them, for literals and
 * constant folding. Addresses are 16 bytes, IPv4 IPv4-mapped (::ffff:a.b.c.d) with `v4` set, as
 * the store keeps them.
 */

/** Parses inet (cidr = false) or cidr text; undefined when it is not valid. */
export function parseInet(text: string, cidr: boolean): CidrValue | undefined {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  let bits: number | undefined;
  if (slash >= 0) {
    const b = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b)) return undefined;
    bits = Number(b);
  }
  const value = addr.includes(':') ? parseV6(addr, bits) : parseV4(addr, bits, cidr);
  if (value === undefined) return undefined;
  if (cidr && !hostBitsZero(value)) return undefined;
  return value;
}

function parseV4(addr: string, bits: number | undefined, cidr: boolean): CidrValue | undefined {
  const parts = addr.split('.');
  if (parts.length > 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  if (parts.length < 4 && bits === undefined && !cidr) return undefined;
  const octets = parts.map(Number);
  while (octets.length < 4) octets.push(0);
  if (bits === undefined) bits = parts.length === 4 ? 32 : classfulBits(octets[0]!, parts.length);
  if (bits > 32) return undefined;
  return v4Value(octets, bits);
}

/** PostgreSQL's cidr abbreviations ('10' is 10.0.0.0/8, '192.168' is 192.168.0.0/24). */
function classfulBits(first: number, given: number): number {
  const classBits = first >= 240 ? 32 : first >= 224 ? 8 : first >= 192 ? 24 : first >= 128 ? 16 : 8;
  const bits = Math.max(classBits, given * 8);
  return bits === 8 && first === 224 ? 4 : bits; // a bare class D network
}

export function v4Value(octets: readonly number[], bits: number): CidrValue {
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  for (let i = 0; i < 4; i++) bytes[12 + i] = octets[i]!;
  return { bytes, bits, v4: true };
}

function parseV6(addr: string, bits: number | undefined): CidrValue | undefined {
  if (bits !== undefined && bits > 128) return undefined;
  const bytes = new Uint8Array(16);
  const halves = addr.split('::');
  if (halves.length > 2) return undefined;
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 16 : total > 14) return undefined;
  bytes.set(head, 0);
  bytes.set(tail, 16 - tail.length);
  return { bytes, bits: bits ?? 128, v4: false };
}

/** The bytes of colon-separated hex groups, the last one possibly a dotted IPv4 address. */
function groups(text: string): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i === parts.length - 1 && p.includes('.')) {
      const v4 = p.split('.');
      if (v4.length !== 4 || v4.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) return undefined;
      out.push(...v4.map(Number));
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      const v = Number.parseInt(p, 16);
      out.push(v >> 8, v & 0xff);
    }
  }
  return out;
}

const offset = (v: CidrValue): number => (v.v4 ? 12 : 0);
const maxBits = (v: CidrValue): number => (v.v4 ? 32 : 128);

function bit(v: CidrValue, i: number): number {
  return (v.bytes[offset(v) + (i >> 3)]! >> (7 - (i & 7))) & 1;
}

function hostBitsZero(v: CidrValue): boolean {
  for (let i = v.bits; i < maxBits(v); i++) if (bit(v, i)) return false;
  return true;
}

/** Compares the first n bits of two addresses of one family. */
function bitCompare(a: CidrValue, b: CidrValue, n: number): number {
  for (let i = 0; i < n; i++) {
    const d = bit(a, i) - bit(b, i);
    if (d !== 0) return d;
  }
  return 0;
}

/** PostgreSQL's inet order: IPv4 first, then the network part, then the prefix length, then the rest. */
export function compareInet(a: CidrValue, b: CidrValue): number {
  if (a.v4 !== b.v4) return a.v4 ? -1 : 1;
  const order = bitCompare(a, b, Math.min(a.bits, b.bits));
  if (order !== 0) return order;
  if (a.bits !== b.bits) return a.bits - b.bits;
  return bitCompare(a, b, maxBits(a));
}

/** a << b (strict) or a <<= b. */
export function inetContainedBy(a: CidrValue, b: CidrValue, orEqual: boolean): boolean {
  if (a.v4 !== b.v4) return false;
  if (orEqual ? a.bits < b.bits : a.bits <= b.bits) return false;
  return bitCompare(a, b, b.bits) === 0;
}

export function withMasklen(v: CidrValue, bits: number, zeroHost: boolean): CidrValue {
  const bytes = Uint8Array.from(v.bytes);
  const value = { bytes, bits, v4: v.v4 };
  if (zeroHost) {
    for (let i = bits; i < maxBits(v); i++) {
      const at = offset(v) + (i >> 3);
      bytes[at] = bytes[at]! & ~(1 << (7 - (i & 7)));
    }
  }
  return value;
}

/** The address alone: '10.1.2.3', '2001:db8::1'. */
export function formatHost(v: CidrValue): string {
  if (v.v4) return Array.from(v.bytes.subarray(12)).join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((v.bytes[i]! << 8) | v.bytes[i + 1]!);
  const mapped = words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff;
  if (mapped) return `::ffff:${Array.from(v.bytes.subarray(12)).join('.')}`;
  return formatIPv6Words(words);
}

/** PostgreSQL's output form: the prefix length shown unless it is the full width (inet). */
export function formatInet(v: CidrValue, cidr: boolean): string {
  const host = formatHost(v);
  return cidr || v.bits !== maxBits(v) ? `${host}/${v.bits}` : host;
}

/** The text cast: inet::text always carries the prefix length. */
export function inetToText(v: CidrValue): string {
  return `${formatHost(v)}/${v.bits}`;
}

export function family(v: CidrValue): number {
  return v.v4 ? 4 : 6;
}

export function isValidMasklen(v: CidrValue, bits: number): boolean {
  return Number.isInteger(bits) && bits >= 0 && bits <= maxBits(v);
}
