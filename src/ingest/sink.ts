import type { Writable } from 'node:stream';
import { F, type FlowBatch, IC, type InterfaceCounterBatch } from '../flow/batch.js';

/**
 * Where the collector delivers decoded records. The batches are reused: a sink reads (or copies)
 * what it needs before `write` returns, or before its promise settles — the collector does not
 * touch a batch until then, and decodes into another one meanwhile.
 */
export interface FlowSink {
  write(flows: FlowBatch, counters: InterfaceCounterBatch): void | Promise<void>;
  /** Called once at stop, after the last write. */
  close?(): void | Promise<void>;
}

/**
 * The flow store as the collector sees it (a later issue implements it): a sink that also makes
 * everything written durable on `flush`.
 */
export interface FlowStoreSink extends FlowSink {
  flush(): Promise<void>;
}

/** Prints one JSON object per flow (schema column names as keys), one per line. */
export class JsonLinesSink implements FlowSink {
  constructor(private readonly out: Writable) {}

  write(flows: FlowBatch): void | Promise<void> {
    if (flows.length === 0) return;
    const lines: string[] = new Array(flows.length);
    for (let row = 0; row < flows.length; row++) lines[row] = JSON.stringify(flows.rowObject(row));
    lines.push('');
    // The batch is fully read above, so only the output stream's backpressure is awaited.
    if (this.out.write(lines.join('\n'))) return;
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }
}

export interface DeviceTotals {
  id: number;
  flows: number;
  /** Packets and bytes in both directions, sampling-adjusted (as stored). */
  packets: number;
  bytes: number;
  counterRecords: number;
}

/** Sums flows, packets and bytes per device id: for tests and the benchmark. */
export class CountingSink implements FlowSink {
  readonly perDevice = new Map<number, DeviceTotals>();
  readonly total: DeviceTotals = { id: 0, flows: 0, packets: 0, bytes: 0, counterRecords: 0 };
  batches = 0;

  write(flows: FlowBatch, counters: InterfaceCounterBatch): void {
    this.batches++;
    const a = flows.arrays;
    const device = a[F.i_device_id]!;
    const inPkts = a[F.in_pkts]!;
    const outPkts = a[F.out_pkts]!;
    const inBytes = a[F.in_bytes]!;
    const outBytes = a[F.out_bytes]!;
    let current: DeviceTotals | undefined;
    for (let row = 0; row < flows.length; row++) {
      if (current === undefined || device[row] !== current.id) current = this.device(device[row]!);
      const packets = inPkts[row]! + outPkts[row]!;
      const bytes = inBytes[row]! + outBytes[row]!;
      current.flows++;
      current.packets += packets;
      current.bytes += bytes;
      this.total.packets += packets;
      this.total.bytes += bytes;
    }
    this.total.flows += flows.length;
    const counterDevice = counters.arrays[IC.i_device_id]!;
    for (let row = 0; row < counters.length; row++) this.device(counterDevice[row]!).counterRecords++;
    this.total.counterRecords += counters.length;
  }

  private device(id: number): DeviceTotals {
    let totals = this.perDevice.get(id);
    if (totals === undefined) {
      totals = { id, flows: 0, packets: 0, bytes: 0, counterRecords: 0 };
      this.perDevice.set(id, totals);
    }
    return totals;
  }
}
