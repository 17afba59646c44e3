import type { FlowBatch } from '../../src/flow/batch.js';
import type { QuerySession } from '../../src/query/api.js';

/** Brute-force answers over the batches a test appended, for engine tests (independent of the engine). */

export const session = (tenant = 'acme'): QuerySession => ({ user: 'tester', tenant, settings: new Map() });

/** Sums `measure` per value of `dimension` over rows that `keep`, as BigInt; counts rows too. */
export function groupSums(
  batches: readonly FlowBatch[],
  dimension: 'src_as' | 'protocol' | 'i_device_id',
  measure: 'in_pkts' | 'in_bytes',
  keep: (batch: FlowBatch, row: number) => boolean = () => true,
): Map<number, { sum: bigint; count: number }> {
  const out = new Map<number, { sum: bigint; count: number }>();
  for (const batch of batches) {
    const dim = batch.arrays[batch.index[dimension]]!;
    const m = batch.arrays[batch.index[measure]]!;
    for (let row = 0; row < batch.length; row++) {
      if (!keep(batch, row)) continue;
      const g = out.get(dim[row]!) ?? { sum: 0n, count: 0 };
      g.sum += BigInt(m[row]!);
      g.count++;
      out.set(dim[row]!, g);
    }
  }
  return out;
}

/** A cell of a result as the engine returns numbers (bigint past 2^53). */
export function exact(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export const cell = (batch: FlowBatch, row: number, name: keyof FlowBatch['index']): number =>
  batch.arrays[batch.index[name]]![row]!;
