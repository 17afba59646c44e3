/** Hand-built DNS messages (RFC 1035 layout) for tests. Names are given as label lists or raw bytes. */

/** A name's wire form: each label as length + bytes, then the root (or `pointer` in its place). */
export function name(labels: readonly (string | number[])[], pointer?: number): number[] {
  const out: number[] = [];
  for (const l of labels) {
    const bytes = typeof l === 'string' ? [...Buffer.from(l, 'latin1')] : l;
    out.push(bytes.length, ...bytes);
  }
  if (pointer === undefined) out.push(0);
  else out.push(0xc0 | (pointer >> 8), pointer & 0xff);
  return out;
}

export function ptr(offset: number): number[] {
  return [0xc0 | (offset >> 8), offset & 0xff];
}

export interface MessageParts {
  readonly id: number;
  readonly response: boolean;
  readonly rcode?: number;
  readonly questions?: readonly number[][];
  readonly answers?: readonly number[][];
  /** Header counts to announce instead of the real ones. */
  readonly counts?: readonly [number, number];
}

export function u16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}

export function message(m: MessageParts): number[] {
  const qs = m.questions ?? [];
  const as = m.answers ?? [];
  const flags = (m.response ? 0x8180 : 0x0100) | (m.rcode ?? 0);
  return [
    ...u16(m.id),
    ...u16(flags),
    ...u16(m.counts?.[0] ?? qs.length),
    ...u16(m.counts?.[1] ?? as.length),
    0,
    0,
    0,
    0,
    ...qs.flat(),
    ...as.flat(),
  ];
}

export function question(n: number[], type: number): number[] {
  return [...n, ...u16(type), 0, 1];
}

export function rr(n: number[], type: number, rdata: number[], ttl = 300): number[] {
  return [
    ...n,
    ...u16(type),
    0,
    1,
    (ttl >>> 24) & 0xff,
    (ttl >>> 16) & 0xff,
    (ttl >>> 8) & 0xff,
    ttl & 0xff,
    ...u16(rdata.length),
    ...rdata,
  ];
}

/** A DNS-over-TCP frame: the 2-byte length, then the message. */
export function framed(msg: number[]): number[] {
  return [...u16(msg.length), ...msg];
}
