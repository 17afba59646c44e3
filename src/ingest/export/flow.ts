/**
 * One flow as an exporter sees it: the values the encoders turn into NetFlow v5/v9, IPFIX and
 * sFlow records. Addresses use the flow batch's 16-byte form (IPv4 stored IPv4-mapped), so a
 * decoded batch row can be compared with the flow that produced it. Objects are reused: the
 * generator fills them in place and the encoders only read them.
 */
export interface ExportFlow {
  /** 4 or 6: which address family the addresses hold. */
  ipVersion: number;
  readonly srcAddr: Uint8Array;
  readonly dstAddr: Uint8Array;
  readonly nextHop: Uint8Array;
  readonly bgpNextHop: Uint8Array;
  srcPort: number;
  /** For ICMP: type * 256 + code (as NetFlow exporters put it in the destination port). */
  dstPort: number;
  protocol: number;
  tcpFlags: number;
  tos: number;
  bytes: number;
  packets: number;
  outBytes: number;
  outPackets: number;
  inputIf: number;
  outputIf: number;
  srcAs: number;
  dstAs: number;
  srcMask: number;
  dstMask: number;
  vlanIn: number;
  vlanOut: number;
  /** 48-bit MAC addresses as numbers. */
  srcMac: number;
  dstMac: number;
  /** 0 ingress, 1 egress. */
  direction: number;
  /** Top MPLS label (20 bits), 0 for none. */
  mplsLabel: number;
  /** Exporter's flow start and end, ms since the Unix epoch. */
  startMs: number;
  endMs: number;
  /** Application name, exported in IPFIX as a variable-length string (IE 96). */
  appName: string;
}

export function createExportFlow(): ExportFlow {
  return {
    ipVersion: 4,
    srcAddr: new Uint8Array(16),
    dstAddr: new Uint8Array(16),
    nextHop: new Uint8Array(16),
    bgpNextHop: new Uint8Array(16),
    srcPort: 0,
    dstPort: 0,
    protocol: 0,
    tcpFlags: 0,
    tos: 0,
    bytes: 0,
    packets: 0,
    outBytes: 0,
    outPackets: 0,
    inputIf: 0,
    outputIf: 0,
    srcAs: 0,
    dstAs: 0,
    srcMask: 0,
    dstMask: 0,
    vlanIn: 0,
    vlanOut: 0,
    srcMac: 0,
    dstMac: 0,
    direction: 0,
    mplsLabel: 0,
    startMs: 0,
    endMs: 0,
    appName: '',
  };
}

/** Writes an IPv4 address (32-bit number) into a 16-byte address in IPv4-mapped form. */
export function setIPv4(addr: Uint8Array, v4: number): void {
  addr.fill(0, 0, 10);
  addr[10] = 0xff;
  addr[11] = 0xff;
  addr[12] = v4 >>> 24;
  addr[13] = (v4 >>> 16) & 0xff;
  addr[14] = (v4 >>> 8) & 0xff;
  addr[15] = v4 & 0xff;
}

/** The IPv4 address held in a 16-byte IPv4-mapped address, as a 32-bit number. */
export function ipv4Of(addr: Uint8Array): number {
  return ((addr[12]! << 24) | (addr[13]! << 16) | (addr[14]! << 8) | addr[15]!) >>> 0;
}
