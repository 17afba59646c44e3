/** A device: the exporter (router, switch, host agent) that flows come from. */
export interface Device {
  readonly id: number;
  readonly name: string;
  readonly tenant: string;
  /** Sampling rate from config; when set it overrides what the exporter reports. */
  readonly sampleRate?: number | undefined;
}

/** Per-device counters, updated by the decoders and the listeners. */
export class DeviceStats {
  packets = 0;
  bytes = 0;
  flows = 0;
  decodeErrors = 0;
  templateMisses = 0;
  /** Export packets lost, from NetFlow v9 / sFlow datagram sequence gaps. */
  lostPackets = 0;
  /** Flow records lost, from NetFlow v5 / IPFIX sequence gaps and sFlow sample sequence gaps. */
  lostFlows = 0;
  lastSeen = 0;
  /** Last sampling rate seen from this device (1 if unsampled). */
  sampleRate = 0;
}
