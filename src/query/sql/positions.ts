/**
 * libpg-query reports node locations as 0-based byte offsets into the UTF-8 text, while
 * PostgreSQL's ErrorResponse carries a 1-based character position. This converts the first into
 * the second.
 */
export function charPosition(sql: string, byteOffset: number | undefined): number | undefined {
  if (byteOffset === undefined || byteOffset < 0) return undefined;
  let bytes = 0;
  let chars = 0;
  for (let i = 0; i < sql.length && bytes < byteOffset; i++) {
    const code = sql.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < sql.length) {
      bytes += 4; // a surrogate pair is one character of four bytes
      i++;
    } else bytes += 3;
    chars++;
  }
  return chars + 1;
}

/** The 0-based UTF-16 index of a byte offset (to slice the statement text). */
export function stringIndex(sql: string, byteOffset: number): number {
  let bytes = 0;
  let i = 0;
  while (i < sql.length && bytes < byteOffset) {
    const code = sql.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < sql.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
    i++;
  }
  return i;
}
