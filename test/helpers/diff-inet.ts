/**
 * inet and macaddr text as PostgreSQL prints them, written here from PostgreSQL's rules (not from
 * flowlens's code) so that the differential test checks flowlens's output independently.
 * An address is (family, number, bits): IPv4 a 32-bit number, IPv6 a 128-bit one.
 */

/** The family and number of a stored 16-byte address (IPv4 is kept IPv4-mapped; all zero is '::'). */
export function addrParts(bytes: Uint8Array, offset: number): { fam: 4 | 6; num: bigint } {
  let mapped = bytes[offset + 10] === 0xff && bytes[offset + 11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (bytes[offset + i] !== 0) mapped = false;
  let num = 0n;
  for (let i = mapped ? 12 : 0; i < 16; i++) num = (num << 8n) | BigInt(bytes[offset + i]!);
  return { fam: mapped ? 4 : 6, num };
}

/** PostgreSQL's inet/cidr output: inet omits '/bits' at the full length, cidr always shows it. */
export function formatInet(fam: number, num: bigint, bits: number, cidr: boolean): string {
  const text = fam === 4 ? formatV4(num) : formatV6(num);
  return cidr || bits !== (fam === 4 ? 32 : 128) ? `${text}/${bits}` : text;
}

function formatV4(num: bigint): string {
  const n = Number(num);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * PostgreSQL's inet_net_ntop_ipv6: the longest run (first on a tie) of two or more zero words
 * becomes '::'; an address whose first six words are zero, or five zero words then ffff, ends in
 * dotted IPv4 form.
 */
function formatV6(num: bigint): string {
  const words: number[] = [];
  for (let i = 7; i >= 0; i--) words.push(Number((num >> BigInt(i * 16)) & 0xffffn));
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      cur = cur.base === -1 ? { base: i, len: 1 } : { base: cur.base, len: cur.len + 1 };
    } else if (cur.base !== -1) {
      if (best.base === -1 || cur.len > best.len) best = cur;
      cur = { base: -1, len: 0 };
    }
  }
  if (cur.base !== -1 && (best.base === -1 || cur.len > best.len)) best = cur;
  if (best.base !== -1 && best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      out += formatV4(num & 0xffffffffn);
      break;
    }
    out += words[i]!.toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ':';
  return out;
}

/** The network part of an address: the bits past `bits` cleared. */
export function maskNum(fam: number, num: bigint, bits: number): bigint {
  const width = BigInt(fam === 4 ? 32 : 128);
  const host = width - BigInt(bits);
  return (num >> host) << host;
}

/** The first and last address of a network, for containment tests. */
export function networkRange(fam: number, num: bigint, bits: number): { lo: bigint; hi: bigint } {
  const width = BigInt(fam === 4 ? 32 : 128);
  const lo = maskNum(fam, num, bits);
  return { lo, hi: lo + (1n << (width - BigInt(bits))) - 1n };
}

/** Parses an IPv4 dotted quad or an IPv6 address (no prefix) into family and number. */
export function parseAddrText(text: string): { fam: 4 | 6; num: bigint } {
  if (!text.includes(':')) {
    const parts = text.split('.').map(Number);
    return {
      fam: 4,
      num: BigInt(((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!),
    };
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const hw = head === '' ? [] : head!.split(':');
  const tw = tail === undefined || tail === '' ? [] : tail.split(':');
  const words = [
    ...hw,
    ...new Array<string>(tail === undefined ? 0 : 8 - hw.length - tw.length).fill('0'),
    ...tw,
  ];
  let num = 0n;
  for (const w of words) num = (num << 16n) | BigInt(Number.parseInt(w, 16));
  return { fam: 6, num };
}

/** PostgreSQL's macaddr output: six lower-case hex bytes separated by colons. */
export function formatMacText(v: bigint | number): string {
  const n = BigInt(v);
  const out: string[] = [];
  for (let i = 5; i >= 0; i--) out.push(((n >> BigInt(i * 8)) & 0xffn).toString(16).padStart(2, '0'));
  return out.join(':');
}
