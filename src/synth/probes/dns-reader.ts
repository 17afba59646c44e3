/** A DNS message that does not parse; the probe reports it as `bad_response`. */
export class DnsFormatError extends Error {}

export function u16(buf: Buffer, offset: number): number {
  if (offset + 2 > buf.length) throw new DnsFormatError('message cut short');
  return buf.readUInt16BE(offset);
}

export function u32(buf: Buffer, offset: number): number {
  if (offset + 4 > buf.length) throw new DnsFormatError('message cut short');
  return buf.readUInt32BE(offset);
}
