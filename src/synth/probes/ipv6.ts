import { isIPv6 } from 'node:net';

/** The 16 bytes of an IPv6 address in text (`2001:db8::1`, `::ffff:1.2.3.4`); undefined when invalid. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  if (!isIPv6(text)) return undefined;
  const zone = text.indexOf('%');
  let s = zone < 0 ? text : text.slice(0, zone);
  const out = new Uint8Array(16);
  const dotted = s.lastIndexOf(':');
  const tail: number[] = [];
  if (s.includes('.')) {
    for (const part of s.slice(dotted + 1).split('.')) tail.push(Number(part));
    s = `${s.slice(0, dotted + 1)}0:0`;
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const left = head === '' ? [] : head!.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  groups.forEach((g, i) => {
    const v = Number.parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  if (tail.length === 4) out.set(tail, 12);
  return out;
}

/**
 * The text of 16 address bytes exactly as glibc's inet_ntop writes it (and so dig): lowercase hex,
 * the longest run of two or more zero groups (the first on a tie) as `::`, and an embedded IPv4
 * address in dotted form for `::a.b.c.d` and `::ffff:a.b.c.d`.
 */
export function ipv6Text(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) s += ':';
      continue;
    }
    if (i !== 0) s += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      s += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
      break;
    }
    s += words[i]!.toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) s += ':';
  return s;
}
