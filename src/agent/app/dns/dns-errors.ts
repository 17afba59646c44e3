/** Why a DNS message (or the rest of it) was not decoded: a bounded set, counted by the decoder. */
export const dnsErrorReasons = [
  'truncated', // the message ends (as sent) before its header, question or a record does
  'capture_cut', // the capture's snap length cut the message before the part being read
  'tcp_message_cut', // a DNS-over-TCP message longer than the per-flow buffer: decoded in part
  'tcp_gap', // bytes of a DNS-over-TCP stream are missing: framing resumed at the next segment
  'bad_label', // a label type other than a plain label or a pointer (0x40, 0x80)
  'bad_pointer', // a compression pointer into the header or past the message's end
  'pointer_loop', // compression pointers that never reach the end of a name
  'name_too_long', // a name longer than 255 bytes
  'bad_rdata', // record data whose length does not fit its type
] as const;

export type DnsErrorReason = (typeof dnsErrorReasons)[number];

/** Index into `dnsErrorReasons` (`none`: no error). */
export const DnsError = {
  none: -1,
  truncated: 0,
  captureCut: 1,
  tcpMessageCut: 2,
  tcpGap: 3,
  badLabel: 4,
  badPointer: 5,
  pointerLoop: 6,
  nameTooLong: 7,
  badRdata: 8,
} as const;
