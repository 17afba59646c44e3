import { readName } from './dns-names.js';
import { rdataText } from './dns-rdata.js';
import { DnsFormatError, u16, u32 } from './dns-reader.js';
import { className, rrType, typeName } from './dns-types.js';

/** EDNS UDP payload size we advertise (the DNS flag day 2020 value, also dig's). */
export const ednsPayload = 1232;

/**
 * A standard query with recursion desired and an EDNS OPT record, as dig sends by default.
 * `name` is the wire form (dns-names.ts `encodeName`).
 */
export function buildQuery(id: number, name: Buffer, type: number): Buffer {
  const q = Buffer.alloc(12 + name.length + 4 + 11);
  q.writeUInt16BE(id, 0);
  q.writeUInt16BE(0x0100, 2); // RD
  q.writeUInt16BE(1, 4); // QDCOUNT
  q.writeUInt16BE(1, 10); // ARCOUNT: the OPT record
  let o = 12 + name.copy(q, 12);
  o = q.writeUInt16BE(type, o);
  o = q.writeUInt16BE(1, o); // IN
  o += 1; // OPT owner: the root
  o = q.writeUInt16BE(rrType.OPT, o);
  q.writeUInt16BE(ednsPayload, o); // OPT "class": payload size; TTL and RDLENGTH stay 0
  return q;
}

export interface DnsRecord {
  readonly name: string;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  /** `name TTL CLASS TYPE RDATA` as dig prints it (single spaces). */
  readonly text: string;
}

export interface DnsResponse {
  readonly id: number;
  readonly truncated: boolean;
  /** Including the EDNS extended bits when the answer carries an OPT record. */
  readonly rcode: number;
  readonly question: { readonly name: string; readonly type: number; readonly class: number } | undefined;
  readonly answers: readonly DnsRecord[];
  readonly authority: readonly DnsRecord[];
}

/** The message ID, or -1 when there are not even two bytes. */
export function messageId(buf: Buffer): number {
  return buf.length < 2 ? -1 : buf.readUInt16BE(0);
}

/** Parses a whole response; throws DnsFormatError on anything malformed, reads nothing out of bounds. */
export function parseResponse(buf: Buffer): DnsResponse {
  if (buf.length < 12) throw new DnsFormatError('message shorter than its header');
  const flags = u16(buf, 2);
  if ((flags & 0x8000) === 0) throw new DnsFormatError('not a response (QR clear)');
  const counts = [u16(buf, 4), u16(buf, 6), u16(buf, 8), u16(buf, 10)] as const;
  let o = 12;
  let question: DnsResponse['question'];
  for (let i = 0; i < counts[0]; i++) {
    const name = readName(buf, o);
    const q = { name: name.text, type: u16(buf, name.next), class: u16(buf, name.next + 2) };
    o = name.next + 4;
    if (i === 0) question = q;
  }
  const sections: DnsRecord[][] = [[], [], []];
  let rcode = flags & 0xf;
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]!; i++) {
      const name = readName(buf, o);
      const type = u16(buf, name.next);
      const cls = u16(buf, name.next + 2);
      const ttl = u32(buf, name.next + 4);
      const rdlen = u16(buf, name.next + 8);
      const rdata = name.next + 10;
      if (rdata + rdlen > buf.length)
        throw new DnsFormatError('record data runs past the end of the message');
      o = rdata + rdlen;
      if (type === rrType.OPT) {
        rcode |= (ttl >>> 24) << 4;
        continue;
      }
      const text = `${name.text} ${ttl} ${className(cls)} ${typeName(type)} ${rdataText(buf, type, rdata, rdlen)}`;
      sections[s]!.push({ name: name.text, type, class: cls, ttl, text });
    }
  }
  return {
    id: buf.readUInt16BE(0),
    truncated: (flags & 0x0200) !== 0,
    rcode,
    question,
    answers: sections[0]!,
    authority: sections[1]!,
  };
}
