/** Byte-level helpers for building test packets and sFlow structures (big-endian, XDR). */
export type Bytes = Uint8Array | number[];

export function concat(...parts: Bytes[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function u32(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) dv.setUint32(i * 4, values[i]! >>> 0);
  return out;
}

export function u64(v: number): Uint8Array {
  return u32(Math.floor(v / 2 ** 32), v % 2 ** 32);
}

export function u16(...values: number[]): number[] {
  return values.flatMap((v) => [(v >> 8) & 0xff, v & 0xff]);
}

/** Opaque bytes padded to a multiple of 4. */
export function padded(b: Bytes): Uint8Array {
  return concat(b, new Uint8Array((4 - (b.length % 4)) % 4));
}

export function ip4(text: string): number[] {
  return text.split('.').map(Number);
}

export function ip6(text: string): number[] {
  const [head, tail = ''] = text.split('::');
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => Number.parseInt(w, 16)));
  const h = words(head!);
  const t = words(tail);
  const all = text.includes('::') ? [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t] : h;
  return u16(...all);
}

export function mac(text: string): number[] {
  return text.split(':').map((x) => Number.parseInt(x, 16));
}
