/** Why a DHCP message (or the rest of it) was not decoded: a bounded set, counted by the decoder. */
export const dhcpErrorReasons = [
  'truncated', // shorter (as sent) than the BOOTP header up to the client hardware address
  'capture_cut', // the capture's snap length cut the message before the part being read
  'bad_op', // op is neither 1 (request) nor 2 (reply): not BOOTP
  'bad_option', // an option running past its field, or of a length its code forbids
] as const;

export type DhcpErrorReason = (typeof dhcpErrorReasons)[number];

export const DhcpError = { none: -1, truncated: 0, captureCut: 1, badOp: 2, badOption: 3 } as const;

/** BOOTP header offsets (RFC 2131 section 2). */
export const Bootp = {
  op: 0,
  htype: 1,
  hlen: 2,
  ciaddr: 12,
  yiaddr: 16,
  siaddr: 20,
  chaddr: 28,
  sname: 44,
  file: 108,
  cookie: 236,
  options: 240,
} as const;

const MAGIC = 0x63825363;
const PAD = 0;
const END = 255;
const HOST_NAME = 12;
const DOMAIN_NAME = 15;
const LEASE_TIME = 51;
const OVERLOAD = 52;
const MESSAGE_TYPE = 53;

/**
 * One BOOTP/DHCP message parsed in place: the fixed header and the options that flowlens emits,
 * from the options field and, when option 52 says so, from the file and sname fields (in that
 * order, RFC 2131 section 4.1). The first instance of an option counts. A malformed option stops
 * the walk; what came before stays valid (`error` says why the rest was ignored).
 */
export class DhcpMessage {
  buf: Uint8Array = new Uint8Array(0);
  start = 0;
  op = 0;
  /** Whether chaddr holds a MAC: hardware type Ethernet (1) or IEEE 802 (6), length 6. */
  hasMac = false;
  /** Whether the magic cookie announces DHCP options (else plain BOOTP). */
  dhcp = false;
  msgType = 0;
  /** -1 when absent. */
  leaseTime = -1;
  /** Option values as offsets into `buf`; length -1 when absent. */
  hostNamePos = 0;
  hostNameLength = -1;
  domainPos = 0;
  domainLength = -1;
  error: number = DhcpError.none;
  private have = 0;
  private wireEnd = 0;

  /** Returns false when the message is unusable (too short for its addresses, or not BOOTP). */
  parse(buf: Uint8Array, start: number, have: number, wireLength: number): boolean {
    this.buf = buf;
    this.start = start;
    this.wireEnd = start + wireLength;
    this.have = Math.min(have, this.wireEnd);
    this.hasMac = false;
    this.dhcp = false;
    this.msgType = 0;
    this.leaseTime = -1;
    this.hostNameLength = -1;
    this.domainLength = -1;
    this.error = DhcpError.none;
    if (!this.need(Bootp.chaddr, 6)) return false;
    this.op = buf[start]!;
    if (this.op !== 1 && this.op !== 2) {
      this.error = DhcpError.badOp;
      return false;
    }
    const htype = buf[start + Bootp.htype]!;
    this.hasMac = buf[start + Bootp.hlen] === 6 && (htype === 1 || htype === 6);
    // Shorter than the cookie as sent: BOOTP without a vendor area, no options to read.
    if (this.wireEnd < start + Bootp.options || !this.need(Bootp.options, 0)) return true;
    const cookie =
      buf[start + Bootp.cookie]! * 0x1000000 +
      ((buf[start + 237]! << 16) | (buf[start + 238]! << 8) | buf[start + 239]!);
    if (cookie !== MAGIC) return true;
    this.dhcp = true;
    const overload = this.options(start + Bootp.options, this.wireEnd, true);
    if (overload < 0) return true;
    if (overload & 1 && this.options(start + Bootp.file, start + Bootp.cookie, false) < 0) return true;
    if (overload & 2) this.options(start + Bootp.sname, start + Bootp.file, false);
    return true;
  }

  /**
   * Walks the options in `[p, end)` (until End), keeping the first of each wanted code. Returns the
   * overload option's value (0 when absent or not `main`), or -1 when the walk failed.
   */
  private options(p: number, end: number, main: boolean): number {
    const buf = this.buf;
    let overload = 0;
    while (p < end) {
      if (!this.need(p - this.start, 1)) return -1;
      const code = buf[p]!;
      if (code === END) return overload;
      if (code === PAD) {
        p++;
        continue;
      }
      if (p + 2 > end) return this.fail(DhcpError.badOption);
      if (!this.need(p + 1 - this.start, 1)) return -1;
      const length = buf[p + 1]!;
      const value = p + 2;
      if (value + length > end) return this.fail(DhcpError.badOption);
      if (!this.need(value - this.start, length)) return -1;
      if (code === MESSAGE_TYPE) {
        if (length !== 1) return this.fail(DhcpError.badOption);
        if (this.msgType === 0) this.msgType = buf[value]!;
      } else if (code === LEASE_TIME) {
        if (length !== 4) return this.fail(DhcpError.badOption);
        if (this.leaseTime < 0)
          this.leaseTime =
            buf[value]! * 0x1000000 + ((buf[value + 1]! << 16) | (buf[value + 2]! << 8) | buf[value + 3]!);
      } else if (code === HOST_NAME) {
        if (this.hostNameLength < 0) {
          this.hostNamePos = value;
          this.hostNameLength = length;
        }
      } else if (code === DOMAIN_NAME) {
        if (this.domainLength < 0) {
          this.domainPos = value;
          this.domainLength = length;
        }
      } else if (code === OVERLOAD && main) {
        if (length !== 1) return this.fail(DhcpError.badOption);
        overload = buf[value]! & 3;
      }
      p = value + length;
    }
    return overload;
  }

  /** Whether `n` bytes at header offset `at` were captured; otherwise sets `error`. */
  private need(at: number, n: number): boolean {
    const end = this.start + at + n;
    if (end <= this.have) return true;
    this.error = end > this.wireEnd ? DhcpError.truncated : DhcpError.captureCut;
    return false;
  }

  private fail(reason: number): number {
    this.error = reason;
    return -1;
  }
}
