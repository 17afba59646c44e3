/** The 4 or 16 bytes of an IPv4 / IPv6 address in text form (already validated by net.isIP). */
export function addressBytes(address: string, family: 4 | 6): Buffer {
  if (family === 4) return Buffer.from(address.split('.').map(Number));
  const halves = address.split('::');
  const words = (s: string | undefined) => (s ? s.split(':') : []);
  const head = words(halves[0]);
  const tail = words(halves[1]);
  const last = tail.length > 0 ? tail : head;
  // An embedded IPv4 tail (::ffff:192.0.2.1) counts as two words.
  if (last.length > 0 && last[last.length - 1]!.includes('.')) {
    const v4 = addressBytes(last.pop()!, 4);
    last.push(v4.readUInt16BE(0).toString(16), v4.readUInt16BE(2).toString(16));
  }
  const zeros = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...new Array<string>(zeros).fill('0'), ...tail];
  const out = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(Number.parseInt(all[i]!, 16), i * 2);
  return out;
}
