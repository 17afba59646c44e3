/** How the agent turns packets into flow records (all times in milliseconds). */
export interface AgentConfig {
  /**
   * Whose clock times the flows: `received`, the wall clock when the agent handles the packet
   * (the default, as for a live capture), or `capture`, the packet's capture timestamp.
   */
  readonly timestamps: 'received' | 'capture';
  /**
   * A flow with packets is exported at least this often. Records also end at every minute
   * boundary of the flow clock, so that each falls in one of the store's minute buckets.
   */
  readonly activeTimeoutMs: number;
  /** A flow with no packet for this long is exported and forgotten. */
  readonly idleTimeoutMs: number;
  /** The idle timeout of a closed TCP flow (a RST, or a FIN from each side). */
  readonly closedTimeoutMs: number;
  /** Most flows tracked at once; past it the least recently seen flow is evicted (counted). */
  readonly maxFlows: number;
  /** Non-first IP fragments remembered for matching later fragments to their flow. */
  readonly maxFragments: number;
  /** Rows per batch handed to the record sink. */
  readonly batchRows: number;
}

export const defaultAgentConfig: AgentConfig = {
  timestamps: 'received',
  activeTimeoutMs: 60_000,
  idleTimeoutMs: 30_000,
  closedTimeoutMs: 5_000,
  maxFlows: 262_144,
  maxFragments: 4096,
  batchRows: 1024,
};
