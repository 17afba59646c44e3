/**
 * The raw ICMP / ICMPv6 socket of our own native addon (native/icmp_socket.c, built by node-gyp
 * from binding.gyp during `npm install`; docs/synth.md "The native socket"). The addon sends
 * synchronously, reading the send time right before sendto, and reads datagrams with recvmmsg,
 * up to 64 at a time, each with the kernel's receive time and (ICMPv6) its hop limit, into the
 * arrays of one ReceiveBatch that it fills again for every batch.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { getSystemErrorMap } from 'node:util';
import { type BatchHandler, createReceiveBatch, type IcmpSocket, type SocketOpener } from './socket.js';

interface NativeHandle {
  readonly __brand: 'flowlens_icmp';
}
interface NativeModule {
  geometry(): { batch: number; slot: number };
  open(
    family: 4 | 6,
    receiveBufferBytes: number,
    arena: Uint8Array,
    lengths: Int32Array,
    stamps: Float64Array,
    hopLimits: Int32Array,
    sources: Uint8Array,
    onBatch: (count: number) => void,
  ): NativeHandle;
  send(handle: NativeHandle, buf: Buffer, len: number, address: string, ttl: number): number;
  close(handle: NativeHandle): void;
}

/** From dist/src/synth/icmp/ (or dist-NAME/…) to the repository's build/. */
const addonPath = new URL('../../../../build/Release/flowlens_icmp.node', import.meta.url);
// Room for the replies to a burst of ~10 000 pings (a backlog after a stall): ~770 bytes each in the
// kernel, reply and bookkeeping.
const receiveBufferBytes = 16 << 20;

let loaded: NativeModule | undefined;
function load(): NativeModule {
  if (loaded !== undefined) return loaded;
  try {
    loaded = createRequire(import.meta.url)(fileURLToPath(addonPath)) as NativeModule;
  } catch (err) {
    throw new Error(
      `the native ICMP addon is not built (${(err as Error).message.split('\n')[0]}): run npm install`,
    );
  }
  return loaded;
}

/** A system error number's message ('Network is unreachable'), for send failures. */
export function errnoMessage(errno: number): string {
  const entry = getSystemErrorMap().get(-Math.abs(errno));
  return entry === undefined ? `errno ${Math.abs(errno)}` : entry[1];
}

/** Opens the raw socket of a family (needs root or CAP_NET_RAW); throws the system error. */
export const openNativeIcmpSocket: SocketOpener = (family, onBatch: BatchHandler, onError) => {
  const native = load();
  const { batch: entries, slot } = native.geometry();
  const batch = createReceiveBatch(entries, slot);
  const arena = batch.messages[0]!;
  const whole = new Uint8Array(arena.buffer, arena.byteOffset, entries * slot);
  const handle = native.open(
    family,
    receiveBufferBytes,
    whole,
    batch.lengths,
    batch.stamps,
    batch.hopLimits,
    batch.sources,
    (count) => {
      if (count > 0) onBatch(batch, count);
      else onError(new Error(`receive failed: ${errnoMessage(count)}`));
    },
  );
  let closed = false;
  const socket: IcmpSocket = {
    send: (buf, len, address, ttl) => native.send(handle, buf, len, address, ttl),
    close: () => {
      if (closed) return;
      closed = true;
      native.close(handle);
    },
  };
  return socket;
};
