/**
 * A small NetFlow v9 / IPFIX encoder: builds export packets for tests, the fuzz test and the
 * decode benchmark. Not used on the ingest path.
 */

export interface FieldSpec {
  readonly id: number;
  /** Bytes, or 0xffff for an IPFIX variable-length field. */
  readonly length: number;
  /** Enterprise number (IPFIX only); 0 or absent for IANA elements. */
  readonly pen?: number;
}

/** A field value: a number or bigint (big-endian in the field's length), or raw bytes. */
export type FieldValue = number | bigint | Uint8Array;

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function uint(value: number | bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = BigInt(value);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** A set (or v9 flowset): 4-byte header, body, then `pad` zero bytes counted in its length. */
export function set(id: number, body: Uint8Array, pad = 0): Uint8Array {
  return concat(uint(id, 2), uint(4 + body.length + pad, 2), body, new Uint8Array(pad));
}

function fieldSpecs(fields: readonly FieldSpec[], ipfix: boolean): Uint8Array[] {
  return fields.map((f) =>
    ipfix && f.pen
      ? concat(uint(f.id | 0x8000, 2), uint(f.length, 2), uint(f.pen, 4))
      : concat(uint(f.id, 2), uint(f.length, 2)),
  );
}

/** A template record (v9 flowset 0 / IPFIX set 2). No fields: an IPFIX withdrawal. */
export function templateRecord(id: number, fields: readonly FieldSpec[], ipfix: boolean): Uint8Array {
  return concat(uint(id, 2), uint(fields.length, 2), ...fieldSpecs(fields, ipfix));
}

/** A NetFlow v9 options template record (flowset 1). */
export function v9OptionsTemplateRecord(
  id: number,
  scope: readonly FieldSpec[],
  fields: readonly FieldSpec[],
): Uint8Array {
  return concat(
    uint(id, 2),
    uint(scope.length * 4, 2),
    uint(fields.length * 4, 2),
    ...fieldSpecs(scope, false),
    ...fieldSpecs(fields, false),
  );
}

/** An IPFIX options template record (set 3): the first `scopeCount` fields are scope fields. */
export function ipfixOptionsTemplateRecord(
  id: number,
  scopeCount: number,
  fields: readonly FieldSpec[],
): Uint8Array {
  return concat(uint(id, 2), uint(fields.length, 2), uint(scopeCount, 2), ...fieldSpecs(fields, true));
}

/** One data record for `fields`; variable-length fields take raw bytes with a 1- or 3-byte length prefix. */
export function dataRecord(fields: readonly FieldSpec[], values: readonly FieldValue[]): Uint8Array {
  return concat(
    ...fields.map((f, i) => {
      const v = values[i] ?? 0;
      if (f.length !== 0xffff) return v instanceof Uint8Array ? v : uint(v, f.length);
      const bytes = v instanceof Uint8Array ? v : uint(v, 4);
      const prefix = bytes.length < 255 ? uint(bytes.length, 1) : concat(uint(255, 1), uint(bytes.length, 2));
      return concat(prefix, bytes);
    }),
  );
}

export interface V9Header {
  sequence?: number;
  sourceId?: number;
  /** sysUptime in ms. */
  uptime?: number;
  unixSecs?: number;
}

export function v9Packet(header: V9Header, sets: readonly Uint8Array[], count = sets.length): Uint8Array {
  return concat(
    uint(9, 2),
    uint(count, 2),
    uint(header.uptime ?? 0, 4),
    uint(header.unixSecs ?? 0, 4),
    uint(header.sequence ?? 0, 4),
    uint(header.sourceId ?? 0, 4),
    ...sets,
  );
}

export interface IpfixHeader {
  sequence?: number;
  domain?: number;
  exportSecs?: number;
}

export function ipfixPacket(header: IpfixHeader, sets: readonly Uint8Array[]): Uint8Array {
  const body = concat(...sets);
  return concat(
    uint(10, 2),
    uint(16 + body.length, 2),
    uint(header.exportSecs ?? 0, 4),
    uint(header.sequence ?? 0, 4),
    uint(header.domain ?? 0, 4),
    body,
  );
}

export function ipv4(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}
