/** Text forms of addresses read in place from a packet (for keys and printing, not per-packet hot paths). */
import { formatAddr } from '../flow/addr.js';

const scratch = new Uint8Array(16);

/** The address of `size` (4 or 16) bytes at `buf[offset]` as text. */
export function addressText(buf: Uint8Array, offset: number, size: number): string {
  if (size === 4) return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
  scratch.set(buf.subarray(offset, offset + 16));
  return formatAddr(scratch, 0);
}

/** An IPv4 address at `buf[offset]` as a 32-bit unsigned number. */
export function ipv4Number(buf: Uint8Array, offset: number): number {
  return ((buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!) >>> 0;
}
