/**
 * A raw ICMP (IPv4) or ICMPv6 socket through the npm package raw-socket 1.8.1 (a NAN addon:
 * main thread only). We drive its native `wrap` directly rather than its JS `Socket.send`,
 * because the wrapper queues every send as an object behind a writable-poll round trip: the
 * native send is a synchronous, non-blocking sendto, so a TTL set just before it applies to
 * exactly that packet, one reused buffer suffices, and the send time is taken right before it.
 * Receiving reuses one buffer and one callback; the source address string is the only thing the
 * addon allocates per datagram. recvfrom gives no ancillary data, so an ICMPv6 answer's hop
 * limit is not known (an IPv4 answer's TTL is in its IP header).
 */
import { createRequire } from 'node:module';

/** What the engine needs of a socket; tests substitute a fake. */
export interface IcmpSocket {
  /** Sends `len` bytes of `buf`; throws the system error (ENETUNREACH, EAGAIN, …). */
  send(buf: Buffer, len: number, address: string): void;
  /** The TTL / hop limit of following sends; 0 restores the system default. */
  setTtl(ttl: number): void;
  close(): void;
}

export type MessageHandler = (buf: Buffer, len: number, from: string) => void;
export type SocketOpener = (
  family: 4 | 6,
  onMessage: MessageHandler,
  onError: (err: Error) => void,
) => IcmpSocket;

interface NativeWrap {
  send(buf: Buffer, offset: number, length: number, address: string, cb: () => void): void;
  recv(buf: Buffer, cb: (buf: Buffer, bytes: number, from: string) => void): void;
  setOption(level: number, option: number, value: number | Buffer, length?: number): void;
  on(event: string, fn: (...args: unknown[]) => void): void;
  removeAllListeners(event: string): void;
}
interface RawSocketModule {
  createSocket(options: { protocol: number; addressFamily: number }): {
    wrap: NativeWrap;
    on(event: string, fn: (err: Error) => void): void;
    close(): void;
  };
}

const SOL_RAW = 255;
const ICMP_FILTER = 1;
const IPPROTO_IP = 0;
const IP_TTL = 2;
const IPPROTO_IPV6 = 41;
const IPV6_UNICAST_HOPS = 16;
const IPPROTO_ICMPV6 = 58;
const ICMP6_FILTER = 1;
const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
const SO_RCVBUFFORCE = 33;
/** -1 as the setsockopt int: the route's / system default TTL. */
const defaultTtl = 0xffffffff;
const recvBatch = 256;

let rawModule: RawSocketModule | undefined;
function loadRaw(): RawSocketModule {
  rawModule ??= createRequire(import.meta.url)('raw-socket') as RawSocketModule;
  return rawModule;
}

/** Only echo replies, time exceeded and destination unreachable reach us (bit set = blocked). */
function setFilter(wrap: NativeWrap, family: 4 | 6): void {
  if (family === 4) {
    wrap.setOption(SOL_RAW, ICMP_FILTER, ~((1 << 0) | (1 << 3) | (1 << 11)) >>> 0);
    return;
  }
  const filter = Buffer.alloc(32, 0xff);
  for (const type of [1, 3, 129]) {
    const at = (type >> 5) * 4;
    filter.writeUInt32LE((filter.readUInt32LE(at) & ~(1 << (type & 31))) >>> 0, at);
  }
  wrap.setOption(IPPROTO_ICMPV6, ICMP6_FILTER, filter, 32);
}

function setReceiveBuffer(wrap: NativeWrap, bytes: number): void {
  try {
    wrap.setOption(SOL_SOCKET, SO_RCVBUFFORCE, bytes);
  } catch {
    try {
      wrap.setOption(SOL_SOCKET, SO_RCVBUF, bytes);
    } catch {}
  }
}

/** Opens the raw socket of a family (needs root or CAP_NET_RAW); throws the system error. */
export const openRawIcmpSocket: SocketOpener = (family, onMessage, onError) => {
  const raw = loadRaw();
  const socket = raw.createSocket({ protocol: family === 4 ? 1 : 58, addressFamily: family === 4 ? 1 : 2 });
  const { wrap } = socket;
  socket.on('error', onError);
  setFilter(wrap, family);
  setReceiveBuffer(wrap, 4 << 20);
  const recvBuf = Buffer.alloc(65_536);
  const onRecv = (buf: Buffer, bytes: number, from: string) => onMessage(buf, bytes, from);
  wrap.removeAllListeners('recvReady');
  // Up to a batch of datagrams per readiness event (the addon reads one per call and throws on
  // EAGAIN): fewer event-loop turns when answers arrive in bursts.
  // The addon's recv and send silently open a new socket once closed: never call them after close.
  let closed = false;
  wrap.on('recvReady', () => {
    for (let i = 0; i < recvBatch && !closed; i++) {
      try {
        wrap.recv(recvBuf, onRecv);
      } catch (err) {
        if (!/temporarily unavailable|would block/i.test((err as Error).message)) onError(err as Error);
        return;
      }
    }
  });
  const noop = () => {};
  const level = family === 4 ? IPPROTO_IP : IPPROTO_IPV6;
  const option = family === 4 ? IP_TTL : IPV6_UNICAST_HOPS;
  return {
    send: (buf, len, address) => {
      if (closed) throw new Error('socket closed');
      wrap.send(buf, 0, len, address, noop);
    },
    setTtl: (ttl) => wrap.setOption(level, option, ttl === 0 ? defaultTtl : ttl),
    close: () => {
      closed = true;
      socket.close();
    },
  };
};
