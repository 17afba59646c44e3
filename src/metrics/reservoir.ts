import type { Snapshot } from './snapshot.js';

/** Where a histogram keeps the samples its quantiles are computed from. */
export interface Reservoir {
  update(value: number): void;
  snapshot(): Snapshot;
  /** Samples held now. */
  readonly size: number;
}

export type ReservoirKind = 'decaying' | 'uniform';

/** Dropwizard's default size: a 99.9% confidence level with a 5% margin of error (normal data). */
export const defaultReservoirSize = 1028;
