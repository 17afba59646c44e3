/**
 * What the ICMP engine needs of a raw socket (the native one, native-socket.ts; tests substitute
 * a fake): a synchronous send that returns its send time, and received datagrams handed over in
 * batches through arrays that are reused from one batch to the next (nothing per packet).
 * Times are nanoseconds on process.hrtime's clock (CLOCK_MONOTONIC), as doubles.
 */
import { addressText } from './address-text.js';

export interface IcmpSocket {
  /**
   * Sends `len` bytes of `buf` to `address` with TTL / hop limit `ttl` (0: the system default).
   * Returns the send time read right before sendto, or a negative errno when the send failed.
   */
  send(buf: Buffer, len: number, address: string, ttl: number): number;
  close(): void;
}

/** Datagrams read in one go; entry i is valid only for the duration of the BatchHandler call. */
export interface ReceiveBatch {
  /** Fixed views, one per entry, each as long as the largest datagram an entry holds. */
  readonly messages: readonly Buffer[];
  /** Bytes received into each view (a longer datagram is cut to the view). */
  readonly lengths: Int32Array;
  /** When the kernel received each datagram (SO_TIMESTAMPNS). */
  readonly stamps: Float64Array;
  /** The received hop limit (ICMPv6, IPV6_HOPLIMIT), or -1 (IPv4: read the IP header). */
  readonly hopLimits: Int32Array;
  /** Each datagram's source address: 16 bytes per entry, IPv4 in the first 4. */
  readonly sources: Buffer;
}

export type BatchHandler = (batch: ReceiveBatch, count: number) => void;
export type SocketOpener = (
  family: 4 | 6,
  onBatch: BatchHandler,
  onError: (err: Error) => void,
) => IcmpSocket;

export function createReceiveBatch(entries: number, entryBytes: number): ReceiveBatch {
  const arena = Buffer.alloc(entries * entryBytes);
  return {
    messages: Array.from({ length: entries }, (_, i) => arena.subarray(i * entryBytes, (i + 1) * entryBytes)),
    lengths: new Int32Array(entries),
    stamps: new Float64Array(entries),
    hopLimits: new Int32Array(entries),
    sources: Buffer.alloc(entries * 16),
  };
}

/** The source address of entry `i` as text. */
export function sourceText(batch: ReceiveBatch, i: number, family: 4 | 6): string {
  return addressText(batch.sources, i * 16, family);
}

/** Now on the sockets' clock (ns, CLOCK_MONOTONIC). */
export function monotonicNs(): number {
  return Number(process.hrtime.bigint());
}
