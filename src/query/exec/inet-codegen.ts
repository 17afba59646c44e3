import type { CidrValue } from '../plan/plan.js';
import type { KernelBuilder } from './kernel-builder.js';

/**
 * `address_column << constant network` as masked int32 word compares on the column's word view:
 * no per-row call, no bytes read one by one. An IPv4 network /n is the IPv4-mapped /(96 + n).
 * `slot`: where the row's address is in the column's words (the row, or its dictionary index).
 */
export function columnWithin(
  b: KernelBuilder,
  name: string,
  net: CidrValue,
  strict: boolean,
  slot: string,
): string {
  const full = net.v4 ? 32 : 128;
  if (strict && net.bits >= full) return 'false';
  const w = b.words(name);
  const j = `(${slot} << 2)`;
  const total = net.v4 ? net.bits + 96 : net.bits;
  const netWords = new Int32Array(new Uint8Array(net.bytes).buffer);
  const terms: string[] = [];
  for (let k = 0; k < 4; k++) {
    const keep = Math.max(0, Math.min(32, total - 32 * k));
    if (keep === 0) continue;
    const maskBytes = new Uint8Array(4);
    for (let byte = 0; byte < 4; byte++) {
      const bits = Math.max(0, Math.min(8, keep - 8 * byte));
      maskBytes[byte] = (0xff << (8 - bits)) & 0xff;
    }
    const mask = new Int32Array(maskBytes.buffer)[0]!;
    terms.push(`(${w}[${j} + ${k}] & ${mask}) === ${netWords[k]! & mask}`);
  }
  if (!net.v4) {
    // An IPv6 network never contains an IPv4 address (families differ in PostgreSQL).
    terms.push(`!(${w}[${j}] === 0 && ${w}[${j} + 1] === 0 && ${w}[${j} + 2] === -65536)`);
  }
  return terms.length === 0 ? 'true' : `(${terms.join(' && ')})`;
}
