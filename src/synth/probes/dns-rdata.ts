import { readName } from './dns-names.js';
import { DnsFormatError, u16, u32 } from './dns-reader.js';
import { rrType } from './dns-types.js';
import { ipv6Text } from './ipv6.js';

/**
 * Record data in dig's presentation form. Names inside the data may be compressed (pointers into
 * the whole message), so the message is passed, not the data alone. Types without a form here are
 * printed as RFC 3597's `\# LENGTH HEX`, as dig does for types it does not know.
 */
export function rdataText(buf: Buffer, type: number, at: number, len: number): string {
  const end = at + len;
  const exact = (next: number, what: string) => {
    if (next !== end) throw new DnsFormatError(`${what} record data has the wrong length`);
  };
  switch (type) {
    case rrType.A:
      exact(at + 4, 'A');
      return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
    case rrType.AAAA:
      exact(at + 16, 'AAAA');
      return ipv6Text(buf.subarray(at, end));
    case rrType.NS:
    case rrType.CNAME:
    case rrType.PTR: {
      const n = readName(buf, at);
      exact(n.next, 'name');
      return n.text;
    }
    case rrType.MX: {
      const n = readName(buf, at + 2);
      exact(n.next, 'MX');
      return `${u16(buf, at)} ${n.text}`;
    }
    case rrType.SRV: {
      const n = readName(buf, at + 6);
      exact(n.next, 'SRV');
      return `${u16(buf, at)} ${u16(buf, at + 2)} ${u16(buf, at + 4)} ${n.text}`;
    }
    case rrType.SOA: {
      const m = readName(buf, at);
      const r = readName(buf, m.next);
      exact(r.next + 20, 'SOA');
      const nums = [0, 4, 8, 12, 16].map((d) => u32(buf, r.next + d));
      return `${m.text} ${r.text} ${nums.join(' ')}`;
    }
    case rrType.TXT: {
      const parts: string[] = [];
      for (let o = at; o < end; ) {
        const n = buf[o]!;
        if (o + 1 + n > end) throw new DnsFormatError('TXT string runs past its record');
        parts.push(quoted(buf, o + 1, o + 1 + n));
        o += 1 + n;
      }
      return parts.join(' ');
    }
    case rrType.CAA: {
      if (len < 2 || 2 + buf[at + 1]! > len) throw new DnsFormatError('CAA record data cut short');
      const tagEnd = at + 2 + buf[at + 1]!;
      return `${buf[at]} ${buf.toString('latin1', at + 2, tagEnd)} ${quoted(buf, tagEnd, end)}`;
    }
    default:
      return len === 0 ? '\\# 0' : `\\# ${len} ${buf.toString('hex', at, end).toUpperCase()}`;
  }
}

/** A character string in double quotes: `"` and `\` escaped, bytes outside printable ASCII as \DDD. */
function quoted(buf: Buffer, start: number, end: number): string {
  let s = '"';
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < 0x20 || c >= 0x7f) s += `\\${c.toString().padStart(3, '0')}`;
    else if (c === 0x22 || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else s += String.fromCharCode(c);
  }
  return `${s}"`;
}
