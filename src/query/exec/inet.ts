import { formatAddr, parseAddr } from '../../flow/addr.js';
import { QueryError, SqlState } from '../errors.js';
import type { CidrValue } from '../plan/plan.js';

/**
 * inet/cidr values as PostgreSQL treats them, over the store's 16-byte form (IPv4 IPv4-mapped).
 * Functions take (array, offset, bits) so that they read a column in place; bits is the prefix
 * length in the value's own family (0–32 for IPv4).
 */

export function isMapped(a: Uint8Array, o: number): boolean {
  return (
    a[o] === 0 &&
    a[o + 1] === 0 &&
    a[o + 2] === 0 &&
    a[o + 3] === 0 &&
    a[o + 4] === 0 &&
    a[o + 5] === 0 &&
    a[o + 6] === 0 &&
    a[o + 7] === 0 &&
    a[o + 8] === 0 &&
    a[o + 9] === 0 &&
    a[o + 10] === 0xff &&
    a[o + 11] === 0xff
  );
}

/** The full prefix length of the address at `o`: 32 for IPv4, 128 for IPv6. */
export function fullBits(a: Uint8Array, o: number): number {
  return isMapped(a, o) ? 32 : 128;
}

/** Compares the first `bits` bits of a[ao..] and b[bo..]: <0, 0, >0. */
function bitncmp(a: Uint8Array, ao: number, b: Uint8Array, bo: number, bits: number): number {
  let i = 0;
  for (; bits >= 8; i++, bits -= 8) {
    const d = a[ao + i]! - b[bo + i]!;
    if (d !== 0) return d;
  }
  if (bits === 0) return 0;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (a[ao + i]! & mask) - (b[bo + i]! & mask);
}

/** PostgreSQL's network_cmp: family (IPv4 first), network bits, prefix length, then the address. */
export function cmpInet(
  a: Uint8Array,
  ao: number,
  abits: number,
  b: Uint8Array,
  bo: number,
  bbits: number,
): number {
  const a4 = isMapped(a, ao);
  const b4 = isMapped(b, bo);
  if (a4 !== b4) return a4 ? -1 : 1;
  const skip = a4 ? 12 : 0;
  let order = bitncmp(a, ao + skip, b, bo + skip, Math.min(abits, bbits));
  if (order !== 0) return order;
  order = abits - bbits;
  if (order !== 0) return order;
  return bitncmp(a, ao + skip, b, bo + skip, a4 ? 32 : 128);
}

/** a << b (strict) or a <<= b: same family, and a's network lies within b's. */
export function inetWithin(
  a: Uint8Array,
  ao: number,
  abits: number,
  b: Uint8Array,
  bo: number,
  bbits: number,
  strict: boolean,
): boolean {
  const a4 = isMapped(a, ao);
  if (a4 !== isMapped(b, bo)) return false;
  if (strict ? abits <= bbits : abits < bbits) return false;
  const skip = a4 ? 12 : 0;
  return bitncmp(a, ao + skip, b, bo + skip, bbits) === 0;
}

/** Copies the address at a[ao..] into out (16 bytes) with the bits past the prefix cleared. */
export function maskInto(out: Uint8Array, a: Uint8Array, ao: number, bits: number): Uint8Array {
  const total = isMapped(a, ao) ? bits + 96 : bits;
  for (let i = 0; i < 16; i++) {
    const keep = total - i * 8;
    const byte = a[ao + i]!;
    out[i] = keep >= 8 ? byte : keep <= 0 ? 0 : byte & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

/** set_masklen's check: 0..32 for IPv4, 0..128 for IPv6. */
export function checkMasklen(a: Uint8Array, ao: number, bits: number): number {
  const max = isMapped(a, ao) ? 32 : 128;
  if (!Number.isInteger(bits) || bits < 0 || bits > max) {
    throw new QueryError(SqlState.invalidParameterValue, `invalid mask length: ${bits}`);
  }
  return bits;
}

/** PostgreSQL's text form: the address, then '/n' unless n is the full length (always for cidr). */
export function formatInet(a: Uint8Array, ao: number, bits: number, cidr = false): string {
  const text = formatAddr(a, ao);
  return cidr || bits !== fullBits(a, ao) ? `${text}/${bits}` : text;
}

export function cidrText(v: CidrValue, cidr = false): string {
  return formatInet(v.bytes, 0, v.bits, cidr);
}

/** Parses '10.1.2.3', '10.0.0.0/8', '2001:db8::/32' into a CidrValue; 22P02 when malformed. */
export function parseInet(text: string, cidr = false): CidrValue {
  const s = text.trim();
  const slash = s.indexOf('/');
  let bytes: Uint8Array;
  try {
    bytes = parseAddr(slash < 0 ? s : s.slice(0, slash));
  } catch {
    throw new QueryError(
      SqlState.invalidTextRepresentation,
      `invalid input syntax for type ${cidr ? 'cidr' : 'inet'}: "${text}"`,
    );
  }
  const v4 = isMapped(bytes, 0);
  const max = v4 ? 32 : 128;
  const bits = slash < 0 ? max : Number(s.slice(slash + 1));
  if (!/^\d+$/.test(slash < 0 ? '0' : s.slice(slash + 1)) || bits > max) {
    throw new QueryError(
      SqlState.invalidTextRepresentation,
      `invalid input syntax for type ${cidr ? 'cidr' : 'inet'}: "${text}"`,
    );
  }
  if (cidr) {
    const masked = maskInto(new Uint8Array(16), bytes, 0, bits);
    if (bitncmp(masked, 0, bytes, 0, 128) !== 0) {
      throw new QueryError(SqlState.invalidTextRepresentation, `invalid cidr value: "${text}"`, {
        detail: 'Value has bits set to right of mask.',
      });
    }
  }
  return { bytes, bits, v4 };
}

/** A CidrValue copied from the address at a[ao..] with prefix length `bits`. */
export function cidrOf(a: Uint8Array, ao: number, bits: number): CidrValue {
  const bytes = a.slice(ao, ao + 16);
  return { bytes, bits, v4: isMapped(bytes, 0) };
}
