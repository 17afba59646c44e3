import { DnsFormatError } from './dns-reader.js';

/**
 * Domain names on the wire: encoding a query's name, and the presentation form dig prints
 * (trailing dot, `\.` and `\DDD` escapes).
 */

/** The wire form of a name given as text (`www.example.com`, trailing dot optional); undefined when invalid. */
export function encodeName(name: string): Buffer | undefined {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (trimmed === '') return Buffer.from([0]);
  const parts: Buffer[] = [];
  let total = 1;
  for (const label of trimmed.split('.')) {
    const bytes = Buffer.from(label, 'utf8');
    if (bytes.length === 0 || bytes.length > 63) return undefined;
    parts.push(Buffer.from([bytes.length]), bytes);
    total += bytes.length + 1;
  }
  if (total > 255) return undefined;
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

const special = new Set([0x2e, 0x3b, 0x5c, 0x28, 0x29, 0x40, 0x24, 0x22]); // . ; \ ( ) @ $ "

/** One label as dig prints it. */
export function labelText(buf: Buffer, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c <= 0x20 || c >= 0x7f) s += `\\${c.toString().padStart(3, '0')}`;
    else if (special.has(c)) s += `\\${String.fromCharCode(c)}`;
    else s += String.fromCharCode(c);
  }
  return s;
}

/**
 * Reads a possibly compressed name at `offset`; returns its text and the offset just past it in
 * place. A pointer must point strictly before the label that holds it, which rules out loops; the
 * name is limited to 255 bytes as RFC 1035 says.
 */
export function readName(buf: Buffer, offset: number): { readonly text: string; readonly next: number } {
  let text = '';
  let pos = offset;
  let next = -1;
  let length = 1;
  let floor = offset;
  for (;;) {
    if (pos >= buf.length) throw new DnsFormatError('name runs past the end of the message');
    const len = buf[pos]!;
    if (len === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new DnsFormatError('name pointer cut short');
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (target >= floor) throw new DnsFormatError('name pointer does not point backwards');
      if (next < 0) next = pos + 2;
      floor = target;
      pos = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new DnsFormatError(`reserved label type 0x${len.toString(16)}`);
    if (pos + 1 + len > buf.length) throw new DnsFormatError('label runs past the end of the message');
    length += len + 1;
    if (length > 255) throw new DnsFormatError('name longer than 255 bytes');
    text += `${labelText(buf, pos + 1, pos + 1 + len)}.`;
    pos += len + 1;
  }
  return { text: text === '' ? '.' : text, next };
}

/** `1.2.3.4` → `4.3.2.1.in-addr.arpa.`; `2001:db8::1` → nibbles under ip6.arpa (what `dig -x` asks). */
export function reverseName(address: string, v6Bytes?: Uint8Array): string {
  if (v6Bytes === undefined) return `${address.split('.').reverse().join('.')}.in-addr.arpa.`;
  const nibbles: string[] = [];
  for (let i = v6Bytes.length - 1; i >= 0; i--) {
    nibbles.push((v6Bytes[i]! & 0xf).toString(16), (v6Bytes[i]! >> 4).toString(16));
  }
  return `${nibbles.join('.')}.ip6.arpa.`;
}
