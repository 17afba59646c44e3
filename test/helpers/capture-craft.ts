/** Hand-built IP packets for parser tests: IPv4/IPv6, UDP/TCP, options, extension headers, fragments. */

function addr4(text: string): number[] {
  return text.split('.').map(Number);
}

function addr6(text: string): number[] {
  const [head = '', tail = ''] = text.split('::');
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => Number.parseInt(w, 16)));
  const h = words(head);
  const t = words(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((w) => [w >> 8, w & 0xff]);
}

export function udp(srcPort: number, dstPort: number, payload: number[] | Uint8Array): number[] {
  const len = 8 + payload.length;
  return [srcPort >> 8, srcPort & 0xff, dstPort >> 8, dstPort & 0xff, len >> 8, len & 0xff, 0, 0, ...payload];
}

export function tcp(
  srcPort: number,
  dstPort: number,
  seq: number,
  flags: number,
  payload: number[] | Uint8Array,
  options: number[] = [],
): number[] {
  const header = 20 + options.length;
  return [
    srcPort >> 8,
    srcPort & 0xff,
    dstPort >> 8,
    dstPort & 0xff,
    (seq >>> 24) & 0xff,
    (seq >>> 16) & 0xff,
    (seq >>> 8) & 0xff,
    seq & 0xff,
    0,
    0,
    0,
    0,
    (header / 4) << 4,
    flags,
    0xff,
    0xff,
    0,
    0,
    0,
    0,
    ...options,
    ...payload,
  ];
}

export interface V4Options {
  readonly protocol: number;
  readonly src?: string;
  readonly dst?: string;
  /** IP options bytes (a multiple of 4). */
  readonly options?: number[];
  readonly moreFragments?: boolean;
  /** Fragment offset in 8-byte units. */
  readonly fragmentOffset?: number;
}

export function ipv4(o: V4Options, body: number[]): number[] {
  const options = o.options ?? [];
  const ihl = 5 + options.length / 4;
  const total = ihl * 4 + body.length;
  const frag = (o.moreFragments ? 0x2000 : 0) | (o.fragmentOffset ?? 0);
  const header = [
    0x40 | ihl,
    0,
    total >> 8,
    total & 0xff,
    0x12,
    0x34,
    frag >> 8,
    frag & 0xff,
    64,
    o.protocol,
    0,
    0,
    ...addr4(o.src ?? '192.0.2.1'),
    ...addr4(o.dst ?? '198.51.100.2'),
    ...options,
  ];
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += (header[i]! << 8) | header[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  sum = ~sum & 0xffff;
  header[10] = sum >> 8;
  header[11] = sum & 0xff;
  return [...header, ...body];
}

/** An IPv6 extension header chain entry: `type` is its own header type. */
export interface Extension {
  readonly type: 0 | 43 | 44 | 60;
  /** Fragment header fields (type 44). */
  readonly fragmentOffset?: number;
  readonly moreFragments?: boolean;
}

export function ipv6(
  o: { protocol: number; src?: string; dst?: string; extensions?: Extension[] },
  body: number[],
): number[] {
  const exts = o.extensions ?? [];
  const chain: number[] = [];
  exts.forEach((e, i) => {
    const next = i + 1 < exts.length ? exts[i + 1]!.type : o.protocol;
    if (e.type === 44) {
      const v = ((e.fragmentOffset ?? 0) << 3) | (e.moreFragments ? 1 : 0);
      chain.push(next, 0, v >> 8, v & 0xff, 0, 0, 0, 7);
    } else if (e.type === 43) {
      chain.push(next, 2, 0, 0, 0, 0, 0, 0, ...new Array<number>(16).fill(0)); // 24 bytes, 0 segments left
    } else {
      chain.push(next, 1, 1, 12, ...new Array<number>(12).fill(0)); // 16 bytes: PadN
    }
  });
  const payload = [...chain, ...body];
  const first = exts.length > 0 ? exts[0]!.type : o.protocol;
  return [
    0x60,
    0,
    0,
    0,
    payload.length >> 8,
    payload.length & 0xff,
    first,
    64,
    ...addr6(o.src ?? '2001:db8::1'),
    ...addr6(o.dst ?? '2001:db8:0:1::2'),
    ...payload,
  ];
}

export function ethernet(ip: number[]): Uint8Array {
  const type = ip[0]! >> 4 === 6 ? [0x86, 0xdd] : [0x08, 0x00];
  const frame = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, ...type, ...ip];
  while (frame.length < 60) frame.push(0);
  return Uint8Array.from(frame);
}
