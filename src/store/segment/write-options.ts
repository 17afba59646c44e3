import { defaultPacking, type PackingPolicy } from './block-encoder.js';

export interface SegmentWriteOptions {
  /** zstd level for the column blocks; 0 stores them uncompressed. */
  readonly level?: number;
  /**
   * Columns to order each part's rows by before encoding (most significant first); [] keeps the
   * input order. The same permutation applies to every column of the part.
   */
  readonly sortBy?: readonly string[];
  /**
   * Columns that may be stored as their difference to another (time or u64) column of the part,
   * when that is smaller: flow_start_time as flow_end_time minus the flow's duration.
   */
  readonly references?: Readonly<Record<string, string>>;
  /**
   * The columns that make up a conversation: rows equal in all of them are stored once (see
   * row-groups.ts); [] stores every row of every column.
   */
  readonly groupBy?: readonly string[];
  /**
   * Number columns stored as a table per dictionary entry of an address column, in the parts
   * where they are a function of that address (AS numbers and prefix lengths of an address).
   */
  readonly keyedBy?: Readonly<Record<string, string>>;
  /** Bit-packed or zstd-compressed bytes for each block's final integer block. */
  readonly packing?: PackingPolicy;
  /**
   * Address columns that share one dictionary per part (a part-level block): the same hosts
   * appear as sources and destinations.
   */
  readonly shareAddresses?: readonly string[];
}

/** What identifies a conversation in a flow record (only the columns a schema has count). */
export const conversationColumns: readonly string[] = [
  'src_addr',
  'dst_addr',
  'l4_src_port',
  'l4_dst_port',
  'protocol',
  'tos',
  'input_port',
  'output_port',
  'vlan_in',
  'vlan_out',
  'src_as',
  'dst_as',
  'src_route_length',
  'dst_route_length',
  'ipv4_next_hop',
  'bgp_next_hop',
  'src_eth_mac',
  'dst_eth_mac',
  'direction',
  'ip_version',
  'mpls_label',
  'src_geo',
  'dst_geo',
];

export const defaultWriteOptions: Required<SegmentWriteOptions> = {
  level: 3,
  sortBy: ['dst_addr', 'src_addr'],
  references: { flow_start_time: 'flow_end_time' },
  groupBy: conversationColumns,
  keyedBy: {
    src_as: 'src_addr',
    dst_as: 'dst_addr',
    src_route_length: 'src_addr',
    dst_route_length: 'dst_addr',
  },
  packing: defaultPacking,
  shareAddresses: ['src_addr', 'dst_addr'],
};
