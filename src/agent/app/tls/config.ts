/** What the TLS decoder reads. */
export interface TlsDecoderConfig {
  /**
   * The longest ClientHello or ServerHello read; a longer one is counted (hello_too_long) and
   * skipped. A hello that fits in one segment is read in place; one that spans segments (large
   * key shares, many extensions) is copied into a buffer of its own length while incomplete.
   */
  readonly maxHello: number;
  /** Server ports taken to be TLS from the first byte (either side of a flow matches). */
  readonly ports: readonly number[];
}

export const defaultTlsDecoderConfig: TlsDecoderConfig = {
  maxHello: 16384,
  // HTTPS and its alternates, SMTPS (465), LDAPS (636, 3269), FTPS (989, 990), telnets (992),
  // IMAPS (993), IRCS (994, 6697), POP3S (995), DNS over TLS (853), SIP-TLS (5061), XMPP (5223),
  // WinRM HTTPS (5986), MQTT over TLS (8883), Kubernetes API (6443).
  ports: [
    443, 465, 636, 853, 989, 990, 992, 993, 994, 995, 3269, 4443, 5061, 5223, 5986, 6443, 6697, 8443, 8883,
    9443,
  ],
};
