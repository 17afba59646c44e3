/**
 * A stand-in for the native raw socket in the unit tests of src/synth: it records what is sent
 * (with its TTL) and delivers "received" datagrams one per batch, as the native socket would,
 * stamped with the time the test gives (default: now) and, for ICMPv6, a hop limit.
 */
import { addressBytes } from '../../src/synth/icmp/address-bytes.js';
import {
  type BatchHandler,
  createReceiveBatch,
  monotonicNs,
  type SocketOpener,
} from '../../src/synth/icmp/socket.js';

export interface SentPacket {
  readonly family: 4 | 6;
  readonly bytes: Buffer;
  readonly address: string;
  readonly ttl: number;
  /** The send time the fake returned. */
  readonly atNs: number;
}

export function fakeSockets(clockNs: () => number = monotonicNs) {
  const sent: SentPacket[] = [];
  const handlers: Partial<Record<4 | 6, BatchHandler>> = {};
  const batch = createReceiveBatch(1, 2048);
  let failNext = 0;
  const opener: SocketOpener = (family, onBatch) => {
    handlers[family] = onBatch;
    return {
      send(b, len, address, ttl) {
        if (failNext !== 0) {
          const errno = failNext;
          failNext = 0;
          return -errno;
        }
        const atNs = clockNs();
        sent.push({ family, bytes: Buffer.from(b.subarray(0, len)), address, ttl, atNs });
        return atNs;
      },
      close() {},
    };
  };
  return {
    opener,
    sent,
    /** The next send fails with this errno (101: ENETUNREACH). */
    failNextSend(errno = 101) {
      failNext = errno;
    },
    receive(family: 4 | 6, bytes: number[] | Buffer, from: string, atNs = clockNs(), hopLimit = -1) {
      const message = batch.messages[0]!;
      const b = Buffer.from(bytes);
      b.copy(message, 0, 0, Math.min(b.length, message.length));
      batch.lengths[0] = Math.min(b.length, message.length);
      batch.stamps[0] = atNs;
      batch.hopLimits[0] = family === 6 ? hopLimit : -1;
      batch.sources.fill(0, 0, 16);
      addressBytes(from, family).copy(batch.sources, 0);
      handlers[family]!(batch, 1);
    },
  };
}
