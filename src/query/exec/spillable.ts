import { aggLayout } from './agg-layout.js';
import type { JobSpec } from './job-contract.js';
import type { StateArraySpec } from './kernel-state.js';
import { keyLayout } from './key-layout.js';

/**
 * Groups at which the table of a spillable state spills (spill.ts): small enough that the table,
 * its keys and state arrays stay in the core's L2 cache while rows stream through.
 */
export const SPILL_GROUPS = 8192;

/**
 * The state array of a spillable kernel holding each group's key hash (`hashWords(…, 0) | 0`):
 * its top bits are the group's hash partition, and the merge need not hash the key again.
 */
export const KEY_HASHES: StateArraySpec = { name: 'KH', type: 'i32', fill: 0 };

/**
 * True for aggregate specs whose state is all float64 arrays indexed by group under keys without
 * text (count, sum, avg, numeric min/max): such a state can move groups out of its table and
 * merge them back later (spill.ts), so its table never outgrows the cache however many groups
 * there are.
 */
export function spillable(spec: JobSpec): boolean {
  if (!spec.aggregate) return false;
  const keys = keyLayout(spec.groupBy, spec.physical);
  if (keys.width === 0 || keys.encodings.includes('text')) return false;
  return spec.aggregates.every((a) => {
    const l = aggLayout(a, spec.physical);
    return (
      l.kind === 'count' ||
      l.kind === 'sum' ||
      l.kind === 'avg' ||
      (l.kind === 'minmax' && l.values === 'num')
    );
  });
}

/** The high words of exact integer sums (A/H/N naming of agg-layout.ts `stateArrays`). */
export function isCarryArray(name: string): boolean {
  return /^H\d+$/.test(name);
}
