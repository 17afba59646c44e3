import { DnsError } from './dns-errors.js';
import type { DnsReader } from './dns-reader.js';
import type { TextBuffer } from './text-buffer.js';

export const RR = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  DNAME: 39,
  SVCB: 64,
  HTTPS: 65,
  CAA: 257,
} as const;

/**
 * Checks the record data of one answer, `r.buf[start..end)` (all captured), and with `text`
 * writes it as dig prints it: A/AAAA an address; NS, CNAME, PTR, DNAME a name; MX "pref name";
 * SRV "priority weight port target"; SOA "mname rname serial refresh retry expire minimum"; TXT
 * each string quoted, space separated; SVCB/HTTPS "priority target" (parameters left out); CAA
 * 'flags tag "value"'; any other type RFC 3597's "\# length hex". Returns false (with `r.error`)
 * when the data does not fit its type.
 */
export function rdata(
  r: DnsReader,
  type: number,
  start: number,
  end: number,
  text: TextBuffer | null,
): boolean {
  const len = end - start;
  switch (type) {
    case RR.A:
      if (len !== 4) return bad(r);
      text?.ipv4(r.buf, start);
      return true;
    case RR.AAAA:
      if (len !== 16) return bad(r);
      text?.ipv6(r.buf, start);
      return true;
    case RR.NS:
    case RR.CNAME:
    case RR.PTR:
    case RR.DNAME:
      return nameTo(r, start, end, text);
    case RR.MX:
      if (len < 3) return bad(r);
      text?.decimal(r.u16(start));
      text?.byte(32);
      return nameTo(r, start + 2, end, text);
    case RR.SRV:
      if (len < 7) return bad(r);
      for (let i = 0; i < 3; i++) {
        text?.decimal(r.u16(start + 2 * i));
        text?.byte(32);
      }
      return nameTo(r, start + 6, end, text);
    case RR.SOA:
      return soa(r, start, end, text);
    case RR.TXT:
      return txt(r, start, end, text);
    case RR.SVCB:
    case RR.HTTPS: {
      if (len < 3) return bad(r);
      text?.decimal(r.u16(start));
      text?.byte(32);
      const next = r.name(start + 2, text);
      if (next < 0) return false;
      return next <= end || bad(r);
    }
    case RR.CAA:
      return caa(r, start, end, text);
    default:
      if (text !== null) {
        text.ascii('\\# ');
        text.decimal(len);
        if (len > 0) text.byte(32);
        for (let i = start; i < end; i++) text.hexByte(r.buf[i]!);
      }
      return true;
  }
}

function bad(r: DnsReader): boolean {
  r.error = DnsError.badRdata;
  return false;
}

/** A name that must fill the record data up to `end` exactly. */
function nameTo(r: DnsReader, start: number, end: number, text: TextBuffer | null): boolean {
  const next = r.name(start, text);
  if (next < 0) return false;
  return next === end || bad(r);
}

function soa(r: DnsReader, start: number, end: number, text: TextBuffer | null): boolean {
  let p = r.name(start, text);
  if (p < 0) return false;
  text?.byte(32);
  p = r.name(p, text);
  if (p < 0) return false;
  if (end - p !== 20) return bad(r);
  for (let i = 0; i < 5; i++) {
    text?.byte(32);
    text?.decimal(r.u32(p + 4 * i));
  }
  return true;
}

function txt(r: DnsReader, start: number, end: number, text: TextBuffer | null): boolean {
  for (let p = start; p < end; ) {
    const n = r.buf[p]!;
    if (p + 1 + n > end) return bad(r);
    if (text !== null) {
      if (p > start) text.byte(32);
      quoted(r.buf, p + 1, p + 1 + n, text);
    }
    p += 1 + n;
  }
  return true;
}

function caa(r: DnsReader, start: number, end: number, text: TextBuffer | null): boolean {
  if (end - start < 2) return bad(r);
  const tagLength = r.buf[start + 1]!;
  if (start + 2 + tagLength > end) return bad(r);
  if (text !== null) {
    text.decimal(r.buf[start]!);
    text.byte(32);
    for (let i = start + 2; i < start + 2 + tagLength; i++) text.byte(printable(r.buf[i]!) ? r.buf[i]! : 63);
    text.byte(32);
    quoted(r.buf, start + 2 + tagLength, end, text);
  }
  return true;
}

/** A character string in double quotes: '"' and '\' escaped with '\', ',' and non-printables as \DDD. */
function quoted(buf: Uint8Array, from: number, to: number, text: TextBuffer): void {
  text.byte(34);
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c === 34 || c === 92) {
      text.byte(92);
      text.byte(c);
    } else if (!printable(c) || c === 44) text.escapedByte(c);
    else text.byte(c);
  }
  text.byte(34);
}

function printable(c: number): boolean {
  return c >= 32 && c < 127;
}
