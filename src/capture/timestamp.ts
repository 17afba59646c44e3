/**
 * Capture timestamps to milliseconds since the epoch (fractional), without BigInt or allocation.
 * A pcapng timestamp is a 64-bit count of ticks (`unitsPerSecond` per second) split in two 32-bit
 * halves; dividing it as a double would lose the sub-second part of nanosecond clocks, so whole
 * seconds come from a long division in 16-bit digits, exact while `unitsPerSecond` < 2^36.
 */
const EXACT_LIMIT = 2 ** 36;

export function ticksToMs(high: number, low: number, unitsPerSecond: number, offsetSeconds: number): number {
  if (unitsPerSecond >= EXACT_LIMIT) {
    return ((high * 4294967296 + low) / unitsPerSecond + offsetSeconds) * 1000;
  }
  let seconds = 0;
  let rem = 0;
  let cur = rem * 65536 + (high >>> 16);
  seconds = Math.floor(cur / unitsPerSecond);
  rem = cur - seconds * unitsPerSecond;
  cur = rem * 65536 + (high & 0xffff);
  let q = Math.floor(cur / unitsPerSecond);
  seconds = seconds * 65536 + q;
  rem = cur - q * unitsPerSecond;
  cur = rem * 65536 + (low >>> 16);
  q = Math.floor(cur / unitsPerSecond);
  seconds = seconds * 65536 + q;
  rem = cur - q * unitsPerSecond;
  cur = rem * 65536 + (low & 0xffff);
  q = Math.floor(cur / unitsPerSecond);
  seconds = seconds * 65536 + q;
  rem = cur - q * unitsPerSecond;
  return (seconds + offsetSeconds) * 1000 + (rem * 1000) / unitsPerSecond;
}

/** pcapng if_tsresol: high bit clear, a power of ten; set, a power of two. */
export function unitsPerSecondOf(tsresol: number): number {
  return tsresol & 0x80 ? 2 ** (tsresol & 0x7f) : 10 ** tsresol;
}
