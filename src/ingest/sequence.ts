/**
 * Export sequence numbers, tracked per exporter and observation domain / source id / sub-agent.
 * Returns how many units (packets or flows, depending on the protocol) went missing. Sequence
 * numbers are 32-bit and wrap; a large backward jump means the exporter restarted, which resets
 * tracking rather than counting four billion losses.
 */
export class SequenceTracker {
  private next = 0;
  private started = false;
  lost = 0;
  /** Arrivals that were older than expected (reordered or duplicated). */
  reordered = 0;

  /**
   * Records that a packet with sequence `seq` carrying `units` units arrived, and returns the
   * number of units lost between the previous packet and this one.
   */
  observe(seq: number, units: number): number {
    const expected = this.next;
    this.next = (seq + units) >>> 0;
    if (!this.started) {
      this.started = true;
      return 0;
    }
    const gap = (seq - expected) >>> 0;
    if (gap === 0) return 0;
    if (gap < 0x80000000 && gap < 1_000_000_000) {
      this.lost += gap;
      return gap;
    }
    // Behind the expected value: a reordered packet, or the exporter restarted.
    this.reordered++;
    return 0;
  }
}
