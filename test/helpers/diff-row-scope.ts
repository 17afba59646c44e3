import { type Cat, type Facts, type Node, node, type PgType, type Rng, type Scope } from './diff-node.js';

/** The per-row scope: leaves are the flow columns (qualified by the table alias when there is one). */

interface ColumnInfo {
  readonly name: string;
  readonly type: PgType;
  readonly weight: number;
}

const columnsByCat: Record<string, readonly ColumnInfo[]> = {
  int: [
    { name: 'src_as', type: 'int8', weight: 4 },
    { name: 'dst_as', type: 'int8', weight: 1 },
    { name: 'protocol', type: 'int2', weight: 3 },
    { name: 'tos', type: 'int2', weight: 1 },
    { name: 'tcp_flags', type: 'int2', weight: 1 },
    { name: 'direction', type: 'int2', weight: 1 },
    { name: 'src_route_length', type: 'int2', weight: 1 },
    { name: 'l4_src_port', type: 'int4', weight: 1 },
    { name: 'l4_dst_port', type: 'int4', weight: 2 },
    { name: 'vlan_in', type: 'int4', weight: 1 },
    { name: 'http_status', type: 'int4', weight: 1 },
    { name: 'in_bytes', type: 'int8', weight: 4 },
    { name: 'in_pkts', type: 'int8', weight: 3 },
    { name: 'out_bytes', type: 'int8', weight: 1 },
    { name: 'sample_rate', type: 'int8', weight: 1 },
    { name: 'input_port', type: 'int8', weight: 1 },
    { name: 'appl_latency_ms', type: 'int8', weight: 2 },
    { name: 'client_nw_latency_ms', type: 'int8', weight: 1 },
    { name: 'i_device_id', type: 'int8', weight: 1 },
  ],
  text: [
    { name: 'src_geo', type: 'text', weight: 3 },
    { name: 'dst_geo', type: 'text', weight: 1 },
    { name: 'i_device_name', type: 'text', weight: 2 },
    { name: 'http_host', type: 'text', weight: 2 },
    { name: 'app_protocol', type: 'text', weight: 1 },
  ],
  time: [
    { name: 'i_start_time', type: 'timestamptz', weight: 3 },
    { name: 'flow_start_time', type: 'timestamptz', weight: 1 },
    { name: 'flow_end_time', type: 'timestamptz', weight: 1 },
  ],
  inet: [
    { name: 'src_addr', type: 'inet', weight: 3 },
    { name: 'dst_addr', type: 'inet', weight: 2 },
    { name: 'ipv4_next_hop', type: 'inet', weight: 1 },
    { name: 'bgp_next_hop', type: 'inet', weight: 1 },
  ],
  mac: [{ name: 'src_eth_mac', type: 'macaddr', weight: 1 }],
};

function weighted(rng: Rng, list: readonly ColumnInfo[]): ColumnInfo {
  let w = rng.float() * list.reduce((a, c) => a + c.weight, 0);
  for (const c of list) {
    w -= c.weight;
    if (w < 0) return c;
  }
  return list[list.length - 1]!;
}

export class RowScope implements Scope {
  readonly perGroup = false;
  readonly rowScope: Scope = this;

  constructor(
    readonly rng: Rng,
    readonly facts: Facts,
    private readonly qual: string,
    /** [min, max] of each integer column in the data. */
    private readonly bounds: ReadonlyMap<string, readonly [number, number]>,
  ) {}

  leaf(cat: Cat): Node | undefined {
    const list = columnsByCat[cat === 'num' ? 'int' : cat];
    if (list === undefined) return undefined;
    return this.column(weighted(this.rng, list));
  }

  column(c: ColumnInfo): Node {
    const pg = `${this.qual}${c.name}`;
    if (c.type === 'inet') {
      const inet = {
        f: `${c.name}__f`,
        n: `${c.name}__n`,
        b: `(CASE WHEN ${c.name}__f = 4 THEN 32 ELSE 128 END)`,
        h: `${c.name}__h`,
      };
      return node({
        pg,
        dk: `struct_pack(f := ${inet.f}, n := ${inet.n}, b := ${inet.b})`,
        type: 'inet',
        name: c.name,
        inet,
        full: true,
      });
    }
    const [lo, hi] = this.bounds.get(c.name) ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    return node({ pg, dk: c.name, type: c.type, name: c.name, lo, hi });
  }
}
