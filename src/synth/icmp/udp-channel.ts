/**
 * The UDP probes of one traceroute run: they leave through the run's own dgram socket (so its
 * local port names the run) with destination ports basePort, basePort+1, … (one per probe, like
 * traceroute), and the ICMP errors they cause are matched back by the quoted ports and quoted
 * destination address.
 */
import { isIP } from 'node:net';
import { addressBytes } from './address-bytes.js';
import type { ProbeListener, ProbeTable } from './probe-table.js';
import { monotonicNs } from './socket.js';

export class UdpChannel {
  private readonly slots: Int32Array;
  private readonly target: Buffer;

  constructor(
    private readonly table: ProbeTable,
    family: 4 | 6,
    address: string,
    readonly basePort: number,
    probes: number,
    private readonly owner: ProbeListener,
    private readonly onClose: () => void,
  ) {
    if (isIP(address) !== family) throw new Error(`${address} is not an IPv${family} address`);
    this.target = addressBytes(address.replace(/%.*$/, ''), family);
    this.slots = new Int32Array(probes).fill(-1);
  }

  /**
   * Takes a slot for probe `index` (destination port basePort + index) just before it is sent;
   * returns false when the table is full. Call `stamp` right before the send.
   */
  track(index: number, timeoutMs: number): boolean {
    const slot = this.table.acquire(this.owner, index, timeoutMs);
    if (slot < 0) return false;
    this.slots[index] = slot;
    this.stamp(index);
    return true;
  }

  /** Probe `index`'s send time: now (call it right before the send, like ping and fping). */
  stamp(index: number): void {
    this.table.markSent(this.slots[index]!, monotonicNs());
  }

  /** Gives up probe `index` (its send failed, or its answer no longer matters); whether it was outstanding. */
  untrack(index: number): boolean {
    const slot = this.slots[index]!;
    this.slots[index] = -1;
    if (slot < 0 || !this.table.heldBy(slot, this.owner, index)) return false;
    this.table.release(slot);
    return true;
  }

  /** The slot of the probe an error quoting `dstPort` (and this destination) is about, or -1. */
  slotFor(dstPort: number, buf: Buffer, quotedDst: number): number {
    const index = dstPort - this.basePort;
    if (index < 0 || index >= this.slots.length) return -1;
    const slot = this.slots[index]!;
    if (slot < 0 || !this.table.heldBy(slot, this.owner, index)) return -1;
    if (
      quotedDst < 0 ||
      buf.compare(this.target, 0, this.target.length, quotedDst, quotedDst + this.target.length) !== 0
    )
      return -1;
    return slot;
  }

  /** Releases every outstanding probe and stops matching. */
  close(): void {
    for (let i = 0; i < this.slots.length; i++) this.untrack(i);
    this.onClose();
  }
}
