/**
 * Addresses are one logical type: 16 bytes, IPv4 stored IPv4-mapped (::ffff:a.b.c.d), all zeroes
 * for "none". These helpers read and write them in place in a column's Uint8Array.
 */

/** Writes an IPv4 address given as a 32-bit number at row `row` of an address column. */
export function writeIPv4(col: Uint8Array, row: number, v4: number): void {
  const o = row * 16;
  col[o + 10] = 0xff;
  col[o + 11] = 0xff;
  col[o + 12] = v4 >>> 24;
  col[o + 13] = (v4 >>> 16) & 0xff;
  col[o + 14] = (v4 >>> 8) & 0xff;
  col[o + 15] = v4 & 0xff;
}

/** Copies an IPv4 address from `src[off..off+4]` into row `row`. */
export function copyIPv4(col: Uint8Array, row: number, src: Uint8Array, off: number): void {
  const o = row * 16;
  col[o + 10] = 0xff;
  col[o + 11] = 0xff;
  col[o + 12] = src[off]!;
  col[o + 13] = src[off + 1]!;
  col[o + 14] = src[off + 2]!;
  col[o + 15] = src[off + 3]!;
}

/** Copies an IPv6 address from `src[off..off+16]` into row `row`. */
export function copyIPv6(col: Uint8Array, row: number, src: Uint8Array, off: number): void {
  col.set(src.subarray(off, off + 16), row * 16);
}

export function isIPv4Mapped(col: Uint8Array, o: number): boolean {
  for (let i = 0; i < 10; i++) if (col[o + i] !== 0) return false;
  return col[o + 10] === 0xff && col[o + 11] === 0xff;
}

export function isZeroAddr(col: Uint8Array, o: number): boolean {
  for (let i = 0; i < 16; i++) if (col[o + i] !== 0) return false;
  return true;
}

/** Formats the 16 bytes at `o` as text: dotted quad for IPv4-mapped, RFC 5952 for IPv6. */
export function formatAddr(col: Uint8Array, o: number): string {
  if (isIPv4Mapped(col, o)) return `${col[o + 12]}.${col[o + 13]}.${col[o + 14]}.${col[o + 15]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((col[o + i]! << 8) | col[o + i + 1]!);
  return formatIPv6Words(words);
}

/** Eight 16-bit words as IPv6 text: the longest run of two or more zero words becomes "::" (RFC 5952 section 4.2). */
export function formatIPv6Words(words: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: readonly number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/** Parses IPv4 or IPv6 text into the 16-byte form; throws on malformed text. */
export function parseAddr(text: string): Uint8Array {
  const out = new Uint8Array(16);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) throw new Error(`bad IPv4 address: ${text}`);
    out[10] = 0xff;
    out[11] = 0xff;
    out.set(parts, 12);
    return out;
  }
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const tailV4 = /(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(s);
  let tail: number[] = [];
  if (tailV4) {
    const b = parseAddr(tailV4[1]!);
    tail = [(b[12]! << 8) | b[13]!, (b[14]! << 8) | b[15]!];
    s = s.slice(0, -tailV4[1]!.length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) throw new Error(`bad IPv6 address: ${text}`);
  const parse = (h: string) => (h === '' ? [] : h.split(':').map((w) => parseHexWord(w, text)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? [...parse(halves[1]!), ...tail] : [];
  const words = halves.length === 2 ? head : [...head, ...tail];
  const fill = 8 - words.length - rest.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) throw new Error(`bad IPv6 address: ${text}`);
  const all = [...words, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...rest];
  all.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  return out;
}

function parseHexWord(w: string, text: string): number {
  if (!/^[0-9a-fA-F]{1,4}$/.test(w)) throw new Error(`bad IPv6 address: ${text}`);
  return Number.parseInt(w, 16);
}

/** Formats a 48-bit MAC held as a number. */
export function formatMac(v: number): string {
  const parts: string[] = [];
  for (let i = 5; i >= 0; i--)
    parts.push((Math.floor(v / 2 ** (8 * i)) & 0xff).toString(16).padStart(2, '0'));
  return parts.join(':');
}

/** Reads a 6-byte MAC at `off` as a number (exact: 48 bits fit in a double). */
export function readMac(buf: Uint8Array, off: number): number {
  return (
    buf[off]! * 2 ** 40 +
    buf[off + 1]! * 2 ** 32 +
    ((buf[off + 2]! << 24) >>> 0) +
    ((buf[off + 3]! << 16) | (buf[off + 4]! << 8) | buf[off + 5]!)
  );
}
