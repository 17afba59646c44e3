import type { PgType } from '../pg-types.js';

export interface TypeTraits {
  /** pg_type.typbyval, typalign, typstorage, typcollation. */
  readonly byval: boolean;
  readonly align: 'c' | 's' | 'i' | 'd';
  readonly storage: 'p' | 'x' | 'm';
  readonly collation: number;
}

/** From a PostgreSQL 15 server's pg_type; arrays are 'i'/'x' (or 'd' for double-aligned elements). */
const traits: Record<string, [boolean, TypeTraits['align'], TypeTraits['storage'], number]> = {
  aclitem: [false, 'i', 'p', 0],
  anyarray: [false, 'd', 'x', 0],
  bool: [true, 'c', 'p', 0],
  bpchar: [false, 'i', 'x', 100],
  bytea: [false, 'i', 'x', 0],
  char: [true, 'c', 'p', 0],
  cidr: [false, 'i', 'm', 0],
  float4: [true, 'i', 'p', 0],
  float8: [true, 'd', 'p', 0],
  inet: [false, 'i', 'm', 0],
  int2: [true, 's', 'p', 0],
  int2vector: [false, 'i', 'p', 0],
  int4: [true, 'i', 'p', 0],
  int8: [true, 'd', 'p', 0],
  interval: [false, 'd', 'p', 0],
  macaddr: [false, 'i', 'p', 0],
  name: [false, 'c', 'p', 950],
  numeric: [false, 'i', 'm', 0],
  oid: [true, 'i', 'p', 0],
  oidvector: [false, 'i', 'p', 0],
  pg_node_tree: [false, 'i', 'x', 100],
  record: [false, 'd', 'x', 0],
  regclass: [true, 'i', 'p', 0],
  regnamespace: [true, 'i', 'p', 0],
  regproc: [true, 'i', 'p', 0],
  regrole: [true, 'i', 'p', 0],
  regtype: [true, 'i', 'p', 0],
  text: [false, 'i', 'x', 100],
  timestamp: [true, 'd', 'p', 0],
  timestamptz: [true, 'd', 'p', 0],
  unknown: [false, 'c', 'p', 0],
  varchar: [false, 'i', 'x', 100],
  xid: [true, 'i', 'p', 0],
};

export function typeTraits(type: PgType): TypeTraits {
  if (type.elem !== undefined) {
    const collatable = ['text', 'varchar', 'bpchar', 'name'].some((n) => type.typname === `_${n}`);
    const align = ['_int8', '_float8', '_timestamptz'].includes(type.typname) ? 'd' : 'i';
    return {
      byval: false,
      align,
      storage: 'x',
      collation: collatable ? (type.typname === '_name' ? 950 : 100) : 0,
    };
  }
  const [byval, align, storage, collation] = traits[type.typname] ?? [false, 'i', 'x', 0];
  return { byval, align, storage, collation };
}
