import { KEY_WORDS, SLOT_TCP_WORD } from '../src/agent/flow/flow-table.js';

interface Used {
  total: number;
}

export interface MemoryRun {
  before_pipeline: Used;
  pipeline_created: Used;
  active_flows: number;
  memory: Used;
}

/**
 * The flow table's typed arrays per slot, from the layouts in src/agent (all allocated for
 * `--max-flows` slots when the pipeline is created): the slot record (key, list links, decoder
 * index, hot counters, fragment count and ICMP port; then the TCP tracker's block, kept in the
 * slot record), the decoder-state pointer (8 bytes in V8's arrays) and the app-field list head. The hash index (8 bytes an
 * entry, at most half full) grows with the flows in use and is not in this sum.
 */
export function slotBytes() {
  const parts = {
    slot_record: SLOT_TCP_WORD * 4,
    tcp_tracker_in_slot_record: (KEY_WORDS - SLOT_TCP_WORD) * 4,
    decoder_state_pointer_and_fields_head: 8 + 4,
  };
  return { ...parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

/**
 * Memory per 100 k active flows from a measured run: what the pipeline allocated up front for its
 * slots, and what the flows in the table added on top (decoder states, field maps, the index).
 */
export function memoryPer100k(run: MemoryRun, maxFlows: number) {
  const upFront = run.pipeline_created.total - run.before_pipeline.total;
  const added = run.memory.total - run.pipeline_created.total;
  const perSlot = upFront / maxFlows;
  const perFlowAdded = added / run.active_flows;
  const slot = slotBytes();
  return {
    active_flows: run.active_flows,
    max_flows: maxFlows,
    measured_allocated_when_created_bytes: upFront,
    measured_added_by_active_flows_bytes: added,
    measured_bytes_per_slot: Math.round(perSlot),
    measured_added_bytes_per_active_flow: Math.round(perFlowAdded),
    arithmetic_bytes_per_slot: slot,
    /** With --max-flows sized to the flows (every slot used): slots plus what each flow adds. */
    bytes_per_100k_active_flows: Math.round(100_000 * (slot.total + perFlowAdded)),
    /** The default table (max_flows slots) at the measured moment, per 100 k of its active flows. */
    bytes_per_100k_active_flows_default_table: Math.round(((upFront + added) / run.active_flows) * 100_000),
  };
}
