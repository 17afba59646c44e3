/** TCP option kinds read here (RFC 9293, RFC 7323). */
const EOL = 0;
const NOP = 1;
const WINDOW_SCALE = 3;
/** RFC 7323 §2.3: a shift above 14 is used as 14 (Wireshark does the same). */
const MAX_SHIFT = 14;

/**
 * The shift count of the window-scale option in the TCP header `buf[tcpHeaderOffset..tcpHeaderEnd)`
 * (options start 20 bytes in), or -1 when the header has none. Reads in place. Options are walked
 * as Wireshark walks them: EOL ends the list, NOP is one byte, any other option carries a length;
 * a length below 2 or past the header ends the walk, and a window-scale option whose length is not
 * 3 is ignored; of several, the last counts.
 */
export function tcpWindowScale(buf: Uint8Array, tcpHeaderOffset: number, tcpHeaderEnd: number): number {
  const end = Math.min(tcpHeaderEnd, buf.length);
  let shift = -1;
  let p = tcpHeaderOffset + 20;
  while (p < end) {
    const kind = buf[p]!;
    if (kind === EOL) break;
    if (kind === NOP) {
      p++;
      continue;
    }
    if (p + 1 >= end) break;
    const length = buf[p + 1]!;
    if (length < 2 || p + length > end) break;
    if (kind === WINDOW_SCALE && length === 3) shift = Math.min(buf[p + 2]!, MAX_SHIFT);
    p += length;
  }
  return shift;
}
