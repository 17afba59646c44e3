/** Deterministic value generators shared by the HyperLogLog tests. */

/** A seeded bijection on uint32 (murmur3's fmix32 after a keyed xor-add), so outputs are distinct. */
export function permute32(i: number, key: number): number {
  let x = ((i ^ key) + 0x6d2b79f5) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** n distinct pseudo-random integers below 2^53 for a seed, produced in chunks. */
export function* randomValueChunks(n: number, seed: number, chunk = 65536): Generator<Float64Array> {
  const high = (seed * 2654435761) % 2097152;
  const buffer = new Float64Array(chunk);
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    for (let i = start; i < end; i++) buffer[i - start] = high * 4294967296 + permute32(i, seed);
    yield buffer.subarray(0, end - start);
  }
}

/** n consecutive integers starting at a seed-dependent offset, produced in chunks. */
export function* sequentialValueChunks(n: number, seed: number, chunk = 65536): Generator<Float64Array> {
  const base = seed * 1_000_000_000;
  const buffer = new Float64Array(chunk);
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    for (let i = start; i < end; i++) buffer[i - start] = base + i;
    yield buffer.subarray(0, end - start);
  }
}

/** Rows of IPv4-mapped IPv6 addresses (::ffff:a.b.c.d), 16 bytes each, consecutive from `first`. */
export function ipv4Column(first: number, count: number): Uint8Array {
  const bytes = new Uint8Array(count * 16);
  for (let row = 0; row < count; row++) {
    const at = row * 16;
    const v = (first + row) >>> 0;
    bytes[at + 10] = 0xff;
    bytes[at + 11] = 0xff;
    bytes[at + 12] = v >>> 24;
    bytes[at + 13] = (v >>> 16) & 0xff;
    bytes[at + 14] = (v >>> 8) & 0xff;
    bytes[at + 15] = v & 0xff;
  }
  return bytes;
}
