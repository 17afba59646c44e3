import { type Bytes, concat, ip4, ip6, mac, u16, u32 } from './sflow-craft-bytes.js';

/** Packet builders for the headers sFlow samples carry: Ethernet with tags, IPv4, IPv6, L4. */
export function ethernet(
  payload: Bytes,
  o: { dst?: string; src?: string; type?: number; tags?: [number, number][] } = {},
): Uint8Array {
  const tags = (o.tags ?? []).flatMap(([tpid, vid]) => u16(tpid, vid));
  // Each tag's TPID sits where the EtherType would be, then the TCI; the real type comes last.
  const header = [...mac(o.dst ?? '02:00:00:00:00:02'), ...mac(o.src ?? '02:00:00:00:00:01')];
  const type = o.type ?? (payload[0]! >> 4 === 6 ? 0x86dd : 0x0800);
  return concat(header, tags, u16(type), payload);
}

export function ipv4(
  payload: Bytes,
  o: {
    src?: string;
    dst?: string;
    proto?: number;
    tos?: number;
    fragOffset?: number;
    moreFragments?: boolean;
    options?: number[];
  } = {},
): Uint8Array {
  const opts = o.options ?? [];
  const ihl = 5 + opts.length / 4;
  const flags = ((o.moreFragments ? 0x2000 : 0) | (o.fragOffset ?? 0)) & 0xffff;
  return concat(
    [0x40 | ihl, o.tos ?? 0],
    u16(ihl * 4 + payload.length, 0x1234, flags),
    [64, o.proto ?? 6, 0, 0],
    ip4(o.src ?? '10.0.0.1'),
    ip4(o.dst ?? '10.0.0.2'),
    opts,
    payload,
  );
}

export function ipv6(
  payload: Bytes,
  o: { src?: string; dst?: string; next?: number; tclass?: number } = {},
): Uint8Array {
  const tc = o.tclass ?? 0;
  return concat(
    [0x60 | (tc >> 4), (tc & 0x0f) << 4, 0, 0],
    u16(payload.length),
    [o.next ?? 6, 64],
    ip6(o.src ?? '2001:db8::1'),
    ip6(o.dst ?? '2001:db8::2'),
    payload,
  );
}

/** A generic IPv6 extension header (hop-by-hop, routing, destination options) of 8 bytes. */
export function ipv6Extension(next: number, payload: Bytes): Uint8Array {
  return concat([next, 0, 0, 0, 0, 0, 0, 0], payload);
}

export function ipv6Fragment(next: number, offset: number, more: boolean, payload: Bytes): Uint8Array {
  return concat([next, 0], u16((offset << 3) | (more ? 1 : 0)), u32(0xabcd), payload);
}

export function tcp(sport: number, dport: number, flags: number): Uint8Array {
  return concat(u16(sport, dport), u32(1, 0), [0x50, flags], u16(1024, 0, 0));
}

export function udp(sport: number, dport: number, payload: Bytes = []): Uint8Array {
  return concat(u16(sport, dport, 8 + payload.length, 0), payload);
}

export function icmp(type: number, code: number): Uint8Array {
  return concat([type, code], u16(0, 1, 1));
}
