/** Node's one-byte string maker (Buffer's latin1 decoding), callable on any Uint8Array. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(start: number, end: number): string })
  .latin1Slice;

/** `buf[start..end)` as a string of one-byte characters (the bytes' code points): one copy. */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(buf, start, end);
}
