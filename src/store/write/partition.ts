import type { NumberArray } from '../../flow/batch.js';

const MINUTE = 60_000;

/** The rows `order[start..end)` of a batch: those of one device in one minute. */
export interface RowGroup {
  minute: number;
  deviceId: number;
  start: number;
  end: number;
}

/**
 * Groups a batch's rows by (minute, device) with a counting sort on typed arrays: `order` lists
 * row indexes group after group, each group's rows in batch order (stable), groups by minute,
 * then by device in order of first appearance. The collector's batches interleave devices row by
 * row; grouping once lets every column be copied per (minute, device) run into that device's
 * open arrays. Reused across batches: nothing is allocated per row.
 */
export class BatchPartition {
  order = new Uint32Array(1024);
  readonly groups: RowGroup[] = [];
  groupCount = 0;
  private keys = new Uint32Array(1024);
  private minuteIndex = new Uint32Array(1024);
  private counts = new Uint32Array(64);
  private readonly minutes: number[] = [];
  private readonly minuteSlots = new Map<number, number>();
  private readonly devices: number[] = [];
  /** Device id → slot + 1 for ids below 65536 (0: not seen in this batch); larger ids in a Map. */
  private readonly smallSlots = new Uint32Array(65536);
  private readonly bigSlots = new Map<number, number>();

  /** Partitions rows 0..n-1; returns the number of groups (in `groups[0..count)`). */
  partition(time: NumberArray | undefined, device: NumberArray | undefined, n: number): number {
    this.reserve(n);
    this.minutes.length = 0;
    this.minuteSlots.clear();
    this.devices.length = 0;
    const keys = this.keys;
    const minuteIndex = this.minuteIndex;
    // Rows per device slot, counted in the same pass (enough when the batch is one minute).
    let counts = this.counts;
    let lastMinute = Number.NaN;
    let lastMinuteIndex = 0;
    let lastDevice = -1;
    let lastSlot = 0;
    for (let r = 0; r < n; r++) {
      const t = time === undefined ? 0 : time[r]!;
      if (!(t >= lastMinute && t < lastMinute + MINUTE)) {
        lastMinuteIndex = this.minuteOf(t);
        lastMinute = this.minutes[lastMinuteIndex]!;
      }
      minuteIndex[r] = lastMinuteIndex;
      const id = device === undefined ? 0 : device[r]!;
      if (id !== lastDevice) {
        lastDevice = id;
        lastSlot = this.slot(id);
        if (lastSlot + 1 >= counts.length) counts = this.growCounts(lastSlot + 2);
      }
      keys[r] = lastSlot;
      counts[lastSlot + 1]!++;
    }
    const d = this.devices.length;
    const m = this.minutes.length;
    if (m === 1 && d === 1) return this.single(n);
    let count: number;
    if (m === 1)
      count = this.groupsOf(
        counts,
        d,
        () => this.minutes[0]!,
        (key) => key,
      );
    else {
      // Minutes in time order: the group key is (rank of the minute) × devices + device slot.
      const ranked = this.minutes.map((minute, i) => ({ minute, i })).sort((a, b) => a.minute - b.minute);
      const rank = new Uint32Array(m);
      ranked.forEach((entry, k) => {
        rank[entry.i] = k;
      });
      const total = m * d;
      if (counts.length < total + 1) counts = this.growCounts(total + 1);
      counts.fill(0, 0, total + 1);
      for (let r = 0; r < n; r++) {
        const key = rank[minuteIndex[r]!]! * d + keys[r]!;
        keys[r] = key;
        counts[key + 1]!++;
      }
      count = this.groupsOf(
        counts,
        total,
        (key) => ranked[Math.floor(key / d)]!.minute,
        (key) => key % d,
      );
    }
    const order = this.order;
    for (let r = 0; r < n; r++) order[counts[keys[r]!]!++] = r;
    counts.fill(0);
    this.resetSlots();
    this.groupCount = count;
    return count;
  }

  /** Turns counts[key + 1] into group starts (counts[key]) and lists the non-empty groups. */
  private groupsOf(
    counts: Uint32Array,
    keys: number,
    minuteOf: (key: number) => number,
    slotOf: (key: number) => number,
  ): number {
    let count = 0;
    for (let key = 0; key < keys; key++) {
      const rows = counts[key + 1]!;
      counts[key + 1] = counts[key]! + rows;
      if (rows === 0) continue;
      const group = this.group(count++);
      group.minute = minuteOf(key);
      group.deviceId = this.devices[slotOf(key)]!;
      group.start = counts[key]!;
      group.end = counts[key]! + rows;
    }
    return count;
  }

  private minuteOf(t: number): number {
    let minute = Math.floor(t / MINUTE) * MINUTE;
    if (Number.isNaN(minute)) minute = 0;
    let index = this.minuteSlots.get(minute);
    if (index === undefined) {
      index = this.minutes.push(minute) - 1;
      this.minuteSlots.set(minute, index);
    }
    return index;
  }

  private growCounts(size: number) {
    const grown = new Uint32Array(Math.max(size, this.counts.length * 2));
    grown.set(this.counts);
    this.counts = grown;
    return grown;
  }

  private single(n: number): number {
    this.counts.fill(0, 0, 2);
    const order = this.order;
    for (let r = 0; r < n; r++) order[r] = r;
    const group = this.group(0);
    group.minute = this.minutes[0]!;
    group.deviceId = this.devices[0]!;
    group.start = 0;
    group.end = n;
    this.resetSlots();
    this.groupCount = n === 0 ? 0 : 1;
    return this.groupCount;
  }

  private slot(id: number): number {
    if (id < 65536) {
      const known = this.smallSlots[id]!;
      if (known !== 0) return known - 1;
      this.smallSlots[id] = this.devices.push(id);
      return this.devices.length - 1;
    }
    let known = this.bigSlots.get(id);
    if (known === undefined) {
      known = this.devices.push(id) - 1;
      this.bigSlots.set(id, known);
    }
    return known;
  }

  private resetSlots(): void {
    for (const id of this.devices) if (id < 65536) this.smallSlots[id] = 0;
    this.bigSlots.clear();
  }

  private group(i: number): RowGroup {
    let group = this.groups[i];
    if (group === undefined) {
      group = { minute: 0, deviceId: 0, start: 0, end: 0 };
      this.groups[i] = group;
    }
    return group;
  }

  private reserve(n: number): void {
    if (this.order.length >= n) return;
    const size = Math.max(n, this.order.length * 2);
    this.order = new Uint32Array(size);
    this.keys = new Uint32Array(size);
    this.minuteIndex = new Uint32Array(size);
  }
}
