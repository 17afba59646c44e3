/**
 * An address's text form from its bytes: dotted quad, or RFC 5952 for IPv6 (lower case, the
 * longest run of two or more zero groups, the first of equal ones, as "::").
 */
export function addressText(b: Uint8Array, at: number, family: 4 | 6): string {
  if (family === 4) return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
  let runAt = -1;
  let runLen = 0;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && b[at + 2 * j] === 0 && b[at + 2 * j + 1] === 0) j++;
    if (j - i > runLen) {
      runAt = i;
      runLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (runLen < 2) runAt = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === runAt) {
      out += '::';
      i += runLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += ((b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!).toString(16);
  }
  return out;
}
