import { Random } from '../../src/ingest/export/random.js';

export { Random };

const interesting8 = [0, 1, 0x7f, 0x80, 0xff, 4, 8, 16];
const interesting16 = [0, 1, 2, 3, 4, 0x7fff, 0x8000, 0xfffe, 0xffff, 255, 256, 0x100, 65535];
const interesting32 = [0, 1, 4, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 65536];

/**
 * Writes a mutation of `src` into `out` and returns its length: 1-4 of bit flips, byte sets,
 * 16/32-bit field sets to boundary values, splices from `other`, duplications and truncations.
 * Allocates nothing.
 */
export function mutate(rng: Random, src: Uint8Array, other: Uint8Array, out: Uint8Array): number {
  let len = Math.min(src.length, out.length);
  out.set(src.subarray(0, len));
  const n = 1 + rng.int(4);
  for (let k = 0; k < n && len > 0; k++) {
    const at = rng.int(len);
    switch (rng.int(8)) {
      case 0:
        out[at]! ^= 1 << rng.int(8);
        break;
      case 1:
        out[at] = interesting8[rng.int(interesting8.length)]!;
        break;
      case 2:
        out[at] = rng.int(256);
        break;
      case 3:
        if (at + 2 <= len) {
          const v = interesting16[rng.int(interesting16.length)]!;
          out[at] = v >> 8;
          out[at + 1] = v & 0xff;
        }
        break;
      case 4:
        if (at + 4 <= len) {
          const v = interesting32[rng.int(interesting32.length)]!;
          out[at] = v >>> 24;
          out[at + 1] = (v >>> 16) & 0xff;
          out[at + 2] = (v >>> 8) & 0xff;
          out[at + 3] = v & 0xff;
        }
        break;
      case 5: {
        // Splice: bytes of another packet over ours.
        const from = rng.int(other.length);
        const count = Math.min(1 + rng.int(64), other.length - from, len - at);
        out.set(other.subarray(from, from + count), at);
        break;
      }
      case 6: {
        // Duplicate a run inside the packet (repeated records or sets).
        const from = rng.int(len);
        const count = Math.min(1 + rng.int(64), len - from, out.length - len);
        out.copyWithin(len, from, from + count);
        len += count;
        break;
      }
      default:
        len = at;
    }
  }
  return len;
}
