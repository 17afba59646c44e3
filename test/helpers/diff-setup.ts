import type { FlowBatch } from '../../src/flow/batch.js';
import { flowColumns } from '../../src/flow/schema.js';
import { DIFF_NOW, diffMinutes } from './diff-flows.js';
import { addrParts, formatInet } from './diff-inet.js';
import type { Facts } from './diff-node.js';

/** What the generator needs to know about the data: integer column bounds, addresses, instants. */

export function intBounds(batches: readonly FlowBatch[]): Map<string, readonly [number, number]> {
  const out = new Map<string, readonly [number, number]>();
  flowColumns.forEach((col, c) => {
    if (col.type !== 'u8' && col.type !== 'u16' && col.type !== 'u32' && col.type !== 'u64') return;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const b of batches) {
      const arr = b.arrays[c]!;
      for (let r = 0; r < b.length; r++) {
        const v = arr[r]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    out.set(col.name, [lo, hi]);
  });
  return out;
}

export function dataFacts(batches: readonly FlowBatch[]): Facts {
  const addrs = new Set<string>();
  const src = flowColumns.findIndex((c) => c.name === 'src_addr');
  for (const b of batches) {
    const bytes = b.arrays[src] as Uint8Array;
    for (let r = 0; r < b.length && addrs.size < 40; r += 97) {
      const { fam, num } = addrParts(bytes, r * 16);
      addrs.add(formatInet(fam, num, fam === 4 ? 32 : 128, false));
    }
  }
  return {
    addrs: [...addrs],
    instants: [...diffMinutes, DIFF_NOW, DIFF_NOW - 3_600_000, Date.UTC(2026, 10, 20)],
  };
}
