import type { AppFieldSink } from '../contract.js';

/** Node's one-byte string maker (Buffer's latin1 decoding), callable on any Uint8Array. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(start: number, end: number): string })
  .latin1Slice;

const utf8 = new TextDecoder('utf-8');

/** `buf[start..end)` as a string of one-byte characters (the bytes' code points): one copy. */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(buf, start, end);
}

/** `buf[start..end)` as a string (UTF-8; invalid bytes become U+FFFD). The one copy a field costs. */
export function text(buf: Uint8Array, start: number, end: number): string {
  // ASCII (nearly every header value) reads the same as latin1, which is decoded at half the cost.
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return utf8.decode(buf.subarray(start, end));
  return latin1(buf, start, end);
}

/**
 * Writes the text `text(buf, start, end)` into a string column: through the sink's `setText` when
 * it has one (the flow table's copies the bytes and makes the string only when the record is
 * written), else as a string.
 */
export function setText(
  out: AppFieldSink,
  column: string,
  buf: Uint8Array,
  start: number,
  end: number,
): void {
  if (out.setText !== undefined) out.setText(column, buf, start, end);
  else out.setString(column, text(buf, start, end));
}
